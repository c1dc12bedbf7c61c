"""Span rules applied to the tagger's output on the cleaned text (SCHEMA.md span rules).

- a name does not begin or end inside a word (word_boundaries.py, jieba's dictionary);

- no surrounding quotes, brackets or book-title marks inside a span, and a quote opened inside a span
  and closed after it starts the name (云南省“高创园” → 高创园);
- bylines are not OFFICIALs: a name alone in brackets closing a paragraph ((魏亚东)), a name in a
  credit bracket after 记者 or 通讯员 ((记者某某 通讯员某某某)),
  a name after ■ at a line start, a name standing alone on the last line, a photo credit (某某 摄); and no name of any label
  is written right after a credit word (实习生 某某摄, 文/图 某某集团);
- an OFFICIAL ending like a place (某某镇, 某某县) is a place;
- 习近平 inside the doctrine name 习近平新时代中国特色社会主义思想 is not an OFFICIAL, nor is a surname
  with a title (马书记, 林董: is_title_reference) or a frequent dictionary word that names no one (扶贫,
  周一: is_common_word);
- an AMOUNT holds a numeral (a lone qualifier such as 达 or 约 cut off by the tagger is dropped);
- a company name takes the longest form as written: a legal-form suffix written right after a
  COMPANY span (大金重工 + 公司) belongs to it; a suffix tagged alone right after a name
  (北京亦庄智能城市研究院 + 有限公司) makes the two one COMPANY; a suffix standing alone
  (集团, 集团公司 used as an anaphor) is no name and is dropped; a span of trade words and a legal
  form (控股股份有限公司) starts at the name written right before it (company_heads.py), and an untagged
  name right before a business title (董事长, 总经理) is a COMPANY (title_holders.py), and so is a name
  written with a business noun (某某大酒店, 某某度假村: business_nouns.py); an ORG whose name ends in
  公司 is a COMPANY (GUIDELINES §2.3); a web site (某某网) is no COMPANY, 甲集团旗下乙有限公司 is
  two, 甲有限公司全资子公司 is 甲有限公司, and a generic company noun (合资公司, 平台公司) is no name
  (company_parts);
- a name (ZONE, OFFICIAL, COMPANY, ORG, PROJECT) has at least two characters;
- a name does not run over a paragraph break (one_line);
- two ZONE spans written together, each with a zone word, are one ZONE (the longest name as
  written: 综改区晋中开发区), and an area named only by its function or direction after a zone's name
  (核心区, 园区, 南部片区) or a closing locative (内) is not part of the ZONE (GUIDELINES §10.23), and a
  zone named after two places joined by a dash (青山-白石经济技术开发区) is one name (§10.41) —
  zone_names;
- a closing bracket whose opening bracket is inside the span stays (某某经济区(某某区));
- a ZONE is a named zone (SCHEMA, "Span rules seen on real web and news-wire pages"): a span with no
  zone word that ends like an administrative place, port, road or bridge (城关镇, 某某区, 某某港, 某某大桥)
  is no ZONE, nor is a zone-type phrase with no name of its own (综合保税区, 国家级经济技术开发区,
  临空经济区), nor an administrative district named 某某新区 (浦东新区), nor a span with no zone
  word that does not end like a zone (某某酒店, 某某体育场), nor a route (甲至乙新区) or a 市/县 zone
  with no name of its own (市城乡一体化示范区) — see zone_words.py (is_not_named_zone);
- a DATE is a point or period of the calendar: a clock time alone (07:02, page furniture), a single
  character (年 of 年度, 来 of 下来), digits glued into a long serial number (索引号, image file
  names), a duration (六年, 一周), an anniversary (40周年), an ordinal (第二), 年度 meaning "annual"
  or a year in a document number (〔2022〕) is no DATE; a closing 起 (自2006年起) is left out, like 截至
  before it, and so is a list number before it (6、7月20日); a range is one DATE, and a relative
  word after a date (之前, 底前, 年间) is not part of it (date_spans.py);
- a comparison word tagged alone right before an AMOUNT is part of it (过 | 千亿元 → 过千亿元);
- an AMOUNT has a number and a unit: a bare number (50 of 50亿级), a bare scale (亿元 of 亿元项目) is no
  AMOUNT; it does not end in a dangling 至 or 到 (10亿元至 → 10亿元) nor start with 等 (等亿元以上);
- a number without a unit followed by a counting word (282.38万人次, 520万单) is a count, not an
  AMOUNT (10亿元以上项目 keeps its span: it ends in a unit), and a quantity per unit (80km/h) is a rate.
"""
from __future__ import annotations

import re
from typing import Callable

from .base import TaggedSpan
from .business_nouns import business_names
from .company_heads import legal_form_end, take_heads
from .date_spans import date_edges, join_ranges, relative_dates
from .title_holders import title_holders
from .word_boundaries import (COMPARISON_WORDS, line_bounds, name_start, snap_to_words, word_frequency,
                              words_with_pos)
from .zone_words import has_zone_word, is_bare_place, is_not_named_zone, named_zone_end

WRAPPERS = "“”\"'‘’《》〈〉（）()【】[]「」『』〔〕［］ \u3000\n\t、，,。；;：:·•"
# Closing brackets and quotes and their opening ones (a closing one opened inside a span stays in it).
_PAIRS = {")": "(", "）": "（", "】": "【", "]": "[", "〕": "〔", "］": "［", "」": "「", "』": "『", "》": "《",
          "〉": "〈", "’": "‘", "”": "“"}
# the opening quotes and the quote that closes each
_CLOSE_QUOTE = {opening: closing for closing, opening in _PAIRS.items() if closing in "”’」』"}
OPEN_BRACKETS = "(（"
CLOSE_BRACKETS = ")）"
DOCTRINE = "新时代中国特色社会主义思想"
NUMERALS = set("0123456789０１２３４５６７８９零〇一二两三四五六七八九十百千万亿数几")


def strip_wrappers(text: str, span: TaggedSpan) -> TaggedSpan | None:
    s, e = span.start, span.end
    while s < e and text[s] in WRAPPERS:
        s += 1
    while e > s and text[e - 1] in WRAPPERS:
        opening = _PAIRS.get(text[e - 1])
        if opening is not None and text.count(opening, s, e - 1) > text.count(text[e - 1], s, e - 1):
            break   # the bracket closes one opened inside the span: 某某经济区(某某区) keeps it
        e -= 1
    # a quote opened inside the span and closed after it: the quoted name is the name (云南省“高创园” → 高创园)
    for i in range(e - 1, s, -1):
        if text[i] in _CLOSE_QUOTE and _CLOSE_QUOTE[text[i]] not in text[i + 1:e]:
            s = i + 1
            break
    if s >= e:
        return None
    return span if (s, e) == (span.start, span.end) else TaggedSpan(span.label, s, e, span.score)


CREDIT_WORDS = ("记者", "通讯员", "实习生", "摄影", "编辑", "特约撰稿", "文/图", "文／图", "图/文", "图／文")
PLACE_SUFFIX_CHARS = "省市县区镇乡村"


def is_credit(text: str, span: TaggedSpan) -> bool:
    """Any name written right after a credit word (实习生 某某摄, 记者 某某): a byline, whatever its label."""
    if span.label not in NAME_LABELS:
        return False
    a = text.rfind("\n", 0, span.start) + 1
    return text[a:span.start].rstrip(" \u3000").endswith(CREDIT_WORDS)


_PHOTO_CREDIT = re.compile(r"[ \u3000]*摄(?![影像制氏入取])")


def is_byline(text: str, span: TaggedSpan) -> bool:
    if is_credit(text, span):
        return True
    if span.label != "OFFICIAL":
        return False
    s, e = span.start, span.end
    a, b = line_bounds(text, s, e)
    before, after = text[a:s].rstrip(" \u3000"), text[e:b].strip(" \u3000")
    # (魏亚东) / （王文军） closing a paragraph, possibly with several names
    if before.endswith(tuple(OPEN_BRACKETS)) or (before and before[-1] in "、 " and "(" in before[-6:] + "（"):
        tail = after.lstrip("、 ")
        if tail[:1] in CLOSE_BRACKETS and not tail[1:].strip():
            return True
        if tail[:1] in CLOSE_BRACKETS and tail[1:].strip() in ("。",):
            return True
    # (记者某某 通讯员某某) / (记者某某)国务院…: names in a credit bracket after a credit word
    opened = max(before.rfind("("), before.rfind("（"))
    if opened >= 0 and not any(ch in before[opened:] for ch in ")）。") and (
            any(word in before[opened:] for word in CREDIT_WORDS)) and any(ch in after[:30] for ch in ")）"):
        return True
    # 某某 摄 / 某某摄: a photo credit (not 摄影, 摄像, 摄制)
    if _PHOTO_CREDIT.match(text, e):
        return True
    # ■ 何志敏 at a line start
    if before.strip() in ("■", "□", "◆", "●", "文/", "文／", "记者", "通讯员", "作者：", "作者:", "责任编辑：", "编辑："):
        return True
    # a name alone on its line
    if not before.strip() and not after:
        return True
    return False


# Titles that follow a surname in a reference by surname and title (马书记, 林董, 王总: GUIDELINES §2.2).
SURNAME_TITLES = ("书记", "市长", "县长", "区长", "镇长", "乡长", "省长", "主任", "局长", "部长", "厅长", "处长",
                  "科长", "院长", "校长", "所长", "站长", "主席", "董事长", "总经理", "经理", "董", "总")


def is_title_reference(text: str, span: TaggedSpan) -> bool:
    """An OFFICIAL that is one character (a surname) and a title: 马书记, 林董 — no name."""
    name = text[span.start:span.end]
    return span.label == "OFFICIAL" and any(name.endswith(t) and len(name) == len(t) + 1 for t in SURNAME_TITLES)


# Parts of speech of dictionary words that can be people's names (nr, nrfg, nrt), or places and other
# proper names that people are also called (ns, nz); jieba's dictionary knows few people's names.
_NAME_POS = ("nr", "ns", "nz", "j", "eng", "x")
COMMON_NAME_FREQ = 200   # no gold OFFICIAL is a dictionary word of another kind this frequent (海生 is 91)


def is_common_word(text: str, span: TaggedSpan) -> bool:
    """An OFFICIAL that is one frequent dictionary word tagged as no name: 扶贫, 素材, 周一."""
    if span.label != "OFFICIAL":
        return False
    name = text[span.start:span.end]
    words = words_with_pos(name)
    return (len(words) == 1 and not words[0][1].startswith(_NAME_POS)
            and word_frequency(name) >= COMMON_NAME_FREQ)


def is_doctrine(text: str, span: TaggedSpan) -> bool:
    return span.label == "OFFICIAL" and text.startswith(DOCTRINE, span.end)


COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "集团公司",
                    "有限公司", "公司", "集团")
_SUFFIXES_LONGEST_FIRST = tuple(sorted(COMPANY_SUFFIXES, key=len, reverse=True))
MERGEABLE = {"COMPANY", "ORG", "ZONE", "PROJECT"}
NAME_LABELS = {"ZONE", "OFFICIAL", "COMPANY", "ORG", "PROJECT"}
COUNT_WORDS = ("人次", "人", "名", "位", "个", "家", "户", "单", "件", "次", "项", "辆", "台", "套", "批", "笔",
               "条", "款", "张", "份", "只", "头", "株", "棵", "篇", "场", "届", "岗")


def _suffix_after(text: str, end: int) -> int:
    """The end of a company legal-form suffix written right at ``end`` (``end`` if none)."""
    for suffix in _SUFFIXES_LONGEST_FIRST:
        if text.startswith(suffix, end):
            return end + len(suffix)
    return end


def one_line(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """A name does not run over a paragraph break: a name span with a line break inside keeps its
    longest line part, or its last part when a span of the same label follows right after it
    (a caption's 某某摄 + 和 | 林格尔新区 → 和 + 林格尔新区, joined by zone_names)."""
    out = []
    for k, span in enumerate(spans):
        surface = text[span.start:span.end]
        if span.label in NAME_LABELS and "\n" in surface:
            parts, pos = [], span.start
            for piece in surface.split("\n"):
                parts.append((pos, pos + len(piece)))
                pos += len(piece) + 1
            nxt = spans[k + 1] if k + 1 < len(spans) else None
            if nxt is not None and nxt.start == span.end and nxt.label == span.label and parts[-1][1] > parts[-1][0]:
                a, b = parts[-1]
            else:
                a, b = max(parts, key=lambda p: (p[1] - p[0], p[0]))
            if b <= a:
                continue
            span = TaggedSpan(span.label, a, b, span.score)
        out.append(span)
    return out


def _join_touching(spans: list[TaggedSpan], label: str,
                   joins: Callable[[TaggedSpan, TaggedSpan], bool]) -> list[TaggedSpan]:
    """Sorted, non-overlapping ``spans`` with each span of ``label`` that starts where the previous one
    of ``label`` ends joined to it when ``joins(previous, span)``; the joined span keeps the lower score."""
    out: list[TaggedSpan] = []
    for span in spans:
        prev = out[-1] if out else None
        if (span.label == label and prev is not None and prev.label == label and prev.end == span.start
                and joins(prev, span)):
            out[-1] = TaggedSpan(label, prev.start, span.end, min(prev.score, span.score))
            continue
        out.append(span)
    return out


def zone_names(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Apply the zone span rules to sorted, non-overlapping spans: two ZONEs written together, each
    with a zone word, are one name (GUIDELINES §1, the longest name as written: 综改区晋中开发区), and
    a function area or locative after a zone's name is left out (某某新城核心区 → 某某新城, §10.23)."""
    out = _join_touching(spans, "ZONE", lambda prev, span: (
        has_zone_word(text[prev.start:prev.end]) and has_zone_word(text[span.start:span.end])
        and text[prev.end - 1] not in WRAPPERS and text[span.start] not in WRAPPERS))
    for k, span in enumerate(out):
        if span.label == "ZONE":
            end = span.start + named_zone_end(text[span.start:span.end])
            if end < span.end:
                out[k] = TaggedSpan("ZONE", span.start, end, span.score)
    return _dash_pairs(text, out)


DASHES = "-—–－"
DASH_PAIR_CHARS = (2, 6)   # the length of the first name of a pair (青山-白石…, 中国—北欧…)
DASH_CONTEXT = 12          # how far back the words before the dash are read


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _dash_pairs(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """A zone named after two places joined by a dash (青山-白石经济技术开发区, 中国—北欧金融城) is one
    name: a ZONE that starts right after one dash takes the name written before it — a ZONE span
    touching the dash, or the untagged Chinese words back to the clause's start or the words leading
    into the name (word_boundaries.name_start) — when that name has two to six characters."""
    out: list[TaggedSpan] = []
    low, high = DASH_PAIR_CHARS
    for span in spans:
        s = span.start
        prev = out[-1] if out else None
        if span.label == "ZONE" and s >= 3 and text[s - 1] in DASHES and text[s - 2] not in DASHES:
            if prev is not None and prev.end == s - 1:
                if prev.label == "ZONE" and low <= prev.end - prev.start <= high:
                    out[-1] = TaggedSpan("ZONE", prev.start, span.end, min(prev.score, span.score))
                    continue
            else:
                limit = prev.end if prev is not None else 0
                a = s - 1
                while a > limit and s - 1 - a < DASH_CONTEXT and _is_han(text[a - 1]):
                    a -= 1
                cut = name_start(text[a:s - 1])
                whole = cut > 0 or a == limit or not _is_han(text[a - 1])   # not a word cut by the reach
                a += cut
                if whole and low <= s - 1 - a <= high:
                    span = TaggedSpan("ZONE", a, span.end, span.score)
        out.append(span)
    return out


def company_names(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Apply the company-suffix rules to sorted, non-overlapping spans."""
    out: list[TaggedSpan] = []
    for span in spans:
        if span.label == "COMPANY" and text[span.start:span.end] in COMPANY_SUFFIXES:
            prev = out[-1] if out else None
            if prev is not None and prev.end == span.start and prev.label in MERGEABLE:
                out[-1] = TaggedSpan("COMPANY", prev.start, span.end, min(prev.score, span.score))
            continue  # merged into the name before it, or a bare suffix
        if span.label == "ORG" and text[span.start:span.end].endswith("公司"):
            span = TaggedSpan("COMPANY", span.start, span.end, span.score)
        out.append(span)
    for k, span in enumerate(out):
        if span.label != "COMPANY":
            continue
        end = _suffix_after(text, span.end)
        nxt = out[k + 1].start if k + 1 < len(out) else len(text)
        if end > span.end and end <= nxt:
            out[k] = TaggedSpan(span.label, span.start, end, span.score)
    return out


# Company nouns that name no company (合资公司 used as an anaphor, 平台公司 describing one).
GENERIC_COMPANY_NOUNS = ("合资公司", "平台公司", "子公司", "母公司", "控股公司", "全资子公司", "控股子公司",
                         "全资控股子公司", "新公司", "该公司", "本公司", "这家公司", "龙头企业")
_SUBSIDIARY_TAIL = ("全资控股子公司", "全资子公司", "控股子公司", "子公司")


def amount_qualifiers(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """A comparison word tagged alone right before an AMOUNT (过 | 千亿元, 超过 | 5亿元) is part of it."""
    return _join_touching(spans, "AMOUNT", lambda prev, span: text[prev.start:prev.end] in QUALIFIER_WORDS)


def company_parts(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """COMPANY spans held to one company each (GUIDELINES §2.4): a web site (某某网, 某某 + 网) is no
    COMPANY; a span running past its legal form into common words ends there (某某集团芯片 → 某某集团);
    甲集团旗下乙有限公司 is two; 甲有限公司全资子公司 is 甲有限公司; a generic company noun
    (合资公司, 平台公司) is no name, alone or before one (平台公司某某集团 → 某某集团)."""
    out = []
    for span in spans:
        if span.label != "COMPANY":
            out.append(span)
            continue
        s, e = span.start, span.end
        name = text[s:e]
        if name.endswith("网") or text.startswith("网", e):
            continue
        if name in GENERIC_COMPANY_NOUNS:
            continue
        for noun in sorted(GENERIC_COMPANY_NOUNS, key=len, reverse=True):
            if name.startswith(noun) and len(name) - len(noun) >= 2:
                s += len(noun)
                name = text[s:e]
                break
        for tail in _SUBSIDIARY_TAIL:
            inner = name[:-len(tail)]
            if name.endswith(tail) and inner.endswith(COMPANY_SUFFIXES) and len(inner) >= 4:
                e -= len(tail)
                name = text[s:e]
                break
        cut = legal_form_end(name)
        if cut < len(name):          # 某某集团芯片 → 某某集团
            e = s + cut
            name = text[s:e]
        at = name.find("旗下")
        if 2 <= at and len(name) - at - 2 >= 2:
            out.append(TaggedSpan("COMPANY", s, s + at, span.score))
            out.append(TaggedSpan("COMPANY", s + at + 2, e, span.score))
            continue
        out.append(span if (s, e) == (span.start, span.end) else TaggedSpan("COMPANY", s, e, span.score))
    return out


def is_count(text: str, span: TaggedSpan) -> bool:
    """A bare number (no unit: it ends in a numeral, 多 or 余) followed by a counting word."""
    last = text[span.end - 1]
    return (last in NUMERALS or last in "多余.") and text.startswith(COUNT_WORDS, span.end)


# Comparison words tagged alone before an AMOUNT that join it (a lone 达 or 约 stays out, GUIDELINES §2.7).
QUALIFIER_WORDS = set(COMPARISON_WORDS)
_LIST_NUMBER = re.compile(r"\d{1,2}、")
_CLOCK_ONLY = re.compile(r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?")
_LONG_DIGIT_RUN = re.compile(r"\d{9,}")


def trim_number(text: str, span: TaggedSpan) -> TaggedSpan:
    """A DATE without its closing 起 or an opening list number (6、); an AMOUNT without a dangling
    至/到/及 (but with the 以下 of 及以下) or a leading 等."""
    s, e = span.start, span.end
    if span.label == "DATE":
        if e - s > 1 and text[e - 1] == "起":
            e -= 1
        listed = _LIST_NUMBER.match(text, s, e)
        if listed and listed.end() < e:
            s = listed.end()    # 6、7月20日: the 6、 numbers a list item
    elif span.label == "AMOUNT":
        if text[e - 1] == "及" and text[e:e + 2] in ("以下", "以上"):
            e += 2      # 20蒸吨及 | 以下 → 20蒸吨及以下
        while e - s > 1 and text[e - 1] in "至到和及、":
            e -= 1
        while e - s > 1 and text[s] in "等":
            s += 1
    return span if (s, e) == (span.start, span.end) else TaggedSpan(span.label, s, e, span.score)


_COUNT_OF = r"(?:\d{1,2}|[一二两三四五六七八九十几多数]+)"
_DURATION = re.compile(
    _COUNT_OF + r"(?:年|周|个月|天|周年)|\d+周年"
    + "|" + _COUNT_OF + r"(?:年|周|个月|天|日)内"           # 3年内, 7日内: within a span of time
    + "|" + _COUNT_OF + r"[—\-~～至]" + _COUNT_OF + r"年"   # 3—5年 (not 2017—2020年: years have four digits)
    + "|半年|前" + _COUNT_OF + "秒")
_ORDINAL = re.compile(r"第[0-9零〇一二两三四五六七八九十百]+")
NOT_DATES = ("年度", "目前", "当前", "如今", "现在")


_YEARS_OF_HISTORY = re.compile(r"(\d{3,4})(?:多|余)?年(?:前|来|历史|的历史)")
CALENDAR_YEARS = (1800, 2100)


def _is_span_of_years(text: str, span: TaggedSpan) -> bool:
    """A count of years of history (2600多年历史, 4000年前, 500年来): hundreds of years, no calendar
    year, the span inside that phrase."""
    m = _YEARS_OF_HISTORY.match(text, span.start)
    return (m is not None and span.end <= m.end()
            and not CALENDAR_YEARS[0] <= int(m.group(1)) <= CALENDAR_YEARS[1])


def is_not_date(text: str, span: TaggedSpan) -> bool:
    """A count of years of history (2600多年历史), a clock time alone, a single character, digits of a serial number or file name, a duration
    (六年, 2年, 一周), an anniversary (40周年), an ordinal (第二 of 第二十二届), 年度 as "annual", the
    deictic now, or a year inside a document number (某发〔2022〕2号)."""
    surface = text[span.start:span.end]
    return (len(surface) < 2 or surface in NOT_DATES or bool(_CLOCK_ONLY.fullmatch(surface))
            or _is_span_of_years(text, span)
            or bool(_LONG_DIGIT_RUN.search(surface)) or bool(_DURATION.fullmatch(surface))
            or bool(_ORDINAL.fullmatch(surface))
            or (text[span.start - 1:span.start] in "〔[［" and text[span.end:span.end + 1] in "〕]］" and span.start > 0
                and span.end < len(text)))


_NUMBER_ONLY = re.compile(r"[0-9０-９.零〇一二两三四五六七八九十百千多余几数]+")
_BARE_UNIT = re.compile(r"[万亿]+元?")


_HTML_TAG = re.compile(r"<[^<>]*>")
_PER_UNIT = re.compile(r"[ \u3000]*[/／][ \u3000]*(?![年月日天])[A-Za-z\u4e00-\u9fff]")
_PER_IN_SPAN = re.compile(r"[/／][ \u3000]*(?![年月日天])[A-Za-z\u4e00-\u9fff]")


def is_rate(text: str, span: TaggedSpan) -> bool:
    """A quantity per unit of length, area or time of travel (80km/h, 5.9千米/平方千米): a rate, not an
    AMOUNT (GUIDELINES §10.38). A capacity per year, month or day (30万吨/年) stays an AMOUNT, and the
    slash of an HTML tag inside the span (m<sup>2</sup>) is no 'per'."""
    surface = _HTML_TAG.sub("", text[span.start:span.end])
    return bool(_PER_IN_SPAN.search(surface)) or bool(_PER_UNIT.match(text, span.end))


def is_not_amount(text: str, span: TaggedSpan) -> bool:
    """No numeral; a bare number with no unit (the 50 of 50亿级); a bare scale (亿元 of 亿元项目,
    GUIDELINES §10.24; 亿元以上 is an AMOUNT); a count (is_count); a rate (is_rate)."""
    surface = text[span.start:span.end]
    return (not NUMERALS.intersection(surface) or bool(_NUMBER_ONLY.fullmatch(surface))
            or bool(_BARE_UNIT.fullmatch(surface)) or is_count(text, span) or is_rate(text, span))


def apply_filters(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    spans = relative_dates(text, snap_to_words(text, sorted(spans, key=lambda s: (s.start, s.end))))
    spans = take_heads(text, company_names(text, sorted(spans, key=lambda s: (s.start, s.end))))
    spans = business_names(text, title_holders(text, spans))
    spans = amount_qualifiers(text, company_parts(text, zone_names(text, one_line(text, spans))))
    spans = join_ranges(text, spans)
    out = []
    for span in spans:
        span = strip_wrappers(text, span)
        if (span is None or is_byline(text, span) or is_doctrine(text, span) or is_title_reference(text, span)
                or is_common_word(text, span)):
            continue
        span = date_edges(text, trim_number(text, span))
        if span.label == "DATE" and is_not_date(text, span):
            continue
        if span.label in NAME_LABELS and span.end - span.start < 2:
            continue
        if span.label == "OFFICIAL" and span.end - span.start >= 3 and text[span.end - 1] in PLACE_SUFFIX_CHARS:
            continue    # 某某镇, 某某县: a place, not a person
        if span.label == "ZONE" and (is_not_named_zone(text[span.start:span.end])
                                     or is_bare_place(text[span.start:span.end], text)):
            continue
        if span.label == "AMOUNT" and is_not_amount(text, span):
            continue
        out.append(span)
    return out
