"""What changed between two annotation versions, described for people.

Items are compared by what they say, not by their ids (a reviewer may renumber):
entities by span ``(start, end)`` — a new label or normalisation on the same span is a
change; relations by type and the spans of both ends; events by type and trigger span —
different arguments are a change.
"""
from __future__ import annotations

from ..schema import Entity, Event
from .records import Annotation, ChangeSet, ItemChanges


def _ent(e: Entity) -> str:
    return f"{e.label} {e.text!r} [{e.start}:{e.end}]"


def _norm(e: Entity) -> tuple:
    return (e.value, e.unit, bool(e.approx)) if e.label == "AMOUNT" else (e.norm,) if e.label == "DATE" else ()


def _entity_changes(old: Annotation, new: Annotation) -> ItemChanges:
    before = {(e.start, e.end): e for e in old.entities}
    after = {(e.start, e.end): e for e in new.entities}
    out = ItemChanges()
    for key, e in after.items():
        prev = before.get(key)
        if prev is None:
            out.added.append(_ent(e))
        elif prev.label != e.label:
            out.changed.append(f"{e.text!r} [{e.start}:{e.end}] {prev.label} -> {e.label}")
        elif _norm(prev) != _norm(e):
            out.changed.append(f"{_ent(e)} normalisation {_norm(prev)} -> {_norm(e)}")
    out.removed = [_ent(e) for key, e in before.items() if key not in after]
    return out


def _relation_keys(a: Annotation) -> dict[tuple, str]:
    by_id = {e.id: e for e in a.entities}
    keys = {}
    for r in a.relations:
        h, t = by_id.get(r.head), by_id.get(r.tail)
        if h is None or t is None:
            continue
        keys[(r.type, h.label, h.start, h.end, t.label, t.start, t.end)] = f"{r.type} {h.text!r} -> {t.text!r}"
    return keys


def _arguments(v: Event, by_id: dict[str, Entity]) -> list[tuple]:
    return sorted((a.role, a.start, a.end, by_id[a.entity].label if a.entity in by_id else None) for a in v.arguments)


def _event_changes(old: Annotation, new: Annotation) -> ItemChanges:
    ob, nb = {e.id: e for e in old.entities}, {e.id: e for e in new.entities}
    before = {(v.type, v.trigger.start, v.trigger.end): v for v in old.events}
    after = {(v.type, v.trigger.start, v.trigger.end): v for v in new.events}
    out = ItemChanges()
    for key, v in after.items():
        name = f"{v.type} {v.trigger.text!r} [{v.trigger.start}:{v.trigger.end}]"
        prev = before.get(key)
        if prev is None:
            out.added.append(f"{name} with {len(v.arguments)} arguments")
        elif _arguments(prev, ob) != _arguments(v, nb):
            out.changed.append(f"{name} arguments: " + ", ".join(f"{a.role}={a.text!r}" for a in v.arguments))
    out.removed = [f"{v.type} {v.trigger.text!r} [{v.trigger.start}:{v.trigger.end}]"
                   for key, v in before.items() if key not in after]
    return out


def diff_annotations(old: Annotation | None, new: Annotation) -> ChangeSet:
    """The changes that turn ``old`` (None: nothing yet) into ``new``."""
    old = old or Annotation()
    rel_old, rel_new = _relation_keys(old), _relation_keys(new)
    relations = ItemChanges(added=[d for k, d in rel_new.items() if k not in rel_old],
                            removed=[d for k, d in rel_old.items() if k not in rel_new])
    return ChangeSet(_entity_changes(old, new), relations, _event_changes(old, new))
