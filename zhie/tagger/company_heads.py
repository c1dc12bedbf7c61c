"""A company span with no name of its own takes the name written right before it (GUIDELINES §10.41).

The character tagger sometimes starts a company's span after its name and tags only the trade words
and the legal form: 恒泰联盟[控股股份有限公司], 台州某[铸造有限公司], 青山县工业园区投资[开发有限责任公司].
A span whose words before the legal form are all trade words or places (控股股份, 铸造, 地产镇江:
common words of jieba's dictionary that are no proper names, or place names) names no company by
itself. When the words right before it, in the same clause, are a name, the span starts there:

- it takes the untagged words written before it back to the clause's start, the end of the words
  that lead into the noun phrase (与, 将, 对, 吸引了) or a function character (的, 将, 在), and at most
  ``MAX_HEAD_CHARS`` characters (``word_boundaries.name_before``);
- a ZONE, COMPANY, ORG or PROJECT span touching it is absorbed (青山县工业园区 + 投资开发有限责任公司
  is one company), and so is any name span those words reach; any other span stops it;
- what it takes must hold two characters or more, read as a name (a proper name, a place, a mask 某 or
  characters jieba does not join into words) and be no count (一家科技公司 and 核准 + 某某证券股份有限公司 stay).
"""
from __future__ import annotations

import re

from . import consistency
from .base import TaggedSpan
from .word_boundaries import is_place_word, name_before, word_frequency, words_with_pos

# Legal forms a company name may end in (the short-form rule's, and a branch's 分公司), longest first.
LEGAL_FORMS = tuple(sorted(set(consistency.LEGAL_FORMS) | {"分公司"}, key=len, reverse=True))
# A word this frequent in jieba's dictionary and tagged no proper name is a common (trade) word.
TRADE_WORD_FREQ = 300
_PROPER_POS = ("nr", "nz", "nt", "nrt")
HEAD_LABELS = {"ZONE", "COMPANY", "ORG", "PROJECT"}
MAX_HEAD_CHARS = 12
_COUNT = re.compile(r"^[0-9一二两三四五六七八九十百千万几数多每这那该此本其各某][家个批所座只]")


def _legal_form(name: str) -> str | None:
    return next((f for f in LEGAL_FORMS if name.endswith(f)), None)


def has_no_name(name: str) -> bool:
    """``name`` (a COMPANY span's text) is trade words and places before its legal form, or the legal
    form alone: 控股股份有限公司, 铸造有限公司, 地产镇江公司 — not 大金重工公司, 华为公司."""
    form = _legal_form(name)
    if form is None:
        return False
    base = name[:-len(form)]
    if not base:
        return True
    for word, pos in words_with_pos(base):
        if is_place_word(word):
            continue
        if len(word) < 2 or pos.startswith(_PROPER_POS) or word_frequency(word) < TRADE_WORD_FREQ:
            return False
    return True


def reads_as_name(words: str) -> bool:
    """``words`` hold a name: a word jieba tags as a person, place, organisation or other proper name
    (华为, 温州), an abbreviation (联盟), a mask (某) or a name it splits into single characters (晋, 恒)
    — not only common words (关于核准 + 某某证券股份有限公司 takes nothing)."""
    for word, pos in words_with_pos(words):
        if "某" in word or pos.startswith(_PROPER_POS + ("ns", "j")) or (len(word) == 1 and pos.startswith(("n", "ng"))):
            return True
    return False


def _head_start(text: str, spans: list[TaggedSpan], k: int) -> int | None:
    """Where the name written right before the ``k``-th span starts, or None when none is."""
    start = spans[k].start
    a, j = start, k - 1
    while True:
        prev = spans[j] if j >= 0 else None
        limit = prev.end if prev is not None else 0
        b = name_before(text, a, limit, MAX_HEAD_CHARS - (start - a))
        if (b == limit and prev is not None and prev.label in HEAD_LABELS
                and start - prev.start <= MAX_HEAD_CHARS + 8):
            a, j = prev.start, j - 1   # a name span touching the words before is part of the name
            continue
        return b if b < start else None


def take_heads(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Sorted, non-overlapping ``spans`` with every COMPANY that names no company by itself started
    at the name written right before it (see the module docstring)."""
    out = list(spans)
    k = 0
    while k < len(out):
        span = out[k]
        if span.label != "COMPANY" or not has_no_name(text[span.start:span.end]):
            k += 1
            continue
        head = _head_start(text, out, k)
        if head is None or span.start - head < 2 or _COUNT.match(text[head:span.start]) \
                or not reads_as_name(text[head:span.start]):
            k += 1
            continue
        absorbed = [j for j in range(k) if out[j].start >= head]
        score = min([span.score] + [out[j].score for j in absorbed])
        merged = TaggedSpan("COMPANY", head, span.end, score)
        out = out[:k - len(absorbed)] + [merged] + out[k + 1:]
        k = k - len(absorbed) + 1
    return out


_INNER_FORM = re.compile("集团|公司")
_UNIT_TAILS = ("行", "部", "处", "局", "厂", "店", "院", "所", "站", "社", "馆", "中心", "分公司", "子公司")


def legal_form_end(name: str) -> int:
    """Where a COMPANY span's name ends when it runs past its legal form into common words
    (某某集团芯片, 某某集团综合能源 → 某某集团): the end of the last 集团/公司 inside ``name`` when
    ``name`` does not end in a legal form and the rest is common words naming no unit (not 某某银行
    某省分行, 某某集团某区域指挥部); ``len(name)`` otherwise."""
    if _legal_form(name) is not None:
        return len(name)
    inner = [m.end() for m in _INNER_FORM.finditer(name) if m.start() >= 2]
    if not inner:
        return len(name)
    tail = name[inner[-1]:]
    if not 2 <= len(tail) <= 6 or tail.endswith(_UNIT_TAILS):
        return len(name)
    for word, pos in words_with_pos(tail):
        if len(word) < 2 or is_place_word(word) or pos.startswith(_PROPER_POS + ("ns", "j")) \
                or word_frequency(word) < TRADE_WORD_FREQ:
            return len(name)
    return inner[-1]
