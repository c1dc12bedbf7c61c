"""Moving a whole store to and from files: Label Studio JSON, doccano JSON Lines, and the
project's article JSON Lines (training data).

    report = export_file(store, "labelstudio", path)     # every document, current version
    n = export_store(store, "train", path)               # reviewed documents only (training); strict
    report = import_file(store, "doccano", path, author="王芳")

An export is written to a temporary file next to ``path`` and renamed over it at the end,
so a crash midway leaves ``path`` as it was; records are strict JSON (no NaN/Infinity).  A
document that cannot be converted is reported by id (``ExportReport.failed``) and left out,
a document the tool refuses (doccano: an empty text) is reported as skipped.

An import validates every document like a correction; a document that fails is reported
(with the item at fault) and skipped, the others are imported.  A record with nothing to
import (a Label Studio task nobody annotated) is counted as skipped, and what a reader could
not keep (a link to a deleted span, a normalisation of a changed span) is listed in the notes.
"""
from __future__ import annotations

import functools
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from . import articles, doccano, labelstudio
from .records import PREDICTION, AnnotationVersion, ImportedDocument, StoredDocument
from .regions import FormatError, NotExportable, NothingToImport
from .store import Store, StoreError
from .validate import AnnotationError

FORMATS = ("labelstudio", "doccano", "train")


@dataclass
class ImportReport:
    imported: int = 0
    created: int = 0
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)   # records with nothing to import
    notes: list[str] = field(default_factory=list)     # what was imported but could not be kept whole

    def to_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "created": self.created, "failed": len(self.failed), "errors": self.failed,
                "skipped": len(self.skipped), "skipped_records": self.skipped, "notes": self.notes}


@dataclass
class ExportReport:
    written: int = 0
    skipped: list[str] = field(default_factory=list)   # documents the format cannot hold
    failed: list[str] = field(default_factory=list)    # documents that could not be converted


class ExportError(RuntimeError):
    """An export that was not written; ``path`` is unchanged."""


def _record(fmt: str, doc: StoredDocument, version: AnnotationVersion | None) -> dict[str, Any] | None:
    if fmt == "labelstudio":
        return labelstudio.to_task(doc, version)
    if fmt == "doccano":
        return doccano.to_line(doc, version)
    return articles.to_article(doc, version.annotation) if version is not None else None


def export_records(store: Store, fmt: str, reviewed_only: bool | None = None,
                   report: ExportReport | None = None) -> Iterator[tuple[str, str]]:
    """(document id, strict JSON text) of the store's documents in ``fmt``; ``train`` defaults to
    reviewed documents only, the others to all.  A document that cannot be converted is put in
    ``report`` (skipped or failed, by id) and left out; without a report it raises ``ExportError``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if reviewed_only is None:
        reviewed_only = fmt == "train"
    for doc, version in store.documents(reviewed_only=reviewed_only):
        try:
            record = _record(fmt, doc, version)
            if record is None:
                continue
            text = json.dumps(record, ensure_ascii=False, allow_nan=False)
        except NotExportable as exc:
            if report is None:
                raise ExportError(f"{exc} (not exported as {fmt})") from None
            report.skipped.append(f"{exc}; not exported as {fmt}")
            continue
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the export of the others
            message = f"document {doc.id!r} (version {doc.version}) cannot be exported as {fmt}: " \
                      f"{type(exc).__name__}: {exc}"
            if report is None:
                raise ExportError(message) from exc
            report.failed.append(message)
            continue
        yield doc.id, text


def _write_atomically(path: Path, write: Callable[[IO[str]], None]) -> None:
    """Run ``write`` on a temporary file next to ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # the permissions of a file opened for writing, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_file(store: Store, fmt: str, path: str | Path, reviewed_only: bool | None = None,
                strict: bool = False) -> ExportReport:
    """Write the export to ``path`` atomically.  ``strict``: a document that cannot be exported
    (failed or skipped) raises ``ExportError`` and ``path`` is left as it was."""
    report = ExportReport()

    def write(f: IO[str]) -> None:
        records = export_records(store, fmt, reviewed_only, None if strict else report)
        if fmt == "labelstudio":  # Label Studio imports and exports one JSON array
            f.write("[")
            for n, (_, text) in enumerate(records):
                f.write(("," if n else "") + "\n" + text)
                report.written += 1
            f.write("\n]\n")
            return
        for _, text in records:
            f.write(text + "\n")
            report.written += 1

    _write_atomically(Path(path), write)
    return report


def export_store(store: Store, fmt: str, path: str | Path, reviewed_only: bool | None = None) -> int:
    """Write the export to ``path`` (all or nothing, see ``export_file``); the number of documents written."""
    return export_file(store, fmt, path, reviewed_only, strict=True).written


def _read_records(fmt: str, path: Path) -> Iterator[tuple[str, Any]]:
    """(where, raw record) for every record of the file; a broken line is yielded as a FormatError."""
    raw = path.read_text(encoding="utf-8-sig")
    if fmt == "labelstudio" and raw.lstrip().startswith("["):
        try:
            tasks = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise FormatError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}") from None
        if not isinstance(tasks, list):
            raise FormatError(f"{path}: expected a JSON array of Label Studio tasks")
        for k, task in enumerate(tasks):
            ls_id = task.get("id") if isinstance(task, dict) else None
            yield f"{path.name} task {k}" + (f" (Label Studio id {ls_id})" if ls_id is not None else ""), task
        return
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name} line {n}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as exc:
            yield where, FormatError(f"{where}: not valid JSON: {exc.msg}")


def _reader(fmt: str, users: dict[int, str] | None, notes: list[str]) -> Callable[[Any, str], ImportedDocument]:
    if fmt == "labelstudio":
        return functools.partial(labelstudio.from_task, users=users, notes=notes)
    if fmt == "doccano":
        return functools.partial(doccano.from_line, notes=notes)
    return articles.from_article


def import_file(store: Store, fmt: str, path: str | Path, author: str, reviewed: bool = True,
                users: dict[int, str] | None = None) -> ImportReport:
    """Import every record of ``path``: human annotations as reviewed versions (unless ``reviewed``
    is False or the record says otherwise), model predictions as unreviewed predictions.
    ``users`` maps Label Studio user numbers (``completed_by``) to annotator names."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    report = ImportReport()
    for where, raw in _read_records(fmt, Path(path)):
        item: ImportedDocument | None = None
        notes: list[str] = []
        try:
            if isinstance(raw, FormatError):
                raise raw
            item = _reader(fmt, users, notes)(raw, where)
            is_reviewed = reviewed if item.reviewed is None else (reviewed and item.reviewed)
            existed = _exists(store, item.document.id)
            store.import_annotation(item.document, item.annotation, item.author or author,  # type: ignore[arg-type]
                                    reviewed=is_reviewed and item.kind != PREDICTION, kind=item.kind,
                                    model=item.model)
        except NothingToImport as exc:
            report.skipped.append(str(exc))
            continue
        except AnnotationError as exc:
            doc_id = item.document.id if item is not None else None
            report.failed.append(f"{where} (document {doc_id!r}): {exc}")
            continue
        except (FormatError, StoreError, ValueError) as exc:
            report.failed.append(str(exc) if str(exc).startswith(where) else f"{where}: {exc}")
            continue
        report.imported += 1
        report.created += not existed
        report.notes += notes
    return report


def _exists(store: Store, doc_id: str | None) -> bool:
    if doc_id is None:
        return False
    try:
        store.document(doc_id)
        return True
    except StoreError:
        return False
