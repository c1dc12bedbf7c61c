"""Event finder (placeholder until the event layer lands): finds no events."""
from __future__ import annotations

from ..schema import Event
from . import LinkInput


class EventFinder:
    def __call__(self, inp: LinkInput) -> list[Event]:
        return []
