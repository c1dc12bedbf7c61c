"""AMOUNT normalisation: span text -> value in the unit's base scale, unit code, approx flag.

``normalize_amount("224.06亿元") == AmountNorm(22406000000.0, "CNY", False)``.
Numerals (Arabic, Chinese, mixed, full-width) are read by ``numerals``;
this module strips qualifiers (约/多/余/左右/以上 …), recognises the unit and
applies the numeral's scale.  Units are not converted into one another
(亩 stays ``mu``, 吨 stays ``t``) with two exceptions, SCHEMA.md's base units:
lengths are in metres (12.5公里 is 12500.0 ``m``) and areas other than 亩 in
square metres (2.5平方公里 is 2500000.0 ``m2``, 20公顷 is 200000.0 ``m2``).  Ranges (三百到四百万元,
2亿元至3亿元) give their lower bound, approximate, with the scale written
once at the end carried to the low end.  The unit table is ``UNITS`` below
and is documented in annotations/NORMALISATION.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .numerals import CN_DIGIT_VALUES, SCALE_CHARS, fold_text, parse_number


@dataclass(frozen=True)
class AmountNorm:
    value: float | None   # in the unit's base scale: 4000万元 -> 40000000.0
    unit: str | None      # code from UNITS ('CNY', 'm2', 'mu', 't', 'kW', ...)
    approx: bool          # True for 约/多/余/近/超/逾/左右/上下/以上, ranges, bounds


UNKNOWN = AmountNorm(None, None, False)

# surface form -> unit code.  Matched as the longest suffix, so 美元 wins over 元
# and 千瓦时 over 千瓦.  Latin surfaces are matched case-insensitively.
UNITS: dict[str, str] = {
    # money
    "元": "CNY", "元人民币": "CNY", "人民币元": "CNY", "块": "CNY", "块钱": "CNY",
    "美元": "USD", "美金": "USD", "欧元": "EUR", "日元": "JPY", "港元": "HKD",
    "港币": "HKD", "英镑": "GBP", "韩元": "KRW",
    # area
    "平方米": "m2", "平米": "m2", "平方": "m2", "平方公尺": "m2", "m2": "m2",
    "平方公里": "km2", "平方千米": "km2", "km2": "km2",
    "亩": "mu", "公顷": "ha", "ha": "ha",
    # mass
    "吨": "t", "t": "t", "公斤": "kg", "千克": "kg", "kg": "kg", "克": "g", "斤": "jin", "市斤": "jin",
    "吨标准煤": "tce", "吨标煤": "tce",
    "蒸吨": "t/h",   # a boiler's steam output: tonnes of steam per hour
    # power, energy, electricity
    "瓦": "W", "千瓦": "kW", "kw": "kW", "兆瓦": "MW", "mw": "MW", "吉瓦": "GW", "gw": "GW",
    "千瓦时": "kWh", "kwh": "kWh", "度电": "kWh", "兆瓦时": "MWh", "mwh": "MWh",
    "千伏": "kV", "kv": "kV", "千伏安": "kVA", "kva": "kVA",
    # volume, length (lengths are converted to metres, see _TO_BASE)
    "立方米": "m3", "立方": "m3", "方": "m3", "m3": "m3", "升": "L",
    "公里": "km", "千米": "km", "km": "km", "米": "m", "m": "m",
    "厘米": "cm", "cm": "cm", "毫米": "mm", "mm": "mm",
}
_UNITS_BY_LENGTH = sorted(UNITS, key=len, reverse=True)
# the only conversions: lengths are returned in metres (SCHEMA.md: 12.5公里 -> 12500.0 m), areas
# other than 亩 in square metres (SCHEMA.md: base units; 2.5平方公里 -> 2500000.0 m2) and masses in
# tonnes (SCHEMA.md's base unit: 80斤 -> 0.04 t, 500公斤 -> 0.5 t)
_TO_BASE: dict[str, tuple[str, Decimal]] = {
    "km": ("m", Decimal(1000)), "cm": ("m", Decimal("0.01")), "mm": ("m", Decimal("0.001")),
    "km2": ("m2", Decimal(1_000_000)), "ha": ("m2", Decimal(10_000)),
    "kg": ("t", Decimal("0.001")), "g": ("t", Decimal("0.000001")), "jin": ("t", Decimal("0.0005")),
}

# qualifiers before the number
_APPROX_PREFIXES = ("大约", "约合", "约为", "大概", "将近", "接近", "超过", "超出", "逾", "约", "近", "超", "过",
                    "突破", "不到", "不足", "不少于", "不低于", "不超过", "至少", "最少", "最多", "最高", "最低",
                    "高于", "低于", "小于", "大于")
_EXACT_PREFIXES = ("合计", "总计", "累计", "共计", "共", "计", "达到", "高达", "多达", "达", "为", "是")
_CURRENCY_PREFIXES = {"人民币": "CNY", "rmb": "CNY", "¥": "CNY", "$": "USD", "us$": "USD", "€": "EUR"}
# qualifiers after the unit
_APPROX_SUFFIXES = ("及以上", "及以下", "左右", "上下", "以上", "以下", "以内", "之内", "出头", "有余", "开外", "之间", "不等",
                    "许", "多", "余")
_EXACT_SUFFIXES = ("人民币", "整")
# qualifiers inside the number: 6亿多, 200余万, 十来万, 十几亿
_INNER_APPROX_RE = re.compile(r"(?<=[\d" + "".join(CN_DIGIT_VALUES) + SCALE_CHARS + r"])[多余来几]")
_VAGUE_NUMBER_RE = re.compile(r"^(?:数|几|若干|上)(?=[" + SCALE_CHARS + r"])")
# a range separator between two numbers: 5-8亿, 5亿至8亿, 5万元--10万元, 6亿元—9亿元, 三百到四百万
_RANGE_SEP_RE = re.compile(r"(?:——|--|—|–|-|~|至|到)")
_DIGIT_CLASS = r"[\d." + "".join(CN_DIGIT_VALUES) + r"点]"
# the scale run after the last digit of the high end: 四百万 -> 百万, 8千万 -> 千万, 十亿 -> 十亿
_SCALE_AFTER_DIGIT_RE = re.compile(r"(?<=" + _DIGIT_CLASS + r")[" + SCALE_CHARS + r"]+$")
_BIG_SCALE_TAIL_RE = re.compile(r"[万亿萬億]+$")
_HAS_BIG_SCALE_RE = re.compile(r"[万亿萬億]")
_BARE_BIG_SCALE_RE = re.compile(r"[万亿萬億]+")
# a number closed by 万/亿 (135亿, 6000余万, 1000多亿): with no unit written, an amount of money
_MONEY_SCALE_END_RE = re.compile(r"[\d" + "".join(CN_DIGIT_VALUES) + r"十百千多余几][万亿萬億]+$")
_ADJACENT_DIGITS_RE = re.compile(r"^([一二三四五六七八九])([二三四五六七八九])(?=[" + SCALE_CHARS + r"])")
_TAG_RE = re.compile(r"<[^>]*>")
_EDGE_PUNCT = " \t\r\n\"'“”‘’()（）[]【】《》「」,，。;；:："


def _strip_affix(text: str, affixes, *, prefix: bool) -> tuple[str, str | None]:
    lowered = text.lower()
    for affix in affixes:
        if prefix and lowered.startswith(affix) and len(text) > len(affix):
            return text[len(affix):], affix
        if not prefix and lowered.endswith(affix) and len(text) > len(affix):
            return text[: -len(affix)], affix
    return text, None


def _split_unit(text: str) -> tuple[str, str | None]:
    lowered = text.lower()
    for surface in _UNITS_BY_LENGTH:
        if lowered.endswith(surface) and len(text) > len(surface):
            return text[: -len(surface)], UNITS[surface]
    return text, None


def _clean(text: str) -> str:
    text = fold_text(_TAG_RE.sub("", text))  # m<sup>2</sup> -> m2, ㎡ -> m2, １５ -> 15
    text = re.sub(r"\s+", "", text)
    return text.strip(_EDGE_PUNCT)


def _read_number(number: str) -> tuple[Decimal | None, bool]:
    """Value of the number part and whether it is approximate (inner markers, ranges)."""
    approx = False
    stripped = _INNER_APPROX_RE.sub("", number)
    if stripped != number:
        approx, number = True, stripped
    adjacent = _ADJACENT_DIGITS_RE.match(number)  # 三四千万: a range, keep the lower bound
    if adjacent and CN_DIGIT_VALUES[adjacent.group(2)] == CN_DIGIT_VALUES[adjacent.group(1)] + 1:
        approx, number = True, adjacent.group(1) + number[2:]
    return parse_number(number), approx


def _carry_scale(low: str, high: str) -> str:
    """The low end of a range with the scale that the high end writes for both.

    The scale written once at the end belongs to both numbers: 三百到四百万 is
    300万-400万, 四十至六十亿 is 40亿-60亿, 5-8千万 is 5千万-8千万.  A low end with its
    own 万/亿 keeps it (2000万至1亿).  A low end that is a bare number takes the whole
    scale run after the high end's last digit (5-8千万 -> 5千万); one that ends in its own
    十/百/千 takes only the 万/亿 part (三百 + 万).  When the high end has no digit (十亿,
    百万) its leading 十/百/千 is the number itself, so only 万/亿 are carried (五至十亿).
    """
    if _HAS_BIG_SCALE_RE.search(low):
        return low
    run = _SCALE_AFTER_DIGIT_RE.search(high)
    big = _BIG_SCALE_TAIL_RE.search(high)
    if run and not re.search("[" + SCALE_CHARS + r"]$", low):
        return low + run.group()
    return low + (big.group() if big else "")


def _quantity(text: str) -> tuple[Decimal | None, str | None, bool]:
    """Number, unit and approx of one end of a range: 2亿元, 3亿多, 四百万."""
    number, unit = _split_unit(text)
    number, hit = _strip_affix(number, ("多", "余"), prefix=False)
    value, approx = _read_number(number) if number else (None, False)
    return value, unit, approx or bool(hit)


def _read_range(number: str, unit: str) -> tuple[Decimal | None, bool]:
    """Lower bound of a range whose high end ends before *unit*; (None, False) when not a range.

    Both ends may write the unit (2亿元至3亿元, 5万元--10万元); they must agree.  The
    lower bound must not exceed the upper one, otherwise the reading is wrong: None.
    """
    for sep in _RANGE_SEP_RE.finditer(number):
        left, right = number[: sep.start()], number[sep.end():]
        if not left or not right or _RANGE_SEP_RE.match(right):
            continue
        high, high_unit, _ = _quantity(right)
        if high is None or high_unit is not None:
            continue
        low_text, low_unit = _split_unit(left)
        if low_unit is not None and low_unit != unit:
            return None, True  # 2亿元至3亿美元: two units, no single value
        low_text, _ = _strip_affix(low_text, ("多", "余"), prefix=False)
        if _BARE_BIG_SCALE_RE.fullmatch(low_text) or _BARE_BIG_SCALE_RE.fullmatch(right):
            return None, True  # 万元至亿元: a unit phrase, no number
        if low_unit is None:
            low_text = _carry_scale(low_text, right)
        low, _ = _read_number(low_text)
        if low is None:
            continue
        if low > high:
            return None, True
        return low, True
    return None, False


def normalize_amount(text: str) -> AmountNorm:
    """Normalise an AMOUNT span; ``UNKNOWN`` (all None/False) when it is not money or a measure."""
    s = _clean(text or "")
    approx = False
    bounded = False  # a comparison word before the number (超, 近, 逾): 超亿元 is about one of the scale
    currency: str | None = None
    while True:  # leading qualifiers and currency marks, in any order
        s, hit = _strip_affix(s, _APPROX_PREFIXES, prefix=True)
        if hit:
            approx = bounded = True
            continue
        s, hit = _strip_affix(s, _EXACT_PREFIXES, prefix=True)
        if hit:
            continue
        s, hit = _strip_affix(s, tuple(_CURRENCY_PREFIXES), prefix=True)
        if hit:
            currency = _CURRENCY_PREFIXES[hit]
            continue
        break
    at_least = False  # a closing 以上: the number is a lower bound
    while True:  # trailing qualifiers
        s, hit = _strip_affix(s, _APPROX_SUFFIXES, prefix=False)
        if hit:
            approx, at_least = True, at_least or hit in ("以上", "及以上")
            continue
        s, hit = _strip_affix(s, _EXACT_SUFFIXES, prefix=False)
        if hit:
            currency = currency or ("CNY" if hit == "人民币" else None)
            continue
        break

    number, unit = _split_unit(s)
    if unit is None:
        if currency is None and not _MONEY_SCALE_END_RE.search(s):
            return UNKNOWN
        # 人民币5亿, ¥500; and a number closed by 万 or 亿 with no unit at all (投资135亿, 6000万左右) is
        # money: an AMOUNT is money or a quantity with its unit of measure (SCHEMA)
        unit = currency or "CNY"
    number, hit = _strip_affix(number, ("多", "余"), prefix=False)  # 15亿多元 -> handled inside too
    approx = approx or bool(hit)
    if _VAGUE_NUMBER_RE.match(number):
        if number.startswith("上"):  # 上亿元, 上万吨: at least one of the scale
            value = parse_number(number[1:])
            return AmountNorm(float(value), unit, True) if value is not None else UNKNOWN
        return AmountNorm(None, unit, True)  # 数亿元, 几十万吨: magnitude only
    if _BARE_BIG_SCALE_RE.fullmatch(number):
        if at_least or bounded:  # 亿元以上, 超亿元, 近亿元: about one of the scale, like 上亿元
            value = parse_number("一" + number)
            return AmountNorm(float(value), unit, True) if value is not None else UNKNOWN
        return UNKNOWN  # 亿元, 万元: a unit phrase, no number
    value, inner_approx = _read_number(number)
    if value is None:  # 5-8亿元, 三百到四百万元, 2亿元至3亿元: the lower bound, approx
        value, inner_approx = _read_range(number, unit)
    if value is None:
        return UNKNOWN
    if unit in _TO_BASE:
        unit, factor = _TO_BASE[unit]
        value *= factor
    return AmountNorm(float(value), unit, approx or inner_approx)
