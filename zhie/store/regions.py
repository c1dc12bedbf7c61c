"""An annotation as flat labelled regions and labelled links — the common ground of the
annotation tools (Label Studio, doccano) that know spans and relations but not events.

- an entity is a region labelled with its entity label, its id kept;
- an event is its trigger: a region labelled ``TRIGGER:<TYPE>`` with the event's id;
- an argument is a link from the trigger region, labelled with the role, to the entity's
  region, or to a region labelled ``ARGUMENT`` when it is a plain span;
- a relation is a link labelled with its type, from head to tail.

``flatten`` goes one way, ``assemble`` the other (reading also accepts an argument link
drawn from the argument to its trigger).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..schema import ENTITY_LABELS, EVENT_ROLES, RELATION_TYPES
from .records import Annotation

TRIGGER_PREFIX = "TRIGGER:"
ARGUMENT_LABEL = "ARGUMENT"


class FormatError(ValueError):
    """A record of an interchange file that cannot be read; the message names the item."""


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
