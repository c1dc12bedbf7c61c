"""The FastAPI application: ``create_app(settings)`` builds one app per worker.

Endpoints: ``POST /v1/extract`` (one document), ``POST /v1/extract/batch`` (several, in
order, a failed document becoming an error record at its place), ``GET /health``
(liveness), ``GET /ready`` (503 until the model is loaded), ``GET /v1/model`` (meta.json
facts), and the OpenAPI document at ``/openapi.json`` and ``/docs``; the review loop's
endpoints (``review.py``) and ``POST /v1/admin/reload`` (``admin.py``) are mounted here.

Bodies are read by ``service/requests.py`` (size limit, UTF-8, strict JSON numbers);
documents are validated with ``zhie.io.parse_document`` (as ``zhie extract`` does) so that a
bad document of a batch becomes an error record at its place, and results are
``Extraction.to_dict()`` unchanged; the review and admin bodies are pydantic models
(``service/models.py``) that validate and document them.  Every operation's OpenAPI entry
lists the error answers it can give (``_errors``).
"""
from __future__ import annotations

import hmac
import json
import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Callable

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.openapi.utils import get_openapi
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic.json_schema import models_json_schema

import zhie
from zhie.io import InputError, InputItem, json_safe, parse_document
from zhie.pipeline import Pipeline
from zhie.runner import run_items
from zhie.schema import Document

from . import models as m
from .admin import HangupReload, admin_router
from .errors import ApiError, error_responses, install_error_handlers
from .requests import read_json
from .responses import JSONUTF8Response
from .runtime import FAILED, READY, ModelRuntime
from .review import review_router
from .review_page import review_page_router
from .settings import Settings, load_settings

log = logging.getLogger("zhie.service")

BATCH_DOCS_PER_PASS = 8  # documents tagged together inside a batch request, as `zhie extract --batch 8`

DESCRIPTION = """Entities (ZONE, OFFICIAL, COMPANY, AMOUNT, DATE, TITLE, ORG, PROJECT), relations and events
from Chinese development-zone news, with character offsets into exactly the text sent.
The result JSON is the same as one output line of `zhie extract`."""


def create_app(settings: Settings | None = None, loader: Callable[[Path], Pipeline] | None = None) -> FastAPI:
    """Build the app; the model is loaded in the background when the app starts (lifespan).

    ``loader`` (default ``Pipeline.load``) turns a model folder into a pipeline: tests pass one
    that builds a pipeline around their own tagger instead of registering it globally.
    """
    settings = settings if settings is not None else load_settings()
    runtime = ModelRuntime(settings, loader=loader)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        log.info("starting zhie service %s with %s", zhie.__version__, json.dumps(settings.public(), ensure_ascii=False))
        runtime.start_loading()
        hangup = HangupReload(runtime).install()  # SIGHUP: reload the configured model (service/admin.py)
        yield
        hangup.remove()
        runtime.stop()
        review.store_holder.close()

    app = FastAPI(title="zhie", version=zhie.__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None, default_response_class=JSONUTF8Response)
    app.state.settings = settings
    app.state.runtime = runtime
    install_error_handlers(app)

    write_deps = [Depends(_token_check(settings.api_token))] if settings.api_token else []
    read_deps = write_deps if settings.read_token_required else []
    error_docs = error_responses(400, 401 if settings.api_token else None, 413, 415, 422, 500, 503)

    @app.post("/v1/extract", tags=["extract"], dependencies=write_deps,
              responses={200: {"model": m.ExtractionOut, "description": "the extraction"}, **error_docs},
              openapi_extra=_request_body("ExtractRequest", m.EXTRACT_EXAMPLES))
    async def extract(request: Request) -> JSONUTF8Response:
        """Extract entities, relations and events from one document."""
        body = await _read_json(request, settings.max_body_bytes)
        try:
            doc = parse_service_document(body, settings.max_doc_chars)
        except InputError as exc:
            raise ApiError.from_input_error(exc) from None
        _require_ready(runtime)
        try:
            result = await runtime.run(lambda p: p(doc).to_dict(), request)
        except ApiError:  # out of time, or the client went away (service/runtime.py)
            raise
        except Exception as exc:  # noqa: BLE001
            rid = request.scope.get("state", {}).get("request_id")
            log.exception("model failed on document %r (request id %s)", doc.id, rid)
            raise ApiError(500, "model_error", f"the model failed on this document ({type(exc).__name__}); "
                           "quote the request id when reporting it") from None
        return JSONUTF8Response(result)

    @app.post("/v1/extract/batch", tags=["extract"], dependencies=write_deps,
              responses={200: {"model": m.BatchResponse, "description": "one result or error record per document, in order"},
                         **error_docs},
              openapi_extra=_request_body("BatchRequest", m.BATCH_EXAMPLES))
    async def extract_batch(request: Request) -> JSONUTF8Response:
        """Extract from several documents; results keep the request's order, and a document that cannot be
        processed becomes an error record `{"id", "index", "error"}` at its place."""
        body = await _read_json(request, settings.max_body_bytes)
        documents = _batch_documents(body, settings.max_batch_docs)
        items = [_batch_item(raw, i, settings.max_doc_chars) for i, raw in enumerate(documents)]
        _require_ready(runtime)
        records = await runtime.run(lambda p: _run_batch(p, items), request)
        return JSONUTF8Response({"results": records})

    @app.get("/health", tags=["probes"], responses={200: {"model": m.HealthOut}, 503: {"model": m.HealthOut}})
    async def health() -> JSONUTF8Response:
        """Liveness: answers as long as the worker's event loop runs; 503 only if the model failed to load."""
        failed = runtime.status == FAILED
        return JSONUTF8Response({"status": "failed" if failed else "ok", "model": runtime.status},
                                status_code=503 if failed else 200)

    @app.get("/ready", tags=["probes"], responses={200: {"model": m.ReadyOut}, 503: {"model": m.ReadyOut}})
    async def ready() -> JSONUTF8Response:
        """Readiness: 200 once the model is loaded, 503 (with Retry-After) before that or if loading failed."""
        if runtime.status == READY and runtime.pipeline is not None:
            return JSONUTF8Response({"status": READY, "model": runtime.pipeline.model.to_dict()})
        body: dict[str, Any] = {"status": runtime.status}
        if runtime.error:
            body["error"] = runtime.error
        return JSONUTF8Response(body, status_code=503, headers={"Retry-After": "5"})

    @app.get("/v1/model", tags=["model"], dependencies=read_deps,
             responses={200: {"model": m.ModelInfoOut},
                        **error_responses(401 if settings.read_token_required else None, 500, 503)})
    async def model_info() -> JSONUTF8Response:
        """The loaded model's name, version, labels and metrics (from its meta.json), and the service limits."""
        _require_ready(runtime)
        pipeline = runtime.pipeline  # one reference: a reload may swap the model meanwhile
        assert pipeline is not None
        meta = pipeline.meta
        return JSONUTF8Response({
            "name": pipeline.model.name, "version": pipeline.model.version,
            "labels": list(meta.get("labels") or pipeline.tagger.labels),
            "metrics": meta.get("metrics"),
            "precision": pipeline.tagger.precision,
            "limits": {"max_doc_chars": settings.max_doc_chars, "max_batch_docs": settings.max_batch_docs,
                       "max_body_bytes": settings.max_body_bytes}})

    @app.get("/openapi.json", include_in_schema=False, dependencies=read_deps)
    async def openapi_document() -> JSONUTF8Response:
        return JSONUTF8Response(_openapi(app))

    @app.get("/docs", include_in_schema=False, dependencies=read_deps)
    async def docs():  # noqa: ANN202
        return get_swagger_ui_html(openapi_url="/openapi.json", title="zhie — API",
                                   swagger_js_url="/docs/assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs/assets/swagger-ui.css",
                                   swagger_favicon_url="/docs/assets/favicon-32x32.png")

    @app.get("/docs/assets/{name}", include_in_schema=False, dependencies=read_deps)
    async def docs_asset(name: str):  # noqa: ANN202
        """Swagger UI's files from the installed swagger-ui-bundle package: the page works offline."""
        return swagger_asset(name)

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> RedirectResponse:   # one documentation page: Swagger UI
        return RedirectResponse("/docs")

    # the review loop (service/review.py) and model reloading (service/admin.py)
    review = review_router(settings, runtime, write_deps, read_deps)
    app.include_router(review)
    app.include_router(admin_router(settings, runtime, write_deps))
    app.include_router(review_page_router())  # GET /review: the review page (service/review_page.py)
    return app


def create_app_from_env() -> FastAPI:
    """The factory uvicorn calls in each worker (``zhie serve`` passes settings through ZHIE_* variables)."""
    return create_app(load_settings())


# ---------------------------------------------------------------- request handling

def parse_service_document(obj: Any, max_chars: int) -> Document:
    """``zhie.io.parse_document`` (the CLI's validation, lone surrogates included)."""
    return parse_document(obj, max_chars)


async def _read_json(request: Request, limit: int) -> Any:
    """The body as JSON (``service/requests.read_json``; the name is kept for the routers that import it)."""
    return await read_json(request, limit)


def _batch_documents(body: Any, max_docs: int) -> list[Any]:
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_document", f"expected a JSON object with field 'documents', got {type(body).__name__}")
    if "documents" not in body:
        raise ApiError(422, "missing_field", "field 'documents' is required", "documents")
    documents = body["documents"]
    if not isinstance(documents, list):
        raise ApiError(422, "invalid_field", f"field 'documents' must be an array, got {type(documents).__name__}",
                       "documents")
    if len(documents) > max_docs:
        raise ApiError(413, "too_many_documents",
                       f"batch has {len(documents)} documents, the limit is {max_docs}", "documents")
    return documents


def _batch_item(raw: Any, index: int, max_chars: int) -> InputItem:
    raw_id = json_safe(raw.get("id")) if isinstance(raw, dict) else None
    try:
        return InputItem(index, document=parse_service_document(raw, max_chars), raw_id=raw_id)
    except InputError as exc:
        return InputItem(index, error=exc, raw_id=raw_id)


def _run_batch(pipeline: Pipeline, items: list[InputItem]) -> list[dict[str, Any]]:
    """``zhie.runner.run_items`` (the CLI's loop); error records carry the 0-based ``index`` instead of ``line``."""
    records = []
    for item, record in run_items(pipeline, items, batch_docs=BATCH_DOCS_PER_PASS):
        if "error" in record:
            record = {"id": record.get("id"), "index": item.line, "error": record["error"]}
        records.append(record)
    return records


def _require_ready(runtime: ModelRuntime) -> None:
    if runtime.status != READY:
        message = ("the model is still loading; retry shortly" if runtime.status != FAILED
                   else f"the model could not be loaded: {runtime.error}")
        raise ApiError(503, "model_not_ready", message, headers={"Retry-After": "5"})


def _token_check(token: str):  # noqa: ANN202
    bearer = HTTPBearer(auto_error=False, description="the service's API token (ZHIE_API_TOKEN)")
    expected = token.encode("utf-8")

    async def check_token(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        if credentials is None or not hmac.compare_digest(credentials.credentials.encode("utf-8"), expected):
            raise ApiError(401, "unauthorized", "missing or wrong API token: send 'Authorization: Bearer <token>'",
                           headers={"WWW-Authenticate": "Bearer"})

    return check_token


# ---------------------------------------------------------------- OpenAPI

def _request_body(model_name: str, examples: dict[str, dict[str, Any]] | None = None,
                  required: bool = True) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{model_name}"}}
    if examples:
        content["examples"] = examples
    return {"requestBody": {"required": required, "content": {"application/json": content}}}


SWAGGER_ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
                  "favicon-32x32.png": "image/png"}


def swagger_asset(name: str) -> FileResponse:
    """One of Swagger UI's three files, or the service's 404 (no other file of the package is served)."""
    import swagger_ui_bundle

    if name not in SWAGGER_ASSETS:
        raise ApiError(404, "not_found", f"no documentation asset {name!r}")
    return FileResponse(Path(swagger_ui_bundle.swagger_ui_path) / name, media_type=SWAGGER_ASSETS[name],
                        headers={"Cache-Control": "public, max-age=86400"})


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document plus the request-body schemas (the endpoints read their bodies themselves),
    with the configured limits (``max_batch_docs``, ``max_doc_chars``) written into them."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        _, defs = models_json_schema([(model, "validation") for model in m.REQUEST_MODELS],
                                     ref_template="#/components/schemas/{model}")
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in defs.get("$defs", {}).items():
            schemas.setdefault(name, _resolve_refs(definition))
        settings: Settings = app.state.settings
        for name in ("BatchRequest", "AddDocumentsRequest"):
            schemas[name]["properties"]["documents"]["maxItems"] = settings.max_batch_docs
        for name in ("ExtractRequest", "StoreDocumentIn"):
            schemas[name]["properties"]["text"]["maxLength"] = settings.max_doc_chars
        app.openapi_schema = schema
    return app.openapi_schema


def _resolve_refs(node: Any) -> Any:
    """``{"x-zhie-ref": name, …}`` (``service/models.py``) → ``{"$ref": "#/components/schemas/name", …}``."""
    if isinstance(node, dict):
        out = {k: _resolve_refs(v) for k, v in node.items() if k != m.REF_KEY}
        if m.REF_KEY in node:
            out["$ref"] = f"#/components/schemas/{node[m.REF_KEY]}"
        return out
    if isinstance(node, list):
        return [_resolve_refs(v) for v in node]
    return node
