"""The model inside a running worker: loaded once in the background when the app starts,
then used for every request off the event loop.

Inference runs in worker threads behind a capacity limiter of ``inference_threads``
slots (default 1), so requests queue for the model instead of oversubscribing torch,
while the event loop keeps answering ``/health`` and ``/ready``.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from typing import Any, Callable, TypeVar

import anyio
import anyio.to_thread

from zhie.pipeline import Pipeline

from .settings import Settings

log = logging.getLogger("zhie.service")
T = TypeVar("T")

LOADING, READY, FAILED = "loading", "ready", "failed"


class ModelRuntime:
    """Loads the pipeline once and runs it with bounded concurrency."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.status = LOADING
        self.error: str | None = None
        self.pipeline: Pipeline | None = None
        self.loaded = threading.Event()
        self._limiter: anyio.CapacityLimiter | None = None

    def start_loading(self) -> threading.Thread:
        """Load in a background thread so that the server answers probes while the model loads."""
        thread = threading.Thread(target=self.load, name="zhie-model-loader", daemon=True)
        thread.start()
        return thread

    def load(self) -> None:
        started = time.perf_counter()
        try:
            pipeline = Pipeline.load(self.settings.model)
            if "torch" in sys.modules:  # only the neural tagger imports torch
                torch = sys.modules["torch"]
                torch.set_num_threads(self.settings.effective_torch_threads)
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
