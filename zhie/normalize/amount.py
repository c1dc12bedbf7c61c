"""AMOUNT normalisation: span text -> value in the unit's base scale, unit code, approx flag.

``normalize_amount("224.06亿元") == AmountNorm(22406000000.0, "CNY", False)``.
Numerals (Arabic, Chinese, mixed, full-width) are read by ``numerals``;
this module strips qualifiers (约/多/余/左右/以上 …), recognises the unit and
applies the numeral's scale.  Units are never converted into one another
(亩 stays ``mu``, 公顷 stays ``ha``); only 万/亿/千/百/十 scale the value.
The unit table is ``UNITS`` below and is documented in
annotations/NORMALISATION.md.
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
    "吨": "t", "t": "t", "公斤": "kg", "千克": "kg", "kg": "kg", "克": "g",
    "吨标准煤": "tce", "吨标煤": "tce",
    # power, energy, electricity
    "瓦": "W", "千瓦": "kW", "kw": "kW", "兆瓦": "MW", "mw": "MW", "吉瓦": "GW", "gw": "GW",
    "千瓦时": "kWh", "kwh": "kWh", "度电": "kWh", "兆瓦时": "MWh", "mwh": "MWh",
    "千伏": "kV", "kv": "kV", "千伏安": "kVA", "kva": "kVA",
    # volume, length
    "立方米": "m3", "立方": "m3", "方": "m3", "m3": "m3", "升": "L",
    "公里": "km", "千米": "km", "km": "km", "米": "m", "m": "m",
}
_UNITS_BY_LENGTH = sorted(UNITS, key=len, reverse=True)

# qualifiers before the number
_APPROX_PREFIXES = ("大约", "约合", "约为", "大概", "将近", "接近", "超过", "超出", "逾", "约", "近", "超",
                    "不到", "不足", "不少于", "不低于", "不超过", "至少", "最少", "最多", "最高",
                    "高于", "低于", "小于", "大于")
_EXACT_PREFIXES = ("合计", "总计", "累计", "共计", "共", "计", "达到", "高达", "多达", "达", "为", "是")
_CURRENCY_PREFIXES = {"人民币": "CNY", "rmb": "CNY", "¥": "CNY", "$": "USD", "us$": "USD", "€": "EUR"}
# qualifiers after the unit
_APPROX_SUFFIXES = ("左右", "上下", "以上", "以下", "以内", "之内", "出头", "有余", "开外", "许", "多", "余")
_EXACT_SUFFIXES = ("人民币", "整")
# qualifiers inside the number: 6亿多, 200余万, 十来万, 十几亿
_INNER_APPROX_RE = re.compile(r"(?<=[\d" + "".join(CN_DIGIT_VALUES) + SCALE_CHARS + r"])[多余来几]")
_VAGUE_NUMBER_RE = re.compile(r"^(?:数|几|若干|上)(?=[" + SCALE_CHARS + r"])")
_RANGE_RE = re.compile(r"^(?P<low>[^-~至到—–]+)(?:-|~|至|到|—|–|——)(?P<high>[^-~至到—–]+)$")
_SCALE_TAIL_RE = re.compile(r"[" + SCALE_CHARS + r"]+$")
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
    value = parse_number(number)
    if value is not None:
        return value, approx
    ranged = _RANGE_RE.match(number)  # 5-8亿, 5亿至8亿: the lower bound, approx
    if ranged:
        low, high = ranged.group("low"), ranged.group("high")
        scale = _SCALE_TAIL_RE.search(high)
        if scale and not _SCALE_TAIL_RE.search(low):
            low += scale.group()
        low_value, high_value = parse_number(low), parse_number(high)
        if low_value is not None and high_value is not None and low_value <= high_value:
            return low_value, True
    return None, approx


def normalize_amount(text: str) -> AmountNorm:
    """Normalise an AMOUNT span; ``UNKNOWN`` (all None/False) when it is not money or a measure."""
    s = _clean(text or "")
    approx = False
    currency: str | None = None
    while True:  # leading qualifiers and currency marks, in any order
        s, hit = _strip_affix(s, _APPROX_PREFIXES, prefix=True)
        if hit:
            approx = True
            continue
        s, hit = _strip_affix(s, _EXACT_PREFIXES, prefix=True)
        if hit:
            continue
        s, hit = _strip_affix(s, tuple(_CURRENCY_PREFIXES), prefix=True)
        if hit:
            currency = _CURRENCY_PREFIXES[hit]
            continue
        break
    while True:  # trailing qualifiers
        s, hit = _strip_affix(s, _APPROX_SUFFIXES, prefix=False)
        if hit:
            approx = True
            continue
        s, hit = _strip_affix(s, _EXACT_SUFFIXES, prefix=False)
        if hit:
            currency = currency or ("CNY" if hit == "人民币" else None)
            continue
        break

    number, unit = _split_unit(s)
    if unit is None:
        if currency is None:
            return UNKNOWN
        unit = currency  # 人民币5亿, ¥500
    number, hit = _strip_affix(number, ("多", "余"), prefix=False)  # 15亿多元 -> handled inside too
    approx = approx or bool(hit)
    if _VAGUE_NUMBER_RE.match(number):
        if number.startswith("上"):  # 上亿元, 上万吨: at least one of the scale
            value = parse_number(number[1:])
            return AmountNorm(float(value), unit, True) if value is not None else UNKNOWN
        return AmountNorm(None, unit, True)  # 数亿元, 几十万吨: magnitude only
    if re.fullmatch(r"[万亿萬億]+", number):
        return UNKNOWN  # 亿元, 万元: a unit phrase, no number
    value, inner_approx = _read_number(number)
    if value is None:
        return UNKNOWN
    return AmountNorm(float(value), unit, approx or inner_approx)
