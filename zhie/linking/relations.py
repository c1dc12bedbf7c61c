"""HOLDS_TITLE and MEMBER_OF from title phrases.

A title phrase is a run of mentions joined only by 、 or nothing, such as
``忻州经济开发区 党工委书记 、 管委会主任 袁文斌`` or
``党工委委员 、 管委会副主任 田磊 、 林北红``.  Every title (and every ZONE/COMPANY/ORG
written directly before a title) that precedes a run of officials belongs to each
official of that run; a title written directly after a name belongs to that name.

Also (GUIDELINES.md §3): an organisation written directly before a name with no position
word is the person's affiliation (市住房和城乡建设局王爱明 → MEMBER_OF), and a title stated
as the predicate of the name (何永吉博士挂职于示范区管委会副主任) is held by that name.
"""
from __future__ import annotations

import re

from ..schema import Relation
from . import LinkInput, Mention

JOINERS = {"", "、", " ", "\u3000"}
ORG_LABELS = {"ZONE", "COMPANY", "ORG"}
# 何永吉博士挂职于示范区管委会副主任, 张三任管委会主任, 李四兼任…
_PREDICATE = re.compile(r"^(?:博士|教授|同志)?(?:挂职于|挂职|现任|担任|兼任|出任|任)$")


def _groups(inp: LinkInput) -> list[list[Mention]]:
    text = inp.clean.text
    groups: list[list[Mention]] = []
    for m in inp.mentions:
        if groups and text[groups[-1][-1].cend:m.cstart] in JOINERS:
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


class RelationFinder:
    def __call__(self, inp: LinkInput) -> list[Relation]:
        text = inp.clean.text
        out: list[Relation] = []
        seen: set[tuple[str, str, str]] = set()

        def add(kind: str, official: Mention, other: Mention, score: float) -> None:
            key = (kind, official.entity.id, other.entity.id)
            if key not in seen:
                seen.add(key)
                out.append(Relation(kind, official.entity.id, other.entity.id, score))

        for group in _groups(inp):
            titles: list[Mention] = []
            orgs: list[Mention] = []
            i = 0
            while i < len(group):
                m = group[i]
                label = m.entity.label
                nxt = group[i + 1] if i + 1 < len(group) else None
                if label == "TITLE":
                    titles.append(m)
                elif label in ORG_LABELS:
                    if nxt is not None and nxt.entity.label in ("TITLE", "OFFICIAL") and nxt.cstart == m.cend:
                        orgs.append(m)  # 大金重工公司副总裁…, 市住房和城乡建设局王爱明
                    else:
                        titles, orgs = [], []
                elif label == "OFFICIAL":
                    run = [m]
                    while i + 1 < len(group) and group[i + 1].entity.label == "OFFICIAL":
                        i += 1
                        run.append(group[i])
                    for person in run:
                        for t in titles:
                            add("HOLDS_TITLE", person, t, 0.95)
                        for o in orgs:
                            add("MEMBER_OF", person, o, 0.9)
                    last = run[-1]
                    after = group[i + 1] if i + 1 < len(group) else None
                    if not titles and after is not None and after.entity.label == "TITLE" \
                            and after.cstart == last.cend and not any(
                                g.entity.label == "OFFICIAL" for g in group[i + 2:]):
                        add("HOLDS_TITLE", last, after, 0.8)
                    titles, orgs = [], []
                else:
                    titles, orgs = [], []
                i += 1
        mentions = inp.mentions
        for person, nxt in zip(mentions, mentions[1:]):
            if person.entity.label == "OFFICIAL" and nxt.entity.label == "TITLE" \
                    and _PREDICATE.match(text[person.cend:nxt.cstart]):
                add("HOLDS_TITLE", person, nxt, 0.7)
        return out
