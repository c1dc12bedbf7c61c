"""Cleaning of an input article, with a map back to the original offsets.

``clean_text(original)`` only DELETES characters: markup (line_markup.py), site
boilerplate (boilerplate.py), blank lines and surplus whitespace, and the line
breaks that the page layout put inside a paragraph (column_breaks.py). Every
paragraph break kept is exactly one '\\n', and that '\\n' is one of the original
newlines. ``CleanText.index`` maps each cleaned character to its original
position, so spans found in the cleaned text map back with ``span_to_original``.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from . import boilerplate
from .column_breaks import JoinDecision, Paragraph, decide_joins
from .line_markup import LineChars, clean_line
from .punctuation import is_title_like


@dataclass(frozen=True)
class CleanText:
    """A cleaned text and, for each of its characters, the position in ``original``."""

    original: str
    text: str               # the cleaned text
    index: tuple[int, ...]  # index[i] = position in `original` of text[i]; strictly increasing
    doc_date: str | None    # publication date (yyyy-mm-dd) found in site boilerplate, else None
    # the publication timestamps of the page's meta lines, which are not in `text`: (original start,
    # original end, yyyy-mm-dd) of each date part (SCHEMA: a page timestamp is a DATE of its date part)
    timestamps: tuple[tuple[int, int, str], ...] = ()

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map cleaned ``[start, end)`` to original ``[index[start], index[end-1] + 1)``.

        The original span may contain characters the cleaner deleted (a line break
        between two column pieces of a name, an HTML tag).  A tag opened inside the span
        is closed inside it: 1.5万m<sup>2</sup> ends after ``</sup>``, not after the 2.
        """
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"bad cleaned span [{start}, {end}) for a text of {len(self.text)} characters")
        a, b = self.index[start], self.index[end - 1] + 1
        return a, self._close_open_tags(a, b)

    def _close_open_tags(self, a: int, b: int) -> int:
        inside = self.original[a:b]
        if "<" not in inside:
            return b
        opened = [m.group(1).lower() for m in _OPEN_TAG.finditer(inside)]
        closed = [m.group(1).lower() for m in _CLOSE_TAG.finditer(inside)]
        for tag in closed:
            if tag in opened:
                opened.remove(tag)
        while opened:
            m = _CLOSE_TAG.match(self.original, b)
            if not m or m.group(1).lower() not in opened:
                break
            opened.remove(m.group(1).lower())
            b = m.end()
        return b

    def span_from_original(self, start: int, end: int) -> tuple[int, int] | None:
        """Cleaned span of the kept characters inside original ``[start, end)``; None if none was kept."""
        first = bisect.bisect_left(self.index, start)
        last = bisect.bisect_left(self.index, end)
        return (first, last) if first < last else None


_OPEN_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?>")
_CLOSE_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9]*)\s*>")

# Kinds of source lines.
_BLANK, _NOISE, _TEXT = "blank", "noise", "text"
_META, _SITE, _NAVIGATION, _FOOTER = "meta", "site header", "navigation or page tool", "footer"
_BARRIERS = {_META, _SITE, _NAVIGATION, _FOOTER}


@dataclass(frozen=True)
class _Line:
    start: int
    end: int  # position of the '\n' that ends the line, or len(original)
    chars: LineChars
    text: str


def _split_lines(original: str) -> list[_Line]:
    lines, start = [], 0
    while True:
        end = original.find("\n", start)
        if end < 0:
            end = len(original)
        chars = clean_line(original, start, end)
        lines.append(_Line(start, end, chars, "".join(original[i] for i in chars.keep)))
        if end == len(original):
            return lines
        start = end + 1


def _looks_like_body(text: str) -> bool:
    """Not shaped like a title, kicker or caption line: evidence that the article body has begun."""
    return not is_title_like(text)


def _timestamp(line: _Line) -> tuple[int, int, str] | None:
    """The date part of a meta line, in original offsets."""
    found = boilerplate.find_date_span(line.text)
    if found is None:
        return None
    start, end, iso = found
    keep = line.chars.keep
    return keep[start], keep[end - 1] + 1, iso


def _classify(lines: list[_Line]) -> tuple[list[str], str | None]:
    """Kind of every line, and the publication date from the first meta line."""
    kinds: list[str] = []
    doc_date = None
    for line in lines:
        text = line.text
        if not text:
            kinds.append(_BLANK)
        elif boilerplate.is_noise_line(text):
            kinds.append(_NOISE)
        elif boilerplate.is_meta_line(text):
            kinds.append(_META)
            doc_date = doc_date or boilerplate.find_date(text)
        elif boilerplate.is_navigation_line(text) or boilerplate.is_page_tool_line(text):
            kinds.append(_NAVIGATION)
        else:
            kinds.append(_TEXT)

    # Footer: from the first footer marker that follows some body text, everything goes.
    # A footer marker before any body text (in the page header) only loses its line.
    seen_body = False
    footer_found = False
    for n, line in enumerate(lines):
        if kinds[n] in (_TEXT, _META) and boilerplate.is_footer_start(line.text):
            if seen_body:
                for m in range(n, len(lines)):
                    if kinds[m] != _BLANK:
                        kinds[m] = _FOOTER
                footer_found = True
                break
            kinds[n] = _FOOTER
        elif kinds[n] == _TEXT and _looks_like_body(line.text):
            seen_body = True

    # Site-name lines: only on a web page (it has a meta line or a footer), before the body.
    if footer_found or _META in kinds:
        for n, line in enumerate(lines):
            if kinds[n] == _TEXT and _looks_like_body(line.text):
                break
            if kinds[n] == _TEXT and boilerplate.is_site_header_line(line.text):
                kinds[n] = _SITE
    return kinds, doc_date


def _paragraphs(lines: list[_Line], kinds: list[str]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    blank, barrier = 0, False
    for n, (line, kind) in enumerate(zip(lines, kinds)):
        if kind in (_BLANK, _NOISE):
            blank += 1
        elif kind in _BARRIERS:
            barrier = True
        else:
            paragraphs.append(Paragraph(
                line_no=n, line_end=line.end, keep=line.chars.keep, text=line.text,
                heading_mark=line.chars.heading_mark, bullet_mark=line.chars.bullet_mark,
                blank_lines_before=blank, barrier_before=barrier))
            blank, barrier = 0, False
    return paragraphs


def clean_text_with_decisions(original: str) -> tuple[CleanText, list[Paragraph], list[JoinDecision]]:
    """Clean ``original``; also return its paragraphs and the column-break decisions (for inspection)."""
    lines = _split_lines(original)
    kinds, doc_date = _classify(lines)
    timestamps = tuple(ts for line, kind in zip(lines, kinds) if kind == _META and (ts := _timestamp(line)))
    paragraphs = _paragraphs(lines, kinds)
    decisions = decide_joins(paragraphs)
    index: list[int] = []
    for i, p in enumerate(paragraphs):
        if i > 0 and not decisions[i - 1].joined:
            index.append(paragraphs[i - 1].line_end)  # the original '\n' after the previous paragraph
        index.extend(p.keep)
    text = "".join(original[i] for i in index)
    return CleanText(original, text, tuple(index), doc_date, timestamps), paragraphs, decisions


def clean_text(original: str) -> CleanText:
    """Clean an article (see the module docstring)."""
    return clean_text_with_decisions(original)[0]
