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


def test_a_quote_opened_inside_a_span_and_closed_after_it_starts_the_name():
    text = "山西省“智创园”吸引企业入驻，全市开发区“项目攻坚年”推进会召开。"
    got = apply_filters(text, spans_of(text, ("ZONE", "山西省“智创园"), ("PROJECT", "全市开发区“项目攻坚年”推进会")))
    assert surfaces(text, got) == [("ZONE", "智创园"), ("PROJECT", "全市开发区“项目攻坚年”推进会")]


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


def test_zones_written_together_are_one_zone():
    text = "会上听取了云湖高新区青禾现代产业园管委会的汇报。"
    got = apply_filters(text, spans_of(text, ("ZONE", "云湖高新区"), ("ZONE", "青禾现代产业园")))
    assert surfaces(text, got) == [("ZONE", "云湖高新区青禾现代产业园")]


def test_zones_separated_by_a_dot_stay_two():
    text = "上午，云湖新区·青禾经开区举办项目集中开工活动。"
    got = apply_filters(text, spans_of(text, ("ZONE", "云湖新区·"), ("ZONE", "青禾经开区")))
    assert surfaces(text, got) == [("ZONE", "云湖新区"), ("ZONE", "青禾经开区")]


def test_a_function_area_after_a_zone_is_left_out():
    text = "项目落地青禾产业新城核心区，位于云湖科创城内，毗邻汾东实验区南部片区。"
    got = apply_filters(text, spans_of(text, ("ZONE", "青禾产业新城核心区"), ("ZONE", "云湖科创城内"),
                                       ("ZONE", "汾东实验区南部片区")))
    assert surfaces(text, got) == [("ZONE", "青禾产业新城"), ("ZONE", "云湖科创城"), ("ZONE", "汾东实验区")]


def test_a_closing_bracket_opened_inside_the_span_stays():
    text = "云湖一体化经济区(青禾区)项目共计60项。"
    got = apply_filters(text, spans_of(text, ("ZONE", "云湖一体化经济区(青禾区)")))
    assert surfaces(text, got) == [("ZONE", "云湖一体化经济区(青禾区)")]


def test_names_in_a_credit_bracket_are_bylines():
    text = "(云湖日报记者王小明 通讯员李大伟)近日，张永刚调研了项目。"
    got = apply_filters(text, spans_of(text, ("OFFICIAL", "王小明"), ("OFFICIAL", "李大伟"), ("OFFICIAL", "张永刚")))
    assert surfaces(text, got) == [("OFFICIAL", "张永刚")]


def test_a_name_after_a_photo_credit_is_no_entity():
    text = "项目现场。实习生 王小明摄"
    got = apply_filters(text, spans_of(text, ("ZONE", "王小明摄")))
    assert got == []


def test_an_official_ending_like_a_place_is_dropped():
    text = "东台市青禾镇举行项目开工仪式。"
    got = apply_filters(text, spans_of(text, ("OFFICIAL", "青禾镇")))
    assert got == []


def test_company_parts():
    text = "云湖视频集团旗下青禾动力信息技术有限公司与合资公司、平台公司汾东集团签约，网站为青禾资讯网。"
    got = apply_filters(text, spans_of(text, ("COMPANY", "云湖视频集团旗下青禾动力信息技术有限公司"),
                                       ("COMPANY", "合资公司"), ("COMPANY", "平台公司汾东集团"), ("COMPANY", "青禾资讯网")))
    assert surfaces(text, got) == [("COMPANY", "云湖视频集团"), ("COMPANY", "青禾动力信息技术有限公司"),
                                   ("COMPANY", "汾东集团")]


def test_a_subsidiary_description_is_not_part_of_the_company():
    text = "近日，青禾材料有限公司控股子公司正式投产。"
    got = apply_filters(text, spans_of(text, ("COMPANY", "青禾材料有限公司控股子公司")))
    assert surfaces(text, got) == [("COMPANY", "青禾材料有限公司")]


def test_dates_that_are_no_dates():
    text = "发布于07:02。连续六年增长，纪念建区40周年，第二届大会，年度计划，依据云发〔2022〕3号文件。"
    got = apply_filters(text, spans_of(text, ("DATE", "07:02"), ("DATE", "六年"), ("DATE", "40周年"),
                                       ("DATE", "第二"), ("DATE", "年度"), ("DATE", "2022")))
    assert got == []


def test_date_trimming():
    text = "自2006年起，园区开始布局。\n6、7月20日上午，项目开工。"
    got = apply_filters(text, spans_of(text, ("DATE", "2006年起"), ("DATE", "6、7月20日上午")))
    assert surfaces(text, got) == [("DATE", "2006年"), ("DATE", "7月20日上午")]


def test_amounts_without_a_number_and_a_unit_are_dropped():
    text = "引进亿元项目，一批50亿级项目，完成投资5。新签亿元以上项目。"
    got = apply_filters(text, spans_of(text, ("AMOUNT", "亿元"), ("AMOUNT", "50"), ("AMOUNT", "5"),
                                       ("AMOUNT", "亿元以上")))
    assert surfaces(text, got) == [("AMOUNT", "亿元以上")]


def test_a_dangling_range_word_leaves_an_amount():
    text = "投资额在10亿元至20亿元之间的共三家。"
    got = apply_filters(text, spans_of(text, ("AMOUNT", "10亿元至"), ("AMOUNT", "20亿元")))
    assert surfaces(text, got) == [("AMOUNT", "10亿元"), ("AMOUNT", "20亿元")]


def test_a_company_span_of_trade_words_starts_at_the_name_before_it():
    text = "会上，园区与恒泰联盟控股股份有限公司签约。项目启动后，将台州某铸造有限公司旧厂房列入改造范围。"
    got = apply_filters(text, spans_of(text, ("ORG", "恒泰"), ("COMPANY", "控股股份有限公司"),
                                       ("COMPANY", "铸造有限公司")))
    assert surfaces(text, got) == [("COMPANY", "恒泰联盟控股股份有限公司"), ("COMPANY", "台州某铸造有限公司")]


def test_a_company_span_with_a_name_or_a_count_before_it_is_kept():
    text = "考察团参观了宏达重工公司，又引进一家科技有限公司。"
    got = apply_filters(text, spans_of(text, ("COMPANY", "宏达重工公司"), ("COMPANY", "科技有限公司")))
    assert surfaces(text, got) == [("COMPANY", "宏达重工公司"), ("COMPANY", "科技有限公司")]


def test_a_zone_named_after_two_places_joined_by_a_dash_is_one_name():
    text = "成员单位、青山-白石经济技术开发区企业党委参加。推进中国越南红河—绿岭经济合作区建设。2019-青山经济开发区"
    got = apply_filters(text, spans_of(text, ("ZONE", "白石经济技术开发区"), ("ZONE", "绿岭经济合作区"),
                                       ("ZONE", "青山经济开发区")))
    assert surfaces(text, got) == [("ZONE", "青山-白石经济技术开发区"), ("ZONE", "中国越南红河—绿岭经济合作区"),
                                   ("ZONE", "青山经济开发区")]


def test_a_name_does_not_end_in_a_function_word_of_its_own():
    text = "董事长是宏和的创始人，希望青禾庄园能依托电商发展。"
    got = apply_filters(text, spans_of(text, ("COMPANY", "宏和的"), ("COMPANY", "青禾庄园能")))
    assert surfaces(text, got) == [("COMPANY", "宏和"), ("COMPANY", "青禾庄园")]


def test_a_range_of_dates_is_one_date_with_its_interval_norm():
    from zhie.normalize import normalize_date

    text = "2013年至2016年间，他任主任。4月11日至4月14日，展会举行。7月2日~5日，两地对接。"
    got = apply_filters(text, spans_of(text, ("DATE", "2013年至"), ("DATE", "2016年间"), ("DATE", "4月11日至"),
                                       ("DATE", "4月14日"), ("DATE", "7月2日"), ("DATE", "5日")))
    assert surfaces(text, got) == [("DATE", "2013年至2016年"), ("DATE", "4月11日至4月14日"), ("DATE", "7月2日~5日")]
    assert normalize_date("2013年至2016年", "2019-06-01") == "2013/2016"


def test_a_date_leaves_out_the_words_placing_things_before_or_within_it():
    text = "至2021年将建成。2016年9月底前完成，2011年之前已建，两年前试水，日前召开，10月1日前交付。"
    got = apply_filters(text, spans_of(text, ("DATE", "至2021年"), ("DATE", "2016年9月底前"), ("DATE", "2011年之前"),
                                       ("DATE", "两年前"), ("DATE", "日前"), ("DATE", "10月1日前")))
    assert surfaces(text, got) == [("DATE", "2021年"), ("DATE", "2016年9月底"), ("DATE", "2011年"),
                                   ("DATE", "两年前"), ("DATE", "日前"), ("DATE", "10月1日")]


def test_a_day_in_digits_takes_its_hao_and_a_year_leaves_the_next_words_digits():
    text = "3月12号凌晨，工人进场。今年48岁的张某来到园区。"
    got = apply_filters(text, spans_of(text, ("DATE", "3月12"), ("DATE", "今年48")))
    assert surfaces(text, got) == [("DATE", "3月12号凌晨"), ("DATE", "今年")]


def test_a_surname_with_a_title_is_no_name_and_a_rate_is_no_amount():
    text = ("马书记指出，要加快建设。林董介绍了情况。设计速度为60km/h，路网密度达到6.2千米/平方千米，"
            "新建1.5万m<sup>2</sup>厂房和30万吨/年加氢装置。")
    got = apply_filters(text, spans_of(text, ("OFFICIAL", "马书记"), ("OFFICIAL", "林董"), ("AMOUNT", "60km/h"),
                                       ("AMOUNT", "6.2千米"), ("AMOUNT", "1.5万m<sup>2</sup>"), ("AMOUNT", "30万吨")))
    assert surfaces(text, got) == [("AMOUNT", "1.5万m<sup>2</sup>"), ("AMOUNT", "30万吨")]


def test_a_relative_date_cut_inside_a_word_takes_the_word():
    text = "管委会组建一年来，成效明显。这些年，园区飞速发展。近两年逐步转型。园区设立40年来，产业升级。"
    got = apply_filters(text, spans_of(text, ("DATE", "年来"), ("DATE", "些年"), ("DATE", "近两"), ("DATE", "40")))
    assert surfaces(text, got) == [("DATE", "一年来"), ("DATE", "这些年"), ("DATE", "近两年"), ("DATE", "40年来")]


def test_a_company_named_before_a_business_title_is_a_company():
    text = "据西江青年汇南门店店长林晓琴介绍，市场部经理和该公司董事长都到场。奥维科技副总裁周明德表示，项目进展顺利。"
    got = apply_filters(text, spans_of(text, ("TITLE", "西江青年汇南门店店长"), ("OFFICIAL", "林晓琴"),
                                       ("TITLE", "市场部经理"), ("TITLE", "董事长"), ("TITLE", "副总裁"),
                                       ("OFFICIAL", "周明德")))
    assert surfaces(text, got) == [("COMPANY", "西江青年汇南门店"), ("TITLE", "店长"), ("OFFICIAL", "林晓琴"),
                                   ("TITLE", "市场部经理"), ("TITLE", "董事长"), ("COMPANY", "奥维科技"),
                                   ("TITLE", "副总裁"), ("OFFICIAL", "周明德")]


def test_a_name_written_with_a_business_noun_is_a_company():
    text = "签约仪式在青湖山水假日酒店举办。孩子们前往白鹭湖生态旅游度假村露营。他入住酒店，住进县城一家酒店和五星级酒店。"
    got = apply_filters(text, spans_of(text, ("COMPANY", "白鹭湖生态旅游")))
    assert surfaces(text, got) == [("COMPANY", "青湖山水假日酒店"), ("COMPANY", "白鹭湖生态旅游度假村")]


def test_a_photo_credit_is_no_official():
    text = "图为项目现场。 李明远 摄\n调研中，王建平摄影留念。"
    got = apply_filters(text, spans_of(text, ("OFFICIAL", "李明远"), ("OFFICIAL", "王建平")))
    assert surfaces(text, got) == [("OFFICIAL", "王建平")]


def test_a_frequent_word_that_names_no_one_is_no_official():
    text = "要把扶贫开发工作抓实抓细。市政务微博周一发布消息。海生主持会议。"
    got = apply_filters(text, spans_of(text, ("OFFICIAL", "扶贫"), ("OFFICIAL", "周一"), ("OFFICIAL", "海生")))
    assert surfaces(text, got) == [("OFFICIAL", "海生")]


def test_years_of_history_are_no_date():
    text = "古城拥有2600多年历史，遗址展现4000年前先民生活，项目2019年前完成。"
    got = apply_filters(text, spans_of(text, ("DATE", "2600"), ("DATE", "4000年"), ("DATE", "2019年")))
    assert surfaces(text, got) == [("DATE", "2019年")]


def test_a_company_span_ends_at_its_legal_form_before_common_words():
    text = "将导入云湖电子集团芯片、光电等项目，由青禾银行股份有限公司湖北省分行提供贷款。"
    got = apply_filters(text, spans_of(text, ("COMPANY", "云湖电子集团芯片"), ("COMPANY", "青禾银行股份有限公司湖北省分行")))
    assert surfaces(text, got) == [("COMPANY", "云湖电子集团"), ("COMPANY", "青禾银行股份有限公司湖北省分行")]


def test_spans_of_time_are_no_date_and_an_amount_keeps_its_bound_and_currency():
    text = "原则上4年内完成，请在5日内回复，经过2—4年的建设，仅半年就盈利，上半年完成，是去年全年的3倍。奖励20万元人民币，20蒸吨及以下的锅炉。"
    got = apply_filters(text, spans_of(text, ("DATE", "4年内"), ("DATE", "5日内"), ("DATE", "2—4年"), ("DATE", "半年"),
                                       ("DATE", "上半年"), ("DATE", "去年全年"), ("AMOUNT", "20万元人民"),
                                       ("AMOUNT", "20蒸吨及")))
    assert surfaces(text, got) == [("DATE", "上半年"), ("DATE", "去年"), ("AMOUNT", "20万元人民币"),
                                   ("AMOUNT", "20蒸吨及以下")]
