"""The project's own article format (the shape of ``annotations/train.jsonl``), for training
and for seeding the store:

    {"id", "text", "meta", "entities": [{id, label, start, end, text, value?, unit?, approx?, norm?}],
     "relations": [{type, head, tail}], "events": [{id, type, trigger, arguments}]}

Exported articles carry no scores; the trainer reads them with ``--extra-train``.
"""
from __future__ import annotations

from typing import Any

from ..io import InputError, parse_document
from .records import Annotation, ImportedDocument, StoredDocument
from .regions import FormatError


def to_article(doc: StoredDocument, annotation: Annotation) -> dict[str, Any]:
    plain = annotation.without_scores().to_dict()
    return {"id": doc.id, "text": doc.text, "meta": doc.meta, **plain}


def from_article(obj: Any, where: str) -> ImportedDocument:
    try:
        doc = parse_document(obj)
    except InputError as exc:
        raise FormatError(f"{where}: {exc}") from None
    if doc.id is None:
        raise FormatError(f"{where}: an article needs an id")
    payload = {k: obj.get(k) or [] for k in ("entities", "relations", "events")}
    return ImportedDocument(doc, payload)
