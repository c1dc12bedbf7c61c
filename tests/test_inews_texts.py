"""training/inews.py: the iNews zone articles become a --texts file with stable ids and line breaks."""
from __future__ import annotations

import json

import pytest

from training.cli import main
from training.inews import article_text, is_zone_article

ZONE_REPORT = ("本报讯(记者王某)昨天上午，某某经济技术开发区管委会与三家企业举行项目签约仪式，总投资12亿元。"
               "    签约仪式后，市长一行到园区调研，察看了在建项目的进度，并召开座谈会听取企业意见。" * 3)


def _folder(tmp_path):
    rows = {"train": [{"title": "周末音乐会", "content": "乐队在广场演出，观众很多。" * 30, "label": 1},
                      {"title": "开发区签约", "content": ZONE_REPORT, "label": 0}],
            "dev": [{"title": "短讯", "content": "开发区签约项目。", "label": 0}],
            "test": [{"title": "园区招商", "content": ZONE_REPORT, "label": 2},
                     {"title": "开发区签约", "content": ZONE_REPORT, "label": 0}]}   # train-1 printed again
    for split, items in rows.items():
        (tmp_path / f"{split}.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in items) + "\n",
                                                 encoding="utf-8")
    return tmp_path


def test_the_title_and_paragraphs_become_lines():
    text = article_text({"title": " 开发区签约 ", "content": "第一段。    第二段。\u3000\u3000第三段 有空格。"})
    assert text == "开发区签约\n第一段。\n第二段。\n第三段 有空格。"


def test_only_zone_reports_of_reasonable_length_are_taken():
    assert is_zone_article(article_text({"title": "开发区签约", "content": ZONE_REPORT}))
    assert not is_zone_article("开发区签约项目。")                     # too short
    assert not is_zone_article("乐队在广场演出，项目很多，投资很大。" * 20)   # no zone word


def test_the_command_writes_every_zone_article_once_with_an_id_from_its_first_place(tmp_path, capsys):
    out = tmp_path / "out" / "texts.jsonl"
    assert main(["inews-texts", str(_folder(tmp_path)), str(out)]) == 0
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [d["id"] for d in docs] == ["inews-train-1", "inews-test-0"]
    assert docs[0]["text"].startswith("开发区签约\n本报讯") and docs[0]["meta"] == {"corpus": "inews", "split": "train", "line": 1}
    assert "2 zone articles" in capsys.readouterr().out


def test_a_folder_without_inews_says_so(tmp_path, capsys):
    assert main(["inews-texts", str(tmp_path), str(tmp_path / "t.jsonl")]) == 2
    assert "no iNews" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["", None])
def test_an_article_without_content_is_its_title(content):
    assert article_text({"title": "开发区", "content": content}) == "开发区"
