"""Site boilerplate of Chinese news web pages, as small pattern tables.

Recognises, one cleaned line at a time:
- noise lines (only digits such as page numbers or comment counters, rules of dashes);
- the meta line under a headline (``网络编辑 晋中 2022-12-09 10:03:42 …``,
  ``来源：… 作者：… 发布时间：…``) and the publication date in it;
- site-name and navigation lines at the top of a page (``大院网-山西大院资讯网``,
  ``首页 > 新闻中心``, bare URLs);
- footer markers (``版权声明``, ``Copyright``, ``本文地址``, ``上一篇`` …): the page's
  footer starts there; page tools (``分享到``, ``扫一扫``, ``打印本页``): only that line.
The cleaner (cleaning.py) decides what to do with each kind.
"""
from __future__ import annotations

import re

# ---------------------------------------------------------------- noise
# '12', '- 12 -', '—12—', or a rule such as '———' / '*****'.
_NOISE_LINE = re.compile(r"^(?:\d{1,3}|[-—–]+\s*\d{1,3}\s*[-—–]+|[-—–_=*~·•|\s]+)$")

# ---------------------------------------------------------------- dates and the meta line
_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)"
)
_CLOCK = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")
# Words that label the fields of a meta line.
META_FIELDS = (
    "网络编辑", "责任编辑", "编辑", "来源", "稿源", "出处", "作者", "记者", "通讯员",
    "发布时间", "发布日期", "发表时间", "更新时间", "时间", "日期",
    "浏览次数", "阅读次数", "点击数", "浏览", "阅读", "字号",
)
_META_FIELD_AT_START = re.compile(
    r"^(?:" + "|".join(sorted(map(re.escape, META_FIELDS), key=len, reverse=True)) + r")\s*[：:]"
)
_META_MAX_CHARS = 100
_META_FIELD_LINE_MAX_CHARS = 60

# ---------------------------------------------------------------- page header
_SITE_NAME_LINE = (
    # ends with a site word: 山西大院新闻网, XX在线, XX官网
    re.compile(r"^\S{1,30}(?:新闻网|资讯网|门户网|信息网|网站|官网|在线|客户端)$"),
    # 'name网 - slogan' or 'slogan - name网' (a separator and a '网')
    re.compile(r"^\S{1,20}网\s*[-_|｜—]+\s*\S{1,30}$"),
    re.compile(r"^\S{1,30}\s*[-_|｜—]+\s*\S{0,20}网$"),
)
_NAVIGATION_LINE = re.compile(
    r"^(?:首页|网站首页|当前位置|您的位置|您现在的位置|位置)\s*(?:[:：>＞»/|]|$)"
    r"|^(?:https?://|www\.)\S+$"
)

# ---------------------------------------------------------------- page footer
# A footer starts at a line that begins with one of these: the rest of the page goes.
FOOTER_MARKERS = (
    "版权声明", "版权所有", "免责声明", "Copyright", "COPYRIGHT", "copyright", "©",
    "本文地址", "本文链接", "原文链接", "原文地址", "转载请注明",
    "留言与评论", "网友评论", "发表评论", "我要评论", "评论区", "验证码",
    "上一篇", "下一篇", "相关阅读", "相关新闻", "相关文章", "相关推荐", "推荐阅读", "热门推荐", "拓展阅读",
    "延伸阅读",
    "网站地图", "联系我们", "关于我们", "ICP备",
)
# Page tools: only the line itself goes (they also sit between articles of a
# magazine issue, e.g. a QR code caption, so they must not cut the text after them).
PAGE_TOOL_MARKERS = (
    "分享到", "分享至", "扫一扫", "打印本页", "【打印", "关闭窗口", "【关闭", "【字号", "字体：",
)
_ABOUT_SITE_LINE = re.compile(r"^关于\S{1,20}(?:网|网站)$")
_MARKER_MAX_LINE = 40
_MARKER_SEPARATORS = "：: (（【[©|｜>＞»/-—_，,、\u3000"
_SENTENCE_MARKS = "，,。！？!?；;"


def is_noise_line(text: str) -> bool:
    """A line that is only a small number (page number, counter) or a rule of dashes."""
    return bool(_NOISE_LINE.match(text))


def find_date_span(text: str) -> tuple[int, int, str] | None:
    """``(start, end, iso)`` of the first valid yyyy-mm-dd date written with digits in ``text``;
    the span takes a closing 日 (``2022年03月07日``) and never the clock time after the date."""
    for match in _DATE.finditer(text):
        year, month, day = (int(g) for g in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            end = match.end() + (text[match.end():match.end() + 1] in ("日", "号"))
            return match.start(), end, f"{year:04d}-{month:02d}-{day:02d}"
    return None


def find_date(text: str) -> str | None:
    """The first valid yyyy-mm-dd date written with digits in ``text``, ISO formatted."""
    found = find_date_span(text)
    return found[2] if found else None


def is_meta_line(text: str) -> bool:
    """The line under a web headline: editor, source, place, date/time, counters, tags.

    Either it carries a digit date plus a clock time or a field word
    (``网络编辑 晋中 2022-12-09 10:03:42``, ``发布时间：2022-12-09``), or it starts
    with a field label (``来源：山西日报``, ``作者：张三``). Never a sentence.
    """
    if not text or len(text) > _META_MAX_CHARS or any(ch in "。！？，," for ch in text):
        return False
    if find_date(text) and (_CLOCK.search(text) or any(word in text for word in META_FIELDS)):
        return True
    return len(text) <= _META_FIELD_LINE_MAX_CHARS and bool(_META_FIELD_AT_START.match(text))


def is_site_header_line(text: str) -> bool:
    """A site-name line (``大院网-山西大院资讯网``); only meaningful at the top of a web page."""
    return any(pattern.match(text) for pattern in _SITE_NAME_LINE)


def is_navigation_line(text: str) -> bool:
    """A breadcrumb (``首页 > 新闻中心``) or a bare URL."""
    return bool(_NAVIGATION_LINE.match(text))


def _starts_with_marker(text: str, markers: tuple[str, ...]) -> bool:
    """The line opens with a marker that is a label (``上一篇：…``, ``版权所有 ©…``, ``相关新闻``), not
    the first word of a sentence: a line of real text that merely starts with the same word
    (``网友评论称，…。``, ``联系我们的企业…，…``) is no marker line and keeps the text after it."""
    for marker in markers:
        if text.startswith(marker):
            rest = text[len(marker):]
            if not rest or rest[0] in _MARKER_SEPARATORS:
                return True
            if len(text) <= _MARKER_MAX_LINE and not any(ch in rest for ch in _SENTENCE_MARKS):
                return True
    return False


def is_page_tool_line(text: str) -> bool:
    """A share/print/close bar or a QR-code caption (``分享到：``, ``扫一扫在手机上阅读``)."""
    return _starts_with_marker(text, PAGE_TOOL_MARKERS)


def is_footer_start(text: str) -> bool:
    """A line where a page footer begins (``版权声明``, ``Copyright ©…``, ``关于山西大院新闻网`` …).

    The marker must open the line, and the line must be short or continue with a
    separator (``本文地址:http://…``, ``版权声明: 本站所有文章…``), so that body text
    that merely starts with the same word is not taken for a footer.
    """
    return bool(_ABOUT_SITE_LINE.match(text)) or _starts_with_marker(text, FOOTER_MARKERS)
