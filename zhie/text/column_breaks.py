"""Column-break detection: which paragraph breaks were made by the page layout.

Scanned magazines break paragraphs (even names and numbers) at column and page
ends: ``经开区持之以\\n\\n恒地加强``, ``32.86\\n\\n亿元``, ``智能院集团公司\\n\\n司总部展厅``.
This module looks at consecutive paragraphs (non-empty cleaned lines) and
decides, with a reason, whether the second continues the first.

The rule, in order (first match wins):
1. the first paragraph ends with paragraph-final punctuation (。！？；：…, closing
   quotes/brackets after them, a credit like ``。(魏亚东)``)   -> break
2. a boilerplate line (meta line, site header) lies between   -> break
3. the first paragraph is a heading                               -> break
4. the second paragraph is marked as a heading (``#``, 【…】, ——…, 一、… ▲…)  -> break
5. the second paragraph opens an article (本刊讯, 本报讯, 新华社, …电) -> break
6. the second paragraph is title-shaped and is not the middle piece of a
   paragraph broken twice                                            -> break
7. otherwise                                                         -> join.

"Title-shaped" is punctuation.is_title_like (short, no sentence punctuation).
An unmarked title-shaped paragraph counts as a heading when it opens the
document or follows a heading/boilerplate (kicker chains such as
``全省开发区`` / ``“…”特刊`` / ``大同市开发区``), contains two halves separated by a
space (``砥砺奋进铸辉煌 实干笃行谋发展``), is followed by two or more blank lines,
by a heading, by an article opener, or by another title-shaped line.
Otherwise a short unfinished paragraph followed by body text is a column
fragment (``考察团一行参观了智能院集团公司``) and is joined.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .punctuation import CLAUSE_MARKS, HEADING_MAX_CHARS, ends_paragraph, has_sentence_punctuation, is_title_like

_ENUMERATED_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|第[一二三四五六七八九十\d]{1,3}[章节部分篇])"
)
# Openers of a news article body: the line before them is a headline.
_ARTICLE_OPENER = re.compile(
    r"^(?:本刊讯|本报讯|本台讯|本网讯|新华社|中新社|中新网|央视网|人民网"
    r"|\S{0,12}\d{1,2}月\d{1,2}日电|据\S{1,15}(?:报道|消息))"
)
_TWO_PART_TITLE = re.compile(r"\S\s+\S")
MIN_BLANK_LINES_AFTER_HEADING = 2


@dataclass(frozen=True)
class Paragraph:
    """One kept line of the source, after markup removal."""

    line_no: int                 # 0-based line number in the original
    line_end: int                # original offset of the line's newline (or len(original))
    keep: tuple[int, ...]        # original positions of its characters
    text: str
    heading_mark: bool = False   # a markdown '#' mark was removed
    bullet_mark: bool = False    # a decorative marker (▲ ■ ●) was removed
    blank_lines_before: int = 0  # empty/noise lines between the previous paragraph and this one
    barrier_before: bool = False  # a removed boilerplate line lies between


@dataclass(frozen=True)
class JoinDecision:
    """Whether paragraph ``prev`` continues into paragraph ``next`` (indices into the paragraph list)."""

    prev: int
    next: int
    joined: bool
    reason: str
    prev_tail: str
    next_head: str

    @property
    def trivial(self) -> bool:
        """Breaks after a finished paragraph: not worth printing."""
        return self.reason == "prev ends a paragraph"


def is_marked_heading(p: Paragraph) -> bool:
    """Headings that carry a visible mark: ``#``, 【…】, a leading dash, numbering, a marker."""
    text = p.text
    if p.heading_mark:
        return True
    if not text:
        return False
    if text[0] == "【" and text[-1] == "】" and len(text) <= HEADING_MAX_CHARS:
        return True
    short_unfinished = len(text) <= HEADING_MAX_CHARS and not has_sentence_punctuation(text)
    if text[0] in "—" and short_unfinished:
        return True
    if _ENUMERATED_HEADING.match(text) and short_unfinished and text[-1] not in CLAUSE_MARKS:
        return True
    return p.bullet_mark and is_title_like(text)


def opens_article(text: str) -> bool:
    return bool(_ARTICLE_OPENER.match(text))


def _is_body(p: Paragraph) -> bool:
    return not is_marked_heading(p) and not is_title_like(p.text) and not opens_article(p.text)


def _is_middle_fragment(paragraphs: list[Paragraph], i: int) -> bool:
    """Title-shaped paragraph i directly continued by body text: a piece between two column breaks."""
    if i + 1 >= len(paragraphs) or _TWO_PART_TITLE.search(paragraphs[i].text):
        return False
    after = paragraphs[i + 1]
    return (not after.barrier_before and after.blank_lines_before < MIN_BLANK_LINES_AFTER_HEADING
            and _is_body(after))


def _unmarked_heading_reason(paragraphs: list[Paragraph], i: int, prev_is_heading: bool) -> str | None:
    """Why title-shaped paragraph i is a heading, or None when it looks like a column fragment."""
    p = paragraphs[i]
    if i == 0 or p.barrier_before:
        return "title-shaped at the start"
    if prev_is_heading:
        return "title-shaped after a heading"
    if _TWO_PART_TITLE.search(p.text):
        return "two-part title"
    if i + 1 >= len(paragraphs):
        return "title-shaped at the end"
    after = paragraphs[i + 1]
    if after.barrier_before:
        return "title-shaped before boilerplate"
    if after.blank_lines_before >= MIN_BLANK_LINES_AFTER_HEADING:
        return "title-shaped, blank lines after"
    if is_marked_heading(after):
        return "title-shaped before a heading"
    if opens_article(after.text):
        return "title-shaped before an article opener"
    if is_title_like(after.text) and not _is_middle_fragment(paragraphs, i + 1):
        return "title-shaped before another title line"
    return None


def decide_joins(paragraphs: list[Paragraph]) -> list[JoinDecision]:
    """One decision per boundary between consecutive paragraphs."""
    decisions: list[JoinDecision] = []
    heading_reason: str | None = None  # why the previous paragraph is a heading
    joined_into = False
    so_far = ""  # the text of the paragraph being assembled from column pieces
    for i, p in enumerate(paragraphs):
        so_far = so_far + p.text if joined_into else p.text
        previous_heading = heading_reason is not None
        if is_marked_heading(p):
            heading_reason = "marked heading"
        elif is_title_like(p.text) and not joined_into:
            heading_reason = _unmarked_heading_reason(paragraphs, i, previous_heading)
        else:
            heading_reason = None
        if i + 1 == len(paragraphs):
            break
        reason, joined = _decide(paragraphs, i, heading_reason, so_far)
        decisions.append(JoinDecision(i, i + 1, joined, reason, p.text[-12:], paragraphs[i + 1].text[:12]))
        joined_into = joined
    return decisions


def _decide(paragraphs: list[Paragraph], i: int, heading_reason: str | None, so_far: str) -> tuple[str, bool]:
    p, nxt = paragraphs[i], paragraphs[i + 1]
    if ends_paragraph(so_far):
        return "prev ends a paragraph", False
    if nxt.barrier_before:
        return "boilerplate between", False
    if heading_reason is not None:
        return f"prev is a heading ({heading_reason})", False
    if is_marked_heading(nxt):
        return "next is a marked heading", False
    if opens_article(nxt.text):
        return "next opens an article", False
    if is_title_like(nxt.text) and not _is_middle_fragment(paragraphs, i + 1):
        return "next is title-shaped", False
    if is_title_like(p.text):
        return "join: short fragment before body text", True
    return "join: unfinished body paragraph", True
