"""The review endpoints: documents go into the annotation store (``zhie.store``), are
predicted on arrival, reviewed most-uncertain-first, corrected with optimistic
concurrency, and every version is kept.

    POST /v1/documents                     {"documents": [{id?, text, meta?}], "added_by"?}
    GET  /v1/review/queue?limit=20         unreviewed documents, most uncertain first
    GET  /v1/documents/{id}[?version=N]    document + annotation + version + history summary
    PUT  /v1/documents/{id}/annotation     {"base_version", "reviewer", "annotation", "reviewed"?, "note"?}
    POST /v1/documents/{id}/reviewed       {"base_version", "reviewer"}
    GET  /v1/documents/{id}/history[?annotations=true]

Writes need the API token when one is configured; reads need it when
``read_token_required`` is set.  The store (``store_url``, default ``$ZHIE_STORE_URL``
or ``./zhie-store.sqlite``) is opened on the first review request, so a service that is
never asked to review never creates one.  Status codes: 404 unknown document, 409 stale
``base_version`` (``version_conflict``) or an id already stored (``duplicate_id``), 422
a correction that breaks the schema (``invalid_annotation``, ``error.field`` names the
item), 503 store unavailable.

Every body is checked at the door for what the store and its exports can hold
(``zhie.store.validate``: valid Unicode, no NUL in text columns, finite numbers, version
numbers that fit the integer columns), so bad input is a 4xx naming the field on SQLite and
PostgreSQL alike, never a 500 or a 503.  ``POST /v1/documents`` stores its documents in one
transaction: a database failure stores none of them.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable, TypeVar

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from sqlalchemy.exc import DataError, SQLAlchemyError

from zhie.runner import run_items
from zhie.schema import Extraction
from zhie.store import (AnnotationError, DocumentNotFound, DuplicateDocument, Store, StoreConfigError, TextMismatch,
                        VersionConflict)
from zhie.io import InputError
from zhie.store.records import AnnotationVersion, StoredDocument, iso
from zhie.store.uncertainty import LOW_CONFIDENCE
from zhie.store.validate import MAX_VERSION, FieldError, check_id_number, check_storable_document

from . import models as m
from .deps import require_ready
from .documents import batch_documents, batch_item
from .errors import ApiError, error_responses
from .openapi import request_body
from .requests import parse_body, read_json
from .responses import JSONUTF8Response
from .runtime import ModelRuntime
from .settings import Settings

log = logging.getLogger("zhie.service")
T = TypeVar("T")

QUEUE_MEASURE = (f"uncertainty = 1 - lowest entity score (1 for a non-empty document with no entity); ties: "
                 f"more spans scored below {LOW_CONFIDENCE} first, then lower mean score, then order of arrival")


class StoreHolder:
    """Opens the store once, on first use, from any thread."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._store: Store | None = None
        self._lock = threading.Lock()

    def get(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = Store(self.url)
                log.info("annotation store opened: %s", self._store.display_url)
            return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


async def _in_store(holder: StoreHolder, fn: Callable[[Store], T]) -> T:
    """Run ``fn(store)`` in a thread, turning the store's expected failures into API errors."""
    try:
        return await anyio.to_thread.run_sync(lambda: fn(holder.get()))
    except DocumentNotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    except VersionConflict as exc:
        raise ApiError(409, "version_conflict", str(exc), "base_version") from None
    except DuplicateDocument as exc:
        raise ApiError(409, "duplicate_id", str(exc), "id") from None
    except TextMismatch as exc:
        raise ApiError(409, "text_mismatch", str(exc), "text") from None
    except AnnotationError as exc:
        path = exc.first_path
        raise ApiError(422, "invalid_annotation", str(exc),
                       "annotation" if path in (None, "annotation") else f"annotation.{path}") from None
    except StoreConfigError as exc:
        raise ApiError(503, "store_unavailable", f"the annotation store cannot be opened: {exc}") from None
    except FieldError as exc:  # a value the store cannot hold (zhie.store.validate)
        raise ApiError(422, exc.kind, str(exc), exc.field) from None
    except ValueError as exc:  # a name or number the store refuses
        raise ApiError(422, "invalid_field", str(exc)) from None
    except DataError as exc:  # the database refused a value: bad input the door let through, not an outage
        log.error("annotation store refused a value: %s", exc)
        raise ApiError(422, "invalid_field", "the annotation store cannot hold a value of this request "
                       f"({type(exc.orig).__name__ if exc.orig is not None else 'DataError'})") from None
    except SQLAlchemyError as exc:
        log.error("annotation store error: %s", exc)
        raise ApiError(503, "store_unavailable", "the annotation store is not available; retry later "
                       f"({type(exc).__name__})", headers={"Retry-After": "5"}) from None


def _version_info(v: AnnotationVersion, with_annotation: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"version": v.version, "kind": v.kind, "author": v.author, "created_at": iso(v.created_at),
                           "model": v.model.to_dict() if v.model else None, "based_on": v.based_on,
                           "changes": v.changes.to_dict(), "scores": v.scores.to_dict() if v.scores else None,
                           "note": v.note}
    if with_annotation:
        out["annotation"] = v.annotation.to_dict()
    return out


def _document_info(doc: StoredDocument) -> dict[str, Any]:
    return {"id": doc.id, "text": doc.text, "meta": doc.meta, "version": doc.version, "reviewed": doc.reviewed,
            "reviewed_version": doc.reviewed_version, "added_at": iso(doc.added_at), "added_by": doc.added_by}


def review_router(settings: Settings, runtime: ModelRuntime, write_deps: list, read_deps: list) -> APIRouter:
    """The review endpoints of one app (worker); the store is opened lazily from ``settings.store_url``."""
    auth = 401 if write_deps else None
    read_auth = 401 if read_deps else None
    holder = StoreHolder(settings.store_url)
    router = APIRouter(tags=["review"])
    router.store_holder = holder  # type: ignore[attr-defined]  (tests and shutdown reach the store here)

    @router.post("/v1/documents", dependencies=write_deps, openapi_extra=request_body("AddDocumentsRequest"),
                 responses=error_responses(400, auth, 413, 415, 422, 500, 503))
    async def add_documents(request: Request) -> JSONUTF8Response:
        """Add documents to the store; each is predicted with the loaded model (version 1).  A document that
        cannot be added (bad field, id already stored) becomes `{"id", "index", "error"}` at its place; the
        others are stored together in one transaction (a store failure stores none: 503)."""
        body = parse_body(m.AddDocumentsRequest, await read_json(request, settings.max_body_bytes))
        documents = batch_documents({"documents": body.documents}, settings.max_batch_docs)
        items = [_door(batch_item(raw, i, settings.max_doc_chars)) for i, raw in enumerate(documents)]
        require_ready(runtime)

        def predict(pipeline) -> list[tuple[Any, dict[str, Any]]]:  # noqa: ANN001
            return list(run_items(pipeline, items, batch_docs=8))

        pairs = await runtime.run(predict, request)
        good = [(item, record) for item, record in pairs if "error" not in record]

        def store_all(store: Store) -> list[dict[str, Any]]:
            stored = store.add_documents([(item.document, Extraction.from_dict(record)) for item, record in good],
                                         added_by=body.added_by)
            outcome = {id(item): (doc, record) for (item, record), doc in zip(good, stored)}
            out = []
            for item, record in pairs:
                if "error" in record:
                    out.append({"id": record.get("id"), "index": item.line, "error": record["error"]})
                    continue
                doc, record = outcome[id(item)]
                if isinstance(doc, DuplicateDocument):
                    out.append({"id": item.document.id, "index": item.line,
                                "error": {"type": "duplicate_id", "message": str(doc), "field": "id"}})
                    continue
                version = store.version(doc.id)
                out.append({"id": doc.id, "version": doc.version, "entities": len(record["entities"]),
                            **({"uncertainty": round(version.scores.uncertainty, 4)}
                               if version is not None and version.scores else {})})
            return out

        return JSONUTF8Response({"results": await _in_store(holder, store_all)})

    @router.get("/v1/review/queue", dependencies=read_deps, responses=error_responses(read_auth, 422, 500, 503))
    async def review_queue(limit: int = Query(20, ge=1, le=500, description="most documents returned")) \
            -> JSONUTF8Response:
        """Unreviewed documents (no review mark on their current version), most uncertain first."""
        items = await _in_store(holder, lambda s: s.queue(limit))
        return JSONUTF8Response({"measure": QUEUE_MEASURE, "documents": [i.to_dict() for i in items]})

    @router.get("/v1/documents/{doc_id}", dependencies=read_deps,
                responses=error_responses(read_auth, 404, 422, 500, 503))
    async def get_document(doc_id: str, version: int | None = Query(None, ge=1, le=MAX_VERSION,
                           description="an older version (default: the current one)")) -> JSONUTF8Response:
        """The document, its current (or requested) annotation, its version and a history summary."""
        def read(store: Store) -> dict[str, Any]:
            doc = store.document(doc_id)
            current = store.version(doc_id, version)
            history = store.history(doc_id)
            return {**_document_info(doc),
                    "annotation": current.annotation.to_dict() if current else None,
                    "annotation_version": _version_info(current, False) if current else None,
                    "history": [h.to_dict() for h in history]}

        return JSONUTF8Response(await _in_store(holder, read))

    @router.put("/v1/documents/{doc_id}/annotation", dependencies=write_deps,
                openapi_extra=request_body("CorrectionRequest"),
                responses=error_responses(400, auth, 404, 409, 413, 415, 422, 500, 503))
    async def put_annotation(doc_id: str, request: Request) -> JSONUTF8Response:
        """Submit a correction based on `base_version`; 409 if someone saved another version since.
        `reviewed` (default true) marks the new version reviewed; false saves a draft."""
        body = parse_body(m.CorrectionRequest, await read_json(request, settings.max_body_bytes))
        saved = await _in_store(holder, lambda s: s.correct(doc_id, body.annotation, body.base_version, body.reviewer,
                                                            reviewed=body.reviewed, note=body.note))
        return JSONUTF8Response({"id": doc_id, "version": saved.version, "reviewed": body.reviewed,
                                 "changes": saved.changes.to_dict()})

    @router.post("/v1/documents/{doc_id}/reviewed", dependencies=write_deps,
                 openapi_extra=request_body("ReviewRequest"),
                 responses=error_responses(400, auth, 404, 409, 413, 415, 422, 500, 503))
    async def mark_reviewed(doc_id: str, request: Request) -> JSONUTF8Response:
        """Mark `base_version` (which must be current) as reviewed: correct as it stands."""
        body = parse_body(m.ReviewRequest, await read_json(request, settings.max_body_bytes))
        review = await _in_store(holder, lambda s: s.mark_reviewed(doc_id, body.base_version, body.reviewer))
        return JSONUTF8Response({"id": doc_id, "version": review.version, "reviewed": True,
                                 "reviewer": review.reviewer, "at": iso(review.reviewed_at)})

    @router.get("/v1/documents/{doc_id}/history", dependencies=read_deps,
                responses=error_responses(read_auth, 404, 422, 500, 503))
    async def history(doc_id: str, annotations: bool = Query(False, description="include every version's "
                                                                               "annotation")) -> JSONUTF8Response:
        """Every saved version (who, when, what changed) and every review mark, oldest first."""
        def read(store: Store) -> dict[str, Any]:
            doc = store.document(doc_id)
            return {"id": doc.id, "version": doc.version, "reviewed": doc.reviewed,
                    "versions": [_version_info(v, annotations) for v in store.versions(doc_id)],
                    "reviews": [{"version": r.version, "reviewer": r.reviewer, "at": iso(r.reviewed_at)}
                                for r in store.reviews(doc_id)],
                    "history": [h.to_dict() for h in store.history(doc_id)]}

        return JSONUTF8Response(await _in_store(holder, read))

    return router


def _door(item: Any) -> Any:
    """A parsed document the store cannot hold (zhie.store.validate) becomes an error at its place."""
    if item.document is not None:
        try:
            check_id_number(item.raw_id)
            check_storable_document(item.document)
        except FieldError as exc:
            item.error, item.document = InputError(exc.kind, str(exc), exc.field), None
    return item
