"""Tests of the gazetteers and the synthetic-data generators (training/gazetteers.py, training/augment.py)."""
from __future__ import annotations

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training import augment
from training.augment import (AMOUNT_KINDS, DATE_KINDS, TemplateError, add_noise, amount_kind, check_template_kinds,
                              date_kind, example_problems, fill_template, from_templates, generate_amount,
                              generate_date, gold_sentences, load_templates, make_example, parse_template,
                              substitute, substitute_one)
from training.gazetteers import (GAZETTEER_FILES, RESOURCE_DIR, build_all, format_gazetteer, load_gazetteers,
                                 parse_gazetteer)

GAZ = load_gazetteers()
TEMPLATES = load_templates()
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def _gold_example() -> dict:
    """A hand-written sentence in the genre, annotated by SCHEMA.md; 张立军 occurs twice."""
    text = ("今年以来，朔州市人民政府副市长张立军到平鲁经开区调研，山西恒泰新材料有限公司董事长"
            "赵明华陪同；张立军表示，总投资约15亿元的恒泰碳纤维项目已出让土地927.6844亩，"
            "市商务局、太原理工大学派员参加。（王文军）")
    marks = [("DATE", "今年以来"), ("TITLE", "朔州市人民政府副市长"), ("OFFICIAL", "张立军"),
             ("ZONE", "平鲁经开区"), ("COMPANY", "山西恒泰新材料有限公司"), ("TITLE", "董事长"),
             ("OFFICIAL", "赵明华"), ("OFFICIAL", "张立军"), ("AMOUNT", "约15亿元"), ("PROJECT", "恒泰碳纤维项目"),
             ("AMOUNT", "927.6844亩"), ("ORG", "市商务局"), ("ORG", "太原理工大学")]
    spans, pos = [], 0
    for label, surface in marks:
        start = text.index(surface, pos)
        spans.append((label, start, start + len(surface)))
        pos = start + len(surface)
    ex = make_example(text, spans, "handmade#0")
    ex["id"] = "handmade#0"
    return ex


GOLD = _gold_example()


def _between(ex: dict) -> list[str]:
    """The text outside entities, in order."""
    out, pos = [], 0
    for e in ex["entities"]:
        out.append(ex["text"][pos:e["start"]])
        pos = e["end"]
    out.append(ex["text"][pos:])
    return out


# ----------------------------------------------------------------- substitution


def test_handmade_gold_example_is_valid():
    assert example_problems(GOLD) == []
    assert len(GOLD["entities"]) == 13


@given(SEEDS)
def test_substitution_keeps_offsets_exact(seed):
    rng = random.Random(seed)
    ex = substitute_one(GOLD, GAZ, rng, "synth:subst:handmade#0/0", p_replace=1.0)
    assert example_problems(ex) == []
    # labels in the same order, context between entities untouched
    assert [e["label"] for e in ex["entities"]] == [e["label"] for e in GOLD["entities"]]
    assert _between(ex) == _between(GOLD)
    # the same surface form is replaced by the same entry (张立军 twice)
    officials = [e["text"] for e in ex["entities"] if e["label"] == "OFFICIAL"]
    assert officials[0] == officials[2]


@given(SEEDS)
def test_substituted_amounts_and_dates_keep_their_kind(seed):
    ex = substitute_one(GOLD, GAZ, random.Random(seed), "s", p_replace=1.0)
    amounts = [e["text"] for e in ex["entities"] if e["label"] == "AMOUNT"]
    assert [amount_kind(a) for a in amounts] == ["money", "area"]
    date = next(e["text"] for e in ex["entities"] if e["label"] == "DATE")
    assert date_kind(date) == date_kind("今年以来")


def test_substitution_actually_changes_names():
    variants = substitute([GOLD], GAZ, 20, random.Random(7), p_replace=1.0)
    names = {e["text"] for v in variants for e in v["entities"] if e["label"] == "OFFICIAL"}
    assert len(names) > 10
    assert sum(v["text"] != GOLD["text"] for v in variants) == 20
    zones = [next(e["text"] for e in v["entities"] if e["label"] == "ZONE") for v in variants]
    assert all(z in GAZ["ZONE"].entries() for z in zones)


def test_substitution_with_no_replacement_is_identity():
    ex = substitute_one(GOLD, GAZ, random.Random(1), "s", p_replace=0.0)
    assert ex["text"] == GOLD["text"] and ex["entities"] == GOLD["entities"]


def test_substitute_sources_and_counts():
    empty = make_example("开发区召开会议。", [], "no-entities")
    out = substitute([GOLD, empty], GAZ, 4, random.Random(3))
    assert len(out) == 4  # the example without entities gives nothing
    assert [o["source"] for o in out] == [f"synth:subst:handmade#0/{k}" for k in range(4)]


def test_substitute_keeps_titles_in_their_kind():
    for seed in range(50):
        ex = substitute_one(GOLD, GAZ, random.Random(seed), "s", p_replace=1.0)
        titles = [e["text"] for e in ex["entities"] if e["label"] == "TITLE"]
        assert titles[0] in GAZ["TITLE"].entries("gov")
        assert titles[1] in GAZ["TITLE"].entries("corp")


def test_overlapping_entities_are_flattened():
    ex = make_example("大同经济技术开发区管委会", [("ZONE", 0, 9), ("ZONE", 0, 2)], "x")
    out = substitute_one(ex, GAZ, random.Random(0), "s", p_replace=1.0)
    assert example_problems(out) == []
    assert len(out["entities"]) == 1 and out["text"].endswith("管委会")


# ----------------------------------------------------------------- determinism


def test_determinism():
    a = from_templates(TEMPLATES, GAZ, 300, random.Random(42))
    b = from_templates(TEMPLATES, GAZ, 300, random.Random(42))
    c = from_templates(TEMPLATES, GAZ, 300, random.Random(43))
    assert a == b and a != c
    assert substitute([GOLD], GAZ, 5, random.Random(9)) == substitute([GOLD], GAZ, 5, random.Random(9))
    assert [generate_amount(random.Random(s)) for s in range(50)] == [generate_amount(random.Random(s))
                                                                      for s in range(50)]
    assert build_all(_FAKE_LOCATIONS) == build_all(_FAKE_LOCATIONS)


# ----------------------------------------------------------------- templates


def test_templates_parse_and_cover_the_genre():
    assert len(TEMPLATES) >= 80
    assert len({t.name for t in TEMPLATES}) == len(TEMPLATES)
    assert check_template_kinds(TEMPLATES, GAZ) == []
    groups = {t.name.split("-")[0] for t in TEMPLATES}
    assert {"sign", "visit", "meet", "stat", "title", "neg"} <= groups
    for t in TEMPLATES:
        assert t.slots or t.name.startswith(("neg", "head")), t.name


def test_parse_template_slots():
    t = parse_template("x", "{DATE:day}，{TITLE:gov}{OFFICIAL@1}到{ZONE}。{OFFICIAL@1}说（{~NAME}）\\n■")
    names = [(s.name, s.kind, s.ref, s.labelled) for s in t.slots]
    assert names == [("DATE", "day", None, True), ("TITLE", "gov", None, True), ("OFFICIAL", None, "1", True),
                     ("ZONE", None, None, True), ("OFFICIAL", None, "1", True), ("NAME", None, None, False)]
    assert t.parts[-1] == "）\n■"


@pytest.mark.parametrize("body", ["{PERSON}到访", "{~FOO}", "{ZONE", "到{ZONE}}", "{zone}"])
def test_parse_template_rejects_bad_slots(body):
    with pytest.raises(TemplateError):
        parse_template("bad", body)


def test_check_template_kinds_reports_unknown_kinds():
    t = parse_template("k", "{TITLE:nonsense}{AMOUNT:money}{DATE:weekly}{~COUNT:firm}")
    assert check_template_kinds([t], GAZ) == ["k: no TITLE of kind nonsense", "k: no DATE of kind weekly"]


def test_repeated_slot_reuses_its_filler():
    t = parse_template("r", "{OFFICIAL@1}表示，{OFFICIAL}和{OFFICIAL@1}将出席。")
    for seed in range(30):
        ex = fill_template(t, GAZ, random.Random(seed))
        a, _, c = (e["text"] for e in ex["entities"])
        assert a == c


def test_company_alias_is_the_full_name_without_its_legal_form():
    t = parse_template("a", "{COMPANY:full@1}介绍了{COMPANY:alias@1}的发展历程，{COMPANY:alias@1}产品远销海外。")
    assert check_template_kinds([t], GAZ) == []
    seen_gongsi = seen_bare = False
    for seed in range(40):
        ex = fill_template(t, GAZ, random.Random(seed))
        assert example_problems(ex) == [], ex
        full, a1, a2 = (e["text"] for e in ex["entities"])
        assert [e["label"] for e in ex["entities"]] == ["COMPANY"] * 3
        for alias in (a1, a2):
            stem = alias[:-2] if alias.endswith("公司") and not full.endswith(alias) else alias
            assert full.startswith(stem) and 2 <= len(stem) <= len(full)
            seen_gongsi |= alias != full and alias.endswith("公司")
            seen_bare |= alias == stem and alias != full
    assert seen_gongsi and seen_bare
    assert augment.company_alias("大金重工股份有限公司", random.Random(0), p_gongsi=0.0) == "大金重工"
    assert augment.company_alias("大金重工股份有限公司", random.Random(0), p_gongsi=1.0) == "大金重工公司"
    assert augment.company_alias("有限公司", random.Random(0)) == "有限公司"   # nothing left to call it by
    bad = parse_template("b", "{ZONE:alias}")
    assert check_template_kinds([bad], GAZ) == ["b: no ZONE of kind alias"]


@given(SEEDS)
def test_every_template_example_is_valid(seed):
    rng = random.Random(seed)
    for ex in from_templates(TEMPLATES, GAZ, 40, rng, p_ascii=0.5, p_break=0.2):
        assert example_problems(ex) == [], ex
        assert re.fullmatch(r"synth:template:[a-z]+-\d+", ex["source"])


def test_each_template_fills_its_slots():
    rng = random.Random(5)
    for t in TEMPLATES:
        ex = fill_template(t, GAZ, rng)
        labelled = [s.name for s in t.slots if s.labelled]
        assert [e["label"] for e in ex["entities"]] == labelled, t.name
        assert "{" not in ex["text"] and "}" not in ex["text"], t.name


def test_negative_material_stays_outside_entities():
    rng = random.Random(11)
    by_name = {t.name: t for t in TEMPLATES}
    for _ in range(30):
        for name in ("neg-01", "neg-02", "neg-17", "neg-23", "neg-26"):
            ex = fill_template(by_name[name], GAZ, rng)
            assert all(e["label"] != "OFFICIAL" for e in ex["entities"])
            doctrine = ex["text"].find("习近平新时代中国特色社会主义思想")
            for e in ex["entities"]:
                assert doctrine < 0 or e["end"] <= doctrine or e["start"] >= doctrine + 17
        ex = fill_template(by_name["neg-20"], GAZ, rng)  # bare 经开区 is not a zone
        assert ex["entities"] == []


def test_noise_keeps_spans_valid():
    ex = fill_template(parse_template("n", "{ZONE}，{TITLE:zone}{OFFICIAL}（{~NAME}）"), GAZ, random.Random(2))
    ascii_ex = add_noise(ex, random.Random(0), p_ascii=1.0, p_break=0.0)
    assert "，" not in ascii_ex["text"] and "（" not in ascii_ex["text"]
    assert len(ascii_ex["text"]) == len(ex["text"])
    for seed in range(100):
        broken = add_noise(ex, random.Random(seed), p_ascii=0.0, p_break=1.0)
        assert example_problems(broken) == []
        assert broken["text"].replace("\n\n", "") == ex["text"]
        assert [e["text"].replace("\n\n", "") for e in broken["entities"]] == [e["text"] for e in ex["entities"]]


# ----------------------------------------------------------------- amounts and dates

_AMOUNT_RE = re.compile(r"(约|近|超|接近)?([0-9]+(\.[0-9]+)?|[零一二两三四五六七八九十百千]+)(余|多)?"
                        r"(万亿|千万|亿|万)?(余|多)?(元|美元|亩|万平方米|平方米|平方公里|公顷|万吨|吨|千克|万千瓦时?|兆瓦|"
                        r"GW|MW|万立方米|立方米|千伏安)(以上)?")


@given(SEEDS, st.sampled_from(AMOUNT_KINDS + (None,)))
def test_generated_amounts_are_well_formed(seed, kind):
    text = generate_amount(random.Random(seed), kind)
    assert _AMOUNT_RE.fullmatch(text), text
    if kind:
        assert amount_kind(text) == kind


@given(SEEDS, st.sampled_from(DATE_KINDS))
def test_generated_dates_have_their_kind(seed, kind):
    text = generate_date(random.Random(seed), kind)
    assert text and not text[0].isspace() and not text[-1].isspace()
    assert date_kind(text) == kind, text


def test_amount_and_date_generators_cover_the_forms():
    rng = random.Random(0)
    amounts = {generate_amount(rng) for _ in range(3000)}
    assert any("多" in a for a in amounts) and any("余" in a for a in amounts)
    assert any(a.startswith("约") for a in amounts) and any("亩" in a for a in amounts)
    assert any(re.search(r"[一二三五八十两]", a) for a in amounts)
    dates = {generate_date(rng) for _ in range(3000)}
    assert {"今年以来", "上半年", "近日", "1-6月"} <= dates
    assert any(re.fullmatch(r"\d{4}\.\d{1,2}-\d{4}\.\d{1,2}", d) for d in dates)


# ----------------------------------------------------------------- gazetteers

_FAKE_LOCATIONS = {
    "山西省": {
        "_full_name": "山西省", "_alias": "山西", "_admin_code": "140000",
        "吕梁市": {"_full_name": "吕梁市", "_alias": ["吕梁"], "_admin_code": "141100",
                 "交城县": {"_full_name": "交城县", "_alias": "交城", "_admin_code": "141122"},
                 "岚县": {"_full_name": "岚县", "_alias": "岚县", "_admin_code": "141127"}},
        "朔州市": {"_full_name": "朔州市", "_alias": ["朔州"], "_admin_code": "140600",
                 "山西朔州经济开发区": {"_full_name": "山西朔州经济开发区", "_alias": "经开区"},
                 "应县": {"_full_name": "应县", "_alias": "应", "_admin_code": "140622"}},
    },
    "河北省": {
        "_full_name": "河北省", "_alias": "河北",
        "保定市": {"_full_name": "保定市", "_alias": ["保定"],
                 "清苑区": {"_full_name": "清苑区", "_alias": "清苑"}},
    },
}


def test_build_from_location_data():
    built = build_all(_FAKE_LOCATIONS)
    zones = built["ZONE"]
    for name in ("交城经济开发区", "交城经开区", "岚县经济技术开发区", "应县经开区", "朔州经开区", "吕梁经济技术开发区",
                 "山西转型综合改革示范区"):
        assert name in zones["shanxi"], name
    assert zones["registry"] == ["山西朔州经济开发区"]
    assert all(z.startswith("保定") or z.startswith("清苑") for z in zones["other"])
    people = built["OFFICIAL"]["default"]
    assert len(people) == len(set(people)) >= 3000
    assert all(2 <= len(p) <= 3 for p in people)
    titles = built["TITLE"]
    assert {"市工信局局长", "副市长", "朔州市人民政府副市长", "吕梁市委书记"} <= set(titles["gov"])
    assert {"党工委副书记", "管委会副主任"} <= set(titles["zone"])
    assert "经开区党工委书记" in titles["zonebare"]
    assert {"董事长", "总经理", "副总裁"} <= set(titles["corp"])
    assert all("、" not in t for kind in titles.values() for t in kind)
    companies = built["COMPANY"]
    assert all(c.endswith(("公司", "集团", "银行", "基金")) for c in companies["full"])
    assert {"市委", "市政府", "省商务厅", "市工信局"} <= set(built["ORG"]["gov"])


def test_gazetteer_file_round_trip():
    kinds = {"gov": ["市长", "副市长"], "corp": ["董事长"]}
    text = format_gazetteer("test", kinds)
    assert text.startswith("# source: test\n")
    g = parse_gazetteer("TITLE", text.splitlines())
    assert g.kinds == kinds and len(g) == 3


def test_committed_resources():
    sizes = GAZ.sizes()
    assert sizes["ZONE"] >= 2000 and sizes["OFFICIAL"] >= 2000
    assert min(sizes.values()) >= 500
    for name in GAZETTEER_FILES.values():
        first = (RESOURCE_DIR / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# source: ")
    for label in GAZETTEER_FILES:
        entries = GAZ[label].entries()
        assert all(e == e.strip() and e and not e.startswith("#") for e in entries)


# ----------------------------------------------------------------- gold input


def test_gold_sentences_map_entities():
    text = "本刊讯 近日，曲沃经济技术开发区党工委副书记张永刚到园区调研。\n\n1-6月，完成投资4.09亿元。"
    spans = []
    for label, surface in (("DATE", "近日"), ("ZONE", "曲沃经济技术开发区"), ("TITLE", "党工委副书记"),
                           ("OFFICIAL", "张永刚"), ("DATE", "1-6月"), ("AMOUNT", "4.09亿元")):
        start = text.index(surface)
        spans.append((label, start, start + len(surface)))
    doc = dict(make_example(text, spans, "doc"), id="doc-x")
    sentences = gold_sentences(doc)
    assert len(sentences) == 2
    assert [s["source"].split("#")[0] for s in sentences] == ["doc-x", "doc-x"]
    for s in sentences:
        assert example_problems(s) == []
    assert [e["text"] for s in sentences for e in s["entities"]] == ["近日", "曲沃经济技术开发区", "党工委副书记",
                                                                    "张永刚", "1-6月", "4.09亿元"]


def test_load_gold_reads_json_and_jsonl(tmp_path):
    import json
    (tmp_path / "seed_007.json").write_text(json.dumps({"text": "a", "entities": []}), encoding="utf-8")
    (tmp_path / "w.jsonl").write_text(json.dumps({"text": "b", "entities": []}) + "\n\n"
                                      + json.dumps({"id": "w-9", "text": "c", "entities": []}) + "\n",
                                      encoding="utf-8")
    docs = augment.load_gold([tmp_path])
    assert [d["id"] for d in docs] == ["seed-007", "w-000", "w-9"]
