"""Arguments of a SIGN_CONTRACT mention: parties, witnesses, agreements, amounts, projects, date."""
from __future__ import annotations

import re

from .. import Mention
from ..lexicon import CEREMONY_ATTENDANCE, PLAN_MARKERS, SIGN, WITNESS_CUES
from ..sentence import ORG_LABELS, SentenceView
from ..triggers import TriggerHit
from .common import (ArgCandidate, cue_positions, date_of, ent, kicker_default, located, people_of, span,
                     title_phrase_org)


_ANGLE = re.compile(r"《([^《》]{1,60})》")

# The object of a signing verb that names an agreement (签订了合作协议, 签署产能协议和…投资协议).
_AGREEMENT_END = re.compile(r"协议书|协议|备忘录|合同书|合同|意向书|意向")
# Between an organisation of an attending list and its cue (…局有关领导、百余名客商出席).
_ATTENDING_GAP = re.compile(r"^(?:[、和及与\s]|以及|等|有关|相关|部分|领导|同志|负责人|代表|嘉宾|客商|[0-9０-９]+|[余多名位家])*$")
_SUBJECT_LEAD = re.compile(r"^(?:此外|另外|同时|其中|会上|仪式上|活动中|随后|当天|当日|现场)?$")


def _agreement_objects(sv: SentenceView, start: int, stop: int) -> list[tuple[int, int]]:
    """Agreement names written as the object of the trigger, up to the clause end; one per 和/、 item.

    A quoted entity that opens the object (签订了“某某园项目”投资协议) is left out of the span; an
    unquoted one is part of the agreement's name (签订某某项目协议)."""
    pos = start + (1 if sv.full.startswith("了", start) else 0)
    _, ce = sv.clause(pos)
    ce = min(ce, stop)
    out: list[tuple[int, int]] = []
    for m in _AGREEMENT_END.finditer(sv.full, pos, ce):
        s = pos
        inner = [x for x in sv.mentions if s <= x.cstart < m.end()]
        if inner:
            last = inner[-1]
            if last.cend > m.start():     # the agreement word is inside an entity
                continue
            if sv.full[last.cend:last.cend + 1] in ("”", "\"") or sv.full[last.cstart - 1:last.cstart] in ("“", "\""):
                s = last.cend             # a quoted project that the agreement is about stays out
        while s < m.start() and sv.full[s] in "“”\"的":
            s += 1
        text = sv.full[s:m.end()]
        if 2 <= len(text) <= 30 and not re.search(r"[，,。；;：:、和及与]", text[:-2] or "x") and \
                not text.startswith(("的", "了")) and re.search(r"[\u4e00-\u9fff]", text[:-2] or text):
            out.append((s, m.end()))
        pos = m.end()
        while pos < ce and sv.full[pos] in "、和及与":
            pos += 1
        if pos == m.end():
            break
    return out


def _with_pos(sv: SentenceView, cs: int, end: int) -> int:
    """Where the 与/同 of a ``X与Y签订`` clause stands (``end`` if it has none)."""
    for pos in range(cs, end):
        if sv.full[pos] in "与同" and sv.mention_at(pos) is None:
            return pos
    return end


def _clause_subject(sv: SentenceView, ss: int, cs: int) -> Mention | None:
    """For a clause that opens with its 与 (…，与B签订…): the organisation that opens an earlier
    clause of the segment, the subject the clause shares."""
    pos = cs
    while pos > ss:
        ps, _ = sv.clause(pos - 1)
        orgs = sv.between(ps, pos - 1, ORG_LABELS)
        if orgs and _SUBJECT_LEAD.match(sv.full[ps:orgs[0].cstart].strip()) and not title_phrase_org(sv, orgs[0]):
            if any(w in sv.full[orgs[0].cend:cs] for w in PLAN_MARKERS):
                return None   # …将齐聚…，与B签订: a plan of the subject, not a signing
            return orgs[0]
        pos = ps
    return None


def _in_setting(sv: SentenceView, cs: int, m: Mention, hit_start: int) -> bool:
    """An organisation inside an ``在…上`` setting (在…推介会上与B签订): where, not who."""
    at = sv.full.rfind("在", cs, m.cstart)
    if at < 0 or "与" in sv.full[at:m.cstart]:
        return False
    return bool(re.search(r"[上中](?:与|同|，|,)", sv.full[m.cend:hit_start]))


def _attending(sv: SentenceView, m: Mention, end: int) -> bool:
    """An organisation of the list of those who attend (…等领导、…局有关领导出席签约仪式): no party."""
    if title_phrase_org(sv, m):
        return True
    cues = cue_positions(sv, CEREMONY_ATTENDANCE, m.cend, end)
    return bool(cues) and bool(_ATTENDING_GAP.match(sv.residue(m.cend, cues[0])))


def _attending_event(sv: SentenceView) -> list[Mention]:
    """Officials who 出席/参加 the event itself (出席活动, 出席仪式)."""
    out: list[Mention] = []
    for pos in cue_positions(sv, ("出席", "参加")):
        if sv.full.startswith(("活动", "仪式"), pos + 2):
            out += [m for m in sv.people_before(pos) if m not in out]
    return out


def sign_arguments(sv: SentenceView, hit: TriggerHit, hits: list[TriggerHit]) -> list[ArgCandidate]:
    out: list[ArgCandidate] = []
    cs, _ = sv.clause(hit.start)
    ss, se = sv.segment(hit.start)
    nxt = [h.start for h in hits if h.type == SIGN and h.start > hit.start and h.start < se]
    after_end = nxt[0] if nxt else se
    # parties: organisations of the trigger clause, before the trigger, not a place (在X签署) nor a
    # setting (在…会上与B签订); at a ceremony mention not the organisations of the attending list
    ceremony = hit.reason == "ceremony"
    for m in sv.between(cs, hit.start, ORG_LABELS):
        if located(sv, m) and "与" not in sv.full[m.cend:hit.start]:
            continue
        if _in_setting(sv, cs, m, hit.start):
            continue
        if ceremony and _attending(sv, m, hit.start):
            continue
        out.append(ent("party", m, "party:clause+title" if title_phrase_org(sv, m) else "party:clause"))
    with_at = _with_pos(sv, cs, hit.start)
    if with_at < hit.start and not any(c.role == "party" and c.start < with_at for c in out):
        subject = _clause_subject(sv, ss, cs)    # …，与B签订: the subject of an earlier clause
        if subject is not None:
            out.append(ent("party", subject, "party:subject"))
    if sv.is_headline():
        out += kicker_default(sv, "party", out)
    # amount, project, agreement after the trigger (a headline may put them before it)
    lo = cs if sv.is_headline() else hit.end
    for m in sv.between(lo, after_end, {"AMOUNT"}):
        if m.entity.text.endswith("元"):
            out.append(ent("amount", m, "amount:after" if m.cstart >= hit.end else "amount:headline"))
    for m in sv.between(cs, after_end, {"PROJECT"}):
        out.append(ent("project", m, "project:after" if m.cstart >= hit.end else "project:before"))
    angles = list(_ANGLE.finditer(sv.full, hit.end, after_end))
    for a in angles:
        out.append(span("agreement", a.start(1), a.end(1), "agreement:angle"))
    if not angles and not ceremony:
        out += [span("agreement", s, e, "agreement:object") for s, e in _agreement_objects(sv, hit.end, after_end)]
    # at a ceremony mention the officials of the sentence attend it: witnesses (SCHEMA: 出席签约仪式,
    # 签约仪式上，X表示); elsewhere who 见证s
    if ceremony:
        for m in people_of(sv, WITNESS_CUES + CEREMONY_ATTENDANCE + ("表示",)):
            out.append(ent("witness", m, "witness:cue"))
    else:   # who 见证s, or who attends the event of the signing (出席活动, 出席仪式)
        for m in people_of(sv, WITNESS_CUES) + _attending_event(sv):
            if not any(c.mention is m for c in out):
                out.append(ent("witness", m, "witness:cue"))
    d = date_of(sv, hit)
    if d:
        out.append(d)
    return out
