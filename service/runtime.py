"""The model inside a running worker: loaded once in the background when the app starts,
then used for every request off the event loop.

Each request's pipeline runs in a worker thread; its tagger calls take turns on the model
through ``FairScheduler`` (``service/scheduler.py``): at most ``inference_threads`` tagger
calls at a time, granted one window batch at a time in the order they were asked for, so
a one-sentence request is not stuck behind a batch of long documents.  ``run`` also
cancels a request's remaining work when its client hangs up, and answers 503 (with
``Retry-After``) when the request used up its time budget (``request_timeout``).

``reload(path)`` switches a running worker to another model version without dropping
requests: the new pipeline is loaded and tried on a sentence first (the old one keeps
serving), then the reference is swapped in one assignment; a request holds the pipeline
it started with, so in-flight requests finish on the old model.  Under ``zhie serve
--workers N`` a successful reload is published to the other workers, which follow it
(``service/reload_sync.py``), and ``reload`` returns once they all serve it.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, TypeVar

import anyio
import anyio.to_thread
from starlette.requests import Request

from zhie.pipeline import Pipeline
from zhie.schema import Document

from .errors import ApiError
from .reload_sync import SharedReload, WorkerState
from .scheduler import CLIENT_GONE, TIMEOUT, FairScheduler, WorkCancelled, scheduled_pipeline
from .settings import Settings

log = logging.getLogger("zhie.service")
T = TypeVar("T")

LOADING, READY, FAILED = "loading", "ready", "failed"
TRIAL_TEXT = "2023年5月18日，晋中开发区与山西华晟新材料有限公司签约。"  # a new model must get through this
FOLLOW_POLL_S = 0.5        # how often a worker looks for a reload published by another worker
PROPAGATION_TIMEOUT_S = 120.0  # how long a reload waits for the other workers to switch
RETRY_AFTER_S = "10"       # Retry-After of a request that ran out of its time budget
SWITCH_INTERVAL_S = 0.001  # GIL hand-over interval (Python's default 5 ms makes a short request wait
                           # up to 5 ms at every hand-over while a long one runs Python code)


class ReloadInProgress(RuntimeError):
    """Another reload of this worker has not finished yet."""


class ModelRuntime:
    """Loads the pipeline once and runs it with bounded concurrency."""

    def __init__(self, settings: Settings, loader: Callable[[Path], Pipeline] | None = None) -> None:
        self.settings = settings
        self.loader: Callable[[Path], Pipeline] = loader if loader is not None else Pipeline.load
        self.status = LOADING
        self.error: str | None = None
        self.pipeline: Pipeline | None = None
        self.loaded = threading.Event()
        self.scheduler = FairScheduler(settings.inference_threads)
        self.model_path: Path = settings.model  # where the current model came from (reload may change it)
        self._reload_lock = threading.Lock()
        self.shared = SharedReload.from_settings(settings)  # set by `zhie serve --workers N` (N > 1)
        self.generation = 0           # the shared generation this worker serves
        self.last_propagation: dict[str, Any] | None = None  # the other workers' answer to the last reload
        self._stop = threading.Event()

    def start_loading(self) -> threading.Thread:
        """Load in a background thread so that the server answers probes while the model loads."""
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        thread = threading.Thread(target=self.load, name="zhie-model-loader", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop following other workers' reloads (the worker is shutting down)."""
        self._stop.set()

    def load(self) -> None:
        started = time.perf_counter()
        current = self.shared.current() if self.shared is not None else None
        if current is not None:  # a worker started after a reload serves the reloaded model
            self.model_path = Path(current.model)
        try:
            pipeline = self.loader(self.model_path)
            self._configure_torch()
        except Exception as exc:  # noqa: BLE001  (reported by /ready and /health)
            self.error = f"{type(exc).__name__}: {exc}"
            self.status = FAILED
            log.critical("could not load model %s: %s", self.model_path, self.error, exc_info=True)
        else:
            self.pipeline = pipeline
            self.status = READY
            threads = sys.modules["torch"].get_num_threads() if "torch" in sys.modules else None
            log.info("model %s version %s loaded from %s in %.1f s (pid %d, inference threads %d, torch threads %s)",
                     pipeline.model.name, pipeline.model.version, self.model_path,
                     time.perf_counter() - started, os.getpid(), self.settings.inference_threads, threads)
        finally:
            self.loaded.set()
        if self.shared is not None:
            self.generation = current.number if current is not None else 0
            self._acknowledge()
            threading.Thread(target=self._follow, name="zhie-reload-follower", daemon=True).start()

    def _acknowledge(self, error: str | None = None) -> None:
        assert self.shared is not None
        model = self.pipeline.model if self.pipeline is not None else None
        self.shared.acknowledge(WorkerState(os.getpid(), self.generation, model.name if model else None,
                                            model.version if model else None, error))

    def _follow(self) -> None:
        """Reload whenever another worker published a newer generation (runs until ``stop``)."""
        assert self.shared is not None
        while not self._stop.wait(FOLLOW_POLL_S):
            try:
                current = self.shared.current()
            except (OSError, ValueError, KeyError) as exc:
                log.warning("cannot read the shared reload state: %s", exc)
                continue
            if current is None or current.number <= self.generation:
                continue
            try:
                self._swap(Path(current.model), generation=current.number)
            except ReloadInProgress:
                continue  # this worker is reloading by itself; look again afterwards
            except Exception as exc:  # noqa: BLE001  (the current model stays)
                log.error("reload of %s (published by another worker) failed, the current model stays: %s",
                          current.model, exc, exc_info=True)
                self.generation = current.number
                self._acknowledge(f"{type(exc).__name__}: {exc}")

    def _configure_torch(self) -> None:
        if "torch" in sys.modules:  # only the neural tagger imports torch
            sys.modules["torch"].set_num_threads(self.settings.effective_torch_threads)

    def reload(self, path: str | Path | None = None) -> tuple[Pipeline | None, Pipeline]:
        """Load the model at ``path`` (default: the configured model folder), try it, then swap it in.

        Blocking (call it from a thread).  Returns (old, new) pipelines.  If loading or the
        trial fails, the exception propagates and the current model stays in service;
        ``ReloadInProgress`` when another reload is running.  With several workers the new
        model is then published to the others, and this returns once they all serve it (or
        after ``PROPAGATION_TIMEOUT_S``); ``last_propagation`` says which did.
        """
        target = Path(path) if path is not None else self.settings.model
        old, pipeline = self._swap(target, publish=self.shared is not None)
        if self.shared is not None:
            states = self.shared.wait_for(self.generation, PROPAGATION_TIMEOUT_S)
            self.last_propagation = {
                "generation": self.generation, "expected": self.settings.workers,
                "switched": sum(s.generation >= self.generation and s.error is None for s in states),
                "states": [{"pid": s.pid, "generation": s.generation, "version": s.version, "error": s.error}
                           for s in states]}
            log.info("reload generation %d: %d of %d workers switched", self.generation,
                     self.last_propagation["switched"], self.settings.workers)
        return old, pipeline

    def _swap(self, target: Path, publish: bool = False, generation: int | None = None) -> tuple[Pipeline | None, Pipeline]:
        """Load, try and swap in the model at ``target``; ``publish`` it to the other workers, or record
        that this worker now serves the shared ``generation``."""
        if not self._reload_lock.acquire(blocking=False):
            raise ReloadInProgress("a model reload is already in progress in this worker")
        try:
            started = time.perf_counter()
            pipeline = self.loader(target)
            self._configure_torch()
            pipeline(Document(TRIAL_TEXT))  # fails here, not on the first request
            old = self.pipeline
            self.pipeline = pipeline  # one reference assignment: requests see the old or the new model
            self.model_path = target
            self.error = None
            self.status = READY
            self.loaded.set()
            if self.shared is not None:
                self.generation = self.shared.publish(target.resolve()).number if publish else (generation or 0)
                self._acknowledge()
            log.info("model reloaded: %s %s -> %s %s from %s in %.1f s (pid %d)",
                     old.model.name if old else None, old.model.version if old else None,
                     pipeline.model.name, pipeline.model.version, target, time.perf_counter() - started, os.getpid())
            return old, pipeline
        finally:
            self._reload_lock.release()

    @property
    def meta(self) -> dict[str, Any]:
        return self.pipeline.meta if self.pipeline is not None else {}

    async def run(self, fn: Callable[[Pipeline], T], request: Request | None = None) -> T:
        """Run ``fn(pipeline)`` in a worker thread, its tagger calls taking turns with other requests'.

        With ``request``, the work is cancelled as soon as its client disconnects.  After
        ``request_timeout`` seconds the remaining work is dropped and an ``ApiError`` 503
        ``timeout`` (with ``Retry-After``) is raised.
        """
        assert self.pipeline is not None, "model not loaded"
        budget = self.settings.request_timeout
        ticket = self.scheduler.ticket(budget)
        pipeline = scheduled_pipeline(self.pipeline, self.scheduler, ticket)
        outcome: list[T] = []

        async def work(group: anyio.CancelScope) -> None:
            outcome.append(await anyio.to_thread.run_sync(fn, pipeline, abandon_on_cancel=True))
            group.cancel()  # stop watching the connection

        async def watch(group: anyio.CancelScope) -> None:
            assert request is not None
            while (await request.receive())["type"] != "http.disconnect":
                pass
            ticket.cancel(CLIENT_GONE)  # the thread stops at its next turn
            group.cancel()

        try:
            with anyio.move_on_after(budget) as timer:
                async with anyio.create_task_group() as group:
                    group.start_soon(work, group.cancel_scope)
                    if request is not None:
                        group.start_soon(watch, group.cancel_scope)
        except BaseExceptionGroup as errors:  # the work's own exception, not wrapped
            first = errors.exceptions[0]
            if not isinstance(first, WorkCancelled):
                raise first from None
            ticket.cancel(first.reason)
        if outcome:
            return outcome[0]
        if timer.cancelled_caught:
            ticket.cancel(TIMEOUT)
        if ticket.cancelled == CLIENT_GONE:
            log.info("client went away: request work cancelled after %d tagger turns (%d windows)",
                     ticket.turns, ticket.windows)
            raise ApiError(499, "client_closed_request", "the client closed the connection; the work was cancelled")
        log.warning("request ran out of its time budget of %s s after %d tagger turns (%d windows); work cancelled",
                    budget, ticket.turns, ticket.windows)
        raise ApiError(503, "timeout", f"the request needed more than its time budget of {budget:g} s "
                       "(request_timeout) and its work was stopped; retry later, or send fewer or shorter documents",
                       headers={"Retry-After": RETRY_AFTER_S})
