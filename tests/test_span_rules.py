"""Span rules on the tagger's raw spans (zhie/tagger/filters.py) and the offset map's
closing of HTML tags, on sentences written for these tests."""
from __future__ import annotations

from zhie.tagger.base import TaggedSpan
from zhie.tagger.filters import apply_filters
from zhie.text import clean_text


def spans_of(text: str, *items: tuple[str, str]) -> list[TaggedSpan]:
    out, pos = [], 0
    for label, surface in items:
        s = text.index(surface, pos)
        out.append(TaggedSpan(label, s, s + len(surface), 0.9))
        pos = s + len(surface)
    return out


def surfaces(text: str, spans: list[TaggedSpan]) -> list[tuple[str, str]]:
    return [(s.label, text[s.start:s.end]) for s in spans]


def test_a_suffix_written_after_a_company_joins_it():
    text = "会上，华晟重工公司介绍了项目进展。"
    got = apply_filters(text, spans_of(text, ("COMPANY", "华晟重工")))
    assert surfaces(text, got) == [("COMPANY", "华晟重工公司")]


def test_a_suffix_tagged_alone_after_a_name_makes_one_company():
    text = "考察团来到天津滨城智造研究院有限公司考察交流。"
    got = apply_filters(text, spans_of(text, ("ORG", "天津滨城智造研究院"), ("COMPANY", "有限公司")))
    assert surfaces(text, got) == [("COMPANY", "天津滨城智造研究院有限公司")]


def test_a_bare_suffix_is_no_company_and_an_org_ending_in_gongsi_is_one():
    text = "双方就集团与园区合作进行了交流，参观了晋航智能装备公司展厅。"
    got = apply_filters(text, spans_of(text, ("COMPANY", "集团"), ("ORG", "晋航智能装备公司")))
    assert surfaces(text, got) == [("COMPANY", "晋航智能装备公司")]


def test_suffix_extension_stops_at_the_next_span():
    text = "与太钢集团公司签约。"
    got = apply_filters(text, spans_of(text, ("COMPANY", "太钢"), ("COMPANY", "集团公司")))
    assert surfaces(text, got) == [("COMPANY", "太钢集团公司")]


def test_one_character_names_are_dropped_but_two_character_ones_stay():
    text = "太忻两地与京东合作。"
    got = apply_filters(text, spans_of(text, ("ZONE", "太"), ("COMPANY", "京东")))
    assert surfaces(text, got) == [("COMPANY", "京东")]


def test_a_bare_number_before_a_counting_word_is_no_amount():
    text = "景区接待游客45.6万人次，实现收入3.2亿元，引进投资10亿元以上项目5个，发送包裹80万单。"
    got = apply_filters(text, spans_of(text, ("AMOUNT", "45.6万"), ("AMOUNT", "3.2亿元"),
                                       ("AMOUNT", "10亿元以上"), ("AMOUNT", "80万")))
    assert surfaces(text, got) == [("AMOUNT", "3.2亿元"), ("AMOUNT", "10亿元以上")]


def test_a_tag_opened_inside_a_span_is_closed_inside_it():
    original = "新建标准化厂房2.4万m<sup>2</sup>，当年投产。"
    clean = clean_text(original)
    s = clean.text.index("2.4万")
    e = s + len("2.4万m2")
    a, b = clean.span_to_original(s, e)
    assert original[a:b] == "2.4万m<sup>2</sup>"
    # a tag that closes something opened before the span is not pulled in
    original = "<b>晋城经开区</b>签约"
    clean = clean_text(original)
    s = clean.text.index("签约")
    a, b = clean.span_to_original(s, s + 2)
    assert original[a:b] == "签约"
