"""Word-boundary evidence for name spans: a ZONE, COMPANY, ORG or PROJECT does not begin or end
inside a word (GUIDELINES §1).

The character tagger sometimes cuts a name through a word: 和[林格尔新区] (the 和 of 和林格尔 read
as "and"), [大盂产业新]城, 落[户江北新区].  jieba's dictionary segmentation (no HMM guesses for
unknown words) of the span's line tells where the words are:
- a span that starts inside a word moves to the nearer edge of that word; on a tie it gives the
  character up (落户 + 江北新区: 户 leaves);
- a span that ends inside a word is extended to the word's end when that is at most two characters
  further and the word ends like the span's label (a zone word's last character such as 区, 园,
  城, 港; a legal form such as 公司, 集团): 郑州航空港实|验区 → 郑州航空港实验区; or when the span
  is the start of one dictionary word of four characters or more (某某基|因 → the whole word);
- a span that takes one character of the next word gives it up (某某|来说 → 某某), and so does a
  span that ends in a one-character function word of its own (宏和|的, 某某庄园|能);
A move that would overlap another span, or leave fewer than two characters, is not made.
People's names are otherwise left alone (jieba's dictionary knows few of them), except that a name of
three characters or more whose last character begins a dictionary word running on past it gives that
character up (贾某德担|任 → 贾某德, 张某仔|细 → 张某; in the gold of every train part 3 of 897 such names end
that way, all before 等 or 说, which are kept).  ``is_place_word`` reads the
dictionary's place names (part of speech ns) for the rules that tell places from names.

DATE and AMOUNT spans are held to the words of their numbers (``snap_number_span``):
- a span never stops inside a run of digits (201|9 → 2019; 16.|10.2014 → 16.10.2014);
- a span that ends inside a word takes the rest of that word when it is a date or amount ending
  (1至5月|份 → 1至5月份, 日|前 → 日前, 160亿元左|右 → 160亿元左右, 11个|月), else gives the word up
  (2021年|即将 → 2021年);
- an AMOUNT that starts inside a word leaves it (其|中亿元以上 → 亿元以上), and one that ends
  inside a run of Latin letters leaves them (90米LN|G → 90米);
- a comparison word right before an AMOUNT's number is inside it (过|千亿元 → 过千亿元, not 通过);
- a day written in digits takes its 号 or 日 (3月12|号凌晨 → 3月12号凌晨);
- a relative date cut inside a word takes the whole word (这|些年 → 这些年, 近两|年 → 近两年) and a
  number's 年来 (40|年来 → 40年来);
- a part of the day written right after a day is part of the DATE (SCHEMA: 3月8日上午, 9日晚).
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from functools import lru_cache

from .base import TaggedSpan

SNAPPED_LABELS = ("ZONE", "COMPANY", "ORG", "PROJECT")
# The last characters of the words a span of the label may be extended into.
END_WORDS = {"ZONE": tuple("区园城港谷岛湾"), "COMPANY": ("公司", "集团", "厂", "银行")}
MAX_EXTENSION = 2
# Characters a name may end in although the dictionary glues them to the next word (城|内, 三|等).
# One-character function words no name ends in when the dictionary writes them as words of their own
# (not 和, which ends names such as 宏和; not 地 or 得).
TRAILING_FUNCTION_WORDS = set("的了将在是把被从向对能与及等")
NAME_FINAL_CHARS = set("区园城港谷岛湾厂店馆院所站场局委会司团行部社处中心0123456789一二三四五六七八九十")

NUMBER_LABELS = ("DATE", "AMOUNT")
# Words a DATE or AMOUNT span cut inside is extended to the end of.
DATE_WORD_ENDINGS = ("月份", "日前", "年底", "年初", "年末", "月底", "月初", "月末", "中旬", "上旬", "下旬", "年代")
AMOUNT_WORD_ENDINGS = ("左右", "以上", "以下", "之多", "人民币")
# Characters that end a date word (a DATE is not cut back through them) and qualifiers that open an AMOUNT.
DATE_TERMINALS = "年月日号天底初末旬份季周时分秒前后来内间晚午"
AMOUNT_QUALIFIERS = "约近超逾达过共合总"
# Comparison words written right before an amount's number, inside its span (GUIDELINES §10.8).
# Comparison words and bounds written before a number, inside the AMOUNT (GUIDELINES §10.8), longer first.
COMPARISON_WORDS = ("不低于", "不少于", "不超过", "超过", "接近", "将近", "不足", "不到", "最高", "最低", "至少", "最多",
                    "逾", "超", "过", "近")
_NUMBER_STARTS = set("0123456789０１２３４５６７８９一二两三四五六七八九十百千万亿数几")
# Words that end in a qualifier character: 签约 + 亿元以上 is no 约亿元以上.
COMMON_VERBS = ("签约", "节约", "制约", "预约", "履约", "违约", "邀约", "附近", "最近", "临近", "赶超",
                "到达", "抵达", "下达", "表达", "传达", "通过", "经过", "不过", "总共", "综合", "联合", "结合")
# Parts of the day that follow a day (日, 号, 天) inside one DATE span.
DAY_PARTS = ("上午", "下午", "中午", "晚上", "早上", "凌晨", "傍晚", "夜间", "晚间", "晚")
_NOT_DAY_PART_AFTER_晚 = tuple("会报宴餐饭霞年期辈")
# What a relative date may begin with inside a word cut by its span (这|些年, 一|年来, 近|两年).
_DATE_LEAD_CHARS = set("这那近一二两三四五六七八九十几多数上本每")
_NUMBER_CHARS = set("0123456789０１２３４５６７８９一二两三四五六七八九十几多")
_DAY_IN_DIGITS = re.compile(r"月[ \u3000]*\d{1,2}$")



@lru_cache(maxsize=1)
def _segmenter():
    """jieba's default dictionary, loaded once (about a second the first time)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def warm_up() -> None:
    """Load jieba's dictionary and parts of speech now rather than on the first document
    (``Pipeline.load`` calls it)."""
    _segmenter()
    _place_words()
    _pos_tagger()


@lru_cache(maxsize=256)
def word_edges(line: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) of every word of ``line`` in jieba's dictionary segmentation."""
    out, pos = [], 0
    for w in _segmenter().cut(line, HMM=False):
        out.append((pos, pos + len(w)))
        pos += len(w)
    return tuple(out)


def day_part_at(text: str, pos: int) -> str | None:
    """The part of the day written at ``pos`` (上午, 晚上, 晚 …), or None; 晚 before 会, 报, 宴 … is
    no part of the day (晚会, 晚报)."""
    for part in DAY_PARTS:
        if text.startswith(part, pos):
            return None if part == "晚" and text[pos + 1:pos + 2] in _NOT_DAY_PART_AFTER_晚 else part
    return None


def at_word_edges(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` starts and ends where words of its line start or end."""
    line_start, line_end = line_bounds(text, start, end)
    line = text[line_start:line_end]
    cuts = {0, len(line)} | {b for _, b in word_edges(line)}
    return start - line_start in cuts and end - line_start in cuts


def _word_around(edges: tuple[tuple[int, int], ...], pos: int) -> tuple[int, int] | None:
    """The word that ``pos`` (a character boundary) falls strictly inside, or None."""
    for a, b in edges:
        if a < pos < b:
            return a, b
        if a >= pos:
            return None
    return None


def line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The start and end of the line (paragraph) of ``text`` around ``[start, end)``."""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return a, (len(text) if b < 0 else b)


def snap_span(text: str, span: TaggedSpan) -> TaggedSpan:
    """``span`` with its edges moved out of the words they cut (see the module docstring)."""
    if span.label not in SNAPPED_LABELS:
        return span
    line_start, line_end = line_bounds(text, span.start, span.end)
    edges = word_edges(text[line_start:line_end])
    s, e = span.start - line_start, span.end - line_start
    word = _word_around(edges, s)
    if word is not None:
        a, b = word
        s = a if s - a < b - s else b
    word = _word_around(edges, e)
    endings = END_WORDS.get(span.label)
    if word is not None:
        a, b = word
        line = text[line_start:line_end]
        if b - e <= MAX_EXTENSION and endings and line[a:b].endswith(endings):
            e = b
        elif a <= s and b - e <= MAX_EXTENSION and b - a >= 4:
            e = b       # the span is the start of one dictionary word: 华大基|因 → 华大基因
        elif a > s and e - a == 1 and a - s >= 2 and line[a] not in NAME_FINAL_CHARS:
            e = a       # one character into the next word: 某某|来说 → 某某 (never 某某科创城|内, 某某三|等)
    last = next(((a, b) for a, b in edges if b == e), None)
    if last is not None and last[1] - last[0] == 1 and last[0] - s >= 2 and text[line_start + last[0]] in TRAILING_FUNCTION_WORDS:
        e = last[0]     # a function word of its own after the name: 宏和|的 → 宏和, 某某庄园|能 → 某某庄园
    if e - s < 2 or (s, e) == (span.start - line_start, span.end - line_start):
        return span
    return replace(span, start=s + line_start, end=e + line_start)


# What may follow a person's name although the dictionary glues it to the name's last character (平|等, 文|说).
_AFTER_PERSON = set("等说和与及的在是")


def snap_person_end(text: str, span: TaggedSpan) -> TaggedSpan:
    """An OFFICIAL of three characters or more without its last character when that character begins
    a dictionary word that runs on past the span (贾某德担|任 → 贾某德; module docstring)."""
    if span.label != "OFFICIAL" or span.end - span.start < 3 or span.end >= len(text) or text[span.end] in _AFTER_PERSON:
        return span
    line_start, line_end = line_bounds(text, span.start, span.end)
    last = span.end - 1 - line_start
    if any(a == last and b > last + 1 for a, b in word_edges(text[line_start:line_end])):
        return replace(span, end=span.end - 1)
    return span


def snap_to_words(text: str, spans: list[TaggedSpan]) -> list[TaggedSpan]:
    """Every name span snapped to word edges, unless the move would overlap another span."""
    out = list(spans)
    for i, span in enumerate(spans):
        moved = snap_number_span(text, span) if span.label in NUMBER_LABELS else \
            snap_person_end(text, span) if span.label == "OFFICIAL" else snap_span(text, span)
        if moved is span:
            continue
        if any(j != i and other.start < moved.end and moved.start < other.end
               and not (other.start < span.end and span.start < other.end)
               for j, other in enumerate(out)):
            continue
        out[i] = moved
    return out


def _ascii_digit(ch: str) -> bool:
    return ch.isascii() and ch.isdigit()


def _ascii_alpha(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def snap_number_span(text: str, span: TaggedSpan) -> TaggedSpan:
    """A DATE or AMOUNT ``span`` with its edges moved to the words of its number (module docstring)."""
    if span.label not in NUMBER_LABELS:
        return span
    s, e = span.start, span.end
    n = len(text)
    while e < n and _ascii_digit(text[e - 1]) and _ascii_digit(text[e]):
        e += 1
    while s > 0 and (_ascii_digit(text[s]) or text[s] == ".") and (_ascii_digit(text[s - 1]) or (
            text[s - 1] == "." and s > 1 and _ascii_digit(text[s - 2]))):
        s -= 1
    line_start, line_end = line_bounds(text, s, e)
    line = text[line_start:line_end]
    edges = word_edges(line)
    ls, le = s - line_start, e - line_start
    endings = DATE_WORD_ENDINGS if span.label == "DATE" else AMOUNT_WORD_ENDINGS
    word = _word_around(edges, le)
    if word is not None:
        a, b = word
        if line[a:b] in endings and b - le <= MAX_EXTENSION and (line[a:b] != "日前" or a == ls):
            le = b      # 日前 is "recently" only on its own: 10月1日|前 is "before 1 October"
        elif span.label == "DATE" and a > ls and not set(line[a:le]) & set(DATE_TERMINALS):
            le = a      # 2021年即|将 → 2021年, but never 4月|经 or 18日|电
    if span.label == "DATE":
        word = _word_around(edges, ls)
        if word is not None and set(line[word[0]:ls]) <= _DATE_LEAD_CHARS:
            ls = word[0]    # 这|些年 → 这些年, 一|年来 → 一年来
        word = _word_around(edges, le)
        if word is not None and word[0] <= ls and line[word[1] - 1] in "年月天周" and word[1] - le == 1:
            le = word[1]    # 近两|年 → 近两年 (one word of the dictionary)
        if le > ls and line[le - 1] in _NUMBER_CHARS and line.startswith("年来", le):
            le += 2         # 40|年来 → 40年来
    if span.label == "AMOUNT":
        word = _word_around(edges, ls)
        if word is not None and word[1] < le and line[ls] not in AMOUNT_QUALIFIERS:
            ls = word[1]    # 其|中亿元以上 → 亿元以上, but 占地|约55亩 keeps 约
        while le - 1 > ls and _ascii_alpha(line[le - 1]) and le < len(line) and _ascii_alpha(line[le]):
            le -= 1
    s, e = ls + line_start, le + line_start
    if span.label == "DATE" and text[e - 1] == "个" and text[e:e + 1] == "月":
        e += 1      # 前11个|月
    if span.label == "AMOUNT" and s > 0 and text[s] in AMOUNT_QUALIFIERS and text[s - 1:s + 1] in COMMON_VERBS:
        s += 1      # 签|约亿元以上: the 约 belongs to 签约
    if span.label == "AMOUNT" and (text[s:s + 1] in _NUMBER_STARTS):
        for word in COMPARISON_WORDS:
            if text.startswith(word, s - len(word)) and text[s - len(word) - 1:s] not in COMMON_VERBS:
                s -= len(word)      # 过|千亿元 → 过千亿元, 最高|500万元 (GUIDELINES §10.8)
                break
        else:
            if s > 0 and text[s - 1] == "上" and text[s] in "百千万亿":
                s -= 1              # 上|万亩: 上 before a bare scale is "as many as" (上万亩, 上亿元)
    if span.label == "DATE" and text[e:e + 1] in ("号", "日") and _DAY_IN_DIGITS.search(text[s:e]):
        e += 1      # 1月21|号凌晨: the day's 号 (and its part of the day, below)
    if span.label == "DATE" and e > s and text[e - 1] in "日号天" and not _ascii_alpha(text[e:e + 1]):
        e += len(day_part_at(text, e) or "")
    if e - s < 1 or (s, e) == (span.start, span.end):
        return span
    return replace(span, start=s, end=e)


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    """The words jieba's dictionary tags as place names (part of speech ``ns``)."""
    import jieba

    words = set()
    with jieba.get_dict_file() as f:
        for raw in f:
            parts = raw.decode("utf-8").split()
            if len(parts) >= 3 and parts[2].startswith("ns"):
                words.add(parts[0])
    return frozenset(words)


def word_frequency(word: str) -> int:
    """How often ``word`` occurs in jieba's dictionary corpus (0 for a word it does not know)."""
    return _segmenter().FREQ.get(word) or 0


def is_place_word(word: str) -> bool:
    """``word`` is a place name in jieba's dictionary (哈尔滨, 吉林; also some people's names: a caller
    needs more evidence than this)."""
    return word in _place_words()


# Parts of speech of the words that lead into a noun phrase in a clause: verbs (吸引, 包括), time
# words (目前), conjunctions (同时), pronouns (其中), prepositions, adverbs and set phrases (今年以来).
_LEAD_IN_POS = ("v", "t", "c", "r", "p", "d", "i", "l")
# One character leads in only as a preposition or a pronoun (与, 在, 他).
_ONE_CHAR_LEAD_IN_POS = ("p", "r")


@lru_cache(maxsize=1)
def _pos_tagger():
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_segmenter())


def _leads_in(word: str, pos: str) -> bool:
    """``word`` (tagged ``pos``) leads into a noun phrase: see ``lead_in_length``; 某, the mask of a
    name (台州某, 某某), is no pronoun leading into one."""
    if set(word) == {"某"}:
        return False
    return pos.startswith(_LEAD_IN_POS) if len(word) >= 2 else pos.startswith(_ONE_CHAR_LEAD_IN_POS)


def _particles_after(words, k: int) -> int:
    """How many one-character particles (了, 的) follow the ``k``-th of ``words`` (word, pos) pairs."""
    n = 0
    for word, pos in words[k + 1:]:
        if len(word) == 1 and pos.startswith("u"):
            n += 1
        else:
            break
    return n


def lead_in_length(phrase: str) -> int:
    """How many characters of ``phrase`` lead into the noun phrase that ends it (吸引了某某 → 3,
    园区已入驻某某 → 5, 他在某某 → 2): up to the end of its last word that jieba tags as a verb, time
    word, conjunction, pronoun, preposition, adverb or set phrase (of one character only a
    preposition or a pronoun), with two characters or more left after it, and of the
    one-character particles (了, 的) right after it.  某 (a name's mask) leads into nothing."""
    n, pos_ = 0, 0
    words = words_with_pos(phrase)
    for k, (word, pos) in enumerate(words):
        pos_ += len(word)
        if len(phrase) - pos_ >= 2 and _leads_in(word, pos):
            n = pos_ + _particles_after(words, k)
    return n


@lru_cache(maxsize=1024)
def words_with_pos(phrase: str) -> tuple[tuple[str, str], ...]:
    """The words of ``phrase`` in jieba's dictionary segmentation with their parts of speech."""
    return tuple((w.word, w.flag) for w in _pos_tagger().cut(phrase, HMM=False))


# Lead-in parts of speech that can also end a name: time words (假日) and set phrases.
_NAME_FINAL_POS = ("t", "i", "l")
# One-character words that end the words before a name (的, 将, 在: 将某某公司).
_BEFORE_NAME_STOPS = set("的地得了和与及或在是将对把被从向等为由给让使")


def name_start(piece: str) -> int:
    """Where, in ``piece`` written right before a name, the name starts: after its last one-character
    function word of jieba's segmentation (的, 将, 在) and after the words that lead into the noun
    phrase (与, 对, 吸引了: the parts of speech of ``lead_in_length``; a time word or set phrase
    right before the name is part of it)."""
    cut = pos = 0
    words = words_with_pos(piece)
    for k, (word, tag) in enumerate(words):
        pos += len(word)
        if len(word) == 1 and word in _BEFORE_NAME_STOPS:
            cut = pos
        elif _leads_in(word, tag):
            if tag.startswith(_NAME_FINAL_POS) and k == len(words) - 1:
                continue    # a time word or set phrase right before the name is part of it (某某假日 + 酒店)
            cut = pos + _particles_after(words, k)
    return cut


# Where the words before a name stop, whatever leads into them: clause punctuation, quotes, brackets
# and spaces.
CLAUSE_BREAKS = "，。；：！？,.;:!?、\n“”\"'‘’《》「」『』()（）[]【】〔〕 \u3000\t"


def name_before(text: str, end: int, limit: int, reach: int) -> int:
    """Where the name written right before ``end`` starts: back over the characters that are no
    clause break, never before ``limit`` (the end of the span before) and at most ``reach`` of them,
    then after the words that lead into it (``name_start``).  ``end`` when no name is written there."""
    a = end
    while a > limit and text[a - 1] not in CLAUSE_BREAKS and end - a < reach:
        a -= 1
    return a + name_start(text[a:end])
