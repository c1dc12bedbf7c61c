"""The FastAPI application: ``create_app(settings, loader=…)`` builds one app per worker.

Endpoints, one route module each (``service/routes/``): ``POST /v1/extract`` and
``POST /v1/extract/batch`` (``extract.py``), ``GET /health``, ``GET /ready`` and ``GET /v1/model``
(``model.py``), the OpenAPI document at ``/openapi.json`` and ``/docs`` (``docs.py``); the review
loop's endpoints (``review.py``, ``review_page.py``) and ``POST /v1/admin/reload`` (``admin.py``).
The app keeps what they share on ``app.state`` (``settings``, ``runtime``, ``store``; ``deps.py``).

Bodies are read by ``service/requests.py`` (size limit, UTF-8, strict JSON numbers);
documents are validated with ``zhie.io.parse_document`` (as ``zhie extract`` does:
``service/documents.py``) so that a bad document of a batch becomes an error record at its
place, and results are ``Extraction.to_dict()`` unchanged; the review and admin bodies are
pydantic models (``service/models.py``) that validate and document them.  Every operation's
OpenAPI entry lists the error answers it can give (``service/openapi.py``).
"""
from __future__ import annotations

import json
import logging
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import AsyncIterator, Callable

from fastapi import FastAPI

import zhie
from zhie.pipeline import Pipeline

from .admin import HangupReload, admin_router
from .deps import Auth
from .errors import install_error_handlers
from .responses import JSONUTF8Response
from .review import review_router
from .review_page import review_page_router
from .routes.docs import docs_router
from .routes.extract import extract_router
from .routes.model import model_router, probes_router
from .runtime import ModelRuntime
from .settings import Settings, load_settings

log = logging.getLogger("zhie.service")

DESCRIPTION = """Entities (ZONE, OFFICIAL, COMPANY, AMOUNT, DATE, TITLE, ORG, PROJECT), relations and events
from Chinese development-zone news, with character offsets into exactly the text sent.
The result JSON is the same as one output line of `zhie extract`."""


def create_app(settings: Settings | None = None, loader: Callable[[Path], Pipeline] | None = None) -> FastAPI:
    """Build the app; the model is loaded in the background when the app starts (lifespan).

    ``settings`` default to ``load_settings()`` (config file and environment).  ``loader`` (default
    ``Pipeline.load`` with the settings' tagger options: precision, runtime, threads, ONNX cache)
    turns a model folder into a pipeline: tests pass one that builds a pipeline around their own
    tagger instead of registering it globally.
    """
    settings = settings if settings is not None else load_settings()
    if settings.model is None:   # settings built without a model folder: the shipped one
        settings = settings.with_changes(model=settings.model_path)
    if loader is None and settings.tagger_options():
        loader = partial(Pipeline.load, **settings.tagger_options())
    runtime = ModelRuntime(settings, loader=loader)
    auth = Auth.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        log.info("starting zhie service %s with %s", zhie.__version__, json.dumps(settings.public(), ensure_ascii=False))
        runtime.start_loading()
        hangup = HangupReload(runtime).install()  # SIGHUP: reload the configured model (service/admin.py)
        yield
        hangup.remove()
        runtime.stop()
        app.state.store.close()

    app = FastAPI(title="zhie", version=zhie.__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None, default_response_class=JSONUTF8Response)
    app.state.settings = settings
    app.state.runtime = runtime
    install_error_handlers(app)

    app.include_router(extract_router(settings, auth))
    app.include_router(probes_router())
    app.include_router(model_router(settings, auth))
    app.include_router(docs_router(auth))
    review = review_router(settings, runtime, auth.write, auth.read)
    app.state.store = review.store_holder   # the annotation store, opened on first use
    app.include_router(review)
    app.include_router(admin_router(settings, runtime, auth.write))
    app.include_router(review_page_router())  # GET /review: the review page (service/review_page.py)
    return app


def create_app_from_env() -> FastAPI:
    """The factory uvicorn calls in each worker: the settings ``zhie serve`` exported (``Settings.to_env``)."""
    return create_app(load_settings())
