"""The model inside a running worker: loaded once in the background when the app starts,
then used for every request off the event loop.

Inference runs in worker threads behind a capacity limiter of ``inference_threads``
slots (default 1), so requests queue for the model instead of oversubscribing torch,
while the event loop keeps answering ``/health`` and ``/ready``.

``reload(path)`` switches a running worker to another model version without dropping
requests: the new pipeline is loaded and tried on a sentence first (the old one keeps
serving), then the reference is swapped in one assignment; a request holds the pipeline
it started with, so in-flight requests finish on the old model.
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

from zhie.pipeline import Pipeline
from zhie.schema import Document

from .settings import Settings

log = logging.getLogger("zhie.service")
T = TypeVar("T")

LOADING, READY, FAILED = "loading", "ready", "failed"
TRIAL_TEXT = "2023年5月18日，晋中开发区与山西华晟新材料有限公司签约。"  # a new model must get through this


class ReloadInProgress(RuntimeError):
    """Another reload of this worker has not finished yet."""


class ModelRuntime:
    """Loads the pipeline once and runs it with bounded concurrency."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.status = LOADING
        self.error: str | None = None
        self.pipeline: Pipeline | None = None
        self.loaded = threading.Event()
        self._limiter: anyio.CapacityLimiter | None = None
        self.model_path: Path = settings.model  # where the current model came from (reload may change it)
        self._reload_lock = threading.Lock()

    def start_loading(self) -> threading.Thread:
        """Load in a background thread so that the server answers probes while the model loads."""
        thread = threading.Thread(target=self.load, name="zhie-model-loader", daemon=True)
        thread.start()
        return thread

    def load(self) -> None:
        started = time.perf_counter()
        try:
            pipeline = Pipeline.load(self.settings.model)
            self._configure_torch()
        except Exception as exc:  # noqa: BLE001  (reported by /ready and /health)
            self.error = f"{type(exc).__name__}: {exc}"
            self.status = FAILED
            log.critical("could not load model %s: %s", self.settings.model, self.error, exc_info=True)
        else:
            self.pipeline = pipeline
            self.status = READY
            threads = sys.modules["torch"].get_num_threads() if "torch" in sys.modules else None
            log.info("model %s version %s loaded from %s in %.1f s (pid %d, inference threads %d, torch threads %s)",
                     pipeline.model.name, pipeline.model.version, self.settings.model,
                     time.perf_counter() - started, os.getpid(), self.settings.inference_threads, threads)
        finally:
            self.loaded.set()

    def _configure_torch(self) -> None:
        if "torch" in sys.modules:  # only the neural tagger imports torch
            sys.modules["torch"].set_num_threads(self.settings.effective_torch_threads)

    def reload(self, path: str | Path | None = None) -> tuple[Pipeline | None, Pipeline]:
        """Load the model at ``path`` (default: the configured model folder), try it, then swap it in.

        Blocking (call it from a thread).  Returns (old, new) pipelines.  If loading or the
        trial fails, the exception propagates and the current model stays in service;
        ``ReloadInProgress`` when another reload is running.
        """
        target = Path(path) if path is not None else self.settings.model
        if not self._reload_lock.acquire(blocking=False):
            raise ReloadInProgress("a model reload is already in progress in this worker")
        try:
            started = time.perf_counter()
            pipeline = Pipeline.load(target)
            self._configure_torch()
            pipeline(Document(TRIAL_TEXT))  # fails here, not on the first request
            old = self.pipeline
            self.pipeline = pipeline  # one reference assignment: requests see the old or the new model
            self.model_path = target
            self.error = None
            self.status = READY
            self.loaded.set()
            log.info("model reloaded: %s %s -> %s %s from %s in %.1f s (pid %d)",
                     old.model.name if old else None, old.model.version if old else None,
                     pipeline.model.name, pipeline.model.version, target, time.perf_counter() - started, os.getpid())
            return old, pipeline
        finally:
            self._reload_lock.release()

    @property
    def meta(self) -> dict[str, Any]:
        return self.pipeline.meta if self.pipeline is not None else {}

    async def run(self, fn: Callable[[Pipeline], T]) -> T:
        """Run ``fn(pipeline)`` in a worker thread, at most ``inference_threads`` at a time."""
        assert self.pipeline is not None, "model not loaded"
        if self._limiter is None:  # created inside the event loop, on first use
            self._limiter = anyio.CapacityLimiter(self.settings.inference_threads)
        pipeline = self.pipeline
        return await anyio.to_thread.run_sync(fn, pipeline, limiter=self._limiter)
