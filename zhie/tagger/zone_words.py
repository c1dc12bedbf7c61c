"""What makes a span a named zone rather than a place or a bare zone type (GUIDELINES §2.1, SCHEMA).

Two tables: the zone words (开发区, 高新区, 示范区, 产业园 …) that every kind of development zone
ends in or contains, and the endings of administrative places, ports, roads and bridges.  A span
with no zone word that ends like a place is a place; a span that is only generic modifiers plus a
zone word (综合保税区, 国家级高新技术产业开发区) is a zone type with no name of its own.

Also no named zone (``is_not_named_zone``): an administrative district named like a zone (浦东新区, a
place word in jieba's dictionary), a span with no zone word that does not end like a zone (某某酒店),
a route (甲至乙新区) and a 市/县 zone with no name of its own (市城乡一体化示范区).  ``named_zone_end``
tells where a zone's name ends before an area named by its function (某某新城核心区, §10.23).
"""
from __future__ import annotations

import re

from .word_boundaries import is_place_word, word_edges

# Words that name a kind of development zone or park (longest first when matching).
ZONE_WORDS = (
    "经济技术开发区", "高新技术产业开发区", "高新技术产业园区", "开发区", "经开区", "高新区", "园区", "产业园",
    "工业园", "科技园", "物流园", "示范园", "示范区", "试验区", "实验区", "保税区", "综保区", "保税港区",
    "新区", "新城", "合作区", "经济区", "自贸区", "自由贸易区", "功能区", "集聚区", "聚集区", "先行区", "先导区",
    "起步区", "综改区", "产业区", "工业区", "科学城", "科技城", "农谷", "片区", "综试区",
    # a 港 that names a policy zone or an innovation hub, not a harbour (某某港 alone is a port)
    "自由贸易港", "自贸港", "产业港", "创新港", "科创港", "智造港", "数字港",
)
# Short forms that name one zone although they read like a type (山西综改示范区 → 综改区).
NAMED_SHORT_FORMS = ("综改区",)
# Endings of places that are not zones.
PLACE_ENDINGS = ("省", "市", "县", "区", "旗", "盟", "州", "镇", "乡", "村", "街道", "社区", "港", "码头", "口岸",
                 "路", "街", "大道", "桥", "大桥", "机场", "站")
# Modifiers that describe a kind of zone without naming one.
GENERIC_MODIFIERS = (
    "国家级", "省级", "市级", "国家", "中国", "综合", "经济", "技术", "高新技术", "高新", "产业", "工业", "现代",
    "农业", "临空", "临港", "跨境电子商务", "跨境电商", "跨境", "自由贸易", "自贸", "物流", "科技", "创新", "特色",
    "文化", "旅游", "生态", "循环", "新型", "先进制造业", "制造业", "数字", "化工", "加工", "出口", "海关",
    "特殊监管", "示范", "重点", "各类", "各", "全省", "全市", "该", "本", "这个", "我", "全",
    "省", "市", "县",   # 市经济技术开发区, 县经开区: the city's or county's zone, no name of its own
)
# Areas of a zone named only by their function or direction (GUIDELINES §10.23: 核心区, 物流片区 are
# no names): written right after a zone's name they are not part of it (某某新城核心区 → 某某新城).
FUNCTION_AREAS = ("核心区", "起步区", "启动区", "拓展区", "扩展区", "扩区", "片区", "园区")
_DIRECTIONS = ("东部", "西部", "南部", "北部", "中部", "东", "西", "南", "北", "中")
# Locatives that close a place phrase (某某科创城内): never the last character of a zone's name.
LOCATIVES = ("内", "里", "外", "中", "间")
_ZONE_WORDS_LONGEST_FIRST = tuple(sorted(ZONE_WORDS, key=len, reverse=True))
ZONE_WORD_RE = re.compile("|".join(sorted(map(re.escape, ZONE_WORDS), key=len, reverse=True)))
_GENERIC_PREFIX = re.compile("(?:" + "|".join(sorted(map(re.escape, GENERIC_MODIFIERS), key=len, reverse=True)) + ")*")


def has_zone_word(text: str) -> bool:
    return bool(ZONE_WORD_RE.search(text))


def is_place_not_zone(text: str) -> bool:
    """A span with no zone word that ends like a place (城关镇, 某某区, 某某港, 某某大桥)."""
    return not has_zone_word(text) and text.endswith(PLACE_ENDINGS)


def is_unnamed_zone_type(text: str) -> bool:
    """Only generic modifiers before a zone word: 综合保税区, 国家级经济技术开发区, 临空经济区."""
    if text in NAMED_SHORT_FORMS:
        return False
    last = next((w for w in _ZONE_WORDS_LONGEST_FIRST if text.endswith(w)), None)
    if last is None:                # (the zone word that ends the span: 临港产业园区 ends in 园区, although
        return False                # a left-to-right match reads 产业园 + 区)
    head = text[:-len(last)]
    for w in ZONE_WORD_RE.findall(head):    # 高新技术产业园区: the earlier zone words are modifiers too
        head = head.replace(w, "")
    return _GENERIC_PREFIX.fullmatch(head) is not None


def _is_function_area(tail: str) -> bool:
    """核心区, 园区, 南部片区, 东区: an area named by its function or direction only.  (A zone type such
    as 综合保税区 after a name is a zone of its own: 某某新区综合保税区 stays whole.)"""
    for d in ("",) + _DIRECTIONS:
        if tail.startswith(d) and tail[len(d):] in FUNCTION_AREAS + ("区",) and (d or tail != "区"):
            return True
    return False


def named_zone_end(text: str) -> int:
    """The length of ``text`` without a function area or locative written after a named zone
    (某某新城核心区 → 某某新城, 某某开发区园区 → 某某开发区, 某某科创城内 → 某某科创城);
    ``len(text)`` when nothing is to be cut."""
    end = len(text)
    if end > 3 and text.endswith(LOCATIVES) and text[:-1].endswith(tuple("区园城港谷岛")):
        end -= 1
    for w in ZONE_WORD_RE.finditer(text, 0, end):
        head, tail = text[:w.end()], text[w.end():end]
        if len(head) >= 4 and tail and not is_unnamed_zone_type(head) and _is_function_area(tail):
            return w.end()
    return end


def is_district_new_area(text: str) -> bool:
    """An administrative district named 某某新区 (浦东新区, or 某市浦东新区): the 新区 is a place word in
    jieba's dictionary, unlike the new areas administered as zones (两江新区, 金普新区 are not)."""
    if not text.endswith("新区") or text.endswith("高新区"):
        return False
    for cut in range(0, len(text) - 3):
        head, tail = text[:cut], text[cut:]
        if is_place_word(tail) and (not head or is_place_word(head) or head.endswith(("省", "市"))):
            return True
    return False


# The last characters of zone names written without a zone word (光谷, 某某科创城, 某某新港, 某某基地).
ZONE_FINALS = set("区园城港谷岛湾地")


def lacks_zone_ending(text: str) -> bool:
    """A span with no zone word that does not end like a zone either (某某酒店, 某某体育场, 临空, 某某工业)
    and is not a place name of jieba's dictionary (两江 is the short form of a zone): no ZONE."""
    return not has_zone_word(text) and text[-1:] not in ZONE_FINALS and not is_place_word(text)


def is_route_or_bare_admin_zone(text: str) -> bool:
    """A route between two places (甲至乙新区) or a zone of 市/县/省 with no name of its own, however
    long its description (市城乡一体化示范区, GUIDELINES §2.1: a bare 市/县/省 is a modifier)."""
    if "至" in text[1:-1]:
        return True
    return len(text) > 3 and text[0] in "市县省" and has_zone_word(text) and not _is_word_start(text)


def _is_word_start(text: str) -> bool:
    """The first character is the start of a longer dictionary word (市场, 县城, 省会)."""
    edges = word_edges(text)
    return bool(edges) and edges[0][1] > 1


# Parks for leisure, gardens and homes: 某某动物园, 某某海滨公园, 某某花园 (a housing estate) are no zones.
LEISURE_ENDINGS = ("公园", "动物园", "植物园", "花园", "乐园", "陵园", "家园", "校园", "庄园")


def is_not_named_zone(text: str) -> bool:
    """Every reason above why a ZONE span is no named zone."""
    return (is_place_not_zone(text) or is_unnamed_zone_type(text) or is_district_new_area(text)
            or lacks_zone_ending(text) or is_route_or_bare_admin_zone(text) or text.endswith(LEISURE_ENDINGS))


def is_bare_place(name: str, document: str) -> bool:
    """A place name tagged ZONE with no zone word (平顶山, 广西) that the document never writes as the
    start of a zone's name: a short form such as 两江 stands for 两江新区 only where 两江新区 is written."""
    if has_zone_word(name) or not is_place_word(name):
        return False
    return re.search(re.escape(name) + "(?:" + ZONE_WORD_RE.pattern + ")", document) is None
