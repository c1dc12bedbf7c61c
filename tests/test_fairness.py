"""Fair use of the model (service/scheduler.py, ModelRuntime.run) on a real uvicorn server:
a one-sentence request sent while a maximal batch (the largest the test limits allow) is
running is answered within a fraction of the batch's time; a client that hangs up has its
remaining work dropped; a request over its time budget answers 503 with Retry-After and
the usual error body, and its work stops too.

The model is a test double that sleeps a fixed time per window (so the tests cost little
CPU on a shared machine) and counts the windows it tagged; limits are small.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any, Sequence

import httpx
import pytest

import live_server
from conftest import TINY_MODEL
from service import Settings, SettingsError, load_settings
from service.scheduler import FairScheduler, WorkCancelled
from zhie.registry import taggers
from zhie.tagger import LexiconTagger
from zhie.tagger.base import TaggedSpan

TINY_META = json.loads((TINY_MODEL / "meta.json").read_text(encoding="utf-8"))
SECONDS_PER_WINDOW = 0.01
MAX_DOC_CHARS, MAX_BATCH_DOCS = 2000, 8
SENTENCE = "近日，市商务局局长周晓东到太原武宿综合保税区调研。"
PARAGRAPHS = ["2023年5月18日，晋中开发区与山西华晟新材料有限公司签约，总投资约15亿元。",
              "市委书记李明远到长治高新技术产业开发区调研高端装备制造基地项目。",
              "今年以来，大同经开区新增市场主体312户，管委会副主任田磊介绍了有关情况。",
              "晋能控股集团董事长林北红一行到太原武宿综合保税区考察。"]


class WindowCounter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.windows = 0

    def add(self, n: int) -> None:
        with self.lock:
            self.windows += n

    def value(self) -> int:
        with self.lock:
            return self.windows


COUNTER = WindowCounter()


@taggers.register("test-fair-slow")
class SlowTagger(LexiconTagger):
    """Sleeps SECONDS_PER_WINDOW per window (no CPU used) and counts the windows tagged."""

    def tag(self, texts: Sequence[str]) -> list[list[TaggedSpan]]:
        time.sleep(SECONDS_PER_WINDOW * len(texts))
        COUNTER.add(len(texts))
        return super().tag(texts)


@pytest.fixture(autouse=True)
def fresh_counter() -> None:
    global COUNTER
    COUNTER = WindowCounter()


def slow_model(tmp_path: Path) -> Path:
    folder = tmp_path / "slow"
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps({**TINY_META, "tagger": "test-fair-slow", "version": "slow"},
                                                 ensure_ascii=False), encoding="utf-8")
    return folder


def long_text(k: int, chars: int = MAX_DOC_CHARS) -> str:
    """``chars`` characters of varied sentences (document ``k`` starts at another one)."""
    parts, n = [], k
    while sum(map(len, parts)) < chars:
        parts.append(PARAGRAPHS[n % len(PARAGRAPHS)])
        n += 1
    return "".join(parts)[:chars]


def maximal_batch() -> dict[str, Any]:
    return {"documents": [{"id": f"big-{k}", "text": long_text(k)} for k in range(MAX_BATCH_DOCS)]}


def settings(tmp_path: Path, **changes: Any) -> Settings:
    return Settings(model=slow_model(tmp_path), max_doc_chars=MAX_DOC_CHARS, max_batch_docs=MAX_BATCH_DOCS,
                    **changes)


def wait_for_windows(n: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while COUNTER.value() < n:
        assert time.monotonic() < deadline, f"only {COUNTER.value()} windows tagged in {timeout} s"
        time.sleep(0.01)


def test_a_small_request_is_not_stuck_behind_a_maximal_batch(tmp_path):
    with live_server.thread_server(settings(tmp_path)) as base:
        batch: dict[str, Any] = {}

        def send_batch() -> None:
            with httpx.Client(base_url=base, timeout=120) as c:
                t0 = time.monotonic()
                batch["response"] = c.post("/v1/extract/batch", json=maximal_batch())
                batch["seconds"], batch["finished"] = time.monotonic() - t0, time.monotonic()

        sender = threading.Thread(target=send_batch)
        sender.start()
        wait_for_windows(64)  # the batch holds the model
        with httpx.Client(base_url=base, timeout=120) as c:
            t0 = time.monotonic()
            small = c.post("/v1/extract", json={"id": "small", "text": SENTENCE})
            small_seconds, small_finished = time.monotonic() - t0, time.monotonic()
        sender.join(120)

    assert small.status_code == 200 and small.json()["id"] == "small"
    assert any(e["text"] == "周晓东" for e in small.json()["entities"])
    response = batch["response"]
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [f"big-{k}" for k in range(MAX_BATCH_DOCS)]
    assert all("error" not in r for r in results)
    # the batch tagged hundreds of windows (several seconds); the sentence waited for one turn at most
    assert batch["seconds"] > 3, batch
    assert small_seconds < 1.5, small_seconds
    assert small_finished < batch["finished"] - 1


def test_a_client_that_hangs_up_has_its_work_cancelled(tmp_path):
    served = settings(tmp_path)
    with live_server.thread_server(served) as base:
        runtime_stats = scheduler_stats_of(served)
        with httpx.Client(base_url=base, timeout=httpx.Timeout(120, read=1.0)) as c:
            with pytest.raises(httpx.ReadTimeout):
                c.post("/v1/extract/batch", json=maximal_batch())
        hung_up = time.monotonic()
        with httpx.Client(base_url=base, timeout=30) as c:
            t0 = time.monotonic()
            nxt = c.post("/v1/extract", json={"text": SENTENCE})
            next_delay = time.monotonic() - t0
            assert nxt.status_code == 200
            time.sleep(max(0.0, hung_up + 1.5 - time.monotonic()))  # a turn in progress may finish
            after_turn = COUNTER.value()
            time.sleep(1.5)
            later = COUNTER.value()
            stats = runtime_stats()
            assert c.post("/v1/extract", json={"text": SENTENCE}).status_code == 200  # still serving

    assert next_delay < 1.5, next_delay
    assert later == after_turn, "the abandoned batch kept using the model"
    full_batch_windows = 8 * 40  # at least 40 windows of 48 characters per 2,000-character document
    assert after_turn < full_batch_windows / 2, after_turn
    assert stats.cancelled == 1 and stats.turns_refused >= 1, stats


def test_a_request_over_its_time_budget_answers_503_and_stops(tmp_path):
    with live_server.thread_server(settings(tmp_path, request_timeout=1.0)) as base:
        with httpx.Client(base_url=base, timeout=30) as c:
            t0 = time.monotonic()
            r = c.post("/v1/extract/batch", json=maximal_batch(), headers={"X-Request-ID": "budget-1"})
            seconds = time.monotonic() - t0
            assert r.status_code == 503, r.text
            assert r.headers["retry-after"].isdigit() and int(r.headers["retry-after"]) > 0
            error = r.json()["error"]
            assert error["type"] == "timeout" and error["request_id"] == "budget-1"
            assert "1 s" in error["message"] and "request_timeout" in error["message"]
            time.sleep(0.8)  # the turn that was running when time ran out
            stopped_at = COUNTER.value()
            time.sleep(1.0)
            assert COUNTER.value() == stopped_at, "the timed-out batch kept using the model"
            small = c.post("/v1/extract", json={"text": SENTENCE})  # a small request fits in the budget
            assert small.status_code == 200
    assert 1.0 <= seconds < 2.5, seconds


def scheduler_stats_of(served: Settings):  # noqa: ANN201
    """The scheduler's ``stats`` of the app serving ``served`` in this process (live_server keeps the app)."""
    import gc

    from service.runtime import ModelRuntime
    runtimes = [o for o in gc.get_objects() if isinstance(o, ModelRuntime) and o.settings is served]
    assert len(runtimes) == 1, "the served app's runtime was not found"
    return runtimes[0].scheduler.stats


# ---------------------------------------------------------------- the scheduler and the setting alone

def test_turns_are_granted_in_the_order_asked_and_a_cancelled_ticket_leaves_the_queue():
    scheduler = FairScheduler(slots=1)
    first, second, third = scheduler.ticket(), scheduler.ticket(), scheduler.ticket()
    order: list[str] = []
    errors: list[BaseException] = []

    def take(name: str, ticket) -> None:  # noqa: ANN001
        try:
            with scheduler.turn(ticket):
                order.append(name)
        except WorkCancelled as exc:
            errors.append(exc)

    with scheduler.turn(first):  # the model is busy: the others queue
        waiting = [threading.Thread(target=take, args=("second", second)),
                   threading.Thread(target=take, args=("third", third))]
        waiting[0].start()
        while scheduler.stats().waiting < 1:
            time.sleep(0.001)
        waiting[1].start()
        while scheduler.stats().waiting < 2:
            time.sleep(0.001)
        second.cancel("client_gone")
        waiting[0].join(5)
        assert not waiting[0].is_alive() and len(errors) == 1 and errors[0].reason == "client_gone"
        assert order == []  # third still waits for the running turn
    waiting[1].join(5)
    assert order == ["third"]
    stats = scheduler.stats()
    assert (stats.turns, stats.cancelled, stats.waiting, stats.running) == (2, 1, 0, 0)
    with pytest.raises(WorkCancelled):  # a ticket past its deadline gets no turn
        with scheduler.turn(scheduler.ticket(budget_s=1e-9)):
            pass


def test_request_timeout_setting():
    assert load_settings(environ={}).request_timeout == 120.0
    assert load_settings(environ={"ZHIE_REQUEST_TIMEOUT": "2.5"}).request_timeout == 2.5
    for off in ("0", "off", ""):
        s = load_settings(environ={"ZHIE_REQUEST_TIMEOUT": off})
        assert s.request_timeout is None
        assert load_settings(environ=s.to_env()).request_timeout is None  # workers get "no budget" too
    for bad in ("-1", "soon", "nan"):
        with pytest.raises(SettingsError, match="request_timeout"):
            load_settings(environ={"ZHIE_REQUEST_TIMEOUT": bad})
