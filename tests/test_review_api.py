"""The review endpoints of the service (service/review.py), in-process with the tiny model:
add → queue → read → correct → review → history, 409 on a stale version, the token,
and no 500 for any bad input (hand-picked cases and generated annotation payloads).
"""
from __future__ import annotations

import copy
import json
from contextlib import contextmanager
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from conftest import TINY_MODEL
from store_fixtures import RICH_TEXT, rich_annotation, store_url  # noqa: F401  (fixture)
from service import Settings, create_app

TOKEN = "review-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SIGNING = "2023年5月18日，晋中开发区与山西华晟新材料有限公司签约，总投资约15亿元。市委书记李明远到太原武宿综合保税区调研。"


@contextmanager
def client_for(store: str, **changes: Any) -> Iterator[TestClient]:
    app = create_app(Settings(model=TINY_MODEL, store_url=store, **changes))
    with TestClient(app) as client:
        assert app.state.runtime.loaded.wait(30)
        yield client


@pytest.fixture
def client(store_url) -> Iterator[TestClient]:  # noqa: F811
    with client_for(store_url, api_token=TOKEN) as c:
        yield c


def add_docs(client: TestClient, *docs: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/v1/documents", json={"documents": list(docs), "added_by": "editor"}, headers=AUTH)
    assert r.status_code == 200, r.text
    return r.json()


# ---------------------------------------------------------------- the loop

def test_add_review_correct_history(client):
    out = add_docs(client, {"id": "sign", "text": SIGNING, "meta": {"date": "2023-06-01"}},
                   {"id": "rich", "text": RICH_TEXT}, {"id": "nothing", "text": "今天天气很好。"})
    assert [r["id"] for r in out["results"]] == ["sign", "rich", "nothing"]
    assert all(r["version"] == 1 for r in out["results"]) and out["results"][2]["uncertainty"] == 1.0

    queue = client.get("/v1/review/queue", params={"limit": 10}).json()
    assert "lowest entity score" in queue["measure"]
    assert queue["documents"][0]["id"] == "nothing" and {d["id"] for d in queue["documents"]} == {"sign", "rich", "nothing"}

    doc = client.get("/v1/documents/rich").json()
    assert doc["text"] == RICH_TEXT and doc["version"] == 1 and not doc["reviewed"]
    assert doc["annotation_version"]["kind"] == "prediction" and doc["added_by"] == "editor"
    assert doc["history"][0]["author"] == "model:tiny-lexicon@test"
    assert all(RICH_TEXT[e["start"]:e["end"]] == e["text"] for e in doc["annotation"]["entities"])

    r = client.put("/v1/documents/rich/annotation", headers=AUTH,
                   json={"base_version": 1, "reviewer": "王芳", "annotation": rich_annotation(), "note": "full gold"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["version"] == 2 and body["reviewed"] is True
    assert body["changes"]["entities"]["added"] and "summary" in body["changes"]

    doc = client.get("/v1/documents/rich").json()
    assert doc["version"] == 2 and doc["reviewed"] and doc["annotation"] == rich_annotation()
    assert client.get("/v1/documents/rich", params={"version": 1}).json()["annotation_version"]["kind"] == "prediction"

    r = client.post("/v1/documents/sign/reviewed", headers=AUTH, json={"base_version": 1, "reviewer": "李强"})
    assert r.status_code == 200 and r.json()["reviewer"] == "李强"
    assert [d["id"] for d in client.get("/v1/review/queue").json()["documents"]] == ["nothing"]

    hist = client.get("/v1/documents/rich/history", params={"annotations": "true"}).json()
    assert [(v["version"], v["kind"], v["author"]) for v in hist["versions"]] == [
        (1, "prediction", "model:tiny-lexicon@test"), (2, "correction", "王芳")]
    assert hist["versions"][1]["note"] == "full gold" and hist["versions"][1]["annotation"] == rich_annotation()
    assert hist["reviews"] == [{"version": 2, "reviewer": "王芳", "at": hist["reviews"][0]["at"]}]
    assert [h["kind"] for h in hist["history"]] == ["prediction", "correction", "review"]


def test_two_reviewers_never_overwrite_each_other(client):
    add_docs(client, {"id": "sign", "text": SIGNING})
    base = client.get("/v1/documents/sign").json()
    first = copy.deepcopy(base["annotation"])
    first["entities"] = [e for e in first["entities"] if e["label"] != "AMOUNT"]
    for v in first["events"]:
        v["arguments"] = [a for a in v["arguments"] if a["role"] != "amount"]
    second = copy.deepcopy(base["annotation"])
    second["relations"] = []

    r1 = client.put("/v1/documents/sign/annotation", headers=AUTH,
                    json={"base_version": base["version"], "reviewer": "甲", "annotation": first})
    r2 = client.put("/v1/documents/sign/annotation", headers=AUTH,
                    json={"base_version": base["version"], "reviewer": "乙", "annotation": second})
    assert r1.status_code == 200 and r2.status_code == 409
    err = r2.json()["error"]
    assert err["type"] == "version_conflict" and err["field"] == "base_version" and "version 2" in err["message"]
    now = client.get("/v1/documents/sign").json()
    assert now["version"] == 2 and now["annotation"]["relations"] == [
        {k: v for k, v in r.items() if k != "score"} for r in base["annotation"]["relations"]]
    assert not any(e["label"] == "AMOUNT" for e in now["annotation"]["entities"])
    # the second reviewer reloads and reapplies on version 2
    r3 = client.put("/v1/documents/sign/annotation", headers=AUTH,
                    json={"base_version": 2, "reviewer": "乙", "annotation": {**now["annotation"], "relations": []}})
    assert r3.status_code == 200 and r3.json()["version"] == 3
    assert r3.json()["changes"]["relations"]["removed"] == ["HOLDS_TITLE '李明远' -> '市委书记'"]


def test_invalid_corrections_name_the_item(client):
    add_docs(client, {"id": "rich", "text": RICH_TEXT})
    ann = rich_annotation()
    ann["events"][2]["arguments"][1]["role"] = "witness"
    r = client.put("/v1/documents/rich/annotation", headers=AUTH,
                   json={"base_version": 1, "reviewer": "王芳", "annotation": ann})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["type"] == "invalid_annotation" and err["field"] == "annotation.events[2] (id 'v3').arguments[1]"
    assert "role 'witness' is not a role of VISIT_INSPECT" in err["message"]
    assert client.get("/v1/documents/rich").json()["version"] == 1  # nothing saved


def test_tokens(tmp_path):
    store = str(tmp_path / "s.sqlite")
    with client_for(store, api_token=TOKEN) as c:
        assert c.post("/v1/documents", json={"documents": [{"id": "a", "text": SIGNING}]}).status_code == 401
        assert c.post("/v1/documents", json={"documents": [{"id": "a", "text": SIGNING}]},
                      headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert add_docs(c, {"id": "a", "text": SIGNING})["results"][0]["version"] == 1
        assert c.put("/v1/documents/a/annotation", json={"base_version": 1, "reviewer": "x",
                                                         "annotation": {}}).status_code == 401
        assert c.post("/v1/documents/a/reviewed", json={"base_version": 1, "reviewer": "x"}).status_code == 401
        assert c.get("/v1/review/queue").status_code == 200  # reads are open by default
        assert c.get("/v1/documents/a").status_code == 200
    with client_for(store, api_token=TOKEN, read_token_required=True) as c:
        for path in ("/v1/review/queue", "/v1/documents/a", "/v1/documents/a/history"):
            assert c.get(path).status_code == 401
            assert c.get(path, headers=AUTH).status_code == 200


# ---------------------------------------------------------------- bad input: never a 500

BAD_REQUESTS = [
    ("post", "/v1/documents", b"", 422), ("post", "/v1/documents", b"[1]", 422),
    ("post", "/v1/documents", b'{"documents": 5}', 422), ("post", "/v1/documents", b"\xff\xfe", 400),
    ("post", "/v1/documents", b'{"documents": [], "added_by": 7}', 422),
    ("put", "/v1/documents/a/annotation", b"{}", 422),
    ("put", "/v1/documents/a/annotation", b'{"base_version": "1", "reviewer": "x", "annotation": {}}', 422),
    ("put", "/v1/documents/a/annotation", b'{"base_version": true, "reviewer": "x", "annotation": {}}', 422),
    ("put", "/v1/documents/a/annotation", b'{"base_version": 1, "reviewer": "", "annotation": {}}', 422),
    ("put", "/v1/documents/a/annotation", b'{"base_version": 1, "reviewer": "x"}', 422),
    ("put", "/v1/documents/a/annotation", b'{"base_version": 1, "reviewer": "x", "annotation": []}', 422),
    ("put", "/v1/documents/a/annotation", b'{"base_version": 1, "reviewer": "x", "annotation": {}, "reviewed": 1}', 422),
    ("put", "/v1/documents/a/annotation", b'{"base_version": 9, "reviewer": "x", "annotation": {}}', 409),
    ("put", "/v1/documents/missing/annotation", b'{"base_version": 1, "reviewer": "x", "annotation": {}}', 404),
    ("put", "/v1/documents/a/annotation", b'{"base_version": 1, "reviewer": "x", "annotation": {"entities": '
                                          b'[{"label": "ZONE", "start": 0, "end": 99999999999999999999}]}}', 422),
    ("post", "/v1/documents/a/reviewed", b'{"base_version": 0, "reviewer": "x"}', 422),
    ("post", "/v1/documents/a/reviewed", b'{"reviewer": "x"}', 422),
    ("post", "/v1/documents/a/reviewed", b'{"base_version": 1}', 422),
    ("post", "/v1/documents/missing/reviewed", b'{"base_version": 1, "reviewer": "x"}', 404),
    ("get", "/v1/documents/missing", None, 404), ("get", "/v1/documents/missing/history", None, 404),
    ("get", "/v1/documents/a?version=7", None, 404), ("get", "/v1/documents/a?version=abc", None, 422),
    ("get", "/v1/review/queue?limit=0", None, 422), ("get", "/v1/review/queue?limit=x", None, 422),
]


def test_bad_requests_get_clear_errors(client):
    add_docs(client, {"id": "a", "text": SIGNING})
    for method, path, body, status in BAD_REQUESTS:
        kwargs = {"headers": {**AUTH, "content-type": "application/json"}}
        if body is not None:
            kwargs["content"] = body
        r = client.request(method.upper(), path, **kwargs)
        assert r.status_code == status, (method, path, body, r.status_code, r.text)
        assert set(r.json()["error"]) >= {"type", "message"}


def test_a_bad_document_in_an_add_becomes_an_error_record(client):
    out = add_docs(client, {"id": "a", "text": SIGNING}, {"id": "a", "text": "again"}, {"id": "x/y", "text": "路径"},
                   {"text": 3}, {"id": "长" * 300, "text": "太长的编号"}, {"id": "ok", "text": "晋中开发区"},
                   {"text": "没有编号的文档"})
    results = out["results"]
    assert [r.get("error", {}).get("type") for r in results] == [None, "duplicate_id", "invalid_field", "invalid_field",
                                                                 "invalid_field", None, None]
    assert results[2]["error"]["field"] == "id" and results[3]["index"] == 3 and "256" in results[4]["error"]["message"]
    generated = results[6]["id"]
    assert generated.startswith("d-") and client.get(f"/v1/documents/{generated}").json()["text"] == "没有编号的文档"


def test_an_unreachable_store_is_a_503_not_a_500():
    with client_for("postgresql://nobody:secret@127.0.0.1:9/none", api_token=TOKEN) as c:
        r = c.get("/v1/review/queue")
        assert r.status_code == 503 and r.json()["error"]["type"] == "store_unavailable"
        assert "secret" not in r.text
        assert c.post("/v1/extract", json={"text": SIGNING}, headers=AUTH).status_code == 200  # extraction unaffected


json_values = st.recursive(st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=6),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                      max_size=3), max_leaves=8)
entity_like = st.fixed_dictionaries({"label": st.sampled_from(["ZONE", "OFFICIAL", "TITLE", "X", 3]),
                                     "start": st.integers(-2, 80) | json_values, "end": st.integers(-2, 80)},
                                    optional={"id": st.sampled_from(["e1", "e2", "", 4]), "text": st.text(max_size=4)})
relation_like = st.fixed_dictionaries({"type": st.sampled_from(["HOLDS_TITLE", "MEMBER_OF", "X"]),
                                       "head": st.sampled_from(["e1", "e2", "e9", 1]),
                                       "tail": st.sampled_from(["e1", "e2", None])})
event_like = st.fixed_dictionaries({"type": st.sampled_from(["MEETING", "VISIT_INSPECT", "Y"]),
                                    "trigger": json_values | st.fixed_dictionaries(
                                        {"start": st.integers(0, 60), "end": st.integers(0, 62)}),
                                    "arguments": st.lists(st.fixed_dictionaries(
                                        {"role": st.sampled_from(["chair", "visitor", "zz"])},
                                        optional={"entity": st.sampled_from(["e1", "e2", "nope"]),
                                                  "start": st.integers(0, 60), "end": st.integers(0, 62)}), max_size=3)})
annotations = st.fixed_dictionaries({}, optional={"entities": st.lists(entity_like, max_size=4) | json_values,
                                                  "relations": st.lists(relation_like, max_size=3),
                                                  "events": st.lists(event_like, max_size=2) | json_values}) | json_values


def test_generated_corrections_never_cause_a_500(tmp_path):
    with client_for(str(tmp_path / "s.sqlite"), api_token=TOKEN) as c:
        add_docs(c, {"id": "a", "text": SIGNING})

        @hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(annotation=annotations, base=st.integers(0, 3) | json_values)
        def check(annotation: Any, base: Any) -> None:
            current = c.get("/v1/documents/a").json()["version"]
            body = json.dumps({"base_version": base, "reviewer": "fuzz", "annotation": annotation, "reviewed": False})
            r = c.put("/v1/documents/a/annotation", content=body.encode(), headers={**AUTH,
                                                                                  "content-type": "application/json"})
            assert r.status_code in (200, 409, 422), r.text
            if r.status_code == 200:
                assert base == current and r.json()["version"] == current + 1
                saved = c.get("/v1/documents/a").json()["annotation"]
                assert all(SIGNING[e["start"]:e["end"]] == e["text"] for e in saved["entities"])
            elif r.status_code == 409:
                assert base != current

        check()
