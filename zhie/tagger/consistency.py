"""Document-level consistency of names: one name, one label and every mention tagged.

Within one article the same name is the same entity (GUIDELINES §10.5).  The tagger sees one
window at a time, so a name found in the headline can be missed in the body, or tagged ZONE in one
sentence and PROJECT in another.  After the span rules:

1. one name, one span: a mention tagged shorter than a longer form of the same name tagged elsewhere
   in the article, where the text goes on with the rest of that form, takes the longer form
   (某某经济区 | (某某区) → 某某经济区(某某区) when that is tagged once), absorbing any span of the
   same label inside it (a name split in two);
2. a person's name tagged with one character more or less than the same name elsewhere in the
   article (某某 | 某某某, 某某某 | 某某某仔细) takes the form tagged more often;
3. a person or company name that is a place name in jieba's dictionary and that the article also
   writes as a place (哈尔滨 | 哈尔滨市, 吉林 | 吉林省) is a place, not an OFFICIAL or COMPANY: dropped;
4. a name tagged PROJECT that the article also writes followed by its administration (某某园管委会,
   某某区党工委) is a ZONE (GUIDELINES §10.6: in the zone-news gold no PROJECT is ever so written, while a
   third of the ZONE mentions are);
   then a name string tagged with several labels takes the label of its highest total score;
5. the untagged items of a list of companies (GUIDELINES §10.40): names joined by 、 and closed by
   等 and a word for companies (阿甲、乙乙、丙丙等企业) are COMPANY where the list says so plainly — a
   count (等1000多家, 等一批), a modifier (知名, 龙头) or a word that only names companies (电商平台,
   老字号, 集团, 公司) — or where another item of the same list is tagged COMPANY; an item is taken
   only at word edges, outside every other span, and when it is neither a common word nor a place;
6. an untagged occurrence of a name that was tagged elsewhere in the document is tagged too, when it
   overlaps no other span, is not glued inside a longer run of letters or digits, and the name is long
   enough to be unambiguous (``MIN_CHARS``);
7. a company's short form (GUIDELINES §10.5): the name without its legal form, one leading place
   (never 中国) and a closing trade word (广东某某实业有限公司 → 某某实业, 某某) is a COMPANY where the
   article writes it on its own, at word edges and outside every other span, unless it is a common
   word of jieba's dictionary or a place; it comes after step 6, so that an untagged occurrence of
   the full name is tagged whole rather than by its short form (台州某铸造有限公司, not 台州[某铸造]…).
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Callable

from .base import TaggedSpan
from .word_boundaries import at_word_edges, is_place_word, lead_in_length, word_edges, word_frequency

CONSISTENT_LABELS = ("ZONE", "COMPANY", "ORG", "PROJECT", "OFFICIAL")
MIN_CHARS = {"ZONE": 4, "COMPANY": 4, "ORG": 4, "PROJECT": 5, "OFFICIAL": 3}
# A longer form differs by at least two characters and does not end in a function word (a mention
# tagged 某某的 once is no longer form of 某某).
MIN_EXTENSION = 2
FUNCTION_CHARS = set("的地得了和与及或在是将对把被从向等")
PROPAGATED_SCORE = 0.9  # a propagated mention's score is this times the best score of its name


# The bodies that administer a zone: a name the article writes with one of them right after it is an
# area administered as a zone, not an investment project (GUIDELINES §10.6: 某某园管委会 → ZONE).
ADMINISTRATION = ("管委会", "管理委员会", "党工委", "管委", "工委")


def _administered(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """A PROJECT whose name the article also writes followed by its administration is a ZONE."""
    names = {text[s.start:s.end] for s in spans if s.label == "PROJECT"}
    zones = {n for n in names if len(n) >= 3 and any(n + a in text for a in ADMINISTRATION)}
    if not zones:
        return spans
    return [TaggedSpan("ZONE", s.start, s.end, s.score) if s.label == "PROJECT" and text[s.start:s.end] in zones
            else s for s in spans]


def _vote_labels(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for s in spans:
        if s.label in CONSISTENT_LABELS:
            votes[text[s.start:s.end]][s.label] += s.score
    out = []
    for s in spans:
        label = s.label
        if label in CONSISTENT_LABELS:
            by_label = votes[text[s.start:s.end]]
            label = max(by_label, key=lambda l: (by_label[l], l == s.label))
        out.append(s if label == s.label else TaggedSpan(label, s.start, s.end, s.score))
    return out


def _glued(text: str, start: int, end: int) -> bool:
    """The occurrence continues an ASCII word or a number on either side."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())


def _propagate(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    best: dict[str, tuple[str, float]] = {}
    for s in spans:
        name = text[s.start:s.end]
        if s.label in CONSISTENT_LABELS and len(name) >= MIN_CHARS[s.label] and "\n" not in name:
            if name not in best or s.score > best[name][1]:
                best[name] = (s.label, s.score)
    return _tag_occurrences(text, spans, best)


def _tag_occurrences(text: str, spans: list[TaggedSpan], names: dict[str, tuple[str, float]],
                     accept: Callable[[str, int, int], bool] | None = None) -> list[TaggedSpan]:
    """``spans`` plus every untagged occurrence of ``names`` (name → label and best score), longer
    names first (云湖经开区 before 云湖), outside every span, not glued to letters or digits, and
    where ``accept(text, start, end)`` agrees; an added mention scores ``PROPAGATED_SCORE`` times
    its name's best score."""
    if not names:
        return spans
    taken = bytearray(len(text))
    for s in spans:
        taken[s.start:s.end] = b"\x01" * (s.end - s.start)
    added: list[TaggedSpan] = []
    for name in sorted(names, key=len, reverse=True):
        label, score = names[name]
        for at in _occurrences(text, name):
            end = at + len(name)
            if not any(taken[at:end]) and not _glued(text, at, end) and (accept is None or accept(text, at, end)):
                added.append(TaggedSpan(label, at, end, round(score * PROPAGATED_SCORE, 4)))
                taken[at:end] = b"\x01" * len(name)
    return sorted(spans + added, key=lambda s: (s.start, s.end)) if added else spans


def _longest_forms(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    forms: dict[str, set[str]] = defaultdict(set)
    for s in spans:
        if s.label in CONSISTENT_LABELS:
            forms[s.label].add(text[s.start:s.end])
    out: list[TaggedSpan] = []
    k = 0
    while k < len(spans):
        s = spans[k]
        name = text[s.start:s.end]
        longer = [f for f in forms.get(s.label, ()) if len(f) >= len(name) + MIN_EXTENSION and f.startswith(name)
                  and f[-1] not in FUNCTION_CHARS and text.startswith(f, s.start)] if s.label in CONSISTENT_LABELS else []
        if longer:
            end = s.start + max(map(len, longer))
            j = k + 1
            while j < len(spans) and spans[j].start < end:
                if spans[j].label != s.label or spans[j].end > end:
                    break
                j += 1
            if j >= len(spans) or spans[j].start >= end:
                out.append(TaggedSpan(s.label, s.start, end, min(x.score for x in spans[k:j])))
                k = j
                continue
        out.append(s)
        k += 1
    return out


PLACE_SUFFIXES = tuple("省市县区镇乡村州")
NOT_PLACE_LABELS = ("OFFICIAL", "COMPANY")


def _drop_places(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    verdict: dict[str, bool] = {}
    out = []
    for s in spans:
        if s.label in NOT_PLACE_LABELS:
            name = text[s.start:s.end]
            if name not in verdict:
                verdict[name] = is_place_word(name) and any(
                    text.startswith(suffix, m + len(name)) for m in _occurrences(text, name) for suffix in PLACE_SUFFIXES)
            if verdict[name]:
                continue
        out.append(s)
    return out


def _occurrences(text: str, name: str):
    at = text.find(name)
    while at >= 0:
        yield at
        at = text.find(name, at + 1)


LEGAL_FORMS = ("股份有限公司", "有限责任公司", "集团股份有限公司", "集团有限公司", "集团公司", "股份公司",
               "有限公司", "总公司", "公司", "集团")
# A name that ends in a bare 公司 is as often a description (环卫公司, 某某研发公司) as a name: no short forms.
DESCRIPTIVE_FORMS = ("总公司", "公司")
PLACE_PREFIX_ENDINGS = tuple("省市县区")
NATIONAL_WORDS = ("中国", "中华", "全国", "国家", "亚洲", "世界", "国际")
COMMON_WORD_FREQ = 500   # a short form this frequent in jieba's dictionary is a common word (新华, 实业)


def strip_place(name: str) -> str:
    """``name`` without one leading province, city or county (广东某某 → 某某); a national word
    (中国, 中华) is part of the name (中国某某)."""
    for n in (3, 2, 4):
        head = name[:n]
        if head in NATIONAL_WORDS or len(name) - n < 2:
            continue
        if is_place_word(head) or (n >= 3 and head.endswith(PLACE_PREFIX_ENDINGS)):
            return name[n:]
    return name


def company_short_forms(name: str) -> list[str]:
    """Short forms of a full company name: 广东某某实业有限公司 → [某某实业, 某某]."""
    form = next((f for f in LEGAL_FORMS if name.endswith(f) and len(name) - len(f) >= 2), None)
    if form is None or form in DESCRIPTIVE_FORMS:
        return []   # only names written with their legal form have short forms (not 某某快递公司)
    base = name[:-len(form)]
    if any(ch in base for ch in "()（）"):
        return []
    core = strip_place(base)
    out = [core] if core != name else []
    words = [core[a:b] for a, b in word_edges(core)]
    if len(core) >= 4 and len(words) >= 2 and len(words[-1]) == 2:
        out.append(core[:-2])
    return [f for f in out if len(f) >= 2 and word_frequency(f) < COMMON_WORD_FREQ and not is_place_word(f)]


def _short_forms(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    shorts: dict[str, tuple[str, float]] = {}
    for s in spans:
        if s.label == "COMPANY":
            for f in company_short_forms(text[s.start:s.end]):
                shorts[f] = (s.label, max(shorts.get(f, ("", 0.0))[1], s.score))
    return _tag_occurrences(text, spans, shorts, accept=at_word_edges)


def _person_forms(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    counts: dict[str, int] = defaultdict(int)
    for s in spans:
        if s.label == "OFFICIAL":
            counts[text[s.start:s.end]] += 1
    if len(counts) < 2:
        return spans
    out = []
    for k, s in enumerate(spans):
        name = text[s.start:s.end]
        if s.label == "OFFICIAL":
            nxt = spans[k + 1].start if k + 1 < len(spans) else len(text)
            longer = text[s.start:s.end + 1]
            shorter = name[:-1]
            if (s.end < nxt and longer != name and counts.get(longer, 0) > counts[name]
                    and longer[-1] not in FUNCTION_CHARS):
                s = TaggedSpan("OFFICIAL", s.start, s.end + 1, s.score)
            elif len(shorter) >= 2 and counts.get(shorter, 0) > counts[name]:
                s = TaggedSpan("OFFICIAL", s.start, s.end - 1, s.score)
        out.append(s)
    return out


# 等 + an optional count + a few words + the word for the listed things (GUIDELINES §10.40).
_LIST_END = re.compile(
    r"等(?P<count>(?:[0-9]+|[一二三四五六七八九十百千万几数]+)多?[家个批]|一批|多家|诸多|众多)?"
    r"(?!地)(?P<mods>[^，。；：、！？,.;:!?\n]{0,6}?)(?P<kind>企业|公司|集团|电商平台|老字号|商家|厂商|品牌企业)")
_STRONG_KINDS = ("电商平台", "老字号", "公司", "集团", "厂商")
_STRONG_MODS = ("知名", "龙头", "头部", "领军", "明星", "重点", "骨干", "世界500强", "500强", "上市")
_CLAUSE_BREAK = "，。；：！？,.;:!?\n（(）)"
_QUOTES = "“”\"'‘’《》「」"
LIST_ITEM_CHARS = (2, 10)
LISTED_SCORE = 0.6


def _list_items(text: str, end: int) -> list[tuple[int, int]]:
    """The items (start, end) of the 、 list that ends at ``end``, in order; the words leading into the
    list (吸引了, 其中) are not part of its first item, and the items before them are not in the list.
    One name in quotes is a list of one."""
    a = end
    while a > 0 and text[a - 1] not in _CLAUSE_BREAK:
        a -= 1
    chunk = text[a:end]
    if "、" not in chunk:
        quoted = re.search(r"[“\"「]([^“”\"「」]+)[”\"」]$", chunk)
        return [(a + quoted.start(1), a + quoted.end(1))] if quoted else []
    items, pos = [], a
    for part in chunk.split("、"):
        s, e = pos, pos + len(part)
        pos = e + 1
        while s < e and (text[s] in _QUOTES or text[s].isspace()):
            s += 1
        while e > s and (text[e - 1] in _QUOTES or text[e - 1].isspace()):
            e -= 1
        items.append((s, e))
    for k in range(len(items) - 1, -1, -1):   # the list starts after its last lead-in (…一期、二期累计签约某某、…)
        lead = lead_in_length(text[items[k][0]:items[k][1]])
        if lead:
            return [(items[k][0] + lead, items[k][1])] + items[k + 1:]
    return items


# Labels a listed item may have been given that the list corrects: a list of companies names companies.
RELABELLED_IN_LISTS = ("PROJECT", "ORG")


def _listed_companies(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    taken = bytearray(len(text))
    for s in spans:
        taken[s.start:s.end] = b"\x01" * (s.end - s.start)
    by_place = {(s.start, s.end): k for k, s in enumerate(spans)}
    out = list(spans)
    added: list[TaggedSpan] = []
    for m in _LIST_END.finditer(text):
        items = _list_items(text, m.start())
        if not items or text.startswith("、", m.end()):
            continue   # a list of companies and something else (…等一批头部企业、核心项目)
        strong = bool(m.group("count")) or m.group("kind") in _STRONG_KINDS or any(
            w in m.group("mods") for w in _STRONG_MODS)
        if not strong and not any((s, e) in by_place and spans[by_place[s, e]].label == "COMPANY" for s, e in items):
            continue
        for s, e in items:
            name = text[s:e]
            k = by_place.get((s, e))
            if k is not None:
                if strong and out[k].label in RELABELLED_IN_LISTS:
                    out[k] = TaggedSpan("COMPANY", s, e, out[k].score)
                continue
            if not LIST_ITEM_CHARS[0] <= e - s <= LIST_ITEM_CHARS[1]:
                continue
            if any(taken[s:e]) or _glued(text, s, e) or not name.strip() or any(ch in name for ch in "，。等和与及"):
                continue
            if word_frequency(name) >= COMMON_WORD_FREQ or is_place_word(name) or not at_word_edges(text, s, e):
                continue
            added.append(TaggedSpan("COMPANY", s, e, LISTED_SCORE))
            taken[s:e] = b"\x01" * (e - s)
    return sorted(out + added, key=lambda s: (s.start, s.end)) if added else out


def make_consistent(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Sorted, non-overlapping ``spans`` of the cleaned ``text`` with consistent labels and mentions."""
    voted = _vote_labels(text, _administered(text, _drop_places(text, _person_forms(text, _longest_forms(text, spans)))))
    return _short_forms(text, _propagate(text, _listed_companies(text, voted)))
