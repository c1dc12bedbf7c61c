"""HOLDS_TITLE and MEMBER_OF from title phrases, by a small grammar over lists of mentions.

A *chain* is a run of TITLE, OFFICIAL, ZONE, COMPANY and ORG mentions whose gaps are links of
a title phrase (whitespace and the line breaks of web pages are ignored in a gap, except after
an org, which is written directly before its title or name):

* title part → title part (TITLE or ORG): nothing, 、 or 兼 (党工委书记、管委会主任; 董事长兼总经理),
  and 和/及 between two titles (驻村第一书记和工作队队长); 、 followed by untagged characters before
  a title also links (副县长、临港产业园[管委会主任]: the tagger left the prefix out);
* title part → name: nothing (市长郑海, 市长 郑海);
* name → name: 、, 和, 及 or nothing (副省长王平、周琳和马东);
* name → title part: nothing or 、 (王建军书记; 市委书记张伟、市长刘洋).

A chain alternates *runs* of names and *blocks* of title parts.  A block is cut at 、 (和, 及) into
*units* (ZONE 党工委书记, COMPANY 董事长兼总经理, ORG), and each unit goes either forward to the
run after it (title before the name: 国务院总理李强) or back to the run before it (title after the
name: 习近平总书记):

* a block at the start of a chain goes forward; one at its end goes back only when it is written
  against the last name without 、 (吕强、市财政局局长分别发言: nobody's);
* between two runs, the side the unit is written against without any gap wins (张伟书记、市长刘洋:
  书记 back, 市长 forward); when both gaps are alike (web lists separated by spaces) the chain's
  own order decides: forward if it opens with a title, back if it opens with a name.

A forward unit belongs to every name of the run (a shared title, GUIDELINES §3); a back unit to
the name it follows, and to the names before it only if none of them has a title of its own
(周琳和马东主任).  A name that has a back unit of its own is not shared by the forward titles
of its run (省长黄涛、刘毅主任).  Every TITLE of a unit gives HOLDS_TITLE; every ZONE/COMPANY/ORG of
the unit gives MEMBER_OF: one written before a title, one written directly before the name
(市商务局王敏) or before a staff word that is no position (县公安局民警王敏), and orgs listed with 、 before an org-and-title unit (中信集团、中国建筑集团董事许明).
Orgs followed by a unit without an org of their own are separate items (东方电气、副市长陈光), and
orgs listed before a list of names give no MEMBER_OF: the pairing is unstated (GUIDELINES §10.13).

Across a comma, a chain made only of title units (no name) is the head of the next chain when that
one opens with a title part (省经贸代表团团长，省商务厅厅长黄文).  A title stated as the predicate of the
name (陈东任开发区管委会主任, 以张明为组长, 何永吉博士挂职于示范区管委会副主任, 利用其担任某局局长职务之便,
某某是某公司的负责人) is held by it, and the orgs written before that title are the name's (MEMBER_OF) —
except after 为, which also means "for" (某某为某景区总经理颁发聘书).  A
reporter credit (记者, 通讯员 …) marks a byline, never a title of an official (SCHEMA): it gives nothing.

Score: how sure the pattern is (title or org written directly before the name 0.95 / 0.9, after
it 0.8, decided by the chain's order 0.75, across a comma or as a predicate 0.7) times the lower
tagger score of the two entities: with predicted entities most wrong relations come from wrong
entity spans, which the tagger scores low (zone-news train-more: relations with both entities
≥ 0.9 are right 93% of the time, the others 27%).

Chosen by measurement over a learned pairwise classifier (logistic regression over the gap between
the two mentions, tried on the same files): the classifier alone was below these rules on every
file, and stacked on the rules it only repeated them (figures in the lead's report of issue 12).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from ..schema import Relation
from . import LinkInput, Mention

ORG_LABELS = {"ZONE", "COMPANY", "ORG"}
PART_LABELS = ORG_LABELS | {"TITLE"}
_SPACE = re.compile(r"[\s\u3000\xa0]+")
PART_LINKS = {"", "、", "兼"}
TITLE_LINKS = PART_LINKS | {"和", "及"}   # two titles of one name: 驻村第一书记和工作队队长
NAME_LINKS = {"", "、", "和", "及", "以及"}
BACK_LINKS = {"", "、"}
COMMAS = {"，", ","}
# 县委常委、副县长、临港产业园[管委会主任]邓宇 with the prefix of the last title left untagged
_UNTAGGED_PREFIX = re.compile(r"^、[\u4e00-\u9fff]{1,10}$")
# 陈东任开发区管委会主任, 以张明为组长, 何永吉博士挂职于示范区管委会副主任
# 利用其担任…职务之便 (a discipline report), 还是…的执行会长 (the copula before an org's title)
_PREDICATE = re.compile(r"^(?:博士|教授|同志|先生|女士)?(?:还|也|曾|已|现)?(?:利用(?:其|自己|他|她|职务)?)?"
                        r"(?:挂职于|挂职|现任|担任|兼任|出任|升任|调任|当选为|当选|任|为|是)$")
# A staff word, which is no position (GUIDELINES §3): 县城管局干部某某, 某律师事务所律师某某, 某公司职工某某.
STAFF_WORDS = frozenset({"干部", "职工", "员工", "民警", "警官", "律师", "主持人", "工作人员", "工作员", "党员",
                         "教师", "老师", "医生", "专家", "代表", "负责人"})
# a reporter credit is a byline (SCHEMA: bylines are never OFFICIAL)
_CREDIT = re.compile(r"(?:记者|通讯员|编辑|摄影|摄像|撰稿)$")

S_BEFORE, S_ORG, S_AFTER, S_ORDER, S_LOOSE = 0.95, 0.9, 0.8, 0.75, 0.7


def _gap(text: str, a: Mention, b: Mention) -> tuple[str, bool]:
    """The gap between two mentions without whitespace, and whether nothing at all is written there."""
    raw = text[a.cend:b.cstart]
    return _SPACE.sub("", raw), raw == ""


def _entity_score(m: Mention) -> float:
    """The tagger's confidence in a mention (1 for gold or hand-placed entities without one)."""
    score = m.entity.score
    return 1.0 if score is None else max(0.0, min(1.0, float(score)))


def _is_name(m: Mention) -> bool:
    return m.entity.label == "OFFICIAL"


def _links(text: str, a: Mention, b: Mention) -> bool:
    gap, _ = _gap(text, a, b)
    if b.cstart < a.cend or (a.entity.label in ORG_LABELS and "\n" in text[a.cend:b.cstart]):
        return False   # an org is written directly before its title or name, never across a line break
    if _is_name(a):
        return gap in (NAME_LINKS if _is_name(b) else BACK_LINKS)
    if _is_name(b):
        return gap == "" or (a.entity.label in ORG_LABELS and gap in STAFF_WORDS)
    if b.entity.label == "TITLE":
        return gap in (TITLE_LINKS if a.entity.label == "TITLE" else PART_LINKS) or bool(_UNTAGGED_PREFIX.match(gap))
    return gap in PART_LINKS


def chains(inp: LinkInput) -> list[list[Mention]]:
    """Runs of title-phrase mentions joined by the links of a title phrase."""
    text = inp.clean.text
    out: list[list[Mention]] = []
    for m in inp.mentions:
        if m.entity.label not in PART_LABELS and not _is_name(m):
            out.append([])
            continue
        if out and out[-1] and _links(text, out[-1][-1], m):
            out[-1].append(m)
        else:
            out.append([m])
    return [c for c in out if c]


@dataclass
class _Unit:
    """Title parts written together (ZONE 党工委书记, COMPANY 董事长兼总经理, or orgs alone)."""

    parts: list[Mention]

    @property
    def titles(self) -> list[Mention]:
        return [m for m in self.parts if m.entity.label == "TITLE" and not _CREDIT.search(m.entity.text)]

    @property
    def orgs(self) -> list[Mention]:
        return [m for m in self.parts if m.entity.label in ORG_LABELS]

    @property
    def credit(self) -> bool:
        return any(m.entity.label == "TITLE" and _CREDIT.search(m.entity.text) for m in self.parts)


@dataclass
class _Run:
    """Names joined by 、/和/及 and the units (with their scores) written before and after them."""

    names: list[Mention]
    forward: list[tuple[_Unit, float]] = field(default_factory=list)
    back: list[tuple[_Unit, float]] = field(default_factory=list)


def _units(text: str, block: list[Mention]) -> list[_Unit]:
    """Cut a block at 、 into units; join org units listed before an org-and-title unit."""
    units = [_Unit([block[0]])]
    for a, b in pairwise(block):
        gap, _ = _gap(text, a, b)
        if gap.startswith("、") or gap in ("和", "及"):
            units.append(_Unit([b]))
        else:
            units[-1].parts.append(b)
    merged: list[_Unit] = []
    pending: list[Mention] = []   # org-only units waiting for an org-and-title unit
    for u in units:
        if not u.titles and not u.credit:
            pending += u.parts
            continue
        if pending and u.parts[0].entity.label in ORG_LABELS:
            u.parts = pending + u.parts
        pending = []
        merged.append(u)
    if pending:   # org units at the end of the block: an affiliation written before the name
        merged.append(_Unit(pending))
    return merged


def _predicate_after(text: str, mentions: list[Mention], k: int) -> re.Match[str] | None:
    """The predicate written after the name ``mentions[k]`` (陈东任…, 以张明为…), if any."""
    if not _is_name(mentions[k]) or k + 1 >= len(mentions):
        return None
    return _PREDICATE.match(text[mentions[k].cend:mentions[k + 1].cstart])


# between two titles of one predicate: 任[甲]、[乙]（兼）, 任[甲]和[乙]
_BETWEEN_PREDICATE_TITLES = re.compile(r"^(?:[(（]兼[)）])?(?:、|和|及|，|,)$")


def _predicate_units(text: str, mentions: list[Mention], j: int, after_wei: bool) -> list[tuple[list[Mention], Mention]]:
    """The (orgs, TITLE) units of a predicate that starts at ``mentions[j]``: 陈东任[开发区管委会主任];
    某某是[某公司]的[负责人]; 某某任[甲]、[乙]，[丙]（兼） — titles listed with 、/和/及, or after a
    comma when the title there is not written before a name of its own (…主任，副主任李四 is李四's).
    Orgs are only taken when the predicate is not 为, which also means "for"."""
    units: list[tuple[list[Mention], Mention]] = []
    while j < len(mentions):
        orgs: list[Mention] = []
        while not after_wei and j + 1 < len(mentions) and mentions[j].entity.label in ORG_LABELS \
                and text[mentions[j].cend:mentions[j + 1].cstart] in ("", "的"):
            orgs.append(mentions[j])
            j += 1
        title = mentions[j]
        if title.entity.label != "TITLE" or _CREDIT.search(title.entity.text):
            break
        nxt = mentions[j + 1] if j + 1 < len(mentions) else None
        if units and nxt is not None and _is_name(nxt) and text[title.cend:nxt.cstart] == "":
            break   # the title of the next name
        units.append((orgs, title))
        if nxt is None or not _BETWEEN_PREDICATE_TITLES.match(_SPACE.sub("", text[title.cend:nxt.cstart])):
            break
        j += 1
    return units


class RelationFinder:
    """The relations of one document's mentions (cleaned offsets) by the grammar above."""

    def __call__(self, inp: LinkInput) -> list[Relation]:
        text = inp.clean.text
        out: list[Relation] = []
        seen: set[tuple[str, str, str]] = set()

        def add(kind: str, official: Mention, other: Mention, score: float) -> None:
            key = (kind, official.entity.id, other.entity.id)
            if key not in seen:
                seen.add(key)
                sure = min(_entity_score(official), _entity_score(other))
                out.append(Relation(kind, official.entity.id, other.entity.id, round(score * sure, 4)))

        def give(person: Mention, unit: _Unit, score: float, names: int = 1) -> None:
            if unit.credit:
                return
            for t in unit.titles:
                add("HOLDS_TITLE", person, t, score)
            orgs = unit.orgs
            if len(orgs) > 1 and names > 1:
                return   # 甲、乙公司负责人张某、李某: the pairing is unstated (GUIDELINES §10.13)
            for o in orgs:
                add("MEMBER_OF", person, o, min(score, S_ORG))

        position = {id(m): k for k, m in enumerate(inp.mentions)}
        dangling: list[_Unit] = []    # title units of a name-less chain, for the chain after a comma
        prev_end: Mention | None = None
        for chain in chains(inp):
            head = dangling if prev_end is not None and _SPACE.sub("", text[prev_end.cend:chain[0].cstart]) in COMMAS \
                and not _is_name(chain[0]) else []
            dangling = []
            prev_end = chain[-1]
            runs, leading = self._parse(text, chain)
            if not runs:
                k = position[id(chain[0])]
                if k == 0 or _predicate_after(text, inp.mentions, k - 1) is None:   # not 陈东任[…主任]
                    dangling = [u for u in leading if u.titles]
                continue
            for u in head:
                runs[0].forward.append((u, S_LOOSE))
            for run in runs:
                titled = any(u.titles for u, _ in run.forward)
                shared = run.names[:-1] if titled and run.back and len(run.names) > 1 else run.names
                for unit, score in run.forward:
                    for person in shared:
                        give(person, unit, score, len(shared))
                owners = run.names[-1:] if titled else run.names
                for unit, score in run.back:
                    for person in owners:
                        give(person, unit, score)
        mentions = inp.mentions
        for k, person in enumerate(mentions[:-1]):
            predicate = _predicate_after(text, mentions, k)
            if predicate is None:
                continue
            for orgs, title in _predicate_units(text, mentions, k + 1, predicate.group().endswith("为")):
                add("HOLDS_TITLE", person, title, S_LOOSE)
                for o in orgs:
                    add("MEMBER_OF", person, o, S_LOOSE)
        return out

    @staticmethod
    def _parse(text: str, chain: list[Mention]) -> tuple[list[_Run], list[_Unit]]:
        """Split a chain into runs of names with the units each run gets (forward and back)."""
        pieces: list[tuple[bool, list[Mention]]] = []   # (is a run of names, mentions)
        for m in chain:
            if pieces and pieces[-1][0] == _is_name(m):
                pieces[-1][1].append(m)
            else:
                pieces.append((_is_name(m), [m]))
        runs: list[_Run] = [_Run(p[1]) for p in pieces if p[0]]
        if not runs:
            return [], _units(text, pieces[0][1])
        forward_order = not pieces[0][0]
        k = -1  # index of the run before the current block
        for is_run, items in pieces:
            if is_run:
                k += 1
                continue
            units = _units(text, items)
            before = runs[k] if k >= 0 else None
            after = runs[k + 1] if k + 1 < len(runs) else None
            tight_before = before is not None and _gap(text, before.names[-1], items[0])[1]
            tight_after = after is not None and _gap(text, items[-1], after.names[0])[1]
            for i, unit in enumerate(units):
                org_only = not unit.titles and not unit.credit
                if after is None:   # titles after the last name: the first written against it, with no 、
                    if org_only or _gap(text, before.names[-1], items[0])[0]:
                        break
                    before.back.append((unit, S_AFTER if tight_before and i == 0 else S_ORDER))
                    continue
                if before is None:
                    if not org_only or unit.parts[-1] is items[-1]:
                        after.forward.append((unit, S_BEFORE))
                    continue
                if org_only:
                    if unit.parts[-1] is items[-1]:
                        after.forward.append((unit, S_BEFORE))
                    continue
                if i == 0 and tight_before and (len(units) > 1 or not tight_after):
                    before.back.append((unit, S_AFTER))
                elif i == 0 and len(units) == 1 and tight_before == tight_after and not forward_order:
                    before.back.append((unit, S_ORDER))
                else:
                    after.forward.append((unit, S_BEFORE if tight_after or forward_order else S_ORDER))
        return runs, []
