"""The annotation store: documents, model predictions and human corrections, with history.

    store = Store("reviews.sqlite")                  # or Store("postgresql://…"), Store(None): ./zhie-store.sqlite
    store.add_document(doc, prediction)              # version 1 = the model's prediction (with scores)
    state = store.state(doc_id)                      # document, current version, history
    store.correct(doc_id, annotation, base_version=state.document.version, author="王芳")
    store.mark_reviewed(doc_id, base_version=2, reviewer="李强")
    store.queue(limit=20)                            # unreviewed documents, most uncertain first

Versions are numbered per document and rows are only ever inserted: a correction adds
version n+1 and keeps version n.  Optimistic concurrency: a correction carries the version
it was based on; the store moves ``current_version`` from that number to the next in one
conditional UPDATE, so of two reviewers working from the same version exactly one wins
and the other gets ``VersionConflict`` (HTTP 409) instead of silently overwriting.
Every annotation is validated (``zhie.store.validate``) before it is stored.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from ..schema import Document, Extraction, ModelInfo
from .changes import diff_annotations
from .engine import make_engine, redact, resolve_store_url
from .records import (CORRECTION, IMPORT, PREDICTION, Annotation, AnnotationVersion, ChangeSet, DocumentState,
                      HistoryEntry, QueueItem, Review, ScoreSummary, StoredDocument, StoreStats, as_utc, utc_now)
from .tables import ARRIVAL_SEQUENCE, SCHEMA_VERSION, AnnotationRow, Base, DocumentRow, ReviewRow, StoreInfoRow
from .uncertainty import score_summary
from .validate import (MAX_BASE_VERSION, MAX_VERSION, FieldError, check_annotation_payload, check_name,
                       check_note, check_storable_document, check_version, could_be_document_id, validate_annotation)

__all__ = ["DocumentNotFound", "DuplicateDocument", "FieldError", "Store", "StoreError", "TextMismatch",
           "VersionConflict", "check_name"]
PREVIEW_CHARS = 60


class StoreError(Exception):
    """Base class of the store's expected failures."""


class DocumentNotFound(StoreError):
    def __init__(self, doc_id: str, version: int | None = None) -> None:
        super().__init__(f"no document with id {doc_id!r} in the store" if version is None
                         else f"document {doc_id!r} has no version {version}")
        self.document_id = doc_id
        self.version = version


class DuplicateDocument(StoreError):
    def __init__(self, doc_id: str) -> None:
        super().__init__(f"a document with id {doc_id!r} is already in the store")
        self.document_id = doc_id


class VersionConflict(StoreError):
    """The annotation moved on since the version a correction was based on."""

    def __init__(self, doc_id: str, base_version: int, current_version: int) -> None:
        super().__init__(f"the annotation of document {doc_id!r} is at version {current_version}, but this change "
                         f"was based on version {base_version}; reload the document, apply the change to version "
                         f"{current_version} and send base_version {current_version}")
        self.document_id = doc_id
        self.base_version = base_version
        self.current_version = current_version


class TextMismatch(StoreError):
    def __init__(self, doc_id: str) -> None:
        super().__init__(f"document {doc_id!r} is already in the store with a different text; offsets of an "
                         "annotation only make sense for the exact text, so it was not imported")
        self.document_id = doc_id


def new_document_id() -> str:
    return "d-" + uuid.uuid4().hex[:16]


def model_author(model: ModelInfo) -> str:
    return f"model:{model.name}@{model.version}"


@dataclass(frozen=True)
class _Added:
    document: StoredDocument
    version: AnnotationVersion | None


@dataclass(frozen=True)
class _NewDocument:
    """A document checked and ready to insert (rows are built afresh for every attempt)."""

    doc_id: str
    doc: Document
    annotation: Annotation | None
    kind: str | None
    author: str
    model: ModelInfo | None
    reviewed: bool
    scores: ScoreSummary | None


class Store:
    """Documents, predictions and corrections in a SQL database (SQLite or PostgreSQL)."""

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_store_url(url)
        self.engine = make_engine(self.url)
        for attempt in range(3):  # two processes creating the tables at once: the loser retries
            try:
                Base.metadata.create_all(self.engine)
                with Session(self.engine) as s, s.begin():
                    if s.get(StoreInfoRow, "schema_version") is None:
                        s.add(StoreInfoRow(key="schema_version", value=str(SCHEMA_VERSION)))
                break
            except (IntegrityError, ProgrammingError, OperationalError):
                if attempt == 2:
                    raise
        self._sequence = self.engine.dialect.supports_sequences
        if self._sequence:  # a store made before the sequence existed: start it after the documents there
            with self.engine.begin() as c:
                c.execute(text(f"SELECT setval('{ARRIVAL_SEQUENCE.name}', m) FROM (SELECT max(seq) AS m FROM "
                               f"{DocumentRow.__tablename__}) AS d WHERE m >= (SELECT last_value FROM "
                               f"{ARRIVAL_SEQUENCE.name})"))

    @property
    def display_url(self) -> str:
        return redact(self.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ adding

    def add_document(self, doc: Document, prediction: Extraction | None = None, added_by: str = "api") -> StoredDocument:
        """Store a new document, with the model's prediction as version 1 when given."""
        return self._add(doc, Annotation.from_extraction(prediction) if prediction else None,
                         PREDICTION if prediction else None, added_by,
                         prediction.model if prediction else None, reviewed=False, trusted=True).document

    def add_documents(self, batch: Sequence[tuple[Document, Extraction | None]], added_by: str = "api") \
            -> list[StoredDocument | DuplicateDocument]:
        """Store several new documents (each with its prediction as version 1 when given) in ONE transaction.

        All or nothing: if the database fails, nothing is stored.  An id already in the store (or
        repeated in the batch) comes back as a ``DuplicateDocument`` at its place, the others are
        stored.  A document the store cannot hold raises ``FieldError`` (field ``documents[i]…``)
        before anything is written.
        """
        new = []
        for i, (doc, prediction) in enumerate(batch):
            try:
                new.append(self._prepare(doc, Annotation.from_extraction(prediction) if prediction else None,
                                         PREDICTION if prediction else None, added_by,
                                         prediction.model if prediction else None, reviewed=False, trusted=True))
            except FieldError as exc:
                field = exc.field if exc.field == "added_by" else f"documents[{i}].{exc.field}"
                raise FieldError(field, str(exc).replace(f"'{exc.field}'", f"'{field}'", 1)) from None
        for attempt in range(3):  # a concurrent add of the same id: the retry finds it and reports it
            try:
                with Session(self.engine) as s, s.begin():
                    ids = [n.doc_id for n in new]
                    taken = set(s.scalars(select(DocumentRow.id).where(DocumentRow.id.in_(ids)))) if ids else set()
                    rows: list[DocumentRow | DuplicateDocument] = []
                    for n in new:
                        if n.doc_id in taken:
                            rows.append(DuplicateDocument(n.doc_id))
                            continue
                        taken.add(n.doc_id)
                        rows.append(self._insert(s, n)[0])
                    s.flush()
                    return [r if isinstance(r, DuplicateDocument) else _document(r) for r in rows]
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _prepare(self, doc: Document, annotation: Annotation | dict[str, Any] | None, kind: str | None, author: str,
                 model: ModelInfo | None, reviewed: bool, trusted: bool = False,
                 author_field: str = "added_by") -> _NewDocument:
        """Check a new document (and validate its annotation unless ``trusted``: the pipeline's own output)."""
        author = check_name(author, author_field)
        doc_id = doc.id if doc.id is not None else new_document_id()
        check_storable_document(Document(text=doc.text, id=doc_id, meta=doc.meta), url_safe=False)
        if annotation is not None and not trusted:
            payload = annotation.to_dict() if isinstance(annotation, Annotation) else annotation
            check_annotation_payload(payload)
            annotation = validate_annotation(doc.text, payload, keep_scores=kind == PREDICTION)
        elif annotation is not None:
            check_annotation_payload(annotation.to_dict())
        scores = score_summary(annotation, doc.text) if annotation is not None and kind == PREDICTION else None
        return _NewDocument(doc_id, doc, annotation, kind, author, model, reviewed, scores)

    def _insert(self, s: Session, n: _NewDocument) -> tuple[DocumentRow, AnnotationRow | None]:
        """Add the rows of a new document to the session; its order of arrival comes from the database."""
        now = utc_now()
        version = 1 if n.annotation is not None else 0
        row = DocumentRow(id=n.doc_id, text=n.doc.text, meta=dict(n.doc.meta or {}), added_at=now, added_by=n.author,
                          current_version=version, reviewed_version=version if (n.reviewed and version) else None,
                          uncertainty=n.scores.uncertainty if n.scores else None,
                          low_confidence=n.scores.low_confidence if n.scores else None,
                          mean_score=n.scores.mean_score if n.scores else None)
        row.seq = self._next_arrival(s)
        s.add(row)
        s.flush()
        arow = None
        if n.annotation is not None:
            by = model_author(n.model) if n.kind == PREDICTION and n.model is not None else n.author
            arow = self._annotation_row(n.doc_id, 1, n.kind or IMPORT, by, now, n.annotation, n.model, None,
                                        diff_annotations(None, n.annotation), n.scores, None)
            s.add(arow)
            if n.reviewed:
                s.add(ReviewRow(document_id=n.doc_id, version=1, reviewer=n.author, reviewed_at=now))
            s.flush()
        return row, arow

    def _next_arrival(self, s: Session) -> Any:
        """The next order-of-arrival number, unique under concurrent adds: a database sequence where there
        is one (PostgreSQL); on SQLite ``max + 1`` evaluated inside the INSERT itself, which runs under
        the database's single write lock (a separate SELECT before the INSERT would not)."""
        if self._sequence:
            return s.scalar(ARRIVAL_SEQUENCE.next_value())
        return select(func.coalesce(func.max(DocumentRow.seq), 0) + 1).scalar_subquery()

    def _add(self, doc: Document, annotation: Annotation | dict[str, Any] | None, kind: str | None, author: str,
             model: ModelInfo | None, reviewed: bool, trusted: bool = False) -> _Added:
        """Insert a document and its first version; ``trusted``: the pipeline's own output, not re-validated."""
        new = self._prepare(doc, annotation, kind, author, model, reviewed, trusted,
                            "added_by" if kind in (PREDICTION, None) and trusted else "author")
        try:
            with Session(self.engine) as s, s.begin():
                row, arow = self._insert(s, new)
                return _Added(_document(row), _version(arow) if arow is not None else None)
        except IntegrityError:
            raise DuplicateDocument(new.doc_id) from None

    @staticmethod
    def _annotation_row(doc_id: str, version: int, kind: str, author: str, now, annotation: Annotation,  # noqa: ANN001
                        model: ModelInfo | None, based_on: int | None, changes: ChangeSet,
                        scores: ScoreSummary | None, note: str | None) -> AnnotationRow:
        return AnnotationRow(document_id=doc_id, version=version, kind=kind, author=author, created_at=now,
                             model_name=model.name if model else None, model_version=model.version if model else None,
                             based_on=based_on, annotation=annotation.to_dict(), changes=changes.to_dict(),
                             scores=scores.to_dict() if scores else None, note=note)

    # ------------------------------------------------------------ corrections and reviews

    def correct(self, doc_id: str, annotation: Annotation | dict[str, Any], base_version: int, author: str,
                reviewed: bool = True, note: str | None = None, kind: str = CORRECTION) -> AnnotationVersion:
        """Save a human annotation as the next version; VersionConflict when ``base_version`` is not current.

        ``reviewed`` (default) also marks the new version as reviewed; ``False`` saves a draft,
        which leaves (or puts) the document in the review queue.
        """
        author = check_name(author)
        check_version(base_version, "base_version", 0, MAX_BASE_VERSION)
        note = check_note(note)
        payload = annotation.to_dict() if isinstance(annotation, Annotation) else annotation
        check_annotation_payload(payload)
        if not could_be_document_id(doc_id):
            raise DocumentNotFound(doc_id)
        now = utc_now()
        new = base_version + 1
        with Session(self.engine) as s, s.begin():
            values: dict[str, Any] = {"current_version": new}
            if reviewed:
                values["reviewed_version"] = new
            moved = s.execute(update(DocumentRow)
                              .where(DocumentRow.id == doc_id, DocumentRow.current_version == base_version)
                              .values(**values)).rowcount
            row = s.get(DocumentRow, doc_id)
            if row is None:
                raise DocumentNotFound(doc_id)
            if moved != 1:
                raise VersionConflict(doc_id, base_version, row.current_version)
            clean = validate_annotation(row.text, payload)
            previous = s.get(AnnotationRow, (doc_id, base_version)) if base_version else None
            changes = diff_annotations(Annotation.from_dict(previous.annotation) if previous else None, clean)
            arow = self._annotation_row(doc_id, new, kind, author, now, clean, None, base_version, changes, None, note)
            s.add(arow)
            if reviewed:
                s.add(ReviewRow(document_id=doc_id, version=new, reviewer=author, reviewed_at=now))
            s.flush()
            return _version(arow)

    def mark_reviewed(self, doc_id: str, base_version: int, reviewer: str) -> Review:
        """Mark the current version as reviewed (correct as it stands); VersionConflict if it moved on."""
        reviewer = check_name(reviewer)
        check_version(base_version, "base_version", 1, MAX_VERSION)
        if not could_be_document_id(doc_id):
            raise DocumentNotFound(doc_id)
        now = utc_now()
        with Session(self.engine) as s, s.begin():
            moved = s.execute(update(DocumentRow)
                              .where(DocumentRow.id == doc_id, DocumentRow.current_version == base_version)
                              .values(reviewed_version=base_version)).rowcount
            if moved != 1:
                row = s.get(DocumentRow, doc_id)
                if row is None:
                    raise DocumentNotFound(doc_id)
                raise VersionConflict(doc_id, base_version, row.current_version)
            s.add(ReviewRow(document_id=doc_id, version=base_version, reviewer=reviewer, reviewed_at=now))
        return Review(doc_id, base_version, reviewer, now)

    def import_annotation(self, doc: Document, annotation: Annotation | dict[str, Any], author: str, reviewed: bool = True,
                          kind: str = IMPORT, model: ModelInfo | None = None) -> AnnotationVersion:
        """Add an annotation made elsewhere (Label Studio, doccano, an article file).

        A new document is created with it as version 1; for a known document (same id and
        the same text) it becomes the next version on top of whatever is current.
        """
        if doc.id is not None and could_be_document_id(doc.id):
            for _ in range(20):  # a concurrent writer may move the version between our read and write
                try:
                    current = self.document(doc.id)
                except DocumentNotFound:
                    break
                if current.text != doc.text:
                    raise TextMismatch(doc.id)
                try:  # on top of existing work an imported prediction is an unreviewed import
                    return self.correct(doc.id, annotation, current.version, author,
                                        reviewed=reviewed and kind != PREDICTION,
                                        kind=IMPORT if kind == PREDICTION else kind)
                except VersionConflict:
                    continue
        added = self._add(doc, annotation, kind, author, model, reviewed and kind != PREDICTION)
        assert added.version is not None
        return added.version

    # ------------------------------------------------------------ reading

    def document(self, doc_id: str) -> StoredDocument:
        if not could_be_document_id(doc_id):  # e.g. a NUL or a lone surrogate from a URL: never stored
            raise DocumentNotFound(doc_id)
        with Session(self.engine) as s:
            row = s.get(DocumentRow, doc_id)
            if row is None:
                raise DocumentNotFound(doc_id)
            return _document(row)

    def version(self, doc_id: str, version: int | None = None) -> AnnotationVersion | None:
        """One saved version (default: the current one); None when the document has no annotation yet."""
        if not could_be_document_id(doc_id):
            raise DocumentNotFound(doc_id)
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)
                                    or not 0 <= version <= MAX_VERSION):
            raise DocumentNotFound(doc_id, version)
        with Session(self.engine) as s:
            row = s.get(DocumentRow, doc_id)
            if row is None:
                raise DocumentNotFound(doc_id)
            n = row.current_version if version is None else version
            arow = s.get(AnnotationRow, (doc_id, n)) if n else None
            if arow is None and version is not None:
                raise DocumentNotFound(doc_id, version)
            return _version(arow) if arow is not None else None

    def versions(self, doc_id: str) -> list[AnnotationVersion]:
        if not could_be_document_id(doc_id):
            raise DocumentNotFound(doc_id)
        with Session(self.engine) as s:
            if s.get(DocumentRow, doc_id) is None:
                raise DocumentNotFound(doc_id)
            rows = s.scalars(select(AnnotationRow).where(AnnotationRow.document_id == doc_id)
                             .order_by(AnnotationRow.version)).all()
            return [_version(r) for r in rows]

    def reviews(self, doc_id: str) -> list[Review]:
        if not could_be_document_id(doc_id):
            return []
        with Session(self.engine) as s:
            rows = s.scalars(select(ReviewRow).where(ReviewRow.document_id == doc_id).order_by(ReviewRow.id)).all()
            return [Review(r.document_id, r.version, r.reviewer, as_utc(r.reviewed_at)) for r in rows]

    def history(self, doc_id: str) -> list[HistoryEntry]:
        """Every saved version and every review mark, oldest first."""
        entries = [HistoryEntry(v.kind, v.version, v.author, v.created_at, _version_summary(v))
                   for v in self.versions(doc_id)]
        entries += [HistoryEntry("review", r.version, r.reviewer, r.reviewed_at, f"marked version {r.version} reviewed")
                    for r in self.reviews(doc_id)]
        order = {"prediction": 0, "import": 0, "correction": 0, "review": 1}
        return sorted(entries, key=lambda e: (e.at, e.version, order.get(e.kind, 0)))

    def state(self, doc_id: str) -> DocumentState:
        doc = self.document(doc_id)
        return DocumentState(doc, self.version(doc_id), self.history(doc_id))

    def queue(self, limit: int = 20) -> list[QueueItem]:
        """Unreviewed documents, most uncertain first (``zhie.store.uncertainty`` explains the order)."""
        with Session(self.engine) as s:
            stmt = (select(DocumentRow, AnnotationRow)
                    .outerjoin(AnnotationRow, (AnnotationRow.document_id == DocumentRow.id)
                               & (AnnotationRow.kind == PREDICTION))
                    .where(or_(DocumentRow.reviewed_version.is_(None),
                               DocumentRow.reviewed_version != DocumentRow.current_version))
                    .order_by(DocumentRow.uncertainty.desc().nulls_last(), DocumentRow.low_confidence.desc().nulls_last(),
                              DocumentRow.mean_score.asc().nulls_last(), DocumentRow.seq, DocumentRow.id,
                              AnnotationRow.version.desc()))
            items: list[QueueItem] = []
            seen: set[str] = set()
            for row, arow in s.execute(stmt):
                if row.id in seen:  # several predictions: the newest comes first
                    continue
                seen.add(row.id)
                scores = _scores(arow.scores) if arow is not None else None
                model = ModelInfo(arow.model_name or "", arow.model_version or "") if arow is not None else None
                items.append(QueueItem(row.id, row.current_version, scores, model, as_utc(row.added_at),
                                       " ".join(row.text.split())[:PREVIEW_CHARS]))
                if len(items) >= limit:
                    break
            return items

    def documents(self, reviewed_only: bool = False) -> Iterator[tuple[StoredDocument, AnnotationVersion | None]]:
        """Every document (or only the reviewed ones) with its current annotation, in order of arrival."""
        with Session(self.engine) as s:
            stmt = (select(DocumentRow, AnnotationRow)
                    .outerjoin(AnnotationRow, (AnnotationRow.document_id == DocumentRow.id)
                               & (AnnotationRow.version == DocumentRow.current_version))
                    .order_by(DocumentRow.seq, DocumentRow.id).execution_options(yield_per=200))
            if reviewed_only:
                stmt = stmt.where(DocumentRow.reviewed_version == DocumentRow.current_version,
                                  DocumentRow.current_version > 0)
            for row, arow in s.execute(stmt):
                yield _document(row), (_version(arow) if arow is not None else None)

    def stats(self) -> StoreStats:
        with Session(self.engine) as s:
            docs = s.scalar(select(func.count()).select_from(DocumentRow)) or 0
            reviewed = s.scalar(select(func.count()).select_from(DocumentRow).where(
                DocumentRow.reviewed_version == DocumentRow.current_version, DocumentRow.current_version > 0)) or 0
            versions = s.scalar(select(func.count()).select_from(AnnotationRow)) or 0
            corrections = s.scalar(select(func.count()).select_from(AnnotationRow).where(
                AnnotationRow.kind == CORRECTION)) or 0
            return StoreStats(docs, reviewed, versions, corrections)

    def drop_all(self) -> None:
        """Remove the store's tables and everything in them (tests, resets)."""
        Base.metadata.drop_all(self.engine)


# ------------------------------------------------------------ row → record

def _document(row: DocumentRow) -> StoredDocument:
    return StoredDocument(id=row.id, text=row.text, meta=dict(row.meta or {}), added_at=as_utc(row.added_at),
                          added_by=row.added_by, version=row.current_version, reviewed_version=row.reviewed_version)


def _scores(d: dict[str, Any] | None) -> ScoreSummary | None:
    if not d:
        return None
    return ScoreSummary(float(d["uncertainty"]), d.get("min_score"), d.get("mean_score"), int(d.get("low_confidence", 0)),
                        int(d.get("entities", 0)))


def _version(row: AnnotationRow) -> AnnotationVersion:
    model = ModelInfo(row.model_name, row.model_version or "") if row.model_name else None
    return AnnotationVersion(document_id=row.document_id, version=row.version, kind=row.kind, author=row.author,
                             created_at=as_utc(row.created_at), annotation=Annotation.from_dict(row.annotation),
                             model=model, based_on=row.based_on, changes=ChangeSet.from_dict(row.changes),
                             scores=_scores(row.scores), note=row.note)


def _version_summary(v: AnnotationVersion) -> str:
    a = v.annotation
    counts = f"{len(a.entities)} entities, {len(a.relations)} relations, {len(a.events)} events"
    if v.kind == PREDICTION:
        return f"predicted by {v.model.name} {v.model.version}: {counts}" if v.model else f"predicted: {counts}"
    if v.based_on is None or v.based_on == 0:
        return f"{v.kind}: {counts}"
    return f"{v.kind} of version {v.based_on}: {v.changes.summary()}"
