"""ZONE is only a named zone: places and bare zone types are dropped (SCHEMA web/news-wire span rules)."""
import pytest

from zhie.tagger.base import TaggedSpan
from zhie.tagger.filters import apply_filters
from zhie.tagger.zone_words import is_place_not_zone, is_unnamed_zone_type


@pytest.mark.parametrize("name", ["城关镇", "李家村", "青山区", "云湖县", "临河港", "东环路", "滨江大桥", "云湖市"])
def test_places_are_not_zones(name):
    assert is_place_not_zone(name) and not is_unnamed_zone_type(name)


@pytest.mark.parametrize("name", ["综合保税区", "国家级经济技术开发区", "临空经济区", "高新技术产业园", "开发区",
                                  "跨境电子商务综合试验区", "省级高新技术产业开发区", "市经济技术开发区", "县经开区",
                                  "物流片区", "市高新区"])
def test_zone_types_without_a_name_are_not_zones(name):
    assert is_unnamed_zone_type(name)


@pytest.mark.parametrize("name", ["云湖经济技术开发区", "云湖经开区", "青山高新区", "云湖综合保税区", "雄安新区",
                                  "云湖现代农业产业示范园", "云湖经济技术开发区南区", "综改区", "山西农谷",
                                  "云湖航空港经济综合实验区", "铸造产业园", "云湖自贸片区", "青湖片区", "云湖市高新区"])
def test_named_zones_stay(name):
    assert not is_place_not_zone(name) and not is_unnamed_zone_type(name)


def test_filter_drops_a_place_tagged_as_zone_and_keeps_the_zone():
    text = "云湖县与云湖经济技术开发区在综合保税区签约。"
    spans = [TaggedSpan("ZONE", 0, 3, 0.9), TaggedSpan("ZONE", 4, 13, 0.9), TaggedSpan("ZONE", 14, 19, 0.9)]
    kept = [text[s.start:s.end] for s in apply_filters(text, spans)]
    assert kept == ["云湖经济技术开发区"]
