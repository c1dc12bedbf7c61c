"""DATE normalisation on expressions from the seed articles and typical Chinese news."""
from __future__ import annotations

import calendar
import datetime as dt
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from zhie.normalize import normalize_date, written_as_plan

DOC = "2023-06-20"
needs_jionlp = pytest.mark.skipif(importlib.util.find_spec("jionlp") is None,
                                  reason="the long-tail fallback needs jionlp")

CASES = [
    # seeds
    ("2022年", DOC, "2022"),
    ("今年以来", DOC, "2023-01-01/2023-06-20"),
    ("今年前三季度", DOC, "2023-01/2023-09"),
    ("今年7月6日", DOC, "2023-07-06"),
    ("2022年度", DOC, "2022"),
    ("2022年以来", DOC, "2022-01-01/2023-06-20"),
    ("1-6月", DOC, "2023-01/2023-06"),
    ("截至6月底", DOC, "2023-06"),
    ("6月底", DOC, "2023-06"),
    ("2023年", DOC, "2023"),
    ("10月12日", "2024-01-15", "2023-10-12"),
    ("11月30日", "2024-01-15", "2023-11-30"),
    ("截至12月底", "2024-01-15", "2023-12"),
    ("2023.10-2026.10", DOC, "2023-10/2026-10"),
    ("2021年4月", DOC, "2021-04"),
    ("2018-2019年度", DOC, "2018/2019"),
    ("2024年", "2024-01-15", "2024"),
    ("去年以来", DOC, "2022-01-01/2023-06-20"),
    ("2022-12-09", DOC, "2022-12-09"),
    ("2022-12-09 10:03:42", None, "2022-12-09"),
    ("四季度", "2022-12-09", "2022-10/2022-12"),
    ("截至今年10月底", "2022-12-09", "2022-10"),
    ("1至9月", "2022-12-09", "2022-01/2022-09"),
    ("4月底", "2022-12-09", "2022-04"),
    ("今年6月", "2022-12-09", "2022-06"),
    ("上半年", DOC, "2023-01/2023-06"),
    ("下半年", DOC, "2023-07/2023-12"),
    # other typical news expressions
    ("1至6月", DOC, "2023-01/2023-06"),
    ("1—6月", DOC, "2023-01/2023-06"),
    ("1-6月份", DOC, "2023-01/2023-06"),
    ("今年1-6月", DOC, "2023-01/2023-06"),
    ("前三季度", "2023-10-15", "2023-01/2023-09"),
    ("前三季度", DOC, "2022-01/2022-09"),      # not over at the document date: last year's
    ("前11个月", "2018-01-18", "2017-01/2017-11"),
    ("一至三季度", DOC, "2023-01/2023-09"),
    ("第四季度", DOC, "2023-10/2023-12"),
    ("一季度", DOC, "2023-01/2023-03"),
    ("2023年Q2", None, "2023-04/2023-06"),
    ("三季度末", DOC, "2023-09"),
    ("今年前5个月", DOC, "2023-01/2023-05"),
    ("年底", DOC, "2023-12"),
    ("年初", DOC, "2023-01"),
    ("今年年底", DOC, "2023-12"),
    ("去年底", DOC, "2022-12"),
    ("2023年末", None, "2023-12"),
    ("去年", DOC, "2022"),
    ("明年", DOC, "2024"),
    ("去年同期", DOC, "2022"),
    ("2022年至今", DOC, "2022-01-01/2023-06-20"),
    ("6月以来", DOC, "2023-06-01/2023-06-20"),
    ("6月上旬", DOC, "2023-06-01/2023-06-10"),
    ("2月下旬", "2024-03-01", "2024-02-21/2024-02-29"),
    ("3月5日至8日", DOC, "2023-03-05/2023-03-08"),
    ("3月5-8日", DOC, "2023-03-05/2023-03-08"),
    ("2022年10月-2023年3月", None, "2022-10/2023-03"),
    ("11月至2月", "2023-03-10", "2022-11/2023-02"),
    ("2023年11月至次年3月", None, "2023-11/2024-03"),
    ("2022年12月9日", None, "2022-12-09"),
    ("二〇二三年十月十二日", None, "2023-10-12"),
    ("十月十二日", "2024-01-15", "2023-10-12"),
    ("2023年3月份", None, "2023-03"),
    ("10月12日上午", "2024-01-15", "2023-10-12"),
    ("6月12日（星期一）", DOC, "2023-06-12"),
    ("本月", DOC, "2023-06"),
    ("上月底", DOC, "2023-05"),
    ("今天", DOC, "2023-06-20"),
    ("6月底前", DOC, "2023-06"),
    # the recency rule for month/day without a year
    ("1月10日", "2024-01-15", "2024-01-10"),
    ("6月12日", "2023-06-20", "2023-06-12"),
    ("6月", "2023-06-20", "2023-06"),
    ("7月", "2023-06-20", "2022-07"),
    ("7月1日", "2023-06-20", "2022-07-01"),
    ("12日", "2023-06-20", "2023-06-12"),
    ("25日", "2023-01-10", "2022-12-25"),
    ("2024年4月30", DOC, "2024-04-30"),      # 日 left out
    ("18.01.2018", DOC, "2018-01-18"),      # day first
    # long tail through jionlp
    pytest.param("春节", DOC, "2023-01-22", marks=needs_jionlp),
    pytest.param("国庆节", DOC, "2023-10-01", marks=needs_jionlp),
]

UNRESOLVABLE = [
    ("一年来", DOC),
    ("7年来", DOC),
    ("近日", DOC),
    ("近期", DOC),
    ("近年来", DOC),
    ("近两年", DOC),
    ("日前", DOC),
    ("目前", DOC),
    ("截至目前", DOC),
    ("当年", DOC),
    ("同年", DOC),
    ("三年", DOC),       # a duration
    ("每月", DOC),       # a frequency
    ("十四五", DOC),     # a plan name
    ("2月30日", DOC),    # no such day
    ("13月", DOC),
    ("大同经开区", DOC),
    ("", DOC),
    # needs a year and there is no document date
    ("10月12日", None),
    ("6月底", None),
    ("今年", None),
    ("上半年", None),
    ("1-6月", None),
    ("2022年以来", None),
    ("春节", None),
    ("上周", None),
]


@pytest.mark.parametrize(("text", "doc_date", "norm"), CASES)
def test_date(text: str, doc_date: str | None, norm: str) -> None:
    assert normalize_date(text, doc_date) == norm


@pytest.mark.parametrize(("text", "doc_date"), UNRESOLVABLE)
def test_unresolvable_date(text: str, doc_date: str | None) -> None:
    assert normalize_date(text, doc_date) is None


@given(doc=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)),
       when=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_month_day_without_year_is_latest_not_after_document(doc: dt.date, when: dt.date) -> None:
    norm = normalize_date(f"{when.month}月{when.day}日", doc.isoformat())
    resolved = dt.date.fromisoformat(norm)
    assert (resolved.month, resolved.day) == (when.month, when.day)
    assert resolved <= doc
    if (when.month, when.day) == (2, 29):  # the latest 29 February not after the document
        assert not any(calendar.isleap(year) and dt.date(year, 2, 29) <= doc
                       for year in range(resolved.year + 1, doc.year + 1))
        return
    assert resolved.year in (doc.year, doc.year - 1)
    if resolved.year == doc.year - 1:  # only when this year's date is still to come
        assert (when.month, when.day) > (doc.month, doc.day)


@given(doc=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_explicit_this_year_is_the_document_year(doc: dt.date) -> None:
    assert normalize_date("今年12月", doc.isoformat()) == f"{doc.year}-12"
    assert normalize_date("今年以来", doc.isoformat()) == f"{doc.year}-01-01/{doc.isoformat()}"


@pytest.mark.parametrize("sentence,date,plan", [
    ("园区拟于9月下旬举办新能源产业对接会。", "9月下旬", True),
    ("正在筹备10月在西安举办的推介会。", "10月", True),
    ("开发区将于11月18日召开观摩会。", "11月18日", True),
    ("7月，开发区将招商小分队派往深圳。", "7月", False),
    ("7月12日，双方签订投资协议。", "7月12日", False),
    ("计划投资5亿元，当年9月开工。", "9月", False),   # the marker belongs to an earlier clause
])
def test_plan_context_is_found_in_the_clause_before_the_date(sentence: str, date: str, plan: bool) -> None:
    assert written_as_plan(sentence, sentence.index(date)) is plan


def test_a_year_less_date_in_a_plan_looks_ahead() -> None:
    assert normalize_date("9月下旬", "2023-08-18", upcoming=True) == "2023-09-21/2023-09-30"
    assert normalize_date("9月下旬", "2023-08-18") == "2022-09-21/2022-09-30"   # reported: the past one
    assert normalize_date("3月", "2023-11-02", upcoming=True) == "2024-03"
    assert normalize_date("11月", "2023-11-02", upcoming=True) == "2023-11"
    assert normalize_date("2024年3月", "2023-11-02", upcoming=True) == "2024-03"   # its own year wins
    assert normalize_date("下半年", "2023-06-20", upcoming=True) == "2023-07/2023-12"


@needs_jionlp
def test_library_fallback_prints_nothing() -> None:
    code = ("from zhie.normalize import normalize_date\n"
            "assert normalize_date('春节', '2023-06-20') == '2023-01-22'\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
