"""Why the event layer found what it found: per sentence, every lexicon match of a trigger word,
kept or dropped and by which declared filter (triggers.py ``TRIGGER_KINDS``), and whether a kept
trigger became an event or had too few arguments (events.py ``_enough``).

    zhie extract article.txt --explain        # the explanation goes to stderr, the JSON as usual

Built from a document's text and its entities (the pipeline's output or a gold file), the way the
linker sees them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .events import EventFinder
from .oracle import link_input_from_gold
from .sentence import SentenceView
from .triggers import TriggerDecision, explain_triggers


@dataclass
class TriggerExplanation:
    decision: TriggerDecision   # cleaned offsets
    start: int                  # original offsets of the trigger word
    end: int
    outcome: str            # "event", "dropped: <filter>", "too few arguments", "not taken by the trigger policy"
    arguments: list[str] = field(default_factory=list)   # role=text of the event's arguments


@dataclass
class SentenceExplanation:
    start: int              # original offsets of the sentence
    end: int
    text: str
    triggers: list[TriggerExplanation]

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text,
                "triggers": [{**t.decision.to_dict(), "start": t.start, "end": t.end, "outcome": t.outcome,
                              "arguments": t.arguments}
                             for t in self.triggers]}


def explain_document(doc: dict[str, Any], finder: EventFinder | None = None) -> list[SentenceExplanation]:
    """The sentences of ``doc`` (``text`` and ``entities`` with original offsets) that hold a trigger word."""
    finder = finder if finder is not None else EventFinder()
    inp = link_input_from_gold(doc)
    clean = inp.clean
    out: list[SentenceExplanation] = []
    for s, e in inp.sentences:
        sv = SentenceView.of(inp, s, e)
        decisions = explain_triggers(sv)
        if not decisions:
            continue
        kept = [d.hit for d in decisions if d.hit is not None]   # what find_triggers would return
        events = {(hit.start, hit.end): scored for hit, scored in finder.sentence_events(sv, kept)}
        rows = []
        for d in decisions:
            ts, te = clean.span_to_original(d.start, d.end)
            if d.hit is None:
                rows.append(TriggerExplanation(d, ts, te, f"dropped: {d.dropped_by}"))
            elif (d.start, d.end) in events:
                args = []
                for c, _ in events[(d.start, d.end)]:
                    a, b = clean.span_to_original(c.start, c.end)
                    args.append(f"{c.role}={clean.original[a:b]}")
                rows.append(TriggerExplanation(d, ts, te, "event", args))
            elif any(a <= d.start < b for a, b in events):
                rows.append(TriggerExplanation(d, ts, te, "not taken by the trigger policy"))
            else:
                rows.append(TriggerExplanation(d, ts, te, "too few arguments"))
        a, b = clean.span_to_original(s, e)
        out.append(SentenceExplanation(a, b, clean.original[a:b], rows))
    return out


def format_explanation(doc_id: str, sentences: list[SentenceExplanation]) -> str:
    """A readable report: one block per sentence, one line per trigger word."""
    lines = [f"== {doc_id}: {len(sentences)} sentence(s) with trigger words"]
    for sent in sentences:
        text = sent.text.replace("\n", "⏎")
        lines.append(f"[{sent.start}:{sent.end}] {text[:120]}{'…' if len(text) > 120 else ''}")
        for t in sent.triggers:
            d = t.decision
            why = f" ({d.example})" if d.example and t.outcome.startswith("dropped") else ""
            args = f" {', '.join(t.arguments)}" if t.arguments else ""
            lines.append(f"  {d.word} {d.type} [{d.kind}] → {t.outcome}{why}{args}")
    return "\n".join(lines)
