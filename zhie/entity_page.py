"""An HTML page of extraction results in displaCy's entity style, made for Chinese text.

displaCy's own page is written for English: ``lang="en"``, a Latin font stack (every Chinese
character a box where no CJK font is installed), colours only for spaCy's English labels
(six of zhie's eight came out grey) and a ``<br>`` added per line break next to the kept
newline.  This page has ``lang="zh"``, a CJK font stack (Noto/Source Han, then the fonts
shipped by Windows and macOS; on Debian ``apt-get install fonts-noto-cjk``), a colour per
zhie label and the text kept as it is under ``white-space: pre-wrap``, so a line break is
shown once and a blank line as one blank line.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any, Iterable

from .schema import ENTITY_LABELS

COLOURS: dict[str, str] = {
    "ZONE": "#7aecec", "OFFICIAL": "#feca74", "COMPANY": "#bfe1d9", "AMOUNT": "#e4e7d2",
    "DATE": "#bfeeb7", "TITLE": "#c887fb", "ORG": "#aa9cfc", "PROJECT": "#ff9561",
}
UNKNOWN_COLOUR = "#ddd"
CJK_FONTS = ("'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', "
             "'Microsoft YaHei', 'PingFang SC', 'Hiragino Sans GB', sans-serif")

assert set(COLOURS) == set(ENTITY_LABELS), "every entity label needs a colour"

_STYLE = f"""body {{ font-size: 16px; font-family: {CJK_FONTS}; padding: 4rem 2rem; line-height: 2.5; }}
figure {{ margin: 0 0 6rem; }}
h2 {{ margin: 0; font-size: 1.2em; }}
.entities {{ white-space: pre-wrap; }}
mark.entity {{ padding: 0.45em 0.6em; margin: 0 0.25em; line-height: 1; border-radius: 0.35em; }}
mark.entity span {{ font-size: 0.8em; font-weight: bold; line-height: 1; border-radius: 0.35em;
                    vertical-align: middle; margin-left: 0.5rem; }}
.legend mark {{ margin-right: 0.5em; }}"""


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


def _spans(result: dict[str, Any], length: int) -> list[Span]:
    """The entities as non-overlapping spans inside the text, earliest (then longest) first."""
    out: list[Span] = []
    candidates = sorted(((e["start"], -e["end"], e["label"]) for e in result.get("entities", [])))
    for start, neg_end, label in candidates:
        end = -neg_end
        if 0 <= start < end <= length and (not out or start >= out[-1].end):
            out.append(Span(start, end, label))
    return out


def _mark(text: str, label: str) -> str:
    colour = COLOURS.get(label, UNKNOWN_COLOUR)
    return (f'<mark class="entity" data-label="{escape(label)}" style="background: {colour}">{escape(text)}'
            f'<span>{escape(label)}</span></mark>')


def render_document(text: str, result: dict[str, Any]) -> str:
    """One ``<figure>``: the title (the document id) and the text with its entities marked."""
    pieces, at = [], 0
    for span in _spans(result, len(text)):
        pieces.append(escape(text[at:span.start]))
        pieces.append(_mark(text[span.start:span.end], span.label))
        at = span.end
    pieces.append(escape(text[at:]))
    title = result.get("id")
    heading = f"<h2>{escape(str(title))}</h2>\n" if title is not None else ""
    return f'<figure>\n{heading}<div class="entities">{"".join(pieces)}</div>\n</figure>'


def render_page(items: Iterable[tuple[str, dict[str, Any]]], title: str = "zhie") -> str:
    """A whole page: a legend of the labels, then one figure per (text, result)."""
    legend = " ".join(f'<mark class="entity" style="background: {COLOURS[label]}">{label}</mark>'
                      for label in ENTITY_LABELS)
    body = "\n".join(render_document(text, result) for text, result in items)
    return (f'<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
            f"<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
            f'<p class="legend">{legend}</p>\n{body}\n</body>\n</html>\n')
