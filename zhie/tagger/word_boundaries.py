"""Word-boundary evidence for name spans: a ZONE, COMPANY, ORG or PROJECT does not begin or end
inside a word (GUIDELINES §1).

The character tagger sometimes cuts a name through a word: 和[林格尔新区] (the 和 of 和林格尔 read
as "and"), [大盂产业新]城, 落[户江北新区].  jieba's dictionary segmentation (no HMM guesses for
unknown words) of the span's line tells where the words are:
- a span that starts inside a word moves to the nearer edge of that word; on a tie it gives the
  character up (落户 + 江北新区: 户 leaves);
- a span that ends inside a word is extended to the word's end when that is at most two characters
  further and the word ends like the span's label (a zone word's last character such as 区, 园,
  城, 港; a legal form such as 公司, 集团): 郑州航空港实|验区 → 郑州航空港实验区.
A move that would overlap another span, or leave fewer than two characters, is not made.
People's names are left alone (jieba's dictionary knows few of them).
"""
from __future__ import annotations

import logging
from dataclasses import replace
from functools import lru_cache

from .base import TaggedSpan

SNAPPED_LABELS = ("ZONE", "COMPANY", "ORG", "PROJECT")
# The last characters of the words a span of the label may be extended into.
END_WORDS = {"ZONE": tuple("区园城港谷岛湾"), "COMPANY": ("公司", "集团", "厂", "银行")}
MAX_EXTENSION = 2


@lru_cache(maxsize=1)
def _segmenter():
    """jieba's default dictionary, loaded once (about a second the first time)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def warm_up() -> None:
    """Load jieba's dictionary now rather than on the first document (``Pipeline.load`` calls it)."""
    _segmenter()


@lru_cache(maxsize=256)
def word_edges(line: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) of every word of ``line`` in jieba's dictionary segmentation."""
    out, pos = [], 0
    for w in _segmenter().cut(line, HMM=False):
        out.append((pos, pos + len(w)))
        pos += len(w)
    return tuple(out)


def _word_around(edges: tuple[tuple[int, int], ...], pos: int) -> tuple[int, int] | None:
    """The word that ``pos`` (a character boundary) falls strictly inside, or None."""
    for a, b in edges:
        if a < pos < b:
            return a, b
        if a >= pos:
            return None
    return None


def snap_span(text: str, span: TaggedSpan) -> TaggedSpan:
    """``span`` with its edges moved out of the words they cut (see the module docstring)."""
    if span.label not in SNAPPED_LABELS:
        return span
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.end)
    line_end = len(text) if line_end < 0 else line_end
    edges = word_edges(text[line_start:line_end])
    s, e = span.start - line_start, span.end - line_start
    word = _word_around(edges, s)
    if word is not None:
        a, b = word
        s = a if s - a < b - s else b
    word = _word_around(edges, e)
    endings = END_WORDS.get(span.label)
    if word is not None and endings:
        a, b = word
        line = text[line_start:line_end]
        if b - e <= MAX_EXTENSION and line[a:b].endswith(endings):
            e = b
    if e - s < 2 or (s, e) == (span.start - line_start, span.end - line_start):
        return span
    return replace(span, start=s + line_start, end=e + line_start)


def snap_to_words(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Every name span snapped to word edges, unless the move would overlap another span."""
    out = list(spans)
    for i, span in enumerate(spans):
        moved = snap_span(text, span)
        if moved is span:
            continue
        if any(j != i and other.start < moved.end and moved.start < other.end
               and not (other.start < span.end and span.start < other.end)
               for j, other in enumerate(out)):
            continue
        out[i] = moved
    return out
