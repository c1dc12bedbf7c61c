"""Document-level consistency of names: one name, one label and every mention tagged.

Within one article the same name is the same entity (GUIDELINES §10.5).  The tagger sees one
window at a time, so a name found in the headline can be missed in the body, or tagged ZONE in one
sentence and PROJECT in another.  After the span rules:

1. a name string tagged with several labels takes the label of its highest total score;
2. an untagged occurrence of a name that was tagged elsewhere in the document is tagged too, when it
   overlaps no other span, is not glued inside a longer run of letters or digits, and the name is long
   enough to be unambiguous (``MIN_CHARS``).
"""
from __future__ import annotations

from collections import defaultdict

from .base import TaggedSpan

CONSISTENT_LABELS = ("ZONE", "COMPANY", "ORG", "PROJECT", "OFFICIAL")
MIN_CHARS = {"ZONE": 4, "COMPANY": 4, "ORG": 4, "PROJECT": 5, "OFFICIAL": 3}
PROPAGATED_SCORE = 0.9  # a propagated mention's score is this times the best score of its name


def _vote_labels(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for s in spans:
        if s.label in CONSISTENT_LABELS:
            votes[text[s.start:s.end]][s.label] += s.score
    out = []
    for s in spans:
        label = s.label
        if label in CONSISTENT_LABELS:
            by_label = votes[text[s.start:s.end]]
            label = max(by_label, key=lambda l: (by_label[l], l == s.label))
        out.append(s if label == s.label else TaggedSpan(label, s.start, s.end, s.score))
    return out


def _glued(text: str, start: int, end: int) -> bool:
    """The occurrence continues an ASCII word or a number on either side."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())


def _propagate(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    best: dict[str, tuple[str, float]] = {}
    for s in spans:
        name = text[s.start:s.end]
        if s.label in CONSISTENT_LABELS and len(name) >= MIN_CHARS[s.label] and "\n" not in name:
            if name not in best or s.score > best[name][1]:
                best[name] = (s.label, s.score)
    if not best:
        return spans
    taken = bytearray(len(text))
    for s in spans:
        taken[s.start:s.end] = b"\x01" * (s.end - s.start)
    added: list[TaggedSpan] = []
    for name in sorted(best, key=len, reverse=True):   # longer names first: 云湖经开区 before 云湖
        label, score = best[name]
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            if not any(taken[at:end]) and not _glued(text, at, end):
                added.append(TaggedSpan(label, at, end, round(score * PROPAGATED_SCORE, 4)))
                taken[at:end] = b"\x01" * len(name)
            at = text.find(name, at + 1)
    return sorted(spans + added, key=lambda s: (s.start, s.end)) if added else spans


def make_consistent(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Sorted, non-overlapping ``spans`` of the cleaned ``text`` with consistent labels and mentions."""
    return _propagate(text, _vote_labels(text, spans))
