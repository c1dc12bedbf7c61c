"""Reading request bodies at the service's door: the JSON text (size limit, UTF-8, strict JSON
numbers) and the request models of ``service/models.py`` (which both validate a body and
document it in the OpenAPI schema), with every refusal an ``ApiError`` naming its field.

    body = await read_json(request, settings.max_body_bytes)     # 413 / 400 / 422 invalid_json
    correction = parse_body(m.CorrectionRequest, body)             # 422 missing_field / invalid_field
"""
from __future__ import annotations

import json
import sys
from typing import Any, TypeVar

import anyio.to_thread
from fastapi import Request
from pydantic import BaseModel, ValidationError

from zhie.store.validate import FieldError, OversizedNumber, first_number_problem

from .errors import ApiError

M = TypeVar("M", bound=BaseModel)

INLINE_PARSE_BYTES = 256 * 1024  # bodies above this are parsed in a worker thread
MAX_DIGITS = 4300  # Python's limit for converting digits to an int (sys.get_int_max_str_digits)


def _parse_int(digits: str) -> int | OversizedNumber:
    """An integer, or a marker the door refuses naming its field (instead of the parser's ValueError)."""
    limit = sys.get_int_max_str_digits() or MAX_DIGITS
    count = len(digits.lstrip("-"))
    return int(digits) if count <= limit else OversizedNumber(count)


def loads_strict(text: str) -> Any:
    """``json.loads`` with the door's rules for numbers: NaN, Infinity and integers of more than 4300
    digits are refused with a FieldError naming where they are (``documents[0].meta.score``)."""
    value = json.loads(text, parse_int=_parse_int)
    problem = first_number_problem(value)
    if problem is not None:
        raise problem
    return value


def json_error_message(exc: json.JSONDecodeError) -> str:
    """The decoder's message without its dangling "at" ("Invalid control character at"), with the place."""
    what = exc.msg.removesuffix(" at").rstrip()
    return f"{what} (line {exc.lineno}, column {exc.colno})"


def is_json_media_type(content_type: str) -> bool:
    """``application/json`` or ``application/<something>+json`` (parameters such as charset aside)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


async def read_json(request: Request, limit: int) -> Any:
    """The body as JSON: 415 if it is declared as something else, 413 above ``limit`` bytes, 400 if not
    UTF-8, 422 if not (strict) JSON.  A body without a Content-Type is read as JSON."""
    content_type = request.headers.get("content-type")
    if content_type is not None and not is_json_media_type(content_type):
        raise ApiError(415, "unsupported_media_type", f"the body is declared as {content_type[:80]!r}; send JSON "
                       "with 'Content-Type: application/json'")
    declared = request.headers.get("content-length", "")
    too_large = ApiError(413, "too_large", f"request body is larger than the limit of {limit} bytes")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    raw = b"".join(chunks)
    if len(raw) <= INLINE_PARSE_BYTES:
        return decode_json(raw)
    # a large body (a batch of articles) is parsed off the event loop, so the other requests are answered
    # meanwhile
    return await anyio.to_thread.run_sync(decode_json, raw)


def decode_json(raw: bytes) -> Any:
    """A request body's bytes as JSON, with the door's errors: 400 if not UTF-8, 422 if not (strict) JSON."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "invalid_utf8", f"request body is not valid UTF-8 (byte {exc.start}: {exc.reason})") from None
    if not text.strip():
        raise ApiError(422, "invalid_json", "request body is empty; send a JSON object")
    try:
        return loads_strict(text)
    except json.JSONDecodeError as exc:
        raise ApiError(422, "invalid_json", f"request body is not valid JSON: {json_error_message(exc)}") from None
    except FieldError as exc:
        raise ApiError(422, "invalid_json", str(exc), exc.field) from None
    except RecursionError:
        raise ApiError(422, "invalid_json", "request body is nested too deeply to be read") from None


def parse_body(model: type[M], body: Any) -> M:
    """``body`` validated by ``model``; the first problem becomes a 422 naming its field."""
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_document", f"expected a JSON object, got {_json_type(body)}")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise api_error_of(exc) from None


def api_error_of(exc: ValidationError) -> ApiError:
    """A pydantic ValidationError as the service's 422: ``missing_field`` or ``invalid_field``, field named."""
    first = exc.errors(include_url=False)[0]
    field = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in first.get("loc", ())).replace(".[", "[")
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, FieldError):
        return ApiError(422, cause.kind, str(cause), cause.field)
    if first.get("type") == "missing":
        return ApiError(422, "missing_field", f"field '{field}' is required", field or None)
    message = str(first.get("msg", "invalid value"))
    message = message[0].lower() + message[1:] if message else message
    return ApiError(422, "invalid_field", f"field '{field}': {message}, got {_json_type(first.get('input'))}",
                    field or None)


def api_error_of_field(exc: FieldError) -> ApiError:
    return ApiError(422, exc.kind, str(exc), exc.field)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
