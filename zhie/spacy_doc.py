"""Where users meet spaCy: results as ``Doc``/``Span`` objects, displaCy-style pages and DocBin files.

The Chinese blank pipeline segments by character, so every entity offset is a token
boundary and spans convert exactly.  The full result (relations, events, normalised
values) travels in ``doc.user_data["zhie"]``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import spacy
from spacy.tokens import Doc, DocBin
from spacy.util import filter_spans

_NLP = None


def blank_zh():
    global _NLP
    if _NLP is None:
        _NLP = spacy.blank("zh")  # character segmentation: no model download
    return _NLP


def to_spacy_doc(text: str, result: dict[str, Any]) -> Doc:
    """A spaCy Doc whose ``ents`` are the result's entities (``span.label_``, ``span._``-free); a short form's
    ``span.kb_id_`` is the text of its full form (``full_form``: 云湖高新区 → 云湖高新技术产业开发区)."""
    doc = blank_zh().make_doc(text)
    spans = []
    texts = {e.get("id"): e["text"] for e in result.get("entities", [])}
    for e in result.get("entities", []):
        span = doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="expand",
                             kb_id=texts.get(e.get("full_form"), ""))
        if span is not None:
            spans.append(span)
    doc.ents = filter_spans(spans)
    doc.user_data["zhie"] = result
    return doc


def render_html(items: Iterable[tuple[str, dict[str, Any]]]) -> str:
    """A displaCy-style entity page for (text, result) pairs, made for Chinese (``zhie.entity_page``)."""
    from .entity_page import render_page
    return render_page(items)


def write_docbin(items: Iterable[tuple[str, dict[str, Any]]], path: Path) -> int:
    """Save results as a spaCy DocBin (for spaCy training or prodigy-style review)."""
    bin_ = DocBin(store_user_data=True)
    n = 0
    for text, result in items:
        bin_.add(to_spacy_doc(text, result))
        n += 1
    bin_.to_disk(path)
    return n
