"""Short forms linked to their full forms (zhie/linking/full_forms.py), on invented names, and the
link in the pipeline's output, the service's response model and the spaCy Doc."""
from __future__ import annotations

import pytest

from zhie.linking.full_forms import full_forms, is_short_form
from zhie.schema import Entity
from zhie.spacy_doc import to_spacy_doc


@pytest.mark.parametrize("short, full, label", [
    ("青禾经开区", "青禾经济技术开发区", "ZONE"),
    ("青禾开发区", "青禾经济技术开发区", "ZONE"),
    ("云湖高新区", "云湖高新技术产业开发区", "ZONE"),
    ("云湖园", "云湖高新技术产业园", "ZONE"),
    ("两江", "两江新区", "ZONE"),
    ("白水工业园北区工业区", "白水工业园北区工业开发区", "ZONE"),
    ("青禾实业", "广东青禾实业有限公司", "COMPANY"),
    ("青禾", "广东青禾实业有限公司", "COMPANY"),
    ("北辰智造园", "北辰智造园项目", "PROJECT"),
])
def test_short_forms(short: str, full: str, label: str) -> None:
    assert is_short_form(short, full, label)


@pytest.mark.parametrize("short, full, label", [
    ("青禾工业园区", "青禾工业园综合保税区", "ZONE"),     # a zone inside the zone, not its short form
    ("青禾新区", "青禾新区化工园区", "ZONE"),
    ("青禾高新区", "白水高新技术产业开发区", "ZONE"),
    ("市商务局", "市招商投资促进服务局", "ORG"),         # bodies are not linked
    ("青禾经济技术开发区", "青禾经济技术开发区", "ZONE"),
])
def test_not_short_forms(short: str, full: str, label: str) -> None:
    assert not is_short_form(short, full, label)


def _entities(*items: tuple[str, str]) -> list[Entity]:
    out, pos = [], 0
    for i, (label, text) in enumerate(items, 1):
        out.append(Entity(label, pos, pos + len(text), text, id=f"e{i}"))
        pos += len(text) + 1
    return out


def test_every_mention_of_a_short_form_points_at_the_first_full_mention_and_chains_end_at_the_longest() -> None:
    ents = _entities(("ZONE", "重庆两江新区"), ("ZONE", "两江新区"), ("ZONE", "两江"), ("ZONE", "重庆两江新区"),
                     ("ZONE", "两江"), ("COMPANY", "广东青禾实业有限公司"), ("COMPANY", "青禾实业"))
    assert full_forms(ents) == {"e2": "e1", "e3": "e1", "e5": "e1", "e7": "e6"}


def test_a_short_form_of_two_different_names_is_left_alone() -> None:
    ents = _entities(("ZONE", "青禾经济技术开发区"), ("ZONE", "青禾高新技术产业开发区"), ("ZONE", "青禾开发区"))
    assert full_forms(ents) == {}


def test_the_pipeline_and_the_spacy_doc_carry_the_link(default_pipeline) -> None:
    text = "青禾经济技术开发区与北辰科技股份有限公司签约。青禾经开区表示，北辰科技将在区内建设研发中心。"
    result = default_pipeline(text).to_dict()
    by_text = {e["text"]: e for e in result["entities"]}
    assert by_text["青禾经开区"]["full_form"] == by_text["青禾经济技术开发区"]["id"]
    assert "full_form" not in by_text["青禾经济技术开发区"]
    doc = to_spacy_doc(text, result)
    short = next(span for span in doc.ents if span.text == "青禾经开区")
    assert short.kb_id_ == "青禾经济技术开发区"
