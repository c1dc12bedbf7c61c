"""Failure classes of issue 14 (DATE and AMOUNT normalisers), one table per class.

Each table is a list of (expression, expected) rows written for this file; the
benchmark (benchmarks/normalize_bench.py) times every expression in these tables.
Rules: annotations/NORMALISATION.md.
"""
from __future__ import annotations

import importlib.util

import pytest

from zhie.normalize import AmountNorm, normalize_amount, normalize_date

needs_jionlp = pytest.mark.skipif(importlib.util.find_spec("jionlp") is None,
                                  reason="holidays are read by the jionlp fallback")

DOC = "2024-02-25"
NULL_AMOUNT = AmountNorm(None, None, False)

# ------------------------------------------------------------------ AMOUNT

# (1) a range whose scale is written once, at the end: the scale reaches the low end
RANGE_SCALE_ONCE = [
    ("三百到四百万元", 3000000.0, "CNY", True),
    ("五千至八千亿元", 500000000000.0, "CNY", True),
    ("四十至六十亿元", 4000000000.0, "CNY", True),
    ("二至三亿元", 200000000.0, "CNY", True),
    ("七八十万元", 700000.0, "CNY", True),
    ("1200至1500万元", 12000000.0, "CNY", True),
    ("3至5千万元", 30000000.0, "CNY", True),
    ("1.5至2亿美元", 150000000.0, "USD", True),
    ("六百至八百万平方米", 6000000.0, "m2", True),
    ("二十至三十万吨", 200000.0, "t", True),
    ("八百到一千万元", 8000000.0, "CNY", True),
    ("九十至一百亿元", 9000000000.0, "CNY", True),
    ("5-10万亩", 50000.0, "mu", True),
    ("15~20亿元", 1500000000.0, "CNY", True),
    ("一百至一百五十万元", 1000000.0, "CNY", True),
    ("五至十亿元", 500000000.0, "CNY", True),       # 十亿: 十 is the number, only 亿 is carried
    ("十至十五万元", 100000.0, "CNY", True),
    ("2000万至1亿元", 20000000.0, "CNY", True),     # the low end keeps its own 万
    ("0.8-1.2万亿元", 800000000000.0, "CNY", True),
    ("三千至五千万千瓦", 30000000.0, "kW", True),
    ("3千-5千万元", 30000000.0, "CNY", True),
    ("约三百到四百万元", 3000000.0, "CNY", True),
    ("5万至10万元不等", 50000.0, "CNY", True),
]

# (2) the unit written on both ends: the lower bound, approx (as for 5-8亿元)
RANGE_UNIT_BOTH_ENDS = [
    ("2亿元至3亿元", 200000000.0, "CNY", True),
    ("5万元--10万元", 50000.0, "CNY", True),
    ("6亿元—9亿元", 600000000.0, "CNY", True),
    ("1万平方米至2万平方米", 10000.0, "m2", True),
    ("300亩-500亩", 300.0, "mu", True),
    ("10万吨~15万吨", 100000.0, "t", True),
    ("3000万美元到5000万美元", 30000000.0, "USD", True),
    ("1.5亿元——2亿元", 150000000.0, "CNY", True),
    ("约2亿元至3亿元", 200000000.0, "CNY", True),
    ("20兆瓦至30兆瓦", 20.0, "MW", True),
    ("5千万元至1亿元", 50000000.0, "CNY", True),
    ("八百万元至一千万元", 8000000.0, "CNY", True),
    ("4亿多元至5亿元", 400000000.0, "CNY", True),
    ("2亿元至3亿元之间", 200000000.0, "CNY", True),
]

# (3) colloquial elisions: a lone digit after a scale word counts in the next lower unit
ELISIONS = [
    ("两万五元", 25000.0, "CNY", False),
    ("二十六万五元", 265000.0, "CNY", False),
    ("一万五元", 15000.0, "CNY", False),
    ("三万八亩", 38000.0, "mu", False),
    ("一亿五元", 150000000.0, "CNY", False),
    ("三千五元", 3500.0, "CNY", False),
    ("一百五平方米", 150.0, "m2", False),
    ("4万5元", 45000.0, "CNY", False),
    ("3千5元", 3500.0, "CNY", False),
    ("十万五元", 105000.0, "CNY", False),
    ("三十万五吨", 305000.0, "t", False),
    ("约两万五元", 25000.0, "CNY", True),
    ("两万五元左右", 25000.0, "CNY", True),
    # not elisions: an explicit 零 or a complete number
    ("两万零五元", 20005.0, "CNY", False),
    ("一万零八百元", 10800.0, "CNY", False),
    ("两万五千元", 25000.0, "CNY", False),
    ("1亿2000万元", 120000000.0, "CNY", False),
]

# (8) lengths are in metres (SCHEMA.md); areas are not converted
LENGTHS = [
    ("12.5公里", 12500.0, "m", False),
    ("3千米", 3000.0, "m", False),
    ("800米", 800.0, "m", False),
    ("5km", 5000.0, "m", False),
    ("2.5KM", 2500.0, "m", False),
    ("1.2万公里", 12000000.0, "m", False),
    ("约35公里", 35000.0, "m", True),
    ("30余公里", 30000.0, "m", True),
    ("5-8公里", 5000.0, "m", True),
    ("5公里至8公里", 5000.0, "m", True),
    ("150厘米", 1.5, "m", False),
    ("50毫米", 0.05, "m", False),
    ("2.5平方公里", 2500000.0, "m2", False),
    ("3.7千米", 3700.0, "m", False),
]

# null on purpose: the reading would be a guess
AMOUNT_NULL = [
    "八千至一亿元",        # the carried scale makes the low end larger than the high end
    "九至三亿元",          # low end above the high end
    "2亿元至3亿美元",      # two different units
    "5万元至8万平方米",    # two different units
    "-5亿元",
    "万元至亿元",          # no number on either end
]


@pytest.mark.parametrize(("text", "value", "unit", "approx"),
                         RANGE_SCALE_ONCE + RANGE_UNIT_BOTH_ENDS + ELISIONS + LENGTHS)
def test_amount_classes(text: str, value: float, unit: str, approx: bool) -> None:
    assert normalize_amount(text) == AmountNorm(value, unit, approx)


@pytest.mark.parametrize("text", AMOUNT_NULL)
def test_amount_null_on_purpose(text: str) -> None:
    assert normalize_amount(text).value is None


# ------------------------------------------------------------------ DATE

# (4) 年前 after a year and compound 前/后 suffixes: the anchor is normalised
ANCHOR_SUFFIXES = [
    ("2030年前", DOC, "2030"),
    ("2035年前", DOC, "2035"),
    ("2025年或以后", DOC, "2025"),
    ("2023年及之前", DOC, "2023"),
    ("2026年及以后", DOC, "2026"),
    ("2027年或之前", DOC, "2027"),
    ("2030年以前", DOC, "2030"),
    ("2025年前后", DOC, "2025"),
    ("今年6月底前", DOC, "2024-06"),
    ("6月底及之前", DOC, "2023-06"),
    ("2024年3月及以前", DOC, "2024-03"),
    ("今年年底前", DOC, "2024-12"),
    ("三季度末前", DOC, "2024-09"),
    ("10日前", DOC, "2024-02-10"),
    ("2028年底以前", DOC, "2028-12"),
]

# (5) a time of day after a date: dropped, the norm is the day and the year does not change
TIME_OF_DAY = [
    ("九月十五号", DOC, "2023-09-15"),
    ("九月十五号上午10点", DOC, "2023-09-15"),
    ("九月十五日上午十点半", DOC, "2023-09-15"),
    ("3月2号", DOC, "2023-03-02"),
    ("3月2号傍晚", DOC, "2023-03-02"),
    ("3月2日晚", DOC, "2023-03-02"),
    ("2月20日晚8时", DOC, "2024-02-20"),
    ("2月20日夜间", DOC, "2024-02-20"),
    ("1月8日上午9:30", DOC, "2024-01-08"),
    ("2月25日下午3点半", DOC, "2024-02-25"),
    ("2月26日上午", DOC, "2023-02-26"),
    ("2022年6月1日9:00时至2022年6月1日18:00时", DOC, "2022-06-01"),
    ("2022年6月1日9:00时至6月3日18:00时", DOC, "2022-06-01/2022-06-03"),
    ("2023年5月8日 14:30", DOC, "2023-05-08"),
    ("2023-05-08 08:00:00", None, "2023-05-08"),
    ("昨天晚上", DOC, "2024-02-24"),
    ("今天上午10时许", DOC, "2024-02-25"),
    ("十二月三日凌晨", DOC, "2023-12-03"),
    ("5日上午", DOC, "2024-02-05"),
    ("1月10日中午12时", DOC, "2024-01-10"),
    ("2023年10月12日上午9时至下午5时", DOC, "2023-10-12"),
    ("6月1日9:00-18:00", DOC, "2023-06-01"),
    ("8日晚间", DOC, "2024-02-08"),
    ("2月3日（星期六）上午", DOC, "2024-02-03"),
    ("10日10时至12日18时", DOC, "2024-02-10/2024-02-12"),
    ("3月2日早8点", DOC, "2023-03-02"),
    ("3月2日傍晚时分", DOC, "2023-03-02"),
]

# (6) kept: a year written out before 次年 in a range, a day written with 号
STORY_RESOLVED = [
    ("2023年11月至次年3月", DOC, "2023-11/2024-03"),
    ("十五号", DOC, "2024-02-15"),
    ("九月十五日", DOC, "2023-09-15"),
    ("3月1日至三日", DOC, "2023-03-01/2023-03-03"),
]

# (7) leap days, 中下旬 / 上中旬
LEAP_AND_DEKADS = [
    ("2月29日", "2023-05-01", "2020-02-29"),   # the latest 29 February not after the document
    ("2月29日", "2024-02-25", "2020-02-29"),   # this year's has not come yet
    ("2月29日", "2024-03-01", "2024-02-29"),
    ("2月29日", "2025-01-10", "2024-02-29"),
    ("二月二十九日", "2022-06-01", "2020-02-29"),
    ("2月28日", "2023-05-01", "2023-02-28"),
    ("2024年2月29日", None, "2024-02-29"),
    ("8月中下旬", DOC, "2023-08-11/2023-08-31"),
    ("8月上中旬", DOC, "2023-08-01/2023-08-20"),
    ("2月中下旬", "2024-03-10", "2024-02-11/2024-02-29"),
    ("今年3月中下旬", DOC, "2024-03-11/2024-03-31"),
    ("2023年11月中下旬", None, "2023-11-11/2023-11-30"),
    ("本月中下旬", DOC, "2024-02-11/2024-02-29"),
    ("九月中下旬", DOC, "2023-09-11/2023-09-30"),
    ("8月上、中旬", DOC, "2023-08-01/2023-08-20"),
]

# (7) quoted holidays: the quotes are not part of the date (long tail, jionlp)
HOLIDAYS = [
    ("“十一”期间", "2023-06-20", "2023-10-01"),
    ("‘五一’", "2023-06-20", "2023-05-01"),
    ("“国庆”期间", "2023-06-20", "2023-10-01"),
    ("「春节」期间", "2023-06-20", "2023-01-22"),
    ("“元旦”", "2023-06-20", "2023-01-01"),
    ("“端午”期间", "2023-06-20", "2023-06-22"),
    ("“五一”假期", "2023-06-20", "2023-05-01"),
    ("“十一”黄金周", "2023-06-20", "2023-10-01"),
]

# null on purpose
DATE_NULL = [
    # (6) story-relative years and months inside compounds
    ("次年年底", DOC),
    ("当年末", DOC),
    ("同年3月", DOC),
    ("当年9月", DOC),
    ("次年2月", DOC),
    ("翌年6月", DOC),
    ("同年底", DOC),
    ("当月底", DOC),
    ("次月初", DOC),
    ("当年上半年", DOC),
    ("2023年11月至同年12月", DOC),
    ("当年11月至次年2月", DOC),
    # (6) a bare Chinese-numeral day is as often a duration
    ("三日", DOC),
    ("两日", DOC),
    ("十日", DOC),
    ("三日上午", DOC),
    # (7) days that do not exist
    ("2023年2月29日", DOC),
    ("2100年2月29日", DOC),
    ("4月31日", DOC),
    ("2月30日", DOC),
    # an anchor that is no date
    ("年前", DOC),
]


@pytest.mark.parametrize(("text", "doc_date", "norm"),
                         ANCHOR_SUFFIXES + TIME_OF_DAY + STORY_RESOLVED + LEAP_AND_DEKADS)
def test_date_classes(text: str, doc_date: str | None, norm: str) -> None:
    assert normalize_date(text, doc_date) == norm


@needs_jionlp
@pytest.mark.parametrize(("text", "doc_date", "norm"), HOLIDAYS)
def test_quoted_holidays(text: str, doc_date: str, norm: str) -> None:
    assert normalize_date(text, doc_date) == norm


@pytest.mark.parametrize(("text", "doc_date"), DATE_NULL)
def test_date_null_on_purpose(text: str, doc_date: str | None) -> None:
    assert normalize_date(text, doc_date) is None


# a time of day never changes the year: the pairs agree for every document date
@pytest.mark.parametrize(("bare", "with_time"), [
    ("九月十五号", "九月十五号上午10点"),
    ("3月2号", "3月2日晚"),
    ("3月2号", "3月2号傍晚"),
    ("12月31日", "12月31日23:59"),
    ("1月1日", "1月1日零时"),
])
@pytest.mark.parametrize("doc_date", ["2024-02-25", "2024-03-02", "2023-09-15", "2024-12-31"])
def test_time_of_day_keeps_the_year(bare: str, with_time: str, doc_date: str) -> None:
    assert normalize_date(with_time, doc_date) == normalize_date(bare, doc_date) is not None


@pytest.mark.parametrize(("text", "doc_date", "norm"), [
    ("2月29日", "2023-05-01", "2024-02-29"),   # in a plan: the next 29 February
    ("8月中下旬", DOC, "2024-08-11/2024-08-31"),
    ("九月十五号上午10点", DOC, "2024-09-15"),
])
def test_plan_dates(text: str, doc_date: str, norm: str) -> None:
    assert normalize_date(text, doc_date, upcoming=True) == norm


CLASS_TABLES = {
    "AMOUNT": [RANGE_SCALE_ONCE, RANGE_UNIT_BOTH_ENDS, ELISIONS, LENGTHS, [(t,) for t in AMOUNT_NULL]],
    "DATE": [ANCHOR_SUFFIXES, TIME_OF_DAY, STORY_RESOLVED, LEAP_AND_DEKADS, HOLIDAYS, DATE_NULL],
}
