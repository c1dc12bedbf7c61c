"""Validation of a human annotation (a correction, an import) against SCHEMA.md and the
project's guidelines, before anything is stored.

Checked: the shape and types of every field; offsets in range with
``text[start:end] == span text`` (entities, triggers, arguments); known entity labels;
entities that neither overlap nor repeat (GUIDELINES §1: the tagger's BIO training data
cannot hold nested spans); unique ids; relation types with existing endpoints of the
allowed labels (``zhie.schema.RELATION_TYPES``); event types and roles
(``zhie.schema.EVENT_ROLES``); argument ``entity`` ids that exist, with that entity's
offsets.  Every problem names the offending item, e.g.
``entities[2] (id 'e3'): text '大同' != text[10:13] '大同经'``.

Conveniences: an entity or trigger without ``text`` gets ``text[start:end]``; an entity
without ``id`` gets a fresh ``e<n>``, an event a fresh ``v<n>``; an argument that names
an ``entity`` may leave out its offsets.  Scores are dropped (a human annotation has
none) unless the caller keeps them for an imported model prediction.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from ..schema import ENTITY_LABELS, EVENT_ROLES, RELATION_TYPES, Argument, Entity, Event, Relation, Trigger
from .records import Annotation

MAX_REPORTED = 12


@dataclass(frozen=True)
class Problem:
    path: str      # e.g. "entities[2]", "events[0].arguments[1]"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class AnnotationError(ValueError):
    """An annotation that breaks the schema; ``problems`` lists every offending item."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:MAX_REPORTED])
        more = f" (and {len(problems) - MAX_REPORTED} more)" if len(problems) > MAX_REPORTED else ""
        super().__init__(f"invalid annotation: {shown}{more}")

    @property
    def first_path(self) -> str | None:
        return self.problems[0].path if self.problems else None


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x: Any) -> bool:
    return (isinstance(x, (int, float)) and not isinstance(x, bool)) and x == x and abs(x) != float("inf")


class _Checker:
    def __init__(self, text: str, keep_scores: bool) -> None:
        self.text = text
        self.keep_scores = keep_scores
        self.problems: list[Problem] = []

    def score(self, obj: dict[str, Any]) -> float | None:
        value = obj.get("score")
        return float(value) if self.keep_scores and _is_number(value) else None

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def span(self, path: str, obj: dict[str, Any], need_text: bool = False) -> tuple[int, int, str] | None:
        """Offsets and text of a span object, checked against the document text."""
        start, end, given = obj.get("start"), obj.get("end"), obj.get("text")
        if not _is_int(start) or not _is_int(end):
            self.fail(path, f"start and end must be integers, got {start!r} and {end!r}")
            return None
        if not 0 <= start < end <= len(self.text):
            self.fail(path, f"offsets [{start}:{end}] are out of range for a text of {len(self.text)} characters "
                            "(need 0 <= start < end <= length)")
            return None
        actual = self.text[start:end]
        if given is None and not need_text:
            return start, end, actual
        if not isinstance(given, str):
            self.fail(path, f"text must be a string, got {type(given).__name__}")
            return None
        if given != actual:
            self.fail(path, f"text {given!r} != text[{start}:{end}] {actual!r}")
            return None
        return start, end, actual


def _label(path_id: str, obj: dict[str, Any]) -> str:
    ident = obj.get("id")
    return f"{path_id} (id {ident!r})" if isinstance(ident, str) and ident else path_id


def _fresh_ids(raw: list[Any], prefix: str, taken: Iterable[str] = ()) -> Iterator[str]:
    """Ids ``<prefix>1, <prefix>2, …`` for items without one, skipping ids already given or ``taken``."""
    used = {o.get("id") for o in raw if isinstance(o, dict) and isinstance(o.get("id"), str)} | set(taken)
    return (f"{prefix}{n}" for n in itertools.count(1) if f"{prefix}{n}" not in used)


def _path_and_id(c: _Checker, kind: str, i: int, obj: Any, fresh: Iterator[str]) -> tuple[str, str] | None:
    """The error path and id of item ``i`` of ``kind``, or None (with a problem recorded) if unusable."""
    path = f"{kind}[{i}]"
    if not isinstance(obj, dict):
        c.fail(path, f"expected an object, got {type(obj).__name__}")
        return None
    path = _label(path, obj)
    ident = obj.get("id")
    if ident is None or ident == "":
        return path, next(fresh)
    if not isinstance(ident, str):
        c.fail(path, f"id must be a string, got {ident!r}")
        return None
    return path, ident


def _entities(c: _Checker, raw: list[Any]) -> list[Entity]:
    out: list[Entity] = []
    positions: list[int] = []  # index of each kept entity in the input
    fresh = _fresh_ids(raw, "e")
    for i, obj in enumerate(raw):
        checked = _path_and_id(c, "entities", i, obj, fresh)
        if checked is None:
            continue
        path, ident = checked
        label = obj.get("label")
        if label not in ENTITY_LABELS:
            c.fail(path, f"unknown label {label!r} (known: {', '.join(ENTITY_LABELS)})")
            continue
        span = c.span(path, obj)
        if span is None:
            continue
        ent = Entity(label=label, start=span[0], end=span[1], text=span[2], id=ident, score=c.score(obj))
        if label == "AMOUNT":
            value, unit, approx = obj.get("value"), obj.get("unit"), obj.get("approx")
            if value is not None and not _is_number(value):
                c.fail(path, f"value must be a finite number or null, got {value!r}")
            if unit is not None and not isinstance(unit, str):
                c.fail(path, f"unit must be a string or null, got {unit!r}")
            if approx is not None and not isinstance(approx, bool):
                c.fail(path, f"approx must be true, false or null, got {approx!r}")
            ent.value = float(value) if _is_number(value) else None
            ent.unit = unit if isinstance(unit, str) else None
            ent.approx = approx if isinstance(approx, bool) else None
        elif label == "DATE":
            norm = obj.get("norm")
            if norm is not None and not isinstance(norm, str):
                c.fail(path, f"norm must be a string or null, got {norm!r}")
            ent.norm = norm if isinstance(norm, str) else None
        out.append(ent)
        positions.append(i)
    seen: dict[str, int] = {}
    for k, e in zip(positions, out):
        if e.id in seen:
            c.fail(f"entities[{k}] (id {e.id!r})", f"the id is also used by entities[{seen[e.id]}]; ids must be unique")
        seen.setdefault(e.id, k)
    ordered = sorted(zip(positions, out), key=lambda p: (p[1].start, p[1].end, p[0]))
    for (i, a), (j, b) in zip(ordered, ordered[1:]):
        if b.start < a.end:
            (k, late), (_, early) = ((j, b), (i, a)) if j > i else ((i, a), (j, b))  # blame the later item
            what = "repeats" if (a.start, a.end) == (b.start, b.end) else "overlaps"
            c.fail(f"entities[{k}] (id {late.id!r})", f"{late.label} [{late.start}:{late.end}] {late.text!r} {what} "
                                                     f"{early.label} [{early.start}:{early.end}] {early.text!r} "
                                                     f"(id {early.id!r}); entities may not nest or overlap "
                                                     "(GUIDELINES §1)")
    return out


def _relations(c: _Checker, raw: list[Any], by_id: dict[str, Entity]) -> list[Relation]:
    out: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    for i, obj in enumerate(raw):
        path = f"relations[{i}]"
        if not isinstance(obj, dict):
            c.fail(path, f"expected an object, got {type(obj).__name__}")
            continue
        rtype, head, tail = obj.get("type"), obj.get("head"), obj.get("tail")
        if rtype not in RELATION_TYPES:
            c.fail(path, f"unknown relation type {rtype!r} (known: {', '.join(RELATION_TYPES)})")
            continue
        ok = True
        for end_name, ident in (("head", head), ("tail", tail)):
            if not isinstance(ident, str) or ident not in by_id:
                c.fail(path, f"{rtype} {end_name} {ident!r} is not the id of an entity of this annotation")
                ok = False
        if not ok:
            continue
        heads, tails = RELATION_TYPES[rtype]
        h, t = by_id[head], by_id[tail]
        if h.label not in heads or t.label not in tails:
            c.fail(path, f"{rtype} links {h.label} {h.text!r} -> {t.label} {t.text!r}; allowed is "
                         f"{'/'.join(sorted(heads))} -> {'/'.join(sorted(tails))}")
            continue
        if (rtype, head, tail) in seen:
            c.fail(path, f"{rtype} {head} -> {tail} is given twice")
            continue
        seen.add((rtype, head, tail))
        out.append(Relation(rtype, head, tail, score=c.score(obj)))
    return out


def _events(c: _Checker, raw: list[Any], by_id: dict[str, Entity]) -> list[Event]:
    out: list[Event] = []
    fresh = _fresh_ids(raw, "v", taken=by_id)
    for i, obj in enumerate(raw):
        checked = _path_and_id(c, "events", i, obj, fresh)
        if checked is None:
            continue
        path, ident = checked
        vtype = obj.get("type")
        if vtype not in EVENT_ROLES:
            c.fail(path, f"unknown event type {vtype!r} (known: {', '.join(EVENT_ROLES)})")
            continue
        trig = obj.get("trigger")
        if not isinstance(trig, dict):
            c.fail(f"{path}.trigger", "a trigger object {start, end, text} is required")
            continue
        tspan = c.span(f"{path}.trigger", trig)
        args_raw = obj.get("arguments", [])
        if not isinstance(args_raw, list):
            c.fail(f"{path}.arguments", f"must be an array, got {type(args_raw).__name__}")
            continue
        args: list[Argument] = []
        for k, a in enumerate(args_raw):
            apath = f"{path}.arguments[{k}]"
            if not isinstance(a, dict):
                c.fail(apath, f"expected an object, got {type(a).__name__}")
                continue
            role = a.get("role")
            if role not in EVENT_ROLES[vtype]:
                c.fail(apath, f"role {role!r} is not a role of {vtype} (roles: {', '.join(EVENT_ROLES[vtype])})")
                continue
            ref = a.get("entity")
            if ref is not None and ref != "":
                if not isinstance(ref, str) or ref not in by_id:
                    c.fail(apath, f"entity {ref!r} is not the id of an entity of this annotation")
                    continue
                ent = by_id[ref]
                if a.get("start") is None and a.get("end") is None:
                    args.append(Argument(role, ent.start, ent.end, ent.text, entity=ref, score=c.score(a)))
                    continue
                aspan = c.span(apath, a)
                if aspan is None:
                    continue
                if (aspan[0], aspan[1]) != (ent.start, ent.end):
                    c.fail(apath, f"offsets [{aspan[0]}:{aspan[1]}] differ from those of entity {ref!r} "
                                  f"[{ent.start}:{ent.end}] {ent.text!r}")
                    continue
                args.append(Argument(role, aspan[0], aspan[1], aspan[2], entity=ref, score=c.score(a)))
            else:
                aspan = c.span(apath, a)
                if aspan is not None:
                    args.append(Argument(role, aspan[0], aspan[1], aspan[2], score=c.score(a)))
        if tspan is None:
            continue
        out.append(Event(type=vtype, trigger=Trigger(*tspan), arguments=args, id=ident, score=c.score(obj)))
    seen: set[str] = set()
    for v in out:
        if v.id in seen:
            c.fail(f"events (id {v.id!r})", "the id is used by more than one event")
        elif v.id in by_id:
            c.fail(f"events (id {v.id!r})", "the id is also an entity's id; entity and event ids must differ")
        seen.add(v.id)
    return out


def validate_annotation(text: str, payload: Any, keep_scores: bool = False) -> Annotation:
    """Check ``payload`` (``{"entities", "relations"?, "events"?}``) against ``text``; raise AnnotationError.

    Scores are dropped unless ``keep_scores`` (imported model predictions keep theirs).
    """
    c = _Checker(text, keep_scores)
    if not isinstance(payload, dict):
        raise AnnotationError([Problem("annotation", f"expected an object with entities, relations and events, "
                                                     f"got {type(payload).__name__}")])
    parts: dict[str, list[Any]] = {}
    for name in ("entities", "relations", "events"):
        value = payload.get(name, [])
        if value is None:
            value = []
        if not isinstance(value, list):
            c.fail(name, f"must be an array, got {type(value).__name__}")
            value = []
        parts[name] = value
    entities = _entities(c, parts["entities"])
    by_id = {e.id: e for e in entities}
    relations = _relations(c, parts["relations"], by_id)
    events = _events(c, parts["events"], by_id)
    if c.problems:
        raise AnnotationError(c.problems)
    return Annotation(entities, relations, events)
