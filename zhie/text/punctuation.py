"""Punctuation classes shared by the cleaner and the sentence splitter.

Answers small questions about a line of Chinese text: does it end a sentence,
could it be a heading (short, no sentence punctuation), does it end in the
middle of a clause.
"""
from __future__ import annotations

# A sentence ends at one of these (SCHEMA.md: 。！？, plus the ASCII forms).
SENTENCE_END = "。！？!?"
# For deciding whether a paragraph is complete, more marks count as an ending:
# a paragraph ending in ；： or …… is not continued by a column break.
PARAGRAPH_END = SENTENCE_END + "；;：:…"
# Closing quotes and brackets that may follow a sentence end and belong to it.
CLOSERS = "”’\"'」』）)】》〉]"
OPENING_PARENS = "(（"
CLOSING_PARENS = ")）"
# Marks that show a paragraph stops in the middle of a clause.
CLAUSE_MARKS = "，,、：:"
COMMAS = "，,"

HEADING_MAX_CHARS = 40


def ends_paragraph(text: str) -> bool:
    """True when ``text`` ends with paragraph-final punctuation.

    Closing quotes/brackets after the mark are allowed (``……留得住’。”``), and so is
    a short parenthetical credit after the mark or on its own (``……完成。(魏亚东)``,
    ``(供稿：大同市商务局)``).
    """
    text = text.rstrip()
    if not text:
        return True
    if text[-1] in CLOSING_PARENS:
        opening = max(text.rfind(p) for p in OPENING_PARENS)
        if opening == 0:
            return True
        if opening > 0:
            before = text[:opening].rstrip().rstrip(CLOSERS)
            if before and before[-1] in PARAGRAPH_END:
                return True
    stripped = text.rstrip(CLOSERS)
    if not stripped:
        return True
    return stripped[-1] in PARAGRAPH_END


def has_sentence_punctuation(text: str) -> bool:
    """True when a sentence end (or ；) occurs anywhere in ``text``."""
    return any(ch in SENTENCE_END or ch in "；;" for ch in text)


def is_title_like(text: str) -> bool:
    """Shape of a heading, kicker, caption or byline line.

    Short (at most HEADING_MAX_CHARS characters), no sentence punctuation and
    no comma anywhere (titles separate their halves with a space), and not
    ending in the middle of a clause (``，、：``). Whether such a line really is
    a heading depends on its neighbours.
    """
    text = text.strip()
    if not text or len(text) > HEADING_MAX_CHARS:
        return False
    if has_sentence_punctuation(text) or any(ch in COMMAS for ch in text):
        return False
    return text[-1] not in CLAUSE_MARKS
