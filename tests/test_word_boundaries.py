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
