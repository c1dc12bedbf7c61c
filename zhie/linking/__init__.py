"""Linking room: relations between entities and events around trigger words.

The linker works on the cleaned text (column breaks joined) where each entity
mention also carries its cleaned offsets; triggers and plain-span arguments are
mapped back to the original text before they leave this room.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Entity, Event, Relation
from ..text import CleanText


@dataclass
class Mention:
    entity: Entity
    cstart: int  # offsets in the cleaned text
    cend: int


@dataclass
class LinkInput:
    clean: CleanText
    sentences: list[tuple[int, int]]  # cleaned offsets
    mentions: list[Mention]
    # event triggers found by the tagger's learned trigger head: TaggedSpan(type, cstart, cend, score)
    triggers: list = field(default_factory=list)

    def sentence_of(self, pos: int) -> tuple[int, int] | None:
        for s, e in self.sentences:
            if s <= pos < e:
                return s, e
        return None

    def in_span(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if start <= m.cstart and m.cend <= end]


class Linker:
    """Relations then events; each part is replaceable (rules or a learned scorer)."""

    def __init__(self, relation_finder=None, event_finder=None) -> None:
        from .events import EventFinder
        from .relations import RelationFinder
        self.relation_finder = relation_finder or RelationFinder()
        self.event_finder = event_finder or EventFinder()

    def __call__(self, inp: LinkInput) -> tuple[list[Relation], list[Event]]:
        relations = self.relation_finder(inp)
        events = self.event_finder(inp)
        for i, v in enumerate(events, 1):
            v.id = f"v{i}"
        return relations, events


__all__ = ["Linker", "LinkInput", "Mention"]
