"""Document-level consistency of names (zhie/tagger/consistency.py, GUIDELINES §10.5), on sentences
written for these tests."""
from zhie.tagger.base import TaggedSpan
from zhie.tagger.consistency import company_short_forms, make_consistent


def _at(text: str, label: str, piece: str, nth: int = 0) -> TaggedSpan:
    s = -1
    for _ in range(nth + 1):
        s = text.index(piece, s + 1)
    return TaggedSpan(label, s, s + len(piece), 0.9)


def _texts(text, spans):
    return [(s.label, text[s.start:s.end]) for s in spans]


def test_a_shorter_mention_takes_the_longer_form_tagged_elsewhere():
    text = "云湖一体化经济区(青禾区)投资项目达60项。截至目前，云湖一体化经济区(青禾区)项目共计60项。"
    spans = [_at(text, "ZONE", "云湖一体化经济区(青禾区)"), _at(text, "ZONE", "云湖一体化经济区", 1)]
    assert _texts(text, make_consistent(text, spans)) == [("ZONE", "云湖一体化经济区(青禾区)")] * 2


def test_a_longer_form_ending_in_a_function_word_is_not_spread():
    text = "青禾是青禾的发源地，青禾的工厂。"
    spans = [_at(text, "COMPANY", "青禾的", 0), _at(text, "COMPANY", "青禾", 2)]
    got = make_consistent(text, spans)
    assert ("COMPANY", "青禾") in _texts(text, got) and sum(1 for s in got if text[s.start:s.end] == "青禾的") == 1


def test_a_place_written_as_a_place_elsewhere_is_no_person():
    text = "签约仪式在哈尔滨举行，哈尔滨市政府与企业签约。"
    assert make_consistent(text, [_at(text, "OFFICIAL", "哈尔滨")]) == []


def test_company_short_forms():
    assert company_short_forms("广东青禾铝业有限公司") == ["青禾铝业", "青禾"]
    national = company_short_forms("中国青禾水务集团")   # 中国 is part of the name, never stripped
    assert "中国青禾水务" in national and "水务" not in national and "青禾水务" not in national
    assert company_short_forms("青禾铝业") == []   # no legal form: no short form
    # a bare 公司 ends descriptions as often as names (某某环卫公司, 无人机研发公司): no short form
    assert company_short_forms("新蜀环卫公司") == []
    assert company_short_forms("无人机研发公司") == []


def test_a_short_form_is_tagged_where_it_stands_alone():
    text = "广东青禾铝业有限公司新项目投产。项目延伸了青禾的产业链，青禾集团将加快发展。"
    got = make_consistent(text, [_at(text, "COMPANY", "广东青禾铝业有限公司")])
    assert _texts(text, got)[1:] == [("COMPANY", "青禾"), ("COMPANY", "青禾")]


def test_a_project_whose_administration_the_article_names_is_a_zone():
    text = "青禾科创园管委会主任甲乙介绍，青禾科创园今年新引进项目12个。"
    a = text.index("青禾科创园", 3)
    spans = [TaggedSpan("ZONE", 0, 5, 0.9), TaggedSpan("PROJECT", a, a + 5, 0.95)]
    out = make_consistent(text, spans)
    assert [(s.label, text[s.start:s.end]) for s in out if text[s.start:s.end] == "青禾科创园"] == \
        [("ZONE", "青禾科创园"), ("ZONE", "青禾科创园")]
    project = "青禾光电产业园项目今年开工，青禾光电产业园项目总投资5亿元。"
    spans = [TaggedSpan("PROJECT", 0, 9, 0.9)]
    assert [s.label for s in make_consistent(project, spans)] == ["PROJECT", "PROJECT"]   # no 管委会: stays


def test_the_items_of_a_list_of_companies_are_companies():
    # a count and a modifier say the items are companies; the words leading into the list are not an item
    text = "园区已入驻青禾科技、云岫医疗、澄川电器等200多家知名企业。"
    assert _texts(text, make_consistent(text, [])) == [("COMPANY", "青禾科技"), ("COMPANY", "云岫医疗"),
                                                       ("COMPANY", "澄川电器")]
    # a name in quotes before 等 and a word that only names companies
    text = "他目前在“云岫说”等专业电商平台开设3家网店。"
    assert _texts(text, make_consistent(text, [])) == [("COMPANY", "云岫说")]


def test_a_plain_list_needs_a_company_tagged_in_it():
    text = "目前青禾科技、云岫医疗等企业已投产。"
    assert make_consistent(text, []) == []
    got = make_consistent(text, [_at(text, "COMPANY", "青禾科技")])
    assert _texts(text, got) == [("COMPANY", "青禾科技"), ("COMPANY", "云岫医疗")]


def test_a_listed_project_is_relabelled_only_by_a_plain_list_of_companies():
    text = "青禾科技、云岫医疗等1000多家企业落户。"
    got = make_consistent(text, [_at(text, "PROJECT", "青禾科技"), _at(text, "PROJECT", "云岫医疗")])
    assert _texts(text, got) == [("COMPANY", "青禾科技"), ("COMPANY", "云岫医疗")]
    mixed = "青禾科技、云岫奥莱等一批头部企业、核心项目落地。"   # companies and projects: left as tagged
    spans = [_at(mixed, "PROJECT", "云岫奥莱")]
    assert make_consistent(mixed, spans) == spans


def test_a_list_starts_after_its_last_lead_in():
    text = "据介绍，青禾产业港一期、二期累计签约云岫医疗、澄川电器等各类领军企业近50家。"
    got = make_consistent(text, [_at(text, "PROJECT", "青禾产业港一期")])
    assert _texts(text, got) == [("PROJECT", "青禾产业港一期"), ("COMPANY", "云岫医疗"), ("COMPANY", "澄川电器")]
