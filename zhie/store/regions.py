"""An annotation as flat labelled regions and labelled links — the common ground of the
annotation tools (Label Studio, doccano) that know spans and relations but not events.

- an entity is a region labelled with its entity label, its id kept;
- an event is its trigger: a region labelled ``TRIGGER:<TYPE>`` with the event's id;
- an argument is a link from the trigger region, labelled with the role, to the entity's
  region, or to a region labelled ``ARGUMENT`` when it is a plain span;
- a relation is a link labelled with its type, from head to tail.

``flatten`` goes one way, ``assemble`` the other (reading also accepts an argument link
drawn from the argument to its trigger).

The tools renumber or drop what zhie writes next to the spans (doccano gives spans its own
database ids, Label Studio random region ids; a column the tool does not own comes back
stale), so an export also records the spans it wrote with their zhie ids (``span_table``)
and the links between those ids (``link_table``).  ``restore_ids`` matches what comes back
to that table by offsets, never by the tool's numbering: a span at the same offsets gets its
zhie id back, and only a span with unchanged offsets and label gets its normalisation back.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..schema import ENTITY_LABELS, EVENT_ROLES, RELATION_TYPES
from .records import Annotation

TRIGGER_PREFIX = "TRIGGER:"
ARGUMENT_LABEL = "ARGUMENT"


class FormatError(ValueError):
    """A record of an interchange file that cannot be read; the message names the item."""


class NotExportable(ValueError):
    """A document a tool cannot take (e.g. an empty text for doccano); the message names it."""


class NothingToImport(Exception):
    """A record that holds no annotation to import (e.g. a Label Studio task nobody annotated)."""


@dataclass(frozen=True)
class Region:
    id: str
    start: int
    end: int
    text: str
    label: str
    score: float | None = None


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    label: str


def flatten(ann: Annotation) -> tuple[list[Region], list[Link], dict[str, dict[str, Any]]]:
    """Regions, links, and the AMOUNT/DATE normalisation by entity id (the tools have no place for it)."""
    regions: list[Region] = []
    links: list[Link] = []
    norms: dict[str, dict[str, Any]] = {}
    used = {e.id for e in ann.entities} | {v.id for v in ann.events}
    for e in ann.entities:
        regions.append(Region(e.id, e.start, e.end, e.text, e.label, e.score))
        if e.label == "AMOUNT" and (e.value is not None or e.unit is not None or e.approx is not None):
            norms[e.id] = {"value": e.value, "unit": e.unit, "approx": e.approx}
        elif e.label == "DATE" and e.norm is not None:
            norms[e.id] = {"norm": e.norm}
    links += [Link(r.head, r.tail, r.type) for r in ann.relations]
    for v in ann.events:
        regions.append(Region(v.id, v.trigger.start, v.trigger.end, v.trigger.text, TRIGGER_PREFIX + v.type, v.score))
        for k, a in enumerate(v.arguments):
            target = a.entity
            if not target:
                target = f"{v.id}-a{k + 1}"
                while target in used:
                    target += "x"
                used.add(target)
                regions.append(Region(target, a.start, a.end, a.text, ARGUMENT_LABEL, a.score))
            links.append(Link(v.id, target, a.role))
    return regions, links, norms


def assemble(regions: dict[str, tuple[str, dict[str, Any]]], links: list[tuple[str, str, str, str]],
             norms: Any, where: str) -> dict[str, Any]:
    """Regions ``{id: (label, {start, end, text?, score?})}`` and links ``(where, source, target, label)``
    → the annotation JSON of SCHEMA.md (validated later by the store)."""
    norms = norms if isinstance(norms, dict) else {}
    entities: dict[str, dict[str, Any]] = {}
    events: dict[str, dict[str, Any]] = {}
    plain: dict[str, dict[str, Any]] = {}
    for rid, (label, span) in regions.items():
        if label in ENTITY_LABELS:
            ent = {"id": rid, "label": label, **span}
            extra = norms.get(rid)
            if isinstance(extra, dict):
                ent.update({k: extra[k] for k in ("value", "unit", "approx", "norm") if k in extra})
            entities[rid] = ent
        elif label.startswith(TRIGGER_PREFIX) and label[len(TRIGGER_PREFIX):] in EVENT_ROLES:
            trigger = {k: span[k] for k in ("start", "end", "text") if span.get(k) is not None}
            events[rid] = {"id": rid, "type": label[len(TRIGGER_PREFIX):], "trigger": trigger, "arguments": [],
                           **({"score": span["score"]} if "score" in span else {})}
        elif label == ARGUMENT_LABEL:
            plain[rid] = span
        else:
            raise FormatError(f"{where}: region {rid!r} has the unknown label {label!r} (an entity label, "
                              f"{TRIGGER_PREFIX}<EVENT TYPE> or {ARGUMENT_LABEL})")
    relations = []
    for here, src, dst, label in links:
        if label in RELATION_TYPES:
            if src not in entities or dst not in entities:
                raise FormatError(f"{here}: relation {label} must link two entity regions, got {src!r} -> {dst!r}")
            relations.append({"type": label, "head": src, "tail": dst})
            continue
        if src not in events and dst in events:  # an argument drawn towards its trigger
            src, dst = dst, src
        if src not in events:
            raise FormatError(f"{here}: {label!r} is neither a relation type ({', '.join(RELATION_TYPES)}) nor an "
                              f"event role on a link from a {TRIGGER_PREFIX} region")
        arg: dict[str, Any] = {"role": label}
        if dst in entities:
            ent = entities[dst]
            arg.update(entity=dst, start=ent["start"], end=ent["end"], text=ent["text"])
        elif dst in plain:
            arg.update(plain[dst])
        else:
            raise FormatError(f"{here}: argument {label!r} points at {dst!r}, which is not an entity or "
                              f"{ARGUMENT_LABEL} region")
        events[src]["arguments"].append(arg)
    return {"entities": list(entities.values()), "relations": relations, "events": list(events.values())}


def span_table(regions: list[Region]) -> list[list[Any]]:
    """``[[start, end, label, zhie id], …]``: the spans as exported, for ``restore_ids``."""
    return [[r.start, r.end, r.label, r.id] for r in regions]


def link_table(links: list[Link]) -> list[list[str]]:
    """``[[source id, target id, label], …]``: the links as exported, between zhie ids."""
    return [[l.source, l.target, l.label] for l in links]


@dataclass(frozen=True)
class Exported:
    """What an export wrote next to the spans: the span table and the link table (zhie ids)."""
    spans: dict[str, tuple[int, int, str]]
    links: list[tuple[str, str, str]]

    @classmethod
    def read(cls, zhie: dict[str, Any], where: str) -> "Exported | None":
        """The tables of a record's ``zhie`` object, None when it has none (a file not written by zhie)."""
        spans, links = zhie.get("spans"), zhie.get("links", [])
        if spans is None:
            return None
        ok = isinstance(spans, list) and all(
            isinstance(s, list) and len(s) == 4 and all(isinstance(x, int) and not isinstance(x, bool) for x in s[:2])
            and all(isinstance(x, str) for x in s[2:]) for s in spans)
        ok = ok and isinstance(links, list) and all(
            isinstance(l, list) and len(l) == 3 and all(isinstance(x, str) for x in l) for l in links)
        if not ok:
            raise FormatError(f"{where}: zhie.spans must be [[start, end, label, id], …] and zhie.links "
                              "[[source, target, label], …] as zhie wrote them")
        return cls({s[3]: (s[0], s[1], s[2]) for s in spans}, [(l[0], l[1], l[2]) for l in links])

    def unchanged(self, found: dict[str, tuple[int, int, str]], links: list[tuple[str, str, str]]) -> bool:
        """Whether the spans (by final id) and links that came back are exactly the exported ones."""
        return found == self.spans and sorted(links) == sorted(self.links)


def restore_ids(found: list[tuple[str, Any, Any, str]], exported: Exported | None,
                fresh: Callable[[str], str]) -> tuple[dict[str, str], set[str]]:
    """Final ids for the spans ``(tool id, start, end, label)`` that came back from a tool.

    Returns ``{tool id: final id}`` and the final ids whose span is the exported one with
    unchanged offsets and label (those keep their normalisation).  Matching, in order: the
    tool kept the zhie id and the span; a span at the same offsets with the same label; a
    span at the same offsets relabelled (keeps the id, not the normalisation).  Any other
    span is new: ``fresh(tool id)`` (made unique).
    """
    mapping: dict[str, str] = {}
    exact: set[str] = set()
    if exported is None:
        for tool_id, *_ in found:
            mapping[tool_id] = fresh(tool_id)
        return mapping, exact
    free = dict(exported.spans)

    def claim(tool_id: str, zid: str, same: bool) -> None:
        mapping[tool_id] = zid
        free.pop(zid)
        if same:
            exact.add(zid)

    for tool_id, start, end, label in found:
        if free.get(tool_id) == (start, end, label):
            claim(tool_id, tool_id, True)
    for tool_id, start, end, label in found:
        if tool_id not in mapping:
            zid = next((z for z, span in free.items() if span == (start, end, label)), None)
            if zid is not None:
                claim(tool_id, zid, True)
    for tool_id, start, end, label in found:
        if tool_id not in mapping:
            zid = next((z for z, span in free.items() if span[:2] == (start, end)), None)
            if zid is not None:
                claim(tool_id, zid, False)
    used = set(mapping.values())
    for tool_id, *_ in found:
        if tool_id not in mapping:
            new = fresh(tool_id)
            while new in used:
                new += "x"
            used.add(new)
            mapping[tool_id] = new
    return mapping, exact


def keep_norms(norms: Any, exact: set[str] | None, where: str, notes: list[str] | None) -> dict[str, Any]:
    """The exported normalisation of the spans that came back unchanged (``exact``; None: a file
    without a span table, taken as it is); a dropped one is described in ``notes``."""
    norms = norms if isinstance(norms, dict) else {}
    if exact is None:
        return norms
    kept = {k: v for k, v in norms.items() if k in exact}
    for k in norms:
        if k not in exact and notes is not None:
            notes.append(f"{where}: the normalisation of {k} ({norms[k]}) was not kept: its span was changed or "
                         "deleted, so the value may no longer be the span's")
    return kept
