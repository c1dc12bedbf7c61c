"""zhie's REST service (FastAPI, run by uvicorn through ``zhie serve``).

    from service import create_app, load_settings
    app = create_app(load_settings())        # settings from $ZHIE_CONFIG and ZHIE_* variables

Modules: ``settings`` (typed configuration), ``app`` (``create_app``: the app and what its
routes share on ``app.state``), ``routes/`` (the extract, model/probe and docs endpoints),
``deps`` (the shared dependencies: settings, runtime, token checks), ``documents`` (request
documents and batches), ``openapi`` (the document), ``review``/``admin`` (the review loop,
reloading), ``runtime`` (the model loaded once per worker, run off the event loop), ``errors`` (one JSON error shape,
request ids, the catch-all 500), ``models`` (request/response schemas for /docs),
``responses`` (the JSON response class), ``serve`` (starting uvicorn).
"""
from __future__ import annotations

from .app import create_app
from .settings import Settings, SettingsError, load_settings

__all__ = ["create_app", "Settings", "SettingsError", "load_settings"]
