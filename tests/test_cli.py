"""`zhie extract` and `zhie evaluate` as users run them (subprocesses on real files)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from samples import SIGNING, WEB_PAGE
from conftest import TINY_MODEL

ZHIE = [sys.executable, "-m", "zhie.cli"]


def run(args, stdin: bytes | None = None, cwd: Path | None = None):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    return subprocess.run(ZHIE + args, input=stdin, capture_output=True, cwd=cwd, env=env, timeout=300)


def test_extract_jsonl_with_bad_lines_keeps_order_and_reports(tmp_path):
    lines = [
        json.dumps({"id": "ok1", "text": SIGNING, "meta": {"date": "2023-06-20"}}, ensure_ascii=False).encode(),
        b'{"id": "broken", "text": ',                      # invalid JSON
        json.dumps({"id": "notext"}).encode(),              # missing text
        b'{"id": "bad-utf8", "text": "\xff\xfe"}',           # broken UTF-8
        json.dumps({"id": "empty", "text": ""}).encode(),   # empty text: a result, not an error
        json.dumps(["not", "an", "object"]).encode(),
        json.dumps({"id": "ok2", "text": WEB_PAGE}, ensure_ascii=False).encode(),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    proc = run(["extract", str(src), "-o", str(out), "--model", str(TINY_MODEL)])
    assert proc.returncode == 1, proc.stderr
    assert b"4 of 7 documents failed" in proc.stderr
    recs = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == len(lines)
    assert [r.get("id") for r in recs] == ["ok1", None, "notext", None, "empty", None, "ok2"]
    assert [r["error"]["type"] if "error" in r else None for r in recs] == [
        None, "invalid_json", "missing_field", "invalid_utf8", None, "invalid_document", None]
    assert recs[2]["error"]["field"] == "text"
    assert recs[4]["entities"] == []
    text = SIGNING
    for e in recs[0]["entities"]:
        assert text[e["start"]:e["end"]] == e["text"]


def test_extract_stdin_stdout_and_txt(tmp_path):
    doc = json.dumps({"id": "s", "text": SIGNING}, ensure_ascii=False).encode() + b"\n"
    proc = run(["extract", "-", "--model", str(TINY_MODEL)], stdin=doc)
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout.decode())
    assert rec["id"] == "s" and rec["entities"]
    txt = tmp_path / "article.txt"
    txt.write_text(WEB_PAGE, encoding="utf-8")
    proc = run(["extract", str(txt), "--model", str(TINY_MODEL)])
    assert proc.returncode == 0
    rec = json.loads(proc.stdout.decode())
    assert rec["id"] == "article"
    assert all(WEB_PAGE[e["start"]:e["end"]] == e["text"] for e in rec["entities"])


def test_extract_missing_input_is_a_usage_error(tmp_path):
    proc = run(["extract", str(tmp_path / "nope.jsonl"), "--model", str(TINY_MODEL)])
    assert proc.returncode == 2
    assert b"not found" in proc.stderr


def test_evaluate_scores_predictions(tmp_path):
    gold = {"id": "g", "text": "晋中开发区与晋能控股集团签约。", "entities": [
        {"id": "e1", "label": "ZONE", "start": 0, "end": 5, "text": "晋中开发区"},
        {"id": "e2", "label": "COMPANY", "start": 6, "end": 12, "text": "晋能控股集团"}]}
    pred = {"id": "g", "entities": [
        {"id": "e1", "label": "ZONE", "start": 0, "end": 5, "text": "晋中开发区"},
        {"id": "e2", "label": "ORG", "start": 6, "end": 12, "text": "晋能控股集团"}]}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "pred.jsonl").write_text(json.dumps(pred, ensure_ascii=False) + "\n", encoding="utf-8")
    proc = run(["evaluate", str(tmp_path / "gold.jsonl"), str(tmp_path / "pred.jsonl"), "--json"])
    assert proc.returncode == 0, proc.stderr
    rep = json.loads(proc.stdout)
    assert rep["entities"]["ZONE"]["f1"] == 1.0
    assert rep["entities"]["COMPANY"]["recall"] == 0.0
    assert rep["entities"]["ORG"]["precision"] == 0.0
    assert rep["entities_micro_core"]["f1"] == 0.6667
    # without predictions the model is run on the gold texts
    proc = run(["evaluate", str(tmp_path / "gold.jsonl"), "--model", str(TINY_MODEL), "--json"])
    assert json.loads(proc.stdout)["entities_micro_core"]["f1"] == 1.0


def test_evaluate_record_writes_the_figures_into_the_models_meta(tmp_path):
    import shutil
    model = tmp_path / "model"
    shutil.copytree(TINY_MODEL, model)
    before = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    gold = {"id": "g", "text": "晋中开发区与晋能控股集团签约。", "entities": [
        {"id": "e1", "label": "ZONE", "start": 0, "end": 5, "text": "晋中开发区"},
        {"id": "e2", "label": "COMPANY", "start": 6, "end": 12, "text": "晋能控股集团"}]}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    proc = run(["evaluate", str(tmp_path / "gold.jsonl"), "--model", str(model), "--record"])
    assert proc.returncode == 0, proc.stderr
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    dev = meta["metrics"]["dev"]
    assert dev["documents"] == 1 and dev["entities_micro_core"]["f1"] == 1.0
    assert dev["file"].endswith("gold.jsonl") and "--record" in dev["command"]
    if (before.get("metrics") or {}).get("dev"):
        assert meta["metrics"]["dev_at_training"] == before["metrics"]["dev"]
    assert {k: v for k, v in meta.items() if k != "metrics"} == {k: v for k, v in before.items() if k != "metrics"}
    # recording needs the model's own run
    proc = run(["evaluate", str(tmp_path / "gold.jsonl"), str(tmp_path / "gold.jsonl"), "--model", str(model),
                "--record"])
    assert proc.returncode == 2 and b"--record needs the model" in proc.stderr


def test_a_bad_model_or_precision_is_a_usage_error(tmp_path):
    (tmp_path / "a.txt").write_text("晋中开发区。", encoding="utf-8")
    proc = run(["extract", str(tmp_path / "a.txt"), "--model", str(tmp_path / "nothing")])
    assert proc.returncode == 2 and b"not a zhie model folder" in proc.stderr
    proc = run(["extract", str(tmp_path / "a.txt"), "--precision", "fp16"])
    assert proc.returncode == 2 and b"invalid choice" in proc.stderr


def test_extract_writes_displacy_page_and_docbin(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(SIGNING, encoding="utf-8")
    page, docbin = tmp_path / "a.html", tmp_path / "a.spacy"
    proc = run(["extract", str(src), "-o", str(tmp_path / "a.jsonl"), "--model", str(TINY_MODEL),
                "--html", str(page), "--docbin", str(docbin)])
    assert proc.returncode == 0, proc.stderr
    html = page.read_text(encoding="utf-8")
    assert "山西华晟新材料有限公司" in html and "COMPANY" in html
    import spacy
    from spacy.tokens import DocBin
    docs = list(DocBin().from_disk(docbin).get_docs(spacy.blank("zh").vocab))
    assert docs[0].text == SIGNING
    rec = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8"))
    assert [(e.start_char, e.end_char, e.label_) for e in docs[0].ents] == [
        (e["start"], e["end"], e["label"]) for e in rec["entities"]]


def test_version_and_python_dash_m():
    import subprocess
    import sys

    import zhie
    out = subprocess.run([sys.executable, "-m", "zhie", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == f"zhie {zhie.__version__}"
