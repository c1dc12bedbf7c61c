"""Gold annotations placed on the cleaned text: the one mapping of gold offsets (into the raw
text a document was annotated on) to offsets into ``clean_text(text)``, the text the tagger
and the linker see.

    aligned = align_gold(doc)
    aligned.entities     # AlignedSpan(label, start, end, source=<the gold entity>), cleaned offsets
    aligned.triggers     # the same for every event trigger (label = the event type)
    aligned.relations    # (relation, head span, tail span) for relations whose two entities are placed

A span whose characters were all deleted by the cleaner (markup, site boilerplate) is left out;
everything else keeps the gold order.  Training windows and sentences (training/domain.py,
training/augment.py), the oracle linker input and the argument scorer's training pairs
(zhie/linking/oracle.py, train_scorer.py) all use it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from .text import CleanText, clean_text


@dataclass(frozen=True)
class AlignedSpan:
    label: str                 # entity label, or event type for a trigger
    start: int                 # offsets into the cleaned text, end-exclusive
    end: int
    source: dict[str, Any] = field(compare=False, repr=False)   # the gold entity or event


@dataclass
class AlignedGold:
    clean: CleanText
    entities: list[AlignedSpan]
    triggers: list[AlignedSpan]
    relations: list[tuple[dict[str, Any], AlignedSpan, AlignedSpan]]

    def entity_spans(self) -> list[tuple[str, int, int]]:
        return [(s.label, s.start, s.end) for s in self.entities]

    def trigger_spans(self) -> list[tuple[str, int, int]]:
        return [(s.label, s.start, s.end) for s in self.triggers]


def _place(clean: CleanText, label: str, start: Any, end: Any, source: dict[str, Any]) -> AlignedSpan | None:
    span = clean.span_from_original(int(start), int(end))
    return None if span is None else AlignedSpan(label, span[0], span[1], source)


def align_gold(doc: dict[str, Any], clean: CleanText | None = None,
               entities: Iterable[dict[str, Any]] | None = None) -> AlignedGold:
    """Place a gold document's entities, event triggers and relations on its cleaned text.

    ``clean``: the document's cleaned text when the caller has it already; ``entities``: the gold
    entities to place (default: all of the document's, in their order)."""
    clean = clean if clean is not None else clean_text(doc["text"])
    placed = [_place(clean, e["label"], e["start"], e["end"], e)
              for e in (doc.get("entities", []) if entities is None else entities)]
    ents = [s for s in placed if s is not None]
    trigs = [_place(clean, v["type"], v["trigger"]["start"], v["trigger"]["end"], v) for v in doc.get("events", [])]
    by_id = {s.source.get("id"): s for s in ents if s.source.get("id") is not None}
    rels = [(r, by_id[r["head"]], by_id[r["tail"]]) for r in doc.get("relations", [])
            if r.get("head") in by_id and r.get("tail") in by_id]
    return AlignedGold(clean, ents, [s for s in trigs if s is not None], rels)
