"""Tests of zhie.text.cleaning (and the headline rule of zhie.text.sentences).

Property tests build random articles in the genre of the seeds from short
fragments written here: magazine pages with kicker/title headings, bylines,
column breaks inside sentences (also inside names and amounts), HTML, stray
whitespace and page numbers; web pages with a site header, a meta line with
the date, and a footer. The generator knows exactly which characters must
survive, so the cleaned text and its offset map are checked exactly, and every
planted entity must map back to the original.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhie.text import clean_text, clean_text_with_decisions, split_sentences

# ------------------------------------------------------------------ genre fragments (written for these tests)
ZONES = ["晋阳经济技术开发区", "汾东经开区", "云州示范区", "桑干河高新技术产业开发区", "潞安现代农业产业示范园"]
PEOPLE = ["李建华", "赵明远", "孙丽萍", "周文斌", "郝志强"]
TITLES = ["党工委书记", "管委会主任", "副市长", "董事长", "总经理"]
COMPANIES = ["山西恒泰机械制造有限公司", "晋北新材料集团", "华晟能源股份有限公司", "同煤智能装备有限公司"]
AMOUNTS = ["15.6亿元", "3200万元", "860亩", "12.5万平方米", "约8亿元", "6亿多元"]
DATES = ["2023年4月18日", "上半年", "今年以来", "6月底", "1-9月", "今年前三季度"]
ORGS = ["市商务局", "市委", "省工信厅", "市招商投资促进中心"]
SLOTS = {"ZONE": ZONES, "PERSON": PEOPLE, "TITLE": TITLES, "COMPANY": COMPANIES,
         "AMOUNT": AMOUNTS, "DATE": DATES, "ORG": ORGS}

SENTENCES = [
    "{DATE}，{ZONE}{TITLE}{PERSON}带队赴{COMPANY}调研，详细了解项目建设进展。",
    "{ZONE}全年签约项目36个，总投资{AMOUNT}，签约项目开工率达到85%。",
    "{PERSON}表示，要持续优化营商环境，全力当好服务企业的“店小二”。",
    "{COMPANY}与{ZONE}签订合作协议，计划总投资{AMOUNT}。",
    "{DATE}，{ORG}召开全市开发区工作推进会，研究部署下一阶段重点任务。",
    "项目建成后，预计年产值可达{AMOUNT}，新增就业岗位600余个。",
    "“项目落地只是第一步，服务还要跟上。”{PERSON}说。",
    "{ZONE}坚持“项目为王”，以“三个一批”活动为抓手，推动重点项目提速提效。",
    "截至{DATE}，累计完成固定资产投资{AMOUNT}，同比增长12.4%。",
    "厂房内机器轰鸣，工人们正在流水线上紧张作业。",
    "下一步，将聚焦主导产业延链补链，全力冲刺全年目标任务！",
]
TITLE_LINES = ["打造一流营商环境", "为新任“招商大使”颁授聘书", "项目建设跑出“加速度”", "招商引资结硕果"]
TWO_PART_TITLES = ["凝心聚力谋发展 砥砺奋进开新局", "提升服务“软实力” 构筑发展“硬支撑”"]
LEDES = ["本刊讯", "本报讯"]
SITE_NAMES = ["晋阳新闻网", "汾河网-山西汾河资讯网", "三晋在线"]
FOOTERS = [
    ["版权声明", "本文仅代表作者观点，不代表本站立场。", "本文地址:http://www.example.cn/a/1.html"],
    ["责任编辑：王晓东", "上一篇：汾东经开区召开工作会", "下一篇：云州示范区项目开工"],
    ["分享到：", "扫一扫在手机上阅读", "打印本页 关闭窗口"],
    ["Copyright © 2023 晋阳新闻网", "关于晋阳新闻网", "晋阳新闻网是本地综合资讯平台。"],
    ["留言与评论(共有 0 条评论)", "验证码:"],
]
HTML_SNIPPETS = ["<br>", "<br/>", "&nbsp;", "<span class=\"x\">", "</span>", "&#12288;"]
EDGE_SPACE = ["", " ", "\u3000", "\xa0", "\t", "  \u3000"]
FILLER_LINES = ["", " ", "\u3000\u3000", "\xa0", "12", "- 3 -", "<br>", "&nbsp;", "</div>"]
SENTENCE_FINAL = "。！？!?；;：:…"
CLOSERS = "”’\"'」』）)】》〉]"


@dataclass
class Generated:
    """A generated article and what the cleaner must make of it."""

    original: str = ""
    expected: list[int] = field(default_factory=list)  # original positions that must survive, in order
    entities: list[tuple[str, list[int]]] = field(default_factory=list)  # (text, original positions)
    headlines: list[tuple[str, str]] = field(default_factory=list)  # (kicker, title) pairs
    dropped: list[str] = field(default_factory=list)  # boilerplate lines that must not survive
    doc_date: str | None = None

    def keep(self, text: str, entity: bool = False) -> None:
        positions = list(range(len(self.original), len(self.original) + len(text)))
        self.original += text
        self.expected += positions
        if entity:
            self.entities.append((text, positions))

    def drop(self, text: str) -> None:
        self.original += text

    def finish(self) -> "Generated":
        """The cleaned text never ends with the newline kept after the last paragraph."""
        if self.expected and self.original[self.expected[-1]] == "\n":
            self.expected.pop()
        return self

    @property
    def expected_text(self) -> str:
        return "".join(self.original[i] for i in self.expected)


# A paragraph is a list of (text, is_entity) pieces; a piece may also be ("<html>", None) = deleted.
Piece = tuple[str, "bool | None"]


@st.composite
def body_paragraph(draw) -> list[Piece]:
    pieces: list[Piece] = []
    templates = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3))
    for n, template in enumerate(templates):
        rest = template
        while "{" in rest:
            before, _, after = rest.partition("{")
            slot, _, rest = after.partition("}")
            if before:
                pieces.append((before, False))
            pieces.append((draw(st.sampled_from(SLOTS[slot])), True))
        if rest:
            pieces.append((rest, False))
        if draw(st.integers(0, 5)) == 0:  # markup between sentences: dropped, or <sup>1</sup> -> '1'
            if n == len(templates) - 1 or draw(st.booleans()):
                pieces.append((draw(st.sampled_from(HTML_SNIPPETS)), None))
            else:
                pieces += [("<sup>", None), ("1", False), ("</sup>", None)]
    return pieces


def _break_positions(chars: list[tuple[str, bool | None]], after_heading: bool) -> list[int]:
    """Where a column break may fall: inside a sentence, not next to markup or whitespace.

    After a heading (or at the start, or after boilerplate) the piece before the
    break must not itself look like a heading line (<= 40 characters, no
    sentence punctuation or comma, not ending in a clause mark): such a piece is
    indistinguishable from a kicker line, and the cleaner treats it as one.
    """
    visible = [i for i, (_, kind) in enumerate(chars) if kind is not None]
    allowed = []
    for k in range(1, len(visible)):
        i = visible[k]
        before, at = chars[visible[k - 1]][0], chars[i][0]
        if visible[k - 1] != i - 1 or before.isspace() or at.isspace():
            continue
        if before in SENTENCE_FINAL or (before in CLOSERS and k >= 2 and chars[visible[k - 2]][0] in SENTENCE_FINAL):
            continue
        if after_heading:
            head = "".join(chars[j][0] for j in visible[:k])
            if not (len(head) > 40 or any(c in "。！？!?；;，," for c in head) or head[-1] in "、：:"):
                continue
        allowed.append(i)
    return allowed


def emit_paragraph(draw, doc: Generated, pieces: list[Piece], after_heading: bool, lede: bool = False,
                   credit: bool = False) -> None:
    chars: list[tuple[str, bool | None]] = []
    entity_of: list[int | None] = []
    if lede:
        pieces = [(draw(st.sampled_from(LEDES)), False), ("\u3000", False), (" \xa0", None)] + pieces
    if credit:
        pieces = pieces + [(draw(st.sampled_from(["(张虎虎)", "（王文军）"])), False)]
    for n, (text, kind) in enumerate(pieces):
        for ch in text:
            chars.append((ch, kind))
            entity_of.append(n if kind else None)
    breaks: set[int] = set()
    credit_start = len(chars) - (len(pieces[-1][0]) if credit else 0)  # no break inside a credit
    allowed = [i for i in _break_positions(chars, after_heading) if i < credit_start]
    if allowed and draw(st.booleans()):
        breaks.add(draw(st.sampled_from(allowed)))
        if draw(st.integers(0, 3)) == 0:
            breaks.add(draw(st.sampled_from(allowed)))
    # A piece that is only a small number would be a page number: the cleaner drops such lines.
    cuts = [0] + sorted(breaks) + [len(chars)]
    pieces_text = ["".join(ch for ch, kind in chars[a:b] if kind is not None) for a, b in zip(cuts, cuts[1:])]
    if any(text.isdigit() and len(text) <= 3 for text in pieces_text):
        breaks = set()
    doc.drop(draw(st.sampled_from(EDGE_SPACE)))
    current_entity, positions = None, []
    for i, (ch, kind) in enumerate(chars):
        if i in breaks:
            doc.drop("\n\n")
        if kind is None:
            doc.drop(ch)
            continue
        if entity_of[i] != current_entity and current_entity is not None:
            doc.entities.append((pieces[current_entity][0], positions))
            positions = []
        current_entity = entity_of[i]
        if current_entity is not None:
            positions.append(len(doc.original))
        doc.keep(ch)
    if current_entity is not None:
        doc.entities.append((pieces[current_entity][0], positions))
    doc.drop(draw(st.sampled_from(EDGE_SPACE)))


def emit_separator(draw, doc: Generated) -> None:
    """The newline that ends a paragraph (kept) and filler lines (dropped)."""
    doc.keep("\n")
    for line in draw(st.lists(st.sampled_from(FILLER_LINES), min_size=1, max_size=3)):
        doc.drop(line + "\n")


def emit_article(draw, doc: Generated) -> None:
    kicker_style = draw(st.sampled_from(["none", "markdown", "plain"]))
    title_style = draw(st.sampled_from(["markdown", "plain+lede", "two-part"]))
    kicker = draw(st.sampled_from(ZONES + PEOPLE))
    title = draw(st.sampled_from(TWO_PART_TITLES if title_style == "two-part" else TITLE_LINES))
    if kicker_style != "none":
        doc.drop("## " if kicker_style == "markdown" else draw(st.sampled_from(EDGE_SPACE)))
        doc.keep(kicker, entity=True)
        emit_separator(draw, doc)
    doc.drop("# " if title_style == "markdown" else "")
    doc.keep(title)
    emit_separator(draw, doc)
    if kicker_style != "none":
        doc.headlines.append((kicker, title))
    if draw(st.booleans()):
        doc.drop(draw(st.sampled_from(["■ ", "▲", "● "])))
        doc.keep(draw(st.sampled_from(PEOPLE)))
        emit_separator(draw, doc)
    paragraphs = draw(st.lists(body_paragraph(), min_size=1, max_size=4))
    for n, pieces in enumerate(paragraphs):
        emit_paragraph(draw, doc, pieces, after_heading=n == 0, lede=n == 0 and title_style == "plain+lede",
                       credit=n == len(paragraphs) - 1 and draw(st.booleans()))
        emit_separator(draw, doc)
    if draw(st.booleans()):
        doc.keep(draw(st.sampled_from(["(供稿：市商务局)", "（来稿：汾东经开区）"])))
        emit_separator(draw, doc)


@st.composite
def magazine_pages(draw) -> Generated:
    doc = Generated()
    for _ in range(draw(st.integers(1, 3))):
        emit_article(draw, doc)
    return doc.finish()


@st.composite
def web_pages(draw) -> Generated:
    doc = Generated()
    site = draw(st.sampled_from(SITE_NAMES))
    doc.drop(site + "\n\xa0\n0\n\xa0\n")
    doc.dropped.append(site)
    doc.keep(draw(st.sampled_from(TITLE_LINES + TWO_PART_TITLES)))
    doc.keep("\n")
    year, month, day = draw(st.integers(2015, 2025)), draw(st.integers(1, 12)), draw(st.integers(1, 28))
    doc.doc_date = f"{year:04d}-{month:02d}-{day:02d}"
    meta = draw(st.sampled_from([
        f"网络编辑 太原 {year}-{month:02d}-{day:02d} 09:15:00 0 开发区",
        f"来源：山西日报 发布时间：{year}-{month}-{day}",
        f"{year}年{month}月{day}日 10:30 来源：晋阳新闻网",
    ]))
    doc.drop("\n" + meta + "\n\n")
    doc.dropped.append(meta)
    paragraphs = draw(st.lists(body_paragraph(), min_size=1, max_size=4))
    for n, pieces in enumerate(paragraphs):
        emit_paragraph(draw, doc, pieces, after_heading=n == 0)
        if n < len(paragraphs) - 1:
            emit_separator(draw, doc)
    footer = draw(st.sampled_from(FOOTERS))
    doc.drop("\n\n\xa0\n" + "\n\n".join(footer) + "\n")
    doc.dropped += footer
    return doc.finish()


documents = st.one_of(magazine_pages(), web_pages())


def assert_invariants(original: str, cleaned) -> None:
    assert cleaned.original == original
    assert len(cleaned.index) == len(cleaned.text)
    assert all(cleaned.text[i] == original[j] for i, j in enumerate(cleaned.index))
    assert all(a < b for a, b in zip(cleaned.index, cleaned.index[1:]))
    for i, ch in enumerate(cleaned.text):
        if ch == "\n":  # one newline per paragraph break, never at an edge, never doubled
            assert 0 < i < len(cleaned.text) - 1 and cleaned.text[i + 1] != "\n"
    for line in cleaned.text.split("\n"):
        assert line == line.strip()


def assert_sentence_invariants(text: str, spans: list[tuple[int, int]]) -> None:
    covered = set()
    previous_end = 0
    for s, e in spans:
        assert previous_end <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
        covered.update(range(s, e))
        previous_end = e
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


# ------------------------------------------------------------------ property tests
@given(documents)
def test_generated_documents_are_cleaned_exactly(doc: Generated) -> None:
    cleaned = clean_text(doc.original)
    assert_invariants(doc.original, cleaned)
    assert cleaned.text == doc.expected_text
    assert list(cleaned.index) == doc.expected
    assert cleaned.doc_date == doc.doc_date
    for line in doc.dropped:
        assert line not in cleaned.text


@given(documents)
def test_planted_entities_map_back_to_the_original(doc: Generated) -> None:
    cleaned = clean_text(doc.original)
    position = {orig: i for i, orig in enumerate(cleaned.index)}
    for entity, positions in doc.entities:
        start = position[positions[0]]
        end = start + len(entity)
        assert cleaned.text[start:end] == entity
        s, e = cleaned.span_to_original(start, end)
        assert (s, e) == (positions[0], positions[-1] + 1)
        assert doc.original[s:e].replace("\n", "") == entity
        assert cleaned.span_from_original(s, e) == (start, end)


@given(documents)
def test_kicker_and_title_form_one_sentence(doc: Generated) -> None:
    cleaned = clean_text(doc.original)
    spans = split_sentences(cleaned.text)
    assert_sentence_invariants(cleaned.text, spans)
    for kicker, title in doc.headlines:
        headline = kicker + "\n" + title
        at = cleaned.text.find(headline)
        assert at >= 0
        assert any(s <= at and at + len(headline) <= e for s, e in spans), headline


NOISY_ALPHABET = st.sampled_from(list("开发区招商项目亿元年月日。，、！？“”()（）#<>/&;: \n\n\n\u3000\xa0\t0123456789abp▲■【】—"))


@given(st.text(NOISY_ALPHABET, max_size=300))
def test_invariants_hold_on_arbitrary_text(original: str) -> None:
    cleaned = clean_text(original)
    assert_invariants(original, cleaned)
    assert_sentence_invariants(cleaned.text, split_sentences(cleaned.text))
    if cleaned.text:
        assert cleaned.span_to_original(0, len(cleaned.text)) == (cleaned.index[0], cleaned.index[-1] + 1)


# ------------------------------------------------------------------ examples, one per seed phenomenon
def test_column_break_inside_a_word_is_joined() -> None:
    original = "为营造风清气正的发展环境，经开区持之以\n\n恒地加强党员干部作风建设，不断提升队伍素质。\n\n下一段。"
    cleaned = clean_text(original)
    assert cleaned.text == "为营造风清气正的发展环境，经开区持之以恒地加强党员干部作风建设，不断提升队伍素质。\n下一段。"
    start = cleaned.text.index("持之以恒")
    s, e = cleaned.span_to_original(start, start + 4)
    assert original[s:e] == "持之以\n\n恒"


def test_column_break_inside_an_amount_and_a_name() -> None:
    original = ("1-6月，全市工业投资完成40.09亿元。怀仁经开区规模以上工业增加值完成32.86\n\n亿元，同比增长。\n\n"
                "考察团一行参观了智能装备集团公\n\n司总部展厅，听取了情况介绍。")
    cleaned = clean_text(original)
    assert "完成32.86亿元" in cleaned.text
    assert "智能装备集团公司总部展厅" in cleaned.text
    start = cleaned.text.index("32.86亿元")
    s, e = cleaned.span_to_original(start, start + len("32.86亿元"))
    assert original[s:e] == "32.86\n\n亿元"


def test_heading_is_never_joined_to_body() -> None:
    original = ("## 晋阳经济技术开发区\n\n# 打造一流营商环境\n\n本刊讯 近日，晋阳经济技术开发区召开大会。\n\n"
                "### 突出政治引领\n\n全区上下坚持党建引领，推动发展。")
    cleaned = clean_text(original)
    assert cleaned.text.split("\n") == [
        "晋阳经济技术开发区", "打造一流营商环境", "本刊讯 近日，晋阳经济技术开发区召开大会。",
        "突出政治引领", "全区上下坚持党建引领，推动发展。"]


def test_unfinished_paragraph_before_a_heading_is_not_joined() -> None:
    original = "全区上下坚持马克思主义在意识形态领域指导地位的根本制度，\n\n## 晋城经济技术开发区\n\n# 七招打开新局面"
    assert clean_text(original).text.split("\n") == [
        "全区上下坚持马克思主义在意识形态领域指导地位的根本制度，", "晋城经济技术开发区", "七招打开新局面"]


def test_paragraph_broken_twice_around_a_closing_quote() -> None:
    original = "第一句写完了。晋阳经开区坚持“项目为王”，以“三个一批\n\n”\n\n活动为抓手，推动重点项目提速提效。"
    assert clean_text(original).text == "第一句写完了。晋阳经开区坚持“项目为王”，以“三个一批”活动为抓手，推动重点项目提速提效。"


def test_page_header_kicker_chain_is_not_joined() -> None:
    original = ("（四）深入开展大调研。为进一步落实省、市委\n\n全省开发区\n\n“全省开发区推动工业平稳增长”特刊\n\n"
                "朔州市开发区\n\n开发区(示范区)参加为期3天的督导培训班。")
    lines = clean_text(original).text.split("\n")
    assert lines == ["（四）深入开展大调研。为进一步落实省、市委", "全省开发区", "“全省开发区推动工业平稳增长”特刊",
                     "朔州市开发区", "开发区(示范区)参加为期3天的督导培训班。"]


def test_headline_before_an_article_opener_is_not_joined() -> None:
    original = ("（刘记明）\n\n忻州市副市长王建峰带队赴北京市开展招商考察活动\n\n\n\n"
                "本刊讯 近日，忻州市副市长王建峰带队赴北京市开展招商考察活动。")
    cleaned = clean_text(original)
    assert cleaned.text.split("\n")[1] == "忻州市副市长王建峰带队赴北京市开展招商考察活动"


def test_kicker_and_title_headline_is_one_sentence() -> None:
    cleaned = clean_text("## 曲沃经济技术开发区\n\n## 为新任“招商大使”颁授聘书\n\n本刊讯 近日，张永刚颁授聘书。座谈会上，双方交流。")
    spans = split_sentences(cleaned.text)
    assert [cleaned.text[s:e] for s, e in spans] == [
        "曲沃经济技术开发区\n为新任“招商大使”颁授聘书", "本刊讯 近日，张永刚颁授聘书。", "座谈会上，双方交流。"]


def test_markup_is_removed() -> None:
    original = "<p>▲ 标准化厂房面积达100万m<sup>2</sup>&nbsp;，<br>已全部投用。</p>\n&nbsp;\n</div>\n■ 何志敏"
    cleaned = clean_text(original)
    assert cleaned.text == "标准化厂房面积达100万m2，已全部投用。\n何志敏"
    assert_invariants(original, cleaned)


def test_whitespace_is_stripped_and_collapsed() -> None:
    original = "\u3000\u3000砥砺奋进铸辉煌 \u3000 实干笃行谋发展\xa0\n \n\n\t——大同经济技术开发区绘制发展新蓝图  \n"
    cleaned = clean_text(original)
    assert cleaned.text == "砥砺奋进铸辉煌 实干笃行谋发展\n——大同经济技术开发区绘制发展新蓝图"


def test_web_page_header_footer_and_date() -> None:
    original = ("大院网-山西大院资讯网\n\n\xa0\n\n0\n\n\xa0\n\n"
                "综改区晋中开发区推动项目建设提速\n\n"
                "网络编辑 晋中 2022-12-09 10:03:42 0 晋中\xa0开发区\xa0企业\n\n"
                "临近年关，晋中开发区各项目工地一派繁忙。\n\n今年以来，签约项目17项，总投资229.92亿元。\n\n\n\xa0\n\n0\n\n"
                "版权声明\n\n本文仅代表作者观点。\n本文地址:http://www.example.com/5311.html\n\n关于山西大院新闻网\n\n"
                "Copyright ©山西大院新闻网")
    cleaned = clean_text(original)
    assert cleaned.doc_date == "2022-12-09"
    assert cleaned.text == ("综改区晋中开发区推动项目建设提速\n临近年关，晋中开发区各项目工地一派繁忙。\n"
                            "今年以来，签约项目17项，总投资229.92亿元。")


@pytest.mark.parametrize("footer", ["责任编辑：李四", "上一篇：某某开发区召开大会", "分享到：", "打印本页",
                                    "关闭窗口", "扫一扫", "来源：山西日报"])
def test_other_site_boilerplate_is_dropped(footer: str) -> None:
    original = f"开发区召开项目推进会\n\n来源：山西日报 2023-06-20\n\n会议强调，要加快项目建设。\n\n{footer}\n\n更多新闻。"
    cleaned = clean_text(original)
    assert cleaned.doc_date == "2023-06-20"
    assert cleaned.text.startswith("开发区召开项目推进会\n会议强调，要加快项目建设。")
    assert footer not in cleaned.text


def test_page_tools_between_articles_do_not_cut_the_text() -> None:
    original = "开发区召开项目推进会。\n\n扫一扫 关注公众号\n\n## 第二篇文章的标题\n\n正文第二篇。"
    assert clean_text(original).text == "开发区召开项目推进会。\n第二篇文章的标题\n正文第二篇。"


def test_footer_word_in_the_header_does_not_cut_the_article() -> None:
    original = "分享到：\n\n开发区召开项目推进会\n\n会议强调，要加快项目建设。"
    assert clean_text(original).text == "开发区召开项目推进会\n会议强调，要加快项目建设。"


def test_magazine_text_without_web_boilerplate_keeps_site_like_lines() -> None:
    # A line ending in 网 at the top of a magazine page is not dropped when the page shows no web evidence.
    original = "山西开发区在线\n\n开发区召开项目推进会。"
    assert clean_text(original).text == "山西开发区在线\n开发区召开项目推进会。"


def test_windows_line_endings() -> None:
    original = "# 标题\r\n\r\n第一句写完了。第二句写到一半被\r\n\r\n分栏打断，继续写完。\r\n"
    cleaned = clean_text(original)
    assert cleaned.text == "标题\n第一句写完了。第二句写到一半被分栏打断，继续写完。"
    assert_invariants(original, cleaned)


def test_decisions_are_reported() -> None:
    _, paragraphs, decisions = clean_text_with_decisions("第一段写完了。\n\n正文写到一半被分\n\n栏打断了。")
    assert [d.joined for d in decisions] == [False, True]
    assert decisions[0].trivial and not decisions[1].trivial
    assert paragraphs[decisions[1].next].text == "栏打断了。"


def test_span_to_original_rejects_bad_spans() -> None:
    cleaned = clean_text("开发区。")
    with pytest.raises(ValueError):
        cleaned.span_to_original(2, 2)
    with pytest.raises(ValueError):
        cleaned.span_to_original(0, 10)


@pytest.mark.parametrize("line, kept", [
    ("202109241828034924.jpg", ""),                                        # an image name alone: nothing
    ("IMG_20220307091530.jpg", ""),
    ("微信截图_20240920153326.png　4月2日，云湖高新区召开推进会。", "4月2日，云湖高新区召开推进会。"),
    ("http://www.example.cn/pic/2022/0307/a.jpg4月2日，云湖高新区召开推进会。", "4月2日，云湖高新区召开推进会。"),
    ("详见 www.example.cn 网站。", "详见 网站。"),
])
def test_addresses_and_image_names_go_and_the_glued_text_stays(line: str, kept: str) -> None:
    clean = clean_text(line)
    assert clean.text == kept
    assert all(line[i] == ch for i, ch in zip(clean.index, clean.text))


@pytest.mark.parametrize("line, kept", [
    ("云湖高新区召开推进会？\\n近日，管委会主任王某到企业调研。", "云湖高新区召开推进会？近日，管委会主任王某到企业调研。"),
    ("签约仪式举行。\\n\\n\\t项目总投资8亿元。", "签约仪式举行。项目总投资8亿元。"),
    ("文件存于D:\\new目录。", "文件存于D:\\new目录。"),                  # a path: the backslash is no escape
    # between two numbers the backslash stays as a separator: the date and the time are not one number
    ("项目于2020-05-06\\n08:30开工，王某出席。", "项目于2020-05-06\\08:30开工，王某出席。"),
    ("项目于2020-05-06\\n\\n08:30开工。", "项目于2020-05-06\\08:30开工。"),
])
def test_escapes_written_out_by_a_bad_export_go_like_a_br_tag(line: str, kept: str) -> None:
    clean = clean_text(line)
    assert clean.text == kept
    assert all(line[i] == ch for i, ch in zip(clean.index, clean.text))
    start = clean.text.index("王某") if "王某" in clean.text else None
    if start is not None:   # a name after the escape maps back to its original place
        a, b = clean.span_to_original(start, start + 2)
        assert line[a:b] == "王某"


@pytest.mark.parametrize("line, kept", [
    ("2018 年 9 月 13 日，云湖高新区召开推进会。", "2018年9月13日，云湖高新区召开推进会。"),
    ("道路全长 23.6 公里，总投资 8 亿元。", "道路全长23.6公里，总投资8亿元。"),
    ("本刊讯 2023年4月18日，云湖高新区召开推进会。", "本刊讯 2023年4月18日，云湖高新区召开推进会。"),  # a dateline
    ("本刊讯\u3000 2023 年 4 月", "本刊讯\u30002023年4月"),
    ("会议于10月31日 09:30开始。", "会议于10月31日 09:30开始。"),     # a clock time keeps its space
    ("王某近况 王某深入企业", "王某近况 王某深入企业"),                  # between two Chinese words: kept
    ("采用 LNG 技术", "采用 LNG 技术"),
])
def test_spaces_between_numbers_and_chinese_go(line: str, kept: str) -> None:
    clean = clean_text(line)
    assert clean.text == kept
    assert all(line[i] == ch for i, ch in zip(clean.index, clean.text))


def test_meta_line_timestamp_offsets() -> None:
    page = "云湖新闻网\n2021-04-16 09:12:30 来源：云湖日报\n正文，云湖高新区。\n"
    clean = clean_text(page)
    (start, end, iso), = clean.timestamps
    assert page[start:end] == "2021-04-16" and iso == "2021-04-16"
    assert "2021" not in clean.text


@pytest.mark.parametrize("marker", ["相关推荐", "拓展阅读", "延伸阅读"])
def test_related_content_lists_are_footer(marker: str) -> None:
    original = (f"开发区召开项目推进会\n\n来源：山西日报 2023-06-20 10:03:42\n\n会议强调，要加快项目建设。\n\n{marker}\n\n"
                "2023-06-20 09:00:00\n\n某某园区又有新项目开工")
    cleaned = clean_text(original)
    assert cleaned.text == "开发区召开项目推进会\n会议强调，要加快项目建设。"
    assert len(cleaned.timestamps) == 1   # the teasers' timestamps are no publication timestamps


@pytest.mark.parametrize("line", ["网友评论称，园区的服务越来越好。", "联系我们的企业代表表示，项目进展顺利。",
                                  "相关新闻发布后，企业纷纷前来洽谈。"])
def test_a_text_line_that_starts_with_a_footer_word_is_kept(line: str) -> None:
    original = f"开发区召开项目推进会\n\n来源：山西日报 2023-06-20\n\n会议强调，要加快项目建设。\n\n{line}\n\n项目总投资5亿元。"
    cleaned = clean_text(original)
    assert cleaned.text == f"开发区召开项目推进会\n会议强调，要加快项目建设。\n{line}\n项目总投资5亿元。"


def test_a_footer_label_followed_by_a_comma_still_starts_the_footer() -> None:
    original = "开发区召开项目推进会\n\n来源：山西日报 2023-06-20\n\n会议强调，要加快项目建设。\n\n版权所有，侵权必究。\n\n某某网站"
    assert clean_text(original).text == "开发区召开项目推进会\n会议强调，要加快项目建设。"
