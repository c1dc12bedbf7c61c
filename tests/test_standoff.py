"""zhie/standoff.py: standoff gold joined back to its text from one or several text files."""
from __future__ import annotations

import json

import pytest

from zhie.standoff import StandoffError, join_texts, strip_text

ZONE_DOC = {"id": "zn-1", "text": "临汾经济技术开发区与三家企业签约。",
            "entities": [{"id": "T1", "label": "ZONE", "start": 0, "end": 9, "text": "临汾经济技术开发区"}],
            "relations": [], "events": []}
WIRE_DOC = {"id": "inews-train-1", "text": "本报讯 市长张某到高新区调研。",
            "entities": [{"id": "T1", "label": "OFFICIAL", "start": 6, "end": 8, "text": "张某"}],
            "relations": [], "events": []}


def _texts(path, docs):
    path.write_text("\n".join(json.dumps({"id": d["id"], "text": d["text"]}, ensure_ascii=False) for d in docs) + "\n",
                    encoding="utf-8")
    return path


def test_records_from_two_corpora_join_their_texts_from_two_files(tmp_path):
    a, b = _texts(tmp_path / "zone.jsonl", [ZONE_DOC]), _texts(tmp_path / "wire.jsonl", [WIRE_DOC])
    records = [strip_text(ZONE_DOC), strip_text(WIRE_DOC)]
    assert "text" not in records[1]["entities"][0]
    joined = join_texts(records, [a, b])
    assert [d["text"] for d in joined] == [ZONE_DOC["text"], WIRE_DOC["text"]]
    assert joined[1]["entities"][0]["text"] == "张某"
    with pytest.raises(StandoffError, match="'inews-train-1': not in the text file"):
        join_texts(records, a)                       # one file alone lacks the other corpus


def test_a_changed_text_and_an_id_with_two_texts_are_refused(tmp_path):
    changed = dict(WIRE_DOC, text="本报讯 市长李某到高新区调研。")
    with pytest.raises(StandoffError, match="SHA-1 differs"):
        join_texts([strip_text(WIRE_DOC)], _texts(tmp_path / "changed.jsonl", [changed]))
    a, b = _texts(tmp_path / "a.jsonl", [WIRE_DOC]), _texts(tmp_path / "b.jsonl", [changed])
    with pytest.raises(StandoffError, match="another text in an earlier file"):
        join_texts([strip_text(WIRE_DOC)], [a, b])
    assert join_texts([strip_text(WIRE_DOC)], [a, a])[0]["text"] == WIRE_DOC["text"]   # the same text twice is fine


def test_standoff_gold_without_texts_says_how_to_give_them():
    with pytest.raises(StandoffError, match="--texts PATH"):
        join_texts([strip_text(ZONE_DOC)], [])


def test_zhie_evaluate_takes_several_text_files(tmp_path, capsys):
    from conftest import TINY_MODEL
    from zhie.cli import main
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(strip_text(d), ensure_ascii=False) for d in (ZONE_DOC, WIRE_DOC)) + "\n",
                    encoding="utf-8")
    a, b = _texts(tmp_path / "zone.jsonl", [ZONE_DOC]), _texts(tmp_path / "wire.jsonl", [WIRE_DOC])
    assert main(["evaluate", str(gold), "--texts", str(a), str(b), "--model", str(TINY_MODEL), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"] == 2
    assert report["entities"]["ZONE"]["support"] == 1 and report["entities"]["OFFICIAL"]["support"] == 1
