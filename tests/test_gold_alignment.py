"""align_gold: the one mapping of gold offsets onto the cleaned text.  On annotations/dev.jsonl
and annotations/train.jsonl its four users give what the four separate mappings they replaced
gave (those mappings are written out here as they were, as the reference)."""
from __future__ import annotations

import json

import pytest

from conftest import REPO_ROOT
from training.augment import flat_entities, gold_sentences
from training.domain import IGNORE, doc_to_examples, doc_to_trigger_examples
from training.examples import Example
from zhie.gold import align_gold
from zhie.linking.oracle import link_input_from_gold
from zhie.text import clean_text, plan_windows, split_sentences

FILES = ("dev.jsonl", "train.jsonl")


def gold_docs(name: str) -> list[dict]:
    with open(REPO_ROOT / "annotations" / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---- the four mappings as they were before align_gold (reference implementations)
def old_windows(doc: dict, spans: list[tuple[str, int, int]], max_len: int, head: str) -> list[tuple]:
    clean = clean_text(doc["text"])
    mapped = []
    for label, start, end in spans:
        span = clean.span_from_original(start, end)
        if span is not None:
            mapped.append((label, *span))
    out = []
    for w in plan_windows(split_sentences(clean.text), len(clean.text), max_len, max_len // 4):
        inside = []
        for label, s, e in mapped:
            if s >= w.start and e <= w.end:
                inside.append((label, s - w.start, e - w.start))
            elif s < w.end and e > w.start:
                inside.append((IGNORE, max(s, w.start) - w.start, min(e, w.end) - w.start))
        text = clean.text[w.start:w.end]
        if text.strip():
            out.append((text, inside, f"{doc['id']}@{w.start}", head))
    return out


def old_sentences(doc: dict, require_entities: bool) -> list[dict]:
    clean = clean_text(doc["text"])
    mapped = []
    for e in flat_entities(doc.get("entities", [])):
        span = clean.span_from_original(e["start"], e["end"])
        if span is not None:
            mapped.append((e["label"], *span))
    out = []
    for n, (a, b) in enumerate(split_sentences(clean.text)):
        inside = [(label, s - a, e - a) for label, s, e in mapped if a <= s and e <= b]
        cut = any(s < b and e > a and not (a <= s and e <= b) for _, s, e in mapped)
        if cut or (require_entities and not inside):
            continue
        text = clean.text[a:b]
        out.append({"text": text, "entities": [{"label": l, "start": s, "end": e, "text": text[s:e]}
                                               for l, s, e in sorted(inside, key=lambda x: (x[1], x[2]))],
                    "source": f"{doc.get('id', 'doc')}#{n}"})
    return out


def old_mentions(doc: dict) -> list[tuple]:
    clean = clean_text(doc["text"])
    out = []
    for e in sorted(doc.get("entities", []), key=lambda e: (e["start"], e["end"])):
        span = clean.span_from_original(int(e["start"]), int(e["end"]))
        if span is not None:
            out.append((e.get("id"), e["label"], span[0], span[1]))
    return out


def old_scorer_triggers(doc: dict) -> dict:
    clean = clean_text(doc["text"])
    gold = {}
    for v in doc.get("events", []):
        span = clean.span_from_original(v["trigger"]["start"], v["trigger"]["end"])
        if span is not None:
            gold[(v["type"], span[0], span[1])] = id(v)
    return gold


def as_tuple(ex: Example) -> tuple:
    return ex.text, list(ex.spans), ex.source, ex.head


@pytest.mark.parametrize("name", FILES)
def test_the_four_users_give_what_the_four_mappings_gave(name):
    docs = gold_docs(name)
    assert docs
    windows = triggers = sentences = mentions = 0
    for doc in docs:
        new = [as_tuple(x) for x in doc_to_examples(doc, 126)]
        assert new == old_windows(doc, [(e["label"], e["start"], e["end"]) for e in doc.get("entities", [])],
                                  126, "domain"), doc["id"]
        windows += len(new)
        if "events" in doc:
            new = [as_tuple(x) for x in doc_to_trigger_examples(doc, 126)]
            assert new == old_windows(doc, [(v["type"], v["trigger"]["start"], v["trigger"]["end"])
                                            for v in doc["events"]], 126, "trigger"), doc["id"]
            triggers += sum(len(x[1]) for x in new)
        for required in (True, False):
            new = gold_sentences(dict(doc), require_entities=required)
            assert new == old_sentences(doc, required), doc["id"]
            sentences += len(new)
        inp = link_input_from_gold(doc)
        got = [(m.entity.id, m.entity.label, m.cstart, m.cend) for m in inp.mentions]
        assert got == old_mentions(doc), doc["id"]
        mentions += len(got)
        aligned = {(t.label, t.start, t.end): id(t.source) for t in align_gold(doc, clean=inp.clean).triggers}
        assert aligned == old_scorer_triggers(doc), doc["id"]
    assert windows and triggers and sentences and mentions


def test_cleaned_offsets_point_at_the_same_characters_and_deleted_spans_are_left_out():
    text = "<p>晋中开发区</p>与晋能控股集团签约。\n责任编辑：王五"
    z, c = text.index("晋中开发区"), text.index("晋能控股集团")
    editor = text.index("王五")
    doc = {"id": "d", "text": text,
           "entities": [{"id": "e1", "label": "ZONE", "start": z, "end": z + 5},
                        {"id": "e2", "label": "COMPANY", "start": c, "end": c + 6},
                        {"id": "e3", "label": "OFFICIAL", "start": editor, "end": editor + 2}],
           "relations": [{"type": "MEMBER_OF", "head": "e3", "tail": "e2"},
                         {"type": "MEMBER_OF", "head": "e1", "tail": "e2"}],
           "events": [{"type": "SIGN_CONTRACT", "trigger": {"start": c + 6, "end": c + 8}, "arguments": []}]}
    gold = align_gold(doc)
    clean = gold.clean.text
    assert "<p>" not in clean and "王五" not in clean          # markup and the editor line are cleaned away
    assert [(s.label, clean[s.start:s.end]) for s in gold.entities] == [("ZONE", "晋中开发区"), ("COMPANY", "晋能控股集团")]
    assert [(s.label, clean[s.start:s.end]) for s in gold.triggers] == [("SIGN_CONTRACT", "签约")]
    assert [(r["head"], h.label, t.label) for r, h, t in gold.relations] == [("e1", "ZONE", "COMPANY")]
    only = align_gold(doc, entities=[doc["entities"][1]])
    assert only.entity_spans() == [gold.entity_spans()[1]]


def test_an_example_round_trips_through_its_json_form():
    ex = Example("晋中开发区签约", [("ZONE", 0, 5)], "s#1", head="domain")
    assert Example.from_dict(ex.to_dict()) == ex
    assert "head" not in ex.to_dict() and ex.to_dict()["entities"][0]["text"] == "晋中开发区"
    trig = Example("签约", [("SIGN_CONTRACT", 0, 2)], "s#2", head="trigger")
    assert Example.from_dict(trig.to_dict()) == trig
