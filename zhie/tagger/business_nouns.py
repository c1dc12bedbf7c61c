"""A name written with a business noun (某某大酒店, 某某度假村) is a COMPANY (GUIDELINES §10.44).

Hotels and resorts are companies in every gold part (某某山水假日酒店, 某某国际大酒店, 某某生态旅游度假村),
but the tagger, trained on few of them, leaves them untagged or stops before the noun (某某生态旅游 +
度假村).  Like a legal form (``company_names``), the business noun belongs to the name before it:

- a COMPANY span that ends right before one takes it;
- an untagged name right before one is a COMPANY: the words back to the clause's start or the words
  leading into it (word_boundaries.name_before), two to twelve characters that read as a name (a
  proper name, a place, characters jieba does not join into words: company_heads.reads_as_name) and
  are no count (一家酒店) — 五星级酒店 and 入住酒店 name no hotel.
"""
from __future__ import annotations

import re

from .base import TaggedSpan
from .company_heads import reads_as_name
from .word_boundaries import name_before

BUSINESS_NOUNS = ("大酒店", "酒店", "宾馆", "大饭店", "饭店", "度假村")
_NOUN_RE = re.compile("|".join(sorted(BUSINESS_NOUNS, key=len, reverse=True)))
NAME_CHARS = (2, 12)
NOUN_SCORE = 0.6
_COUNT = re.compile(r"^(?:[0-9一二两三四五六七八九十百千几数多每这那该此本其各某]+[家个座所])|星级|五星|四星|三星")


def business_names(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Sorted, non-overlapping ``spans`` with the business nouns joined to the names before them
    (see the module docstring)."""
    if not _NOUN_RE.search(text):
        return spans
    out = list(spans)
    taken = bytearray(len(text))
    for s in out:
        taken[s.start:s.end] = b"\x01" * (s.end - s.start)
    added: list[TaggedSpan] = []
    for m in _NOUN_RE.finditer(text):
        a, b = m.start(), m.end()
        if any(taken[a:b]):
            continue
        k = next((i for i, s in enumerate(out) if s.end == a), None)
        if k is not None:
            if out[k].label == "COMPANY":     # 某某生态旅游 + 度假村
                out[k] = TaggedSpan("COMPANY", out[k].start, b, out[k].score)
                taken[a:b] = b"\x01" * (b - a)
            continue
        limit = max((sp.end for sp in out + added if sp.end <= a), default=0)
        s = name_before(text, a, limit, NAME_CHARS[1] + 6)
        name = text[s:a]
        if NAME_CHARS[0] <= len(name) <= NAME_CHARS[1] and reads_as_name(name) and not _COUNT.search(name):
            added.append(TaggedSpan("COMPANY", s, b, NOUN_SCORE))
            taken[s:b] = b"\x01" * (b - s)
    return sorted(out + added, key=lambda s: (s.start, s.end)) if added or out != spans else spans
