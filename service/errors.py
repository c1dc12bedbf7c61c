"""Errors of the service: one JSON shape for every non-2xx answer,

    {"error": {"type": "...", "message": "...", "field"?: "...", "request_id": "..."}}

``ApiError`` is raised by the endpoints for expected failures (bad input, limits, auth,
model not ready); ``RequestContextMiddleware`` gives every request an id (echoed in the
``X-Request-ID`` header) and turns any unexpected exception into a logged JSON 500 that
carries that id, so that a client never sees a bare traceback or an HTML error page.
"""
from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zhie.io import InputError

from .responses import JSONUTF8Response

log = logging.getLogger("zhie.service")

REQUEST_ID_HEADER = "x-request-id"
_GOOD_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class ApiError(Exception):
    """An expected failure with its HTTP status, a machine-readable type and a message."""

    def __init__(self, status: int, kind: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.field = field
        self.headers = headers or {}

    @classmethod
    def from_input_error(cls, exc: InputError) -> "ApiError":
        """A document rejected by ``zhie.io.parse_document``: 413 when too large, 422 otherwise."""
        return cls(413 if exc.kind == "too_large" else 422, exc.kind, str(exc), exc.field)


ERROR_ANSWERS: dict[int, str] = {
    400: "the body is not valid UTF-8 (invalid_utf8)",
    401: "missing or wrong bearer token (unauthorized)",
    403: "admin endpoints are disabled: no api_token is configured (forbidden)",
    404: "no document with this id, or no such version (not_found)",
    409: "the document moved on since base_version (version_conflict), or a reload is already running",
    413: "body, document or batch larger than the configured limit (too_large, too_many_documents)",
    415: "the body is declared as something other than JSON (unsupported_media_type)",
    422: "invalid JSON, or a missing or invalid field, named in error.field (invalid_json, missing_field, "
         "invalid_field, invalid_document, invalid_annotation, invalid_model)",
    500: "unexpected error; error.request_id identifies it in the logs (internal_error, model_error)",
    503: "the model is not loaded yet (model_not_ready) or the annotation store is not available "
         "(store_unavailable); retry later",
}


def error_responses(*codes: int | None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries (the error shape) for the given status codes (None entries are skipped)."""
    from .models import ErrorOut
    return {code: {"model": ErrorOut, "description": ERROR_ANSWERS[code]} for code in codes if code is not None}


def request_id_of(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def error_body(kind: str, message: str, field: str | None = None, request_id: str | None = None) -> dict[str, Any]:
    err: dict[str, Any] = {"type": kind, "message": message}
    if field:
        err["field"] = field
    if request_id:
        err["request_id"] = request_id
    return {"error": err}


def error_response(status: int, kind: str, message: str, field: str | None = None,
                   request_id: str | None = None, headers: dict[str, str] | None = None) -> JSONUTF8Response:
    return JSONUTF8Response(error_body(kind, message, field, request_id), status_code=status, headers=headers)


async def _api_error(request: Request, exc: ApiError) -> JSONUTF8Response:
    return error_response(exc.status, exc.kind, exc.message, exc.field, request_id_of(request), exc.headers)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONUTF8Response:
    kind = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(exc.status_code, kind, str(exc.detail), None, request_id_of(request),
                          dict(exc.headers) if exc.headers else None)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONUTF8Response:
    # the endpoints validate bodies themselves; this only covers query/header parameters
    first = (exc.errors() or [{}])[0]
    loc = tuple(first.get("loc", ()))
    where = {"query": "query parameter", "path": "path parameter", "header": "header"}.get(str(loc[0]) if loc else "",
                                                                                         "field")
    field = ".".join(str(p) for p in loc if p not in ("body", "query", "header", "path")) or None
    message = str(first.get("msg", "invalid request"))
    message = message[:1].lower() + message[1:]
    text = f"{where} '{field}': {message}" if field else message
    return error_response(422, "invalid_field", text, field, request_id_of(request))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_middleware(RequestContextMiddleware)


class RequestContextMiddleware:
    """Request ids, and a JSON 500 (logged with the id) for any exception nothing else handled."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = incoming if _GOOD_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != REQUEST_ID_HEADER.encode()]
                message = {**message, "headers": headers + [(REQUEST_ID_HEADER.encode(), request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error in %s %s (request id %s)", scope.get("method"), scope.get("path"), request_id)
            if started:  # too late to answer with a clean error: let the server close the connection
                raise
            response = error_response(500, "internal_error",
                                      "internal server error; quote the request id when reporting it",
                                      request_id=request_id)
            await response(scope, receive, send_with_id)
