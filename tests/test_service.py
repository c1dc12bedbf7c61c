"""The REST service: real uvicorn servers on loopback ports (`zhie serve` as a subprocess,
and uvicorn in a thread for the slow-model tests) driven with httpx, plus in-process
TestClient tests of every error path, the limits, the token and the probes.

Slow or failing models are test doubles registered as taggers (gates and counters live
here, in the test, never in the service code).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import example, given, strategies as st

import live_server
import service.requests as door
from conftest import REPO_ROOT, TINY_MODEL
from samples import SIGNING, WEB_PAGE
from service import Settings, SettingsError, create_app, load_settings
from zhie.registry import taggers
from zhie.tagger import LexiconTagger
from zhie.tagger.base import TaggedSpan

TINY_META = json.loads((TINY_MODEL / "meta.json").read_text(encoding="utf-8"))
TOKEN = "s3cret-token"


# ---------------------------------------------------------------- test doubles

class Gates:
    """Events and counters the test doubles below share with the tests."""

    def __init__(self) -> None:
        self.load_open = threading.Event()
        self.tag_entered = threading.Event()
        self.tag_open = threading.Event()
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0


GATES = Gates()


@taggers.register("test-gated-load")
class GatedLoadTagger(LexiconTagger):
    """Loads only when the test opens the gate (to observe /ready before the model is there)."""

    @classmethod
    def load(cls, path: Path, meta: dict[str, Any]) -> "GatedLoadTagger":
        assert GATES.load_open.wait(30), "load gate never opened"
        return cls(meta.get("entries", {}), meta.get("patterns", {}), meta)


@taggers.register("test-gated-tag")
class GatedTagTagger(LexiconTagger):
    """Tags only when the test opens the gate, counting how many calls run at the same time."""

    def tag(self, texts: Sequence[str]) -> list[list[TaggedSpan]]:
        with GATES.lock:
            GATES.active += 1
            GATES.max_active = max(GATES.max_active, GATES.active)
        GATES.tag_entered.set()
        try:
            assert GATES.tag_open.wait(30), "tag gate never opened"
            return super().tag(texts)
        finally:
            with GATES.lock:
                GATES.active -= 1


@taggers.register("test-failing")
class FailingTagger(LexiconTagger):
    """Fails on any window containing 'BOOM'."""

    def tag(self, texts: Sequence[str]) -> list[list[TaggedSpan]]:
        if any("BOOM" in t for t in texts):
            raise RuntimeError("the test tagger exploded")
        return super().tag(texts)


@pytest.fixture(autouse=True)
def fresh_gates():
    global GATES
    GATES = Gates()
    yield
    GATES.load_open.set()  # never leave a loader or a request thread blocked
    GATES.tag_open.set()


def model_folder(root: Path, name: str, **changes: Any) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps({**TINY_META, **changes}, ensure_ascii=False), encoding="utf-8")
    return folder


# ---------------------------------------------------------------- helpers

def tiny(**changes: Any) -> Settings:
    return Settings(model=TINY_MODEL, **changes)


@contextmanager
def client_for(settings: Settings, wait: bool = True) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        if wait:
            assert app.state.runtime.loaded.wait(30)
        yield client


def post_raw(client: TestClient, path: str, body: bytes, **headers: str) -> httpx.Response:
    return client.post(path, content=body, headers={"content-type": "application/json", **headers})


def js(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def thread_server(settings: Settings):
    """A real uvicorn server in a thread (tests/live_server.py), opening this file's gates on exit."""
    def open_gates() -> None:
        GATES.tag_open.set()
    return live_server.thread_server(settings, open_gates)


# ---------------------------------------------------------------- real server: CLI == service

def comparison_documents() -> list[dict[str, Any]]:
    docs = [
        {"id": "signing", "text": SIGNING, "meta": {"date": "2023-06-20"}},
        {"id": "web", "text": WEB_PAGE},
        {"id": "article", "text": (REPO_ROOT / "samples" / "article.txt").read_text(encoding="utf-8"),
         "meta": {"date": "2023-09-15"}},
        {"id": 42, "text": "长治高新技术产业开发区管委会副主任周晓东\n\n到大同经开区考察，6月底签约2.5亿元。"},
        {"id": "empty", "text": ""},
    ]
    with open(REPO_ROOT / "samples" / "articles.jsonl", encoding="utf-8") as f:
        docs += [json.loads(line) for line in f if line.strip()]
    return docs


def run_cli_extract(tmp_path: Path, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(js(d) for d in docs) + b"\n")
    out = tmp_path / "out.jsonl"
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    proc = subprocess.run([sys.executable, "-m", "zhie.cli", "extract", str(src), "-o", str(out), "--model",
                           str(TINY_MODEL)], capture_output=True, env=env, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_cli_and_real_service_give_the_same_results(tmp_path):
    docs = comparison_documents()
    bad = {"id": "no-text", "txt": "typo"}
    expected = run_cli_extract(tmp_path, docs + [bad])
    assert len(expected) == len(docs) + 1 and any(r["entities"] for r in expected[:len(docs)])

    port = live_server.free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    env.pop("ZHIE_CONFIG", None)
    env.pop("ZHIE_API_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "zhie.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--model", str(TINY_MODEL)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "service did not become ready"
                try:
                    if client.get("/ready").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            singles = [client.post("/v1/extract", json=d) for d in docs]
            assert [r.status_code for r in singles] == [200] * len(docs)
            assert [r.json() for r in singles] == expected[:len(docs)]

            batch = client.post("/v1/extract/batch", json={"documents": docs + [bad]})
            assert batch.status_code == 200
            results = batch.json()["results"]
            assert results[:len(docs)] == expected[:len(docs)]
            # the failed document: same error as the CLI's, at its place, with its index instead of a line number
            assert results[-1] == {"id": "no-text", "index": len(docs), "error": expected[-1]["error"]}
            assert expected[-1]["error"]["field"] == "text"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    log = err.decode("utf-8", "replace")
    assert "model tiny-lexicon version test loaded" in log, log
    assert proc.returncode == 0, log


def test_serve_refuses_a_missing_model_folder(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    proc = subprocess.run([sys.executable, "-m", "zhie.cli", "serve", "--port", str(live_server.free_port()),
                           "--model", str(tmp_path / "nowhere")], capture_output=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert b"nowhere" in proc.stderr and b"meta.json" in proc.stderr


def test_serve_refuses_an_unknown_precision():
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), ZHIE_PRECISION="fp12")
    proc = subprocess.run([sys.executable, "-m", "zhie.cli", "serve", "--port", str(live_server.free_port())],
                          capture_output=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert b"ZHIE_PRECISION" in proc.stderr and b"fp12" in proc.stderr


# ---------------------------------------------------------------- real server: slow model

def test_health_answers_while_a_slow_request_runs(tmp_path):
    settings = Settings(model=model_folder(tmp_path, "gated", tagger="test-gated-tag"))
    with thread_server(settings) as base:
        outcome: dict[str, Any] = {}

        def slow_post() -> None:
            with httpx.Client(timeout=60) as c:
                outcome["response"] = c.post(f"{base}/v1/extract", json={"id": "slow", "text": SIGNING})

        worker = threading.Thread(target=slow_post)
        worker.start()
        assert GATES.tag_entered.wait(30), "the request never reached the model"
        with httpx.Client(base_url=base, timeout=5) as c:
            t0 = time.perf_counter()
            health = c.get("/health")
            ready = c.get("/ready")
            elapsed = time.perf_counter() - t0
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert ready.status_code == 200
        assert worker.is_alive() and "response" not in outcome  # the slow request is still inside the model
        assert elapsed < 5
        GATES.tag_open.set()
        worker.join(30)
        assert outcome["response"].status_code == 200
        assert outcome["response"].json()["id"] == "slow"


def test_model_calls_are_serialised_by_default(tmp_path):
    settings = Settings(model=model_folder(tmp_path, "gated", tagger="test-gated-tag"))
    with thread_server(settings) as base:
        responses: list[httpx.Response] = []

        def post(i: int) -> None:
            with httpx.Client(timeout=60) as c:
                responses.append(c.post(f"{base}/v1/extract", json={"id": str(i), "text": WEB_PAGE}))

        workers = [threading.Thread(target=post, args=(i,)) for i in range(3)]
        for w in workers:
            w.start()
        assert GATES.tag_entered.wait(30)
        time.sleep(0.5)  # give the other requests every chance to reach the model if nothing stopped them
        assert GATES.active == 1
        GATES.tag_open.set()
        for w in workers:
            w.join(30)
        assert sorted(r.json()["id"] for r in responses) == ["0", "1", "2"]
        assert GATES.max_active == 1


# ---------------------------------------------------------------- in-process: results, limits, errors

def test_extract_returns_the_pipeline_json(tiny_pipeline):
    from zhie.schema import Document
    with client_for(tiny()) as client:
        r = client.post("/v1/extract", json={"id": "d1", "text": SIGNING, "meta": {"date": "2023-06-20"}})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == tiny_pipeline(Document(SIGNING, "d1", {"date": "2023-06-20"})).to_dict()
    for e in r.json()["entities"]:
        assert SIGNING[e["start"]:e["end"]] == e["text"]


def test_empty_text_is_an_empty_result_not_an_error():
    with client_for(tiny()) as client:
        r = client.post("/v1/extract", json={"id": "e", "text": ""})
    assert r.status_code == 200
    assert r.json() == {"id": "e", "model": {"name": "tiny-lexicon", "version": "test"},
                        "entities": [], "relations": [], "events": []}


def test_document_size_limit_is_413_with_a_message():
    with client_for(tiny(max_doc_chars=100)) as client:
        at_limit = client.post("/v1/extract", json={"text": "晋" * 100})
        over = client.post("/v1/extract", json={"text": "晋" * 101})
    assert at_limit.status_code == 200
    assert over.status_code == 413
    err = over.json()["error"]
    assert err["type"] == "too_large" and err["field"] == "text"
    assert "101" in err["message"] and "100" in err["message"]


def test_body_size_limit_is_413_before_parsing():
    with client_for(tiny(max_body_bytes=1000)) as client:
        r = post_raw(client, "/v1/extract", js({"text": "晋" * 400}))  # 1,200+ bytes of UTF-8
        ok = post_raw(client, "/v1/extract", js({"text": "晋" * 300}))
    assert r.status_code == 413 and "1000 bytes" in r.json()["error"]["message"]
    assert ok.status_code == 200


@pytest.mark.parametrize("body, kind, field", [
    (js({"id": "x"}), "missing_field", "text"),
    (js({"text": 5}), "invalid_field", "text"),
    (js({"text": None}), "invalid_field", "text"),
    (js({"text": ["晋中"]}), "invalid_field", "text"),
    (js({"text": "晋中", "id": {"a": 1}}), "invalid_field", "id"),
    (js({"text": "晋中", "meta": [1]}), "invalid_field", "meta"),
    (js({"text": "晋中", "meta": {"date": "6月20日"}}), "invalid_field", "meta.date"),
    (b'{"text": "\\ud800abc"}', "invalid_field", "text"),  # a lone surrogate cannot be valid text
    (b'{"text": "unterminated', "invalid_json", None),
    (b"", "invalid_json", None),
    (b"[" * 100_000, "invalid_json", None),
    (b'{"text": "a", "id": 1' + b"0" * 5000 + b"}", "invalid_json", "id"),  # the field is named
    (b'{"text": "a", "meta": {"x": NaN}}', "invalid_json", "meta.x"),       # NaN is not JSON
    (b'{"text": "a", "id": true}', "invalid_field", "id"),                  # refused like 1.5
    (b'{"text": "a", "id": 1.5}', "invalid_field", "id"),
    (b'{"text": "a", "meta": false}', "invalid_field", "meta"),
    (js(["not", "an", "object"]), "invalid_document", None),
])
def test_bad_documents_are_422_naming_the_field(body, kind, field):
    with client_for(tiny()) as client:
        r = post_raw(client, "/v1/extract", body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["type"] == kind
    assert err.get("field") == field
    if field:
        assert f"'{field}'" in err["message"]
    assert err["request_id"] == r.headers["x-request-id"]


@pytest.mark.parametrize("path", ["/v1/extract", "/v1/extract/batch"])
def test_broken_utf8_is_400(path):
    body = b'{"text": "\xe6\x99\x8b\xff\xfe"}' if path == "/v1/extract" else b'{"documents": [{"text": "\xc3\x28"}]}'
    with client_for(tiny()) as client:
        r = post_raw(client, path, body)
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "invalid_utf8"


def test_a_large_batch_body_is_parsed_off_the_event_loop(monkeypatch):
    """While a batch of several hundred kilobytes is being parsed, other requests are answered; the parse
    waits for one to be answered, which cannot happen if it holds the event loop."""
    parsing, answered = threading.Event(), threading.Event()
    waited: list[bool] = []
    real = door.loads_strict

    def slow_loads(text: str) -> Any:
        if len(text.encode("utf-8")) > door.INLINE_PARSE_BYTES:
            parsing.set()
            waited.append(answered.wait(10))
        return real(text)

    monkeypatch.setattr(door, "loads_strict", slow_loads)
    doc = {"text": SIGNING[:40]}
    count = door.INLINE_PARSE_BYTES // len(js(doc)) + 50
    body = js({"documents": [doc] * count})
    assert len(body) > door.INLINE_PARSE_BYTES
    with client_for(tiny(max_body_bytes=4 * len(body), max_batch_docs=count)) as client:
        big: list[httpx.Response] = []
        poster = threading.Thread(target=lambda: big.append(post_raw(client, "/v1/extract/batch", body)))
        poster.start()
        assert parsing.wait(30)
        assert client.get("/health").status_code == 200
        answered.set()
        poster.join(30)
    assert waited == [True]
    assert big[0].status_code == 200 and len(big[0].json()["results"]) == count


@pytest.mark.parametrize("tail, status, kind", [(b"\xff]}", 400, "invalid_utf8"), (b"]", 422, "invalid_json")])
def test_a_large_bad_body_is_refused_as_a_small_one_is(tail, status, kind):
    doc = js({"text": SIGNING[:40]})
    items = b",".join([doc] * (door.INLINE_PARSE_BYTES // len(doc) + 10))
    body = b'{"documents": [' + items + tail
    with client_for(tiny(max_body_bytes=4 * len(body))) as client:
        r = post_raw(client, "/v1/extract/batch", body)
    assert r.status_code == status, r.text
    assert r.json()["error"]["type"] == kind


def test_batch_keeps_order_and_puts_errors_in_place():
    limit = max(len(SIGNING), len(WEB_PAGE))
    docs = [
        {"id": "a", "text": SIGNING, "meta": {"date": "2023-06-20"}},
        {"id": "b"},                                   # no text
        {"id": "c", "text": WEB_PAGE},
        "just a string",
        {"id": "d", "text": ""},
        {"id": "e", "text": "晋" * (limit + 1)},        # over the document limit: an error record, not a 413
        {"id": "f", "text": SIGNING[:60]},
    ]
    with client_for(tiny(max_doc_chars=limit)) as client:
        r = client.post("/v1/extract/batch", json={"documents": docs})
        singles = {d["id"]: client.post("/v1/extract", json=d).json() for d in docs
                   if isinstance(d, dict) and "text" in d and d["id"] != "e"}
    assert r.status_code == 200
    results = r.json()["results"]
    assert len(results) == len(docs)
    assert [x.get("id") for x in results] == ["a", "b", "c", None, "d", "e", "f"]
    errors = {i: x["error"]["type"] for i, x in enumerate(results) if "error" in x}
    assert errors == {1: "missing_field", 3: "invalid_document", 5: "too_large"}
    assert [results[i]["index"] for i in errors] == [1, 3, 5]
    for x in results:
        if "error" not in x:
            assert x == singles[x["id"]]


def test_batch_size_limit_and_shape():
    with client_for(tiny(max_batch_docs=3)) as client:
        ok = client.post("/v1/extract/batch", json={"documents": [{"text": SIGNING}] * 3})
        over = client.post("/v1/extract/batch", json={"documents": [{"text": "晋中"}] * 4})
        empty = client.post("/v1/extract/batch", json={"documents": []})
        missing = client.post("/v1/extract/batch", json={"docs": []})
        wrong = client.post("/v1/extract/batch", json={"documents": {"text": "晋中"}})
    assert ok.status_code == 200 and len(ok.json()["results"]) == 3
    assert over.status_code == 413
    assert over.json()["error"]["field"] == "documents" and "3" in over.json()["error"]["message"]
    assert empty.status_code == 200 and empty.json() == {"results": []}
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "documents"
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "documents"


def test_token_protects_posts_and_gets_stay_open():
    with client_for(tiny(api_token=TOKEN)) as client:
        doc = {"text": SIGNING}
        assert client.post("/v1/extract", json=doc).status_code == 401
        wrong = client.post("/v1/extract", json=doc, headers={"Authorization": "Bearer nope"})
        basic = client.post("/v1/extract", json=doc, headers={"Authorization": f"Basic {TOKEN}"})
        right = client.post("/v1/extract", json=doc, headers={"Authorization": f"Bearer {TOKEN}"})
        batch = client.post("/v1/extract/batch", json={"documents": [doc]})
        assert (wrong.status_code, basic.status_code, right.status_code, batch.status_code) == (401, 401, 200, 401)
        assert wrong.headers["www-authenticate"] == "Bearer"
        assert wrong.json()["error"]["type"] == "unauthorized"
        for path in ("/health", "/ready", "/v1/model", "/openapi.json", "/docs"):
            assert client.get(path).status_code == 200, path


def test_read_token_required_protects_gets_but_not_probes():
    with client_for(tiny(api_token=TOKEN, read_token_required=True)) as client:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        for path in ("/v1/model", "/openapi.json", "/docs"):
            assert client.get(path).status_code == 401, path
            assert client.get(path, headers=auth).status_code == 200, path
        assert client.get("/health").status_code == 200
        assert client.get("/ready").status_code == 200


def test_ready_is_503_until_the_model_is_loaded(tmp_path):
    settings = Settings(model=model_folder(tmp_path, "slow-load", tagger="test-gated-load"))
    with client_for(settings, wait=False) as client:
        r = client.get("/ready")
        assert r.status_code == 503 and r.json()["status"] == "loading" and r.headers["retry-after"]
        assert client.get("/health").json() == {"status": "ok", "model": "loading"}
        early = client.post("/v1/extract", json={"text": SIGNING})
        assert early.status_code == 503 and early.json()["error"]["type"] == "model_not_ready"
        assert client.get("/v1/model").status_code == 503
        GATES.load_open.set()
        assert client.app.state.runtime.loaded.wait(30)
        r = client.get("/ready")
        assert r.status_code == 200
        assert r.json() == {"status": "ready", "model": {"name": "tiny-lexicon", "version": "test"}}
        assert client.post("/v1/extract", json={"text": SIGNING}).status_code == 200


def test_a_model_that_cannot_load_fails_the_probes(tmp_path):
    settings = Settings(model=model_folder(tmp_path, "broken", tagger="no-such-tagger"))
    with client_for(settings) as client:
        ready, health = client.get("/ready"), client.get("/health")
        post = client.post("/v1/extract", json={"text": SIGNING})
    assert ready.status_code == 503 and ready.json()["status"] == "failed"
    assert "no-such-tagger" in ready.json()["error"]
    assert health.status_code == 503 and health.json()["status"] == "failed"
    assert post.status_code == 503 and "no-such-tagger" in post.json()["error"]["message"]


def test_model_endpoint_reports_meta(tmp_path):
    metrics = {"dev": {"micro_f1": 0.5, "per_label": {"ZONE": {"f1": 0.61}}}}
    settings = Settings(model=model_folder(tmp_path, "with-metrics", version="1.2.3", metrics=metrics),
                        max_doc_chars=5000, max_batch_docs=7)
    with client_for(settings) as client:
        info = client.get("/v1/model").json()
    assert info["name"] == TINY_META["name"] and info["version"] == "1.2.3"
    assert info["labels"] == TINY_META["labels"]
    assert info["metrics"] == metrics
    assert info["limits"]["max_doc_chars"] == 5000 and info["limits"]["max_batch_docs"] == 7


def test_model_failure_is_a_json_500_with_request_id_and_batch_keeps_going(tmp_path):
    settings = Settings(model=model_folder(tmp_path, "failing", tagger="test-failing"))
    with client_for(settings) as client:
        r = client.post("/v1/extract", json={"text": "晋中开发区BOOM"}, headers={"X-Request-ID": "req-123"})
        batch = client.post("/v1/extract/batch", json={"documents": [
            {"id": "ok", "text": SIGNING}, {"id": "bad", "text": "晋中开发区BOOM"}, {"id": "ok2", "text": WEB_PAGE}]})
    assert r.status_code == 500
    assert r.json()["error"]["type"] == "model_error"
    assert r.json()["error"]["request_id"] == "req-123" == r.headers["x-request-id"]
    assert "exploded" not in r.text  # internals stay in the log
    results = batch.json()["results"]
    assert [x["id"] for x in results] == ["ok", "bad", "ok2"]
    assert results[1]["error"]["type"] == "model_error" and results[1]["index"] == 1
    assert results[0]["entities"] and "error" not in results[2]


def test_unexpected_errors_become_a_logged_json_500(caplog):
    app = create_app(tiny())

    @app.get("/boom")
    async def boom() -> None:
        raise KeyError("unexpected")

    with TestClient(app) as client:
        r = client.get("/boom")
        missing = client.get("/no/such/path")
    assert r.status_code == 500
    err = r.json()["error"]
    assert err["type"] == "internal_error" and err["request_id"] == r.headers["x-request-id"]
    assert any(err["request_id"] in rec.getMessage() for rec in caplog.records)
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found"


def test_openapi_document_has_request_examples():
    with client_for(tiny()) as client:
        spec = client.get("/openapi.json").json()
        docs = client.get("/docs")
    body = spec["paths"]["/v1/extract"]["post"]["requestBody"]["content"]["application/json"]
    assert body["examples"] and all("text" in ex["value"] for ex in body["examples"].values())
    assert "text" in spec["components"]["schemas"]["ExtractRequest"]["required"]
    batch = spec["paths"]["/v1/extract/batch"]["post"]["requestBody"]["content"]["application/json"]
    assert spec["components"]["schemas"][batch["schema"]["$ref"].rsplit("/", 1)[1]]
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


# ---------------------------------------------------------------- settings

def test_settings_from_config_file_and_environment(tmp_path):
    (tmp_path / "models").mkdir()
    toml = tmp_path / "zhie.toml"
    toml.write_text('model = "models/m"\nmax_doc_chars = 5000\nmax_batch_docs = 8\nworkers = 2\n', encoding="utf-8")
    s = load_settings(environ={"ZHIE_CONFIG": str(toml), "ZHIE_MAX_BATCH_DOCS": "16", "ZHIE_API_TOKEN": "t"})
    assert s.model == tmp_path / "models" / "m"  # relative to the config file
    assert (s.max_doc_chars, s.max_batch_docs, s.workers, s.api_token) == (5000, 16, 2, "t")
    assert s.read_token_required is False

    cfg = tmp_path / "zhie.json"
    cfg.write_text(json.dumps({"model": "/abs/m", "read_token_required": True, "api_token": "x"}), encoding="utf-8")
    s = load_settings({"port": 9001, "config": str(cfg)}, environ={"ZHIE_PORT": "9000"})
    assert (s.model, s.port, s.read_token_required) == (Path("/abs/m"), 9001, True)
    assert s.public()["api_token"] == "***"
    assert load_settings(environ={}).model == REPO_ROOT / "models" / "zhie-ner-small"
    assert load_settings(environ={"ZHIE_MODEL": "/m"}).max_doc_chars == 100_000
    again = load_settings(environ=s.with_changes(model=Path("/m2")).to_env())
    assert again == s.with_changes(model=Path("/m2"))


@pytest.mark.parametrize("environ, needle", [
    ({"ZHIE_MAX_DOC_CHARS": "lots"}, "ZHIE_MAX_DOC_CHARS"),
    ({"ZHIE_MAX_BATCH_DOCS": "0"}, "max_batch_docs"),
    ({"ZHIE_READ_TOKEN_REQUIRED": "maybe"}, "ZHIE_READ_TOKEN_REQUIRED"),
    ({"ZHIE_READ_TOKEN_REQUIRED": "1"}, "api_token"),
    ({"ZHIE_PORT": "70000"}, "port"),
])
def test_bad_settings_name_the_variable(environ, needle):
    with pytest.raises(SettingsError, match=needle):
        load_settings(environ=environ)


def test_unknown_config_keys_are_refused(tmp_path):
    cfg = tmp_path / "zhie.toml"
    cfg.write_text('max_doc_char = 10\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="max_doc_char"):
        load_settings(environ={"ZHIE_CONFIG": str(cfg)})


# ---------------------------------------------------------------- never a 500 for bad input

JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=12)
DOCUMENTS = st.fixed_dictionaries({}, optional={"id": JSON_VALUES, "text": st.text(max_size=300) | JSON_VALUES,
                                                "meta": JSON_VALUES | st.fixed_dictionaries({"date": st.text(max_size=12)})})


@pytest.fixture(scope="module")
def shared_client():
    with client_for(tiny(max_doc_chars=250, max_batch_docs=4, max_body_bytes=20_000)) as client:
        yield client


@given(body=st.binary(max_size=300) | DOCUMENTS.map(js) | JSON_VALUES.map(js))
def test_random_bodies_never_give_a_server_error(shared_client, body):
    for path in ("/v1/extract", "/v1/extract/batch"):
        r = post_raw(shared_client, path, body)
        assert r.status_code in (200, 400, 413, 422), (path, body, r.text)
        assert ("error" in r.json()) == (r.status_code != 200)


def test_nan_and_infinity_are_not_json_and_fail_the_whole_body_naming_the_place(shared_client):
    for docs, field in (([{"id": float("inf")}, {"id": float("nan"), "text": "晋中开发区"}], "documents[0].id"),
                        ([{"text": "晋中开发区", "meta": {"w": [1, float("-inf")]}}], "documents[0].meta.w[1]")):
        r = post_raw(shared_client, "/v1/extract/batch", js({"documents": docs}))
        err = r.json()["error"]
        assert r.status_code == 422 and (err["type"], err["field"]) == ("invalid_json", field), r.text
        assert "not a JSON number" in err["message"]


@given(docs=st.lists(DOCUMENTS, max_size=5))
@example(docs=[{"id": 2**70}, {"id": True, "text": "晋中开发区"}])  # an id beyond 64 bits is kept; true is refused
def test_random_documents_never_give_a_server_error(shared_client, docs):
    batch = post_raw(shared_client, "/v1/extract/batch", js({"documents": docs}))
    assert batch.status_code == (413 if len(docs) > 4 else 200), batch.text
    for i, doc in enumerate(docs):
        r = post_raw(shared_client, "/v1/extract", js(doc))
        assert r.status_code in (200, 413, 422), (doc, r.text)
        if r.status_code == 200:
            for e in r.json()["entities"]:
                assert doc["text"][e["start"]:e["end"]] == e["text"]
        if batch.status_code == 200:
            record = batch.json()["results"][i]
            assert ("error" in record) == (r.status_code != 200)
            if r.status_code == 200:
                assert record == r.json()
