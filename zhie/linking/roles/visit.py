"""Arguments of a VISIT_INSPECT mention: visitors, targets (entities and places), companions, date."""
from __future__ import annotations

import re

from .. import Mention
from ..lexicon import (ALONG_CUES, COMPANION_CUES, GROUP_MODIFIERS, JOIN_CUES, PLACE_PREPS, PLACE_STOPS, VISIT,
                       VISIT_ADVERBS, VISIT_SETTING_NEXT, VISITOR_GROUPS, WITNESS_CUES)
from ..sentence import SentenceView
from ..triggers import TriggerHit
from .common import (GENERIC_PLACES, PLACE_ITEM, TARGET_LABELS, ArgCandidate, cue_positions, date_of, ent,
                     kicker_default, people_of, preceded_by, span, title_phrase_org)


_PLACE_SUFFIX = re.compile(r"^[\u4e00-\u9fff]{1,12}[省市县区州镇乡村旗]$")
# Two places of one level written together are two places (沁水县阳城县), a nested address is one (某县某镇某村).
_SIBLING_PLACES = re.compile(r"([\u4e00-\u9fff]{1,6}?([省市县区旗]))(?=(?:[\u4e00-\u9fff]{1,6}?\2)+$)")
# A deictic that opens a place (该市集宁区) is no part of it.
_DEICTIC = re.compile(r"^(?:该|本|我|此)[省市县区]")
_NOT_PREP_BEFORE = {"到": set("得受达做遇直感看想提收找见听说来回"),
                    "来": set("以未带原后近迎引从本起过上下出进回将看想本"),
                    "在": set("正存现实内所好")}
# A plain facility or place in a list of targets: it ends where the item ends.
_FACILITY_ITEM = re.compile(r"[\u4e00-\u9fff]{1,14}?(?:园区|产业园|孵化园|工业园|中心|基地|空间|港|大桥|城|馆|厂|站|市|县|区)(?=[、和及，,等]|$)")


def _place_after(sv: SentenceView, p_end: int, stop: int, trigger: int) -> tuple[list[Mention], list[tuple[int, int]]]:
    """Entities (a list joined by 、/和) or plain place spans right after a preposition."""
    listed = _listed_places(sv, p_end, stop)
    if listed is not None:
        return listed
    ents: list[Mention] = []
    items: list[tuple[int, int]] = []     # the plain facilities of a mixed list (A公司、某某孵化园、B园区)
    pos = p_end
    while True:
        m = sv.starting_at(pos, TARGET_LABELS)
        if m is None:
            f = _FACILITY_ITEM.match(sv.full, pos, stop) if ents else None
            if f is None or sv.covered(f.start(), f.end()) or f.group() in GENERIC_PLACES:
                break
            items.append((f.start(), f.end()))
            pos = f.end()
        else:
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
        return ents, items
    # plain span up to the trigger, a stop word or punctuation
    e = p_end
    while e < stop and sv.full[e] not in "，,。；;：:" and not any(sv.full.startswith(w, e) for w in PLACE_STOPS):
        e += 1
    text = sv.full[p_end:e]
    if not text or len(text) > 16 or sv.covered(p_end, e):
        return [], []
    spans: list[tuple[int, int]] = []
    pos = p_end
    direct = _only_adverbs(sv.full[e:trigger])  # the place is followed directly by the trigger (来晋城考察)
    for item in re.split(r"[、和]", text):
        s = pos
        pos += len(item) + 1
        if item in GENERIC_PLACES or len(item) < 2:
            return [], []
        if _PLACE_SUFFIX.match(item) or (direct and len(item) <= 3) or \
                (len(item) <= 3 and any(sv.full.startswith(w, e) for w in ("开展", "进行"))):
            spans.extend(_places_of(item, s))
        else:
            return [], []
    return [], spans


def _only_adverbs(text: str) -> bool:
    """Nothing but adverbs of manner between a place and its visit (分别实地; empty counts)."""
    while text:
        word = next((w for w in VISIT_ADVERBS if text.startswith(w)), None)
        if word is None:
            return False
        text = text[len(word):]
    return True


def _places_of(item: str, start: int) -> list[tuple[int, int]]:
    """The place spans of one plain list item at ``start``: without a leading deictic (该市), and two
    places of one level written together split (沁水县阳城县 → 沁水县, 阳城县)."""
    deictic = _DEICTIC.match(item)
    if deictic is not None and len(item) - deictic.end() >= 2:
        start, item = start + deictic.end(), item[deictic.end():]
    spans = []
    while (first := _SIBLING_PLACES.match(item)) is not None and len(first.group(1)) >= 2 \
            and len(item) - first.end(1) >= 2:
        spans.append((start, start + first.end(1)))
        start, item = start + first.end(1), item[first.end(1):]
    return spans + [(start, start + len(item))]


# A park or centre of a zone written right after the zone's name, in a list of places visited.
_PARK_TAIL = re.compile(r"[\u4e00-\u9fff]{2,10}(?:产业园|园区|园|基地|中心)")
_LISTED = re.compile(r"((?:[^，,。；;：:、]{2,24}、)+[^，,。；;：:、]{2,24}?)(?:等处|等地|等单位|等企业|等项目)")


def _listed_places(sv: SentenceView, start: int, stop: int) -> tuple[list[Mention], list[tuple[int, int]]] | None:
    """A list closed by 等处/等地 (深入A、B公司、C园区等处): every item is a place visited; an item that
    opens with an entity is that entity."""
    m = _LISTED.match(sv.full, start, stop)
    if m is None:
        return None
    ents: list[Mention] = []
    spans: list[tuple[int, int]] = []
    pos = start
    for item in m.group(1).split("、"):
        s, e = pos, pos + len(item)
        pos = e + 1
        head = next((x for x in sv.mentions if x.cstart == s and x.cend <= e), None)
        if head is not None:
            if head.entity.label in TARGET_LABELS:
                ents.append(head)
            if head.entity.label == "ZONE" and _PARK_TAIL.fullmatch(sv.full, head.cend, e) and not sv.covered(head.cend, e):
                spans.append((head.cend, e))   # 某经开区智能装备园: the zone and its park
        elif not sv.covered(s, e) and item not in GENERIC_PLACES:
            spans.append((s, e))
    return (ents, spans) if ents or spans else None


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
                settings = [ent("target", m, "target:at") for m in ents]
            elif not settings and not moves and (p := PLACE_ITEM.fullmatch(sv.full, p_end, hi)) is not None \
                    and p.group() not in GENERIC_PLACES and not sv.covered(p_end, hi):
                settings = [span("target", p_end, hi, "target:at-span")]   # 某某在某市调研
            elif not settings and not moves and spans and _only_adverbs(sv.full[spans[-1][1]:hi]):
                settings = [span("target", a, b, "target:at-span") for a, b in spans]   # 在甲村、乙镇调研
            continue
        if ents or spans:
            if not moves:
                moves = [ent("target", m, "target:to") for m in ents] + \
                        [span("target", s, e, "target:to-span") for s, e in spans]
    return moves, settings


def _objects_after(sv: SentenceView, hit: TriggerHit, stop: int) -> list[ArgCandidate]:
    """Targets written as the object of the trigger: 走访了A、B, 视察临汾经济开发区营商环境."""
    _, ce = sv.clause(hit.end)
    ce = min(ce, stop)
    ents = sv.between(hit.end, ce, TARGET_LABELS)
    out = [ent("target", m, "target:object") for m in ents]
    if ents:
        # plain-span siblings in the same list (察看了开发区政务服务中心、临汾经开区企业服务驿站)
        start = hit.end + (1 if sv.full.startswith("了", hit.end) else 0)
        pos = start
        for item in re.split(r"[、]", sv.full[start:ce]):
            s, e = pos, pos + len(item)
            pos = e + 1
            if item and not sv.covered(s, e) and 2 <= len(item) <= 14 and re.search(r"(中心|园|基地|站|馆|厂)$", item):
                out.append(span("target", s, e, "target:object-span"))
    return out


def _object_span(sv: SentenceView, hit: TriggerHit, stop: int) -> list[ArgCandidate]:
    """With no other target: a facility written as the object (查看了谷子新品种示范田)."""
    start = hit.end + (1 if sv.full.startswith("了", hit.end) else 0)
    _, ce = sv.clause(start)
    ce = min(ce, stop)
    text = sv.full[start:ce]
    m = re.match(r"^([\u4e00-\u9fff]{2,12}?(?:示范田|中心|基地|产业园|园区|展厅|站址|工地))", text)
    if m and not sv.covered(start, start + m.end(1)):
        return [span("target", start, start + m.end(1), "target:object-facility")]
    p = PLACE_ITEM.match(sv.full, start, ce)     # 考察某市工业发展…, 调研我区重大项目
    if p is not None and p.end() < ce and p.group() not in GENERIC_PLACES and not sv.covered(p.start(), p.end()):
        return [span("target", p.start(), p.end(), "target:object-place")]
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
    return any(not title_phrase_org(sv, m) and not preceded_by(sv, m.cstart, PLACE_PREPS)
               for m in sv.between(start, end, {"ORG"}))


# The movements of the clause after a setting (调研中，X先后深入A、B): where the visit went.
_SETTING_PREPS = ("深入", "来到", "前往", "走进")


def _setting_arguments(sv: SentenceView, hit: TriggerHit, se: int) -> list[ArgCandidate]:
    """A visit named as the setting of what follows (调研中，…; 考察期间，X…; GUIDELINES §10.17): who
    opens the next clause is the visitor, the places it goes to (先后深入A、B) are the targets."""
    out: list[ArgCandidate] = []
    comma = next((i for i in range(hit.end, se) if sv.full[i] in "，,"), None)
    if comma is None:
        return out
    _, ce = sv.clause(comma + 1)
    first = sv.between(comma + 1, ce, {"OFFICIAL", "ORG"})
    if first and sv.is_list_gap(comma + 1, first[0].cstart, allow_lead=True):
        people = [first[0]] + [m for a, m in zip(first, first[1:]) if sv.is_list_gap(a.cend, m.cstart)]
        out += [ent("visitor", m, "visitor:setting") for m in people if m.entity.label == "OFFICIAL"]
    goes = cue_positions(sv, _SETTING_PREPS, comma + 1, ce)
    if goes:
        word = next(w for w in _SETTING_PREPS if sv.full.startswith(w, goes[0]))
        ents, spans = _place_after(sv, goes[0] + len(word), ce, ce)
        out += [ent("target", m, "target:to") for m in ents] + [span("target", a, b, "target:to-span") for a, b in spans]
    return out


# Words between 参加 and the visit (参加现场调研), and a meeting after it (参加调研或座谈) in its clause.
_JOIN_MODIFIERS = ("现场", "实地", "一同")
_JOIN_TAIL = re.compile(r"(?:或|和|并)座谈(?:会)?")


def _join_cue(sv: SentenceView, hit: TriggerHit) -> int | None:
    """Where the 参加 of a visit joined by hosts starts (…参加[现场]考察[或座谈]。), else None."""
    start = hit.start
    for word in _JOIN_MODIFIERS:
        if sv.full.endswith(word, sv.start, start):
            start -= len(word)
            break
    cue = preceded_by(sv, start, JOIN_CUES)
    if cue is None:
        return None
    tail = _JOIN_TAIL.match(sv.full, hit.end, sv.end)
    return start - len(cue) if _clause_ends(sv, tail.end() if tail else hit.end) else None


def _clause_ends(sv: SentenceView, pos: int) -> bool:
    return pos >= sv.end or sv.full[pos] in "，,。；;！？!?\n"


def _dui_targets(sv: SentenceView, lo: int, hit: TriggerHit) -> list[ArgCandidate]:
    """``对X(、Y)…进行/开展…调研``: what the visit looks at, the place or entity after 对."""
    cs, _ = sv.clause(hit.start)
    pos = sv.full.rfind("对", max(lo, cs), hit.start)
    if pos < 0 or sv.mention_at(pos) is not None or not re.search("进行|开展", sv.full[pos:hit.start]):
        return []
    out: list[ArgCandidate] = []
    pos += 1
    while pos < hit.start:
        m = sv.starting_at(pos, TARGET_LABELS)
        if m is not None:
            out.append(ent("target", m, "target:dui"))
            pos = m.cend
        else:
            p = PLACE_ITEM.match(sv.full, pos, hit.start)
            if p is None or sv.covered(p.start(), p.end()) or p.group() in GENERIC_PLACES:
                break
            out.append(span("target", p.start(), p.end(), "target:dui-span"))
            pos = p.end()
        if sv.full.startswith(("及", "和", "、"), pos):
            pos += 1
            continue
        break
    return out


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
    out += [ent("companion", m, "companion:cue") for m in companions]
    if preceded_by(sv, hit.start, COMPANION_CUES):
        return out  # 陪同考察: the mention of the people who accompany; visitor and place are elsewhere
    join = _join_cue(sv, hit)
    if join is not None:
        # 参加考察。/ 参加现场调研或座谈。: hosts who join the visit are companions (GUIDELINES §10.25)
        joined = sv.people_before(join) or sv.between(sv.clause(hit.start)[0], hit.start, {"OFFICIAL"})
        return out + [ent("companion", m, "companion:join") for m in joined if not any(c.mention is m for c in out)]
    if sv.full.startswith(VISIT_SETTING_NEXT, hit.end):
        return out + _setting_arguments(sv, hit, se)
    along = people_of(sv, ALONG_CUES, ss, se) + people_of(sv, WITNESS_CUES, ss, se)
    all_companions = people_of(sv, COMPANION_CUES, ss, se)
    # visitors: officials and organisations before the trigger in its clause, else in its segment
    cs, _ = sv.clause(hit.start)
    lo_visit = cs if _has_visitor(sv, cs, hit.start) else ss
    for m in sv.between(lo_visit, hit.start, {"OFFICIAL", "ORG"}):
        if m in all_companions or m in along:
            continue
        if m.entity.label == "ORG":
            if title_phrase_org(sv, m) or preceded_by(sv, m.cstart, PLACE_PREPS):
                continue
            out.append(ent("visitor", m, "visitor:org"))
        else:
            out.append(ent("visitor", m, "visitor:before"))
    # targets
    objects = _objects_after(sv, hit, stop)
    lo = earlier[-1] if earlier else ss
    moves, settings = _places_before(sv, lo, hit.start)
    visitors = {c.mention.entity.id for c in out if c.mention is not None and c.role == "visitor"}
    targets = objects + [c for c in moves if c.mention is None or c.mention.entity.id not in visitors]
    if not objects and not moves:
        targets += settings or _dui_targets(sv, lo, hit)
    elif not moves:
        targets += [c for c in settings if c.mention is None]   # 在甲市、乙市分别察看了某公司: the places too
    if not targets and sv.is_headline():
        targets += kicker_default(sv, "target", out)
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
