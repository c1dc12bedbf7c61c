"""The name written right before a business title is a company (GUIDELINES §10.43).

A chairman, general manager, president or shop manager (董事长, 总经理, 总裁, 店长, 厂长) holds the
title in a company: in every gold part, the name written right before such a TITLE is a COMPANY 77
times out of 80 (the other three are a person's name, 周立新董事长).  On news-wire pages the tagger
leaves many of these companies untagged (某某网络副总裁, 某某店店长).  Such an untagged name becomes a
COMPANY when it is:

- the untagged words written right before the TITLE, back to the clause's start or the words that
  lead into the name (word_boundaries.name_before), of two to twelve characters;
- no generic noun (公司, 该公司, 集团), no common word or place of jieba's dictionary alone, and
  not a person's name (jieba's nr of two or three characters: 张三董事长 names a person).

A TITLE the tagger ran over the company (某某青年汇南门店店长) is split into the COMPANY and the title
(店长) when the words before the title read as a name and end in no unit or body (事业部, 区, 委).
"""
from __future__ import annotations

from .base import TaggedSpan
from .company_heads import reads_as_name
from .consistency import COMMON_WORD_FREQ
from .word_boundaries import is_place_word, name_before, word_frequency, words_with_pos

BUSINESS_TITLES = ("董事长", "总经理", "总裁", "店长", "厂长", "首席执行官", "CEO")
_TITLE_PREFIXES = ("", "副", "常务副", "执行")
# Every business title with its prefixes, the longer prefix first for each title (常务副总经理 before 副总经理).
_BUSINESS_HEADS = tuple(p + t for t in BUSINESS_TITLES for p in sorted(_TITLE_PREFIXES, key=len, reverse=True))
HOLDER_CHARS = (2, 12)
HOLDER_SCORE = 0.6
GENERIC_HOLDERS = ("公司", "该公司", "本公司", "集团", "该集团", "企业", "该企业", "其", "总公司", "分公司", "子公司",
                   "集团公司", "母公司", "合资公司", "原", "现", "前")


def _is_business_title(title: str) -> bool:
    return title.startswith(_BUSINESS_HEADS)


def _is_person(name: str) -> bool:
    words = words_with_pos(name)
    return len(words) == 1 and words[0][1].startswith("nr") and len(name) <= 3


# What the words before a business title end in when they name a unit or a body, not a company.
_UNIT_ENDINGS = ("部", "处", "科", "室", "组", "区", "中心", "办", "项目", "委", "局", "厅", "政府", "会", "队", "站")
_TITLE_WORDS = ("书记", "主任", "委员", "经理", "董事", "长", "总监", "主管", "和", "兼", "、")


def _split_joined(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """A TITLE that holds the company before its business title (某某青年汇南门店店长) is that COMPANY and
    the TITLE (店长), when the words before the title read as a name and name no unit or body."""
    out = []
    for span in spans:
        title = text[span.start:span.end]
        head = next((h for h in _BUSINESS_HEADS if title.endswith(h)), None) if span.label == "TITLE" else None
        prefix = title[:-len(head)] if head else ""
        if (HOLDER_CHARS[0] <= len(prefix) <= HOLDER_CHARS[1] and not prefix.endswith(_UNIT_ENDINGS)
                and not any(w in prefix for w in _TITLE_WORDS) and prefix not in GENERIC_HOLDERS
                and reads_as_name(prefix) and not _is_person(prefix)):
            cut = span.end - len(head)
            out += [TaggedSpan("COMPANY", span.start, cut, span.score), TaggedSpan("TITLE", cut, span.end, span.score)]
            continue
        out.append(span)
    return out


def title_holders(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Sorted, non-overlapping ``spans`` plus a COMPANY for each untagged name written right before
    a business title, and the company a TITLE holds split from it (see the module docstring)."""
    spans = _split_joined(text, spans)
    added: list[TaggedSpan] = []
    for k, span in enumerate(spans):
        if span.label != "TITLE" or not _is_business_title(text[span.start:span.end]):
            continue
        limit = spans[k - 1].end if k > 0 else 0
        if limit == span.start:
            continue                    # a name (or another title) is tagged right before it
        a = name_before(text, span.start, limit, HOLDER_CHARS[1] + 6)
        name = text[a:span.start]
        if not HOLDER_CHARS[0] <= len(name) <= HOLDER_CHARS[1] or name in GENERIC_HOLDERS:
            continue
        if word_frequency(name) >= COMMON_WORD_FREQ or is_place_word(name) or _is_person(name):
            continue
        if name.endswith(GENERIC_HOLDERS[:3]) and len(name) <= 4:
            continue                    # 该公司, 这家公司
        added.append(TaggedSpan("COMPANY", a, span.start, HOLDER_SCORE))
    return sorted(spans + added, key=lambda s: (s.start, s.end)) if added else spans
