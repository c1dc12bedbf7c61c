"""One sentence of the cleaned text with its entity mentions, and the small structural
questions the event rules ask of it: clause and segment bounds, the mention at a position,
the officials of a person list that ends at a cue word (…，…陪同 / 在…的见证下 / 由…主持),
and whether the sentence opens with a kicker line (a zone on its own line).

All positions are absolute offsets in the cleaned text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import LinkInput, Mention
from .lexicon import CLAUSE_PUNCT, SEGMENT_PUNCT

PERSON_LABELS = {"OFFICIAL", "TITLE", "ORG", "ZONE", "COMPANY"}
ORG_LABELS = {"ZONE", "COMPANY", "ORG"}
_HEADLINE_PUNCT = CLAUSE_PUNCT - {"\n"}
_PAREN = re.compile(r"[(（][^()（）]{0,8}[)）]")
# Words allowed around the mentions of a pure person list.
_LIST_FILLER = re.compile(r"^(?:[、和及与，,\s]|一行|等|以及|在|由|会议由|共同|分别|的|并|(?:我?[省市县区])?领导)*$")
# What may stand between the last name of a list and its cue besides a few characters: the groups
# that come along (…等领导及客商代表出席, …及有关负责人、百余名嘉宾参加).
_GROUP_GAP = re.compile(r"^(?:[、和及与\s]|以及|等|有关|相关|部分|全体|各界|主要|其他|其它|领导|同志|干部|代表|企业家|"
                        r"企业|嘉宾|客商|负责人|负责|应邀|一同|共同|也|还|园区|部门|单位|[0-9０-９]+|[余多]|名|位|家|个|"
                        r"专家|学者|人士|人员|班子|成员|四套|四大|(?:我?[省市县区])?领导|(?:出席|参加)[\u4e00-\u9fff]{0,8}?并)*$")


@dataclass
class SentenceView:
    inp: LinkInput
    start: int
    end: int
    mentions: list[Mention] = field(default_factory=list)

    @classmethod
    def of(cls, inp: LinkInput, start: int, end: int) -> "SentenceView":
        return cls(inp, start, end, inp.in_span(start, end))

    @property
    def full(self) -> str:
        return self.inp.clean.text

    @property
    def text(self) -> str:
        return self.full[self.start:self.end]

    # -- bounds --------------------------------------------------------------------------
    def _bounds(self, pos: int, stops: set[str]) -> tuple[int, int]:
        s = pos
        while s > self.start and self.full[s - 1] not in stops:
            s -= 1
        e = pos
        while e < self.end and self.full[e] not in stops:
            e += 1
        return s, e

    def clause(self, pos: int) -> tuple[int, int]:
        """The comma clause around ``pos``; in a headline the lines of the clause run together."""
        return self._bounds(pos, _HEADLINE_PUNCT if self.is_headline() else CLAUSE_PUNCT)

    def segment(self, pos: int) -> tuple[int, int]:
        """The part of the sentence around ``pos`` between semicolons (lines of a headline run together)."""
        return self._bounds(pos, SEGMENT_PUNCT - {"\n"} if self.is_headline() else SEGMENT_PUNCT)

    # -- mentions ------------------------------------------------------------------------
    def mention_at(self, pos: int) -> Mention | None:
        for m in self.mentions:
            if m.cstart <= pos < m.cend:
                return m
        return None

    def starting_at(self, pos: int, labels: set[str] | None = None) -> Mention | None:
        """The mention that starts at ``pos`` (of one of ``labels``), or None."""
        return next((m for m in self.mentions if m.cstart == pos and (labels is None or m.entity.label in labels)), None)

    def covered(self, start: int, end: int) -> bool:
        return any(m.cstart < end and start < m.cend for m in self.mentions)

    def between(self, start: int, end: int, labels: set[str] | None = None) -> list[Mention]:
        return [m for m in self.mentions if start <= m.cstart and m.cend <= end
                and (labels is None or m.entity.label in labels)]

    def residue(self, start: int, end: int) -> str:
        """Text of ``[start, end)`` with mentions and short parentheticals removed."""
        parts, pos = [], start
        for m in self.between(start, end):
            parts.append(self.full[pos:m.cstart])
            pos = m.cend
        parts.append(self.full[pos:end])
        return _PAREN.sub("", "".join(parts))

    def is_person_list(self, start: int, end: int) -> bool:
        """Only person-list material (titles, organisations, names, 、/等/一行) in ``[start, end)``."""
        if not self.between(start, end, {"OFFICIAL"}):
            return False
        return bool(_LIST_FILLER.match(self.residue(start, end)))

    def people_before(self, cue_pos: int, max_gap: int = 6) -> list[Mention]:
        """Officials of the person list that ends at the cue word starting at ``cue_pos``.

        The list is the part of the cue's clause before the cue, then earlier comma clauses
        as long as they hold nothing but a person list (…副市长庞卫东，…书记温晓春陪同).
        """
        cs, _ = self.clause(cue_pos)
        officials = self.between(cs, cue_pos, {"OFFICIAL"})
        if not officials:
            return []
        # The cue must follow the last name closely: 庞卫东陪同, 万宏(左二)陪同, 赵鑫等陪同, 段俊英的见证下.
        gap = _PAREN.sub("", self.full[officials[-1].cend:cue_pos])
        if len(gap) > max_gap and not _GROUP_GAP.match(self.residue(officials[-1].cend, cue_pos)):
            return []
        # Within the clause, keep the officials of the list right before the cue.
        first = officials[-1]
        for m in reversed(officials[:-1]):
            if self.is_list_gap(m.cend, first.cstart):
                first = m
            else:
                break
        result = [m for m in officials if m.cstart >= first.cstart]
        if first is officials[0] and self.is_list_gap(cs, first.cstart, allow_lead=True):
            pos = cs
            while pos > self.start and self.full[pos - 1] in "，,":
                ps, _ = self.clause(pos - 1)
                if not self.is_person_list(ps, pos - 1):
                    break
                result = self.between(ps, pos - 1, {"OFFICIAL"}) + result
                pos = ps
        return result

    def is_list_gap(self, start: int, end: int, allow_lead: bool = False) -> bool:
        """Only titles/organisations and list joiners between two names (or before the first)."""
        res = self.residue(start, end)
        if allow_lead:
            return bool(_LIST_FILLER.match(res))
        return bool(re.match(r"^(?:[、和及与，,\s]|以及|等|(?:我?[省市县区])?领导)*$", res))

    # -- headline ------------------------------------------------------------------------
    def kicker(self) -> Mention | None:
        """The zone of a kicker line that opens this sentence (``晋中开发区\\n总投资…签约落地``)."""
        nl = self.full.find("\n", self.start, self.end)
        if nl < 0:
            return None
        line = self.full[self.start:nl].strip()
        zones = self.between(self.start, nl, {"ZONE"})
        if len(zones) == 1 and self.full[zones[0].cstart:zones[0].cend] == line:
            return zones[0]
        return None

    def is_headline(self) -> bool:
        return "\n" in self.text
