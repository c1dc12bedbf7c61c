"""Span rules applied to the tagger's output on the cleaned text (SCHEMA.md span rules).

- no surrounding quotes, brackets or book-title marks inside a span;
- bylines are not OFFICIALs: a name alone in brackets closing a paragraph ((魏亚东)),
  a name after ■ at a line start, a name standing alone on the last line;
- 习近平 inside the doctrine name 习近平新时代中国特色社会主义思想 is not an OFFICIAL;
- an AMOUNT holds a numeral (a lone qualifier such as 达 or 约 cut off by the tagger is dropped).
"""
from __future__ import annotations

from .base import TaggedSpan

WRAPPERS = "“”\"'‘’《》〈〉（）()【】[]「」『』 \u3000\n\t、，,。；;：:"
OPEN_BRACKETS = "(（"
CLOSE_BRACKETS = ")）"
DOCTRINE = "新时代中国特色社会主义思想"
NUMERALS = set("0123456789０１２３４５６７８９零〇一二两三四五六七八九十百千万亿数几")


def strip_wrappers(text: str, span: TaggedSpan) -> TaggedSpan | None:
    s, e = span.start, span.end
    while s < e and text[s] in WRAPPERS:
        s += 1
    while e > s and text[e - 1] in WRAPPERS:
        e -= 1
    if s >= e:
        return None
    return span if (s, e) == (span.start, span.end) else TaggedSpan(span.label, s, e, span.score)


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, (len(text) if b < 0 else b)


def is_byline(text: str, span: TaggedSpan) -> bool:
    if span.label != "OFFICIAL":
        return False
    s, e = span.start, span.end
    a, b = _line_bounds(text, s, e)
    before, after = text[a:s].rstrip(" \u3000"), text[e:b].strip(" \u3000")
    # (魏亚东) / （王文军） closing a paragraph, possibly with several names
    if before.endswith(tuple(OPEN_BRACKETS)) or (before and before[-1] in "、 " and "(" in before[-6:] + "（"):
        tail = after.lstrip("、 ")
        if tail[:1] in CLOSE_BRACKETS and not tail[1:].strip():
            return True
        if tail[:1] in CLOSE_BRACKETS and tail[1:].strip() in ("。",):
            return True
    # ■ 何志敏 at a line start
    if before.strip() in ("■", "□", "◆", "●", "文/", "文／", "记者", "通讯员", "作者：", "作者:", "责任编辑：", "编辑："):
        return True
    # a name alone on its line
    if not before.strip() and not after:
        return True
    return False


def is_doctrine(text: str, span: TaggedSpan) -> bool:
    return span.label == "OFFICIAL" and text.startswith(DOCTRINE, span.end)


def apply_filters(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    out = []
    for span in spans:
        span = strip_wrappers(text, span)
        if span is None or is_byline(text, span) or is_doctrine(text, span):
            continue
        if span.label == "AMOUNT" and not NUMERALS.intersection(text[span.start:span.end]):
            continue
        out.append(span)
    return out
