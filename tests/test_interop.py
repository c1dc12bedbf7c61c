"""Interchange with annotation tools: Label Studio JSON and doccano JSON Lines round trips
keep every span and link of a rich document (ids included), files written by the tools
themselves are read, bad records are reported with their place, the training export has
the article shape the trainer reads, and the ``zhie store`` commands work end to end.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import REPO_ROOT, TINY_MODEL
from store_fixtures import RICH_TEXT, find, rich, rich_annotation, store_url  # noqa: F401  (fixture)
from zhie.pipeline import Pipeline
from zhie.schema import Document
from zhie.store import Store
from zhie.store.labelstudio import labeling_config
from zhie.store.transfer import export_store, import_file


def _filled(tmp_path: Path, url: str) -> Store:
    """A store with the rich document (reviewed human annotation) and a model prediction (unreviewed)."""
    store = Store(url)
    doc = rich()
    store.import_annotation(Document(doc["text"], doc["id"], doc["meta"]), doc, author="王芳")
    nlp = Pipeline.load(TINY_MODEL)
    pred_doc = Document("2023年5月18日，晋中开发区与山西华晟新材料有限公司签约，总投资约15亿元。市委书记李明远到太原武宿综合保税区调研。",
                        "pred-1", {"date": "2023-06-01"})
    store.add_document(pred_doc, nlp(pred_doc))
    return store


@pytest.mark.parametrize("fmt", ["labelstudio", "doccano"])
def test_round_trip_keeps_every_span_and_link(tmp_path, store_url, fmt):  # noqa: F811
    source = _filled(tmp_path, store_url)
    exported = tmp_path / f"export.{fmt}"
    assert export_store(source, fmt, exported) == 2
    original = {d.id: (d, v) for d, v in source.documents()}
    target = Store(str(tmp_path / "target.sqlite"))
    report = import_file(target, fmt, exported, author="round-trip")
    assert report.failed == [] and report.imported == 2 and report.created == 2

    back = {d.id: (d, v) for d, v in target.documents()}
    for doc_id, (doc, version) in original.items():
        new_doc, new_version = back[doc_id]
        assert (new_doc.text, new_doc.meta) == (doc.text, doc.meta)
        # every entity (id, label, offsets, normalisation), relation and event argument, in order
        assert new_version.annotation.without_scores().to_dict() == version.annotation.without_scores().to_dict()
    rich_back = back["rich-1"][1].annotation.to_dict()
    assert rich_back == rich_annotation()  # ids, labels, offsets, norms, relations, events and argument order
    amount = next(e for e in rich_back["entities"] if e["label"] == "AMOUNT")
    assert (amount["value"], amount["unit"], amount["approx"]) == (1.5e9, "CNY", True)
    assert back["rich-1"][0].reviewed  # a reviewed human annotation stays reviewed
    assert not back["pred-1"][0].reviewed  # a prediction stays unreviewed
    if fmt == "labelstudio":  # Label Studio keeps model predictions as predictions, with their scores
        assert back["pred-1"][1].kind == "prediction" and back["pred-1"][1].model.name == "tiny-lexicon"
        assert back["pred-1"][1].annotation.entities[0].score == 1.0
    source.close()
    target.close()


def test_label_studio_export_shape(tmp_path):
    store = _filled(tmp_path, str(tmp_path / "s.sqlite"))
    path = tmp_path / "ls.json"
    export_store(store, "labelstudio", path)
    tasks = json.loads(path.read_text(encoding="utf-8"))
    rich_task = next(t for t in tasks if t["data"]["doc_id"] == "rich-1")
    result = rich_task["annotations"][0]["result"]
    regions = {r["id"]: r for r in result if r["type"] == "labels"}
    assert regions["e4"]["value"] == {"start": 31, "end": 42, "text": "山西华晟新材料有限公司", "labels": ["COMPANY"]}
    assert regions["v3"]["value"]["labels"] == ["TRIGGER:VISIT_INSPECT"]
    plain = [r for r in regions.values() if r["value"]["labels"] == ["ARGUMENT"]]
    assert sorted(r["value"]["text"] for r in plain) == ["全市开发区工作推进会", "北京市", "战略合作协议"]
    links = [(r["from_id"], r["to_id"], r["labels"][0]) for r in result if r["type"] == "relation"]
    assert ("e12", "e10", "MEMBER_OF") in links and ("v1", "e4", "party") in links
    pred_task = next(t for t in tasks if t["data"]["doc_id"] == "pred-1")
    assert "annotations" not in pred_task and pred_task["predictions"][0]["model_version"] == "tiny-lexicon@test"
    config = ET.fromstring(labeling_config())
    values = {el.get("value") for el in config.iter() if el.get("value")}
    assert {"ZONE", "TRIGGER:MEETING", "ARGUMENT", "HOLDS_TITLE", "visitor", "$text"} <= values
    store.close()


def test_tasks_edited_in_label_studio_are_read(tmp_path):
    """Random region ids, a reversed arrow, an argument drawn towards its trigger, a cancelled annotation."""
    s_zone, e_zone = find(RICH_TEXT, "晋中开发区", 2)
    s_title, e_title = find(RICH_TEXT, "党工委书记")
    s_name, e_name = find(RICH_TEXT, "田磊")
    s_trig, e_trig = find(RICH_TEXT, "考察")
    s_place, e_place = find(RICH_TEXT, "北京市")

    def region(rid: str, s: int, e: int, label: str) -> dict:
        return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
                "value": {"start": s, "end": e, "text": RICH_TEXT[s:e], "labels": [label]}}

    task = {"id": 17, "data": {"text": RICH_TEXT, "doc_id": "edited"},
            "annotations": [
                {"id": 1, "was_cancelled": True, "result": [region("zz", 0, 2, "ZONE")]},
                {"id": 2, "completed_by": {"email": "wang@example.org"}, "result": [
                    region("Xk3_9aBq1z", s_zone, e_zone, "ZONE"), region("p0Lm2", s_title, e_title, "TITLE"),
                    region("a8", s_name, e_name, "OFFICIAL"), region("T1", s_trig, e_trig, "TRIGGER:VISIT_INSPECT"),
                    region("pl", s_place, e_place, "ARGUMENT"),
                    {"from_id": "p0Lm2", "to_id": "a8", "type": "relation", "direction": "left",
                     "labels": ["HOLDS_TITLE"]},
                    {"from_id": "a8", "to_id": "T1", "type": "relation", "direction": "right", "labels": ["visitor"]},
                    {"from_id": "T1", "to_id": "pl", "type": "relation", "direction": "right", "labels": ["target"]}]}]}
    path = tmp_path / "from-ls.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    store = Store(str(tmp_path / "s.sqlite"))
    report = import_file(store, "labelstudio", path, author="fallback")
    assert report.failed == [] and report.imported == 1
    version = store.version("edited")
    ann = version.annotation.to_dict()
    assert version.author == "wang@example.org" and store.document("edited").reviewed
    assert [(e["id"], e["label"], e["text"]) for e in ann["entities"]] == [
        ("Xk3_9aBq1z", "ZONE", "晋中开发区"), ("p0Lm2", "TITLE", "党工委书记"), ("a8", "OFFICIAL", "田磊")]
    assert ann["relations"] == [{"type": "HOLDS_TITLE", "head": "a8", "tail": "p0Lm2"}]
    assert ann["events"] == [{"id": "T1", "type": "VISIT_INSPECT", "trigger": {"start": s_trig, "end": e_trig, "text": "考察"},
                              "arguments": [{"role": "visitor", "entity": "a8", "start": s_name, "end": e_name, "text": "田磊"},
                                            {"role": "target", "start": s_place, "end": e_place, "text": "北京市"}]}]
    store.close()


def test_a_doccano_relation_export_is_read(tmp_path):
    s_title, e_title = find(RICH_TEXT, "市委书记")
    s_name, e_name = find(RICH_TEXT, "李明远")
    line = {"id": 412, "text": RICH_TEXT, "Comments": [],
            "entities": [{"id": 901, "label": "TITLE", "start_offset": s_title, "end_offset": e_title},
                         {"id": 902, "label": "OFFICIAL", "start_offset": s_name, "end_offset": e_name}],
            "relations": [{"id": 5, "from_id": 902, "to_id": 901, "type": "HOLDS_TITLE"}]}
    seq = {"text": "晋中开发区签约。", "label": [[0, 5, "ZONE"], [5, 7, "TRIGGER:SIGN_CONTRACT"]],
           "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "party"}], "meta": {"doc_id": "seq-1"}}
    path = tmp_path / "doccano.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in (line, seq)) + "\n", encoding="utf-8")
    store = Store(str(tmp_path / "s.sqlite"))
    report = import_file(store, "doccano", path, author="李强")
    assert report.failed == [] and report.imported == 2
    ann = store.version("412").annotation.to_dict()
    assert [(e["label"], e["text"]) for e in ann["entities"]] == [("TITLE", "市委书记"), ("OFFICIAL", "李明远")]
    assert ann["relations"] == [{"type": "HOLDS_TITLE", "head": "s902", "tail": "s901"}]
    seq_ann = store.version("seq-1").annotation.to_dict()
    assert seq_ann["events"][0]["type"] == "SIGN_CONTRACT"
    assert seq_ann["events"][0]["arguments"] == [{"role": "party", "entity": "s1", "start": 0, "end": 5, "text": "晋中开发区"}]
    assert store.version("412").author == "李强"
    store.close()


def test_bad_records_are_reported_and_the_others_imported(tmp_path):
    good = {"doc_id": "ok", "text": "晋中开发区", "label": [[0, 5, "ZONE"]]}
    lines = [json.dumps(good, ensure_ascii=False),
             "{not json",
             json.dumps({"doc_id": "person", "text": "田磊来了", "label": [[0, 2, "PERSON"]]}, ensure_ascii=False),
             json.dumps({"doc_id": "dangling", "text": "田磊来了", "label": [[0, 2, "OFFICIAL"]],
                         "relations": [{"from_id": 1, "to_id": 7, "type": "HOLDS_TITLE"}]}, ensure_ascii=False),
             json.dumps({"doc_id": "offsets", "text": "田磊来了", "label": [[2, 9, "OFFICIAL"]]}, ensure_ascii=False),
             json.dumps({"doc_id": "role", "text": "晋中开发区签约", "label": [[0, 5, "ZONE"], [5, 7, "TRIGGER:MEETING"]],
                         "relations": [{"from_id": 2, "to_id": 1, "type": "party"}]}, ensure_ascii=False)]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = Store(str(tmp_path / "s.sqlite"))
    report = import_file(store, "doccano", path, author="x")
    assert report.imported == 1 and [d.id for d, _ in store.documents()] == ["ok"]
    errors = report.failed
    assert len(errors) == 5
    assert errors[0].startswith("mixed.jsonl line 2: not valid JSON")
    assert "line 3" in errors[1] and "'PERSON'" in errors[1]
    assert "line 4" in errors[2] and "to_id 7" in errors[2]
    assert "line 5" in errors[3] and "out of range" in errors[3] and "document 'offsets'" in errors[3]
    assert "line 6" in errors[4] and "role 'party' is not a role of MEETING" in errors[4]
    store.close()


def test_training_export_is_the_article_shape_the_trainer_reads(tmp_path):
    from training.domain import doc_to_examples
    store = _filled(tmp_path, str(tmp_path / "s.sqlite"))
    path = tmp_path / "train.jsonl"
    assert export_store(store, "train", path) == 1  # only the reviewed document
    [article] = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert list(article) == ["id", "text", "meta", "entities", "relations", "events"]
    assert article["id"] == "rich-1" and article["meta"] == {"date": "2023-07-10"}
    assert all("score" not in e for e in article["entities"])
    assert article["relations"] == rich_annotation()["relations"] and article["events"] == rich_annotation()["events"]
    examples = doc_to_examples(article, 126)
    labels = sorted(label for ex in examples for label, _, _ in ex.spans)
    assert labels == sorted(e["label"] for e in rich_annotation()["entities"])
    assert export_store(store, "train", tmp_path / "all.jsonl", reviewed_only=False) == 2
    store.close()
    # and back: an article file (e.g. annotations/train.jsonl) seeds a store with reviewed documents
    seeded = Store(str(tmp_path / "seeded.sqlite"))
    report = import_file(seeded, "train", path, author="annotations")
    assert report.failed == [] and seeded.document("rich-1").reviewed
    assert seeded.version("rich-1").annotation.to_dict() == rich_annotation()
    seeded.close()


def _zhie(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    env.pop("ZHIE_STORE_URL", None)
    return subprocess.run([sys.executable, "-m", "zhie.cli", *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)


def test_store_commands(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text((REPO_ROOT / "samples" / "articles.jsonl").read_text(encoding="utf-8")
                    + '{"id": "broken"}\n', encoding="utf-8")
    added = _zhie("store", "add", str(docs), "--model", str(TINY_MODEL), cwd=tmp_path)
    assert added.returncode == 1, added.stderr  # the line without text fails, the others are added
    assert "3 documents added" in added.stderr and "field 'text' is required" in added.stderr
    assert (tmp_path / "zhie-store.sqlite").exists()  # the default store, in the working directory
    queue = [json.loads(line) for line in _zhie("store", "queue", cwd=tmp_path).stdout.splitlines()]
    assert len(queue) == 3 and all(q["model"]["name"] == "tiny-lexicon" for q in queue)

    for fmt in ("labelstudio", "doccano"):
        out = tmp_path / f"out-{fmt}"
        exported = _zhie("store", "export", "--format", fmt, "-o", str(out), cwd=tmp_path)
        assert exported.returncode == 0 and "3 documents" in exported.stderr
        other = tmp_path / f"other-{fmt}.sqlite"
        imported = _zhie("store", "import", "--format", fmt, str(out), "--store", str(other), cwd=tmp_path)
        assert imported.returncode == 0, imported.stderr
        stats = json.loads(_zhie("store", "stats", "--store", str(other), cwd=tmp_path).stdout)
        assert stats["documents"] == 3
    train = tmp_path / "train.jsonl"
    assert _zhie("store", "export", "--format", "train", "-o", str(train), cwd=tmp_path).returncode == 0
    assert train.read_text(encoding="utf-8") == ""  # nothing reviewed yet
    assert _zhie("store", "labelstudio-config", cwd=tmp_path).stdout.startswith("<View>")
