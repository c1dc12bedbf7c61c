"""HOLDS_TITLE and MEMBER_OF from title phrases (zhie/linking/relations.py) on sentences written
for these tests in the styles of zone pages and news wires: long lists of officials, titles shared
across names, titles after names, 兼, org lists, space-separated web lists, predicates, and the
cases that must give nothing (bylines, 与/会见 between two people)."""
from __future__ import annotations

import re

import pytest

from zhie.linking import LinkInput, Mention
from zhie.linking.relations import RelationFinder
from zhie.schema import Entity
from zhie.text import clean_text, split_sentences

LABELS = {"T": "TITLE", "O": "OFFICIAL", "Z": "ZONE", "C": "COMPANY", "G": "ORG", "D": "DATE", "P": "PROJECT"}
MARK = re.compile(r"\[([^\[\]|]+)\|([TOZCGDP])\]")


def build(marked: str) -> LinkInput:
    """``[text|L]`` marks an entity with label letter L (T TITLE, O OFFICIAL, Z ZONE, C COMPANY, G ORG …)."""
    text, spans, pos = "", [], 0
    for m in MARK.finditer(marked):
        text += marked[pos:m.start()]
        spans.append((LABELS[m.group(2)], len(text), len(text) + len(m.group(1))))
        text += m.group(1)
        pos = m.end()
    text += marked[pos:]
    clean = clean_text(text)
    mentions = []
    for i, (label, s, e) in enumerate(spans, 1):
        span = clean.span_from_original(s, e)
        assert span is not None, text[s:e]
        mentions.append(Mention(Entity(label, s, e, text[s:e], id=f"e{i}"), span[0], span[1]))
    return LinkInput(clean, split_sentences(clean.text), mentions)


def relations(marked: str) -> set[str]:
    """``name>title`` for HOLDS_TITLE, ``name@org`` for MEMBER_OF."""
    inp = build(marked)
    text = {m.entity.id: m.entity.text for m in inp.mentions}
    out = set()
    for r in RelationFinder()(inp):
        assert 0.0 <= r.score <= 1.0
        out.add(f"{text[r.head]}{'>' if r.type == 'HOLDS_TITLE' else '@'}{text[r.tail]}")
    return out


CASES = [
    # several titles before one name (news wire)
    ("[中共中央政治局常委|T]、[国务院总理|T][李强|O]在开幕式上致辞。",
     {"李强>中共中央政治局常委", "李强>国务院总理"}),
    # a long list of officials, each with its own titles, separated by commas
    ("[省委书记|T][王建国|O]，[省委副书记|T]、[省长|T][李明华|O]，[省委常委|T]、[秘书长|T][赵晓东|O]出席会议。",
     {"王建国>省委书记", "李明华>省委副书记", "李明华>省长", "赵晓东>省委常委", "赵晓东>秘书长"}),
    # three titles before one name, then a visitor with his own
    ("[中共中央总书记|T]、[国家主席|T]、[中央军委主席|T][钟明|O]在北京会见[联合国秘书长|T][费尔南|O]。",
     {"钟明>中共中央总书记", "钟明>国家主席", "钟明>中央军委主席", "费尔南>联合国秘书长"}),
    # one title shared by a list of five names
    ("[中共中央政治局常委|T][赵一|O]、[钱二|O]、[孙三|O]、[李四|O]、[周五|O]出席。",
     {f"{n}>中共中央政治局常委" for n in ("赵一", "钱二", "孙三", "李四", "周五")}),
    # title+name pairs joined by 、: no title leaks to the neighbour
    ("[市委书记|T][张伟|O]、[市长|T][刘洋|O]、[市委副书记|T][陈静|O]等参加活动。",
     {"张伟>市委书记", "刘洋>市长", "陈静>市委副书记"}),
    # one title shared by a list of names, also across 和
    ("[副省长|T][王平|O]、[周琳|O]和[马东|O]陪同调研。",
     {"王平>副省长", "周琳>副省长", "马东>副省长"}),
    # a title after two bare names joined by 和 belongs to both
    ("课题组成员[周琳|O]和[马东|O][主任|T]到园区走访。", {"周琳>主任", "马东>主任"}),
    # a web page list separated by spaces
    ("出席人员：[市长|T] [郑海|O]  [副市长|T] [孔亮|O] [孙悦|O]",
     {"郑海>市长", "孔亮>副市长", "孙悦>副市长"}),
    # titles after names, in a list: each title stays with the name before it
    ("[王建军|O][书记|T]、[李红|O][主任|T]一行到园区调研。",
     {"王建军>书记", "李红>主任"}),
    ("[钱立|O][会长|T]、[孙海|O][副会长|T]兼[秘书长|T]到访。",
     {"钱立>会长", "孙海>副会长", "孙海>秘书长"}),
    # a web list with titles after names, separated by spaces
    ("[吴涛|O] [董事长|T]  [何静|O] [总经理|T]",
     {"吴涛>董事长", "何静>总经理"}),
    # a title after the name following a title before a name in the same list
    ("[国家主席|T][习近平|O]同[法国总统|T][马克龙|O]举行会谈。",
     {"习近平>国家主席", "马克龙>法国总统"}),
    ("[省长|T][黄涛|O]、[刘毅|O][主任|T]出席。",
     {"黄涛>省长", "刘毅>主任"}),
    # a title with a zone prefix and a body prefix
    ("[高新区|Z][管委会党工委书记|T][吴刚|O]介绍情况。",
     {"吴刚>管委会党工委书记", "吴刚@高新区"}),
    # a company before two titles joined by 兼
    ("[华远科技股份有限公司|C][董事长|T]兼[总经理|T][冯涛|O]签约。",
     {"冯涛>董事长", "冯涛>总经理", "冯涛@华远科技股份有限公司"}),
    # two companies sharing one title
    ("[中信集团|C]、[中国建筑集团|C][董事|T][许明|O]带队考察。",
     {"许明>董事", "许明@中信集团", "许明@中国建筑集团"}),
    # two companies before two names: which one works where is unstated (GUIDELINES §10.13)
    ("[中信集团|C]、[中国建筑集团|C][负责人|T][许明|O]、[钱宁|O]分别致辞。", {"许明>负责人", "钱宁>负责人"}),
    # two titles of one name across a comma (delegation head, then the home post)
    ("[省经贸代表团团长|T]，[省商务厅厅长|T][黄文|O]致辞。",
     {"黄文>省经贸代表团团长", "黄文>省商务厅厅长"}),
    # X同志 and a title phrase across line breaks of a web page
    ("[市委书记|T][刘建|O]同志主持会议。", {"刘建>市委书记"}),
    ("[市委常委|T]、[滨江区委书记|T]\n[滨江开发区|Z][党工委书记|T][周海|O]\n致辞",
     {"周海>市委常委", "周海>滨江区委书记", "周海>党工委书记", "周海@滨江开发区"}),
    # titles stated as predicates
    ("[陈东|O]任[开发区管委会主任|T]。", {"陈东>开发区管委会主任"}),
    ("成立以[张明|O]为[组长|T]的工作专班。", {"张明>组长"}),
    # …利用其担任…职务之便 (a discipline report) and the copula before an org's title
    ("[方明|O]利用其担任[开发区卫计局局长|T]职务之便收受财物。", {"方明>开发区卫计局局长"}),
    ("[黄某某|O]利用自己担任[青禾城市中心区|Z][管委会党组成员|T]的便利。", {"黄某某>管委会党组成员", "黄某某@青禾城市中心区"}),
    ("[杨晶|O]是[青禾网络科技有限公司|C]的[负责人|T]。", {"杨晶>负责人", "杨晶@青禾网络科技有限公司"}),
    # 为 also means "for": an org's title after it is somebody else's
    ("[张永|O]为[青禾山水景区|Z][总经理|T]颁发聘书。", set()),
    # an affiliation directly before a name
    ("[市商务局|G][王敏|O]介绍了招商情况。", {"王敏@市商务局"}),
    # an org before a staff word that is no position: membership, no title
    ("[县公安局|G]民警[杨一帆|O]、[沙河工业园区|Z]干部[罗青|O]受到处分。", {"杨一帆@县公安局", "罗青@沙河工业园区"}),
    ("[华信律师事务所|G]律师[周涛|O]参加座谈。", {"周涛@华信律师事务所"}),
    # a predicate with several titles: each is held, and a title written before a name after a comma is that name's
    ("[陈东|O]任[开发区|Z][党工委书记|T]、[管委会主任|T]。", {"陈东@开发区", "陈东>党工委书记", "陈东>管委会主任"}),
    ("[陈东|O]同志任[区党委秘书长|T]、[办公厅主任|T]，[直属机关工委书记|T]（兼）。",
     {"陈东>区党委秘书长", "陈东>办公厅主任", "陈东>直属机关工委书记"}),
    ("[陈东|O]任[开发区|Z][党工委书记|T]，[副主任|T][李四|O]主持会议。", {"陈东@开发区", "陈东>党工委书记", "李四>副主任"}),
    # an untagged word that is no staff word gives nothing
    ("[县城管局|G]对[王小龙|O]进行了表彰。", set()),
    # nothing between people who meet or sign with each other
    ("[市长|T][张斌|O]会见了[李杰|O]一行。", {"张斌>市长"}),
    ("[董事长|T][马涛|O]与[区长|T][周斌|O]签约。", {"马涛>董事长", "周斌>区长"}),
    # a company written before an unrelated title list is no member of it
    ("[东方电气|C]、[副市长|T][陈光|O]出席。", {"陈光>副市长"}),
    # two titles of one name joined by 和
    ("[驻村第一书记|T]和[工作队队长|T][孙杰|O]到村走访。", {"孙杰>驻村第一书记", "孙杰>工作队队长"}),
    # the tagger left the prefix of the last title untagged: the earlier titles still reach the name
    ("[县委常委|T]、[副县长|T]、临港产业园[管委会主任|T][邓宇|O]参加会议。",
     {"邓宇>县委常委", "邓宇>副县长", "邓宇>管委会主任"}),
    # a zone heading a page is no member of the title phrase on the next paragraph
    ("[滨海新区|Z]\n\n[区人大常委会主任|T][方明|O]调研企业", {"方明>区人大常委会主任"}),
    # several titles after one name
    ("[何亮|O][董事长|T]、[总经理|T]介绍了项目。", {"何亮>董事长", "何亮>总经理"}),
    # a title after 、 with no name of its own belongs to nobody
    ("[市发改委主任|T][吕强|O]、[市财政局局长|T]分别发言。", {"吕强>市发改委主任"}),
    # bylines are never officials (SCHEMA): a tagged reporter credit gives nothing
    ("本报讯（[记者|T][王芳|O]）[市长|T][孟凡|O]出席。", {"孟凡>市长"}),
]


@pytest.mark.parametrize("marked,expected", CASES, ids=[f"case{i:02d}" for i in range(len(CASES))])
def test_title_phrases(marked: str, expected: set[str]) -> None:
    assert relations(marked) == expected


def test_scores_are_ordered_by_how_sure_the_pattern_is() -> None:
    inp = build("[市委书记|T][张伟|O]、[李红|O][主任|T]，[陈东|O]任[开发区管委会主任|T]。")
    score = {(r.head, r.tail): r.score for r in RelationFinder()(inp)}
    assert score[("e2", "e1")] > score[("e3", "e4")] > 0
    assert score[("e5", "e6")] > 0
    assert all(0 < s <= 1 for s in score.values())


def test_a_relation_is_no_surer_than_its_entities() -> None:
    inp = build("[市委书记|T][张伟|O]出席。")
    sure = RelationFinder()(inp)[0].score
    inp.mentions[0].entity.score = 0.5
    (r,) = RelationFinder()(inp)
    assert r.score == pytest.approx(sure * 0.5)
