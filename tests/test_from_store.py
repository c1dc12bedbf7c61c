"""``zhie train --from-store`` (training/from_store.py): the reviewed documents of a store
fine-tune the current model, whose dev score gates the new version.

The end-to-end run fine-tunes a tiny randomly initialised transformer built here (a few
seconds); the gate and the in-place replacement are tested with lexicon models whose dev
scores are known, through the same ``run_from_store`` with a stand-in trainer.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, TINY_MODEL
from store_fixtures import RICH_TEXT, rich
from zhie.schema import Document
from zhie.store import Store
from training.from_store import EXIT_REFUSED, bump_version, dev_core_f1, run_from_store
from zhie.model.card import shown_path

TINY_META = json.loads((TINY_MODEL / "meta.json").read_text(encoding="utf-8"))

DEV = [{"id": "dev-1", "text": "市委书记李明远到晋中开发区调研。", "meta": {},
        "entities": [{"label": "TITLE", "start": 0, "end": 4, "text": "市委书记"},
                     {"label": "OFFICIAL", "start": 4, "end": 7, "text": "李明远"},
                     {"label": "ZONE", "start": 8, "end": 13, "text": "晋中开发区"}]}]
TRAIN = [{"id": "t-1", "text": "田磊到大同经开区考察。", "meta": {},
          "entities": [{"label": "OFFICIAL", "start": 0, "end": 2, "text": "田磊"},
                       {"label": "ZONE", "start": 3, "end": 8, "text": "大同经开区"}]}]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def tiny_transformer(folder: Path, texts: list[str], version: str = "0.3.0") -> Path:
    """A one-layer, 32-wide transformer tagger with random weights and the characters of ``texts``."""
    import torch
    from transformers import XLMRobertaConfig

    from training.trainer import HEAD_LABELS, TrainState, save_model
    from zhie.tagger.bio import TagSet
    from zhie.tagger.charvocab import CharVocab
    from zhie.tagger.network import CharTaggerNet

    torch.manual_seed(0)
    chars = sorted({c for t in texts for c in t if not c.isspace()})
    vocab = CharVocab(ids={c: 5 + i for i, c in enumerate(chars)}, unk_id=3, pad_id=1, cls_id=0, sep_id=2, space_id=4)
    config = XLMRobertaConfig(vocab_size=5 + len(chars), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                              intermediate_size=64, max_position_embeddings=300, pad_token_id=1)
    net = CharTaggerNet(config, {h: len(TagSet(l)) for h, l in HEAD_LABELS.items()})
    save_model(TrainState(net, vocab, config), folder, {"name": "tiny-transformer", "version": version,
                                                        "tagger": "transformer", "max_len": 64, "metrics": {}})
    return folder


def reviewed_store(path: Path) -> str:
    store = Store(str(path))
    doc = rich()
    store.import_annotation(Document(doc["text"], doc["id"], doc["meta"]), doc, author="王芳")
    store.import_annotation(Document(TRAIN[0]["text"], "second"), TRAIN[0], author="王芳")
    store.import_annotation(Document("不算数的草稿。", "draft"), {"entities": []}, author="王芳", reviewed=False)
    store.close()
    return str(path)


def test_from_store_fine_tunes_the_current_model(tmp_path):
    parent = tiny_transformer(tmp_path / "parent", [RICH_TEXT, DEV[0]["text"], TRAIN[0]["text"]])
    url = reviewed_store(tmp_path / "store.sqlite")
    train, dev = write_jsonl(tmp_path / "train.jsonl", TRAIN), write_jsonl(tmp_path / "dev.jsonl", DEV)
    out = tmp_path / "models" / "next"
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), ZHIE_MODEL=str(parent))  # the service's model = the parent
    env.pop("ZHIE_STORE_URL", None)
    cmd = [sys.executable, "-m", "zhie.cli", "train", "--from-store", "--store", url, "--train", str(train),
           "--dev", str(dev), "--config", "tiny", "--steps", "4", "--subst", "1", "--templates", "3",
           "--threads", "1", "--store-repeat", "2", "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "2 reviewed documents" in proc.stderr and "dev core micro-F1: parent 0.3.0" in proc.stderr

    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["name"] == "tiny-transformer" and meta["version"] == "0.3.1"
    assert meta["parent"] == {"name": "tiny-transformer", "version": "0.3.0", "path": shown_path(parent)}
    assert (out / "pipeline.json").is_file()   # written in the pipeline layout, with its refitted scorer
    assert json.loads((out / "pipeline.json").read_text())["linker"]["argument_scorer"]["file"] == "argument_scorer.json"
    assert (out / "argument_scorer.json").is_file()
    assert meta["training"]["store"]["reviewed_documents"] == 2 and meta["training"]["store"]["repeat"] == 2
    assert meta["training"]["data"]["domain"]["articles"] == 1 + 2 * 2  # train file + reviewed twice
    assert meta["training"]["history"][-1] == {**meta["training"]["history"][-1], "stage": "domain", "steps": 4}
    gate = meta["gate"]
    assert gate["passed"] and gate["new_core_f1"] >= gate["parent_core_f1"]
    assert gate["new_core_f1"] == meta["metrics"]["dev"]["entities_micro_core"]["f1"]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["version"] == "0.3.1" and summary["train_seconds"] > 0
    assert not list(out.parent.glob(".next.staging-*"))  # the staging folder was moved, not left behind

    from zhie.pipeline import Pipeline
    result = Pipeline.load(out)(DEV[0]["text"]).to_dict()
    assert result["model"] == {"name": "tiny-transformer", "version": "0.3.1"}


def lexicon_model(folder: Path, entries: dict[str, list[str]], version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    meta = {**TINY_META, "name": "lex", "version": version, "entries": entries, "patterns": {}}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return folder


def _args(tmp_path: Path, init: Path, out: Path, url: str) -> argparse.Namespace:
    dev = write_jsonl(tmp_path / "dev.jsonl", DEV)
    return argparse.Namespace(init=str(init), encoder=None, dev=str(dev), out=str(out), store=url, store_repeat=3,
                              extra_train=None, version=None, name=None)


def stand_in_trainer(entries: dict[str, list[str]]):
    """Writes a lexicon model with ``entries`` and its real dev metrics, as cmd_train would."""
    def train(args: argparse.Namespace) -> int:
        assert len(args.extra_train) == 3 and all(Path(p).is_file() for p in args.extra_train)
        folder = lexicon_model(Path(args.out), entries, args.version)
        f1 = dev_core_f1(folder, Path(args.dev))
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        meta.update(parent={"name": "lex", "version": "1.0"}, training={},
                    metrics={"dev": {"entities_micro_core": {"f1": f1}}})
        (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        return 0
    return train


def test_a_worse_model_is_not_written(tmp_path, capsys):
    good = {"OFFICIAL": ["李明远"], "ZONE": ["晋中开发区"]}
    parent = lexicon_model(tmp_path / "parent", good, "1.0")
    out = tmp_path / "out"
    url = reviewed_store(tmp_path / "s.sqlite")
    code = run_from_store(_args(tmp_path, parent, out, url), stand_in_trainer({"ZONE": ["晋中开发区"]}),
                          require_transformer=False)
    assert code == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "NOT replacing" in err and "kept for inspection in" in err
    assert not out.exists() and not list(tmp_path.glob(".out.staging-*"))
    assert dev_core_f1(parent, tmp_path / "dev.jsonl") == 1.0  # the parent is untouched
    # the refused model is set aside whole, with the gate's verdict on its card
    refused = json.loads((tmp_path / "out.refused" / "meta.json").read_text(encoding="utf-8"))
    assert refused["gate"]["passed"] is False and refused["version"] == "1.1"
    assert dev_core_f1(tmp_path / "out.refused", tmp_path / "dev.jsonl") < 1.0


def test_a_model_not_worse_replaces_the_folder_in_place(tmp_path, capsys):
    parent = lexicon_model(tmp_path / "served", {"OFFICIAL": ["李明远"]}, "1.0")
    url = reviewed_store(tmp_path / "s.sqlite")
    better = {"OFFICIAL": ["李明远"], "ZONE": ["晋中开发区"]}
    code = run_from_store(_args(tmp_path, parent, parent, url), stand_in_trainer(better), require_transformer=False)
    assert code == 0, capsys.readouterr().err
    meta = json.loads((parent / "meta.json").read_text(encoding="utf-8"))
    assert meta["version"] == "1.1" and meta["gate"]["passed"] and meta["gate"]["new_core_f1"] == 1.0
    previous = json.loads((tmp_path / "served.previous" / "meta.json").read_text(encoding="utf-8"))
    assert previous["version"] == "1.0" and meta["parent"]["path"] == shown_path(parent)


def test_nothing_reviewed_nothing_trained(tmp_path, capsys):
    parent = lexicon_model(tmp_path / "parent", {}, "1.0")
    empty = Store(str(tmp_path / "empty.sqlite"))
    empty.close()
    code = run_from_store(_args(tmp_path, parent, tmp_path / "out", str(tmp_path / "empty.sqlite")),
                          stand_in_trainer({}), require_transformer=False)
    assert code == 1 and "no reviewed documents" in capsys.readouterr().err
    assert run_from_store(_args(tmp_path, parent, tmp_path / "out", str(tmp_path / "empty.sqlite")),
                          stand_in_trainer({})) == 2  # a lexicon model cannot be fine-tuned


@pytest.mark.parametrize("old,new", [("0.1.0", "0.1.1"), ("v3", "v4"), ("2024.9", "2024.10"), ("test", "test.1"),
                                     (None, "0.0.1")])
def test_bump_version(old, new):
    assert bump_version(old) == new
