"""``POST /v1/extract`` (one document) and ``POST /v1/extract/batch`` (several, in order, a failed
document becoming an error record at its place)."""
from __future__ import annotations

import logging

import anyio.to_thread
from fastapi import APIRouter, Depends, Request

from zhie.io import InputError

from .. import models as m
from ..deps import Auth, get_runtime, require_ready
from ..documents import batch_documents, batch_item, parse_service_document, run_batch
from ..errors import ApiError, error_responses
from ..openapi import request_body
from ..requests import read_json
from ..responses import JSONUTF8Response
from ..runtime import ModelRuntime
from ..settings import Settings

log = logging.getLogger("zhie.service")


def extract_router(settings: Settings, auth: Auth) -> APIRouter:
    router = APIRouter(tags=["extract"])
    error_docs = error_responses(400, 401 if settings.api_token else None, 413, 415, 422, 500, 503)

    @router.post("/v1/extract", dependencies=auth.write,
                 responses={200: {"model": m.ExtractionOut, "description": "the extraction"}, **error_docs},
                 openapi_extra=request_body("ExtractRequest", m.EXTRACT_EXAMPLES))
    async def extract(request: Request, runtime: ModelRuntime = Depends(get_runtime)) -> JSONUTF8Response:
        """Extract entities, relations and events from one document."""
        body = await read_json(request, settings.max_body_bytes)
        try:
            doc = parse_service_document(body, settings.max_doc_chars)
        except InputError as exc:
            raise ApiError.from_input_error(exc) from None
        require_ready(runtime)
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

    @router.post("/v1/extract/batch", dependencies=auth.write,
                 responses={200: {"model": m.BatchResponse, "description": "one result or error record per document, in order"},
                            **error_docs},
                 openapi_extra=request_body("BatchRequest", m.BATCH_EXAMPLES))
    async def extract_batch(request: Request, runtime: ModelRuntime = Depends(get_runtime)) -> JSONUTF8Response:
        """Extract from several documents; results keep the request's order, and a document that cannot be
        processed becomes an error record `{"id", "index", "error"}` at its place."""
        body = await read_json(request, settings.max_body_bytes)
        documents = batch_documents(body, settings.max_batch_docs)
        items = [batch_item(raw, i, settings.max_doc_chars) for i, raw in enumerate(documents)]
        require_ready(runtime)
        records = await runtime.run(lambda p: run_batch(p, items), request)
        # a batch's answer can be megabytes: rendered off the event loop, like its body was parsed
        return await anyio.to_thread.run_sync(JSONUTF8Response, {"results": records})

    return router
