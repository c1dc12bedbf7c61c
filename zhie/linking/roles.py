"""Rule-based argument candidates for one trigger: entities of the trigger's sentence and
plain spans (a place after 赴/到/来到, an agreement name inside 《》, a meeting name, a group
such as 考察团, an unnamed body such as 开发区党工委).

Each candidate records the rule that proposed it; the rule is the evidence behind the
argument's score (events.py: the rule's confidence, averaged with the learned scorer's
probability for the role).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import Mention
from .lexicon import (ALONG_CUES, ATTEND_CUES, BODY_SPANS, CHAIR_CUES, COMPANION_CUES, GROUP_MODIFIERS, MEETING,
                      PLACE_PREPS, PLACE_STOPS, SIGN, VISIT, VISITOR_GROUPS, WITNESS_CUES)
from .lexicon import CEREMONY_ATTENDANCE
from .sentence import ORG_LABELS, SentenceView
from .triggers import TriggerHit

TARGET_LABELS = {"ZONE", "COMPANY", "ORG", "PROJECT"}
_PLACE_SUFFIX = re.compile(r"^[\u4e00-\u9fff]{1,12}[省市县区州镇乡村旗]$")
_GENERIC_PLACES = {"开发区", "园区", "经开区", "示范区", "高新区", "全区", "该区", "我区", "本区", "区", "全市", "全省",
                   "全县", "省外", "市外", "县区", "城区", "厂区", "社区", "景区", "片区", "现场"}
_NOT_PREP_BEFORE = {"到": set("得受达做遇直感看想提收找见听说来回"),
                    "来": set("以未带原后近迎引从本起过上下出进回将看想本"),
                    "在": set("正存现实内所好")}
_ANGLE = re.compile(r"《([^《》]{1,60})》")


@dataclass
class ArgCandidate:
    role: str
    start: int                 # cleaned offsets
    end: int
    mention: Mention | None    # the entity, or None for a plain span
    rule: str                  # the rule that proposed it (evidence for the score)


def _ent(role: str, m: Mention, rule: str) -> ArgCandidate:
    return ArgCandidate(role, m.cstart, m.cend, m, rule)


def _span(role: str, s: int, e: int, rule: str) -> ArgCandidate:
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
    """The nearest DATE before the trigger in its segment, else in the sentence."""
    ss, _ = sv.segment(hit.start)
    before = [m for m in sv.between(sv.start, hit.start, {"DATE"}) if not _in_angle(sv, m)]
    same = [m for m in before if m.cstart >= ss]
    if same:
        return _ent("date", same[-1], "date:segment")
    if before:
        return _ent("date", before[-1], "date:sentence")
    return None


def _in_angle(sv: SentenceView, m: Mention) -> bool:
    left = sv.full[sv.start:m.cstart]
    return left.rfind("《") > left.rfind("》")


def _preceded_by(sv: SentenceView, pos: int, words: tuple[str, ...]) -> str | None:
    for w in words:
        if sv.full.endswith(w, sv.start, pos):
            return w
    return None


def _title_phrase_org(sv: SentenceView, m: Mention) -> bool:
    """An organisation written directly before a title or a name (…公司总经理孟庆丰)."""
    nxt = [x for x in sv.mentions if x.cstart == m.cend]
    return bool(nxt) and nxt[0].entity.label in {"TITLE", "OFFICIAL"}


def _located(sv: SentenceView, m: Mention) -> bool:
    """``在X``: the organisation is where something happens."""
    return _preceded_by(sv, m.cstart, ("在",)) is not None


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


def _kicker_default(sv: SentenceView, role: str, have: list[ArgCandidate]) -> list[ArgCandidate]:
    """In a headline, the zone of the kicker line takes the role when nothing else does."""
    k = sv.kicker()
    if k is None or any(c.mention is k for c in have):
        return []
    return [_ent(role, k, "kicker")]


# -- SIGN_CONTRACT ---------------------------------------------------------------------------
def sign_arguments(sv: SentenceView, hit: TriggerHit, hits: list[TriggerHit]) -> list[ArgCandidate]:
    out: list[ArgCandidate] = []
    cs, _ = sv.clause(hit.start)
    ss, se = sv.segment(hit.start)
    nxt = [h.start for h in hits if h.type == SIGN and h.start > hit.start and h.start < se]
    after_end = nxt[0] if nxt else se
    # parties: organisations of the trigger clause, before the trigger, not a place (在X签署)
    for m in sv.between(cs, hit.start, ORG_LABELS):
        if _located(sv, m) and "与" not in sv.full[m.cend:hit.start]:
            continue
        out.append(_ent("party", m, "party:clause+title" if _title_phrase_org(sv, m) else "party:clause"))
    if sv.is_headline():
        out += _kicker_default(sv, "party", out)
    # amount, project, agreement after the trigger (a headline may put them before it)
    lo = cs if sv.is_headline() else hit.end
    for m in sv.between(lo, after_end, {"AMOUNT"}):
        if m.entity.text.endswith("元"):
            out.append(_ent("amount", m, "amount:after" if m.cstart >= hit.end else "amount:headline"))
    for m in sv.between(cs, after_end, {"PROJECT"}):
        out.append(_ent("project", m, "project:after" if m.cstart >= hit.end else "project:before"))
    for a in _ANGLE.finditer(sv.full, hit.end, after_end):
        out.append(_span("agreement", a.start(1), a.end(1), "agreement:angle"))
    # at a ceremony mention the officials of the sentence attend it: witnesses (SCHEMA: 出席签约仪式,
    # 签约仪式上，X表示); elsewhere who 见证s
    if hit.reason == "ceremony":
        for m in people_of(sv, WITNESS_CUES + CEREMONY_ATTENDANCE + ("表示",)):
            out.append(_ent("witness", m, "witness:cue"))
    else:
        for m in people_of(sv, WITNESS_CUES):
            out.append(_ent("witness", m, "witness:cue"))
    d = date_of(sv, hit)
    if d:
        out.append(d)
    return out


# -- VISIT_INSPECT ---------------------------------------------------------------------------
def _place_after(sv: SentenceView, p_end: int, stop: int, trigger: int) -> tuple[list[Mention], list[tuple[int, int]]]:
    """Entities (a list joined by 、/和) or plain place spans right after a preposition."""
    ents: list[Mention] = []
    pos = p_end
    while True:
        m = next((x for x in sv.mentions if x.cstart == pos and x.entity.label in TARGET_LABELS), None)
        if m is None:
            break
        ents.append(m)
        pos = m.cend
        # joiner, or a trailing non-entity noun then a joiner (A、B建设现场 / A、B的16个重点项目)
        j = pos
        while j < stop and sv.full[j] in "、和及" and sv.mention_at(j) is None:
            j += 1
        if j == pos:
            break
        pos = j
    if ents:
        return ents, []
    # plain span up to the trigger, a stop word or punctuation
    e = p_end
    while e < stop and sv.full[e] not in "，,。；;：:" and not any(sv.full.startswith(w, e) for w in PLACE_STOPS):
        e += 1
    text = sv.full[p_end:e]
    if not text or len(text) > 16 or sv.covered(p_end, e):
        return [], []
    spans: list[tuple[int, int]] = []
    pos = p_end
    direct = e == trigger  # the place is followed directly by the trigger (来晋城考察)
    for item in re.split(r"[、和]", text):
        s = pos
        pos += len(item) + 1
        if item in _GENERIC_PLACES or len(item) < 2:
            return [], []
        if _PLACE_SUFFIX.match(item) or (direct and len(item) <= 3) or \
                (len(item) <= 3 and any(sv.full.startswith(w, e) for w in ("开展", "进行"))):
            spans.append((s, s + len(item)))
        else:
            return [], []
    return [], spans


def _places_before(sv: SentenceView, lo: int, hi: int) -> tuple[list[ArgCandidate], list[ArgCandidate]]:
    """(movement places, 在-places) between ``lo`` and the trigger at ``hi``; nearest preposition wins."""
    moves: list[ArgCandidate] = []
    settings: list[ArgCandidate] = []
    for pos in sorted(cue_positions(sv, PLACE_PREPS, lo, hi), reverse=True):
        word = next(w for w in PLACE_PREPS if sv.full.startswith(w, pos))
        if sv.mention_at(pos) is not None:
            continue
        if pos > sv.start and sv.full[pos - 1] in _NOT_PREP_BEFORE.get(word, set()):
            continue
        if word == "来" and sv.full.startswith("来自", pos):
            continue
        if word in ("到", "来") and pos > sv.start and sv.full[pos - 1] in "来走":
            continue  # part of 来到/走到
        p_end = pos + len(word)
        stop = min(hi, sv.clause(p_end)[1])
        ents, spans = _place_after(sv, p_end, stop, hi)
        if word == "在":
            if ents and not settings and not moves:
                settings = [_ent("target", m, "target:at") for m in ents]
            continue
        if ents or spans:
            if not moves:
                moves = [_ent("target", m, "target:to") for m in ents] + \
                        [_span("target", s, e, "target:to-span") for s, e in spans]
    return moves, settings


def _objects_after(sv: SentenceView, hit: TriggerHit, stop: int) -> list[ArgCandidate]:
    """Targets written as the object of the trigger: 走访了A、B, 视察临汾经济开发区营商环境."""
    _, ce = sv.clause(hit.end)
    ce = min(ce, stop)
    ents = sv.between(hit.end, ce, TARGET_LABELS)
    out = [_ent("target", m, "target:object") for m in ents]
    if ents:
        # plain-span siblings in the same list (察看了开发区政务服务中心、临汾经开区企业服务驿站)
        start = hit.end + (1 if sv.full.startswith("了", hit.end) else 0)
        pos = start
        for item in re.split(r"[、]", sv.full[start:ce]):
            s, e = pos, pos + len(item)
            pos = e + 1
            if item and not sv.covered(s, e) and 2 <= len(item) <= 14 and re.search(r"(中心|园|基地|站|馆|厂)$", item):
                out.append(_span("target", s, e, "target:object-span"))
    return out


def _object_span(sv: SentenceView, hit: TriggerHit, stop: int) -> list[ArgCandidate]:
    """With no other target: a facility written as the object (查看了谷子新品种示范田)."""
    start = hit.end + (1 if sv.full.startswith("了", hit.end) else 0)
    _, ce = sv.clause(start)
    ce = min(ce, stop)
    text = sv.full[start:ce]
    m = re.match(r"^([\u4e00-\u9fff]{2,12}?(?:示范田|中心|基地|产业园|园区|展厅|站址|工地))", text)
    if m and not sv.covered(start, start + m.end(1)):
        return [_span("target", start, start + m.end(1), "target:object-facility")]
    return []


def _group_spans(sv: SentenceView, lo: int, hi: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for g in sorted(VISITOR_GROUPS, key=len, reverse=True):
        pos = sv.full.find(g, lo, hi)
        while pos >= 0:
            e = pos + len(g)
            if not sv.covered(pos, e) and not any(s < e and pos < ee for s, ee in out):
                s = pos
                for mod in GROUP_MODIFIERS:
                    if sv.full.endswith(mod, lo, s) and not sv.covered(s - len(mod), s):
                        s -= len(mod)
                        break
                city = re.search(r"[\u4e00-\u9fff]{2}[省市县]$", sv.full[lo:s])
                if city and s != pos and not sv.covered(s - 3, s):
                    s -= 3
                out.append((s, e))
            pos = sv.full.find(g, pos + 1, hi)
    return sorted(out)


def _has_visitor(sv: SentenceView, start: int, end: int) -> bool:
    if sv.between(start, end, {"OFFICIAL"}) or _group_spans(sv, start, end):
        return True
    return any(not _title_phrase_org(sv, m) and not _preceded_by(sv, m.cstart, PLACE_PREPS)
               for m in sv.between(start, end, {"ORG"}))


def visit_arguments(sv: SentenceView, hit: TriggerHit, hits: list[TriggerHit]) -> list[ArgCandidate]:
    out: list[ArgCandidate] = []
    ss, se = sv.segment(hit.start)
    visits = [h for h in hits if h.type == VISIT and ss <= h.start < se]
    later = [h.start for h in visits if h.start > hit.start]
    earlier = [h.end for h in visits if h.start < hit.start]
    stop = later[0] if later else se
    # companions: the person list before 陪同; the 陪同 belongs to the trigger right after it,
    # else to the last trigger before it
    companions: list[Mention] = []
    for pos in cue_positions(sv, COMPANION_CUES, ss, se):
        after = [h for h in visits if h.start >= pos + 2 and h.start <= pos + 3]
        before = [h for h in visits if h.end <= pos]
        owner = after[0] if after else (before[-1] if before else None)
        if owner is hit:
            companions += [m for m in sv.people_before(pos) if m not in companions]
    out += [_ent("companion", m, "companion:cue") for m in companions]
    if _preceded_by(sv, hit.start, COMPANION_CUES):
        return out  # 陪同考察: the mention of the people who accompany; visitor and place are elsewhere
    along = people_of(sv, ALONG_CUES, ss, se) + people_of(sv, WITNESS_CUES, ss, se)
    all_companions = people_of(sv, COMPANION_CUES, ss, se)
    # visitors: officials and organisations before the trigger in its clause, else in its segment
    cs, _ = sv.clause(hit.start)
    lo_visit = cs if _has_visitor(sv, cs, hit.start) else ss
    for m in sv.between(lo_visit, hit.start, {"OFFICIAL", "ORG"}):
        if m in all_companions or m in along:
            continue
        if m.entity.label == "ORG":
            if _title_phrase_org(sv, m) or _preceded_by(sv, m.cstart, PLACE_PREPS):
                continue
            out.append(_ent("visitor", m, "visitor:org"))
        else:
            out.append(_ent("visitor", m, "visitor:before"))
    # targets
    objects = _objects_after(sv, hit, stop)
    lo = earlier[-1] if earlier else ss
    moves, settings = _places_before(sv, lo, hit.start)
    visitors = {c.mention.entity.id for c in out if c.mention is not None and c.role == "visitor"}
    targets = objects + [c for c in moves if c.mention is None or c.mention.entity.id not in visitors]
    if not objects and not moves:
        targets += settings
    if not targets and sv.is_headline():
        targets += _kicker_default(sv, "target", out)
    if not targets:
        targets += _object_span(sv, hit, stop)
    if not targets and sv.full.startswith("活动", hit.end):
        return []  # 开展…观摩活动 with no place visited: a programme, not a visit
    out += targets
    target_ids = {c.mention.entity.id for c in targets if c.mention is not None}
    out = [c for c in out if not (c.role == "visitor" and c.mention is not None and c.mention.entity.id in target_ids)]
    d = date_of(sv, hit)
    if d:
        out.append(d)
    return out


# -- MEETING ---------------------------------------------------------------------------------
def meeting_arguments(sv: SentenceView, hit: TriggerHit, hits: list[TriggerHit]) -> list[ArgCandidate]:
    out: list[ArgCandidate] = []
    cs, _ = sv.clause(hit.start)
    ss, se = sv.segment(hit.start)
    word = sv.full[hit.start:hit.end]
    if hit.name is not None:
        out.append(_span("name", hit.name[0], hit.name[1], "name:" + hit.reason))
    if word != "主持" and word != "座谈":
        name_start = hit.name[0] if hit.name and hit.name[1] <= hit.start else None
        for m in sv.between(cs, hit.start, ORG_LABELS):
            if name_start is not None and m.cstart >= name_start:
                if m.cstart == name_start:
                    out.append(_ent("organizer", m, "organizer:name-start"))
                continue
            if _located(sv, m) or _title_phrase_org(sv, m):
                continue
            out.append(_ent("organizer", m, "organizer:clause"))
        for s, e in body_spans(sv, cs, hit.start):
            if name_start is None or s < name_start:
                out.append(_span("organizer", s, e, "organizer:body"))
        if sv.is_headline():
            out += _kicker_default(sv, "organizer", [c for c in out if c.role == "organizer"])
    chairs = people_of(sv, CHAIR_CUES, ss, se)
    if word.startswith("主持"):
        chairs += [m for m in sv.people_before(hit.start) if m not in chairs]
    out += [_ent("chair", m, "chair:cue") for m in chairs]
    attendees = people_of(sv, ATTEND_CUES, ss, se)
    for m in sv.between(ss, se, {"OFFICIAL"}):
        if m in chairs:
            continue
        out.append(_ent("attendee", m, "attendee:cue" if m in attendees else "attendee:sentence"))
    d = date_of(sv, hit)
    if d is None and hit.name is not None:
        inside = sv.between(hit.name[0], hit.name[1], {"DATE"})
        if inside:
            d = _ent("date", inside[0], "date:in-name")
    if d:
        out.append(d)
    return out


ASSIGNERS = {SIGN: sign_arguments, VISIT: visit_arguments, MEETING: meeting_arguments}


def candidates(sv: SentenceView, hit: TriggerHit, hits: list[TriggerHit]) -> list[ArgCandidate]:
    """Candidates of one trigger, one per (role, span); an entity keeps its first role."""
    seen: set[tuple[int, int]] = set()
    out: list[ArgCandidate] = []
    for c in ASSIGNERS[hit.type](sv, hit, hits):
        if (c.start, c.end) in seen:
            continue
        seen.add((c.start, c.end))
        out.append(c)
    return out
