"""DATE normalisation: span text + document date -> ISO 8601 point or interval, or None.

``normalize_date("1-6月", "2023-06-20") == "2023-01/2023-06"``.
A deterministic parser handles the expressions of the domain (years,
months, days, quarters, halves, 底/末/初, 以来, ranges, relative years);
``jionlp.parse_time`` is the fallback for the long tail (festivals, weeks,
…) and is only trusted when its answer is unambiguous.  The rules are
written out in annotations/NORMALISATION.md.
"""
from __future__ import annotations

import calendar
import contextvars
import datetime as dt
import re
from dataclasses import dataclass

import cn2an

from . import jionlp_fallback
from .numerals import cn_digits_to_int, fold_text

# Expressions that anchor to no recoverable calendar time.
VAGUE = frozenset({
    "近日", "近期", "近年", "近年来", "近几年", "近几年来", "近些年", "近些年来", "近来", "最近",
    "日前", "前不久", "不久前", "此前", "之前", "以前", "目前", "当前", "现在", "眼下", "如今",
    "当时", "当天", "当日", "同日", "同期", "当年", "届时", "期间", "今后", "未来", "过去", "以往",
    "往年", "历年", "多年来", "长期以来", "一段时间以来", "此后", "随后", "近段时间", "这段时间",
    "截至目前", "截止目前", "目前为止", "迄今", "至今", "年度", "当月", "同月", "同年", "次年", "翌年",
    "次月", "该年", "本期", "同一天",
})

# True while normalising a date written in a plan (拟于9月下旬举办): year-less dates look ahead.
_UPCOMING = contextvars.ContextVar("zhie_date_upcoming", default=False)

_RELATIVE_YEARS = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "上一年": -1, "前年": -2,
                   "明年": 1, "来年": 1, "下一年": 1, "后年": 2}
_RELATIVE_MONTHS = {"本月": 0, "这个月": 0, "上月": -1, "上个月": -1, "下月": 1, "下个月": 1}
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "昨天": -1, "昨日": -1, "前天": -2, "明天": 1, "明日": 1, "后天": 2}
_SINCE_SUFFIXES = ("以来", "至今", "到现在", "到目前为止", "至目前为止", "到目前", "至目前", "迄今")
_LEADING_WORDS = ("截至到", "截止到", "截止至", "截至", "截止", "直至", "直到", "到", "至", "于", "在", "自", "从")
_TRAILING_WORDS = ("期间", "同期", "时", "小长假", "黄金周", "假期", "长假")  # “五一”假期 -> 五一
# 前/后 after a date, alone or compounded (6月底前, 2030年前, 2025年或以后, 2023年及之前, 3月前后)
_ANCHOR_SUFFIX_RE = re.compile(r"(?:以及|或者|及|或|和)?(?:之|以)?(?:前后|前|后)$")
# a year of the story, not of the document (当年9月, 同年3月, 次年年底): never guessed
_STORY_PREFIXES = ("当年", "同年", "次年", "翌年", "该年", "第二年", "前一年", "后一年",
                   "当月", "同月", "次月", "该月", "当日", "同日", "次日", "翌日", "当天", "第二天")
_RANGE_SEPARATORS = ("——", "—", "–", "-", "~", "至", "到")

_YEAR_RE = re.compile(r"(?:(?P<y>\d{4})年?度?|(?P<ry>" + "|".join(sorted(_RELATIVE_YEARS, key=len, reverse=True))
                      + r")度?)")
# N年来, 5个月来: a span of time up to now whose start the text does not give (like 近3年来)
_SPAN_SINCE_RE = re.compile(r"(?:\d{1,2}|[一二两三四五六七八九十几]+)(?:年|个月)(?:以)?来")
# a European day-first date, as some pages print it: 18.01.2018
_DAY_FIRST_RE = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})")
_DOTTED_RE = re.compile(r"(?P<y>\d{4})[-./](?P<m>\d{1,2})(?:[-./](?P<d>\d{1,2})日?)?")
_DEKADS = r"上中旬|中下旬|上旬|中旬|下旬"
_MONTH_RE = re.compile(r"(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})(?:[日号]|$))?(?P<edge>" + _DEKADS + r"|初|中|底|末)?")
_DAY_RE = re.compile(r"(?P<d>\d{1,2})[日号]")
_QUARTER_RE = re.compile(r"(?:第?(?P<q>[1-4])季度|[Qq](?P<qq>[1-4]))(?P<edge>初|末|底)?")
_FIRST_QUARTERS_RE = re.compile(r"前(?P<n>[1-4])个?季度")
_FIRST_MONTHS_RE = re.compile(r"前(?P<n>\d{1,2})个月")
_YEAR_EDGE_RE = re.compile(r"年?(?P<edge>初|底|末|中)")
_REL_MONTH_RE = re.compile(r"(?P<rm>" + "|".join(sorted(_RELATIVE_MONTHS, key=len, reverse=True))
                           + r")(?P<edge>" + _DEKADS + r"|初|中|底|末)?")
_BARE_MONTH_EDGE_RE = re.compile(r"月(?P<edge>" + _DEKADS + r"|初|中|底|末)")

_CN_YEAR_RE = re.compile(r"([〇○零一二三四五六七八九]{4})(?=年)")
# Chinese counts before 月/号/季度, and before 日 only inside a month-day (九月十五日, 3月1日至三日):
# a bare 三日 is a duration as often as a day, so it is left alone and ends up null.
_CN_COUNT_RE = re.compile(r"([一二两三四五六七八九十]{1,3})(?=月|号|季度|个月|个季度)"
                          r"|(?:(?<=月)|(?<=日[至到\-—~]))([一二两三四五六七八九十]{1,3})(?=日)")
_CN_BARE_DAY_RE = re.compile(r"[一二两三四五六七八九十]{1,3}日")
_CN_RANGE_HEAD_RE = re.compile(r"([一二两三四五六七八九十]{1,3})(?=(?:至|到|-|—|~)\d)")  # 一至3季度
_WEEKDAY_RE = re.compile(r"[(（]?(?:星期|周|礼拜)[一二三四五六日天][)）]?")
# A time of day after a day (3月2号傍晚, 15日下午, 昨天晚上, 9月15号上午10点, 2022-12-09 10:03:42,
# 6月1日9:00时, 6月1日9:00-18:00): the norm is the day, so it is removed.  Matched as whole
# tokens right after the day (日/号/天 or a dotted date), after Chinese numerals were converted.
_PART_OF_DAY = ("凌晨|清晨|早晨|早上|早间|上午|中午|午间|正午|下午|午后|傍晚|黄昏|晚上|晚间|夜间|夜里|深夜|"
                "半夜|午夜|白天|全天|晚|夜|早")
_CN_CLOCK_DIGITS = "零〇一二两三四五六七八九十"
_CLOCK = (r"(?:(?:[01]?\d|2[0-4]):[0-5]\d(?::[0-5]\d)?(?:时|点)?"
          r"|[\d" + _CN_CLOCK_DIGITS + r"]{1,3}[时点](?:[\d" + _CN_CLOCK_DIGITS + r"]{1,3}分|半|整|一刻|三刻)?"
          r"(?:[\d" + _CN_CLOCK_DIGITS + r"]{1,3}秒)?)(?:许|左右)?")
_TIME_OF_DAY = r"(?:(?:" + _PART_OF_DAY + r")(?:时分)?\s*(?:" + _CLOCK + r")?|" + _CLOCK + r")"
_TIME_OF_DAY_RE = re.compile(
    r"(?P<day>[日号天]|\d{4}[-./]\d{1,2}[-./]\d{1,2}(?!\d))[\sT]*" + _TIME_OF_DAY
    + r"(?:\s*(?:至|到|-|—|–|~)\s*(?:(?:" + _PART_OF_DAY + r")\s*)?" + _CLOCK + r")?")
_QUOTES_RE = re.compile(r"[\"'“”‘’「」『』〈〉《》]")  # “十一”期间: quotes carry no date
_EDGE_PUNCT = " \t\r\n\"'“”‘’()（）[]【】《》「」,，。;；:：、"


@dataclass(frozen=True)
class _Point:
    """A calendar point at year, month or day granularity."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


@dataclass
class _Expr:
    """A parsed expression before its year is resolved."""

    year: int | None = None                 # written absolutely (2023年) or relatively (去年)
    month: int | None = None
    day: int | None = None
    months: tuple[int, int] | None = None   # a run of months in the year: halves, quarters, 年底
    dekads: tuple[int, int] | None = None   # 上旬 (1, 1), 中旬 (2, 2), 下旬 (3, 3), 中下旬 (2, 3)
    fixed: dt.date | None = None            # fully resolved already (今天, 2022-12-09)
    completed: bool = False                 # 前11个月, 前三季度: a run of months already over

    @property
    def month_day_only(self) -> bool:
        """Month and/or day without any year: resolved by the recency rule."""
        return self.year is None and self.fixed is None and self.months is None


_Span = tuple[_Point, _Point]


class _NotRecognised(Exception):
    """The deterministic layer does not know this expression (the fallback may)."""


class _Unresolvable(Exception):
    """The expression is understood and has no calendar value (同年3月, 2023年2月29日): null,
    without asking the fallback, which would guess."""


# ---------------------------------------------------------------- cleaning

def _cn_count(match: re.Match[str]) -> str:
    written = match.group(match.lastindex or 1)
    try:
        return str(int(cn2an.cn2an(written, "normal")))
    except (ValueError, KeyError, IndexError):
        return written


def _clean(text: str) -> str:
    s = _QUOTES_RE.sub("", _WEEKDAY_RE.sub("", fold_text(text))).strip(_EDGE_PUNCT)
    # numerals first, so that the time-of-day strip sees 9月15号上午10点 and not 九月十五号…
    s = _CN_YEAR_RE.sub(lambda m: str(cn_digits_to_int(m.group(1)) or m.group(1)), s)
    s = _CN_COUNT_RE.sub(_cn_count, s)
    s = _CN_RANGE_HEAD_RE.sub(_cn_count, s)
    s = _TIME_OF_DAY_RE.sub(lambda m: m["day"], s)  # 3月2日晚, 6月1日9:00时至… -> the day
    s = re.sub(r"\s+", "", s)
    s = s.replace("月份", "月").replace("年份", "年")
    s = re.sub(r"([上中])[、，,和及与]([中下])旬", r"\1\2旬", s)  # 8月上、中旬 -> 8月上中旬
    changed = True
    while changed and s:
        changed = False
        stripped = s.strip(_EDGE_PUNCT)
        if stripped and stripped != s:
            s, changed = stripped, True
        for word in _LEADING_WORDS:
            if s.startswith(word) and len(s) > len(word) and not s.startswith("至今"):
                s, changed = s[len(word):], True
                break
        for word in _TRAILING_WORDS:
            if s.endswith(word) and len(s) > len(word):
                s, changed = s[: -len(word)], True
                break
    return s


# ---------------------------------------------------------------- parsing

def _parse_single(s: str, doc: dt.date | None) -> _Expr:
    """One expression without a range separator (raises _NotRecognised, _Unresolvable)."""
    if s.startswith(_STORY_PREFIXES) or _CN_BARE_DAY_RE.fullmatch(s):
        raise _Unresolvable(s)  # 同年3月, 次年年底, 当年末; 三日 (a duration as often as a day)
    if s in _RELATIVE_DAYS:
        if doc is None:
            return _Expr()  # recognised, unresolvable
        return _Expr(fixed=doc + dt.timedelta(days=_RELATIVE_DAYS[s]))
    day_first = _DAY_FIRST_RE.fullmatch(s)
    if day_first and 1 <= int(day_first["m"]) <= 12:
        return _Expr(year=int(day_first["y"]), month=int(day_first["m"]), day=int(day_first["d"]))
    dotted = _DOTTED_RE.fullmatch(s)
    if dotted:
        year, month = int(dotted["y"]), int(dotted["m"])
        return _Expr(year=year, month=month, day=int(dotted["d"]) if dotted["d"] else None)

    expr = _Expr()
    rest = s
    year_match = _YEAR_RE.match(s)
    if year_match and (year_match["ry"] or year_match.group().endswith(("年", "度")) or year_match.end() == len(s)):
        if year_match["y"]:
            expr.year = int(year_match["y"])
        elif doc is None:
            expr.year = -1  # relative year without a document date: recognised, unresolvable
        else:
            expr.year = doc.year + _RELATIVE_YEARS[year_match["ry"]]
        rest = s[year_match.end():]
    if rest in ("", "全年", "内", "年内", "全年度"):
        if rest and expr.year is None:
            expr.year = doc.year if doc else -1  # 全年, 年内: this year
        if expr.year is None:
            raise _NotRecognised(s)
        return expr
    if rest in ("上半年", "下半年"):
        expr.months = (1, 6) if rest == "上半年" else (7, 12)
        return expr
    match = _YEAR_EDGE_RE.fullmatch(rest)
    if match:
        expr.months = {"初": (1, 1), "中": (6, 7), "底": (12, 12), "末": (12, 12)}[match["edge"]]
        return expr
    match = _QUARTER_RE.fullmatch(rest)
    if match:
        q = int(match["q"] or match["qq"])
        first, last = 3 * q - 2, 3 * q
        edge = match["edge"]
        expr.months = (first, first) if edge == "初" else (last, last) if edge else (first, last)
        return expr
    match = _FIRST_QUARTERS_RE.fullmatch(rest)
    if match:
        expr.months, expr.completed = (1, 3 * int(match["n"])), True
        return expr
    match = _FIRST_MONTHS_RE.fullmatch(rest)
    if match and 1 <= int(match["n"]) <= 12:
        expr.months, expr.completed = (1, int(match["n"])), True
        return expr
    match = _MONTH_RE.fullmatch(rest)
    if match:
        expr.month = int(match["m"])
        expr.day = int(match["d"]) if match["d"] else None
        edge = match["edge"] or ""
        if edge.endswith("旬"):
            if expr.day is not None:
                raise _NotRecognised(s)
            expr.dekads = _dekads(edge)
        return expr
    match = _DAY_RE.fullmatch(rest)
    if match and expr.year is None:
        expr.day = int(match["d"])
        return expr
    if expr.year is None:
        match = _REL_MONTH_RE.fullmatch(rest) or _BARE_MONTH_EDGE_RE.fullmatch(rest)
        if match:
            if doc is None:
                return _Expr(year=-1)
            shift = _RELATIVE_MONTHS.get(match.groupdict().get("rm") or "本月", 0)
            index = doc.year * 12 + doc.month - 1 + shift
            expr.year, expr.month = index // 12, index % 12 + 1
            edge = match["edge"] or ""
            if edge.endswith("旬"):
                expr.dekads = _dekads(edge)
            return expr
    raise _NotRecognised(s)


def _dekads(edge: str) -> tuple[int, int]:
    """上旬 -> (1, 1), 中下旬 -> (2, 3), 上中旬 -> (1, 2)."""
    named = ["上中下".index(ch) + 1 for ch in edge[:-1]]
    return named[0], named[-1]


def _validate(expr: _Expr) -> None:
    if expr.month is not None and not 1 <= expr.month <= 12:
        raise _NotRecognised("month")
    if expr.day is not None and not 1 <= expr.day <= 31:
        raise _NotRecognised("day")


def _recent_year(expr: _Expr, doc: dt.date) -> tuple[int, int | None]:
    """Year (and month, for a bare day) of the latest matching date not after *doc*; in a plan
    (``upcoming``) the first matching month from the document's month on."""
    if _UPCOMING.get():
        if expr.month is None:   # a bare day: this month, or the next when that day has passed
            index = doc.year * 12 + doc.month - 1 + (1 if expr.day is not None and expr.day < doc.day else 0)
            return index // 12, index % 12 + 1
        earlier = expr.month < doc.month
        return _year_with_day(doc.year + 1 if earlier else doc.year, expr, 1), expr.month
    if expr.month is None:  # a bare day (12日): the latest month that has it, not after doc
        index = doc.year * 12 + doc.month - 1
        if expr.day is not None and expr.day > doc.day:
            index -= 1
        while expr.day is not None and expr.day > calendar.monthrange(index // 12, index % 12 + 1)[1]:
            index -= 1
        return index // 12, index % 12 + 1
    later = expr.month > doc.month or (
        expr.month == doc.month and expr.day is not None and expr.day > doc.day)
    return _year_with_day(doc.year - 1 if later else doc.year, expr, -1), expr.month


def _year_with_day(year: int, expr: _Expr, step: int) -> int:
    """*year*, or the nearest year in the direction *step* whose calendar has the month-day
    (2月29日: the latest leap year not after the document, or in a plan the next one)."""
    if expr.month is None or expr.day is None:
        return year
    for candidate in range(year, year + 9 * step, step):
        if expr.day <= calendar.monthrange(candidate, expr.month)[1]:
            return candidate
    return year  # no such day in any year (4月31日): _resolve rejects it


def _resolve(expr: _Expr, doc: dt.date | None) -> _Span | None:
    """Calendar span of an expression, or None when it needs a document date it lacks."""
    _validate(expr)
    if expr.fixed is not None:
        point = _Point(expr.fixed.year, expr.fixed.month, expr.fixed.day)
        return point, point
    year, month = expr.year, expr.month
    if year == -1:
        return None
    if year is None:
        if doc is None:
            return None
        if expr.month_day_only:
            year, month = _recent_year(expr, doc)
        elif expr.completed and expr.months is not None and expr.months[1] >= doc.month and not _UPCOMING.get():
            year = doc.year - 1   # 前11个月 reported in January: last year's first eleven months
        else:
            year = doc.year
    if expr.months is not None:
        return _Point(year, expr.months[0]), _Point(year, expr.months[1])
    if month is None:
        if expr.day is not None:
            raise _NotRecognised("day without month")
        return _Point(year), _Point(year)
    if expr.day is not None:
        try:
            dt.date(year, month, expr.day)
        except ValueError:
            raise _Unresolvable("no such day") from None  # 2月30日, 2023年2月29日
        point = _Point(year, month, expr.day)
        return point, point
    if expr.dekads is not None:
        last = calendar.monthrange(year, month)[1]
        first_day = {1: 1, 2: 11, 3: 21}[expr.dekads[0]]
        last_day = {1: 10, 2: 20, 3: last}[expr.dekads[1]]
        return _Point(year, month, first_day), _Point(year, month, last_day)
    return _Point(year, month), _Point(year, month)


def _parse_range(s: str, doc: dt.date | None) -> _Span | None:
    """'A-B' forms: 1-6月, 2018-2019年度, 2023.10-2026.10, 3月5日至8日, 一至三季度."""
    for separator in _RANGE_SEPARATORS:
        start = s.find(separator)
        while start > 0:
            left, right = s[:start], s[start + len(separator):]
            start = s.find(separator, start + 1)
            next_year = right.startswith(("次年", "翌年", "第二年"))  # 11月至次年2月
            if next_year:
                right = right[2:] if not right.startswith("第二年") else right[3:]
            if not right:
                continue
            unit = re.match(r"\d+(年度|年|季度|个月|月|日|号)", right)
            if re.search(r"\d$", left) and unit and not _DOTTED_RE.fullmatch(left):
                left += "年" if re.fullmatch(r".*\d{4}", left) else unit.group(1)  # 1-6月: 1 -> 1月
            try:
                head, tail = _parse_single(left, doc), _parse_single(right, doc)
            except _NotRecognised:
                continue
            return _join_range(head, tail, doc, next_year)
    raise _NotRecognised(s)


def _join_range(head: _Expr, tail: _Expr, doc: dt.date | None, next_year: bool = False) -> _Span | None:
    if next_year and tail.year is not None:
        raise _NotRecognised("次年 with a year")
    if tail.year is None and head.year is not None and not next_year:
        tail.year = head.year
    if head.year is None and tail.year is not None:
        head.year = tail.year
    if tail.month is None and tail.day is not None and tail.months is None:
        tail.month = head.month
    if head.month is None and head.day is not None and head.months is None:
        head.month = tail.month
    first = _resolve(head, doc)
    if first is None:
        return None
    if tail.month is None and tail.day is not None and tail.months is None and first[0].month is not None:
        tail.month = first[0].month  # 10日至12日: the end is in the month the start resolved to
    if tail.year is None and tail.fixed is None:
        tail.year = first[0].year + (1 if next_year else 0)  # the range continues from its start's year
    last = _resolve(tail, doc)
    if last is None:
        return None
    if last[1].last_day() < first[0].first_day():
        if tail.year == first[0].year and head.year is None:
            tail.year += 1  # 11月-2月: crosses the new year
            last = _resolve(tail, doc)
        if last is None or last[1].last_day() < first[0].first_day():
            raise _NotRecognised("range ends before it starts")
    return first[0], last[1]


def _parse_period(s: str, doc: dt.date | None) -> _Span | None:
    try:
        return _resolve(_parse_single(s, doc), doc)
    except _NotRecognised:
        return _parse_range(s, doc)


def _format(span: _Span) -> str:
    start, end = span
    return start.iso() if start == end else f"{start.iso()}/{end.iso()}"


def _own(s: str, doc: dt.date | None) -> str | None:
    """The deterministic layer; raises _NotRecognised for expressions it does not cover."""
    for suffix in _SINCE_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix):
            anchor = s[: -len(suffix)]
            if anchor in VAGUE:
                return None
            span = _parse_period(anchor, doc)
            if span is None or doc is None:
                return None
            start = span[0].first_day()
            if start > doc:
                return None
            return f"{start.isoformat()}/{doc.isoformat()}"
    try:
        span = _parse_period(s, doc)
    except _NotRecognised:
        # 6月底前, 2030年前, 2025年或以后, 2023年及之前: the anchor is normalised.  An anchor
        # that is not a date (三年 of 三年前 "three years ago") stays unrecognised here.
        suffix = _ANCHOR_SUFFIX_RE.search(s)
        if suffix is None or suffix.start() == 0:
            raise
        span = _parse_period(s[: suffix.start()], doc)
    return None if span is None else _format(span)


# ---------------------------------------------------------------- fallback

def _from_library(start: str, end: str, doc: dt.date) -> str | None:
    try:
        first = dt.date.fromisoformat(start[:10])
        last = doc if end == "inf" else dt.date.fromisoformat(end[:10])
    except ValueError:
        return None
    if last < first:
        return None
    if end == "inf":
        return f"{first.isoformat()}/{doc.isoformat()}"
    whole_months = first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]
    if first == last:
        return first.isoformat()
    if not whole_months:
        return f"{first.isoformat()}/{last.isoformat()}"
    if first.month == 1 and last.month == 12:
        head, tail = _Point(first.year), _Point(last.year)
    else:
        head, tail = _Point(first.year, first.month), _Point(last.year, last.month)
    return _format((head, tail))


def _fallback(s: str, doc: dt.date | None) -> str | None:
    if doc is not None:
        result = jionlp_fallback.parse_time(s, doc)
        return _from_library(*result, doc) if result else None
    # Without a document date, accept only answers that do not depend on the base date.
    answers = set()
    for base in (dt.date(1991, 3, 7), dt.date(2013, 9, 24)):
        result = jionlp_fallback.parse_time(s, base)
        if result is None or "inf" in result:
            return None
        answers.add(_from_library(*result, base))
    return answers.pop() if len(answers) == 1 else None


# ---------------------------------------------------------------- API

def _parse_doc_date(doc_date: str | None) -> dt.date | None:
    if not doc_date:
        return None
    try:
        return dt.date.fromisoformat(doc_date.strip()[:10])
    except ValueError:
        return None


_PLAN_BEFORE_RE = re.compile(r"(?:拟|将|计划|预计|筹备|力争|争取|准备|定于|有望|即将)[于在到至]?[^，,。；;！？!?\n]{0,4}$")


def written_as_plan(text: str, start: int) -> bool:
    """True when the DATE at ``start`` of ``text`` follows a plan marker in its clause (拟于9月下旬举办)."""
    return bool(_PLAN_BEFORE_RE.search(text, max(0, start - 8), start))


def normalize_date(text: str, doc_date: str | None = None, upcoming: bool = False) -> str | None:
    """ISO 8601 point or interval for a DATE span; None when it cannot be resolved.

    *doc_date* ('YYYY-MM-DD') anchors relative and year-less expressions;
    without it only expressions carrying their own year resolve.  *upcoming*: the date is
    written in a plan or announcement (拟于, 将于, 计划…), so a year-less month or day is the
    next one from the document date instead of the last one (NORMALISATION.md rule 3).
    """
    token = _UPCOMING.set(upcoming)
    try:
        return _normalize(text, _parse_doc_date(doc_date))
    finally:
        _UPCOMING.reset(token)


def _normalize(text: str, doc: dt.date | None) -> str | None:
    s = _clean(text or "")
    if not s or s in VAGUE or s.startswith(("近", "日前") + _STORY_PREFIXES) or _SPAN_SINCE_RE.fullmatch(s):
        return None
    try:
        return _own(s, doc)
    except _Unresolvable:
        return None
    except _NotRecognised:
        return _fallback(s, doc)
