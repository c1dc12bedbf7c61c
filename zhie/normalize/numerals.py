"""Numbers as written in Chinese news -> exact ``Decimal`` values.

Covers Arabic decimals (full-width digits and thousands separators are
folded first), Chinese numerals (``三千万``, ``十二``, ``两千零五十``,
``二点五``, capital forms ``壹仟贰佰``) and the two mixed together with the
scale characters 十/百/千/万/亿 (``224.06亿``, ``1.2万亿``, ``3千万``,
``1亿2000万``).  The integer syntax of Chinese numerals is delegated to
``cn2an``; scales, decimals and Arabic parts are computed here with
``Decimal`` so that 224.06亿 is exactly 22406000000.

Colloquial elisions are read as speakers mean them: a single digit written
right after a scale word, with nothing after it, counts in the next lower
unit (两万五 = 25000, 二十六万五 = 265000, 一亿五 = 1.5亿, 3千5 = 3500);
an explicit 零 keeps the digit a unit (一万零五 = 10005).
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

import cn2an

CN_DIGIT_VALUES: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
SMALL_SCALES: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_SCALES: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}

CN_NUMERAL_CHARS = "".join(CN_DIGIT_VALUES) + "".join(SMALL_SCALES) + "点"
SCALE_CHARS = "".join(SMALL_SCALES) + "".join(BIG_SCALES)

_TOKEN_RE = re.compile(
    r"(?P<arabic>\d+(?:\.\d+)?)"
    r"|(?P<big>[" + "".join(BIG_SCALES) + r"])"
    r"|(?P<cn>[" + CN_NUMERAL_CHARS + r"]+)"
)
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def fold_text(text: str) -> str:
    """NFKC-fold (full-width digits/letters, ㎡ -> m2, m² -> m2) and drop thousands separators."""
    return _THOUSANDS_RE.sub("", unicodedata.normalize("NFKC", text))


def cn_digits_to_int(text: str) -> int | None:
    """Read a digit-by-digit Chinese number such as 二〇二三 (a year); None if not one."""
    if not text or any(ch not in CN_DIGIT_VALUES or ch == "两" for ch in text):
        return None
    return int("".join(str(CN_DIGIT_VALUES[ch]) for ch in text))


def _cn_run_value(run: str) -> Decimal | None:
    """Value of a Chinese numeral without 万/亿 (e.g. 三千, 一百五十, 二点五, 百)."""
    run = run.lstrip("零〇○") or "零"
    if "点" in run:
        integer_part, _, fraction = run.partition("点")
        if not fraction or any(ch not in CN_DIGIT_VALUES for ch in fraction):
            return None
        whole = _cn_run_value(integer_part) if integer_part else Decimal(0)
        if whole is None:
            return None
        digits = "".join(str(CN_DIGIT_VALUES[ch]) for ch in fraction)
        return whole + Decimal("0." + digits)
    if run[0] in SMALL_SCALES and run[0] not in ("十", "拾"):
        run = "一" + run  # 百亿, 千亩: cn2an needs the leading digit
    try:
        value = cn2an.cn2an(run, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None  # only decimals written with 点, handled above
    return Decimal(int(value))


def _elided_digit(kind: str, text: str) -> int | None:
    """The digit of a lone single-digit token (五, 5) that may be an elision after a scale."""
    if kind == "arabic" and len(text) == 1:
        return int(text)
    if kind == "cn" and len(text) == 1 and text in CN_DIGIT_VALUES and CN_DIGIT_VALUES[text] > 0:
        return CN_DIGIT_VALUES[text]
    return None


def _section_value(tokens: list[tuple[str, str]]) -> Decimal | None:
    """Value of the tokens between two big scales (万/亿): Arabic, Chinese or mixed (3千5百)."""
    if all(kind == "cn" for kind, _ in tokens):
        return _cn_run_value("".join(text for _, text in tokens))
    total = Decimal(0)
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        if kind != "arabic":
            return None
        number = Decimal(text)
        if i + 1 < len(tokens):
            next_kind, next_text = tokens[i + 1]
            if next_kind != "cn" or next_text not in SMALL_SCALES:
                return None
            total += number * SMALL_SCALES[next_text]
            i += 2
        else:
            previous = tokens[i - 1][1] if i else ""
            digit = _elided_digit(kind, text)
            if previous in SMALL_SCALES and digit is not None and SMALL_SCALES[previous] > 10:
                total += digit * SMALL_SCALES[previous] // 10  # 3千5 = 3500 (elision)
            else:
                total += number
            i += 1
    return total


def parse_number(text: str) -> Decimal | None:
    """Exact value of a numeral with optional scales; None when *text* is not purely a number.

    >>> parse_number("224.06亿")
    Decimal('22406000000.00')
    """
    text = fold_text(text).strip()
    if not text:
        return None
    tokens: list[tuple[str, str]] = []
    pos = 0
    for match in _TOKEN_RE.finditer(text):
        if match.start() != pos:
            return None
        kind = match.lastgroup or ""
        tokens.append((kind, match.group()))
        pos = match.end()
    if pos != len(text):
        return None

    committed = Decimal(0)   # everything already multiplied by 亿
    wan = Decimal(0)         # everything already multiplied by 万 (not yet by 亿)
    seen_big = seen_wan = False
    last_scale = 0           # multiplier of the last big scale group: 万 10^4, 亿 10^8, 万亿 10^12
    section: list[tuple[str, str]] = []
    for kind, token in tokens:
        if kind != "big":
            section.append((kind, token))
            continue
        last_scale = BIG_SCALES[token] * (10**4 if not section and seen_wan and token in "亿億" else 1)
        value = _section_value(section) if section else None
        if section and value is None:
            return None
        section = []
        if BIG_SCALES[token] == 10**4:
            if value is None:
                if seen_big:
                    return None  # 亿万, 万万
                value = Decimal(1)  # 万亩
            wan += value * 10**4
            seen_wan = True
        else:
            if value is None and not seen_wan:
                if seen_big:
                    return None
                value = Decimal(1)  # 上亿
            committed += (wan + (value or 0)) * 10**8
            wan = Decimal(0)
            seen_wan = False
        seen_big = True
    if seen_big and len(section) == 1 and _elided_digit(*section[0]) is not None:
        # 两万五, 二十六万五, 一亿五: the lone digit counts in the next lower unit
        return committed + wan + _elided_digit(*section[0]) * (last_scale // 10)
    tail = _section_value(section) if section else Decimal(0)
    if tail is None:
        return None
    return committed + wan + tail
