"""doccano JSON Lines to and from the store (one document per line).

Written lines serve both doccano project types, sequence labelling and relation extraction::

    {"doc_id": "d-1", "text": "…", "meta": {"date": "2023-06-20"},
     "label": [[11, 16, "ZONE"], [26, 28, "TRIGGER:SIGN_CONTRACT"], [40, 44, "ARGUMENT"]],
     "entities": [{"id": 1, "label": "ZONE", "start_offset": 11, "end_offset": 16}, …],
     "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "party"}, …],
     "zhie": {"ids": {"1": "e1", "2": "v1"}, "normalisation": {…}, "version": 2, "reviewed": true}}

``label`` and ``entities`` list the same spans in the same order; span ``k`` (0-based) has
the doccano id ``k + 1``, which ``relations`` use.  Events are encoded as in
``zhie.store.regions``: the trigger is a span labelled ``TRIGGER:<TYPE>``, an argument a
relation from the trigger to the argument's span typed with the role (``party``,
``visitor`` …), a plain-span argument a span labelled ``ARGUMENT``.  ``zhie.ids`` maps the
doccano ids back to the zhie entity and event ids.

Reading takes ``entities`` when present (doccano's relation export, with its own ids),
else ``label`` (ids = 1-based positions); ``doc_id``, then ``id``, is the document id;
``zhie`` may also sit inside ``meta`` (where doccano keeps extra columns).
"""
from __future__ import annotations

from typing import Any

from ..io import InputError, parse_document
from .records import AnnotationVersion, ImportedDocument, StoredDocument
from .regions import FormatError, assemble, flatten


def to_line(doc: StoredDocument, version: AnnotationVersion | None) -> dict[str, Any]:
    out: dict[str, Any] = {"doc_id": doc.id, "text": doc.text, "meta": doc.meta, "label": [], "entities": [],
                           "relations": []}
    if version is None:
        return out
    regions, links, norms = flatten(version.annotation)
    number = {r.id: k + 1 for k, r in enumerate(regions)}
    out["label"] = [[r.start, r.end, r.label] for r in regions]
    out["entities"] = [{"id": number[r.id], "label": r.label, "start_offset": r.start, "end_offset": r.end}
                       for r in regions]
    out["relations"] = [{"id": k + 1, "from_id": number[l.source], "to_id": number[l.target], "type": l.label}
                        for k, l in enumerate(links)]
    out["zhie"] = {"ids": {str(number[r.id]): r.id for r in regions}, "normalisation": norms,
                   "version": version.version, "reviewed": doc.reviewed}
    return out


def _spans(obj: dict[str, Any], where: str) -> list[tuple[int | str, int, int, str]]:
    """(doccano id, start, end, label) of every span."""
    out = []
    if isinstance(obj.get("entities"), list) and obj["entities"]:
        for k, e in enumerate(obj["entities"]):
            if not isinstance(e, dict):
                raise FormatError(f"{where} entities[{k}]: expected an object")
            out.append((e.get("id", k + 1), e.get("start_offset"), e.get("end_offset"), e.get("label")))
        return out
    labels = obj.get("label") or []
    if not isinstance(labels, list):
        raise FormatError(f"{where}: 'label' must be an array of [start, end, LABEL]")
    for k, item in enumerate(labels):
        if not isinstance(item, list) or len(item) != 3:
            raise FormatError(f"{where} label[{k}]: expected [start, end, LABEL], got {item!r}")
        out.append((k + 1, item[0], item[1], item[2]))
    return out


def from_line(obj: Any, where: str) -> ImportedDocument:
    if not isinstance(obj, dict):
        raise FormatError(f"{where}: expected a JSON object")
    meta = dict(obj.get("meta") or {}) if isinstance(obj.get("meta"), dict) else {}
    zhie = obj.get("zhie") if isinstance(obj.get("zhie"), dict) else meta.get("zhie")
    zhie = zhie if isinstance(zhie, dict) else {}
    doc_id = obj.get("doc_id", meta.get("doc_id", obj.get("id")))
    for key in ("zhie", "doc_id"):
        meta.pop(key, None)
    try:
        doc = parse_document({"id": doc_id, "text": obj.get("text"), "meta": meta})
    except InputError as exc:
        raise FormatError(f"{where}: {exc}") from None
    if doc.id is None:
        raise FormatError(f"{where}: no document id (doc_id or id)")
    ids = zhie.get("ids") if isinstance(zhie.get("ids"), dict) else {}
    regions: dict[str, tuple[str, dict[str, Any]]] = {}
    by_number: dict[str, str] = {}
    for number, start, end, label in _spans(obj, where):
        if not isinstance(label, str):
            raise FormatError(f"{where}: span {number} has no label")
        rid = str(ids.get(str(number), f"s{number}"))
        if rid in regions:
            raise FormatError(f"{where}: span id {number} is used twice")
        by_number[str(number)] = rid
        start_end_ok = all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end))
        text = doc.text[start:end] if start_end_ok else None
        regions[rid] = (label, {"start": start, "end": end, **({"text": text} if text is not None else {})})
    links = []
    for k, r in enumerate(obj.get("relations") or []):
        here = f"{where} relations[{k}]"
        if not isinstance(r, dict) or not isinstance(r.get("type"), str):
            raise FormatError(f"{here}: expected {{from_id, to_id, type}}")
        src, dst = by_number.get(str(r.get("from_id"))), by_number.get(str(r.get("to_id")))
        if src is None or dst is None:
            raise FormatError(f"{here}: from_id {r.get('from_id')!r} or to_id {r.get('to_id')!r} is not a span id")
        links.append((here, src, dst, r["type"]))
    reviewed = zhie.get("reviewed") if isinstance(zhie.get("reviewed"), bool) else None
    return ImportedDocument(doc, assemble(regions, links, zhie.get("normalisation"), where), reviewed=reviewed)
