"""Trigger tables on the shapes of real articles (zhie/linking/triggers.py): marker words inside
entity names, headlines followed by a byline, 签订了 + object, a meeting after a series of visits,
and many holders summed up in one line.  Every sentence here was written for these tests."""
from test_explain import _doc, _outcomes  # the same sentence builder and outcome list
from zhie.linking.oracle import predict_links


def _events(doc: dict) -> list[tuple[str, set[tuple[str, str]]]]:
    return [(e["type"], {(a["role"], a["text"]) for a in e["arguments"]}) for e in predict_links(doc)["events"]]


def test_a_plan_word_inside_a_company_name_is_no_plan():
    text = "5月8日，新希望食品有限公司与滨江开发区现场签订合作协议。"
    doc = _doc(text, [("DATE", "5月8日"), ("COMPANY", "新希望食品有限公司"), ("ZONE", "滨江开发区")])
    assert _outcomes(doc) == [("签订", "event")]
    ((kind, args),) = _events(doc)
    assert kind == "SIGN_CONTRACT" and {("party", "新希望食品有限公司"), ("party", "滨江开发区")} <= args


def test_a_plan_outside_the_names_still_drops_the_signing():
    text = "新希望食品有限公司将与滨江开发区签订合作协议。"
    doc = _doc(text, [("COMPANY", "新希望食品有限公司"), ("ZONE", "滨江开发区")])
    assert _outcomes(doc) == [("签订", "dropped: plan")]


def test_the_meeting_name_does_not_run_over_a_line_break():
    text = "滨江开发区招商推介会在杭州举行\n\n编辑：李华 发布时间：2024年5月8日\n\n滨江开发区招商推介会"
    doc = _doc(text, [("ZONE", "滨江开发区"), ("ZONE", "滨江开发区")])
    ((kind, args),) = _events(doc)
    assert kind == "MEETING" and ("name", "滨江开发区招商推介会") in args
    assert not any(role == "name" and "\n" in t for role, t in args)


def test_a_date_stamp_on_the_next_line_is_no_count():
    text = "滨江开发区建区20周年发展大会举行\n\nadmin3个月前"
    doc = _doc(text, [("ZONE", "滨江开发区")])
    assert _outcomes(doc) == [("举行", "event")]
    assert ("name", "滨江开发区建区20周年发展大会") in _events(doc)[0][1]


def test_a_count_in_the_headline_itself_still_drops_the_meeting():
    text = "滨江开发区今年已举办推介会12场\n\nadmin3个月前"
    doc = _doc(text, [("ZONE", "滨江开发区")])
    assert _outcomes(doc) == [("举办", "dropped: count")]


def test_signed_with_le_takes_its_object_and_is_an_event():
    text = "6月3日，滨江开发区管委会主任张伟与客商代表签订了项目合作协议。"
    doc = _doc(text, [("DATE", "6月3日"), ("ZONE", "滨江开发区"), ("TITLE", "管委会主任"), ("OFFICIAL", "张伟")])
    assert _outcomes(doc) == [("签订", "event")]
    assert _events(doc)[0][0] == "SIGN_CONTRACT"


def test_signed_projects_as_a_noun_stay_silent():
    text = "滨江开发区签约项目总投资80亿元。"
    doc = _doc(text, [("ZONE", "滨江开发区"), ("AMOUNT", "80亿元")])
    assert _outcomes(doc) == [("签约", "dropped: noun-next")]
    assert _events(doc) == []


def test_a_meeting_after_a_series_of_visits_is_one_meeting():
    text = "6月3日，副市长张伟先后深入远航电子公司和蓝海材料公司实地调研，并召开座谈会，听取滨江开发区工作汇报。"
    doc = _doc(text, [("DATE", "6月3日"), ("TITLE", "副市长"), ("OFFICIAL", "张伟"), ("COMPANY", "远航电子公司"),
                      ("COMPANY", "蓝海材料公司"), ("ZONE", "滨江开发区")])
    outcomes = dict(_outcomes(doc))
    assert outcomes["调研"] == "event" and outcomes["召开"] == "event"
    meeting = [args for kind, args in _events(doc) if kind == "MEETING"]
    assert meeting and ("name", "座谈会") in meeting[0]


def test_a_series_in_the_trigger_clause_still_drops_it():
    text = "近年来，滨江开发区先后与多所高校签订合作协议。"
    doc = _doc(text, [("ZONE", "滨江开发区")])
    assert _outcomes(doc) == [("签订", "dropped: series")]


def test_many_holders_each_with_a_meeting_stay_silent():
    text = "6月3日，滨江开发区等多家开发区召开会议，部署下半年招商工作。"
    doc = _doc(text, [("DATE", "6月3日"), ("ZONE", "滨江开发区")])
    assert _outcomes(doc) == [("召开", "dropped: many-holders")]
    assert _events(doc) == []


def test_hosts_acting_together_hold_one_meeting():
    text = "6月3日，滨江开发区与临江开发区等多家单位联合举办招商推介会。"
    doc = _doc(text, [("DATE", "6月3日"), ("ZONE", "滨江开发区"), ("ZONE", "临江开发区")])
    assert _outcomes(doc) == [("举办", "event")]
    assert ("name", "招商推介会") in _events(doc)[0][1]


def test_aggregate_signing_statistics_stay_silent():
    text = "今年以来，滨江开发区累计签订合作协议30份，签约金额达120亿元。"
    doc = _doc(text, [("ZONE", "滨江开发区"), ("AMOUNT", "120亿元")])
    assert all(o.startswith("dropped") for _, o in _outcomes(doc))
    assert _events(doc) == []
