"""Synthetic domain examples for the tagger: entity substitution in the annotated training
windows and sentences from the genre templates (see ``augment.py``), as ``Example``s.
"""
from __future__ import annotations

import random
from typing import Any

from .augment import from_templates, load_templates, substitute
from .domain import IGNORE
from .examples import Example
from .gazetteers import load_gazetteers


def synthetic_examples(train_docs: list[dict], windows: list[Example], rng: random.Random, n_subst: int,
                       n_templates: int, max_len: int) -> list[Example]:
    """``n_subst`` substituted copies of each annotated window plus ``n_templates`` template sentences."""
    if not (n_subst or n_templates):
        return []
    gaz = load_gazetteers()
    out: list[dict[str, Any]] = []
    if n_subst:
        clean = [w.to_dict() for w in windows if w.spans and not any(s[0] == IGNORE for s in w.spans)]
        out += substitute(clean, gaz, n_subst, rng)
    if n_templates:
        out += from_templates(load_templates(), gaz, n_templates, rng)
    return [Example.from_dict(d) for d in out if len(d["text"]) <= max_len]
