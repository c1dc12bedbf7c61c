"""The annotation store (zhie.store): versions and history, optimistic concurrency, the
review queue's order, validation of corrections against the schema, URLs.

Every test taking ``store_url`` runs on SQLite, and on PostgreSQL when
ZHIE_TEST_POSTGRES_URL is set (see store_fixtures.py and .ci/run).
"""
from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import Any, Callable, Sequence

import pytest

from conftest import TINY_MODEL
from store_fixtures import RICH_TEXT, rich, rich_annotation, store_url  # noqa: F401  (fixture)
from zhie.pipeline import Pipeline
from zhie.registry import taggers
from zhie.schema import Document
from zhie.store import (AnnotationError, DocumentNotFound, DuplicateDocument, Store, TextMismatch, VersionConflict,
                        resolve_store_url, validate_annotation)
from zhie.tagger import LexiconTagger, read_meta
from zhie.tagger.base import TaggedSpan

SIGNING = "2023年5月18日，晋中开发区与山西华晟新材料有限公司签约，总投资约15亿元。市委书记李明远到太原武宿综合保税区调研。"


@taggers.register("test-scored-lexicon")
class ScoredLexiconTagger(LexiconTagger):
    """The lexicon tagger with a score per surface form (meta "scores"), to order the review queue."""

    def tag(self, texts: Sequence[str]) -> list[list[TaggedSpan]]:
        scores = self.meta.get("scores", {})
        return [[TaggedSpan(s.label, s.start, s.end, scores.get(text[s.start:s.end], 0.99)) for s in spans]
                for text, spans in zip(texts, super().tag(texts))]


@pytest.fixture
def store(store_url):  # noqa: F811
    s = Store(store_url)
    yield s
    s.close()


@pytest.fixture(scope="module")
def nlp():
    return Pipeline.load(TINY_MODEL)


def add(store: Store, nlp: Pipeline, doc_id: str, text: str = SIGNING) -> None:
    doc = Document(text, doc_id, {"date": "2023-06-01"})
    store.add_document(doc, nlp(doc))


# ---------------------------------------------------------------- versions and history

def test_prediction_is_version_one_with_model_and_scores(store, nlp):
    add(store, nlp, "a")
    state = store.state("a")
    assert state.document.version == 1 and not state.document.reviewed
    v = state.current
    assert v.kind == "prediction" and v.model.name == "tiny-lexicon" and v.author == "model:tiny-lexicon@test"
    assert [e.text for e in v.annotation.entities][:3] == ["2023年5月18日", "晋中开发区", "山西华晟新材料有限公司"]
    assert all(e.score == 1.0 for e in v.annotation.entities)
    assert v.scores.entities == len(v.annotation.entities) and v.scores.uncertainty == 0.0
    assert [h.kind for h in state.history] == ["prediction"]
    with pytest.raises(DuplicateDocument):
        add(store, nlp, "a")


def test_a_correction_adds_a_version_and_keeps_the_old_one(store, nlp):
    add(store, nlp, "a")
    before = store.version("a").annotation.to_dict()
    ann = copy.deepcopy(before)
    ann["entities"] = [e for e in ann["entities"] if e["label"] != "AMOUNT"]
    for v in ann["events"]:
        v["arguments"] = [a for a in v["arguments"] if a["role"] != "amount"]
    ann["entities"].append({"label": "PROJECT", "start": 0, "end": 4, "text": "2023"})  # overlaps the DATE
    with pytest.raises(AnnotationError, match="overlaps"):
        store.correct("a", ann, base_version=1, author="王芳")
    ann["entities"].pop()
    saved = store.correct("a", ann, base_version=1, author="王芳", note="约15亿元 is not part of this test")

    assert saved.version == 2 and saved.kind == "correction" and saved.author == "王芳" and saved.based_on == 1
    assert saved.changes.entities.removed == ["AMOUNT '约15亿元' [34:39]"]
    assert saved.changes.events.changed and not saved.changes.relations
    assert all(e.score is None for e in saved.annotation.entities)  # a human annotation has no scores
    versions = store.versions("a")
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].annotation.to_dict() == before  # version 1 untouched
    history = store.history("a")
    assert [(h.kind, h.version, h.author) for h in history] == [
        ("prediction", 1, "model:tiny-lexicon@test"), ("correction", 2, "王芳"), ("review", 2, "王芳")]
    assert "entities -1" in history[1].summary
    assert store.document("a").reviewed and store.version("a", 1).version == 1


def test_a_stale_base_version_is_refused_and_nothing_changes(store, nlp):
    add(store, nlp, "a")
    ann = store.version("a").annotation.to_dict()
    store.correct("a", ann, base_version=1, author="first")
    with pytest.raises(VersionConflict) as info:
        store.correct("a", {"entities": []}, base_version=1, author="second")
    assert info.value.current_version == 2 and "version 2" in str(info.value)
    assert store.document("a").version == 2 and len(store.versions("a")) == 2
    assert len(store.version("a").annotation.entities) == len(ann["entities"])
    with pytest.raises(VersionConflict):
        store.mark_reviewed("a", base_version=1, reviewer="third")
    with pytest.raises(DocumentNotFound):
        store.correct("nope", ann, base_version=1, author="x")


def test_concurrent_corrections_of_one_version_let_exactly_one_win(store, nlp):
    add(store, nlp, "a")
    base = store.version("a").annotation.to_dict()
    n = 6
    barrier = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def reviewer(k: int) -> None:
        ann = copy.deepcopy(base)
        ann["entities"] = ann["entities"][:k + 1]  # each reviewer keeps a different number of entities
        ann["relations"], ann["events"] = [], []
        barrier.wait()
        try:
            store.correct("a", ann, base_version=1, author=f"reviewer-{k}")
            result = f"won:{k}"
        except VersionConflict:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=reviewer, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    winners = [o for o in outcomes if o.startswith("won")]
    assert len(outcomes) == n and len(winners) == 1 and outcomes.count("conflict") == n - 1
    assert [v.version for v in store.versions("a")] == [1, 2]
    k = int(winners[0].split(":")[1])
    assert store.version("a").author == f"reviewer-{k}" and len(store.version("a").annotation.entities) == k + 1


def test_drafts_stay_in_the_queue_until_reviewed(store, nlp):
    add(store, nlp, "a")
    add(store, nlp, "b")
    ann = store.version("a").annotation.to_dict()
    store.correct("a", ann, base_version=1, author="王芳", reviewed=False)
    assert {q.id for q in store.queue()} == {"a", "b"}
    store.mark_reviewed("a", base_version=2, reviewer="李强")
    assert [q.id for q in store.queue()] == ["b"]
    assert [d.id for d, _ in store.documents(reviewed_only=True)] == ["a"]
    assert store.reviews("a")[0].reviewer == "李强"
    # a later draft reopens the document
    store.correct("a", ann, base_version=2, author="王芳", reviewed=False)
    assert {q.id for q in store.queue()} == {"a", "b"}
    stats = store.stats().to_dict()
    assert stats == {"documents": 2, "reviewed": 0, "unreviewed": 2, "versions": 4, "corrections": 2}


def test_the_queue_puts_the_most_uncertain_documents_first(store, tmp_path):
    meta = dict(read_meta(TINY_MODEL), tagger="test-scored-lexicon",
                scores={"晋中开发区": 0.95, "田磊": 0.4, "李明远": 0.6, "周晓东": 0.7, "林北红": 0.6})
    model = tmp_path / "scored"
    model.mkdir()
    (model / "meta.json").write_text(__import__("json").dumps(meta, ensure_ascii=False), encoding="utf-8")
    nlp = Pipeline.load(model)
    texts = {"sure": "晋中开发区", "weak": "田磊到晋中开发区调研", "empty": "今天天气很好", "two-low": "李明远与周晓东",
             "one-low": "市委书记林北红", "blank": " "}
    for doc_id, text in texts.items():
        add(store, nlp, doc_id, text)
    queue = store.queue(limit=10)
    assert [q.id for q in queue] == ["empty", "weak", "two-low", "one-low", "sure", "blank"]
    weak = queue[1].scores
    assert weak.uncertainty == pytest.approx(0.6) and weak.min_score == pytest.approx(0.4)
    assert weak.low_confidence == 1 and weak.mean_score == pytest.approx((0.4 + 0.95) / 2)
    assert queue[2].scores.low_confidence == 2 and queue[3].scores.low_confidence == 1
    assert [q.id for q in store.queue(limit=2)] == ["empty", "weak"]
    store.mark_reviewed("empty", 1, "王芳")
    assert store.queue(limit=1)[0].id == "weak"


def test_imports_create_documents_or_add_versions(store):
    doc = rich()
    v = store.import_annotation(Document(doc["text"], doc["id"], doc["meta"]), doc, author="labelstudio")
    assert v.version == 1 and v.kind == "import" and store.document(doc["id"]).reviewed
    assert v.annotation.to_dict()["events"] == rich_annotation()["events"]
    again = store.import_annotation(Document(doc["text"], doc["id"]), doc, author="doccano", reviewed=False)
    assert again.version == 2 and not store.document(doc["id"]).reviewed
    with pytest.raises(TextMismatch):
        store.import_annotation(Document(doc["text"] + "。", doc["id"]), doc, author="x")


def test_the_store_persists_across_connections(store_url, nlp):  # noqa: F811
    first = Store(store_url)
    add(first, nlp, "kept")
    first.correct("kept", first.version("kept").annotation, base_version=1, author="王芳")
    first.close()
    second = Store(store_url)
    try:
        assert second.document("kept").version == 2 and second.document("kept").reviewed
        assert [h.kind for h in second.history("kept")] == ["prediction", "correction", "review"]
    finally:
        second.close()


# ---------------------------------------------------------------- validation

def _mutate(fn: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    ann = rich_annotation()
    fn(ann)
    return ann


def _entity(ann: dict, eid: str) -> dict:
    return next(e for e in ann["entities"] if e["id"] == eid)


BAD = [
    ("entities[0] (id 'e1')", "out of range", lambda a: a["entities"][0].update(end=len(RICH_TEXT) + 5)),
    ("entities[3] (id 'e4')", "!= text[", lambda a: a["entities"][3].update(text="山西华晟")),
    ("entities[0] (id 'e1')", "unknown label 'PERSON'", lambda a: a["entities"][0].update(label="PERSON")),
    ("entities[1] (id 'e2')", "start and end must be integers", lambda a: a["entities"][1].update(start=True)),
    ("entities[18] (id 'e19')", "overlaps", lambda a: a["entities"].append(
        {"id": "e19", "label": "ORG", "start": a["entities"][3]["start"], "end": a["entities"][3]["start"] + 2})),
    ("entities[3] (id 'e3')", "also used by entities[2]", lambda a: a["entities"][3].update(id="e3")),
    ("relations[0]", "unknown relation type 'WORKS_FOR'", lambda a: a["relations"][0].update(type="WORKS_FOR")),
    ("relations[1]", "allowed is OFFICIAL -> TITLE", lambda a: a["relations"][1].update(tail="e10")),
    ("relations[2]", "'e99' is not the id of an entity", lambda a: a["relations"][2].update(head="e99")),
    ("events[0] (id 'v1')", "unknown event type 'SIGNING'", lambda a: a["events"][0].update(type="SIGNING")),
    ("events[2] (id 'v3').arguments[1]", "role 'party' is not a role of VISIT_INSPECT",
     lambda a: a["events"][2]["arguments"][1].update(role="party")),
    ("events[3] (id 'v4').arguments[1]", "entity 'e77' is not the id", lambda a: a["events"][3]["arguments"][1].update(
        entity="e77")),
    ("events[3] (id 'v4').arguments[0]", "differ from those of entity 'e12'",
     lambda a: a["events"][3]["arguments"][0].update(start=_entity(a, "e15")["start"], end=_entity(a, "e15")["end"],
                                                     text="周晓东")),
    ("events[1] (id 'v2').trigger", "!= text[", lambda a: a["events"][1]["trigger"].update(text="签约")),
    ("events (id 'e1')", "also an entity's id", lambda a: a["events"][0].update(id="e1")),
    ("events", "must be an array", lambda a: a.update(events={"v1": 1})),
    ("entities[4] (id 'e5')", "value must be a finite number", lambda a: a["entities"][4].update(value="很多")),
]


@pytest.mark.parametrize("path,message,mutation", BAD, ids=[b[1][:30] for b in BAD])
def test_validation_names_the_offending_item(path, message, mutation):
    with pytest.raises(AnnotationError) as info:
        validate_annotation(RICH_TEXT, _mutate(mutation))
    problems = [str(p) for p in info.value.problems]
    assert any(p.startswith(path) and message in p for p in problems), problems
    assert message in str(info.value)


def test_validation_accepts_the_rich_document_and_fills_conveniences():
    ann = validate_annotation(RICH_TEXT, rich_annotation())
    assert ann.to_dict() == validate_annotation(RICH_TEXT, ann.to_dict()).to_dict()
    assert len(ann.entities) == 18 and len(ann.relations) == 4 and len(ann.events) == 6
    s = RICH_TEXT.index("田磊")
    short = validate_annotation(RICH_TEXT, {"entities": [{"label": "OFFICIAL", "start": s, "end": s + 2}],
                                            "events": [{"type": "VISIT_INSPECT",
                                                        "trigger": {"start": s + 8, "end": s + 10},
                                                        "arguments": [{"role": "visitor", "entity": "e1"}]}]})
    assert short.entities[0].id == "e1" and short.entities[0].text == "田磊"
    assert short.events[0].id == "v1" and short.events[0].trigger.text == RICH_TEXT[s + 8:s + 10]
    assert short.events[0].arguments[0].text == "田磊" and short.events[0].arguments[0].start == s
    with pytest.raises(AnnotationError, match="expected an object"):
        validate_annotation(RICH_TEXT, ["not", "an", "object"])


# ---------------------------------------------------------------- where the store lives

def test_store_urls(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHIE_STORE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_store_url(None) == "sqlite:///" + str(tmp_path / "zhie-store.sqlite")
    assert resolve_store_url("sub/r.sqlite") == "sqlite:///" + str(tmp_path / "sub" / "r.sqlite")
    assert resolve_store_url("postgresql://u:p@db:5432/zhie") == "postgresql+psycopg://u:p@db:5432/zhie"
    monkeypatch.setenv("ZHIE_STORE_URL", str(tmp_path / "env.sqlite"))
    from zhie.settings import ZhieSettings   # what the entry points pass down
    assert resolve_store_url(ZhieSettings().store_url) == "sqlite:///" + str(tmp_path / "env.sqlite")
    store = Store(ZhieSettings().store_url)
    assert Path(tmp_path / "env.sqlite").exists() and store.display_url.endswith("env.sqlite")
    store.close()
