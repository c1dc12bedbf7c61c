"""Documents of extraction requests: validation as ``zhie extract`` does it, batch bodies, and
running a batch with the CLI's loop (a bad document becomes an error record at its place)."""
from __future__ import annotations

from typing import Any

from zhie.io import InputError, InputItem, json_safe, parse_document
from zhie.pipeline import Pipeline
from zhie.runner import run_items
from zhie.schema import Document

from .errors import ApiError

BATCH_DOCS_PER_PASS = 8  # documents tagged together inside a batch request, as `zhie extract --batch 8`


def parse_service_document(obj: Any, max_chars: int) -> Document:
    """``zhie.io.parse_document`` (the CLI's validation, lone surrogates included)."""
    return parse_document(obj, max_chars)


def batch_documents(body: Any, max_docs: int) -> list[Any]:
    """The ``documents`` array of a batch body, or the 413/422 error that says what is wrong."""
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


def batch_item(raw: Any, index: int, max_chars: int) -> InputItem:
    """One document of a batch: parsed, or carrying its input error."""
    raw_id = json_safe(raw.get("id")) if isinstance(raw, dict) else None
    try:
        return InputItem(index, document=parse_service_document(raw, max_chars), raw_id=raw_id)
    except InputError as exc:
        return InputItem(index, error=exc, raw_id=raw_id)


def run_batch(pipeline: Pipeline, items: list[InputItem]) -> list[dict[str, Any]]:
    """``zhie.runner.run_items`` (the CLI's loop); error records carry the 0-based ``index`` instead of ``line``."""
    records = []
    for item, record in run_items(pipeline, items, batch_docs=BATCH_DOCS_PER_PASS):
        if "error" in record:
            record = {"id": record.get("id"), "index": item.line, "error": record["error"]}
        records.append(record)
    return records
