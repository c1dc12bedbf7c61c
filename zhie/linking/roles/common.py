"""What the argument rules of every event type share: the candidate record, the person list
before a cue word, the date of an event, places written as plain text, organisations inside a
title phrase or a setting, the kicker line of a headline."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import Mention
from ..lexicon import BODY_SPANS
from ..sentence import SentenceView
from ..triggers import TriggerHit


TARGET_LABELS = {"ZONE", "COMPANY", "ORG", "PROJECT"}
GENERIC_PLACES = {"开发区", "园区", "经开区", "示范区", "高新区", "全区", "该区", "本区", "区", "全市", "全省",
                   "全县", "省外", "市外", "县区", "城区", "厂区", "社区", "景区", "片区", "现场"}
_DAY = re.compile(r"[日号]|[上下]午|晚")


@dataclass
class ArgCandidate:
    role: str
    start: int                 # cleaned offsets
    end: int
    mention: Mention | None    # the entity, or None for a plain span
    rule: str                  # the rule that proposed it (evidence for the score)


def ent(role: str, m: Mention, rule: str) -> ArgCandidate:
    return ArgCandidate(role, m.cstart, m.cend, m, rule)


def span(role: str, s: int, e: int, rule: str) -> ArgCandidate:
    return ArgCandidate(role, s, e, None, rule)


# -- shared pieces ---------------------------------------------------------------------------
def cue_positions(sv: SentenceView, cues: tuple[str, ...], start: int | None = None,
                  end: int | None = None) -> list[int]:
    start = sv.start if start is None else start
    end = sv.end if end is None else end
    out = []
    for cue in cues:
        pos = sv.full.find(cue, start, end)
        while pos >= 0:
            if sv.mention_at(pos) is None:
                out.append(pos)
            pos = sv.full.find(cue, pos + 1, end)
    return sorted(out)


def people_of(sv: SentenceView, cues: tuple[str, ...], start: int | None = None,
              end: int | None = None) -> list[Mention]:
    people: list[Mention] = []
    for pos in cue_positions(sv, cues, start, end):
        for m in sv.people_before(pos):
            if m not in people:
                people.append(m)
    return people


def date_of(sv: SentenceView, hit: TriggerHit) -> ArgCandidate | None:
    """The nearest DATE before the trigger in its segment, else in the sentence; a coarse date (a
    year, a season, a quarter: 某某季度签约仪式) gives way to a day written earlier in the sentence."""
    ss, _ = sv.segment(hit.start)
    before = [m for m in sv.between(sv.start, hit.start, {"DATE"}) if not in_angle(sv, m)]
    days = [m for m in before if _DAY.search(m.entity.text)]
    if before and not _DAY.search(before[-1].entity.text) and days:
        return ent("date", days[-1], "date:day")
    same = [m for m in before if m.cstart >= ss]
    if same:
        return ent("date", same[-1], "date:segment")
    if before:
        return ent("date", before[-1], "date:sentence")
    return None


def in_angle(sv: SentenceView, m: Mention) -> bool:
    left = sv.full[sv.start:m.cstart]
    return left.rfind("《") > left.rfind("》")


def preceded_by(sv: SentenceView, pos: int, words: tuple[str, ...]) -> str | None:
    for w in words:
        if sv.full.endswith(w, sv.start, pos):
            return w
    return None


def title_phrase_org(sv: SentenceView, m: Mention) -> bool:
    """An organisation written directly before a title or a name (…公司总经理孟庆丰)."""
    nxt = [x for x in sv.mentions if x.cstart == m.cend]
    return bool(nxt) and nxt[0].entity.label in {"TITLE", "OFFICIAL"}


def located(sv: SentenceView, m: Mention) -> bool:
    """``在X``: the organisation is where something happens."""
    return preceded_by(sv, m.cstart, ("在",)) is not None


def body_spans(sv: SentenceView, start: int, end: int) -> list[tuple[int, int]]:
    """Unnamed bodies (开发区党工委, 开发区机关党支部) not covered by an entity."""
    out: list[tuple[int, int]] = []
    for body in BODY_SPANS:
        pos = sv.full.find(body, start, end)
        while pos >= 0:
            e = pos + len(body)
            if not sv.covered(pos, e) and not any(s <= pos < ee for s, ee in out) and \
                    not (pos > start and sv.full[pos - 1] in "区委会部") and \
                    (e >= end or sv.full[e] not in "书主副委办"):
                out.append((pos, e))
            pos = sv.full.find(body, pos + 1, end)
    return sorted(out)


def kicker_default(sv: SentenceView, role: str, have: list[ArgCandidate]) -> list[ArgCandidate]:
    """In a headline, the zone of the kicker line takes the role when nothing else does."""
    k = sv.kicker()
    if k is None or any(c.mention is k for c in have):
        return []
    return [ent(role, k, "kicker")]


# A place written as plain text: 我市, or a name ending in its level (某某县, 某某自治区).
PLACE_ITEM = re.compile(r"(?![在由与和对向为从于第])(?:我[省市县区]|[\u4e00-\u9fff]{2,8}?(?:自治区|省|市|县|区|州|盟|旗))")
