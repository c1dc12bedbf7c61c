"""Markup removal inside one source line.

Given the original text and the bounds of one line, decide which characters
survive: HTML tags and entities, invisible characters, a markdown heading mark
(``#``/``##``/``###`` + space) and decorative markers (▲ ■ ● …) at the line start
are deleted, and so are web addresses and image file names (``http://…/a.jpg``,
``IMG_20220307091530.jpg``, ``微信截图_2024….png``) wherever they stand, so that the text
glued after one is kept and their digits are never read as a date; escape sequences left in the text by a
bad export (a written ``\\n``, ``\\r``, ``\\t``) are deleted like a ``<br>`` tag (between two digits the
backslash stays, so that 2020-05-06\\n08:30 is not read as one number); leading/trailing whitespace (including U+3000 and nbsp) is stripped,
runs of inner whitespace are reduced to their first character, and the spaces that typography put
around a number inside Chinese text (2018 年 9 月 17 日, 全长 23.6 公里) are deleted, so that the tagger
reads the number as it is usually written.
The result is a list of ORIGINAL positions, so nothing is ever rewritten.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# <sup>, </sup>, <br>, <br/>, <p class="x">, </div>, <!-- comments -->
_HTML_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
# &nbsp; &amp; &#12288; &#x3000;
_HTML_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,10});")
# A web address: ASCII up to an image extension, else up to the first non-ASCII or space character.
_URL = re.compile(r"(?:https?://|www\.)(?:[\x21-\x7e]*?\.(?:jpe?g|png|gif|bmp|webp)(?![A-Za-z])|[\x21-\x7e]+)", re.I)
# An image file name: at the line start or after a space, a name without spaces or CJK punctuation.
_IMAGE_FILE = re.compile(r"(?:(?<=^)|(?<=\s))[^\s，。、；：！？,;:!?“”‘’（）()【】《》]{1,60}?\.(?:jpe?g|png|gif|bmp|webp)(?![A-Za-z])",
                         re.I)
# a backslash escape written out as text by a bad export (…推进会。\\n近日，…), not before a Latin letter (a path)
_WRITTEN_ESCAPE = re.compile(r"(?:\\[nrt](?![A-Za-z]))+")   # a run of them: …。\\n\\n\\t项目…
_INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_MARKDOWN_HEADING = re.compile(r"#{1,6}(?=\s)")
DECORATIVE_MARKERS = set("▲△▼▽■□●○◆◇★☆►▶◀•◎※")


@dataclass(frozen=True)
class LineChars:
    """The surviving characters of one line, as original positions."""

    keep: tuple[int, ...]
    heading_mark: bool  # a markdown heading mark was removed
    bullet_mark: bool   # a decorative marker was removed


def _deleted_by_markup(line: str) -> set[int]:
    """Positions (relative to the line) of HTML tags, entities, addresses, image names, invisible characters."""
    gone: set[int] = set()
    for pattern in (_URL, _IMAGE_FILE):
        for match in pattern.finditer(line):
            gone.update(range(match.start(), match.end()))
    for match in _WRITTEN_ESCAPE.finditer(line):
        a, b = match.start(), match.end()
        # between two digits (2020-05-06\n08:30) the backslash stays as a separator, so that the two
        # numbers are never read as one
        between_digits = a > 0 and b < len(line) and line[a - 1].isascii() and line[a - 1].isdigit() \
            and line[b].isascii() and line[b].isdigit()
        gone.update(range(a + 1 if between_digits else a, b))
    for match in _HTML_TAG.finditer(line):
        gone.update(range(match.start(), match.end()))
    for match in _HTML_ENTITY.finditer(line):
        if match.group(0) == "&amp;":  # keep the '&' itself, drop 'amp;'
            gone.update(range(match.start() + 1, match.end()))
        else:
            gone.update(range(match.start(), match.end()))
    gone.update(i for i, ch in enumerate(line) if ch in _INVISIBLE)
    return gone


def _strip_left(chars: list[tuple[int, str]]) -> list[tuple[int, str]]:
    i = 0
    while i < len(chars) and chars[i][1].isspace():
        i += 1
    return chars[i:]


def _drop_line_start_marks(chars: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], bool, bool]:
    heading = bullet = False
    while True:
        chars = _strip_left(chars)
        text = "".join(ch for _, ch in chars)
        match = _MARKDOWN_HEADING.match(text)
        if match:
            chars, heading = chars[match.end():], True
            continue
        if chars and chars[0][1] in DECORATIVE_MARKERS:
            n = 1
            while n < len(chars) and chars[n][1] in DECORATIVE_MARKERS:
                n += 1
            chars, bullet = chars[n:], True
            continue
        if text and set(text) == {"#"}:  # a line that is only '#' marks
            return [], True, bullet
        return chars, heading, bullet


def clean_line(original: str, start: int, end: int) -> LineChars:
    """Surviving characters of ``original[start:end]`` (one line, without its newline)."""
    line = original[start:end]
    gone = _deleted_by_markup(line)
    chars = [(start + i, ch) for i, ch in enumerate(line) if i not in gone]
    chars, heading, bullet = _drop_line_start_marks(chars)
    while chars and chars[-1][1].isspace():
        chars.pop()
    keep: list[int] = []
    previous_space = False
    for pos, ch in chars:
        space = ch.isspace()
        if not (space and previous_space):
            keep.append(pos)
        previous_space = space
    return LineChars(tuple(_without_number_spacing(original, keep)), heading, bullet)


def _without_number_spacing(original: str, keep: list[int]) -> list[int]:
    """``keep`` without the ASCII spaces that typography put around a number inside Chinese text:
    a number spaced on both sides (全长 23.6 公里, 年 9 月) and a number spaced from the unit after it
    (2018 年).  A space on one side only, before the number, separates (本刊讯 2023年…, 新华社 9月…)."""
    line = "".join(original[i] for i in keep)
    gone: set[int] = set()
    for pattern in (_SPACED_NUMBER, _NUMBER_SPACE_UNIT):
        for match in pattern.finditer(line):
            gone.update(match.start(group) for group in pattern.groupindex)   # the spaces
    return [pos for k, pos in enumerate(keep) if k not in gone]


_NUMBER = r"\d+(?:\.\d+)?"
_SPACED_NUMBER = re.compile(r"(?<=[\u3400-\u9fff])(?P<a> )" + _NUMBER + r"(?P<b> )(?=[\u3400-\u9fff])")
_NUMBER_SPACE_UNIT = re.compile(r"(?<=\d)(?P<a> )(?=[年月日号亿万元亩米吨斤个家%]|公里|公顷|平方|立方|千克|公斤)")
