"""Switching a running service to a new model version: ``POST /v1/admin/reload`` and SIGHUP.

    POST /v1/admin/reload   {"model": "/srv/zhie/models/zhie-ner-small-0.1.1"}   (body optional)

The endpoint always needs the API token: with no ``api_token`` configured it answers 403.
Without a ``model`` in the body the configured model folder (``model`` setting) is read
again — the way to pick up a model retrained in place (``zhie train --from-store --out``
the same folder).  SIGHUP to a worker process does the same as a body-less POST.  The new
model is loaded and tried in the background while the old one keeps serving, then swapped
in atomically (``ModelRuntime.reload``); requests already running finish on the old one.

With several workers (``zhie serve --workers N``), one POST or one SIGHUP to any worker
reloads them all: the new model is published to the others (``service/reload_sync.py``)
and the answer's ``workers`` says which switched (null with a single worker).
"""
from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request

from zhie.tagger import read_meta

from .errors import ApiError, error_responses
from .models import ReloadRequest
from .openapi import request_body
from .requests import parse_body, read_json
from .responses import JSONUTF8Response
from .runtime import ModelRuntime, ReloadInProgress
from .settings import Settings

log = logging.getLogger("zhie.service")


def admin_router(settings: Settings, runtime: ModelRuntime, write_deps: list) -> APIRouter:
    router = APIRouter(tags=["admin"])

    async def require_token() -> None:
        if not settings.api_token:
            raise ApiError(403, "forbidden", "admin endpoints are disabled: configure an api_token (ZHIE_API_TOKEN) "
                           "to use them, or send SIGHUP to the worker to reload the configured model")

    @router.post("/v1/admin/reload", dependencies=write_deps, openapi_extra=request_body("ReloadRequest", required=False),
                 responses=error_responses(400, 401 if write_deps else None, 403, 409, 413, 415, 422, 500))
    async def reload_model(request: Request) -> JSONUTF8Response:
        """Load a model version (body `{"model": path}`, default: the configured model folder) in the
        background and switch to it atomically; in-flight requests finish on the old model."""
        await require_token()
        body: Any = {}
        if (request.headers.get("content-length") or "0") != "0":
            body = await read_json(request, 64 * 1024)
        if not isinstance(body, dict):
            raise ApiError(422, "invalid_document", "expected a JSON object such as {\"model\": \"/path/to/model\"}")
        raw = parse_body(ReloadRequest, body).model
        path = Path(raw) if raw else settings.model
        try:
            read_meta(path)
        except (OSError, ValueError) as exc:
            raise ApiError(422, "invalid_model", f"{path}: {exc}", "model") from None
        started = time.perf_counter()
        try:
            old, new = await anyio.to_thread.run_sync(runtime.reload, path)
        except ReloadInProgress as exc:
            raise ApiError(409, "reload_in_progress", str(exc)) from None
        except Exception as exc:  # noqa: BLE001  (a broken model folder: the old model stays)
            log.error("reload of %s failed: %s", path, exc, exc_info=True)
            raise ApiError(422, "invalid_model", f"the model at {path} could not be loaded or failed its trial; "
                           f"the current model stays in service ({type(exc).__name__}: {exc})", "model") from None
        return JSONUTF8Response({"status": "reloaded", "previous": old.model.to_dict() if old else None,
                                 "model": new.model.to_dict(), "path": str(path),
                                 "seconds": round(time.perf_counter() - started, 3),
                                 "workers": runtime.last_propagation})  # zhie serve --workers N: who switched

    return router


class HangupReload:
    """SIGHUP → reload the configured model in a background thread (main-thread event loops only)."""

    def __init__(self, runtime: ModelRuntime) -> None:
        self.runtime = runtime
        self.installed = False
        self.threads: list[threading.Thread] = []

    def _reload(self) -> None:
        try:
            self.runtime.reload()
        except ReloadInProgress:
            log.warning("SIGHUP ignored: a reload is already in progress")
        except Exception as exc:  # noqa: BLE001
            log.error("SIGHUP reload of %s failed, the current model stays: %s", self.runtime.settings.model, exc)

    def _on_signal(self) -> None:
        log.info("SIGHUP received: reloading %s", self.runtime.settings.model)
        thread = threading.Thread(target=self._reload, name="zhie-model-reload", daemon=True)
        self.threads.append(thread)
        thread.start()

    def install(self) -> "HangupReload":
        if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
            return self
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._on_signal)
            self.installed = True
        except (RuntimeError, ValueError, NotImplementedError) as exc:
            log.debug("SIGHUP reload not installed: %s", exc)
        return self

    def remove(self) -> None:
        if self.installed:
            try:
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            except (RuntimeError, ValueError):
                pass
            self.installed = False


