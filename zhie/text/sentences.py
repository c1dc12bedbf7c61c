"""Sentence and paragraph spans on CLEANED text.

A sentence ends at 。！？!? (with the closing quotes/brackets that follow) and at
a line break. SCHEMA.md: a headline split over a kicker line and a title line
is one sentence, so consecutive title-shaped lines (short, no sentence
punctuation) form one sentence span that contains their line breaks, e.g.
``曲沃经济技术开发区\\n为新任“招商大使”颁授聘书``.

Spans are (start, end) character offsets, in order, non-overlapping, covering
every non-whitespace character, with no whitespace at either end.
"""
from __future__ import annotations

from .punctuation import CLOSERS, SENTENCE_END, ends_paragraph, is_title_like


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-empty lines of ``text``, stripped of surrounding whitespace."""
    spans, start = [], 0
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        s, e = _strip(text, start, end)
        if s < e:
            spans.append((s, e))
        start = end + 1
    return spans


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences inside one line: cut after 。！？!? and the closers that follow them."""
    spans, piece_start, i = [], start, start
    while i < end:
        if text[i] in SENTENCE_END:
            i += 1
            while i < end and (text[i] in SENTENCE_END or text[i] in CLOSERS):
                i += 1
            s, e = _strip(text, piece_start, i)
            if s < e:
                spans.append((s, e))
            piece_start = i
        else:
            i += 1
    s, e = _strip(text, piece_start, end)
    if s < e:
        spans.append((s, e))
    return spans


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a cleaned text (see the module docstring)."""
    sentences: list[tuple[int, int]] = []
    headline: tuple[int, int] | None = None  # run of title-shaped lines being collected
    for start, end in paragraph_spans(text):
        line = text[start:end]
        if is_title_like(line) and not ends_paragraph(line):  # not a credit like (供稿：…)
            headline = (headline[0], end) if headline else (start, end)
            continue
        if headline:
            sentences.append(headline)
            headline = None
        sentences.extend(_split_line(text, start, end))
    if headline:
        sentences.append(headline)
    return sentences
