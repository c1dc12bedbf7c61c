"""What makes a span a named zone rather than a place or a bare zone type (GUIDELINES §2.1, SCHEMA).

Two tables: the zone words (开发区, 高新区, 示范区, 产业园 …) that every kind of development zone
ends in or contains, and the endings of administrative places, ports, roads and bridges.  A span
with no zone word that ends like a place is a place; a span that is only generic modifiers plus a
zone word (综合保税区, 国家级高新技术产业开发区) is a zone type with no name of its own.
"""
from __future__ import annotations

import re

# Words that name a kind of development zone or park (longest first when matching).
ZONE_WORDS = (
    "经济技术开发区", "高新技术产业开发区", "高新技术产业园区", "开发区", "经开区", "高新区", "园区", "产业园",
    "工业园", "科技园", "物流园", "示范园", "示范区", "试验区", "实验区", "保税区", "综保区", "保税港区",
    "新区", "新城", "合作区", "经济区", "自贸区", "自由贸易区", "功能区", "集聚区", "聚集区", "先行区", "先导区",
    "起步区", "综改区", "产业区", "工业区", "科学城", "科技城", "农谷", "片区", "综试区",
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
_ZONE_WORD = re.compile("|".join(sorted(map(re.escape, ZONE_WORDS), key=len, reverse=True)))
_GENERIC_PREFIX = re.compile("(?:" + "|".join(sorted(map(re.escape, GENERIC_MODIFIERS), key=len, reverse=True)) + ")*")


def has_zone_word(text: str) -> bool:
    return bool(_ZONE_WORD.search(text))


def is_place_not_zone(text: str) -> bool:
    """A span with no zone word that ends like a place (城关镇, 某某区, 某某港, 某某大桥)."""
    return not has_zone_word(text) and text.endswith(PLACE_ENDINGS)


def is_unnamed_zone_type(text: str) -> bool:
    """Only generic modifiers before a zone word: 综合保税区, 国家级经济技术开发区, 临空经济区."""
    if text in NAMED_SHORT_FORMS:
        return False
    words = list(_ZONE_WORD.finditer(text))
    if not words or words[-1].end() != len(text):
        return False
    head = text[:words[-1].start()]
    for w in words[:-1]:            # 高新技术产业园区: the earlier zone words are modifiers too
        head = head.replace(w.group(0), "")
    return _GENERIC_PREFIX.fullmatch(head) is not None
