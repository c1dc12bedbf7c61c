"""The service's door and the store's: every input is checked for what the store and its exports
can hold (strict JSON numbers, valid Unicode, no NUL in text columns, version numbers that fit
the integer columns), answered with a 4xx naming the field — never a 500 or a 503 — on SQLite and
on PostgreSQL (``store_url``); a failed request stores nothing or says exactly what it stored;
the order of arrival is unique under concurrent adds; ``zhie store add`` follows the same rules;
``create_app(settings, loader=…)`` takes a model loader.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from conftest import REPO_ROOT, TINY_MODEL
from store_fixtures import RICH_TEXT, rich_annotation, store_url  # noqa: F401  (fixture)
from service import Settings, create_app
from zhie.pipeline import Pipeline
from zhie.schema import Document
from zhie.store import DocumentNotFound, Store
from zhie.store.tables import DocumentRow
from zhie.store.validate import FieldError, check_json_value, check_version
from zhie.tagger import LexiconTagger, read_meta
from zhie.tagger.base import TaggedSpan

TOKEN = "door-token"
AUTH = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
TEXT = "近日，市商务局局长周晓东到太原武宿综合保税区调研。"


@contextmanager
def client_for(store: str, **changes: Any) -> Iterator[TestClient]:
    app = create_app(Settings(model=TINY_MODEL, store_url=store, api_token=TOKEN, **changes))
    with TestClient(app) as client:
        assert app.state.runtime.loaded.wait(30)
        yield client


@pytest.fixture
def client(store_url) -> Iterator[TestClient]:  # noqa: F811
    with client_for(store_url) as c:
        yield c


def post_documents(client: TestClient, body: bytes) -> Any:
    return client.post("/v1/documents", content=body, headers=AUTH)


def stored_ids(client: TestClient) -> set[str]:
    return {d["id"] for d in client.get("/v1/review/queue", params={"limit": 500}).json()["documents"]}


# ---------------------------------------------------------------- POST /v1/documents: whole-body problems

BODY_PROBLEMS = [  # (raw body, status, error type, error field, words the message must hold)
    (b'{"documents": [{"id": "n", "text": "x", "meta": {"s": NaN}}]}', 422, "invalid_json",
     "documents[0].meta.s", "NaN"),
    (b'{"documents": [{"id": "n", "text": "x", "meta": {"s": [1, -Infinity]}}]}', 422, "invalid_json",
     "documents[0].meta.s[1]", "-Infinity"),
    (('{"documents": [{"id": %s, "text": "x"}]}' % ("7" * 5000)).encode(), 422, "invalid_json", "documents[0].id",
     "5000 digits"),
    (b'{"documents": [{"id": "a", "text": "x"}], "added_by": "\\ud800"}', 422, "invalid_field", "added_by",
     "lone surrogate"),
    (b'{"documents": [{"id": "a", "text": "x"}], "added_by": "a\\u0000"}', 422, "invalid_field", "added_by", "NUL"),
    (b'{"documents": [{"id": "a", "text": "x"}], "added_by": 7}', 422, "invalid_field", "added_by", "non-empty string"),
    (b'{"documents": {"id": "a"}}', 422, "invalid_field", "documents", "array"),
    (b'{"added_by": "x"}', 422, "missing_field", "documents", "required"),
    (b'{"documents": [{"text": "a\x01b"}]}', 422, "invalid_json", None, "Invalid control character (line 1"),
]


@pytest.mark.parametrize("body,status,kind,field,words", BODY_PROBLEMS)
def test_bad_bodies_are_refused_naming_the_field_and_store_nothing(client, body, status, kind, field, words):
    r = post_documents(client, body)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert (err["type"], err.get("field")) == (kind, field)
    assert words in err["message"]
    assert "at at" not in err["message"] and "sys." not in err["message"]
    assert stored_ids(client) == set()


# ---------------------------------------------------------------- POST /v1/documents: one document's problems

DOCUMENT_PROBLEMS = [  # (document JSON, error field, words the message must hold)
    ('{"id": "s", "text": "x", "meta": {"s": "\\ud800"}}', "meta.s", "lone surrogate (\\ud800)"),
    ('{"id": "k", "text": "x", "meta": {"\\udc00": 1}}', "meta", "key that contains a lone surrogate"),
    ('{"id": "t", "text": "a\\u0000b"}', "text", "NUL character"),
    ('{"id": "a\\u0000b", "text": "x"}', "id", "NUL character"),
    ('{"id": "\\ud800", "text": "x"}', "id", "lone surrogate"),
    ('{"id": true, "text": "x"}', "id", "must be a string or an integer"),
    ('{"id": 1.5, "text": "x"}', "id", "must be a string or an integer"),
    ('{"id": "m", "text": "x", "meta": []}', "meta", "must be an object"),
    ('{"id": "m", "text": "x", "meta": false}', "meta", "must be an object"),
    ('{"id": "d", "text": "x", "meta": {"date": "2023-13-01"}}', "meta.date", "YYYY-MM-DD"),
    ('{"id": "a/b", "text": "x"}', "id", "'/'"),
    ('{"id": 9223372036854775808, "text": "x"}', "id", "64-bit range"),
]


@pytest.mark.parametrize("document,field,words", DOCUMENT_PROBLEMS)
def test_a_document_the_store_cannot_hold_is_an_error_record_between_stored_ones(client, document, field, words):
    body = '{"documents": [{"id": "g1", "text": "好"}, %s, {"id": "g3", "text": "好的"}]}' % document
    r = post_documents(client, body.encode())
    assert r.status_code == 200, r.text
    first, bad, last = r.json()["results"]
    assert first["id"] == "g1" and first["version"] == 1 and last["id"] == "g3" and last["version"] == 1
    assert bad["index"] == 1 and bad["error"]["type"] == "invalid_field" and bad["error"]["field"] == field
    assert words in bad["error"]["message"]
    assert stored_ids(client) == {"g1", "g3"}  # exactly what the answer says was stored
    for doc_id in ("g1", "g3"):
        assert client.get(f"/v1/documents/{doc_id}").status_code == 200


def test_a_body_declared_as_something_else_than_json_is_415(client):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        r = client.post("/v1/documents", content=b'{"documents": [{"id": "a", "text": "x"}]}',
                        headers={**AUTH, "content-type": content_type})
        assert r.status_code == 415 and r.json()["error"]["type"] == "unsupported_media_type", r.text
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        r = client.post("/v1/documents", content=b'{"documents": []}', headers={**AUTH, "content-type": content_type})
        assert r.status_code == 200, r.text
    assert stored_ids(client) == set()


def test_values_json_can_hold_are_kept_exactly(client):
    meta = {"date": "2023-06-20", "nul": "a\u0000b", "big": 2**80, "neg": -(2**70), "x": [1.5, None, {"y": "好"}]}
    body = json.dumps({"documents": [{"id": "ok", "text": TEXT, "meta": meta}]}).encode()
    assert post_documents(client, body).json()["results"][0]["version"] == 1
    r = client.get("/v1/documents/ok")
    assert r.status_code == 200 and r.json()["meta"] == meta


def test_a_store_failure_stores_none_of_the_batch(client, monkeypatch):
    """All or nothing: when the database fails on the second document, the first is not kept either."""
    real = Store._insert
    calls = {"n": 0}

    def failing_insert(self, s, new):  # noqa: ANN001
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("INSERT", {}, Exception("the database went away"))
        return real(self, s, new)

    monkeypatch.setattr(Store, "_insert", failing_insert)
    body = json.dumps({"documents": [{"id": f"b{i}", "text": TEXT} for i in range(3)]}).encode()
    r = post_documents(client, body)
    assert r.status_code == 503 and r.json()["error"]["type"] == "store_unavailable"
    monkeypatch.setattr(Store, "_insert", real)
    assert stored_ids(client) == set()
    assert [x["id"] for x in post_documents(client, body).json()["results"]] == ["b0", "b1", "b2"]  # resend works


def test_ids_repeated_in_a_batch_or_already_stored_are_duplicates_at_their_place(client):
    post_documents(client, b'{"documents": [{"id": "a", "text": "x"}]}')
    r = post_documents(client, b'{"documents": [{"id": "a", "text": "y"}, {"id": "b", "text": "x"}, '
                               b'{"id": "b", "text": "z"}]}')
    kinds = [x.get("error", {}).get("type") for x in r.json()["results"]]
    assert kinds == ["duplicate_id", None, "duplicate_id"]
    assert client.get("/v1/documents/b").json()["text"] == "x"


# ---------------------------------------------------------------- corrections, reviews, reads

@pytest.fixture
def with_doc(client) -> TestClient:
    r = post_documents(client, json.dumps({"documents": [{"id": "rich", "text": RICH_TEXT}]}).encode())
    assert r.json()["results"][0]["version"] == 1
    return client


def put(client: TestClient, body: dict[str, Any] | bytes, doc_id: str = "rich") -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.put(f"/v1/documents/{doc_id}/annotation", content=raw, headers=AUTH)


CORRECTION_PROBLEMS = [  # (body, status, type, field, words)
    ({"base_version": 2**63 - 1, "reviewer": "x", "annotation": {}}, 422, "invalid_field", "base_version",
     "from 0 to 2147483646"),
    ({"base_version": 2**70, "reviewer": "x", "annotation": {}}, 422, "invalid_field", "base_version", "2147483646"),
    ({"base_version": 2**31 - 1, "reviewer": "x", "annotation": {}}, 422, "invalid_field", "base_version", "2147483646"),
    ({"base_version": True, "reviewer": "x", "annotation": {}}, 422, "invalid_field", "base_version", "got true"),
    ({"base_version": 1.5, "reviewer": "x", "annotation": {}}, 422, "invalid_field", "base_version", "got 1.5"),
    ({"base_version": "1", "reviewer": "x", "annotation": {}}, 422, "invalid_field", "base_version", 'got "1"'),
    ({"reviewer": "x", "annotation": {}}, 422, "missing_field", "base_version", "required"),
    ({"base_version": 1, "reviewer": "\ud800", "annotation": {}}, 422, "invalid_field", "reviewer", "lone surrogate"),
    ({"base_version": 1, "reviewer": "x\u0000", "annotation": {}}, 422, "invalid_field", "reviewer", "NUL"),
    ({"base_version": 1, "reviewer": "  ", "annotation": {}}, 422, "invalid_field", "reviewer", "non-empty"),
    ({"base_version": 1, "reviewer": "x", "annotation": {}, "note": "a\u0000b"}, 422, "invalid_field", "note", "NUL"),
    ({"base_version": 1, "reviewer": "x", "annotation": {}, "note": "\udfff"}, 422, "invalid_field", "note",
     "lone surrogate"),
    ({"base_version": 1, "reviewer": "x", "annotation": {}, "reviewed": 1}, 422, "invalid_field", "reviewed",
     "true or false"),
    ({"base_version": 1, "reviewer": "x", "annotation": []}, 422, "invalid_field", "annotation", "must be an object"),
    ({"base_version": 1, "reviewer": "x"}, 422, "missing_field", "annotation", "required"),
    ({"base_version": 1, "reviewer": "x", "annotation": {"entities": [
        {"label": "ZONE", "start": 0, "end": 2, "id": "\ud800"}]}}, 422, "invalid_field", "annotation.entities[0].id",
     "lone surrogate"),
    ({"base_version": 1, "reviewer": "x", "annotation": {"entities": 5}}, 422, "invalid_annotation",
     "annotation.entities", "must be an array"),
    ({"base_version": 2**31 - 2, "reviewer": "x", "annotation": {}}, 409, "version_conflict", "base_version",
     "is at version 1"),
]


@pytest.mark.parametrize("body,status,kind,field,words", CORRECTION_PROBLEMS)
def test_bad_corrections_are_refused_naming_the_field(with_doc, body, status, kind, field, words):
    # json.dumps would write a lone surrogate as an escape, exactly as a client would
    r = put(with_doc, body)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert (err["type"], err.get("field")) == (kind, field) and words in err["message"]
    assert "annotation.annotation" not in err["message"]
    assert with_doc.get("/v1/documents/rich").json()["version"] == 1


def test_nan_in_a_correction_is_refused_where_it_is(with_doc):
    ann = rich_annotation()
    raw = json.dumps({"base_version": 1, "reviewer": "x", "annotation": ann}).replace('"value": 1500000000.0',
                                                                                       '"value": NaN')
    r = put(with_doc, raw.encode())
    err = r.json()["error"]
    assert r.status_code == 422 and err["field"] == "annotation.entities[4].value" and "NaN" in err["message"]


def test_reviews_and_reads_refuse_numbers_the_columns_cannot_hold(with_doc):
    c = with_doc
    for base in (2**31, 2**63, 2**70, 0, True):
        r = c.post("/v1/documents/rich/reviewed", content=json.dumps({"base_version": base, "reviewer": "x"}).encode(),
                   headers=AUTH)
        assert r.status_code == 422 and r.json()["error"]["field"] == "base_version", (base, r.text)
    for version in ("9223372036854775808", "2147483648", "0", "1e3"):
        r = c.get("/v1/documents/rich", params={"version": version})
        assert r.status_code == 422 and r.json()["error"]["field"] == "version", (version, r.text)
        assert r.json()["error"]["message"].startswith("query parameter 'version': ")
    r = c.get("/v1/documents/rich", params={"version": 2**31 - 1})
    assert r.status_code == 404 and "has no version 2147483647" in r.json()["error"]["message"]
    for odd in ("a%00b", "%ED%A0%80", "x" * 300):
        assert c.get(f"/v1/documents/{odd}").status_code == 404
        assert c.get(f"/v1/documents/{odd}/history").status_code == 404
        assert put(c, {"base_version": 1, "reviewer": "x", "annotation": {}}, odd).status_code == 404
    assert c.post("/v1/documents/rich/reviewed", content=b'{"base_version": 1, "reviewer": "x"}',
                  headers=AUTH).status_code == 200


# ---------------------------------------------------------------- the store's own door (CLI, imports)

def test_the_store_refuses_what_it_cannot_hold_naming_the_field(store_url):  # noqa: F811
    store = Store(store_url)
    try:
        bad = [(Document("x", "a", {"s": float("nan")}), "meta.s"), (Document("a\x00b", "b"), "text"),
               (Document("x", "c\x00"), "id"), (Document("x", "d", {"\ud800": 1}), "meta"),
               (Document("\ud800", "e"), "text"), (Document("x", "f" * 257), "id")]
        for doc, field in bad:
            with pytest.raises(FieldError) as info:
                store.add_document(doc)
            assert info.value.field == field
        with pytest.raises(FieldError) as info:
            store.add_documents([(Document("ok", "g"), None), (Document("x", "h", {"v": float("inf")}), None)])
        assert info.value.field == "documents[1].meta.v"
        assert store.stats().documents == 0
        store.add_document(Document(RICH_TEXT, "r"))
        with pytest.raises(FieldError, match="base_version"):
            store.correct("r", rich_annotation(), 2**31, "x")
        with pytest.raises(FieldError, match="note"):
            store.correct("r", rich_annotation(), 0, "x", note="\x00")
        with pytest.raises(FieldError, match="base_version"):
            store.mark_reviewed("r", 2**63, "x")
        with pytest.raises(FieldError, match="reviewer"):
            store.mark_reviewed("r", 1, "\ud800")
        with pytest.raises(DocumentNotFound):
            store.version("r", 2**40)
        with pytest.raises(DocumentNotFound):
            store.document("r\x00")
        assert store.document("r").version == 0
    finally:
        store.close()


def test_the_door_functions():
    check_json_value({"a": [1, 2**90, "\x00", {"b": None}]}, "meta")
    for value, field in (({"a": [float("nan")]}, "meta.a[0]"), ({"a b": {"c": "\udc80"}}, 'meta["a b"].c')):
        with pytest.raises(FieldError) as info:
            check_json_value(value, "meta")
        assert info.value.field == field
    assert check_version(2**31 - 1, "v", 1) == 2**31 - 1
    assert check_version(2.0, "v", 1) == 2 and type(check_version(2.0, "v", 1)) is int  # 2.0 is the integer 2
    for value in (2**31, -1, True, 1.5, float("nan"), "1", None):
        with pytest.raises(FieldError):
            check_version(value, "v", 0)


def test_zhie_store_add_follows_the_same_rules(tmp_path):
    lines = ['{"id": "a", "text": "x", "meta": {"s": NaN}}', '{"id": "b", "text": "x", "meta": {"s": "\\ud800"}}',
             '{"id": "c", "text": "a\\u0000b"}', '{"id": true, "text": "x"}', '{"id": "ok", "text": "好"}',
             '{"id": %s, "text": "x"}' % ("9" * 5000), '{"id": "d", "text": "x"}']
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = str(tmp_path / "s.sqlite")
    run = subprocess.run([sys.executable, "-m", "zhie", "store", "add", str(src), "--no-predict", "--store", store],
                         capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert run.returncode == 1, run.stderr
    err = run.stderr
    for needle in ("line 1: field 'meta.s' is NaN", "line 2: field 'meta.s' contains a lone surrogate",
                   "line 3: field 'text' contains a NUL", "line 4: field 'id' must be a string or an integer",
                   "line 6: line is not valid JSON: a number has more than", "2 documents added"):
        assert needle in err, err
    assert "sys." not in err
    for fmt, name in (("doccano", "d.jsonl"), ("labelstudio", "l.json")):
        out = tmp_path / name
        run = subprocess.run([sys.executable, "-m", "zhie", "store", "export", "--format", fmt, "-o", str(out),
                              "--store", store], capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
        assert run.returncode == 0, run.stderr
        text = out.read_text(encoding="utf-8")
        assert "NaN" not in text and "ok" in text and '"d"' in text


# ---------------------------------------------------------------- order of arrival

def test_concurrent_adds_get_unique_increasing_orders_of_arrival(store_url):  # noqa: F811
    threads_n, per_thread = 8, 25
    stores = [Store(store_url) for _ in range(threads_n)]
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def add_many(k: int) -> None:
        try:
            barrier.wait(30)
            for i in range(per_thread):
                stores[k].add_document(Document("晋中开发区", f"t{k}-{i:02d}"))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    workers = [threading.Thread(target=add_many, args=(k,)) for k in range(threads_n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    try:
        assert not errors, errors
        with Session(stores[0].engine) as s:
            rows = s.execute(select(DocumentRow.id, DocumentRow.seq)).all()
        seqs = [seq for _, seq in rows]
        assert len(rows) == threads_n * per_thread and len(set(seqs)) == len(seqs)
        by_id = dict(rows)
        for k in range(threads_n):  # each thread's documents arrived in its own order
            mine = [by_id[f"t{k}-{i:02d}"] for i in range(per_thread)]
            assert mine == sorted(mine)
        assert [d.id for d, _ in stores[0].documents()] == [i for i, _ in sorted(rows, key=lambda r: r[1])]
    finally:
        for st in stores:
            st.close()


# ---------------------------------------------------------------- create_app(settings, loader=…)

class ShoutingTagger(LexiconTagger):
    """Finds '周晓东' as an OFFICIAL with a fixed score (a test double that is never registered)."""

    def tag(self, texts: Sequence[str]) -> list[list[TaggedSpan]]:
        return [[TaggedSpan("OFFICIAL", t.index("周晓东"), t.index("周晓东") + 3, 0.42)] if "周晓东" in t else []
                for t in texts]


def test_create_app_takes_a_model_loader(tmp_path):
    seen: list[Path] = []

    def loader(path: Path) -> Pipeline:
        seen.append(Path(path))
        return Pipeline(ShoutingTagger({}, {}, read_meta(TINY_MODEL)))

    app = create_app(Settings(model=TINY_MODEL, store_url=str(tmp_path / "s.sqlite"), api_token=TOKEN), loader=loader)
    with TestClient(app) as c:
        assert app.state.runtime.loaded.wait(30)
        out = c.post("/v1/extract", json={"text": TEXT}, headers=AUTH).json()
        assert [(e["label"], e["text"], e["score"]) for e in out["entities"]] == [("OFFICIAL", "周晓东", 0.42)]
        added = post_documents(c, json.dumps({"documents": [{"id": "a", "text": TEXT}]}).encode()).json()
        assert added["results"][0]["uncertainty"] == 0.58
    assert seen == [TINY_MODEL]


def test_a_store_filled_before_the_door_still_answers(tmp_path):
    """A SQLite store written before NaN was refused: the document is read with null in its place, not a 500."""
    url = str(tmp_path / "old.sqlite")
    store = Store(url)
    store.add_document(Document("x", "old", {"s": 1.0}))
    with Session(store.engine) as s, s.begin():  # what the old door let through
        s.get(DocumentRow, "old").meta = {"s": float("nan"), "t": [float("inf"), 2]}
    store.close()
    with client_for(url) as c:
        r = c.get("/v1/documents/old")
        assert r.status_code == 200 and r.json()["meta"] == {"s": None, "t": [None, 2]}


def test_the_schema_pattern_of_names_refuses_exactly_the_blank_names_the_door_refuses():
    """A name made of characters str.strip() removes is refused by the door (check_name); the
    OpenAPI pattern must refuse it too, or a schema-valid request gets a 422 (schemathesis ST202
    found U+001C, which ECMA's \\s does not match)."""
    import re

    from service.models import NAME
    from zhie.store.validate import FieldError, check_name

    pattern = re.compile(NAME)
    for c in range(0x110000):
        ch = chr(c)
        if 0xD800 <= c <= 0xDFFF or c == 0:
            continue
        blank = not (ch * 2).strip()
        try:
            check_name(ch * 2, "added_by")
            door_ok = True
        except FieldError:
            door_ok = False
        assert (pattern.match(ch * 2) is not None) == door_ok == (not blank), hex(c)
