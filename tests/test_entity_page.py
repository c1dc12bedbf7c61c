"""The displaCy-style page of ``zhie extract --html``, parsed: ``lang="zh"``, a CJK font stack,
a distinct colour for each of the eight labels, and the text exactly as given (line breaks
kept once by ``white-space: pre-wrap``, no ``<br>``), through the command line too."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser

from conftest import REPO_ROOT, TINY_MODEL
from zhie.schema import ENTITY_LABELS
from zhie.spacy_doc import render_html

TEXT = ("## 晋中开发区\n\n2023年5月18日，晋中开发区与山西华晟新材料有限公司签约，总投资约15亿元的高端装备制造基地项目落户。"
        "\n市委书记李明远出席，市商务局参加。<b>&</b>")


class Page(HTMLParser):
    """Collects the html lang, the style sheet, the text of each .entities div and its marks."""

    def __init__(self) -> None:
        super().__init__()
        self.lang, self.style, self.tags = None, "", []
        self.texts: list[str] = []
        self.marks: list[tuple[str, str, str]] = []   # (label, background, marked text)
        self._stack: list[str] = []
        self._in_style = self._in_label = False
        self._mark: list | None = None

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "style":
            self._in_style = True
        if tag == "div" and a.get("class") == "entities":
            self.texts.append("")
            self._stack.append("entities")
        elif tag == "mark" and self._stack:
            self._mark = [a.get("data-label"), re.search(r"background: (#[0-9a-f]+)", a["style"]).group(1), ""]
        elif tag == "span" and self._mark is not None:
            self._in_label = True

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "style":
            self._in_style = False
        elif tag == "span":
            self._in_label = False
        elif tag == "mark" and self._mark is not None:
            self.marks.append(tuple(self._mark))
            self._mark = None
        elif tag == "div" and self._stack:
            self._stack.pop()

    def handle_data(self, data):  # noqa: ANN001
        if self._in_style:
            self.style += data
        elif self._stack and not self._in_label:
            self.texts[-1] += data
            if self._mark is not None:
                self._mark[2] += data


def _result(text: str) -> dict:
    surfaces = [("ZONE", "晋中开发区"), ("DATE", "2023年5月18日"), ("COMPANY", "山西华晟新材料有限公司"),
                ("AMOUNT", "约15亿元"), ("PROJECT", "高端装备制造基地项目"), ("TITLE", "市委书记"),
                ("OFFICIAL", "李明远"), ("ORG", "市商务局")]
    ents = [{"label": label, "start": text.index(s), "end": text.index(s) + len(s)} for label, s in surfaces]
    return {"id": "doc-1", "entities": ents}


def test_page_is_chinese_coloured_and_keeps_the_text():
    page = Page()
    page.feed(render_html([(TEXT, _result(TEXT))]))
    assert page.lang == "zh"
    assert "br" not in page.tags and "white-space: pre-wrap" in page.style
    fonts = re.search(r"body \{[^}]*font-family: ([^;]+);", page.style).group(1)
    assert "Noto Sans CJK SC" in fonts and fonts.index("Noto Sans CJK SC") < fonts.index("sans-serif")
    assert page.texts == [TEXT]  # every character, both line breaks of the blank line, escaped markup as text
    colours = {label: colour for label, colour, _ in page.marks}
    assert sorted(colours) == sorted(ENTITY_LABELS)
    assert len(set(colours.values())) == 8 and "#ddd" not in colours.values()
    assert [(label, text) for label, _, text in page.marks][:2] == [("ZONE", "晋中开发区"), ("DATE", "2023年5月18日")]


def test_overlapping_or_out_of_range_entities_do_not_break_the_text():
    text = "晋中开发区管委会"
    result = {"entities": [{"label": "ORG", "start": 0, "end": 8}, {"label": "ZONE", "start": 0, "end": 5},
                           {"label": "DATE", "start": 6, "end": 30}]}
    page = Page()
    page.feed(render_html([(text, result)]))
    assert page.texts == [text] and [(label, t) for label, _, t in page.marks] == [("ORG", text)]


def test_extract_html_page_from_the_command_line(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    page_path = tmp_path / "a.html"
    done = subprocess.run([sys.executable, "-m", "zhie.cli", "extract", str(src), "-o", str(tmp_path / "a.jsonl"),
                           "--model", str(TINY_MODEL), "--html", str(page_path)],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "a.jsonl").read_text(encoding="utf-8"))
    page = Page()
    page.feed(page_path.read_text(encoding="utf-8"))
    assert page.lang == "zh" and page.texts == [TEXT] and len(record["entities"]) == len(page.marks)
    assert {label for label, _, _ in page.marks} >= {"ZONE", "COMPANY", "TITLE", "OFFICIAL", "ORG", "DATE"}
