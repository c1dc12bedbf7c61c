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
import json
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


# ------------------------------------------------------------ the door: what the store and its exports can hold
#
# Shared by the service (``service/review.py``), ``zhie store add`` and the Store itself, so
# that a value the database or an export cannot hold is refused, naming its field, before
# anything is written: strings must be valid Unicode (no lone surrogates, which UTF-8 cannot
# encode) and, where they go into a text column, hold no NUL (PostgreSQL text cannot);
# JSON numbers must be finite (NaN/Infinity are not JSON: PostgreSQL's json refuses them and
# the exports would carry them); version numbers must fit the store's integer columns
# (PostgreSQL ``integer``: 32 bits signed).

INT32_MAX = 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_VERSION = INT32_MAX           # the largest annotation version a store column holds
MAX_BASE_VERSION = MAX_VERSION - 1  # a correction stores base_version + 1
MAX_NAME = 256                    # ids, reviewer and author names (String(256) columns)


class FieldError(ValueError):
    """A value the store cannot hold; ``field`` names it (``meta.score``, ``reviewer``, ``documents[2].id``)."""

    kind = "invalid_field"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class OversizedNumber:
    """Stands for a JSON integer too long to convert (more digits than Python converts), so that the
    door can refuse it naming its field instead of the parser failing on the whole text."""

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"<a number of {self.digits} digits>"


def join_path(parent: str, key: str | int) -> str:
    """``meta`` + ``score`` → ``meta.score``; ``documents`` + 2 → ``documents[2]``."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if not (key.isidentifier() or key.replace("-", "_").isidentifier()):
        return f"{parent}[{json.dumps(key)}]"  # meta["a b"]
    return f"{parent}.{key}" if parent else key


def _unicode_problem(value: str) -> str | None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (f"contains a lone surrogate (\\u{ord(value[exc.start]):04x}) at position {exc.start}, which is not "
                "valid Unicode; send valid Unicode")
    return None


def check_string(value: str, field: str, allow_nul: bool = False) -> str:
    """``value`` if it is valid Unicode (and, unless ``allow_nul``, holds no NUL); else FieldError."""
    problem = _unicode_problem(value)
    if problem is None and not allow_nul and "\x00" in value:
        problem = (f"contains a NUL character (\\u0000) at position {value.index(chr(0))}, which the store "
                   "cannot hold")
    if problem is not None:
        raise FieldError(field, f"field '{field}' {problem}")
    return value


def number_problem(value: Any) -> str | None:
    """Why ``value`` (a parsed JSON number) is not a strict JSON number, or None."""
    if isinstance(value, OversizedNumber):
        return f"is a number of {value.digits} digits; numbers of at most 4300 digits are accepted"
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        shown = "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
        return f"is {shown}, which is not a JSON number (NaN and Infinity are not JSON); send a finite number or null"
    return None


def first_number_problem(value: Any, path: str = "") -> FieldError | None:
    """The first NaN, Infinity or oversized integer anywhere in parsed JSON, as a FieldError naming its place."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        problem = number_problem(item)
        if problem is not None:
            name = where or "body"
            return FieldError(name, f"field '{name}' {problem}")
        if isinstance(item, dict):
            stack.extend((join_path(where, str(k)), v) for k, v in reversed(list(item.items())))
        elif isinstance(item, list):
            stack.extend((join_path(where, i), v) for i, v in reversed(list(enumerate(item))))
    return None


def check_json_value(value: Any, field: str) -> Any:
    """``value`` if it is strict JSON the store and the exports can hold: finite numbers, strings and
    keys of valid Unicode (NUL is fine inside JSON, escaped as \\u0000); else FieldError."""
    stack: list[tuple[str, Any]] = [(field, value)]
    while stack:
        where, item = stack.pop()
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, str):
            check_string(item, where, allow_nul=True)
        elif isinstance(item, int):
            continue  # JSON integers of any length are kept exactly (json columns, JSON exports)
        elif isinstance(item, (float, OversizedNumber)):
            problem = number_problem(item)
            if problem is not None:
                raise FieldError(where, f"field '{where}' {problem}")
        elif isinstance(item, dict):
            for key, sub in reversed(list(item.items())):
                if not isinstance(key, str):
                    raise FieldError(where, f"field '{where}' has a key {key!r} that is not a string")
                problem = _unicode_problem(key)
                if problem is not None:
                    raise FieldError(where, f"field '{where}' has a key that {problem}")
                stack.append((join_path(where, key), sub))
        elif isinstance(item, (list, tuple)):
            stack.extend((join_path(where, i), sub) for i, sub in reversed(list(enumerate(item))))
        else:
            raise FieldError(where, f"field '{where}' holds a {type(item).__name__}, which is not JSON")
    return value


def _json_repr(value: Any) -> str:
    """A value as the client wrote it (true, null, "1"), shortened."""
    if isinstance(value, OversizedNumber):
        return repr(value)
    try:
        text = json.dumps(value, ensure_ascii=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _short_int(value: int) -> str:
    text = str(value)
    return text if len(text) <= 30 else f"a number of {len(text)} digits"


def check_version(value: Any, field: str, minimum: int, maximum: int = MAX_VERSION) -> int:
    """An integer from ``minimum`` to ``maximum`` (the store's integer columns); not a boolean.  A JSON
    number with a zero fraction (``2.0``) is that integer, as in JSON Schema; ``1.5`` is refused."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        shown = _short_int(value) if isinstance(value, int) and not isinstance(value, bool) else _json_repr(value)
        raise FieldError(field, f"field '{field}' must be an integer from {minimum} to {maximum}, got {shown}")
    return value


def check_name(value: Any, field: str = "reviewer") -> str:
    """A non-empty person or tool name of at most 256 characters, valid Unicode, no NUL; stripped."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError(field, f"field '{field}' must be a non-empty string of at most {MAX_NAME} characters "
                                "(who made the change)")
    check_string(value, field)
    value = value.strip()
    if len(value) > MAX_NAME:
        raise FieldError(field, f"field '{field}' has {len(value)} characters; at most {MAX_NAME} are kept")
    return value


def check_note(value: Any, field: str = "note") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(field, f"field '{field}' must be a string or null, got {type(value).__name__}")
    return check_string(value, field)


def check_document_id(value: Any, field: str = "id", url_safe: bool = True) -> str:
    """A document id the store keeps (1 to 256 characters, valid Unicode, no NUL) and, when ``url_safe``,
    a URL can carry (no '/')."""
    if not isinstance(value, str) or not value:
        raise FieldError(field, f"field '{field}' must be a non-empty string of at most {MAX_NAME} characters")
    check_string(value, field)
    if len(value) > MAX_NAME:
        raise FieldError(field, f"field '{field}' has {len(value)} characters; ids of at most {MAX_NAME} characters "
                                "are kept")
    if url_safe and "/" in value:
        raise FieldError(field, f"field '{field}' must not contain '/' (it is part of the document's URL)")
    return value


def could_be_document_id(value: Any) -> bool:
    """Whether ``value`` could name a stored document (reads of anything else are simply not found)."""
    try:
        check_document_id(value, url_safe=False)
    except FieldError:
        return False
    return True


def check_id_number(raw_id: Any, field: str = "id") -> None:
    """A document id sent as a JSON integer must fit 64 bits (as the OpenAPI document states), so
    that ``5`` and ``"5"`` name the same document and no id depends on how many digits a client sends."""
    if isinstance(raw_id, int) and not isinstance(raw_id, bool) and not INT64_MIN <= raw_id <= INT64_MAX:
        raise FieldError(field, f"field '{field}' is {_short_int(raw_id)}, outside the 64-bit range "
                                f"{INT64_MIN}..{INT64_MAX} of integer ids; send the id as a string")


def check_storable_document(doc: Any, prefix: str = "", url_safe: bool = True) -> Any:
    """A ``zhie.schema.Document`` the store can hold: its id (when given), text and meta; else FieldError
    with the field under ``prefix`` (e.g. ``documents[2].``)."""
    if doc.id is not None:
        check_document_id(doc.id, f"{prefix}id", url_safe)
    check_string(doc.text, f"{prefix}text")
    if doc.meta is not None:
        if not isinstance(doc.meta, dict):
            raise FieldError(f"{prefix}meta", f"field '{prefix}meta' must be an object")
        check_json_value(doc.meta, f"{prefix}meta")
    return doc


def check_annotation_payload(payload: Any, field: str = "annotation") -> Any:
    """The JSON of an annotation holds nothing the store cannot keep (see ``check_json_value``)."""
    return check_json_value(payload, field)
