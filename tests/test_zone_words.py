"""ZONE is only a named zone: places and bare zone types are dropped (SCHEMA web/news-wire span rules)."""
import pytest

from zhie.tagger.base import TaggedSpan
from zhie.tagger.filters import apply_filters
from zhie.tagger.zone_words import is_bare_place, is_not_named_zone, is_place_not_zone, is_unnamed_zone_type


@pytest.mark.parametrize("name", ["城关镇", "李家村", "青山区", "云湖县", "临河港", "东环路", "滨江大桥", "云湖市"])
def test_places_are_not_zones(name):
    assert is_place_not_zone(name) and not is_unnamed_zone_type(name)


@pytest.mark.parametrize("name", ["综合保税区", "国家级经济技术开发区", "临空经济区", "高新技术产业园", "开发区",
                                  "跨境电子商务综合试验区", "省级高新技术产业开发区", "市经济技术开发区", "县经开区",
                                  "物流片区", "市高新区", "临港产业园区", "临港工业园区", "产业园区"])
def test_zone_types_without_a_name_are_not_zones(name):
    assert is_unnamed_zone_type(name)


@pytest.mark.parametrize("name", ["云湖经济技术开发区", "云湖经开区", "青山高新区", "云湖综合保税区", "雄安新区",
                                  "云湖现代农业产业示范园", "云湖经济技术开发区南区", "综改区", "山西农谷",
                                  "云湖航空港经济综合实验区", "铸造产业园", "云湖自贸片区", "青湖片区", "云湖市高新区",
                                  "云湖产业园区", "苏州工业园区"])
def test_named_zones_stay(name):
    assert not is_place_not_zone(name) and not is_unnamed_zone_type(name)


def test_filter_drops_a_place_tagged_as_zone_and_keeps_the_zone():
    text = "云湖县与云湖经济技术开发区在综合保税区签约。"
    spans = [TaggedSpan("ZONE", 0, 3, 0.9), TaggedSpan("ZONE", 4, 13, 0.9), TaggedSpan("ZONE", 14, 19, 0.9)]
    kept = [text[s.start:s.end] for s in apply_filters(text, spans)]
    assert kept == ["云湖经济技术开发区"]


@pytest.mark.parametrize("name, named", [("青禾产业新城核心区", "青禾产业新城"), ("云湖经济技术开发区园区", "云湖经济技术开发区"),
                                         ("汾东实验区南部片区", "汾东实验区"), ("云湖科创城内", "云湖科创城"),
                                         ("云湖新区综合保税区", "云湖新区综合保税区"), ("汾东高新区东区", "汾东高新区"),
                                         ("云湖高新区青禾现代产业园", "云湖高新区青禾现代产业园")])
def test_function_areas_after_a_zone_are_cut(name, named):
    from zhie.tagger.zone_words import named_zone_end
    assert name[:named_zone_end(name)] == named


def test_an_administrative_new_area_is_a_place():
    from zhie.tagger.zone_words import is_district_new_area
    assert is_district_new_area("浦东新区") and is_district_new_area("上海浦东新区")
    assert not is_district_new_area("云湖新区") and not is_district_new_area("云湖高新区")


@pytest.mark.parametrize("name", ["青禾国际酒店", "云湖体育场", "临空", "云湖国际博览中心"])
def test_a_span_that_does_not_end_like_a_zone_is_no_zone(name):
    from zhie.tagger.zone_words import lacks_zone_ending
    assert lacks_zone_ending(name)


@pytest.mark.parametrize("name", ["光谷", "青禾科创城", "云湖新港", "青禾基地", "云湖经开区"])
def test_zone_endings_without_a_zone_word_are_kept(name):
    from zhie.tagger.zone_words import lacks_zone_ending
    assert not lacks_zone_ending(name)


@pytest.mark.parametrize("name, verdict", [("甲城至新区", True), ("市城乡一体化示范区", True), ("县现代农业产业园", True),
                                           ("云湖经开区", False), ("市场监管示范区", False)])
def test_routes_and_bare_admin_zones(name, verdict):
    from zhie.tagger.zone_words import is_route_or_bare_admin_zone
    assert is_route_or_bare_admin_zone(name) is verdict


def test_parks_for_leisure_and_housing_estates_are_no_zones():
    assert is_not_named_zone("青禾动物园") and is_not_named_zone("青禾滨海公园") and is_not_named_zone("新盛花园")
    assert not is_not_named_zone("青禾科技园")


def test_a_bare_place_is_a_zone_only_where_the_document_writes_it_as_a_zone_name():
    assert is_bare_place("广西", "广西今年引进项目120个。")
    assert not is_bare_place("两江", "两江新区今年签约项目50个，两江引进外资增长。")
    assert not is_bare_place("青禾高新区", "青禾高新区今年签约项目50个。")   # a zone word: not a bare place


def test_a_gang_that_names_a_policy_zone_or_a_hub_is_a_zone_a_harbour_is_not():
    assert not is_not_named_zone("青禾自由贸易港") and not is_not_named_zone("青禾机器人产业港")
    assert not is_not_named_zone("青禾科技创新港")
    assert is_not_named_zone("青禾港") and is_not_named_zone("自贸港")   # a port; a type with no name
