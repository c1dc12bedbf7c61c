"""Span rules applied to the tagger's output on the cleaned text (SCHEMA.md span rules).

- a name does not begin or end inside a word (word_boundaries.py, jieba's dictionary);

- no surrounding quotes, brackets or book-title marks inside a span;
- bylines are not OFFICIALs: a name alone in brackets closing a paragraph ((魏亚东)),
  a name after ■ at a line start, a name standing alone on the last line;
- 习近平 inside the doctrine name 习近平新时代中国特色社会主义思想 is not an OFFICIAL;
- an AMOUNT holds a numeral (a lone qualifier such as 达 or 约 cut off by the tagger is dropped);
- a company name takes the longest form as written: a legal-form suffix written right after a
  COMPANY span (大金重工 + 公司) belongs to it; a suffix tagged alone right after a name
  (北京亦庄智能城市研究院 + 有限公司) makes the two one COMPANY; a suffix standing alone
  (集团, 集团公司 used as an anaphor) is no name and is dropped; an ORG whose name ends in
  公司 is a COMPANY (GUIDELINES §2.3);
- a name (ZONE, OFFICIAL, COMPANY, ORG, PROJECT) has at least two characters;
- a ZONE is a named zone (SCHEMA, "Span rules seen on real web and news-wire pages"): a span with no
  zone word that ends like an administrative place, port, road or bridge (城关镇, 某某区, 某某港, 某某大桥)
  is no ZONE, nor is a zone-type phrase with no name of its own (综合保税区, 国家级经济技术开发区,
  临空经济区) — see zone_words.py;
- a number without a unit followed by a counting word (282.38万人次, 520万单) is a count, not an
  AMOUNT (10亿元以上项目 keeps its span: it ends in a unit).
"""
from __future__ import annotations

from .base import TaggedSpan
from .word_boundaries import snap_to_words
from .zone_words import is_unnamed_zone_type, is_place_not_zone

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


COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "集团公司",
                    "有限公司", "公司", "集团")
_SUFFIXES_LONGEST_FIRST = tuple(sorted(COMPANY_SUFFIXES, key=len, reverse=True))
MERGEABLE = {"COMPANY", "ORG", "ZONE", "PROJECT"}
NAME_LABELS = {"ZONE", "OFFICIAL", "COMPANY", "ORG", "PROJECT"}
COUNT_WORDS = ("人次", "人", "名", "位", "个", "家", "户", "单", "件", "次", "项", "辆", "台", "套", "批", "笔",
               "条", "款", "张", "份", "只", "头", "株", "棵", "篇", "场", "届", "岗")


def _suffix_after(text: str, end: int) -> int:
    """The end of a company legal-form suffix written right at ``end`` (``end`` if none)."""
    for suffix in _SUFFIXES_LONGEST_FIRST:
        if text.startswith(suffix, end):
            return end + len(suffix)
    return end


def company_names(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Apply the company-suffix rules to sorted, non-overlapping spans."""
    out: list[TaggedSpan] = []
    for span in spans:
        if span.label == "COMPANY" and text[span.start:span.end] in COMPANY_SUFFIXES:
            prev = out[-1] if out else None
            if prev is not None and prev.end == span.start and prev.label in MERGEABLE:
                out[-1] = TaggedSpan("COMPANY", prev.start, span.end, min(prev.score, span.score))
            continue  # merged into the name before it, or a bare suffix
        if span.label == "ORG" and text[span.start:span.end].endswith("公司"):
            span = TaggedSpan("COMPANY", span.start, span.end, span.score)
        out.append(span)
    for k, span in enumerate(out):
        if span.label != "COMPANY":
            continue
        end = _suffix_after(text, span.end)
        nxt = out[k + 1].start if k + 1 < len(out) else len(text)
        if end > span.end and end <= nxt:
            out[k] = TaggedSpan(span.label, span.start, end, span.score)
    return out


def is_count(text: str, span: TaggedSpan) -> bool:
    """A bare number (no unit: it ends in a numeral, 多 or 余) followed by a counting word."""
    last = text[span.end - 1]
    return (last in NUMERALS or last in "多余.") and text.startswith(COUNT_WORDS, span.end)


def apply_filters(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    spans = snap_to_words(text, sorted(spans, key=lambda s: (s.start, s.end)))
    spans = company_names(text, sorted(spans, key=lambda s: (s.start, s.end)))
    out = []
    for span in spans:
        span = strip_wrappers(text, span)
        if span is None or is_byline(text, span) or is_doctrine(text, span):
            continue
        if span.label in NAME_LABELS and span.end - span.start < 2:
            continue
        if span.label == "ZONE" and (is_place_not_zone(text[span.start:span.end])
                                     or is_unnamed_zone_type(text[span.start:span.end])):
            continue
        if span.label == "AMOUNT" and (not NUMERALS.intersection(text[span.start:span.end])
                                       or is_count(text, span)):
            continue
        out.append(span)
    return out
