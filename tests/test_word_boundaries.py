"""Name spans snapped to word edges (zhie/tagger/word_boundaries.py, GUIDELINES §1), on sentences
written for these tests."""
from zhie.tagger.base import TaggedSpan
from zhie.tagger.filters import apply_filters
from zhie.tagger.word_boundaries import snap_span, snap_to_words, word_edges


def _span(text: str, label: str, piece: str, start_at: int = 0) -> TaggedSpan:
    s = text.index(piece, start_at)
    return TaggedSpan(label, s, s + len(piece))


def _texts(text: str, spans: list[TaggedSpan]) -> list[tuple[str, str]]:
    return [(sp.label, text[sp.start:sp.end]) for sp in spans]


def test_word_edges_cover_the_line():
    edges = word_edges("今年和林格尔新区引进了三家企业")
    assert edges[0][0] == 0 and edges[-1][1] == len("今年和林格尔新区引进了三家企业")
    assert all(a < b for a, b in edges) and all(edges[i][1] == edges[i + 1][0] for i in range(len(edges) - 1))


def test_start_inside_a_place_name_moves_back():
    text = "今年和林格尔新区引进了三家企业。"
    got = snap_span(text, _span(text, "ZONE", "林格尔新区"))
    assert text[got.start:got.end] == "和林格尔新区"


def test_start_inside_a_verb_gives_the_character_up():
    text = "又有一批企业新落户江北新区。"
    got = snap_span(text, _span(text, "ZONE", "户江北新区"))
    assert text[got.start:got.end] == "江北新区"


def test_end_inside_a_zone_word_is_extended():
    text = "郑州航空港实验区发布了新的人才政策。"
    got = snap_span(text, _span(text, "ZONE", "郑州航空港实"))
    assert text[got.start:got.end] == "郑州航空港实验区"


def test_end_inside_a_word_that_is_no_zone_word_stays():
    text = "他说张江科学城内的企业很多。"
    sp = _span(text, "ZONE", "张江科学城")
    assert snap_span(text, sp) == sp          # 城内 is one word, but a ZONE does not take 内


def test_people_and_amounts_are_not_moved():
    text = "市长王刚仔细听取了汇报，投资5亿元。"
    for sp in (_span(text, "OFFICIAL", "王刚仔"), _span(text, "AMOUNT", "5亿")):
        assert snap_span(text, sp) is sp


def test_a_move_that_would_overlap_another_span_is_not_made():
    text = "今年和林格尔新区引进了三家企业。"
    other = TaggedSpan("ORG", 1, 3)           # 年和: made up so that the move would overlap it
    zone = _span(text, "ZONE", "林格尔新区")
    assert snap_to_words(text, [other, zone]) == [other, zone]


def test_the_span_rules_apply_it_on_every_line():
    text = "标题\n今年和林格尔新区引进了三家企业。\n又有一批企业新落户江北新区。"
    spans = [_span(text, "ZONE", "林格尔新区"), _span(text, "ZONE", "户江北新区")]
    assert _texts(text, apply_filters(text, spans)) == [("ZONE", "和林格尔新区"), ("ZONE", "江北新区")]


def test_a_date_takes_the_part_of_the_day_after_it():
    text = "8月31日下午，考察团来到园区。9日晚，签约仪式举行。"
    got = apply_filters(text, [_span(text, "DATE", "8月31日"), _span(text, "DATE", "9日")])
    assert _texts(text, got) == [("DATE", "8月31日下午"), ("DATE", "9日晚")]


def test_a_date_does_not_stop_inside_its_digits_or_words():
    text = "“2015云湖产业对接会”召开。通报了1至5月份情况。2021年即将结束。前11个月完成投资。"
    got = apply_filters(text, [_span(text, "DATE", "201"), _span(text, "DATE", "1至5月"),
                               _span(text, "DATE", "2021年即"), _span(text, "DATE", "前11个")])
    assert _texts(text, got) == [("DATE", "2015"), ("DATE", "1至5月份"), ("DATE", "2021年"), ("DATE", "前11个月")]


def test_a_date_is_not_cut_through_a_date_word():
    text = "新华社云湖4月18日电 园区于1993年4月经批准设立，主体工程10月1日前完成。"
    got = apply_filters(text, [_span(text, "DATE", "4月18日"), _span(text, "DATE", "1993年4月"),
                               _span(text, "DATE", "10月1日")])
    assert _texts(text, got) == [("DATE", "4月18日"), ("DATE", "1993年4月"), ("DATE", "10月1日")]


def test_an_amount_is_held_to_its_words():
    text = "税收160亿元左右，其中亿元以上的有9个，占地约55亩，建成90米LNG动力船，新签约亿元以上项目。"
    got = apply_filters(text, [_span(text, "AMOUNT", "160亿元左"), _span(text, "AMOUNT", "中亿元以上"),
                               _span(text, "AMOUNT", "约55亩"), _span(text, "AMOUNT", "90米LN"),
                               _span(text, "AMOUNT", "约亿元以上")])
    assert _texts(text, got) == [("AMOUNT", "160亿元左右"), ("AMOUNT", "亿元以上"), ("AMOUNT", "约55亩"),
                                 ("AMOUNT", "90米"), ("AMOUNT", "亿元以上")]


def test_a_name_gives_up_one_character_of_the_next_word():
    text = "红旗工厂是青禾的发家之地，对于青禾来说意义重大。"
    got = snap_span(text, _span(text, "COMPANY", "青禾来", text.index("对于")))
    assert text[got.start:got.end] == "青禾"


def test_a_comparison_word_before_an_amount_is_inside_it():
    text = "工业产值过千亿元，通过5亿元融资。"
    got = apply_filters(text, [_span(text, "AMOUNT", "千亿元"), _span(text, "AMOUNT", "5亿元")])
    assert _texts(text, got) == [("AMOUNT", "过千亿元"), ("AMOUNT", "5亿元")]


def test_a_bound_before_an_amount_is_inside_it():
    text = "给予最高500万元补助，胡同宽不足5米，节约用地上万亩，一路上5辆车。"
    got = apply_filters(text, [_span(text, "AMOUNT", "500万元"), _span(text, "AMOUNT", "5米"),
                               _span(text, "AMOUNT", "万亩"), _span(text, "AMOUNT", "5辆")])
    assert _texts(text, got) == [("AMOUNT", "最高500万元"), ("AMOUNT", "不足5米"), ("AMOUNT", "上万亩"),
                                 ("AMOUNT", "5辆")]


def test_a_qualifier_tagged_alone_joins_the_amount_after_it():
    text = "工业产值过千亿元。"
    got = apply_filters(text, [_span(text, "AMOUNT", "过"), _span(text, "AMOUNT", "千亿元")])
    assert _texts(text, got) == [("AMOUNT", "过千亿元")]


def test_the_words_leading_into_a_noun_phrase():
    from zhie.tagger.word_boundaries import lead_in_length

    assert lead_in_length("吸引了青禾科技") == 3        # a verb and its particle
    assert lead_in_length("园区已入驻青禾科技") == 5    # up to the last verb
    assert lead_in_length("他在青禾科技") == 2          # one-character pronoun and preposition
    assert lead_in_length("青禾科技") == 0
    assert lead_in_length("当当网") == 0               # never the whole phrase


def test_relative_dates_without_a_number_are_dates():
    text = "两年前，他来到云湖开发区。这几年，园区本周签约3个项目，下个月开工，当天上午举行仪式。"
    got = apply_filters(text, [_span(text, "ZONE", "云湖开发区")])
    assert _texts(text, got) == [("DATE", "两年前"), ("ZONE", "云湖开发区"), ("DATE", "这几年"), ("DATE", "本周"),
                                 ("DATE", "下个月"), ("DATE", "当天上午")]


def test_relative_date_words_inside_other_words_or_spans_stay_untagged():
    text = "这座古城有3000年前的遗址，十几年前他来过，本周期内不变。"
    got = apply_filters(text, [])
    assert _texts(text, got) == []


def test_a_person_gives_up_the_first_character_of_the_next_word():
    text = "院长贾明德担任组长，记者张某仔细查看，王立平等人出席。"
    got = snap_to_words(text, [_span(text, "OFFICIAL", "贾明德担"), _span(text, "OFFICIAL", "张某仔"),
                               _span(text, "OFFICIAL", "王立平")])
    assert _texts(text, got) == [("OFFICIAL", "贾明德"), ("OFFICIAL", "张某"), ("OFFICIAL", "王立平")]
