"""Readers of the public corpora (training/corpora.py) on small files written for the tests:
every span points at its own surface, also in the pieces of a cut long sentence."""
from __future__ import annotations

import json

from training.corpora import read_cluener, read_msra


def write_bio(path, sentences):
    lines = []
    for chars, tags in sentences:
        lines += [f"{c}\t{t}" for c, t in zip(chars, tags)] + [""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def tagged(*parts):
    """("text", label or None) pieces -> (chars, BIO tags)."""
    chars, tags = [], []
    for text, label in parts:
        for i, c in enumerate(text):
            chars.append(c)
            tags.append("O" if label is None else ("B-" if i == 0 else "I-") + label)
    return chars, tags


def test_msra_spans_stay_on_their_surface_in_every_piece_of_a_cut_sentence(tmp_path):
    sentence = tagged(("据新华社报道，", None), ("王晓林", "PER"), ("昨天抵达", None), ("太原", "LOC"),
                      ("，参观了", None), ("山西大学", "ORG"), ("，随后会见了", None), ("李文斌", "PER"),
                      ("等人，并前往", None), ("大同", "LOC"), ("考察。", None))
    short = tagged(("刘红", "PER"), ("在", None), ("晋中", "LOC"), ("工作。", None))
    write_bio(tmp_path / "t.bio", [sentence, short])
    examples = read_msra(tmp_path / "t.bio", max_len=12)
    assert len(examples) > 3                      # the long sentence was cut
    assert all(len(ex.text) <= 12 for ex in examples)
    assert "".join(ex.text for ex in examples) == "".join(sentence[0]) + "".join(short[0])
    found = [(label, ex.text[s:e]) for ex in examples for label, s, e in ex.spans]
    for ex in examples:
        assert all(0 <= s < e <= len(ex.text) for _, s, e in ex.spans), ex
    assert found == [("PER", "王晓林"), ("LOC", "太原"), ("ORG", "山西大学"), ("PER", "李文斌"), ("LOC", "大同"),
                     ("PER", "刘红"), ("LOC", "晋中")]


def test_cluener_end_offsets_are_inclusive_in_the_file(tmp_path):
    line = {"text": "晋城市政府与富士康签约。", "label": {"government": {"晋城市政府": [[0, 4]]},
                                                   "company": {"富士康": [[6, 8]]}}}
    (tmp_path / "c.json").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    (ex,) = read_cluener(tmp_path / "c.json")
    assert [(label, ex.text[s:e]) for label, s, e in ex.spans] == [("government", "晋城市政府"), ("company", "富士康")]
