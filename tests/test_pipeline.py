"""The pipeline on the tiny lexicon model: offsets exact on the original text, ids,
normalisation fields, relations, and the JSON shape of SCHEMA.md."""
from __future__ import annotations

import json

from samples import SIGNING, WEB_PAGE
from zhie.schema import Document, check_offsets


def test_offsets_exact_and_json_shape(tiny_pipeline):
    res = tiny_pipeline(Document(SIGNING, "d1", {"date": "2023-06-20"}))
    assert check_offsets(SIGNING, res) == []
    d = res.to_dict()
    assert set(d) == {"id", "model", "entities", "relations", "events"}
    assert d["model"] == {"name": "tiny-lexicon", "version": "test"}
    assert [e["id"] for e in d["entities"]] == [f"e{i}" for i in range(1, len(d["entities"]) + 1)]
    json.dumps(d, ensure_ascii=False)  # serialisable
    labels = {(e["label"], e["text"]) for e in d["entities"]}
    assert ("COMPANY", "山西华晟新材料有限公司") in labels
    assert ("OFFICIAL", "王文军") not in labels  # a byline is not an official


def test_normalisation_fields(tiny_pipeline):
    res = tiny_pipeline(Document(SIGNING, "d1", {"date": "2023-06-20"})).to_dict()
    amount = next(e for e in res["entities"] if e["label"] == "AMOUNT")
    assert (amount["text"], amount["value"], amount["unit"], amount["approx"]) == ("约15亿元", 1.5e9, "CNY", True)
    dates = {e["text"]: e["norm"] for e in res["entities"] if e["label"] == "DATE"}
    assert dates["2023年5月18日"] == "2023-05-18"
    assert dates["今年以来"] == "2023-01-01/2023-06-20"


def test_shared_titles_give_one_relation_per_name(tiny_pipeline):
    res = tiny_pipeline(Document(SIGNING)).to_dict()
    by_id = {e["id"]: e["text"] for e in res["entities"]}
    rels = {(r["type"], by_id[r["head"]], by_id[r["tail"]]) for r in res["relations"]}
    for name in ("田磊", "林北红"):
        assert ("HOLDS_TITLE", name, "党工委委员") in rels
        assert ("HOLDS_TITLE", name, "管委会副主任") in rels
    assert ("HOLDS_TITLE", "李明远", "市委书记") in rels


def test_web_page_boilerplate_and_markup(tiny_pipeline):
    res = tiny_pipeline(Document(WEB_PAGE, "w"))
    assert check_offsets(WEB_PAGE, res) == []
    d = res.to_dict()
    assert any(e["label"] == "ZONE" and e["text"] == "太原武宿综合保税区" for e in d["entities"])
    # nothing is reported from the footer
    footer = WEB_PAGE.index("版权声明")
    assert all(e["end"] <= footer for e in d["entities"])


def test_empty_and_whitespace_documents(tiny_pipeline):
    for text in ("", "   \n\n  "):
        d = tiny_pipeline(Document(text, "e")).to_dict()
        assert d["entities"] == [] and d["relations"] == [] and d["events"] == []


def test_long_document_windows_lose_nothing(tiny_pipeline):
    # the tiny model's window is 48 chars; a long run-on sentence repeats a name many times
    unit = "晋中开发区与晋能控股集团深化合作，"
    text = unit * 40 + "。"
    d = tiny_pipeline(Document(text)).to_dict()
    zones = [e for e in d["entities"] if e["label"] == "ZONE"]
    assert len(zones) == 40
    assert len({(e["start"], e["end"]) for e in d["entities"]}) == len(d["entities"])


def test_pipe_equals_single_calls(tiny_pipeline):
    docs = [Document(SIGNING, "a"), Document(WEB_PAGE, "b"), Document("", "c")]
    batch = [r.to_dict() for r in tiny_pipeline.pipe(docs, batch_docs=3)]
    single = [tiny_pipeline(d).to_dict() for d in docs]
    assert batch == single


def test_amount_without_numeral_is_dropped():
    from zhie.tagger.base import TaggedSpan
    from zhie.tagger.filters import apply_filters
    text = "签约金额达135.8亿元。"
    spans = [TaggedSpan("AMOUNT", 4, 5, 0.7), TaggedSpan("AMOUNT", 5, 11, 0.99)]
    assert [(s.start, s.end) for s in apply_filters(text, spans)] == [(5, 11)]


def test_page_timestamp_is_a_date_of_its_date_part(tiny_pipeline):
    page = ("当前位置：首页 > 新闻中心 >\n云湖高新区召开项目推进会\n2021-04-16 09:12:30　来源：云湖日报\n\n"
            "4月15日，云湖高新区召开项目推进会。\n")
    d = tiny_pipeline(Document(page, "t")).to_dict()
    stamp = page.index("2021-04-16")
    dates = [e for e in d["entities"] if e["label"] == "DATE" and e["start"] == stamp]
    assert len(dates) == 1 and dates[0]["text"] == "2021-04-16" and dates[0]["norm"] == "2021-04-16"
    assert [e["id"] for e in d["entities"]] == [f"e{i}" for i in range(1, len(d["entities"]) + 1)]
    assert check_offsets(page, tiny_pipeline(Document(page, "t"))) == []


def test_written_timestamp_takes_its_closing_day_character(tiny_pipeline):
    page = "云湖高新区新闻\n发布时间：2022年03月07日 10:03　来源：云湖高新区管委会\n\n云湖高新区举行签约仪式。\n"
    d = tiny_pipeline(Document(page, "t")).to_dict()
    assert any(e["text"] == "2022年03月07日" and e["norm"] == "2022-03-07" for e in d["entities"])


def test_a_name_tagged_once_is_tagged_at_every_mention():
    from zhie.tagger.base import TaggedSpan
    from zhie.tagger.consistency import make_consistent
    text = "云湖高新技术产业开发区举行推介会。会上，云湖高新技术产业开发区与青禾科技股份有限公司签约。"
    first = TaggedSpan("ZONE", 0, 11, 0.95)
    company = TaggedSpan("COMPANY", 32, 42, 0.9)
    wrong = TaggedSpan("PROJECT", 20, 31, 0.4)       # the same name, another label, lower score
    spans = make_consistent(text, [first, wrong, company])
    assert [(s.label, text[s.start:s.end]) for s in spans] == [
        ("ZONE", "云湖高新技术产业开发区"), ("ZONE", "云湖高新技术产业开发区"), ("COMPANY", "青禾科技股份有限公司")]
    missed = make_consistent(text, [first, company])  # the second mention was missed by the tagger
    assert [(s.label, s.start) for s in missed] == [("ZONE", 0), ("ZONE", 20), ("COMPANY", 32)]
    assert missed[1].score < first.score


def test_short_names_and_names_inside_words_are_not_propagated():
    from zhie.tagger.base import TaggedSpan
    from zhie.tagger.consistency import make_consistent
    text = "张明到云湖调研。张明远主持会议。ABC云湖科技X。"
    spans = make_consistent(text, [TaggedSpan("OFFICIAL", 0, 2, 0.9)])
    assert [(s.start, s.end) for s in spans] == [(0, 2)]


def test_the_linker_reads_the_argument_scorer_its_folder_names(tmp_path):
    from conftest import TINY_MODEL
    from zhie.model.folder import package_scorer
    from zhie.model.upgrade import upgrade_model
    from zhie.pipeline import Pipeline

    def argument_scores(nlp) -> list[float]:
        return [a["score"] for v in nlp(Document(SIGNING, "d1", {"date": "2023-06-20"})).to_dict()["events"]
                for a in v["arguments"]]

    old = Pipeline.load(TINY_MODEL)                  # a 0.2.0 folder: the package's scorer
    assert old.folder.scorer_path() == package_scorer()
    model = upgrade_model(TINY_MODEL, tmp_path / "model").path
    assert argument_scores(Pipeline.load(model)) == argument_scores(old) != []
    scorer = json.loads((model / "argument_scorer.json").read_text(encoding="utf-8"))
    for m in scorer["models"].values():             # every role improbable: the scores must fall
        m["b"] = [0.0] + [-8.0] * (len(m["b"]) - 1)
        m["W"] = [[0.0] * len(row) for row in m["W"]]
    (model / "argument_scorer.json").write_text(json.dumps(scorer), encoding="utf-8")
    lower = argument_scores(Pipeline.load(model))
    assert len(lower) == len(argument_scores(old)) and all(a < b for a, b in zip(lower, argument_scores(old)))
    config = json.loads((model / "pipeline.json").read_text(encoding="utf-8"))
    config["linker"]["argument_scorer"] = None      # the rule scores alone
    (model / "pipeline.json").write_text(json.dumps(config), encoding="utf-8")
    assert Pipeline.load(model).linker.event_finder.scorer is None
