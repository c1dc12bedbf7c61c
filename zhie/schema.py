"""Typed records at the pipeline's boundaries: documents in, extractions out.

Every offset is a Python ``str`` index into the ORIGINAL input text,
end-exclusive, so that ``text[start:end] == span.text`` always holds.
``Extraction.to_dict()`` produces exactly the JSON of SCHEMA.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CORE_LABELS = ("ZONE", "OFFICIAL", "COMPANY", "AMOUNT", "DATE")
SUPPORT_LABELS = ("TITLE", "ORG", "PROJECT")
ENTITY_LABELS = CORE_LABELS + SUPPORT_LABELS

RELATION_TYPES = {
    "HOLDS_TITLE": ({"OFFICIAL"}, {"TITLE"}),
    "MEMBER_OF": ({"OFFICIAL"}, {"ZONE", "COMPANY", "ORG"}),
}

EVENT_ROLES = {
    "SIGN_CONTRACT": ("party", "amount", "project", "agreement", "date", "witness"),
    "VISIT_INSPECT": ("visitor", "target", "date", "companion"),
    "MEETING": ("organizer", "chair", "attendee", "date", "name"),
}


@dataclass
class Document:
    """One input article."""

    text: str
    id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def date(self) -> str | None:
        value = self.meta.get("date") if isinstance(self.meta, dict) else None
        return value if isinstance(value, str) and value else None


@dataclass
class Entity:
    label: str
    start: int
    end: int
    text: str
    id: str = ""
    score: float | None = None
    # AMOUNT normalisation
    value: float | None = None
    unit: str | None = None
    approx: bool | None = None
    # DATE normalisation
    norm: str | None = None
    # a short form's full form in the same document: the id of its first mention (zhie/linking/full_forms.py)
    full_form: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "label": self.label, "start": self.start,
                               "end": self.end, "text": self.text}
        if self.score is not None:
            out["score"] = round(float(self.score), 4)
        if self.label == "AMOUNT":
            out["value"] = self.value
            out["unit"] = self.unit
            out["approx"] = bool(self.approx)
        elif self.label == "DATE":
            out["norm"] = self.norm
        if self.full_form is not None:
            out["full_form"] = self.full_form
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Entity":
        return cls(label=d["label"], start=int(d["start"]), end=int(d["end"]), text=d["text"],
                   id=d.get("id", ""), score=d.get("score"), value=d.get("value"),
                   unit=d.get("unit"), approx=d.get("approx"), norm=d.get("norm"), full_form=d.get("full_form"))


@dataclass
class Relation:
    type: str
    head: str  # entity id
    tail: str  # entity id
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "head": self.head, "tail": self.tail}
        if self.score is not None:
            out["score"] = round(float(self.score), 4)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Relation":
        return cls(type=d["type"], head=d["head"], tail=d["tail"], score=d.get("score"))


@dataclass
class Trigger:
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass
class Argument:
    role: str
    start: int
    end: int
    text: str
    entity: str | None = None  # entity id when the argument is an entity
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role}
        if self.entity:
            out["entity"] = self.entity
        out.update(start=self.start, end=self.end, text=self.text)
        if self.score is not None:
            out["score"] = round(float(self.score), 4)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Argument":
        return cls(role=d["role"], start=int(d["start"]), end=int(d["end"]), text=d["text"],
                   entity=d.get("entity"), score=d.get("score"))


@dataclass
class Event:
    type: str
    trigger: Trigger
    arguments: list[Argument] = field(default_factory=list)
    id: str = ""
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "type": self.type, "trigger": self.trigger.to_dict()}
        if self.score is not None:
            out["score"] = round(float(self.score), 4)
        out["arguments"] = [a.to_dict() for a in self.arguments]
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Event":
        t = d["trigger"]
        return cls(type=d["type"], trigger=Trigger(int(t["start"]), int(t["end"]), t["text"]),
                   arguments=[Argument.from_dict(a) for a in d.get("arguments", [])],
                   id=d.get("id", ""), score=d.get("score"))


@dataclass
class ModelInfo:
    name: str
    version: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version}


@dataclass
class Extraction:
    """The result for one document (SCHEMA.md, 'JSON returned for one document')."""

    id: str | None
    model: ModelInfo
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "model": self.model.to_dict(),
            "entities": [e.to_dict() for e in self.entities],
            "relations": [r.to_dict() for r in self.relations],
            "events": [v.to_dict() for v in self.events],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Extraction":
        m = d.get("model") or {"name": "gold", "version": ""}
        return cls(id=d.get("id"), model=ModelInfo(m.get("name", ""), m.get("version", "")),
                   entities=[Entity.from_dict(e) for e in d.get("entities", [])],
                   relations=[Relation.from_dict(r) for r in d.get("relations", [])],
                   events=[Event.from_dict(v) for v in d.get("events", [])])


def check_offsets(text: str, result: Extraction) -> list[str]:
    """Return a list of offset violations (empty when every span matches ``text``)."""
    problems = []
    spans: list[tuple[str, int, int, str]] = [("entity " + e.id, e.start, e.end, e.text) for e in result.entities]
    for v in result.events:
        spans.append(("trigger " + v.id, v.trigger.start, v.trigger.end, v.trigger.text))
        spans += [(f"argument {v.id}/{a.role}", a.start, a.end, a.text) for a in v.arguments]
    for what, s, e, t in spans:
        if not (0 <= s < e <= len(text)) or text[s:e] != t:
            problems.append(f"{what}: [{s}:{e}] {t!r} != {text[s:e]!r}")
    return problems
