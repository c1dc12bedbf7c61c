"""A tiny rule tagger (gazetteer + patterns) that plugs into the same interface.

It exists so that the pipeline, the CLI and the service can be tested without the
neural model, and as a baseline: ``meta.json`` holds ``{"tagger": "lexicon",
"entries": {label: [surface, ...]}, "patterns": {label: [regex, ...]}}``.
Longest match wins; overlaps are resolved left to right.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

from ..registry import taggers
from .base import TaggedSpan, Tagger


@taggers.register("lexicon")
class LexiconTagger(Tagger):
    def __init__(self, entries: dict[str, list[str]], patterns: dict[str, list[str]], meta: dict[str, Any]) -> None:
        self.meta = meta
        self.name = meta.get("name", "zhie-lexicon")
        self.version = str(meta.get("version", "0"))
        self.labels = tuple(meta.get("labels") or sorted(set(entries) | set(patterns)))
        self.max_len = int(meta.get("max_len", 128))
        self.entries = entries
        alternatives = []
        for label, words in entries.items():
            for w in sorted(words, key=len, reverse=True):
                alternatives.append((label, re.escape(w)))
        for label, pats in patterns.items():
            alternatives += [(label, p) for p in pats]
        self._regexes = [(label, re.compile(p)) for label, p in alternatives]

    @classmethod
    def load(cls, path: Path, meta: dict[str, Any], precision: str | None = None, **_options: Any) -> "LexiconTagger":
        """``precision`` (and the runtime options) are accepted for a uniform interface; a lexicon has none."""
        return cls(meta.get("entries", {}), meta.get("patterns", {}), meta)

    def tag(self, texts: Sequence[str]) -> list[list[TaggedSpan]]:
        out = []
        for text in texts:
            found = []
            for label, rx in self._regexes:
                found += [(m.start(), -(m.end() - m.start()), label) for m in rx.finditer(text) if m.end() > m.start()]
            found.sort()
            spans, last = [], 0
            for start, neg_len, label in found:
                if start >= last:
                    spans.append(TaggedSpan(label, start, start - neg_len, 1.0))
                    last = start - neg_len
            out.append(spans)
        return out
