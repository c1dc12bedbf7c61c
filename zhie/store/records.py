"""Typed records at the store's boundary: documents, annotation versions, reviews, the
review queue and the changes between two versions.

An *annotation* is the part of SCHEMA.md's result JSON that a reviewer edits: entities,
relations and events (``Annotation``, built from ``zhie.schema`` records).  Every saved
annotation is an ``AnnotationVersion`` (1, 2, 3 … per document, never overwritten).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..schema import Document, Entity, Event, Extraction, ModelInfo, Relation

PREDICTION, CORRECTION, IMPORT = "prediction", "correction", "import"
KINDS = (PREDICTION, CORRECTION, IMPORT)


@dataclass
class Annotation:
    """Entities, relations and events of one document (offsets into its text)."""

    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"entities": [e.to_dict() for e in self.entities],
                "relations": [r.to_dict() for r in self.relations],
                "events": [v.to_dict() for v in self.events]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Annotation":
        """From trusted JSON (the store's own rows); use ``validate_annotation`` for user input."""
        return cls(entities=[Entity.from_dict(e) for e in d.get("entities", [])],
                   relations=[Relation.from_dict(r) for r in d.get("relations", [])],
                   events=[Event.from_dict(v) for v in d.get("events", [])])

    @classmethod
    def from_extraction(cls, result: Extraction) -> "Annotation":
        return cls(list(result.entities), list(result.relations), list(result.events))

    def without_scores(self) -> "Annotation":
        """The same annotation with every model score removed (a human annotation has none)."""
        plain = Annotation.from_dict(self.to_dict())
        for e in plain.entities:
            e.score = None
        for r in plain.relations:
            r.score = None
        for v in plain.events:
            v.score = None
            for a in v.arguments:
                a.score = None
        return plain


@dataclass(frozen=True)
class ScoreSummary:
    """How sure the model was of one prediction (see ``zhie.store.uncertainty``)."""

    uncertainty: float
    min_score: float | None
    mean_score: float | None
    low_confidence: int
    entities: int

    def to_dict(self) -> dict[str, Any]:
        return {"uncertainty": round(self.uncertainty, 4),
                "min_score": None if self.min_score is None else round(self.min_score, 4),
                "mean_score": None if self.mean_score is None else round(self.mean_score, 4),
                "low_confidence": self.low_confidence, "entities": self.entities}


@dataclass
class ItemChanges:
    """Items of one kind (entities, relations or events) added, removed or changed, described briefly."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def to_dict(self) -> dict[str, list[str]]:
        return {"added": self.added, "removed": self.removed, "changed": self.changed}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "ItemChanges":
        d = d or {}
        return cls(list(d.get("added", [])), list(d.get("removed", [])), list(d.get("changed", [])))


@dataclass
class ChangeSet:
    """What one annotation version changed against the version it was based on."""

    entities: ItemChanges = field(default_factory=ItemChanges)
    relations: ItemChanges = field(default_factory=ItemChanges)
    events: ItemChanges = field(default_factory=ItemChanges)

    def summary(self) -> str:
        parts = []
        for name in ("entities", "relations", "events"):
            c: ItemChanges = getattr(self, name)
            if c:
                counts = [f"{sign}{len(items)}" for sign, items in (("+", c.added), ("-", c.removed), ("~", c.changed))
                          if items]
                parts.append(f"{name} {' '.join(counts)}")
        return "; ".join(parts) if parts else "no change"

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "entities": self.entities.to_dict(),
                "relations": self.relations.to_dict(), "events": self.events.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "ChangeSet":
        d = d or {}
        return cls(ItemChanges.from_dict(d.get("entities")), ItemChanges.from_dict(d.get("relations")),
                   ItemChanges.from_dict(d.get("events")))


@dataclass(frozen=True)
class StoredDocument:
    """A document in the store, with its current annotation version and review state."""

    id: str
    text: str
    meta: dict[str, Any]
    added_at: dt.datetime
    added_by: str
    version: int                 # current annotation version (0: none yet)
    reviewed_version: int | None  # the latest version a human marked as reviewed

    @property
    def reviewed(self) -> bool:
        """True when the CURRENT version was reviewed (a later unreviewed version reopens it)."""
        return self.version > 0 and self.reviewed_version == self.version


@dataclass(frozen=True)
class AnnotationVersion:
    """One saved annotation of a document; versions are numbered 1, 2, 3 … and never change."""

    document_id: str
    version: int
    kind: str                     # prediction | correction | import
    author: str                   # the reviewer, or "model:<name>@<version>"
    created_at: dt.datetime
    annotation: Annotation
    model: ModelInfo | None = None  # the model that predicted it (predictions)
    based_on: int | None = None     # the version a correction was made from
    changes: ChangeSet = field(default_factory=ChangeSet)
    scores: ScoreSummary | None = None
    note: str | None = None


@dataclass(frozen=True)
class Review:
    """A human's mark that a version is correct as it stands."""

    document_id: str
    version: int
    reviewer: str
    reviewed_at: dt.datetime


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a document's history: a saved version or a review mark."""

    kind: str          # prediction | correction | import | review
    version: int
    author: str
    at: dt.datetime
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "version": self.version, "author": self.author,
                "at": iso(self.at), "summary": self.summary}


@dataclass(frozen=True)
class DocumentState:
    """A document, its current annotation and its history (what ``GET /v1/documents/{id}`` returns)."""

    document: StoredDocument
    current: AnnotationVersion | None
    history: list[HistoryEntry]


@dataclass(frozen=True)
class QueueItem:
    """An unreviewed document in the review queue."""

    id: str
    version: int
    scores: ScoreSummary | None
    model: ModelInfo | None
    added_at: dt.datetime
    preview: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version,
                **(self.scores.to_dict() if self.scores else {"uncertainty": None}),
                "model": self.model.to_dict() if self.model else None,
                "added_at": iso(self.added_at), "preview": self.preview}


@dataclass
class ImportedDocument:
    """A document read from an interchange file, with its (not yet validated) annotation."""

    document: Document
    annotation: dict[str, Any]
    kind: str = IMPORT           # import (a human annotation) or prediction
    reviewed: bool | None = None  # None: as the importer decides
    author: str | None = None
    model: ModelInfo | None = None


@dataclass(frozen=True)
class StoreStats:
    documents: int
    reviewed: int
    versions: int
    corrections: int

    def to_dict(self) -> dict[str, int]:
        return {"documents": self.documents, "reviewed": self.reviewed, "unreviewed": self.documents - self.reviewed,
                "versions": self.versions, "corrections": self.corrections}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def as_utc(value: dt.datetime) -> dt.datetime:
    """Timestamps come back naive from SQLite: they were written in UTC."""
    return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


def iso(value: dt.datetime) -> str:
    return as_utc(value).isoformat(timespec="milliseconds").replace("+00:00", "Z")
