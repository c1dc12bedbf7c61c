"""Switching a running service to a new model version (service/admin.py,
ModelRuntime.reload): requests fired continuously at a real uvicorn server during a
reload all succeed, a request in flight finishes on the old model, the version changes;
a broken model is refused and the old one keeps serving; SIGHUP reloads a `zhie serve`
process from its configured folder.

The slow and failing models are test doubles registered as taggers here.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

import httpx
import pytest

import live_server
from conftest import REPO_ROOT, TINY_MODEL
from service import Settings
from zhie.registry import taggers
from zhie.tagger import LexiconTagger
from zhie.tagger.base import TaggedSpan

TINY_META = json.loads((TINY_MODEL / "meta.json").read_text(encoding="utf-8"))
TOKEN = "reload-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXT = "2023年5月18日，晋中开发区与山西华晟新材料有限公司签约，总投资约15亿元。"
HOLD_TEXT = "HOLD " + TEXT


class Gates:
    def __init__(self) -> None:
        self.held = threading.Event()      # a HOLD request is inside the old model
        self.release = threading.Event()   # lets it finish
        self.load_entered = threading.Event()  # the gated model started loading
        self.load_open = threading.Event()  # lets the gated model finish loading


GATES = Gates()


@taggers.register("test-reload-holding")
class HoldingTagger(LexiconTagger):
    """A little slow on every window; a window containing HOLD waits until the test releases it."""

    def tag(self, texts: Sequence[str]) -> list[list[TaggedSpan]]:
        if any("HOLD" in t for t in texts):
            GATES.held.set()
            assert GATES.release.wait(30), "the held request was never released"
        time.sleep(0.005)
        return super().tag(texts)


@taggers.register("test-reload-slow-load")
class SlowLoadTagger(LexiconTagger):
    """Takes a while to load (the old model must keep serving meanwhile)."""

    @classmethod
    def load(cls, path: Path, meta: dict[str, Any]) -> "SlowLoadTagger":
        time.sleep(float(meta.get("load_seconds", 0.5)))
        return cls(meta.get("entries", {}), meta.get("patterns", {}), meta)


@taggers.register("test-reload-gated-load")
class GatedLoadTagger(LexiconTagger):
    @classmethod
    def load(cls, path: Path, meta: dict[str, Any]) -> "GatedLoadTagger":
        GATES.load_entered.set()
        assert GATES.load_open.wait(30), "the load gate never opened"
        return cls(meta.get("entries", {}), meta.get("patterns", {}), meta)


@taggers.register("test-reload-broken")
class BrokenTagger(LexiconTagger):
    def tag(self, texts: Sequence[str]) -> list[list[TaggedSpan]]:
        raise RuntimeError("this model cannot tag anything")


@pytest.fixture(autouse=True)
def fresh_gates() -> Iterator[None]:
    global GATES
    GATES = Gates()
    yield
    GATES.release.set()
    GATES.load_open.set()


def model_folder(root: Path, name: str, **changes: Any) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps({**TINY_META, **changes}, ensure_ascii=False), encoding="utf-8")
    return folder


def thread_server(settings: Settings):
    """A real uvicorn server in a thread (tests/live_server.py), opening this file's gates on exit."""
    def open_gates() -> None:
        GATES.release.set()
        GATES.load_open.set()
    return live_server.thread_server(settings, open_gates)


@dataclass
class Outcome:
    client: int
    started: float
    finished: float
    status: int
    version: str | None


class Traffic:
    """Clients posting /v1/extract in a loop until stopped (bounded by count and time)."""

    def __init__(self, base: str, clients: int = 3, max_requests: int = 3000, max_seconds: float = 60) -> None:
        self.base, self.clients, self.max_requests, self.max_seconds = base, clients, max_requests, max_seconds
        self.stop = threading.Event()
        self.outcomes: list[Outcome] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(k,), daemon=True) for k in range(clients)]

    def _run(self, k: int) -> None:
        deadline = time.monotonic() + self.max_seconds
        with httpx.Client(base_url=self.base, timeout=30) as c:
            while not self.stop.is_set() and time.monotonic() < deadline and len(self.outcomes) < self.max_requests:
                t0 = time.monotonic()
                try:
                    r = c.post("/v1/extract", json={"text": TEXT}, headers=AUTH)
                    status, version = r.status_code, (r.json().get("model") or {}).get("version")
                except httpx.HTTPError as exc:
                    status, version = -1, type(exc).__name__
                with self.lock:
                    self.outcomes.append(Outcome(k, t0, time.monotonic(), status, version))

    def __enter__(self) -> "Traffic":
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(30)

    def count(self) -> int:
        with self.lock:
            return len(self.outcomes)

    def wait_for(self, n: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.count() < n:
            assert time.monotonic() < deadline, f"only {self.count()} requests in {timeout}s"
            time.sleep(0.01)


def test_requests_keep_succeeding_during_a_reload(tmp_path):
    old = model_folder(tmp_path, "v1", tagger="test-reload-holding", version="v1")
    new = model_folder(tmp_path, "v2", tagger="test-reload-slow-load", version="v2", load_seconds=0.6)
    settings = Settings(model=old, api_token=TOKEN, inference_threads=2)
    with thread_server(settings) as base, httpx.Client(base_url=base, timeout=60) as admin:
        held: dict[str, Any] = {}

        def held_request() -> None:  # in flight across the swap
            with httpx.Client(base_url=base, timeout=60) as c:
                held["response"] = c.post("/v1/extract", json={"text": HOLD_TEXT}, headers=AUTH)

        with Traffic(base) as traffic:
            traffic.wait_for(20)
            holder = threading.Thread(target=held_request)
            holder.start()
            assert GATES.held.wait(30), "the held request never reached the model"
            before_reload = traffic.count()
            t_reload = time.monotonic()
            r = admin.post("/v1/admin/reload", json={"model": str(new)}, headers=AUTH)
            t_swapped = time.monotonic()
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["previous"]["version"] == "v1" and body["model"]["version"] == "v2"
            assert body["seconds"] >= 0.5  # the slow load happened while the traffic went on
            during = traffic.count() - before_reload
            traffic.wait_for(traffic.count() + 20)
            GATES.release.set()
            holder.join(30)
        outcomes = traffic.outcomes
        assert admin.get("/v1/model").json()["version"] == "v2"

    assert during >= 5, f"only {during} requests were served while the new model loaded"
    assert [o for o in outcomes if o.status != 200] == []
    versions = {o.version for o in outcomes}
    assert versions == {"v1", "v2"}
    for k in range(3):  # each client sees the old model, then the new one, never back
        seq = [o.version for o in sorted(outcomes, key=lambda o: o.started) if o.client == k]
        assert seq == sorted(seq), seq
    assert all(o.version == "v2" for o in outcomes if o.started > t_swapped)
    assert any(o.version == "v1" and o.finished > t_reload for o in outcomes)  # served by v1 while v2 loaded
    response = held["response"]
    assert response.status_code == 200 and response.json()["model"]["version"] == "v1"  # finished on the old model


def test_a_broken_model_is_refused_and_the_old_one_keeps_serving(tmp_path):
    old = model_folder(tmp_path, "good", version="good")
    broken = model_folder(tmp_path, "broken", tagger="test-reload-broken", version="broken")
    with thread_server(Settings(model=old, api_token=TOKEN)) as base, httpx.Client(base_url=base, timeout=30) as c:
        r = c.post("/v1/admin/reload", json={"model": str(broken)}, headers=AUTH)
        assert r.status_code == 422 and r.json()["error"]["type"] == "invalid_model"
        assert "cannot tag anything" in r.json()["error"]["message"]
        r = c.post("/v1/admin/reload", json={"model": str(tmp_path / "nowhere")}, headers=AUTH)
        assert r.status_code == 422 and "meta.json" in r.json()["error"]["message"]
        assert c.post("/v1/admin/reload", json={"model": 5}, headers=AUTH).status_code == 422
        assert c.post("/v1/admin/reload", content=b"[1]", headers={**AUTH, "content-type": "application/json"}
                      ).status_code == 422
        assert c.get("/v1/model").json()["version"] == "good"
        assert c.post("/v1/extract", json={"text": TEXT}, headers=AUTH).json()["model"]["version"] == "good"
        assert c.post("/v1/admin/reload", json={"model": str(old)}).status_code == 401
        # no body: the configured folder again (e.g. retrained in place)
        (old / "meta.json").write_text(json.dumps({**TINY_META, "version": "good-2"}), encoding="utf-8")
        r = c.post("/v1/admin/reload", headers=AUTH)
        assert r.status_code == 200 and r.json()["model"]["version"] == "good-2"


def test_one_reload_at_a_time_and_only_with_a_token(tmp_path):
    old = model_folder(tmp_path, "old", version="old")
    gated = model_folder(tmp_path, "gated", tagger="test-reload-gated-load", version="gated")
    with thread_server(Settings(model=old, api_token=TOKEN)) as base:
        first: dict[str, Any] = {}

        def slow_reload() -> None:
            with httpx.Client(base_url=base, timeout=60) as c:
                first["response"] = c.post("/v1/admin/reload", json={"model": str(gated)}, headers=AUTH)

        thread = threading.Thread(target=slow_reload)
        thread.start()
        with httpx.Client(base_url=base, timeout=30) as c:
            assert GATES.load_entered.wait(30), "the first reload never started loading"
            r = c.post("/v1/admin/reload", json={"model": str(old)}, headers=AUTH)
            assert r.status_code == 409 and r.json()["error"]["type"] == "reload_in_progress"
            assert c.post("/v1/extract", json={"text": TEXT}, headers=AUTH).json()["model"]["version"] == "old"
            GATES.load_open.set()
            thread.join(30)
            assert first["response"].status_code == 200
            assert c.get("/v1/model").json()["version"] == "gated"
    with thread_server(Settings(model=old)) as base, httpx.Client(base_url=base, timeout=30) as c:
        r = c.post("/v1/admin/reload", json={"model": str(old)})
        assert r.status_code == 403 and "api_token" in r.json()["error"]["message"]


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")
def test_sighup_reloads_the_configured_model(tmp_path):
    model = model_folder(tmp_path, "served", version="before")
    port = live_server.free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    for name in ("ZHIE_CONFIG", "ZHIE_API_TOKEN", "ZHIE_STORE_URL"):
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, "-m", "zhie.cli", "serve", "--port", str(port), "--model", str(model)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as c:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None and time.monotonic() < deadline, "service did not become ready"
                try:
                    if c.get("/ready").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
            assert c.get("/v1/model").json()["version"] == "before"
            (model / "meta.json").write_text(json.dumps({**TINY_META, "version": "after"}), encoding="utf-8")
            proc.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 20
            while c.get("/v1/model").json()["version"] != "after":
                assert proc.poll() is None, "SIGHUP killed the server"
                assert time.monotonic() < deadline, "the model was not reloaded"
                assert c.post("/v1/extract", json={"text": TEXT}).status_code == 200
                time.sleep(0.05)
            assert c.post("/v1/extract", json={"text": TEXT}).json()["model"]["version"] == "after"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    log = err.decode("utf-8", "replace")
    assert "model reloaded" in log and proc.returncode == 0, log


def _children(pid: int) -> set[int]:
    kids: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids |= {int(c) for c in (task / "children").read_text().split()}
        except OSError:
            pass
    return kids


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc to find the worker processes")
def test_one_reload_call_switches_every_worker(tmp_path):
    """`zhie serve --workers 2`: one POST /v1/admin/reload reaches both workers; requests sent on new
    connections throughout (so both workers get some) are all answered."""
    old = model_folder(tmp_path, "v1", version="v1")
    new = model_folder(tmp_path, "v2", version="v2")
    port = live_server.free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), ZHIE_API_TOKEN=TOKEN)
    for name in ("ZHIE_CONFIG", "ZHIE_STORE_URL", "ZHIE_RELOAD_DIR"):
        env.pop(name, None)
    proc = subprocess.Popen([sys.executable, "-m", "zhie.cli", "serve", "--port", str(port), "--workers", "2",
                             "--model", str(old)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    outcomes: list[tuple[float, int, str | None]] = []
    stop = threading.Event()
    lines: list[str] = []     # the server's log, read as it is written
    reader = threading.Thread(target=lambda: lines.extend(raw.decode("utf-8", "replace") for raw in proc.stderr))
    reader.start()

    def loaded_workers() -> set[str]:   # the pids that logged their model as loaded (not reloaded)
        return {m.group(1) for line in list(lines) if (m := re.search(r"version v1 loaded from .* \(pid (\d+)", line))}

    def fresh_connections() -> None:  # a new connection per request: the kernel spreads them over the workers
        deadline = time.monotonic() + 90
        while not stop.is_set() and time.monotonic() < deadline:
            t0 = time.monotonic()
            try:
                r = httpx.post(f"{base}/v1/extract", json={"text": TEXT}, headers=AUTH, timeout=30)
                outcomes.append((t0, r.status_code, r.json().get("model", {}).get("version")))
            except httpx.HTTPError as exc:
                outcomes.append((t0, -1, type(exc).__name__))

    try:
        deadline = time.monotonic() + 90
        # both workers loaded (a worker still loading answers 503 model_not_ready, by design), then ready
        while len(_children(proc.pid)) < 2 or len(loaded_workers()) < 2 or not _ready(base):
            assert proc.poll() is None and time.monotonic() < deadline, "the workers did not become ready"
            time.sleep(0.2)
        clients = [threading.Thread(target=fresh_connections) for _ in range(2)]
        for t in clients:
            t.start()
        _wait_until(lambda: len(outcomes) >= 5)
        t_reload = time.monotonic()
        r = httpx.post(f"{base}/v1/admin/reload", json={"model": str(new)}, headers=AUTH, timeout=150)
        t_answered = time.monotonic()
        _wait_until(lambda: sum(o[0] > t_answered for o in outcomes) >= 5)
        stop.set()
        for t in clients:
            t.join(30)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["model"]["version"] == "v2"
        propagation = body["workers"]
        assert propagation["expected"] == 2 and propagation["switched"] == 2, propagation
        workers = {s["pid"] for s in propagation["states"]}
        assert len(workers) == 2 and workers <= _children(proc.pid)  # both worker processes, by pid
        assert all(s["version"] == "v2" and s["error"] is None for s in propagation["states"])
        after = [httpx.post(f"{base}/v1/extract", json={"text": TEXT}, headers=AUTH, timeout=30) for _ in range(30)]
        assert workers <= _children(proc.pid)  # the same processes switched, none was restarted
    finally:
        stop.set()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        reader.join(30)
    log = "".join(lines)
    assert [o for o in outcomes if o[1] != 200] == [], log[-3000:]
    assert sum(o[0] < t_reload for o in outcomes) >= 5 and sum(o[0] > t_answered for o in outcomes) >= 5
    assert all(o[2] == "v2" for o in outcomes if o[0] > t_answered)
    assert all(a.status_code == 200 and a.json()["model"]["version"] == "v2" for a in after)
    assert log.count("model reloaded") == 2, log[-3000:]  # once in each worker


def _wait_until(condition, timeout: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the traffic did not get through in time"
        time.sleep(0.05)


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/ready", timeout=5).status_code == 200
    except httpx.TransportError:
        return False
