"""AMOUNT normalisation on expressions from the seed articles and typical Chinese news."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from zhie.normalize import AmountNorm, normalize_amount
from zhie.normalize.numerals import parse_number

CASES = [
    # news-wire: bounds written with 及, boiler capacity in steam tonnes per hour
    ("30亿元及以上", 3000000000.0, "CNY", True),
    ("20蒸吨及以下", 20.0, "t/h", True),
    ("10万元人民币", 100000.0, "CNY", False),
    # a number closed by 万/亿 with no unit is money; a comparison word before a bare scale bounds it
    ("135亿", 13500000000.0, "CNY", False),
    ("6000万左右", 60000000.0, "CNY", True),
    ("44余万", 440000.0, "CNY", True),
    ("超亿元", 100000000.0, "CNY", True),
    ("近亿元", 100000000.0, "CNY", True),
    # seeds: money
    ("224.06亿元", 22406000000.0, "CNY", False),
    ("6亿多元", 600000000.0, "CNY", True),
    ("约15亿元", 1500000000.0, "CNY", True),
    ("4000万元", 40000000.0, "CNY", False),
    ("1.8561亿元", 185610000.0, "CNY", False),
    ("87.97亿元", 8797000000.0, "CNY", False),
    ("32.86\n\n亿元", 3286000000.0, "CNY", False),  # broken across columns
    ("50.41亿元", 5041000000.0, "CNY", False),
    ("1亿元", 100000000.0, "CNY", False),
    ("15.8亿元", 1580000000.0, "CNY", False),
    # seeds: areas and weights
    ("927.6844亩", 927.6844, "mu", False),
    ("1300亩", 1300.0, "mu", False),
    ("941.73亩", 941.73, "mu", False),
    ("100万平方米", 1000000.0, "m2", False),
    ("2.0336万平方米", 20336.0, "m2", False),
    ("19万平方米", 190000.0, "m2", False),
    ("46.3893万平方米", 463893.0, "m2", False),
    ("千亩", 1000.0, "mu", False),
    ("3万吨", 30000.0, "t", False),
    # approximate qualifiers
    ("200余万元", 2000000.0, "CNY", True),
    ("近5000万元", 50000000.0, "CNY", True),
    ("超过1000亿元", 100000000000.0, "CNY", True),
    ("逾百亿元", 10000000000.0, "CNY", True),
    ("过千亿元", 100000000000.0, "CNY", True),
    ("最低100万元", 1000000.0, "CNY", True),
    ("突破50亿元", 5000000000.0, "CNY", True),
    ("3万吨左右", 30000.0, "t", True),
    ("15亿元以上", 1500000000.0, "CNY", True),
    ("上亿元", 100000000.0, "CNY", True),
    ("二十多亿元", 2000000000.0, "CNY", True),
    ("十几亿元", 1000000000.0, "CNY", True),
    ("5-8亿元", 500000000.0, "CNY", True),
    ("5亿至8亿元", 500000000.0, "CNY", True),
    ("三四千万元", 30000000.0, "CNY", True),
    ("数亿元", None, "CNY", True),
    # words that leave the number exact
    ("总计40亿元", 4000000000.0, "CNY", False),
    ("达100万元", 1000000.0, "CNY", False),
    ("人民币5亿元", 500000000.0, "CNY", False),
    ("5亿元人民币", 500000000.0, "CNY", False),
    # Chinese, mixed, full-width, separators
    ("三千万元", 30000000.0, "CNY", False),
    ("十二亿元", 1200000000.0, "CNY", False),
    ("一百五十亩", 150.0, "mu", False),
    ("两亿元", 200000000.0, "CNY", False),
    ("二点五亿元", 250000000.0, "CNY", False),
    ("两千零五十万元", 20500000.0, "CNY", False),
    ("1.2万亿元", 1200000000000.0, "CNY", False),
    ("1亿2000万元", 120000000.0, "CNY", False),
    ("3千万元", 30000000.0, "CNY", False),
    ("１５亿元", 1500000000.0, "CNY", False),
    ("１２．５万平方米", 125000.0, "m2", False),
    ("1,200万元", 12000000.0, "CNY", False),
    ("12,345.6元", 12345.6, "CNY", False),
    # area spellings
    ("500平米", 500.0, "m2", False),
    ("300㎡", 300.0, "m2", False),
    ("300m²", 300.0, "m2", False),
    ("300m2", 300.0, "m2", False),
    ("3000m<sup>2</sup>", 3000.0, "m2", False),
    ("2万平方公里", 2e10, "m2", False),
    ("20公顷", 200000.0, "m2", False),
    # energy, power, volume, length, foreign money
    ("10万千瓦", 100000.0, "kW", False),
    ("5000千瓦", 5000.0, "kW", False),
    ("200兆瓦", 200.0, "MW", False),
    ("1.5亿千瓦时", 150000000.0, "kWh", False),
    ("5000万度电", 50000000.0, "kWh", False),
    ("110千伏", 110.0, "kV", False),
    ("10万立方米", 100000.0, "m3", False),
    ("10万方", 100000.0, "m3", False),
    ("3.5公里", 3500.0, "m", False),  # lengths are in metres (SCHEMA.md)
    ("80斤", 0.04, "t", False),  # masses are in tonnes (SCHEMA.md base units)
    ("4.5万斤", 22.5, "t", False),
    ("500公斤", 0.5, "t", False),
    ("约3千克", 0.003, "t", True),
    ("50万吨标准煤", 500000.0, "tce", False),
    ("3亿美元", 300000000.0, "USD", False),
    ("500万美元", 5000000.0, "USD", False),
    ("1000万欧元", 10000000.0, "EUR", False),
]

UNKNOWN_CASES = [
    "246个",          # counts
    "5家",
    "600余名",
    "282.38万人次",
    "92.31%",         # percentages
    "-9.8%",
    "3个月",          # durations
    "三年",
    "亿元",           # unit phrase without a number
    "500",            # a number with neither scale nor unit
    "元",
    "大同经开区",
    "",
    "约",
]


@pytest.mark.parametrize(("text", "value", "unit", "approx"), CASES)
def test_amount(text: str, value: float | None, unit: str, approx: bool) -> None:
    assert normalize_amount(text) == AmountNorm(value, unit, approx)


@pytest.mark.parametrize("text", UNKNOWN_CASES)
def test_not_an_amount(text: str) -> None:
    assert normalize_amount(text) == AmountNorm(None, None, False)


@pytest.mark.parametrize(("text", "value"), [("0.07亿元", 7000000.0), ("50.41万元", 504100.0)])
def test_value_is_exact_not_float_arithmetic(text: str, value: float) -> None:
    number = float(text.rstrip("万亿元"))
    scale = 1e8 if "亿" in text else 1e4
    assert number * scale != value  # float arithmetic would be off by one ulp
    assert normalize_amount(text).value == value


@given(integer=st.integers(min_value=0, max_value=99999), fraction=st.integers(min_value=0, max_value=9999),
       scale=st.sampled_from([("", 1), ("万", 10**4), ("亿", 10**8), ("万亿", 10**12)]))
def test_decimal_amounts_scale_exactly(integer: int, fraction: int, scale: tuple[str, int]) -> None:
    written = f"{integer}.{fraction:04d}"
    result = normalize_amount(f"{written}{scale[0]}元")
    assert result.unit == "CNY" and result.approx is False
    assert result.value == float(Decimal(written) * scale[1])


@given(st.integers(min_value=1, max_value=99999999))
def test_chinese_and_arabic_numerals_agree(n: int) -> None:
    import cn2an

    assert parse_number(cn2an.an2cn(n)) == Decimal(n)
    assert normalize_amount(cn2an.an2cn(n) + "亩") == normalize_amount(f"{n}亩")


@pytest.mark.parametrize("text, value", [("亿元以上", 1e8), ("千万元以上", 1e7), ("万元以上", 1e4)])
def test_unit_phrase_closed_by_yishang_is_a_lower_bound(text, value):
    norm = normalize_amount(text)
    assert (norm.value, norm.unit, norm.approx) == (value, "CNY", True)


@pytest.mark.parametrize("text", ["亿元", "万元", "亿元左右"])
def test_unit_phrase_without_a_lower_bound_has_no_value(text):
    assert normalize_amount(text).value is None
