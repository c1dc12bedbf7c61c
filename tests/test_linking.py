"""The linking room on short texts written for these tests, with hand-placed entities:
relations of title phrases, each event type with its roles, the negative cases, exact
original offsets (also across a column break), scores in 0–1, the gold-entity oracle and
the learned argument scorer."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhie.evaluate import evaluate
from zhie.linking import Linker, LinkInput, Mention
from zhie.linking.argument_scorer import ArgumentScorer, fit_logreg
from zhie.linking.events import EventFinder
from zhie.linking.oracle import link_input_from_gold, main as oracle_main, predict_links
from zhie.schema import Entity, Event, Extraction, ModelInfo, check_offsets
from zhie.text import clean_text, split_sentences


def build(text: str, ents: list[tuple[str, str]]) -> LinkInput:
    """Place entities (label, surface as written in ``text``) in order of appearance."""
    clean = clean_text(text)
    mentions, pos = [], 0
    for i, (label, surface) in enumerate(ents, 1):
        s = text.index(surface, pos)
        e = s + len(surface)
        pos = e
        span = clean.span_from_original(s, e)
        assert span is not None, surface
        mentions.append(Mention(Entity(label, s, e, surface, id=f"e{i}"), span[0], span[1]))
    return LinkInput(clean, split_sentences(clean.text), mentions)


def link(text: str, ents: list[tuple[str, str]]):
    inp = build(text, ents)
    relations, events = Linker()(inp)
    result = Extraction("t", ModelInfo("test", ""), [m.entity for m in inp.mentions], relations, events)
    assert check_offsets(text, result) == []
    for v in events:
        assert 0.0 <= v.score <= 1.0
        assert text[v.trigger.start:v.trigger.end] == v.trigger.text
        for a in v.arguments:
            assert 0.0 <= a.score <= 1.0
            assert text[a.start:a.end] == a.text
    return inp, relations, events


def roles(event: Event) -> set[tuple[str, str]]:
    return {(a.role, a.text) for a in event.arguments}


def rel_set(inp: LinkInput, relations) -> set[tuple[str, str, str]]:
    by_id = {m.entity.id: m.entity.text for m in inp.mentions}
    return {(r.type, by_id[r.head], by_id[r.tail]) for r in relations}


# -- relations -------------------------------------------------------------------------------
def test_several_titles_of_one_name_and_zone_membership():
    text = "朔州市人民政府副市长、朔州经济开发区党工委书记赵卫东出席。"
    inp, rels, _ = link(text, [("TITLE", "朔州市人民政府副市长"), ("ZONE", "朔州经济开发区"),
                               ("TITLE", "党工委书记"), ("OFFICIAL", "赵卫东")])
    assert rel_set(inp, rels) == {("HOLDS_TITLE", "赵卫东", "朔州市人民政府副市长"),
                                  ("HOLDS_TITLE", "赵卫东", "党工委书记"),
                                  ("MEMBER_OF", "赵卫东", "朔州经济开发区")}


def test_one_title_shared_by_several_names():
    text = "党工委副书记、管委会副主任陈立新、吴海涛陪同。"
    inp, rels, _ = link(text, [("TITLE", "党工委副书记"), ("TITLE", "管委会副主任"),
                               ("OFFICIAL", "陈立新"), ("OFFICIAL", "吴海涛")])
    assert rel_set(inp, rels) == {(kind, name, title) for kind in ("HOLDS_TITLE",)
                                  for name in ("陈立新", "吴海涛") for title in ("党工委副书记", "管委会副主任")}


def test_company_title_and_org_directly_before_a_name():
    text = "晋能控股集团副总经理孙建华，市发展和改革委员会刘春雨，市财政局局长马骏参加。"
    inp, rels, _ = link(text, [("COMPANY", "晋能控股集团"), ("TITLE", "副总经理"), ("OFFICIAL", "孙建华"),
                               ("ORG", "市发展和改革委员会"), ("OFFICIAL", "刘春雨"),
                               ("TITLE", "市财政局局长"), ("OFFICIAL", "马骏")])
    assert rel_set(inp, rels) == {("MEMBER_OF", "孙建华", "晋能控股集团"), ("HOLDS_TITLE", "孙建华", "副总经理"),
                                  ("MEMBER_OF", "刘春雨", "市发展和改革委员会"),
                                  ("HOLDS_TITLE", "马骏", "市财政局局长")}


def test_title_after_name_and_title_as_predicate():
    text = "王志强书记强调，要抓好落实。刘海燕博士挂职于园区管委会副主任。"
    inp, rels, _ = link(text, [("OFFICIAL", "王志强"), ("TITLE", "书记"),
                               ("OFFICIAL", "刘海燕"), ("TITLE", "园区管委会副主任")])
    assert rel_set(inp, rels) == {("HOLDS_TITLE", "王志强", "书记"), ("HOLDS_TITLE", "刘海燕", "园区管委会副主任")}


def test_bare_name_later_has_no_relation():
    text = "市长郭振华到晋中开发区调研。郭振华表示，要优化服务。"
    inp, rels, _ = link(text, [("TITLE", "市长"), ("OFFICIAL", "郭振华"), ("ZONE", "晋中开发区"),
                               ("OFFICIAL", "郭振华")])
    heads = [r.head for r in rels]
    assert heads == ["e2"]


# -- SIGN_CONTRACT ---------------------------------------------------------------------------
SIGN_TEXT = ("本刊讯 4月12日，在市委书记高建军的见证下，榆次经济开发区与山西天宏新能源科技有限公司签订"
             "《储能电池制造基地项目投资协议》，建设天宏储能电池制造基地，项目总投资约25亿元。")
SIGN_ENTS = [("DATE", "4月12日"), ("TITLE", "市委书记"), ("OFFICIAL", "高建军"), ("ZONE", "榆次经济开发区"),
             ("COMPANY", "山西天宏新能源科技有限公司"), ("PROJECT", "天宏储能电池制造基地"), ("AMOUNT", "约25亿元")]


def test_sign_contract_roles():
    _, _, events = link(SIGN_TEXT, SIGN_ENTS)
    assert [v.type for v in events] == ["SIGN_CONTRACT"]
    v = events[0]
    assert v.trigger.text == "签订" and SIGN_TEXT[v.trigger.start:v.trigger.end] == "签订"
    assert roles(v) == {("date", "4月12日"), ("witness", "高建军"), ("party", "榆次经济开发区"),
                        ("party", "山西天宏新能源科技有限公司"), ("agreement", "储能电池制造基地项目投资协议"),
                        ("project", "天宏储能电池制造基地"), ("amount", "约25亿元")}
    agreement = next(a for a in v.arguments if a.role == "agreement")
    assert agreement.entity is None
    assert SIGN_TEXT[agreement.start - 1] == "《" and SIGN_TEXT[agreement.end] == "》"
    party = next(a for a in v.arguments if a.text == "榆次经济开发区")
    start = SIGN_TEXT.index("榆次经济开发区")
    assert party.entity == "e4" and (party.start, party.end) == (start, start + len("榆次经济开发区"))


def test_sign_contract_unnamed_body_is_no_party_and_witnesses_after():
    # SCHEMA: party points at entities; the unnamed 开发区党工委 is no entity, so it is no party
    text = "11月8日，开发区党工委与太原科技大学签署《校地合作协议》，副市长贾志刚、市科技局局长邓丽出席并见证。"
    _, _, events = link(text, [("DATE", "11月8日"), ("ORG", "太原科技大学"), ("TITLE", "副市长"),
                               ("OFFICIAL", "贾志刚"), ("TITLE", "市科技局局长"), ("OFFICIAL", "邓丽")])
    assert len(events) == 1
    assert roles(events[0]) == {("date", "11月8日"), ("party", "太原科技大学"),
                                ("agreement", "校地合作协议"), ("witness", "贾志刚"), ("witness", "邓丽")}


def test_a_signing_ceremony_attended_or_held_is_a_mention_of_its_own():
    # SCHEMA: 出席签约仪式 / 签约仪式上，X表示 are mentions; the officials attending are witnesses
    _, _, events = link("县长王鹏出席签约仪式，副县长赵蕾主持。",
                        [("TITLE", "县长"), ("OFFICIAL", "王鹏"), ("TITLE", "副县长"), ("OFFICIAL", "赵蕾")])
    assert [(v.type, v.trigger.text) for v in events] == [("SIGN_CONTRACT", "签约")]
    assert roles(events[0]) == {("witness", "王鹏"), ("witness", "赵蕾")}
    _, _, events = link("3月8日，云湖高新区举行一季度重点项目集中签约仪式。",
                        [("DATE", "3月8日"), ("ZONE", "云湖高新区")])
    assert [v.type for v in events] == ["SIGN_CONTRACT"]
    assert roles(events[0]) == {("date", "3月8日"), ("party", "云湖高新区")}
    _, _, events = link("签约仪式结束后，嘉宾合影留念。", [])
    assert events == []


def test_two_signings_in_one_sentence_keep_their_own_dates():
    text = "3月2日，晋城经济技术开发区与华芯微电子有限公司签约；3月9日，泽州经济技术开发区与晋钢集团签署《合作协议》。"
    _, _, events = link(text, [("DATE", "3月2日"), ("ZONE", "晋城经济技术开发区"), ("COMPANY", "华芯微电子有限公司"),
                               ("DATE", "3月9日"), ("ZONE", "泽州经济技术开发区"), ("COMPANY", "晋钢集团")])
    assert [v.trigger.text for v in events] == ["签约", "签署"]
    assert ("date", "3月2日") in roles(events[0]) and ("date", "3月9日") not in roles(events[0])
    assert roles(events[1]) == {("date", "3月9日"), ("party", "泽州经济技术开发区"), ("party", "晋钢集团"),
                                ("agreement", "合作协议")}


def test_headline_kicker_zone_is_the_party():
    text = "## 襄汾经济开发区\n\n# 签下10亿元新材料大单\n\n本刊讯 近日，项目建设有序推进。\n"
    _, _, events = link(text, [("ZONE", "襄汾经济开发区"), ("AMOUNT", "10亿元"), ("DATE", "近日")])
    assert len(events) == 1
    assert roles(events[0]) == {("party", "襄汾经济开发区"), ("amount", "10亿元")}


# -- VISIT_INSPECT ---------------------------------------------------------------------------
def test_visit_inspect_roles_with_place_span_and_group():
    text = ("本刊讯 9月5日，阳泉市人民政府副市长梁晓东带队，市商务局局长侯文杰等组成考察团，赴浙江省杭州市开展招商考察，"
            "杭州市副市长钱伟陪同。")
    _, _, events = link(text, [("DATE", "9月5日"), ("TITLE", "阳泉市人民政府副市长"), ("OFFICIAL", "梁晓东"),
                               ("TITLE", "市商务局局长"), ("OFFICIAL", "侯文杰"), ("TITLE", "杭州市副市长"),
                               ("OFFICIAL", "钱伟")])
    assert len(events) == 1
    v = events[0]
    assert v.type == "VISIT_INSPECT" and v.trigger.text == "考察"
    # SCHEMA: a visitor points at an entity, so the group 考察团 is none
    assert roles(v) == {("date", "9月5日"), ("visitor", "梁晓东"), ("visitor", "侯文杰"),
                        ("target", "浙江省杭州市"), ("companion", "钱伟")}
    place = next(a for a in v.arguments if a.role == "target")
    assert place.entity is None and text[place.start:place.end] == "浙江省杭州市"


def test_visit_objects_and_accompanying_mention():
    text = ("考察团一行先后参观了山西德润新材料有限公司、汾西产业园项目，公司董事长曹宏亮陪同参观。")
    _, _, events = link(text, [("COMPANY", "山西德润新材料有限公司"), ("PROJECT", "汾西产业园项目"),
                               ("TITLE", "董事长"), ("OFFICIAL", "曹宏亮")])
    assert [v.trigger.text for v in events] == ["参观", "参观"]
    assert roles(events[0]) == {("target", "山西德润新材料有限公司"), ("target", "汾西产业园项目")}
    assert roles(events[1]) == {("companion", "曹宏亮")}


def test_visit_at_a_company_then_checks_something():
    text = "在山西瑞光热电有限责任公司，刘文斌走进中控室，查看机组运行情况。"
    _, _, events = link(text, [("COMPANY", "山西瑞光热电有限责任公司"), ("OFFICIAL", "刘文斌")])
    assert len(events) == 1
    assert roles(events[0]) == {("visitor", "刘文斌"), ("target", "山西瑞光热电有限责任公司")}


def test_column_break_inside_a_place_argument_keeps_original_offsets():
    text = "本刊讯 6月3日，市委书记韩立军率队赴广东省深\n\n圳市考察电子信息产业。\n"
    _, _, events = link(text, [("DATE", "6月3日"), ("TITLE", "市委书记"), ("OFFICIAL", "韩立军")])
    assert len(events) == 1
    target = next(a for a in events[0].arguments if a.role == "target")
    assert target.text == "广东省深\n\n圳市"
    assert text[target.start:target.end] == target.text


def test_column_break_inside_an_entity_argument():
    text = "本刊讯 近日，晋中开发区与山西华\n\n阳新能源有限公司签约。\n"
    _, _, events = link(text, [("DATE", "近日"), ("ZONE", "晋中开发区"), ("COMPANY", "山西华\n\n阳新能源有限公司")])
    party = [a for a in events[0].arguments if a.role == "party"]
    assert {a.text for a in party} == {"晋中开发区", "山西华\n\n阳新能源有限公司"}
    assert all(text[a.start:a.end] == a.text for a in party)


# -- MEETING ---------------------------------------------------------------------------------
def test_meeting_roles():
    text = ("本刊讯 2月20日，忻州经济开发区召开2023年度招商引资推进会，党工委书记李国平出席并讲话，"
            "管委会主任张晓东主持会议。")
    _, _, events = link(text, [("DATE", "2月20日"), ("ZONE", "忻州经济开发区"), ("DATE", "2023年度"),
                               ("TITLE", "党工委书记"), ("OFFICIAL", "李国平"), ("TITLE", "管委会主任"),
                               ("OFFICIAL", "张晓东")])
    assert len(events) == 1  # 主持 in the same sentence gives the chair, not a second event
    assert roles(events[0]) == {("date", "2月20日"), ("organizer", "忻州经济开发区"), ("name", "招商引资推进会"),
                                ("attendee", "李国平"), ("chair", "张晓东")}


def test_meeting_named_before_its_verb_and_a_chair_only_mention():
    text = "8月18日，全市开发区“项目攻坚年”推进会在长治召开。会议由市委副书记孟建平主持。"
    _, _, events = link(text, [("DATE", "8月18日"), ("TITLE", "市委副书记"), ("OFFICIAL", "孟建平")])
    assert [v.trigger.text for v in events] == ["召开", "主持"]
    assert roles(events[0]) == {("date", "8月18日"), ("name", "全市开发区“项目攻坚年”推进会")}
    assert roles(events[1]) == {("chair", "孟建平")}


def test_a_meeting_named_after_chair_is_chaired_and_other_work_is_not():
    text = "区委书记李志远主持宣讲会，市委副书记周敏作专题宣讲。"
    _, _, events = link(text, [("TITLE", "区委书记"), ("OFFICIAL", "李志远"), ("TITLE", "市委副书记"), ("OFFICIAL", "周敏")])
    assert [v.trigger.text for v in events] == ["主持"] and ("chair", "李志远") in roles(events[0])
    text = "主持全面工作的副区长李志远在会上讲话。"
    _, _, events = link(text, [("TITLE", "副区长"), ("OFFICIAL", "李志远")])
    assert events == []


def test_compound_trigger_is_one_event():
    text = "吕梁市副市长高飞主持召开全市开发区项目调度会。"
    _, _, events = link(text, [("TITLE", "吕梁市副市长"), ("OFFICIAL", "高飞")])
    assert len(events) == 1 and events[0].trigger.text == "主持召开"
    assert roles(events[0]) == {("chair", "高飞"), ("name", "全市开发区项目调度会")}


# -- negative cases --------------------------------------------------------------------------
NEGATIVES = [
    ("今年以来，晋中开发区“签约一批”项目26个，签约金额达86.5亿元。",
     [("DATE", "今年以来"), ("ZONE", "晋中开发区"), ("AMOUNT", "86.5亿元")]),
    ("截至目前，全区累计签约项目38个，签约项目开工率达到90%。", []),
    ("1-10月，孝义经济开发区新签约亿元以上项目12个。", [("DATE", "1-10月"), ("ZONE", "孝义经济开发区")]),
    ("各入驻企业与开发区管委会签订了安全生产承诺书。", []),
    ("园区各部门与市政府签订目标责任书。", [("ORG", "市政府")]),
    ("下一步，大同经开区将赴长三角开展招商考察。", [("ZONE", "大同经开区")]),
    ("要主动走出去，到上海市考察学习先进经验。", []),
    ("欢迎各位企业家到晋中开发区考察投资。", [("ZONE", "晋中开发区")]),
    ("希望山西焦煤集团适时组织企业来园区参观考察。", [("COMPANY", "山西焦煤集团")]),
    ("开发区拟于下月召开全区项目建设推进会。", [("DATE", "下月")]),
    ("关于召开2019年全市开发区招商引资工作会议的通知", [("DATE", "2019年")]),       # a notice's title
    ("市纪委发出《关于举办晋中开发区投资论坛的通知》。", [("ORG", "市纪委"), ("ZONE", "晋中开发区")]),
    ("副主任王某受到留党察看一年处分。", [("TITLE", "副主任"), ("OFFICIAL", "王某")]),  # a party sanction
    ("开发区管委会委托咨询公司开展问卷调研。", [("ORG", "开发区管委会")]),             # a survey
    ("会议传达学习了习近平总书记视察山西重要讲话重要指示精神。", [("OFFICIAL", "习近平"), ("TITLE", "总书记")]),
    ("认真落实省委书记蓝海涛调研晋中开发区时的指示要求。",
     [("TITLE", "省委书记"), ("OFFICIAL", "蓝海涛"), ("ZONE", "晋中开发区")]),
    ("考察团成员包括山西焦煤集团等20余家企业负责人。", [("COMPANY", "山西焦煤集团")]),
    ("市委书记张建明的调研指示为晋中开发区指明了方向。",
     [("TITLE", "市委书记"), ("OFFICIAL", "张建明"), ("ZONE", "晋中开发区")]),
    ("晋中开发区坚持每周走访山西焦煤集团等企业，常态化开展入企服务。",
     [("ZONE", "晋中开发区"), ("COMPANY", "山西焦煤集团")]),
    ("分期分批组织干部赴苏州工业园区考察学习。", [("ZONE", "苏州工业园区")]),
    ("通过组织企业参观考察、召开座谈会等方式，搭建交流平台。", []),
    ("近年来，晋中开发区先后与清华大学、北京大学等20余所高校签订合作协议。",
     [("DATE", "近年来"), ("ZONE", "晋中开发区"), ("ORG", "清华大学"), ("ORG", "北京大学")]),
    ("晋中开发区每年举办“晋商回乡”恳谈会。", [("ZONE", "晋中开发区")]),
    ("今年已举办了4场企业家沙龙。", [("DATE", "今年")]),
    ("举办学习贯彻党的二十大精神读书班，组织党员开展主题党日活动。", []),
    ("主持人宣布晋中开发区与山西焦煤集团签约仪式开始。", [("ZONE", "晋中开发区"), ("COMPANY", "山西焦煤集团")]),
    ("多家银行又与企业签订了约10亿元的授信意向。", [("AMOUNT", "约10亿元")]),
    ("签约后，山西焦煤集团项目将于明年3月开工建设。", [("COMPANY", "山西焦煤集团"), ("DATE", "明年3月")]),
    ("晋中开发区负责人表示，将尽快与山西焦煤集团签订正式协议。", [("ZONE", "晋中开发区"), ("COMPANY", "山西焦煤集团")]),
    ("全省开发区观摩活动圆满结束。", []),
    ("在座谈会上，企业代表踊跃发言。", []),
    ("今年以来，党工委书记张志远深入企业走访调研120余次。",
     [("DATE", "今年以来"), ("TITLE", "党工委书记"), ("OFFICIAL", "张志远")]),
    ("全年接待省内外考察调研团组150余批次。", [("DATE", "全年")]),
    ("晋中开发区全年共召开党工委会议24次。", [("ZONE", "晋中开发区"), ("DATE", "全年")]),
    ("晋中开发区先后召开项目推进会、要素保障协调会。", [("ZONE", "晋中开发区")]),
    ("开发区建立会商机制，每半月召开一次联席会议。", []),
    ("晋中开发区联合市人社局举办专场招聘会。", [("ZONE", "晋中开发区"), ("ORG", "市人社局")]),
    ("按照市委书记张志远调研开发区时提出的要求，加快推进项目建设。", [("TITLE", "市委书记"), ("OFFICIAL", "张志远")]),
    ("晋中开发区实行“签约即供地”服务模式。", [("ZONE", "晋中开发区")]),
    ("下一步，晋中开发区与山西焦煤集团签订合作协议。", [("ZONE", "晋中开发区"), ("COMPANY", "山西焦煤集团")]),
    ("鼓励企业赴深圳市考察对接。", []),
    ("晋中开发区举行标准化厂房揭牌仪式。", [("ZONE", "晋中开发区")]),
    ("调研结束后，形成了专题调研报告。", []),
    ("组织园区企业家赴长三角地区考察学习。", []),
    ("晋中开发区召开各类座谈会，听取企业意见。", [("ZONE", "晋中开发区")]),
    ("园区正在筹备下月在杭州举行的新材料产业推介会。", [("DATE", "下月")]),
    ("大家要紧盯新能源汽车零部件领域，主动上门，到长三角地区逐企考察。", []),
]


@pytest.mark.parametrize("text,ents", NEGATIVES, ids=[t[:12] for t, _ in NEGATIVES])
def test_negative_cases_stay_silent(text, ents):
    _, _, events = link(text, ents)
    assert events == [], [(v.type, v.trigger.text) for v in events]


def test_negative_words_do_not_silence_a_real_event_nearby():
    text = "今年以来，开发区累计签约项目20个。5月6日，晋中开发区与山西焦煤集团签约。"
    _, _, events = link(text, [("DATE", "今年以来"), ("DATE", "5月6日"), ("ZONE", "晋中开发区"),
                               ("COMPANY", "山西焦煤集团")])
    assert [v.trigger.start for v in events] == [text.rindex("签约")]


# -- scores, oracle, scorer ------------------------------------------------------------------
def test_rules_without_scorer_give_table_scores():
    inp = build(SIGN_TEXT, SIGN_ENTS)
    plain = EventFinder(use_scorer=False)(inp)
    learned = EventFinder()(inp)
    assert [roles(v) for v in plain] == [roles(v) for v in learned]  # the rules decide the arguments
    assert all(0.0 <= a.score <= 1.0 for v in plain + learned for a in v.arguments)


def test_default_scorer_loads_and_gives_probabilities():
    scorer = ArgumentScorer.load_default()
    assert scorer is not None and set(scorer.models) == {"SIGN_CONTRACT", "VISIT_INSPECT", "MEETING"}
    for model in scorer.models.values():
        assert model.classes[0] == "none" and model.W.shape == (len(model.index), len(model.classes))


def test_fit_logreg_learns_a_separable_rule():
    rows = [["bias", "cue=陪同"]] * 20 + [["bias", "cue=率"]] * 20
    labels = ["companion"] * 20 + ["visitor"] * 20
    model = fit_logreg(rows, labels, ["none", "companion", "visitor"], l2=0.1, epochs=200)
    p = model.proba(["bias", "cue=陪同"])
    assert model.classes[int(p.argmax())] == "companion" and p.max() > 0.8
    assert abs(p.sum() - 1.0) < 1e-9


def _gold_doc() -> dict:
    text = "## 晋中开发区\n\n# 市长调研\n\n本刊讯 3月1日，市长郭振华到晋中开发\n\n区调研，管委会主任王刚陪同。\n"
    spans = [("ZONE", "晋中开发区"), ("DATE", "3月1日"), ("TITLE", "市长"), ("OFFICIAL", "郭振华"),
             ("ZONE", "晋中开发\n\n区"), ("TITLE", "管委会主任"), ("OFFICIAL", "王刚")]
    ents, pos = [], 0
    for i, (label, surface) in enumerate(spans, 1):
        s = text.index(surface, pos)
        pos = s + len(surface)
        ents.append({"id": f"e{i}", "label": label, "start": s, "end": pos, "text": surface})
    trig = text.index("调研", text.index("本刊讯"))
    event = {"id": "v1", "type": "VISIT_INSPECT", "trigger": {"start": trig, "end": trig + 2, "text": "调研"},
             "arguments": [{"role": r, "entity": ents[k]["id"], "start": ents[k]["start"], "end": ents[k]["end"],
                            "text": ents[k]["text"]} for r, k in (("date", 1), ("visitor", 3), ("target", 4),
                                                                  ("companion", 6))]}
    return {"id": "g1", "text": text, "entities": ents, "events": [event],
            "relations": [{"type": "HOLDS_TITLE", "head": "e4", "tail": "e3"},
                          {"type": "HOLDS_TITLE", "head": "e7", "tail": "e6"}]}


def test_oracle_maps_gold_entities_to_cleaned_offsets():
    doc = _gold_doc()
    inp = link_input_from_gold(doc)
    for m in inp.mentions:
        assert inp.clean.span_to_original(m.cstart, m.cend) == (m.entity.start, m.entity.end)
    zone = [m for m in inp.mentions if m.entity.text == "晋中开发\n\n区"][0]
    assert inp.clean.text[zone.cstart:zone.cend] == "晋中开发区"


def test_oracle_prediction_scores_perfectly_on_a_simple_gold_doc():
    doc = _gold_doc()
    pred = predict_links(doc)
    assert pred["entities"] == doc["entities"]
    rep = evaluate([doc], [pred]).to_dict()
    assert rep["relations_micro"]["f1"] == 1.0
    assert rep["triggers"]["VISIT_INSPECT"]["tp"] == 1
    assert rep["arguments"]["VISIT_INSPECT"]["recall"] == 1.0


def test_oracle_cli_prints_the_table(tmp_path, capsys):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(_gold_doc(), ensure_ascii=False) + "\n", encoding="utf-8")
    assert oracle_main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "event arguments" in out and "HOLDS_TITLE" in out and "VISIT_INSPECT" in out


# -- property: any arrangement of pieces keeps offsets exact and scores in range ----------------
PIECES = [("本刊讯 ", None), ("5月8日", "DATE"), ("，", None), ("。", None), ("\n\n", None), ("## ", None),
          ("晋中开发区", "ZONE"), ("与", None), ("山西焦煤集团", "COMPANY"), ("签约", None), ("签订", None),
          ("《合作协议》", None), ("总投资", None), ("约12亿元", "AMOUNT"), ("市长", "TITLE"), ("王建国", "OFFICIAL"),
          ("陪同", None), ("到", None), ("赴北京市", None), ("调研", None), ("考察团", None), ("参观了", None),
          ("召开", None), ("推进会", None), ("主持", None), ("出席", None), ("见证", None), ("市商务局", "ORG"),
          ("智能制造基地项目", "PROJECT"), ("、", None), ("累计", None), ("要", None), ("“签约一批”", None)]


@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=30))
def test_any_arrangement_keeps_offsets_exact(pieces):
    text = "".join(p for p, _ in pieces)
    clean = clean_text(text)
    mentions, pos = [], 0
    for piece, label in pieces:
        if label is not None:
            span = clean.span_from_original(pos, pos + len(piece))
            if span is not None:
                ent = Entity(label, pos, pos + len(piece), piece, id=f"e{len(mentions) + 1}")
                mentions.append(Mention(ent, span[0], span[1]))
        pos += len(piece)
    inp = LinkInput(clean, split_sentences(clean.text), mentions)
    relations, events = Linker()(inp)
    ids = {m.entity.id: m.entity for m in mentions}
    result = Extraction("p", ModelInfo("t", ""), list(ids.values()), relations, events)
    assert check_offsets(text, result) == []
    for r in relations:
        assert r.head in ids and r.tail in ids and ids[r.head].label == "OFFICIAL"
    for v in events:
        assert 0.0 <= v.score <= 1.0
        for a in v.arguments:
            assert 0.0 <= a.score <= 1.0
            if a.entity is not None:
                assert (ids[a.entity].start, ids[a.entity].end) == (a.start, a.end)


def _with_learned(text, ents, learned):
    from zhie.tagger.base import TaggedSpan
    inp = build(text, ents)
    inp.triggers = [TaggedSpan(kind, text.index(word), text.index(word) + len(word) - cut, score)
                    for kind, word, cut, score in learned]
    return inp


def test_trigger_policies_combine_rules_and_the_learned_head():
    # 约见 is no lexicon word: only the learned head can find this visit
    text = "云湖市市长张明约见青禾科技股份有限公司负责人并实地走访企业。"
    ents = [("TITLE", "云湖市市长"), ("OFFICIAL", "张明"), ("COMPANY", "青禾科技股份有限公司")]
    inp = _with_learned(text, ents, [("VISIT_INSPECT", "约见", 0, 0.9)])
    rules = EventFinder(trigger_policy="rules")(inp)
    union = EventFinder(trigger_policy="union")(inp)
    assert {v.trigger.text for v in rules} == {"走访"}
    assert {v.trigger.text for v in union} == {"约见", "走访"}
    learned = EventFinder(trigger_policy="learned")(inp)
    assert {v.trigger.text for v in learned} == {"约见"}   # the rules' 走访 is not confirmed by the head


def test_a_learned_trigger_snaps_to_its_word_and_obeys_the_negative_cases():
    text = "3月5日，云湖高新区与青禾科技股份有限公司签约。"
    ents = [("DATE", "3月5日"), ("ZONE", "云湖高新区"), ("COMPANY", "青禾科技股份有限公司")]
    inp = _with_learned(text, ents, [("SIGN_CONTRACT", "签约", 1, 0.9)])   # the head found only 签
    (event,) = EventFinder(trigger_policy="learned")(inp)
    assert event.trigger.text == "签约"
    plan = "下一步，云湖高新区要到青禾科技股份有限公司考察。"
    inp = _with_learned(plan, [("ZONE", "云湖高新区"), ("COMPANY", "青禾科技股份有限公司")],
                        [("VISIT_INSPECT", "考察", 0, 0.95)])
    assert EventFinder(trigger_policy="union")(inp) == []
    with pytest.raises(ValueError):
        EventFinder(trigger_policy="guess")


# -- rules of 2026-12-05 (invented sentences of the shapes seen in the train parts) ----------------
def _one(events, etype):
    found = [v for v in events if v.type == etype]
    assert len(found) == 1, [(v.type, v.trigger.text) for v in events]
    return found[0]


def test_visit_after_lilin_takes_the_zone_as_target():
    _, _, events = link("3月5日上午，市长王立新莅临青川高新区考察调研重点项目建设。",
                        [("DATE", "3月5日上午"), ("TITLE", "市长"), ("OFFICIAL", "王立新"), ("ZONE", "青川高新区")])
    v = _one(events, "VISIT_INSPECT")
    assert ("target", "青川高新区") in roles(v) and ("visitor", "王立新") in roles(v)


def test_visit_at_a_list_of_plain_places():
    _, _, events = link("县长刘明远在李家村、河口镇调研时说，要抓好产业。",
                        [("TITLE", "县长"), ("OFFICIAL", "刘明远")])
    v = _one(events, "VISIT_INSPECT")
    assert {("target", "李家村"), ("target", "河口镇")} <= roles(v)


def test_visit_at_places_with_adverbs_keeps_places_and_object():
    _, _, events = link("区长赵文斌在荆门、襄阳分别察看了华远物流公司。",
                        [("TITLE", "区长"), ("OFFICIAL", "赵文斌"), ("COMPANY", "华远物流公司")])
    v = _one(events, "VISIT_INSPECT")
    assert {("target", "荆门"), ("target", "襄阳"), ("target", "华远物流公司")} <= roles(v)


def test_zone_and_its_park_in_a_list_of_places():
    _, _, events = link("市长王立新深入青川经济技术开发区智能装备园、生物医药园等地，就产业布局开展调研。",
                        [("TITLE", "市长"), ("OFFICIAL", "王立新"), ("ZONE", "青川经济技术开发区")])
    v = _one(events, "VISIT_INSPECT")
    assert {("target", "青川经济技术开发区"), ("target", "智能装备园"), ("target", "生物医药园")} <= roles(v)


def test_dijie_and_baifang_are_trigger_words():
    _, _, events = link("青川商会与河口市温州商会缔结战略合作协议。",
                        [("ORG", "青川商会"), ("ORG", "河口市温州商会")])
    v = _one(events, "SIGN_CONTRACT")
    assert {("party", "青川商会"), ("party", "河口市温州商会")} <= roles(v)
    _, _, events = link("区长刘威带队赴宁波拜访宁海兴业集团有限公司。",
                        [("TITLE", "区长"), ("OFFICIAL", "刘威"), ("COMPANY", "宁海兴业集团有限公司")])
    v = _one(events, "VISIT_INSPECT")
    assert ("target", "宁海兴业集团有限公司") in roles(v)


def test_a_ceremony_of_signing_and_groundbreaking_has_its_witness():
    _, _, events = link("市长胡明远出席产业项目签约和投产活动。", [("TITLE", "市长"), ("OFFICIAL", "胡明远")])
    v = _one(events, "SIGN_CONTRACT")
    assert ("witness", "胡明远") in roles(v)
    _, _, events = link("县领导田文磊参加签约大会。", [("OFFICIAL", "田文磊")])
    assert ("witness", "田文磊") in roles(_one(events, "SIGN_CONTRACT"))


def test_meeting_name_followed_by_huodong_before_its_verb():
    _, _, events = link("11月14日，人才项目对接会活动在江北区举行。", [("DATE", "11月14日")])
    v = _one(events, "MEETING")
    assert ("name", "人才项目对接会") in roles(v)
