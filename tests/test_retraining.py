"""The parts of retraining from the store that keep a model from forgetting
(training/trainer.py ``EarlyStopping``, training/from_store.py): early stopping keeps the best
checked weights — the parent's when no check beats them —, a share of the corrections is set
aside for it, and the parent's recorded training files are replayed."""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import torch

from test_from_store import DEV, TRAIN, tiny_transformer, write_jsonl
from training.from_store import kept_parent_weights, replay_files, split_validation
from training.trainer import BatchStream, EarlyStopping, TrainConfig, build_from_model, run_stage
from training.domain import doc_to_examples


def _state(tmp_path: Path):
    parent = tiny_transformer(tmp_path / "parent", [DEV[0]["text"], TRAIN[0]["text"]])
    return build_from_model(parent)


def _stage(state, stop: EarlyStopping | None, steps: int = 6) -> dict:
    cfg = TrainConfig(batch_size=2, warmup=0.0)
    rng = random.Random(0)
    examples = [ex for d in TRAIN + DEV for ex in doc_to_examples(d, 60)]
    streams = {"domain": BatchStream(examples, cfg.batch_size, rng)}
    return run_stage(state, "domain", streams, {"domain": 1.0}, steps, 5e-3, cfg, rng, early_stopping=stop)


def _weights(state) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in state.net.state_dict().items()}


def test_no_check_beats_the_start_so_the_parents_weights_come_back(tmp_path):
    state = _state(tmp_path)
    before = _weights(state)
    scores = iter([0.5, 0.4, 0.3, 0.2, 0.1])   # the start is best; every later check is worse
    record = _stage(state, EarlyStopping(lambda: next(scores), every=2, patience=2))
    after = _weights(state)
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert record["kept_step"] == 0 and record["steps_run"] == 4   # stopped after 2 checks without a gain
    assert [c["step"] for c in record["validation"]] == [0, 2, 4]


def test_a_run_that_kept_the_parents_weights_is_no_new_model(tmp_path):
    """from_store refuses (exit 3) rather than write the parent's weights under a new version."""
    state = _state(tmp_path)
    record = _stage(state, EarlyStopping(lambda: 0.5, every=2, patience=2))
    assert kept_parent_weights({"training": {"history": [record]}})
    learned = dict(record, kept_step=4)
    assert not kept_parent_weights({"training": {"history": [record, learned]}})   # this run's stage is the last
    assert not kept_parent_weights({"training": {"history": [{"stage": "domain", "steps": 3}]}})   # no checks


def test_the_best_checked_weights_are_kept_and_not_the_last(tmp_path):
    state = _state(tmp_path)
    snapshots: list[dict[str, torch.Tensor]] = []

    def score() -> float:
        snapshots.append(_weights(state))
        return [0.1, 0.2, 0.9, 0.3][len(snapshots) - 1]     # best at the second check after the start

    record = _stage(state, EarlyStopping(score, every=2, patience=5))
    assert record["kept_step"] == 4 and record["steps_run"] == 6 and record["best_validation"] == 0.9
    kept = _weights(state)
    assert all(torch.equal(kept[k], snapshots[2][k]) for k in kept)
    assert not all(torch.equal(kept[k], snapshots[3][k]) for k in kept)   # training went on after it


def test_without_early_stopping_the_stage_runs_its_steps(tmp_path):
    record = _stage(_state(tmp_path), None, steps=3)
    assert record["steps"] == 3 and "kept_step" not in record


def test_a_fifth_of_the_corrections_is_set_aside_reproducibly(tmp_path):
    rows = [{"id": f"d{i}", "text": "田磊到大同经开区考察。", "entities": []} for i in range(20)]
    reviewed = write_jsonl(tmp_path / "reviewed.jsonl", rows)
    fit_on, validation = split_validation(reviewed, tmp_path, 0.2, 13)
    ids = lambda p: [json.loads(line)["id"] for line in p.read_text(encoding="utf-8").splitlines()]  # noqa: E731
    assert len(ids(validation)) == 4 and len(ids(fit_on)) == 16
    assert sorted(ids(validation) + ids(fit_on), key=lambda s: int(s[1:])) == [r["id"] for r in rows]
    again = tmp_path / "again"
    again.mkdir()
    assert ids(split_validation(reviewed, again, 0.2, 13)[1]) == ids(validation)   # same seed, same slice
    # too few to spare any, or no share: everything is trained on
    few = write_jsonl(tmp_path / "few.jsonl", rows[:9])
    assert split_validation(few, tmp_path, 0.2, 13) == (few, None)
    assert split_validation(reviewed, tmp_path, 0.0, 13) == (reviewed, None)


def test_the_parents_recorded_training_files_are_replayed_when_they_exist(tmp_path, capsys):
    train = write_jsonl(tmp_path / "train.jsonl", TRAIN)
    extra = write_jsonl(tmp_path / "extra.jsonl", DEV)
    standoff = write_jsonl(tmp_path / "standoff.jsonl", [{"id": "a-1", "sha1": "0" * 40, "entities": []}])
    parent = {"training": {"data": {"domain": {"train_file": str(train), "extra_train": [
        str(train), str(extra), str(standoff), str(tmp_path / "gone.jsonl"),
        "/tmp/zhie-from-store-x1/reviewed.jsonl"]}}}}
    args = argparse.Namespace(train=str(train), texts=None)
    assert replay_files(parent, args) == [str(extra)]          # standoff without --texts: left out, said so
    assert "not replaying" in capsys.readouterr().err
    args = argparse.Namespace(train=str(train), texts=str(tmp_path / "texts.jsonl"))
    assert replay_files(parent, args) == [str(extra), str(standoff)]
