"""Argument rules for the shapes of real reports, on sentences written for these tests (all names
invented): witnesses listed with the groups that came along, agreements named as the object of
the verb, the subject a 与-clause shares, a day preferred to a quarter, who hosts a meeting and a
place that holds it, the prefix of a news-wire name, companions who join a visit, a visit named
as a setting, and targets listed up to 等处."""
from __future__ import annotations

from tests.test_linking import link, roles


def _one(events, type_):
    found = [v for v in events if v.type == type_]
    assert len(found) == 1, [(v.type, v.trigger.text) for v in events]
    return found[0]


def test_witnesses_listed_with_the_groups_that_came_along():
    text = "市委书记甲乙丙、市长丁戊等领导及部分客商代表出席签约仪式。"
    _, _, events = link(text, [("TITLE", "市委书记"), ("OFFICIAL", "甲乙丙"), ("TITLE", "市长"), ("OFFICIAL", "丁戊")])
    ev = _one(events, "SIGN_CONTRACT")
    assert {("witness", "甲乙丙"), ("witness", "丁戊")} <= roles(ev)


def test_attending_organisations_of_a_ceremony_are_no_party():
    text = "副市长甲乙及市工信局有关负责人、20多名嘉宾出席签约仪式。"
    _, _, events = link(text, [("TITLE", "副市长"), ("OFFICIAL", "甲乙"), ("ORG", "市工信局")])
    ev = _one(events, "SIGN_CONTRACT")
    assert ("witness", "甲乙") in roles(ev)
    assert not [a for a in ev.arguments if a.role == "party"]


def test_agreement_named_as_the_object_and_one_per_item():
    text = "青禾经济开发区与北辰科技有限公司签署产能合作协议和研发中心建设协议，总投资5亿元。"
    _, _, events = link(text, [("ZONE", "青禾经济开发区"), ("COMPANY", "北辰科技有限公司"), ("AMOUNT", "5亿元")])
    ev = _one(events, "SIGN_CONTRACT")
    assert {("agreement", "产能合作协议"), ("agreement", "研发中心建设协议")} <= roles(ev)


def test_a_project_that_opens_the_object_is_left_out_of_the_agreement():
    text = "青禾经济开发区与北辰科技有限公司签订了“北辰智造园项目”投资协议。"
    _, _, events = link(text, [("ZONE", "青禾经济开发区"), ("COMPANY", "北辰科技有限公司"), ("PROJECT", "北辰智造园项目")])
    ev = _one(events, "SIGN_CONTRACT")
    assert ("agreement", "投资协议") in roles(ev)


def test_a_clause_that_opens_with_its_with_shares_the_subject():
    text = "仪式上，青禾自贸片区与北辰科技有限公司签订数据平台合作协议，与南山材料有限公司签订投资协议。"
    _, _, events = link(text, [("ZONE", "青禾自贸片区"), ("COMPANY", "北辰科技有限公司"), ("COMPANY", "南山材料有限公司")])
    second = [v for v in events if v.type == "SIGN_CONTRACT" and v.trigger.start > text.index("南山")]
    assert len(second) == 1
    assert {("party", "青禾自贸片区"), ("party", "南山材料有限公司")} <= roles(second[0])


def test_a_plan_of_the_shared_subject_is_no_signing():
    text = "北辰集团等十家企业负责人将齐聚推进会，与青禾市签订系列合作协议。"
    _, _, events = link(text, [("COMPANY", "北辰集团")])
    assert not [v for v in events if v.type == "SIGN_CONTRACT"]


def test_a_day_is_preferred_to_the_quarter_in_the_ceremony_name():
    text = "6月2日，青禾新区办起第二季度重点项目签约仪式，北辰科技有限公司与青禾新区签约。"
    _, _, events = link(text, [("DATE", "6月2日"), ("ZONE", "青禾新区"), ("DATE", "第二季度"),
                               ("COMPANY", "北辰科技有限公司"), ("ZONE", "青禾新区")])
    last = [v for v in events if v.type == "SIGN_CONTRACT"][-1]
    assert ("date", "6月2日") in roles(last)
    assert ("date", "第二季度") not in roles(last)


def test_who_hosts_a_meeting_and_the_name_after_the_host():
    text = "4月8日，由青禾市投资促进局主办的“共享新机，携手共赢”招商推介会在青禾宾馆举行。"
    _, _, events = link(text, [("DATE", "4月8日"), ("ORG", "青禾市投资促进局")])
    ev = _one(events, "MEETING")
    assert ("organizer", "青禾市投资促进局") in roles(ev)
    assert ("name", "“共享新机，携手共赢”招商推介会") in roles(ev)


def test_a_place_that_holds_a_meeting_is_its_organizer():
    text = "9月9日，青禾县在北京举行重点项目推介会。"
    _, _, events = link(text, [("DATE", "9月9日")])
    ev = _one(events, "MEETING")
    assert ("organizer", "青禾县") in roles(ev)
    assert ("name", "重点项目推介会") in roles(ev)


def test_a_dateline_and_reporter_bracket_are_not_part_of_the_name():
    text = "青禾新闻网北京4月24日电 (记者 甲乙)青禾市招商推介会24日在北京举行。"
    _, _, events = link(text, [("OFFICIAL", "甲乙")])
    ev = _one(events, "MEETING")
    assert ("name", "青禾市招商推介会") in roles(ev)


def test_people_who_join_a_visit_are_companions():
    text = "市长甲乙带队考察青禾经济开发区，副市长丙丁、秘书长戊己参加考察。"
    _, _, events = link(text, [("TITLE", "市长"), ("OFFICIAL", "甲乙"), ("ZONE", "青禾经济开发区"),
                               ("TITLE", "副市长"), ("OFFICIAL", "丙丁"), ("TITLE", "秘书长"), ("OFFICIAL", "戊己")])
    joined = [v for v in events if v.type == "VISIT_INSPECT" and v.trigger.start > text.index("参加")]
    assert len(joined) == 1
    assert roles(joined[0]) >= {("companion", "丙丁"), ("companion", "戊己")}
    assert not [a for a in joined[0].arguments if a.role == "visitor"]


def test_a_visit_named_as_a_setting_takes_who_and_where_from_what_follows():
    text = "调研中，甲乙一行先后深入青禾产业园、北辰科技有限公司，详细了解项目进展。"
    _, _, events = link(text, [("OFFICIAL", "甲乙"), ("ZONE", "青禾产业园"), ("COMPANY", "北辰科技有限公司")])
    ev = _one(events, "VISIT_INSPECT")
    assert roles(ev) >= {("visitor", "甲乙"), ("target", "青禾产业园"), ("target", "北辰科技有限公司")}


def test_targets_listed_up_to_deng_chu_include_plain_places():
    text = "甲乙先后深入青禾湿地公园、北辰科技有限公司、南山物流港等处进行实地调研。"
    _, _, events = link(text, [("OFFICIAL", "甲乙"), ("COMPANY", "北辰科技有限公司")])
    ev = _one(events, "VISIT_INSPECT")
    assert roles(ev) >= {("visitor", "甲乙"), ("target", "青禾湿地公园"), ("target", "北辰科技有限公司"),
                         ("target", "南山物流港")}


def test_a_visit_to_our_county_and_the_object_after_dui():
    text = "区政协副主席甲乙率委员一行，对我县产业园区发展情况进行专题视察。"
    _, _, events = link(text, [("TITLE", "区政协副主席"), ("OFFICIAL", "甲乙")])
    ev = _one(events, "VISIT_INSPECT")
    assert roles(ev) >= {("visitor", "甲乙"), ("target", "我县")}


def test_a_habit_word_in_a_group_name_does_not_silence_the_visit():
    text = "常态化督导组来到青禾经济开发区，就项目建设情况进行督导。督导组组长甲乙在青禾经济开发区督导工作。"
    _, _, events = link(text, [("ZONE", "青禾经济开发区"), ("OFFICIAL", "甲乙"), ("ZONE", "青禾经济开发区")])
    assert [v for v in events if v.type == "VISIT_INSPECT"]


def test_a_total_or_many_signed_is_a_statistic_a_few_at_one_ceremony_is_a_signing():
    stat = "本次推介会上，青禾园区共签约5个项目，协议金额约8亿元。"
    _, _, events = link(stat, [("ZONE", "青禾园区"), ("AMOUNT", "约8亿元")])
    assert not [v for v in events if v.type == "SIGN_CONTRACT"]
    many = "今年以来，青禾新区在多场推介中签约360个项目。"
    _, _, events = link(many, [("ZONE", "青禾新区")])
    assert not [v for v in events if v.type == "SIGN_CONTRACT"]
    few = "5月6日，青禾经济技术开发区在北京签约三个“链主”型项目，总投资86亿元。"
    _, _, events = link(few, [("DATE", "5月6日"), ("ZONE", "青禾经济技术开发区"), ("AMOUNT", "86亿元")])
    assert [v for v in events if v.type == "SIGN_CONTRACT"]


def test_a_chair_after_a_ceremony_in_the_paragraph_is_no_meeting():
    text = "副市长甲乙出席开工仪式。管委会主任丙丁致辞，党工委副书记戊己主持。"
    _, _, events = link(text, [("TITLE", "副市长"), ("OFFICIAL", "甲乙"), ("TITLE", "管委会主任"), ("OFFICIAL", "丙丁"),
                               ("TITLE", "党工委副书记"), ("OFFICIAL", "戊己")])
    assert not [v for v in events if v.type == "MEETING"]


def test_noun_uses_of_a_signing_word_and_a_fair_are_silent():
    cases = [
        ("青禾新区项目是签约重点，本次活动推介了新区规划。", [("ZONE", "青禾新区")]),
        ("疫情期间青禾新区“云签约”项目近500亿元。", [("ZONE", "青禾新区"), ("AMOUNT", "近500亿元")]),
        ("主任甲乙宣读了项目签约情况通报。", [("TITLE", "主任"), ("OFFICIAL", "甲乙")]),
        ("9月5日，第3届青博会暨重点项目签约仪式在青禾会展中心举行。", [("DATE", "9月5日")]),
    ]
    for text, ents in cases:
        _, _, events = link(text, ents)
        assert events == [], (text, [(v.type, v.trigger.text) for v in events])


def test_a_meeting_name_starts_after_a_setting_or_a_counter_and_never_at_its_host():
    text = "在首届数字青禾建设峰会举行期间，记者来到青禾会展中心。"
    _, _, events = link(text, [])
    ev = _one(events, "MEETING")
    assert ("name", "首届数字青禾建设峰会") in roles(ev)
    text = "一场青禾发展论坛13日在青禾学院举行。"
    _, _, events = link(text, [])
    assert ("name", "青禾发展论坛") in roles(_one(events, "MEETING"))
    text = "5月18日晚上，由青禾区妇联、青禾区慈善会举办的关爱活动在青禾广场启动。"
    _, _, events = link(text, [("DATE", "5月18日晚上"), ("ORG", "青禾区妇联"), ("ORG", "青禾区慈善会")])
    assert not [a for v in events for a in v.arguments if a.role == "name"]


def test_meetings_held_by_kai_zhan_cheng_ban_and_a_talk_with_someone():
    _, _, events = link("省商务厅厅长甲乙一行来我市开展招商引资专题会商。", [("OFFICIAL", "甲乙")])
    assert ("name", "招商引资专题会商") in roles(_one(events, "MEETING"))
    _, _, events = link("青禾市承办“2023年青禾新材料产业峰会”，同期安排多场对接活动。", [])
    assert ("name", "2023年青禾新材料产业峰会") in roles(_one(events, "MEETING"))
    _, _, events = link("昨日下午，副市长甲乙与调研组一行座谈。", [("TITLE", "副市长"), ("OFFICIAL", "甲乙")])
    assert _one(events, "MEETING").trigger.text == "座谈"
    for text in ("青禾经开区开展招商引资工作。", "市交警部门开展“百日会战”专项治理。",
                 "甲乙率调研组到我市开展第十四次代表大会精神宣讲。"):
        _, _, events = link(text, [])
        assert events == [], text    # 开展 holds a meeting only when a meeting's name is its whole object
    _, _, events = link("青禾银行召开全行进一步深入开展专项工作会议。", [])
    assert _one(events, "MEETING").trigger.text == "召开"   # the 开展 inside the name is no second meeting


def test_a_hosted_by_modifier_is_not_a_second_meeting():
    _, _, events = link("由青禾市商务局承办的招商推介会在青禾宾馆举行。", [("ORG", "青禾市商务局")])
    ev = _one(events, "MEETING")
    assert ev.trigger.text == "举行" and ("organizer", "青禾市商务局") in roles(ev)


def test_two_places_of_one_level_are_two_targets_and_a_deictic_is_left_out():
    text = "副市长甲乙深入青禾县白水县调研工业经济运行情况。"
    _, _, events = link(text, [("TITLE", "副市长"), ("OFFICIAL", "甲乙")])
    assert {("target", "青禾县"), ("target", "白水县")} <= roles(_one(events, "VISIT_INSPECT"))
    text = "调研组深入该市青禾区调研开放合作工作。"
    _, _, events = link(text, [("ORG", "调研组")])
    assert ("target", "青禾区") in roles(_one(events, "VISIT_INSPECT"))
    text = "副市长甲乙深入青禾县白水镇前进村调研。"    # a nested address is one place
    _, _, events = link(text, [("TITLE", "副市长"), ("OFFICIAL", "甲乙")])
    assert ("target", "青禾县白水镇前进村") in roles(_one(events, "VISIT_INSPECT"))


def test_people_who_join_an_on_site_visit_or_talk_are_companions():
    text = "区长甲乙、副区长丙丁等参加现场调研或座谈。"
    _, _, events = link(text, [("TITLE", "区长"), ("OFFICIAL", "甲乙"), ("TITLE", "副区长"), ("OFFICIAL", "丙丁")])
    found = roles(_one(events, "VISIT_INSPECT"))
    assert {("companion", "甲乙"), ("companion", "丙丁")} <= found
    assert not {r for r in found if r[0] == "visitor"}


def test_a_meeting_named_before_a_span_of_days_and_its_place():
    text = "青禾第四次联动协作会于2019年5月23日至25日在白水市召开。"
    _, _, events = link(text, [("DATE", "2019年5月23日至25日")])
    assert {("name", "青禾第四次联动协作会"), ("date", "2019年5月23日至25日")} <= roles(_one(events, "MEETING"))
