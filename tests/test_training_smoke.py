"""Smoke test of the training code on a tiny config: fine-tune the shipped model (cut to one
layer) on a few written sentences, save, reload through the pipeline, and check determinism."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from safetensors.torch import load_file

from conftest import DEFAULT_MODEL, REPO_ROOT

ARTICLES = [
    {"id": "t1", "text": "2023年5月18日，晋中开发区与山西华晟新材料有限公司签约，总投资约15亿元。", "meta": {"date": "2023-06-01"},
     "entities": [{"label": "DATE", "start": 0, "end": 10, "text": "2023年5月18日"},
                  {"label": "ZONE", "start": 11, "end": 16, "text": "晋中开发区"},
                  {"label": "COMPANY", "start": 17, "end": 28, "text": "山西华晟新材料有限公司"},
                  {"label": "AMOUNT", "start": 35, "end": 40, "text": "约15亿元"}],
     "events": [{"type": "SIGN_CONTRACT", "trigger": {"start": 28, "end": 30, "text": "签约"}, "arguments": []}]},
    {"id": "t2", "text": "市委书记李明远到太原武宿综合保税区调研。", "meta": {},
     "entities": [{"label": "TITLE", "start": 0, "end": 4, "text": "市委书记"},
                  {"label": "OFFICIAL", "start": 4, "end": 7, "text": "李明远"},
                  {"label": "ZONE", "start": 8, "end": 17, "text": "太原武宿综合保税区"}]},
]


def _train(tmp_path: Path, out: str) -> subprocess.CompletedProcess:
    train = tmp_path / "train.jsonl"
    train.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "training", "train", "--init", str(DEFAULT_MODEL), "--config", "tiny", "--layers", "1",
           "--train", str(train), "--dev", str(train), "--subst", "1", "--templates", "5", "--threads", "1",
           "--out", str(tmp_path / out), "--version", "smoke"]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=600)


@pytest.mark.skipif(not (DEFAULT_MODEL / "meta.json").exists(), reason="no shipped model")
def test_tiny_finetune_writes_a_loadable_model_deterministically(tmp_path):
    first = _train(tmp_path, "m1")
    assert first.returncode == 0, first.stderr[-2000:]
    from zhie.model import load_model
    folder = load_model(tmp_path / "m1")
    # the whole pipeline is described by the folder: pipeline.json, the card, and an argument scorer
    # refitted on the training articles (not the package's)
    assert folder.layout == "pipeline"
    assert folder.config.linker.argument_scorer.file == "argument_scorer.json"
    scorer = json.loads((tmp_path / "m1" / "argument_scorer.json").read_text(encoding="utf-8"))
    assert scorer["meta"]["trained_on"] == "train.jsonl" and scorer["meta"]["documents"] == 2
    assert folder.card["training"]["argument_scorer"]["documents"] == 2
    meta = folder.meta()
    assert meta["version"] == "smoke" and meta["tagger"] == "transformer"
    assert meta["parent"]["name"] == "zhie-ner-small"
    assert meta["training"]["data"]["domain"]["articles"] == 2
    assert "dev" in meta["metrics"] and "entities" in meta["metrics"]["dev"]
    assert [h["stage"] for h in meta["training"]["history"]][-1] == "domain"
    command = meta["training"]["command"]   # the card says how the model was made
    assert command.startswith("python -m training train --init ") and "--version smoke" in command
    assert "arguments_micro" in meta["metrics"]["dev"] and "triggers_micro" in meta["metrics"]["dev"]
    # the parent has no trigger head: one is added and trained on the article annotated for events
    assert meta["heads"]["trigger"] == ["SIGN_CONTRACT", "VISIT_INSPECT", "MEETING"]
    assert meta["training"]["data"]["trigger"] == {"articles": 1, "windows": 1, "triggers": 1}

    from zhie.pipeline import Pipeline
    nlp = Pipeline.load(tmp_path / "m1")
    assert nlp.tagger.extra_heads == ("trigger",)
    res = nlp(ARTICLES[0]["text"]).to_dict()
    assert res["model"] == {"name": "zhie-ner-small", "version": "smoke"}
    assert all(ARTICLES[0]["text"][e["start"]:e["end"]] == e["text"] for e in res["entities"])

    second = _train(tmp_path, "m2")
    assert second.returncode == 0
    a, b = load_file(str(tmp_path / "m1" / "model.safetensors")), load_file(str(tmp_path / "m2" / "model.safetensors"))
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
