"""Tests of zhie.text.windows: packing sentences into model windows and span ownership."""
from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from zhie.text import Window, clean_text, owns, plan_windows, split_sentences


@st.composite
def layouts(draw, long_sentences: bool = False):
    """(sentences, text_len, max_len, overlap, entities): entities lie inside sentences."""
    max_len = draw(st.integers(4, 60))
    overlap = draw(st.integers(0, max_len - 1))
    longest = 3 * max_len if long_sentences else max_len
    lengths = draw(st.lists(st.integers(1, longest), max_size=12))
    if long_sentences:  # at least one sentence longer than a window
        lengths.insert(draw(st.integers(0, len(lengths))), draw(st.integers(max_len + 1, 4 * max_len)))
    sentences, position = [], draw(st.integers(0, 3))
    for length in lengths:
        sentences.append((position, position + length))
        position += length + draw(st.integers(0, 3))
    text_len = position + draw(st.integers(0, 3))
    entities = set()
    for s, e in sentences:
        for _ in range(draw(st.integers(0, 4))):
            a = draw(st.integers(s, e - 1))
            b = draw(st.integers(a + 1, e))
            entities.add((a, b))
    return sentences, text_len, max_len, overlap, sorted(entities)


def fake_tagger(window: Window, entities: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Finds every entity that lies completely inside the window it is given."""
    return [(s, e) for s, e in entities if window.start <= s and e <= window.end]


def run(windows: list[Window], entities: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [span for w in windows for span in fake_tagger(w, entities) if owns(w, *span)]


def check_plan(sentences, text_len, max_len, windows: list[Window]) -> None:
    if not sentences:
        assert windows == []
        return
    assert windows[0].own_start == 0 and windows[-1].own_end == text_len
    for w in windows:
        assert 0 <= w.start < w.end <= text_len and w.end - w.start <= max_len
        assert w.own_start <= w.own_end
    for a, b in zip(windows, windows[1:]):
        assert a.own_end == b.own_start  # owned regions partition [0, text_len)
        assert a.start < b.start and a.end < b.end
    for s, e in sentences:  # every sentence character is seen; short sentences are seen whole
        assert all(any(w.start <= i < w.end for w in windows) for i in range(s, e))
        if e - s <= max_len:
            assert any(w.start <= s and e <= w.end for w in windows)


@given(layouts())
def test_every_entity_is_kept_exactly_once(layout) -> None:
    sentences, text_len, max_len, overlap, entities = layout
    windows = plan_windows(sentences, text_len, max_len, overlap)
    check_plan(sentences, text_len, max_len, windows)
    kept = run(windows, entities)
    assert sorted(kept) == entities  # all short sentences fit a window, so nothing is lost or doubled


@given(layouts(long_sentences=True))
def test_long_sentences_slide_and_keep_entities_once(layout) -> None:
    sentences, text_len, max_len, overlap, entities = layout
    windows = plan_windows(sentences, text_len, max_len, overlap)
    check_plan(sentences, text_len, max_len, windows)
    kept = run(windows, entities)
    assert len(kept) == len(set(kept))
    for s, e in entities:
        containing = [w for w in windows if w.start <= s and e <= w.end]
        if e - s <= overlap + 1:
            assert containing  # sliding windows overlap enough for any span this short
        assert kept.count((s, e)) == (1 if containing else 0)
        if len(containing) == 2:  # the owner is the one where the span is farther from the cut
            earlier, later = containing
            right_margin_in_earlier, left_margin_in_later = earlier.end - e, s - later.start
            if owns(earlier, s, e):
                assert right_margin_in_earlier >= left_margin_in_later
            else:
                assert left_margin_in_later >= right_margin_in_earlier


@given(st.integers(1, 80), st.integers(0, 79), st.integers(1, 400))
def test_one_long_sentence(max_len: int, overlap: int, length: int) -> None:
    assume(overlap < max_len)
    windows = plan_windows([(0, length)], length, max_len, overlap)
    check_plan([(0, length)], length, max_len, windows)
    if length > max_len:
        assert all(w.end - w.start == max_len for w in windows)
        for a, b in zip(windows, windows[1:]):
            assert a.end - b.start >= overlap
    for s in range(length):  # every single character is owned by exactly one window
        assert sum(owns(w, s, s + 1) for w in windows) == 1


def test_whole_sentences_are_packed_greedily() -> None:
    sentences = [(0, 10), (10, 25), (26, 30), (30, 60)]
    windows = plan_windows(sentences, 61, 30, 5)
    assert [(w.start, w.end) for w in windows] == [(0, 30), (30, 60)]
    assert [(w.own_start, w.own_end) for w in windows] == [(0, 30), (30, 61)]


def test_bad_arguments_are_rejected() -> None:
    with pytest.raises(ValueError):
        plan_windows([(0, 5)], 5, 10, 10)
    with pytest.raises(ValueError):
        plan_windows([(3, 5), (0, 2)], 5, 10, 2)
    with pytest.raises(ValueError):
        owns(Window(0, 5, 0, 5), 3, 3)


def test_windows_over_a_cleaned_article() -> None:
    sentence = "大同经济技术开发区今年以来签约项目36个，总投资224.06亿元，" * 12 + "全力冲刺全年目标。"
    original = "## 曲沃经济技术开发区\n\n## 为新任“招商大使”颁授聘书\n\n" + ("项目建设跑出加速度。" * 5 + "\n\n") + sentence
    cleaned = clean_text(original)
    sentences = split_sentences(cleaned.text)
    windows = plan_windows(sentences, len(cleaned.text), 128, 16)
    check_plan(sentences, len(cleaned.text), 128, windows)
    targets = [(m, m + len("224.06亿元")) for m in range(len(cleaned.text))
               if cleaned.text.startswith("224.06亿元", m)]
    assert len(targets) == 12
    assert sorted(run(windows, targets)) == targets
