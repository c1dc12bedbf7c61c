"""Moving a whole store to and from files: Label Studio JSON, doccano JSON Lines, and the
project's article JSON Lines (training data).

    export_store(store, "labelstudio", path)             # every document, current version
    export_store(store, "train", path)                   # reviewed documents only (training)
    report = import_file(store, "doccano", path, author="王芳")

An import validates every document like a correction; a document that fails is reported
(with the item at fault) and skipped, the others are imported.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from . import articles, doccano, labelstudio
from .records import PREDICTION, ImportedDocument
from .regions import FormatError
from .store import Store, StoreError
from .validate import AnnotationError

FORMATS = ("labelstudio", "doccano", "train")


@dataclass
class ImportReport:
    imported: int = 0
    created: int = 0
    failed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "created": self.created, "failed": len(self.failed), "errors": self.failed}


def export_records(store: Store, fmt: str, reviewed_only: bool | None = None) -> Iterator[dict[str, Any]]:
    """The store's documents in ``fmt``; ``train`` defaults to reviewed documents only, the others to all."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if reviewed_only is None:
        reviewed_only = fmt == "train"
    for doc, version in store.documents(reviewed_only=reviewed_only):
        if fmt == "labelstudio":
            yield labelstudio.to_task(doc, version)
        elif fmt == "doccano":
            yield doccano.to_line(doc, version)
        elif version is not None:
            yield articles.to_article(doc, version.annotation)


def export_store(store: Store, fmt: str, path: str | Path, reviewed_only: bool | None = None) -> int:
    """Write the export to ``path``; returns the number of documents written."""
    records = list(export_records(store, fmt, reviewed_only)) if fmt == "labelstudio" else export_records(
        store, fmt, reviewed_only)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        if fmt == "labelstudio":  # Label Studio imports and exports one JSON array
            json.dump(records, f, ensure_ascii=False, indent=1)
            f.write("\n")
            return len(records)  # type: ignore[arg-type]
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def _read_records(fmt: str, path: Path) -> Iterator[tuple[str, Any]]:
    """(where, raw record) for every record of the file; a broken line is yielded as a FormatError."""
    raw = path.read_text(encoding="utf-8-sig")
    if fmt == "labelstudio" and raw.lstrip().startswith("["):
        try:
            tasks = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise FormatError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno}") from None
        for k, task in enumerate(tasks):
            yield f"{path.name} task {k}", task
        return
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name} line {n}"
        try:
            yield where, json.loads(line)
        except json.JSONDecodeError as exc:
            yield where, FormatError(f"{where}: not valid JSON: {exc.msg}")


READERS: dict[str, Callable[[Any, str], ImportedDocument]] = {
    "labelstudio": labelstudio.from_task, "doccano": doccano.from_line, "train": articles.from_article}


def import_file(store: Store, fmt: str, path: str | Path, author: str, reviewed: bool = True) -> ImportReport:
    """Import every record of ``path``: human annotations as reviewed versions (unless ``reviewed``
    is False or the record says otherwise), model predictions as unreviewed predictions."""
    if fmt not in READERS:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    report = ImportReport()
    for where, raw in _read_records(fmt, Path(path)):
        item: ImportedDocument | None = None
        try:
            if isinstance(raw, FormatError):
                raise raw
            item = READERS[fmt](raw, where)
            is_reviewed = reviewed if item.reviewed is None else (reviewed and item.reviewed)
            existed = _exists(store, item.document.id)
            store.import_annotation(item.document, item.annotation, item.author or author,  # type: ignore[arg-type]
                                    reviewed=is_reviewed and item.kind != PREDICTION, kind=item.kind,
                                    model=item.model)
        except AnnotationError as exc:
            doc_id = item.document.id if item is not None else None
            report.failed.append(f"{where} (document {doc_id!r}): {exc}")
            continue
        except (FormatError, StoreError, ValueError) as exc:
            report.failed.append(str(exc) if str(exc).startswith(where) else f"{where}: {exc}")
            continue
        report.imported += 1
        report.created += not existed
    return report


def _exists(store: Store, doc_id: str | None) -> bool:
    if doc_id is None:
        return False
    try:
        store.document(doc_id)
        return True
    except StoreError:
        return False
