"""Distillation (training/distill.py): unlabelled windows, the loss, and a student with fewer layers."""
from __future__ import annotations

import json

import pytest
import torch
from transformers import XLMRobertaConfig

from conftest import DEFAULT_MODEL
from training.distill import Distillation, unlabelled_examples
from training.examples import Example
from training.trainer import HEAD_LABELS, build_from_model, encode_batch
from zhie.tagger.bio import TagSet
from zhie.tagger.network import CharTaggerNet

SEP = 2


def _net(seed: int) -> CharTaggerNet:
    torch.manual_seed(seed)
    config = XLMRobertaConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                              intermediate_size=32, max_position_embeddings=80, pad_token_id=1)
    return CharTaggerNet(config, {"domain": len(TagSet(HEAD_LABELS["domain"]))}).eval()


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    ids = torch.tensor([[0, 5, 6, 7, SEP, 1], [0, 8, 9, SEP, 1, 1]])
    return ids, (ids != 1).long()


def test_unlabelled_text_leaves_out_excluded_documents_and_articles_off_the_subject(tmp_path):
    raw = tmp_path / "raw.jsonl"
    rows = [{"id": "keep", "text": "某某经济开发区与一家企业签约。"},
            {"id": "sealed", "text": "某某高新区举行项目签约仪式。"},
            {"title": "周末音乐会", "content": "乐队在广场演出，观众很多。"}]
    raw.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    examples, record = unlabelled_examples([raw], {"sealed"}, 64)
    assert [ex.text for ex in examples] == ["某某经济开发区与一家企业签约。"]
    assert record["excluded"] == 1 and record["documents"] == 1
    assert not examples[0].labelled and examples[0].spans == []
    everything, _ = unlabelled_examples([raw], {"sealed"}, 64, zone_only=False)
    assert len(everything) == 2
    # their windows carry no gold tag at all, so only the teacher teaches them
    from zhie.tagger.charvocab import CharVocab
    vocab = CharVocab.load(DEFAULT_MODEL / "chars.json")
    _, _, gold = encode_batch(examples + [Example("开发区", [("ZONE", 0, 3)])], vocab, TagSet(HEAD_LABELS["domain"]))
    assert (gold[0] == -100).all() and (gold[1, 1:4] != -100).all()


@torch.no_grad()
def test_the_character_limit_stops_reading_across_files(tmp_path):
    files = []
    for name in ("a", "b"):
        f = tmp_path / f"{name}.jsonl"
        f.write_text("\n".join(json.dumps({"id": f"{name}{i}", "text": "某某开发区与企业签约。"}, ensure_ascii=False)
                               for i in range(3)) + "\n", encoding="utf-8")
        files.append(f)
    examples, record = unlabelled_examples(files, set(), 64, limit_chars=12)
    # the second article of a.jsonl reaches 12 characters; b.jsonl is never read
    assert record["documents"] == 2 and [ex.text for ex in examples] == ["某某开发区与企业签约。"] * 2


def test_a_head_the_teacher_lacks_learns_from_gold_alone():
    teacher, other = _net(1), _net(2)
    ids, mask = _batch()
    gold = torch.tensor(3.0)
    assert Distillation(teacher, SEP).loss(other(ids, mask), ids, mask, "no-such-head", gold) is gold
    assert Distillation(teacher, SEP).loss(other(ids, mask), ids, mask, "no-such-head", None) is None


def test_the_distillation_term_is_zero_for_the_teacher_itself_and_mixes_with_gold():
    teacher, other = _net(1), _net(2)
    ids, mask = _batch()
    same = Distillation(teacher, SEP).loss(teacher(ids, mask), ids, mask, "domain", None)
    assert abs(float(same)) < 1e-6
    kd = Distillation(teacher, SEP).loss(other(ids, mask), ids, mask, "domain", None)
    assert float(kd) > 1e-4
    gold = torch.tensor(3.0)
    mixed = Distillation(teacher, SEP, alpha=0.25).loss(other(ids, mask), ids, mask, "domain", gold)
    assert float(mixed) == pytest.approx(0.25 * 3.0 + 0.75 * float(kd), rel=1e-5)
    # padding, CLS and SEP are no characters: changing the logits there changes nothing
    logits = other(ids, mask).detach().clone()
    base = float(Distillation(teacher, SEP).loss(logits, ids, mask, "domain", None))
    logits[0, 0] += 5.0
    logits[1, 4] -= 5.0
    logits[0, 4] += 3.0
    assert float(Distillation(teacher, SEP).loss(logits, ids, mask, "domain", None)) == pytest.approx(base, rel=1e-6)


@pytest.mark.skipif(not (DEFAULT_MODEL / "meta.json").exists(), reason="no shipped model")
def test_a_student_keeps_the_layers_it_is_given():
    parent = build_from_model(DEFAULT_MODEL)
    student = build_from_model(DEFAULT_MODEL, keep_layers=[0, 2, 4])
    assert student.config.num_hidden_layers == 3 and len(student.net.encoder.encoder.layer) == 3
    for mine, theirs in zip(student.net.encoder.encoder.layer, [parent.net.encoder.encoder.layer[i] for i in (0, 2, 4)]):
        a, b = mine.state_dict(), theirs.state_dict()
        assert all(torch.equal(a[k], b[k]) for k in a)
    with pytest.raises(ValueError, match="increasing layer numbers"):
        build_from_model(DEFAULT_MODEL, keep_layers=[2, 0])
    with pytest.raises(ValueError, match="from 0 to 5"):
        build_from_model(DEFAULT_MODEL, keep_layers=[0, 6])


def test_unlabelled_text_needs_a_teacher(tmp_path):
    from training.cli import main
    with pytest.raises(SystemExit, match="--unlabelled needs --teacher"):
        main(["train", "--init", str(DEFAULT_MODEL), "--config", "tiny", "--unlabelled", str(tmp_path / "x.jsonl"),
              "--train", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "m")])


@pytest.mark.skipif(not (DEFAULT_MODEL / "meta.json").exists(), reason="no shipped model")
def test_a_missing_exclusion_file_is_an_error_not_a_silent_skip(tmp_path):
    from training.cli import main
    raw = tmp_path / "raw.jsonl"
    raw.write_text(json.dumps({"id": "r", "text": "某某开发区签约。"}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no gold file .*sealed.jsonl"):
        main(["train", "--init", str(DEFAULT_MODEL), "--config", "tiny", "--teacher", str(DEFAULT_MODEL),
              "--unlabelled", str(raw), "--unlabelled-exclude", str(tmp_path / "sealed.jsonl"),
              "--train", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "m")])


@pytest.mark.skipif(not (DEFAULT_MODEL / "meta.json").exists(), reason="no shipped model")
def test_a_student_is_distilled_end_to_end_and_its_card_says_how(tmp_path):
    """--keep-layers, --teacher and --unlabelled together on the tiny config: the student is written,
    loads, tags, and its card records the teacher, the unlabelled text and the layers it kept."""
    import os
    import subprocess
    import sys

    from conftest import REPO_ROOT
    from test_training_smoke import ARTICLES
    train = tmp_path / "train.jsonl"
    train.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8")
    raw = tmp_path / "raw.jsonl"
    raw.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "r1", "text": "临汾经济技术开发区管委会与三家企业签约，项目总投资8亿元。"},
        {"id": "t2", "text": "这篇是被留出的文章，园区招商。"},
        {"title": "天气", "content": "明天多云转晴。"}]) + "\n", encoding="utf-8")
    held = tmp_path / "held.jsonl"
    held.write_text(json.dumps({"id": "t2", "entities": []}) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "training", "train", "--init", str(DEFAULT_MODEL), "--config", "tiny",
           "--keep-layers", "0,5", "--teacher", str(DEFAULT_MODEL), "--unlabelled", str(raw),
           "--unlabelled-exclude", str(held), "--distill-mix", "0.5", "--train", str(train), "--dev", str(train),
           "--subst", "1", "--templates", "5", "--threads", "1", "--out", str(tmp_path / "s"), "--version", "student"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)))
    assert done.returncode == 0, done.stderr[-2000:]
    from zhie.model import load_model
    meta = load_model(tmp_path / "s").meta()
    assert meta["encoder"]["layers_kept"] == 2 and meta["encoder"]["parent_layers_kept"] == [0, 5]
    record = meta["training"]["data"]["distillation"]
    assert record["teacher_version"] == meta["parent"]["version"]
    # r1 kept; t2 excluded by --unlabelled-exclude; the weather item has no zone word
    assert record["unlabelled"]["documents"] == 1 and record["unlabelled"]["excluded"] == 1
    from zhie.pipeline import Pipeline
    res = Pipeline.load(tmp_path / "s")(ARTICLES[0]["text"]).to_dict()
    assert res["model"]["version"] == "student"
    assert all(ARTICLES[0]["text"][e["start"]:e["end"]] == e["text"] for e in res["entities"])
