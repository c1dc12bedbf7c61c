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

    for fmt, written in (("labelstudio", 3), ("doccano", 2)):  # doccano refuses sample-3's empty text
        out = tmp_path / f"out-{fmt}"
        exported = _zhie("store", "export", "--format", fmt, "-o", str(out), cwd=tmp_path)
        assert exported.returncode == 0 and f"{written} documents" in exported.stderr, exported.stderr
        assert fmt == "labelstudio" or "skipped document 'sample-3' has an empty text" in exported.stderr
        other = tmp_path / f"other-{fmt}.sqlite"
        imported = _zhie("store", "import", "--format", fmt, str(out), "--store", str(other), cwd=tmp_path)
        assert imported.returncode == 0, imported.stderr
        stats = json.loads(_zhie("store", "stats", "--store", str(other), cwd=tmp_path).stdout)
        assert stats["documents"] == written
    train = tmp_path / "train.jsonl"
    assert _zhie("store", "export", "--format", "train", "-o", str(train), cwd=tmp_path).returncode == 0
    assert train.read_text(encoding="utf-8") == ""  # nothing reviewed yet
    assert _zhie("store", "labelstudio-config", cwd=tmp_path).stdout.startswith("<View>")


# -- doccano: what its two project types write back -----------------------------------------

def _doccano_export(tmp_path: Path, reviewed: bool = True) -> tuple[Store, dict]:
    """A store with the rich document, and its line of ``zhie store export --format doccano``."""
    store = Store(str(tmp_path / "s.sqlite"))
    doc = rich()
    store.import_annotation(Document(doc["text"], doc["id"], doc["meta"]), doc, author="王芳", reviewed=reviewed)
    export_store(store, "doccano", tmp_path / "out.jsonl")
    [line] = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    return store, line


def _as_doccano_writes_it(line: dict, **columns) -> dict:
    """doccano's export of an imported line: its own id and columns, the others written back as imported."""
    out = {"id": 4711, "text": line["text"], "Comments": []}
    out.update({k: v for k, v in line.items() if k != "text"})
    out.update(columns)
    return out


def _import_line(tmp_path: Path, store: Store, line: dict):  # noqa: ANN202
    path = tmp_path / "back.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    return import_file(store, "doccano", path, author="李强")


def test_doccano_sequence_labelling_edits_keep_ids_norms_and_links(tmp_path):
    """A span added first (shifting every position), one relabelled, one deleted: the stale
    relations column is not used; links follow the spans, the deleted span's link is reported."""
    store, line = _doccano_export(tmp_path)
    s_new, e_new = find(RICH_TEXT, "园区")
    label = [[s_new, e_new, "ZONE"]] + [list(x) for x in line["label"]]
    heading = label.index([3, 8, "ZONE"])
    label[heading][2] = "ORG"                                  # e1 relabelled
    s_t, e_t = find(RICH_TEXT, "市商务局局长")
    label.remove([s_t, e_t, "TITLE"])                          # e14 deleted (周晓东 HOLDS_TITLE it)
    report = _import_line(tmp_path, store, _as_doccano_writes_it(line, label=label))
    assert report.failed == [] and report.imported == 1
    assert len(report.notes) == 1 and "HOLDS_TITLE e15 -> e14 was dropped" in report.notes[0]
    assert "e14 TITLE at 133-139" in report.notes[0]
    ann = store.version("rich-1").annotation.to_dict()
    expected = rich_annotation()
    by_id = {e["id"]: e for e in ann["entities"]}
    assert by_id["e1"]["label"] == "ORG" and "e14" not in by_id
    assert by_id["s1"] == {"id": "s1", "label": "ZONE", "start": s_new, "end": e_new, "text": "园区"}
    for e in expected["entities"]:                             # every other span: same id, offsets, norms
        if e["id"] not in ("e1", "e14"):
            assert by_id[e["id"]] == e
    assert ann["relations"] == [r for r in expected["relations"] if r["tail"] != "e14"]
    assert ann["events"] == expected["events"]
    assert store.document("rich-1").reviewed and store.version("rich-1").author == "李强"
    store.close()


def test_doccano_relation_project_ids_are_matched_by_offsets(tmp_path):
    """doccano's database ids, in its own order, a span added before the AMOUNT, one relabelled,
    one deleted (doccano drops its relations): ids, AMOUNT/DATE norms, relations and events follow."""
    store, line = _doccano_export(tmp_path)
    number = {e["id"]: 9000 - 7 * k for k, e in enumerate(line["entities"])}   # not positions, descending
    s_new, e_new = find(RICH_TEXT, "园区")
    s_del, e_del = find(RICH_TEXT, "京东北算力中心")
    entities = [{"id": 1, "label": "ZONE", "start_offset": s_new, "end_offset": e_new}]
    for e in reversed(line["entities"]):
        if e["start_offset"] == s_del:
            continue
        label = "ORG" if e["start_offset"] == 3 else e["label"]
        entities.append({"id": number[e["id"]], "label": label, "start_offset": e["start_offset"],
                         "end_offset": e["end_offset"]})
    deleted = {number[e["id"]] for e in line["entities"] if e["start_offset"] == s_del}
    relations = [{"id": 300 + k, "from_id": number[r["from_id"]], "to_id": number[r["to_id"]], "type": r["type"]}
                 for k, r in enumerate(line["relations"]) if number[r["to_id"]] not in deleted]
    report = _import_line(tmp_path, store, _as_doccano_writes_it(line, entities=entities, relations=relations))
    assert report.failed == [] and report.imported == 1 and report.notes == []
    ann = store.version("rich-1").annotation.to_dict()
    by_id = {e["id"]: e for e in ann["entities"]}
    expected = rich_annotation()
    assert (by_id["e5"]["text"], by_id["e5"]["value"], by_id["e5"]["unit"]) == ("约15亿元", 1.5e9, "CNY")
    assert [by_id[i]["norm"] for i in ("e2", "e9", "e16")] == ["2023-05-18", "2023-06-02", "2023-07-06"]
    assert by_id["e1"]["label"] == "ORG" and "e13" not in by_id and by_id["s1"]["text"] == "园区"
    assert sorted(ann["relations"], key=str) == sorted(expected["relations"], key=str)
    v4 = next(v for v in ann["events"] if v["id"] == "v4")
    assert [a["role"] for a in v4["arguments"]] == ["visitor"]
    others = sorted((v for v in ann["events"] if v["id"] != "v4"), key=lambda v: v["id"])  # in doccano's order
    assert others == [v for v in expected["events"] if v["id"] != "v4"]
    store.close()


def test_doccano_renumbered_but_unchanged_keeps_the_review_state(tmp_path):
    """Only doccano's ids differ: nothing was edited, so an unreviewed draft stays unreviewed; an
    edited line is a human's review."""
    store, line = _doccano_export(tmp_path, reviewed=False)
    number = {e["id"]: 500 + k for k, e in enumerate(line["entities"])}
    entities = [{**e, "id": number[e["id"]]} for e in line["entities"]]
    relations = [{**r, "from_id": number[r["from_id"]], "to_id": number[r["to_id"]]} for r in line["relations"]]
    report = _import_line(tmp_path, store, _as_doccano_writes_it(line, entities=entities, relations=relations))
    assert report.failed == [] and not store.document("rich-1").reviewed
    assert store.version("rich-1").annotation.to_dict() == rich_annotation()
    s_new, e_new = find(RICH_TEXT, "园区")
    edited = _as_doccano_writes_it(line, label=[[s_new, e_new, "ZONE"], *line["label"]])
    assert _import_line(tmp_path, store, edited).failed == [] and store.document("rich-1").reviewed
    store.close()


def test_doccano_line_edited_in_both_columns_is_refused_and_nothing_is_lost(tmp_path):
    store, line = _doccano_export(tmp_path)
    before = store.version("rich-1")
    entities = [{**e, "id": e["id"] + 100} for e in line["entities"][1:]]
    changed = _as_doccano_writes_it(line, label=line["label"][2:], entities=entities, relations=[])
    report = _import_line(tmp_path, store, changed)
    assert report.imported == 0 and len(report.failed) == 1
    assert "both 'label' and 'entities' differ from what zhie exported" in report.failed[0]
    assert "document 'rich-1'" in report.failed[0] and "nothing was changed in the store" in report.failed[0]
    assert store.version("rich-1").version == before.version
    assert store.version("rich-1").annotation.to_dict() == before.annotation.to_dict()
    store.close()


def test_doccano_export_leaves_out_empty_texts(tmp_path):
    from zhie.store.transfer import export_file
    store = Store(str(tmp_path / "s.sqlite"))
    store.add_document(Document("晋中开发区签约。", "full"))
    store.add_document(Document("", "empty"))
    store.add_document(Document(" \n", "blank"))
    report = export_file(store, "doccano", tmp_path / "d.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "d.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["doc_id"] for x in lines] == ["full"] and report.written == 1 and report.failed == []
    assert [m.split(" has ")[0] for m in report.skipped] == ["document 'empty'", "document 'blank'"]
    assert all("empty text, which doccano refuses" in m for m in report.skipped)
    assert export_file(store, "labelstudio", tmp_path / "ls.json").written == 3  # Label Studio takes them
    store.close()


# -- exports: atomic, strict JSON, a bad document reported by id -----------------------------

def test_an_export_that_crashes_midway_leaves_the_old_file(tmp_path, monkeypatch):
    store = _filled(tmp_path, str(tmp_path / "s.sqlite"))
    path = tmp_path / "tasks.json"
    path.write_text("the previous export\n", encoding="utf-8")
    real = store.documents

    def broken(reviewed_only=False):  # noqa: ANN001, ANN202 - the database goes away after one document
        for n, item in enumerate(real(reviewed_only=reviewed_only)):
            if n == 1:
                raise OSError("connection to the store lost")
            yield item

    monkeypatch.setattr(store, "documents", broken)
    for fmt in ("labelstudio", "doccano", "train"):
        with pytest.raises(OSError, match="connection to the store lost"):
            export_store(store, fmt, path, reviewed_only=False)
        assert path.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temporary left over
    store.close()


def test_a_document_that_is_not_strict_json_is_reported_by_id(tmp_path):
    from zhie.store.transfer import ExportError, export_file
    store = _filled(tmp_path, str(tmp_path / "s.sqlite"))
    store.add_document(Document("晋中开发区签约。", "nan-1", {"weight": 0.5}))
    with store.engine.begin() as db:  # a row written before the store refused NaN (it does now)
        db.exec_driver_sql("UPDATE zhie_documents SET meta = '{\"weight\": NaN}' WHERE id = 'nan-1'")
    assert store.document("nan-1").meta["weight"] != store.document("nan-1").meta["weight"]  # NaN read back
    path = tmp_path / "out.jsonl"
    report = export_file(store, "doccano", path)
    assert report.written == 2 and len(report.failed) == 1
    assert report.failed[0].startswith("document 'nan-1' (version 0) cannot be exported as doccano: ValueError")
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text and [json.loads(x)["doc_id"] for x in text.splitlines()] == ["rich-1", "pred-1"]
    with pytest.raises(ExportError, match="document 'nan-1'"):   # the strict form writes nothing
        export_store(store, "labelstudio", tmp_path / "strict.json")
    assert not (tmp_path / "strict.json").exists()
    store.close()
    done = _zhie("store", "export", "--format", "labelstudio", "-o", str(tmp_path / "cli.json"),
                 "--store", str(tmp_path / "s.sqlite"), cwd=tmp_path)
    assert done.returncode == 1 and "document 'nan-1' (version 0) cannot be exported" in done.stderr
    assert "Traceback" not in done.stderr and "2 documents" in done.stderr and "1 failed" in done.stderr
    assert len(json.loads((tmp_path / "cli.json").read_text(encoding="utf-8"))) == 2
    assert oct((tmp_path / "cli.json").stat().st_mode & 0o777) != oct(0o600)  # not mkstemp's private mode
