"""The development-zone articles of iNews as a text file for standoff gold (news-wire style reports).

iNews (``../shared/data/inews/``, MIT licence; SOURCE.md there) is raw Chinese news in
``{"title", "content", "label"}`` rows without ids.  ``zone_articles`` picks, from every split, the
articles about zones and investment a user of zhie would send (a zone word and two investment or visit
words, 200-2,000 characters) and gives each an id from its place in the corpus
(``inews-<split>-<line>``, 0-based; an article printed again later in the corpus, word for word, is
taken once, at its first place) and a text of the title, a line break and the content, whose runs
of two or more spaces (the corpus's paragraph breaks) become line breaks.  The gold of these articles
(``annotations/inews/``) holds offsets into exactly this text and the SHA-1 of it, so
``python -m training inews-texts ../shared/data/inews OUT.jsonl`` rebuilds the ``--texts`` file
its readers need; the text itself never enters the repository.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

SPLITS = ("train", "dev", "test")
ZONE = re.compile(r"开发区|高新区|园区|保税区|新区|自贸|管委会|产业园|工业园|经开区")
TOPIC = re.compile(r"签约|签署|投资|调研|考察|招商|项目|会议|召开|视察|座谈")
PARAGRAPH_BREAK = re.compile(r"[ \u3000\u00a0]{2,}")
MIN_CHARS, MAX_CHARS = 200, 2000


def article_text(row: dict) -> str:
    """Title, a line break, and the content with its paragraph breaks as line breaks."""
    content = PARAGRAPH_BREAK.sub("\n", (row.get("content") or "").strip())
    return "\n".join(x for x in ((row.get("title") or "").strip(), content) if x)


def is_zone_article(text: str) -> bool:
    return (MIN_CHARS <= len(text) <= MAX_CHARS and ZONE.search(text) is not None
            and len(TOPIC.findall(text)) >= 2)


def zone_articles(folder: Path) -> Iterator[dict]:
    """``{"id", "text", "meta"}`` of every zone article of the iNews splits found in ``folder``."""
    folder = Path(folder)
    found = [s for s in SPLITS if (folder / f"{s}.jsonl").is_file()]
    if not found:
        raise FileNotFoundError(f"{folder}: no iNews train.jsonl / dev.jsonl / test.jsonl")
    seen: set[str] = set()
    for split in found:
        with open(folder / f"{split}.jsonl", encoding="utf-8") as f:
            for n, line in enumerate(f):
                if not line.strip():
                    continue
                text = article_text(json.loads(line))
                if is_zone_article(text) and text not in seen:
                    seen.add(text)
                    yield {"id": f"inews-{split}-{n}", "text": text, "meta": {"corpus": "inews", "split": split, "line": n}}


def write_texts(folder: Path, out: Path) -> int:
    """Write the zone articles as JSON Lines of ``{"id", "text", "meta"}``; the number written."""
    from .examples import write_jsonl
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_jsonl(out, zone_articles(folder))
