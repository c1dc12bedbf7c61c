"""doccano JSON Lines to and from the store (one document per line).

Written lines serve both doccano project types, sequence labelling and relation extraction::

    {"doc_id": "d-1", "text": "…", "meta": {"date": "2023-06-20"},
     "label": [[11, 16, "ZONE"], [26, 28, "TRIGGER:SIGN_CONTRACT"], [40, 44, "ARGUMENT"]],
     "entities": [{"id": 1, "label": "ZONE", "start_offset": 11, "end_offset": 16}, …],
     "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "party"}, …],
     "zhie": {"spans": [[11, 16, "ZONE", "e1"], …], "links": [["v1", "e1", "party"], …],
              "normalisation": {"e5": {…}}, "version": 2, "reviewed": true}}

``label`` and ``entities`` list the same spans in the same order; span ``k`` (0-based) has
the doccano id ``k + 1``, which ``relations`` use.  Events are encoded as in
``zhie.store.regions``: the trigger is a span labelled ``TRIGGER:<TYPE>``, an argument a
relation from the trigger to the argument's span typed with the role (``party``,
``visitor`` …), a plain-span argument a span labelled ``ARGUMENT``.  ``zhie.spans`` and
``zhie.links`` are the exported spans and links with their zhie ids.  doccano refuses empty
texts, so a document without text is not exported (``NotExportable``).

What doccano writes back, and how it is read:

- a sequence-labelling project edits ``label`` and writes the columns it does not own
  (``entities``, ``relations``, ``zhie``) back as they were imported.  Those ``relations``
  number the exported spans, so they are not used: the links are ``zhie.links`` between the
  spans found again at the same offsets; a link whose span was deleted or moved is dropped
  and said so in the notes;
- a relation project renumbers ``entities`` with its database ids, which its ``relations``
  use; ``label`` comes back as imported;
- spans are matched to the exported ones by offsets (``regions.restore_ids``): a span found
  again keeps its zhie id, and its normalisation only if offsets and label are unchanged;
- a line where both ``label`` and ``entities`` differ from the export is refused (which of
  the two the annotator edited cannot be told), the store keeping what it had.

Files that zhie did not write (no ``zhie.spans``): ``entities`` when present, else ``label``
(ids = 1-based positions); ``doc_id``, then ``id``, is the document id; ``zhie`` may also sit
inside ``meta`` (where doccano keeps extra columns).  A human's edit follows the import's
rule (reviewed unless ``--unreviewed``); the exported ``reviewed`` flag applies only to a line
that comes back unchanged.
"""
from __future__ import annotations

from typing import Any

from ..io import InputError, parse_document
from .records import AnnotationVersion, ImportedDocument, StoredDocument
from .regions import (Exported, FormatError, NotExportable, assemble, flatten, keep_norms, link_table, restore_ids,
                      span_table)

Span = tuple[str, Any, Any, str]  # (doccano id, start, end, label)


def to_line(doc: StoredDocument, version: AnnotationVersion | None) -> dict[str, Any]:
    if not doc.text.strip():
        raise NotExportable(f"document {doc.id!r} has an empty text, which doccano refuses")
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
    out["zhie"] = {"spans": span_table(regions), "links": link_table(links), "normalisation": norms,
                   "version": version.version, "reviewed": doc.reviewed}
    return out


def _entities(obj: dict[str, Any], where: str) -> list[Span]:
    out = []
    for k, e in enumerate(obj.get("entities") or []):
        if not isinstance(e, dict):
            raise FormatError(f"{where} entities[{k}]: expected an object")
        out.append((str(e.get("id", k + 1)), e.get("start_offset"), e.get("end_offset"), e.get("label")))
    return out


def _labels(obj: dict[str, Any], where: str) -> list[Span]:
    labels = obj.get("label") or []
    if not isinstance(labels, list):
        raise FormatError(f"{where}: 'label' must be an array of [start, end, LABEL]")
    out = []
    for k, item in enumerate(labels):
        if not isinstance(item, list) or len(item) != 3:
            raise FormatError(f"{where} label[{k}]: expected [start, end, LABEL], got {item!r}")
        out.append((str(k + 1), item[0], item[1], item[2]))
    return out


def _as_written(spans: list[Span], exported: Exported) -> bool:
    """Whether a column holds the exported spans as zhie numbered them (1, 2, … in table order)."""
    return [s[1:] for s in spans] == list(exported.spans.values()) and \
        [s[0] for s in spans] == [str(k + 1) for k in range(len(spans))]


def _relations(obj: dict[str, Any], where: str) -> list[tuple[str, str, str, str]]:
    links = []
    for k, r in enumerate(obj.get("relations") or []):
        here = f"{where} relations[{k}]"
        if not isinstance(r, dict) or not isinstance(r.get("type"), str):
            raise FormatError(f"{here}: expected {{from_id, to_id, type}}")
        links.append((here, str(r.get("from_id")), str(r.get("to_id")), r["type"]))
    return links


def from_line(obj: Any, where: str, notes: list[str] | None = None) -> ImportedDocument:
    """Read one doccano line (``where`` names it in messages); links or normalisations that could
    not be kept are described in ``notes``."""
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
    exported = Exported.read(zhie, where)
    entities, labels = _entities(obj, where), _labels(obj, where)
    stale_links = False  # the relations column numbers the exported spans, not these
    if exported is None:
        spans = entities or labels
    elif "entities" not in obj or ("label" in obj and _as_written(entities, exported)
                                   and not _as_written(labels, exported)):
        spans, stale_links = labels, True  # a sequence-labelling project: label is the edited column
    elif "label" not in obj or _as_written(labels, exported):
        spans = entities  # a relation project (its own ids), or a line that came back unchanged
    else:
        raise FormatError(f"{where} (document {doc.id!r}): both 'label' and 'entities' differ from what zhie "
                          "exported, so which one the annotator edited cannot be told; keep the column of the "
                          "doccano project (label: sequence labelling, entities/relations: relation extraction) "
                          "and import again (nothing was changed in the store)")
    for number, start, end, label in spans:
        if not isinstance(label, str):
            raise FormatError(f"{where}: span {number} has no label")
    if len({s[0] for s in spans}) != len(spans):
        raise FormatError(f"{where}: a span id is used twice")
    ids, exact = restore_ids(spans, exported, fresh=lambda number: f"s{number}")
    regions: dict[str, tuple[str, dict[str, Any]]] = {}
    for number, start, end, label in spans:
        ok = all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end))
        text = doc.text[start:end] if ok else None
        regions[ids[number]] = (label, {"start": start, "end": end, **({"text": text} if text is not None else {})})
    if stale_links:
        assert exported is not None
        links, kept = [], set(ids.values())
        for k, (src, dst, label) in enumerate(exported.links):
            if src in kept and dst in kept:
                links.append((f"{where} zhie.links[{k}]", src, dst, label))
            elif notes is not None:
                gone = [f"{i} {exported.spans[i][2]} at {exported.spans[i][0]}-{exported.spans[i][1]}"
                        for i in (src, dst) if i not in kept and i in exported.spans]
                notes.append(f"{where} (document {doc.id!r}): the link {label} {src} -> {dst} was dropped: "
                             f"its span {' and '.join(gone) or '?'} is no longer in 'label'")
    else:
        links = []
        for here, src, dst, label in _relations(obj, where):
            if src not in ids or dst not in ids:
                raise FormatError(f"{here}: from_id {src} or to_id {dst} is not a span id")
            links.append((here, ids[src], ids[dst], label))
    norms = keep_norms(zhie.get("normalisation"), exact if exported is not None else None, where, notes)
    reviewed = None  # a human's edit: as the importer decides
    if exported is not None and isinstance(zhie.get("reviewed"), bool) and exported.unchanged(
            {i: (sp["start"], sp["end"], lab) for i, (lab, sp) in regions.items()},
            [(s, d, lab) for _, s, d, lab in links]):
        reviewed = zhie["reviewed"]
    return ImportedDocument(doc, assemble(regions, links, norms, where), reviewed=reviewed)
