"""Trigger detection in one sentence: lexicon matches, merged compounds (参观考察, 主持召开),
and the filters of the negative cases (SCHEMA.md 'Not events', GUIDELINES.md §4.4).

The decisions are declared tables: ``TRIGGER_KINDS`` (ceremony, sign, visit, chair, talk, holding),
each with its ordered ``Filter``s (plan, habit, count, noun-next …) and the hit it makes.
``explain_triggers`` gives every match with the filter that dropped it (``zhie extract --explain``).

A trigger that survives the filters is a ``TriggerHit`` with the reason it was kept and a
score; a MEETING hit also carries the meeting name found next to it.  Whether the event
has enough arguments to be reported is decided later (events.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from .lexicon import (CEREMONY_ATTENDANCE, CEREMONY_NOUNS, FORMULAIC_AFTER, HABIT_MARKERS, HOLDING_VERBS, MEETING, METHOD_MARKERS, NOT_MEETING_ENDINGS,
                      NOT_MEETING_NOUNS, OBJECT_HOLDING_VERBS, PLAN_MARKERS, PLEDGE_WORDS, SERIES_MARKERS, SIGN, SIGN_NOUN_NEXT,
                      SIGN_NOUN_PREV, SPEECH_WORDS, STUDY_VERBS, TRIGGER_WORDS, VISIT, VISIT_NOUN_NEXT, VISIT_SETTING_NEXT,
                      VISIT_NOUN_PREV)
from .sentence import SentenceView

_WORDS = sorted(((w, t) for t, ws in TRIGGER_WORDS.items() for w in ws), key=lambda x: -len(x[0]))
_TRIGGER_RE = re.compile("|".join(re.escape(w) for w, _ in _WORDS))
_TYPE_OF = {w: t for w, t in _WORDS}
# (an ordinal is no count: 第六次…交流会)
_COUNT_RE = re.compile(r"(?<![第0-9０-９一二两三四五六七八九十百千万])[0-9０-９一二两三四五六七八九十百千万]+[余多]?(?:个|项|份|家|批|场|次)")
# Frequencies: 深入企业调研120余次, 接待考察150批次 (a count of companies visited is fine: 等5家企业).
_TIMES_RE = re.compile(r"[0-9０-９一二两三四五六七八九十百千万]+[余多]?(?:次|批次|人次|家次|批|场|轮)")
_EVERY_RE = re.compile(r"每[一二两三四五六七八九十半个]*[年月周日天季旬]")
# 要 inside 重要/主要/需要… is not an exhortation; 将 inside 将军 is not a plan.
_PLAN_RE = re.compile("|".join(
    "(?<![重主需必纪首只概扼简])要(?![求素闻点])" if m == "要" else re.escape(m) for m in PLAN_MARKERS))
# An earlier clause that opens with a plan: 要主动走出去，到…考察学习.
# The clause may name who is to act first: 我们要瞄准…，到东部沿海地区深入考察.
_PLAN_OPENING_RE = re.compile(
    r"(?:^|[，,：:])(?:我们|我|大家|咱们|各级|各部门|全区|全县|全市|园区|开发区)?"
    r"(?:(?:并|还|也|更|就)?(?:要|将|拟|计划|力争|争取|准备|打算)|下一步|今后|下步)")
# A meeting noun at the end of a name: not the 会 of 社会, 协会, 商会, 委员会, 会员, 会长 ….
_MEETING_END_RE = re.compile(
    r"(?:座谈会|会议|大会|论坛|峰会|座谈(?!会)|会商(?![\u4e00-\u9fff])|(?<![社协商学工委事都机体领融善字总])会(?![员长展所同计谈商议战]))")
# between a meeting name and its verb: a closing quote, an aside in brackets ((简称“华交会”)), a date
# (于11月8日, 28日), a place (在济南), a manner (成功, 隆重)
_DAY = r"[0-9０-９一二三四五六七八九十]{1,4}[月日号](?:[0-9０-９一二三四五六七八九十]{1,2}[日号])?"
# between a meeting's name and its holding verb: the word 活动 (…对接会活动在某区举行), a bracket, a day or a
# span of days (于2019年5月23日至25日), where (在某市), a manner word
_LEFT_GLUE_RE = re.compile(r"^[”\"’]?(?:活动)?(?:[(（][^()（）]{1,20}[)）])?(?:于?(?:[0-9０-９]{4}年)?" + _DAY +
                           r"(?:[至到~—-]" + _DAY + r")?(?:[上下]午|晚)?)?(?:在[^，,。；;]{1,16}?)?"
                           r"(?:成功|顺利|隆重|胜利|正式|如期|圆满|盛大)?$")
_LEAD_RE = re.compile(r"^(?:[▲■●#\s]|本刊讯|本站讯|本网讯|讯)*")
# What stands before a meeting name without being part of it: a dateline (某某网某地4月24日电), a
# reporter's bracket ((记者 某某)), who hosts it (由某局主办的), its theme (以“…”为主题的).
_NAME_PREFIX_RE = re.compile(
    r"(?:[\s▲■●#]*[^\s，,。（(]{0,20}?[0-9０-９]{1,2}月[0-9０-９]{1,2}日电)?"
    r"(?:\s*[(（][^()（）]{0,24}(?:记者|通讯员|报道|摄)[^()（）]{0,24}[)）])?\s*"
    r"(?:由[^，,。；;]{2,40}?(?:联合)?(?:主办|承办|举办|指导)的|以“[^”]{1,40}”为主题的)?"
    r"(?:在(?!线)|一场|一次)?")


@dataclass
class TriggerHit:
    type: str
    start: int            # cleaned offsets
    end: int
    reason: str           # why it was kept (used by the event score)
    score: float
    name: tuple[int, int] | None = None  # MEETING: the meeting name, cleaned offsets


def _raw_hits(sv: SentenceView) -> list[tuple[str, int, int]]:
    """Lexicon matches outside entity spans; adjacent words of one type merge into one trigger."""
    out: list[tuple[str, int, int]] = []
    for m in _TRIGGER_RE.finditer(sv.full, sv.start, sv.end):
        s, e = m.start(), m.end()
        if sv.mention_at(s) is not None or sv.mention_at(e - 1) is not None:
            continue
        kind = _TYPE_OF[m.group()]
        if out and out[-1][0] == kind and out[-1][2] == s and _mergeable(sv.full[out[-1][1]:out[-1][2]], m.group()):
            out[-1] = (kind, out[-1][1], e)
            continue
        out.append((kind, s, e))
    return out


def _mergeable(first: str, second: str) -> bool:
    if first in TRIGGER_WORDS[VISIT]:
        return True  # 参观考察, 考察调研
    return first == "主持" and second in HOLDING_VERBS  # 主持召开


def _plain(sv: SentenceView, start: int, end: int) -> str:
    """``full[start:end]`` with every entity mention blanked: a marker word inside a name is no
    marker (希望 in 新希望集团, 将 in 将军路, 持续 in a project's name)."""
    chars = list(sv.full[start:end])
    for m in sv.mentions:
        for i in range(max(m.cstart, start), min(m.cend, end)):
            chars[i - start] = "□"
    return "".join(chars)


def _line_start(sv: SentenceView, start: int, pos: int) -> int:
    """``start`` moved past the last line break before ``pos``: a marker on an earlier line (a
    caption, a headline above the lead) does not govern the trigger."""
    return max(start, sv.full.rfind("\n", start, pos) + 1)


def _plan_before(sv: SentenceView, pos: int) -> bool:
    """A plan marker in the trigger's clause, or opening an earlier clause of its segment (要主动走出去，到…考察)."""
    cs, _ = sv.clause(pos)
    cs = _line_start(sv, cs, pos)
    if _PLAN_RE.search(_plain(sv, cs, pos)):
        return True
    ss, _ = sv.segment(pos)
    ss = _line_start(sv, ss, pos)
    return ss < cs and bool(_PLAN_OPENING_RE.search(_plain(sv, ss, cs)))


# A habit word that names a group (常态化督导组, 定期巡查组) says what the group is, not that the
# event is habitual.
_GROUP_NAME_RE = re.compile(r"^[\u4e00-\u9fff]{0,3}?(?:组|团|队)")


def _habit_before(sv: SentenceView, pos: int) -> bool:
    ss, _ = sv.segment(pos)
    before = _plain(sv, ss, pos)
    for h in HABIT_MARKERS:
        i = before.find(h)
        while i >= 0:
            if not _GROUP_NAME_RE.match(before, i + len(h)):
                return True
            i = before.find(h, i + 1)
    return bool(_EVERY_RE.search(before))


def _method(sv: SentenceView, pos: int) -> bool:
    """通过组织企业参观考察、召开座谈会等方式…: a description of how work is done."""
    ss, se = sv.segment(pos)
    return any(w in sv.full[pos:se] for w in METHOD_MARKERS)


def _formulaic(sv: SentenceView, s: int, e: int) -> bool:
    """贯彻…总书记视察山西重要讲话重要指示精神, 落实…调研时的指示要求, 总书记在山西考察时强调."""
    cs, ce = sv.clause(s)
    rest = sv.full[e:ce]
    if any(w in rest[:14] for w in FORMULAIC_AFTER):
        return True
    before = sv.full[cs:s]
    if any(v in before for v in STUDY_VERBS) and any(w in rest for w in SPEECH_WORDS):
        return True
    return "总书记" in before


def _next_text(sv: SentenceView, end: int) -> str:
    text = sv.full[end:sv.end]
    return text[1:] if text.startswith("了") else text


def _clause_rest(sv: SentenceView, end: int) -> str:
    """The clause after ``end`` up to a line break: in a headline the next line (a byline, a site's
    date stamp) is no part of the trigger's clause (…大会举行⏎admin 6个月前 is no count)."""
    _, ce = sv.clause(end)
    line_end = sv.full.find("\n", end, ce)
    return sv.full[end:ce if line_end < 0 else line_end]


# -- SIGN_CONTRACT ---------------------------------------------------------------------------
# Other stages of the same ceremony written between 签约 and its noun (签约和开工活动, 签约、开工仪式).
_JOINED_STAGES_RE = re.compile(r"(?:[和、及暨与]?(?:开工|投产|揭牌|奠基|开业|启动))*")


def _ceremony(sv: SentenceView, s: int, e: int) -> bool:
    """签约仪式/签约活动 as a mention of the signing (SCHEMA): held (举行…签约仪式, 签约仪式在…举行),
    attended (出席签约仪式, 见证签约) or a setting (签约仪式上，X表示)."""
    nxt = _next_text(sv, e)
    if sv.full[max(sv.start, s - 2):s] == "见证":
        return True   # 出席并见证签约: the officials witness a signing told elsewhere
    joined = _JOINED_STAGES_RE.match(nxt).end()      # 签约和开工活动, 签约开工仪式: one ceremony of several stages
    nxt = nxt[joined:]
    if not nxt.startswith(CEREMONY_NOUNS):
        return False
    noun = next(n for n in CEREMONY_NOUNS if nxt.startswith(n))
    if nxt[len(noun):].startswith("上"):
        return True
    cs, ce = sv.clause(s)
    around = sv.full[cs:s] + "|" + sv.full[e + joined + len(noun):ce]
    return bool(re.search("(?:" + "|".join(HOLDING_VERBS + CEREMONY_ATTENDANCE) + ")(?!人)", around))


# -- MEETING ---------------------------------------------------------------------------------
def meeting_name_after(sv: SentenceView, e: int) -> tuple[int, int] | None:
    """``召开(了/的)X会…``: the name runs from after the verb to the last meeting noun of the clause."""
    start = e
    while start < sv.end and sv.full[start] in "了的":
        start += 1
    _, ce = sv.clause(start)
    line_end = sv.full.find("\n", start, ce)    # a name does not run over a line break (…在上海举行⏎⏎编辑：…)
    ce = ce if line_end < 0 else line_end
    best = None
    for m in _MEETING_END_RE.finditer(sv.full, start, ce):
        best = m.end()
    if best is None or best == start:
        return None
    if any(v in sv.full[start:best] for v in HOLDING_VERBS):
        return None
    return _strip_name(sv, start, best)


# 推进会、调度会; 座谈会等会议: a 、 or 等 right after a meeting noun (a 、 inside a name, as in
# 省级开发区、功能区推进工作会议, is no list)
_MEETING_LIST_RE = re.compile(r"(?:会|会议|座谈|论坛|峰会)(?:[、和及]|等)")


def _not_a_meeting(name: str) -> bool:
    """A fair or a show (招聘会, 博览会), or a list of meetings (推进会、调度会等会议, 各类座谈会)."""
    listed = bool(_MEETING_LIST_RE.search(name))
    fair = name.endswith(NOT_MEETING_ENDINGS) or name.split("暨")[0].endswith(NOT_MEETING_ENDINGS)  # 某博会暨签约仪式
    return fair or listed or any(w in name for w in ("各类", "系列", "多场", "各种"))


def _strip_name(sv: SentenceView, start: int, end: int) -> tuple[int, int] | None:
    """Leave out surrounding quotes and a DATE that opens the name (2023年度工作总结暨表彰大会)."""
    if sv.full[start] in "“\"" and sv.full[end - 1] not in "”\"" and "”" not in sv.full[start + 1:end] \
            and '"' not in sv.full[start + 1:end]:
        start += 1
    if sv.full[start] in "“\"" and sv.full[end:end + 1] in ("”", "\""):
        start += 1
    date = sv.starting_at(start, {"DATE"})
    if date is not None and date.cend < end:
        start = date.cend
    if start >= end or _not_a_meeting(sv.full[start:end]):
        return None  # 举办专场招聘会: a fair, not a meeting
    return start, end


def _joined_ceremony_end(sv: SentenceView, end: int, s: int) -> int | None:
    """The end of ``暨…仪式/活动`` right after a meeting noun at ``end``, when only glue follows it."""
    if not sv.full.startswith("暨", end):
        return None
    for m in re.finditer(r"仪式|活动", sv.full[end:min(s, end + 26)]):
        stop = end + m.end()
        if _LEFT_GLUE_RE.match(sv.full[stop:s]):
            return stop
    return None


def _quote_start(sv: SentenceView, cs: int, s: int) -> int:
    """A clause start that falls inside quotes (“甲，乙”推介会) moves back to the opening quote."""
    text = sv.full[cs:s]
    close = text.find("”")
    if close < 0 or "“" in text[:close]:
        return cs
    line = max(sv.start, sv.full.rfind("\n", sv.start, cs) + 1)
    opening = sv.full.rfind("“", line, cs)
    if opening < 0 or "”" in sv.full[opening:cs]:
        return cs
    return opening


def meeting_name_before(sv: SentenceView, s: int) -> tuple[int, int] | None:
    """``X会(在某地)(成功)召开``: the name runs from the clause start (or line start) to the meeting noun."""
    cs, _ = sv.clause(s)
    cs = max(cs, sv.full.rfind("\n", cs, s) + 1)
    cs = _quote_start(sv, cs, s)
    best = None
    for m in _MEETING_END_RE.finditer(sv.full, cs, s):
        end = m.end()
        joined = _joined_ceremony_end(sv, end, s)   # …推介会暨项目签约仪式: the name takes the ceremony
        if joined is not None:
            best = joined
            break
        if _LEFT_GLUE_RE.match(sv.full[end:s]):
            best = end
            break
    if best is None:
        return None
    lead = _LEAD_RE.match(sv.full[cs:best])
    start = cs + (lead.end() if lead else 0)
    start += _NAME_PREFIX_RE.match(sv.full, start, best).end() - start
    if start >= best or any(v in sv.full[start:best] for v in HOLDING_VERBS) or sv.full.startswith("由", start):
        return None   # 由甲会、乙会举办的…: who holds it, not its name
    return _strip_name(sv, start, best)


# -- the declared tables ---------------------------------------------------------------------
@dataclass
class _Candidate:
    """One lexicon match and the pieces of its sentence the filters read."""
    sv: SentenceView
    type: str
    s: int
    e: int
    raw: list[tuple[str, int, int]]   # every lexicon match of the sentence

    @cached_property
    def word(self) -> str:
        return self.sv.full[self.s:self.e]

    @cached_property
    def prev3(self) -> str:
        return self.sv.full[max(self.sv.start, self.s - 3):self.s]

    @cached_property
    def prev2(self) -> str:
        return self.sv.full[max(self.sv.start, self.s - 2):self.s]

    @cached_property
    def after(self) -> str:       # the rest of the sentence
        return self.sv.full[self.e:self.sv.end]

    @cached_property
    def nxt(self) -> str:         # the rest of the sentence after a 了
        return _next_text(self.sv, self.e)

    @cached_property
    def rest(self) -> str:        # the rest of the clause
        return _clause_rest(self.sv, self.e)


@dataclass(frozen=True)
class Filter:
    """A negative case: ``test`` true means the match is no event (``example``: what it catches)."""
    name: str
    test: Callable[[_Candidate], bool]
    example: str


@dataclass(frozen=True)
class TriggerKind:
    """A way a lexicon word is an event: the first kind of the word's type whose ``applies`` holds
    decides; its filters run in order, then ``make`` builds the hit (or says why there is none)."""
    name: str
    type: str
    applies: Callable[[_Candidate], bool]
    filters: tuple[Filter, ...]
    make: Callable[[_Candidate], "TriggerHit | str"]


def _sign_count(c: _Candidate) -> bool:
    count = _COUNT_RE.search(c.rest)
    if not count:
        return False
    if count.start() > (1 if c.rest.startswith("了") else 0):
        return True
    # a count right after the verb: one ceremony signs a few (签约三个项目); a total or many is a
    # statistic (共签约5个项目, 签约360个项目)
    return c.prev3.endswith(("共", "累计", "共计", "总计", "合计")) or bool(re.match(r"[0-9０-９]{2,}|\S*[十百千万]", count.group()))


PLAN = Filter("plan", lambda c: _plan_before(c.sv, c.s), "将举行签约仪式, 拟于下月赴…考察")
METHOD = Filter("method", lambda c: _method(c.sv, c.s), "通过…召开座谈会等方式")
HABIT = Filter("habit", lambda c: _habit_before(c.sv, c.s), "每年举办…签约活动, 定期组织…考察")
FORMULAIC = Filter("formulaic", lambda c: _formulaic(c.sv, c.s, c.e), "贯彻…总书记视察山西重要讲话精神")
# A clause opened by 并/随后/会后 tells one further action of the same visit: 先后深入A和B调研，…，并召开座谈会
# (先后 lists the places visited, the meeting is a single one).
_NEXT_ACTION_RE = re.compile(r"[，,](?:并|随后|随即|之后|会后|其后)")


def _series_before(c: _Candidate) -> bool:
    """A series marker (先后, 近年来 …) in the trigger's segment, after the last clause that opens a further action."""
    ss, _ = c.sv.segment(c.s)
    before = _plain(c.sv, ss, c.s)
    opened = [m.end() for m in _NEXT_ACTION_RE.finditer(before)]
    return any(w in before[opened[-1] if opened else 0:] for w in SERIES_MARKERS)


SERIES = Filter("series", _series_before, "先后与…等20余所高校签订")

CEREMONY_FILTERS = (
    PLAN, METHOD, HABIT,
    Filter("quoted", lambda c: c.prev3.endswith(("“", '"')), "“签约”仪式 as a quoted name"),
)
SIGN_FILTERS = (
    # a 了 right after the word makes it a verb: 签订了项目合作协议 (its object), not 签约项目 (a noun)
    Filter("noun-next", lambda c: any(c.nxt.startswith(w) for w in SIGN_NOUN_NEXT) and not c.nxt.startswith("落地")
           and not c.after.startswith("了"), "签约一批, 签约金额, 签约率, 签约前"),
    Filter("noun-prev", lambda c: any(c.prev3.endswith(w) for w in SIGN_NOUN_PREV), "累计签约, 新签约项目"),
    Filter("count", _sign_count, "集中签约项目15个, 签订…协议61份 (aggregate statistics)"),
    Filter("pledge", lambda c: any(w in c.rest for w in PLEDGE_WORDS), "签订承诺书/目标责任书"),
    PLAN, METHOD, SERIES,
    Filter("list", lambda c: c.nxt[:1] == "、", "引进签约、落地开工 (a noun in a list)"),
    Filter("quoted-word", lambda c: "“" in c.prev3[-2:] and c.nxt[:1] in ("”", "\""), "“云签约”项目 (a quoted name)"),
)
VISIT_FILTERS = (
    Filter("noun-next", lambda c: not c.after.startswith(VISIT_SETTING_NEXT)
           and any(c.after.startswith(w) for w in VISIT_NOUN_NEXT), "考察团, 调研组, 观摩结束后"),
    Filter("noun-prev", lambda c: any(c.prev3.endswith(w) for w in VISIT_NOUN_PREV), "此次考察, 一周一调研"),
    FORMULAIC, PLAN, METHOD, HABIT,
    Filter("times", lambda c: bool(_TIMES_RE.search(c.rest)), "深入企业走访调研120余次"),
)
# Many holders, each with its own meeting: 多家高新区召开会议, 各地纷纷举办… (an aggregate, SCHEMA 'Not
# events'); hosts acting together hold one meeting (多家单位联合举办…论坛).
_MANY_HOLDERS_RE = re.compile(r"多家|多地|各地|各级|各单位|各部门|纷纷")
_TOGETHER = ("联合", "共同", "携手")


def _many_holders(c: _Candidate) -> bool:
    cs, _ = c.sv.clause(c.s)
    before = _plain(c.sv, _line_start(c.sv, cs, c.s), c.s)
    return bool(_MANY_HOLDERS_RE.search(before)) and not any(w in before for w in _TOGETHER)


HOLDING_FILTERS = (
    PLAN, METHOD, HABIT, SERIES,
    Filter("hosted-by", lambda c: c.after.startswith("的") and "由" in _plain(c.sv, c.sv.clause(c.s)[0], c.s),
           "由某局承办的推介会在某地举行 (the 举行 is the event; 由…承办的 only says who)"),
    Filter("many-holders", _many_holders, "多家高新区召开会议, 各地纷纷举办 (one line for many meetings)"),
    Filter("notice", lambda c: _plain(c.sv, c.sv.clause(c.s)[0], c.s).rstrip("《“\"").endswith("关于"),
           "关于召开…会议的通知 (the title of a notice: the meeting is still to come)"),
    Filter("count", lambda c: bool(_COUNT_RE.search(c.rest)
                                   or _COUNT_RE.search(c.sv.full[c.sv.clause(c.s)[0]:c.s][-4:])),
           "已举办了3场…, 举办专题招商活动11场"),
)
CHAIR_FILTERS = (
    Filter("other-verb", lambda c: any(k == MEETING and c.sv.full[a:b] not in ("主持", "座谈") for k, a, b in c.raw),
           "the sentence's 召开/举行/举办 event takes the chair"),
    Filter("not-a-meeting", lambda c: any(n in c.rest for n in NOT_MEETING_NOUNS) or "签约" in c.rest, "主持签约仪式"),
)
TALK_FILTERS = (
    Filter("noun", lambda c: c.after.startswith(("会", "中", "交流环节")) or c.prev2.endswith(("参加", "在")),
           "座谈会, 在座谈中, 参加座谈"),
    Filter("not-clause-end", lambda c: bool(c.after) and c.after[0] not in "。，,；;！？", "座谈交流了…"),
    Filter("no-verb-before", lambda c: not c.prev2.endswith(("交流", "并", "进行", "开展")) and not _with_counterpart(c),
           "…座谈。 with no 交流/并 before, nor a counterpart (与某某一行座谈)"),
)


def _object_name(c: _Candidate, name: tuple[int, int]) -> bool:
    """For 开展/承办: the meeting's name is the whole object (开展…对接会商。), not a modifier of it
    (开展…代表大会精神宣讲), and the verb is not itself inside the name of an earlier holding verb
    (召开…深入开展…工作会议)."""
    rest = _clause_rest(c.sv, name[1]).strip("”\" ")
    cs, _ = c.sv.clause(c.s)
    return rest == "" and not any(v in c.sv.full[cs:c.s] for v in HOLDING_VERBS)


def _with_counterpart(c: _Candidate) -> bool:
    """``与/同 X 座谈``: a talk held with someone named in the trigger's clause."""
    cs, _ = c.sv.clause(c.s)
    return bool(re.search("[与同]", _plain(c.sv, cs, c.s)))


def _holding_hit(c: _Candidate) -> "TriggerHit | str":
    name = meeting_name_after(c.sv, c.e)
    if name is not None and c.word in OBJECT_HOLDING_VERBS and not _object_name(c, name):
        name = None
    if name is not None:
        return TriggerHit(MEETING, c.s, c.e, "holding+name", 0.9, name)
    if c.word in OBJECT_HOLDING_VERBS:
        return "no meeting name after the verb"   # 某协会承办, 开展调研: the name must be the object
    name = meeting_name_before(c.sv, c.s)
    if name is not None:
        return TriggerHit(MEETING, c.s, c.e, "name+holding", 0.85, name)
    return "no meeting name next to the verb"


def _ceremony_before(sv: SentenceView, pos: int) -> bool:
    """The last gathering named in the paragraph before ``pos`` is a ceremony or an activity, not a meeting."""
    para = sv.full.rfind("\n", 0, sv.start) + 1
    text = sv.full[para:pos]
    last_ceremony = max((text.rfind(n) for n in NOT_MEETING_NOUNS + ("签约",)), default=-1)
    last_meeting = max((m.start() for m in _MEETING_END_RE.finditer(text)), default=-1)
    return last_ceremony > last_meeting


# what 主持 chairs: a meeting named right after it, whose noun closes the clause or the name (主持会议,
# 主持推介会, 主持召开的…, not 主持全面工作的副市长在会上)
_CHAIRED_MEETING_RE = re.compile(r"^[^，,。；;：:]{0,24}?" + _MEETING_END_RE.pattern + r"(?=$|[、和及并])")


def _chair_hit(c: _Candidate) -> "TriggerHit | str":
    if _CHAIRED_MEETING_RE.match(c.rest):
        return TriggerHit(MEETING, c.s, c.e, "chair", 0.75)  # 主持会议, 主持推介会, 主持宣讲会
    if c.rest == "" or c.rest.startswith("并"):
        if any(n in c.sv.text for n in NOT_MEETING_NOUNS) or "签约" in c.sv.text:
            return "a ceremony or signing is chaired (…出席签约仪式，…主持。)"
        if _ceremony_before(c.sv, c.s):
            return "the paragraph's gathering is a ceremony (…出席仪式。…致辞，…主持。)"
        return TriggerHit(MEETING, c.s, c.e, "chair", 0.7)
    return "no meeting after 主持"


TRIGGER_KINDS: tuple[TriggerKind, ...] = (
    TriggerKind("ceremony", SIGN, lambda c: _ceremony(c.sv, c.s, c.e), CEREMONY_FILTERS,
                lambda c: TriggerHit(SIGN, c.s, c.e, "ceremony", 0.8)),
    TriggerKind("sign", SIGN, lambda c: True, SIGN_FILTERS, lambda c: TriggerHit(SIGN, c.s, c.e, "sign", 0.9)),
    TriggerKind("visit", VISIT, lambda c: True, VISIT_FILTERS, lambda c: TriggerHit(VISIT, c.s, c.e, "visit", 0.85)),
    TriggerKind("chair", MEETING, lambda c: c.word == "主持", CHAIR_FILTERS, _chair_hit),
    TriggerKind("talk", MEETING, lambda c: c.word == "座谈", TALK_FILTERS,
                lambda c: TriggerHit(MEETING, c.s, c.e, "talk", 0.7)),
    TriggerKind("holding", MEETING, lambda c: True, HOLDING_FILTERS, _holding_hit),   # 召开/举行/举办, 主持召开
)


@dataclass
class TriggerDecision:
    """What became of one lexicon match: its hit, or the filter (or missing piece) that dropped it."""
    type: str
    start: int
    end: int
    word: str
    kind: str
    hit: "TriggerHit | None"
    dropped_by: str | None = None     # a filter's name, or why ``make`` found no event
    example: str = ""

    def to_dict(self) -> dict:
        return {"type": self.type, "start": self.start, "end": self.end, "word": self.word, "kind": self.kind,
                "kept": self.hit is not None, "dropped_by": self.dropped_by, "example": self.example or None}


def explain_triggers(sv: SentenceView) -> list[TriggerDecision]:
    """Every lexicon match of the sentence with the decision of the tables above (cleaned offsets)."""
    raw = _raw_hits(sv)
    out: list[TriggerDecision] = []
    for kind_type, s, e in raw:
        c = _Candidate(sv, kind_type, s, e, raw)
        kind = next(k for k in TRIGGER_KINDS if k.type == kind_type and k.applies(c))
        failed = next((f for f in kind.filters if f.test(c)), None)
        if failed is not None:
            out.append(TriggerDecision(kind_type, s, e, c.word, kind.name, None, failed.name, failed.example))
            continue
        made = kind.make(c)
        if isinstance(made, str):
            out.append(TriggerDecision(kind_type, s, e, c.word, kind.name, None, "no-event", made))
        else:
            out.append(TriggerDecision(kind_type, s, e, c.word, kind.name, made))
    return out


def find_triggers(sv: SentenceView) -> list[TriggerHit]:
    """The sentence's triggers: the lexicon's matches that the tables keep."""
    return [d.hit for d in explain_triggers(sv) if d.hit is not None]


# ---------------------------------------------------------------- learned triggers
TRIGGER_POLICIES = ("rules", "union", "learned")


# The negative cases that hold whatever found the trigger (SCHEMA 'Not events'), in this order.
NEGATIVE_CASES = (PLAN, HABIT, METHOD, FORMULAIC)


def _negative_case(sv: SentenceView, s: int, e: int) -> str | None:
    """Why a trigger word is no event whatever found it (SCHEMA 'Not events'), or None."""
    c = _Candidate(sv, "", s, e, [])
    return next((f.name for f in NEGATIVE_CASES if f.test(c)), None)


def learned_hit(sv: SentenceView, kind: str, s: int, e: int, score: float) -> TriggerHit | None:
    """A trigger of the tagger's learned trigger head, kept unless it is a negative case; a MEETING
    takes the meeting name next to it as the rules find it."""
    if _negative_case(sv, s, e) is not None:
        return None
    if kind == MEETING:
        name = meeting_name_after(sv, e)
        if name is not None:
            return TriggerHit(kind, s, e, "holding+name", score, name)
        name = meeting_name_before(sv, s)
        if name is not None:
            return TriggerHit(kind, s, e, "name+holding", score, name)
    return TriggerHit(kind, s, e, "learned", score)


def _snap(sv: SentenceView, t):
    """A learned trigger snapped to the trigger word it overlaps (举 → 举办, 签 → 签约); a learned span
    that overlaps no trigger word of the lexicon is kept only when it is at least two characters long."""
    for m in _TRIGGER_RE.finditer(sv.full, max(sv.start, t.start - 3), min(sv.end, t.end + 3)):
        if m.start() < t.end and t.start < m.end():
            return type(t)(_TYPE_OF[m.group(0)], m.start(), m.end(), t.score)
    return t if t.end - t.start >= 2 else None


def combine_triggers(sv: SentenceView, rule_hits: list[TriggerHit], learned: list, policy: str,
                     threshold: float) -> list[TriggerHit]:
    """The sentence's triggers under ``policy``: ``rules`` (the lexicon and its filters alone),
    ``union`` (the rules plus every learned trigger that no rule hit overlaps) or ``learned`` (the
    learned triggers; a rule hit of the same type at the same place lends its reason and name).
    ``learned`` holds TaggedSpan(type, cstart, cend, score) of the tagger's trigger head."""
    if policy == "rules" or not learned:
        return rule_hits if policy != "learned" else []
    mine = [t for t in learned if sv.start <= t.start and t.end <= sv.end and t.score >= threshold
            and not any(m.cstart < t.end and t.start < m.cend for m in sv.mentions)]
    out = list(rule_hits) if policy == "union" else []
    for t in filter(None, (_snap(sv, t) for t in mine)):
        same = [h for h in rule_hits if h.start < t.end and t.start < h.end]
        if policy == "union" and same:
            continue
        if policy == "learned" and same and same[0].type == t.label:
            out.append(TriggerHit(t.label, same[0].start, same[0].end, same[0].reason,
                                  round((same[0].score + t.score) / 2, 4), same[0].name))
            continue
        hit = learned_hit(sv, t.label, t.start, t.end, t.score)
        if hit is not None:
            out.append(hit)
    return sorted(out, key=lambda h: (h.start, h.end))
