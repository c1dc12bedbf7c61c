"""The annotation store: documents, model predictions and human corrections, with every
version kept, for the review-and-retrain loop (README, "Review and retraining").

    from zhie.store import Store
    store = Store()                      # $ZHIE_STORE_URL, else ./zhie-store.sqlite
    store = Store("postgresql://user:pw@host/zhie")

Modules: ``records`` (typed records), ``validate`` (schema checks of a correction),
``changes`` (what a version changed), ``uncertainty`` (the review queue's measure),
``tables`` and ``engine`` (SQLAlchemy), ``store`` (the Store), ``regions`` (events as
labelled spans and links), ``labelstudio``, ``doccano``, ``articles`` (interchange
formats), ``transfer`` (import/export of a whole store), ``cli`` (``zhie store …``).
"""
from __future__ import annotations

from .engine import STORE_ENV, StoreConfigError, resolve_store_url
from .records import (Annotation, AnnotationVersion, ChangeSet, DocumentState, HistoryEntry, QueueItem, Review,
                      ScoreSummary, StoredDocument, StoreStats)
from .store import (DocumentNotFound, DuplicateDocument, Store, StoreError, TextMismatch, VersionConflict,
                    check_name)
from .validate import AnnotationError, Problem, validate_annotation

__all__ = ["Annotation", "AnnotationError", "AnnotationVersion", "ChangeSet", "DocumentNotFound", "DocumentState",
           "DuplicateDocument", "HistoryEntry", "Problem", "QueueItem", "Review", "STORE_ENV", "ScoreSummary", "Store",
           "StoreConfigError", "StoreError", "StoreStats", "StoredDocument", "TextMismatch", "VersionConflict",
           "check_name", "resolve_store_url", "validate_annotation"]
