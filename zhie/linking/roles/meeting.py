"""Arguments of a MEETING mention: name, organizers (entities, bodies, hosts, places), chair, attendees, date."""
from __future__ import annotations

import re

from ..lexicon import ATTEND_CUES, CHAIR_CUES
from ..sentence import ORG_LABELS, SentenceView
from ..triggers import TriggerHit
from .common import (GENERIC_PLACES, PLACE_ITEM, ArgCandidate, body_spans, date_of, ent, kicker_default, located,
                     people_of, span, title_phrase_org)


def meeting_arguments(sv: SentenceView, hit: TriggerHit, hits: list[TriggerHit]) -> list[ArgCandidate]:
    out: list[ArgCandidate] = []
    cs, _ = sv.clause(hit.start)
    ss, se = sv.segment(hit.start)
    word = sv.full[hit.start:hit.end]
    if hit.name is not None:
        out.append(span("name", hit.name[0], hit.name[1], "name:" + hit.reason))
    if word != "主持" and word != "座谈":
        name_start = hit.name[0] if hit.name and hit.name[1] <= hit.start else None
        for m in sv.between(cs, hit.start, ORG_LABELS):
            if name_start is not None and m.cstart >= name_start:
                if m.cstart == name_start:
                    out.append(ent("organizer", m, "organizer:name-start"))
                continue
            if located(sv, m) or title_phrase_org(sv, m):
                continue
            out.append(ent("organizer", m, "organizer:clause"))
        for s, e in body_spans(sv, cs, hit.start):
            if name_start is None or s < name_start:
                out.append(span("organizer", s, e, "organizer:body"))
        out += _place_organizers(sv, hit, cs, ss, out)
        if sv.is_headline():
            out += kicker_default(sv, "organizer", [c for c in out if c.role == "organizer"])
    chairs = people_of(sv, CHAIR_CUES, ss, se)
    if word.startswith("主持"):
        chairs += [m for m in sv.people_before(hit.start) if m not in chairs]
    out += [ent("chair", m, "chair:cue") for m in chairs]
    attendees = people_of(sv, ATTEND_CUES, ss, se)
    for m in sv.between(ss, se, {"OFFICIAL"}):
        if m in chairs:
            continue
        out.append(ent("attendee", m, "attendee:cue" if m in attendees else "attendee:sentence"))
    d = date_of(sv, hit)
    if d is None and hit.name is not None:
        inside = sv.between(hit.name[0], hit.name[1], {"DATE"})
        if inside:
            d = ent("date", inside[0], "date:in-name")
    if d:
        out.append(d)
    return out


_PLACE_PART = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:区|县|市|镇|旗)")   # the district after its city (某市某区)
_NOT_IN_PLACE = set("会议届次在于的")
_HOST_RE = re.compile(r"由([^，,。；;]{2,40}?)(?:联合|共同)?(?:主办|承办)")
_NOT_ORGANIZER_PLACE = ("园区", "社区", "片区", "城区", "景区", "厂区", "新区", "开发区", "试验区", "示范区", "功能区")


def _place_list(sv: SentenceView, pos: int, end: int) -> tuple[list[ArgCandidate], int]:
    """Organisations and plain places of a list written from ``pos`` (甲市、乙区…): the plain ones as
    spans (a place joined to the next, 唐山市曹妃甸区, is one span), and where the list ends."""
    items: list[ArgCandidate] = []
    while pos < end:
        m = sv.starting_at(pos, ORG_LABELS)
        if m is not None:
            items.append(ent("organizer", m, "organizer:place"))
            pos = m.cend
        else:
            p = PLACE_ITEM.match(sv.full, pos, end)
            if p is None or sv.covered(p.start(), p.end()):
                break
            q = p.end()
            while (nxt := _PLACE_PART.match(sv.full, q, end)) is not None and not sv.covered(nxt.start(), nxt.end()) \
                    and not any(ch in nxt.group() for ch in _NOT_IN_PLACE):
                q = nxt.end()
            text = sv.full[p.start():q]
            if text in GENERIC_PLACES or text.endswith(_NOT_ORGANIZER_PLACE) or any(ch in text for ch in _NOT_IN_PLACE):
                break
            items.append(span("organizer", p.start(), q, "organizer:place"))
            pos = q
        if pos < end and sv.full[pos] in "、和":
            pos += 1
            continue
        break
    return items, pos


def _place_organizers(sv: SentenceView, hit: TriggerHit, cs: int, ss: int,
                      have: list[ArgCandidate]) -> list[ArgCandidate]:
    """Organizers written as places: who hosts (由甲局和乙市主办的) and the subject of the holding verb
    (乙县举行…, 我市在某地举办…).  The place that opens the meeting's name (某市投资推介会) is left out:
    GUIDELINES §10.15 allows it and the real-article gold takes it about as often as not."""
    out: list[ArgCandidate] = []
    taken = {(c.start, c.end) for c in have}

    def add(items: list[ArgCandidate]) -> None:
        for c in items:
            if (c.start, c.end) not in taken:     # an entity of ``have`` is there under its own offsets
                taken.add((c.start, c.end))
                out.append(c)

    for h in _HOST_RE.finditer(sv.full, ss, hit.start):
        items, stop = _place_list(sv, h.start(1), h.end(1))
        if stop == h.end(1) or sv.full[stop:h.end(1)] in ("联合", "共同"):
            add(items)
    pos = cs
    while pos < hit.start and (sv.full[pos].isspace() or sv.full[pos] in "，,"):
        pos += 1
    date = sv.starting_at(pos, {"DATE"})
    if date is not None:
        pos = date.cend
        while pos < hit.start and sv.full[pos] in "，, ":
            pos += 1
    items, stop = _place_list(sv, pos, hit.start)
    if items and re.fullmatch(r"(?:在[^，,。；;]{1,20}?)?(?:成功|隆重|顺利|正式|联合|共同)?", sv.full[stop:hit.start]):
        add([c for c in items if c.mention is None])
    return out
