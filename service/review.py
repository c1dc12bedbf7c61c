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
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable, TypeVar

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from sqlalchemy.exc import SQLAlchemyError

from zhie.runner import run_items
from zhie.schema import Extraction
from zhie.store import (AnnotationError, DocumentNotFound, DuplicateDocument, Store, StoreConfigError, TextMismatch,
                        VersionConflict)
from zhie.store.records import AnnotationVersion, StoredDocument, iso
from zhie.store.uncertainty import LOW_CONFIDENCE

from .errors import ApiError
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
        raise ApiError(422, "invalid_annotation", str(exc), f"annotation.{exc.first_path}") from None
    except StoreConfigError as exc:
        raise ApiError(503, "store_unavailable", f"the annotation store cannot be opened: {exc}") from None
    except ValueError as exc:  # a name or number the store refuses
        raise ApiError(422, "invalid_field", str(exc)) from None
    except SQLAlchemyError as exc:
        log.error("annotation store error: %s", exc)
        raise ApiError(503, "store_unavailable", "the annotation store is not available; retry later "
                       f"({type(exc).__name__})", headers={"Retry-After": "5"}) from None


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_document", f"expected a JSON object, got {type(body).__name__}")
    return body


def _base_version(body: dict[str, Any], minimum: int) -> int:
    if "base_version" not in body:
        raise ApiError(422, "missing_field", "field 'base_version' is required: the version your change is based "
                       "on (GET /v1/documents/{id} gives it)", "base_version")
    value = body["base_version"]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ApiError(422, "invalid_field", f"field 'base_version' must be an integer >= {minimum}, got {value!r}",
                       "base_version")
    return value


def _name(body: dict[str, Any], field: str, required: bool = True, default: str = "") -> str:
    value = body.get(field, None if required else default)
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 256:
        raise ApiError(422, "missing_field" if value is None else "invalid_field",
                       f"field '{field}' must be a non-empty string of at most 256 characters (who made the change)",
                       field)
    return value.strip()


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
    from .app import _batch_documents, _batch_item, _read_json, _require_ready

    holder = StoreHolder(settings.store_url)
    router = APIRouter(tags=["review"])
    router.store_holder = holder  # type: ignore[attr-defined]  (tests and shutdown reach the store here)

    @router.post("/v1/documents", dependencies=write_deps)
    async def add_documents(request: Request) -> JSONUTF8Response:
        """Add documents to the store; each is predicted with the loaded model (version 1).  A document that
        cannot be added (bad field, id already stored) becomes `{"id", "index", "error"}` at its place."""
        body = _object(await _read_json(request, settings.max_body_bytes))
        documents = _batch_documents(body, settings.max_batch_docs)
        added_by = _name(body, "added_by", required=False, default="api")
        items = [_batch_item(raw, i, settings.max_doc_chars) for i, raw in enumerate(documents)]
        for item in items:
            if item.document is not None and item.document.id is not None and "/" in item.document.id:
                from zhie.io import InputError
                item.error, item.document = InputError("invalid_field", "field 'id' must not contain '/' (it is "
                                                       "part of the document's URL)", "id"), None
        _require_ready(runtime)

        def predict(pipeline) -> list[tuple[Any, dict[str, Any]]]:  # noqa: ANN001
            return list(run_items(pipeline, items, batch_docs=8))

        pairs = await runtime.run(predict)

        def store_all(store: Store) -> list[dict[str, Any]]:
            out = []
            for item, record in pairs:
                if "error" in record:
                    out.append({"id": record.get("id"), "index": item.line, "error": record["error"]})
                    continue
                try:
                    doc = store.add_document(item.document, Extraction.from_dict(record), added_by=added_by)
                except DuplicateDocument as exc:
                    out.append({"id": item.document.id, "index": item.line,
                                "error": {"type": "duplicate_id", "message": str(exc), "field": "id"}})
                    continue
                except ValueError as exc:  # e.g. an id longer than the store keeps
                    out.append({"id": item.document.id, "index": item.line,
                                "error": {"type": "invalid_field", "message": str(exc), "field": "id"}})
                    continue
                version = store.version(doc.id)
                out.append({"id": doc.id, "version": doc.version, "entities": len(record["entities"]),
                            **({"uncertainty": round(version.scores.uncertainty, 4)}
                               if version is not None and version.scores else {})})
            return out

        return JSONUTF8Response({"results": await _in_store(holder, store_all)})

    @router.get("/v1/review/queue", dependencies=read_deps)
    async def review_queue(limit: int = Query(20, ge=1, le=500, description="most documents returned")) \
            -> JSONUTF8Response:
        """Unreviewed documents (no review mark on their current version), most uncertain first."""
        items = await _in_store(holder, lambda s: s.queue(limit))
        return JSONUTF8Response({"measure": QUEUE_MEASURE, "documents": [i.to_dict() for i in items]})

    @router.get("/v1/documents/{doc_id}", dependencies=read_deps)
    async def get_document(doc_id: str, version: int | None = Query(None, ge=1,
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

    @router.put("/v1/documents/{doc_id}/annotation", dependencies=write_deps)
    async def put_annotation(doc_id: str, request: Request) -> JSONUTF8Response:
        """Submit a correction based on `base_version`; 409 if someone saved another version since.
        `reviewed` (default true) marks the new version reviewed; false saves a draft."""
        body = _object(await _read_json(request, settings.max_body_bytes))
        base = _base_version(body, 0)
        reviewer = _name(body, "reviewer")
        if "annotation" not in body:
            raise ApiError(422, "missing_field", "field 'annotation' ({entities, relations, events}) is required",
                           "annotation")
        reviewed = body.get("reviewed", True)
        if not isinstance(reviewed, bool):
            raise ApiError(422, "invalid_field", "field 'reviewed' must be true or false", "reviewed")
        note = body.get("note")
        if note is not None and not isinstance(note, str):
            raise ApiError(422, "invalid_field", "field 'note' must be a string", "note")
        saved = await _in_store(holder, lambda s: s.correct(doc_id, body["annotation"], base, reviewer,
                                                            reviewed=reviewed, note=note))
        return JSONUTF8Response({"id": doc_id, "version": saved.version, "reviewed": reviewed,
                                 "changes": saved.changes.to_dict()})

    @router.post("/v1/documents/{doc_id}/reviewed", dependencies=write_deps)
    async def mark_reviewed(doc_id: str, request: Request) -> JSONUTF8Response:
        """Mark `base_version` (which must be current) as reviewed: correct as it stands."""
        body = _object(await _read_json(request, settings.max_body_bytes))
        base = _base_version(body, 1)
        reviewer = _name(body, "reviewer")
        review = await _in_store(holder, lambda s: s.mark_reviewed(doc_id, base, reviewer))
        return JSONUTF8Response({"id": doc_id, "version": review.version, "reviewed": True,
                                 "reviewer": review.reviewer, "at": iso(review.reviewed_at)})

    @router.get("/v1/documents/{doc_id}/history", dependencies=read_deps)
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
