"""Short forms linked to their full forms within one article (GUIDELINES §10.5, §10.11, §10.34, §10.36).

An article names a zone or a company in full once and then by a short form (云湖高新技术产业开发区 …
云湖高新区; 广东青禾实业有限公司 … 青禾实业, 青禾).  ``full_forms(entities)`` tells, for each entity
written by such a short form, the id of the first mention of its full form, so that a user can group
every mention of one zone or company.  A name is a short form of a longer name of the same label
(ZONE, COMPANY, PROJECT) in the same article when:

- COMPANY: it is one of the company's short forms (the name without its legal form and one leading
  place, and that without a closing trade word: ``company_short_forms``), or an abbreviation as below
  of the name without its legal form;
- any of those labels: it is an abbreviation — its characters are those of the full name in order,
  starting with the full name's first character (or the first after a leading place) and ending
  with its last (大同经开区 of 大同经济技术开发区, 晋中开发区 of 晋中经济技术开发区, 云湖园 of
  云湖高新技术产业园);
- ZONE: it is the full name without its zone word (两江 of 两江新区, GUIDELINES §10.34);
- PROJECT: it is the full name without a closing 项目.

A zone inside a zone is no short form of it (苏州工业园区 of 苏州工业园综合保税区: the abbreviation must
reach past the inner zone's name); a short form that would fit two different full names links to
neither (no guess); a name broken by whitespace is the same name; and a chain of forms ends at the longest (云湖园 → 云湖高新园 → 云湖高新技术产业园 links to the last).
"""
from __future__ import annotations

import re

from ..schema import Entity
from ..tagger.consistency import LEGAL_FORMS, strip_place, company_short_forms
from ..tagger.zone_words import ZONE_WORDS, ZONE_WORD_RE

# ORG is left out: bodies share their generic words (市商务局 reads as an abbreviation of 市招商投资促进服务局)
LINKED_LABELS = ("ZONE", "COMPANY", "PROJECT")
MIN_SHORT = 2
_SPACE = re.compile(r"\s+")


def _abbreviates(short: str, full: str) -> bool:
    """``short``'s characters are ``full``'s in order, from its first (after a leading place) to its last."""
    if len(short) < MIN_SHORT or len(short) >= len(full) or short[-1] != full[-1]:
        return False
    if short[0] != full[0]:
        stripped = strip_place(full)
        if stripped == full or short[0] != stripped[0]:
            return False
        full = stripped
    matched, pos = [], 0
    for ch in short:                         # the earliest match of each character, in order
        pos = full.find(ch, pos)
        if pos < 0:
            return False
        matched.append(pos)
        pos += 1
    inner = _inner_zone_end(full)
    # a zone inside a zone (苏州工业园 of 苏州工业园综合保税区): the short form must reach past the inner one
    return inner is None or any(inner <= k < len(full) - 1 for k in matched)


def _inner_zone_end(name: str) -> int | None:
    """Where a zone word ends inside ``name`` before its final zone word (苏州工业园|综合保税区), else None."""
    ends = [m.end() for m in ZONE_WORD_RE.finditer(name) if m.end() < len(name) - 1]
    return ends[0] if ends else None


def _without_legal_form(name: str) -> str:
    form = next((f for f in sorted(LEGAL_FORMS, key=len, reverse=True) if name.endswith(f)), "")
    return name[:-len(form)] if form and len(name) - len(form) >= MIN_SHORT else name


def is_short_form(short: str, full: str, label: str) -> bool:
    """Whether ``short`` is a short form of the longer name ``full`` of one ``label`` (module docstring)."""
    if short == full or len(short) < MIN_SHORT or label not in LINKED_LABELS:
        return False
    if label == "COMPANY":
        return short in company_short_forms(full) or _abbreviates(short, _without_legal_form(full))
    if _abbreviates(short, full):
        return True
    if label == "ZONE":
        return any(full == short + word for word in ZONE_WORDS)
    if label == "PROJECT":
        return full == short + "项目"
    return False


def full_forms(entities: list[Entity]) -> dict[str, str]:
    """``{entity id: id of the first mention of its full form}`` for the entities written by a short form."""
    def key_of(e: Entity) -> tuple[str, str]:
        return e.label, _SPACE.sub("", e.text)      # a name broken by a column break is the same name

    first: dict[tuple[str, str], Entity] = {}
    for e in sorted(entities, key=lambda x: x.start):
        if e.label in LINKED_LABELS:
            first.setdefault(key_of(e), e)
    fuller: dict[tuple[str, str], str] = {}     # (label, short) -> the one full name it abbreviates
    for (label, short) in first:
        candidates = [full for (lab, full) in first if lab == label and is_short_form(short, full, label)]
        # a chain (A < B < C) keeps the longest; two unrelated full names are ambiguous
        longest = max(candidates, key=len, default=None)
        if longest is not None and all(c == longest or is_short_form(c, longest, label) for c in candidates):
            fuller[label, short] = longest
    out: dict[str, str] = {}
    for e in entities:
        key = key_of(e)
        if key not in fuller:
            continue
        while key in fuller:        # 米古里 → 米古里项目 → 米古里城市旅游综合体项目: strictly longer, so it ends
            key = (key[0], fuller[key])
        out[e.id] = first[key].id
    return out
