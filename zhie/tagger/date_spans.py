"""DATE spans as the gold writes them: a range is one span, and a span holds the date only (GUIDELINES §10.42).

- two DATEs joined by one range word (至, 到, -, —, ~) on one line are one DATE, the range
  (2013年至2016年, 4月11日至4月14日, 7月2日~5日, 8月9日下午-10日, 2016 - 2019年); its norm is
  the interval (normalize_date reads ranges);
- a DATE does not start with the range word that leads to it (至2021年 → 2021年) nor end with one
  that leads to nothing tagged (5月12日至 → 5月12日);
- a word that places an event before, after or within a date is not part of the DATE:
  2011年之前, 2016年9月底前, 2013年至2016年间, 下个月内, 2018年以后, 去年全年 → the date alone; 日前, 年内 and
  N年前 (两年前, "two years ago") are date words of their own and stay;
- digits after a year that belong to the next word are not part of it (今年48岁, 2019年86项 → 今年,
  2019年);
- the relative dates of everyday speech that the tagger leaves untagged (两年前, 这几年, 本周, 下个月,
  当天上午) are DATEs where nothing else is tagged and they stand at word edges: the gold of every part
  tags them (36 of 38 such words in the train parts and dev; GUIDELINES §10.45).
"""
from __future__ import annotations

import re

from .base import TaggedSpan
from .word_boundaries import at_word_edges, day_part_at

RANGE_WORDS = "至到-—–~～－"
_RANGE_GAP = re.compile(r"[ \u3000]*[" + re.escape(RANGE_WORDS) + r"][ \u3000]*")
# Words after a date that place something before, after or within it (longest first).
RELATIVE_TAILS = ("之前", "以前", "之后", "以后", "期间", "全年", "前", "后", "内", "间")
# What a tail may follow to be trimmed: a point or a period of the calendar written with a number.
_POINT_ENDS = "年月日号底末初"
_TAIL_AFTER = {"前": "底末初日号月", "后": "底末初日号月", "内": "月", "间": "年", "之前": _POINT_ENDS,
               "以前": _POINT_ENDS, "之后": _POINT_ENDS, "以后": _POINT_ENDS, "期间": _POINT_ENDS, "全年": "年"}
# Tails trimmed after a relative date too (下个月内, 去年全年), not only after one written with a number.
_TAILS_AFTER_ANY = ("内", "全年")
_YEAR_THEN_DIGITS = re.compile(r"(年)\d+$")
_DATE_UNITS = "年月日号"


def join_ranges(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Sorted, non-overlapping ``spans`` with two DATEs joined by one range word made one DATE."""
    out: list[TaggedSpan] = []
    for span in spans:
        prev = out[-1] if out else None
        if span.label == "DATE" and prev is not None and prev.label == "DATE":
            gap = text[prev.end:span.start]
            dangling = prev.end == span.start and text[prev.end - 1] in "至到"
            if dangling or (gap and _RANGE_GAP.fullmatch(gap) and "\n" not in gap):
                out[-1] = TaggedSpan("DATE", prev.start, span.end, min(prev.score, span.score))
                continue
        out.append(span)
    return out


def _has_number(s: str) -> bool:
    return any(ch.isdigit() or ch in "一二两三四五六七八九十〇零" for ch in s)


def date_edges(text: str, span: TaggedSpan) -> TaggedSpan:
    """A DATE ``span`` without the range word before it or after it, without a relative tail and
    without the digits of the next word (module docstring)."""
    if span.label != "DATE":
        return span
    s, e = span.start, span.end
    if e - s > 2 and text[s] in "至到" and _has_number(text[s + 1:s + 2]):
        s += 1
    while e - s > 2 and text[e - 1] in RANGE_WORDS:
        e -= 1
    for tail in RELATIVE_TAILS:
        head = text[s:e - len(tail)]
        if text[s:e].endswith(tail) and len(head) >= 2 and (_has_number(head) or tail in _TAILS_AFTER_ANY):
            if head[-1] in _TAIL_AFTER[tail]:
                e -= len(tail)
            break
    m = _YEAR_THEN_DIGITS.search(text[s:e])
    if m and e - s - (len(m.group(0)) - 1) >= 2 and text[e:e + 1] not in _DATE_UNITS and not text[e:e + 1].isdigit():
        e = s + m.end(1)
    return span if (s, e) == (span.start, span.end) else TaggedSpan("DATE", s, e, span.score)


# Relative dates written without a number of the calendar (SCHEMA: "relative points and periods").
_RELATIVE_DATE = re.compile(
    r"(?<![0-9０-９一二两三四五六七八九十百千万余多几])(?:[一二两三四五六七八九十几多]|[0-9]{1,2})年前"
    r"|这几年|近几年|前几年|这些年|这两年|近两年|本周|上周|下周|本月|上个月|下个月|当天|当日")
RELATIVE_DATE_SCORE = 0.7


def relative_dates(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Sorted, non-overlapping ``spans`` with the untagged relative dates of ``_RELATIVE_DATE`` added
    (a part of the day written right after 当天/当日 included), where they overlap no span and start
    and end at word edges."""
    added: list[TaggedSpan] = []
    for m in _RELATIVE_DATE.finditer(text):
        s, e = m.start(), m.end()
        part = day_part_at(text, e) if m.group().startswith("当") else None
        if part is not None and part != "晚":   # 当天上午, 当日晚上; a bare 晚 is left out here
            e += len(part)
        if any(x.start < e and s < x.end for x in spans):
            continue
        if at_word_edges(text, s, e):
            added.append(TaggedSpan("DATE", s, e, RELATIVE_DATE_SCORE))
    return sorted(spans + added, key=lambda x: (x.start, x.end)) if added else spans
