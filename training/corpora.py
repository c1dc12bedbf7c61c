"""Readers for the public NER corpora, kept with their own label sets (auxiliary heads).

- CLUENER2020: JSON lines ``{"text", "label": {type: {surface: [[start, end_inclusive]]}}}``.
- MSRA NER: ``char<TAB>BIO-tag`` lines, blank line between sentences; long sentences are
  cut at punctuation so that no example exceeds the model window.
"""
from __future__ import annotations

import json
from pathlib import Path

from .examples import Example

CLUENER_LABELS = ("address", "book", "company", "game", "government", "movie", "name",
                  "organization", "position", "scene")
MSRA_LABELS = ("PER", "LOC", "ORG")
_CUT = set("。！？；，,;!?")


def read_cluener(path: Path) -> list[Example]:
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            if not line.strip():
                continue
            d = json.loads(line)
            spans = []
            for label, surfaces in (d.get("label") or {}).items():
                for positions in surfaces.values():
                    spans += [(label, s, e + 1) for s, e in positions]
            out.append(Example(d["text"], sorted(spans, key=lambda x: x[1]), f"cluener:{Path(path).name}#{n}",
                               head="cluener"))
    return out


def _bio_spans(tags: list[str]) -> list[tuple[str, int, int]]:
    spans, start, label = [], None, None
    for i, tag in enumerate(tags + ["O"]):
        if tag.startswith("B-") or tag == "O" or (tag.startswith("I-") and tag[2:] != label):
            if start is not None:
                spans.append((label, start, i))
                start, label = None, None
            if tag.startswith(("B-", "I-")):
                start, label = i, tag[2:]
    return spans


def _cut(chars: list[str], tags: list[str], max_len: int) -> list[tuple[int, int]]:
    """Cut a long sentence at punctuation (never inside an entity) into pieces <= max_len."""
    pieces, start = [], 0
    while len(chars) - start > max_len:
        cut = None
        for i in range(start + max_len - 1, start, -1):
            if chars[i - 1] in _CUT and not tags[i].startswith("I-"):
                cut = i
                break
        if cut is None:
            cut = start + max_len
            while cut > start + 1 and tags[cut].startswith("I-"):
                cut -= 1
        pieces.append((start, cut))
        start = cut
    pieces.append((start, len(chars)))
    return pieces


def read_msra(path: Path, max_len: int = 126) -> list[Example]:
    out: list[Example] = []
    chars: list[str] = []
    tags: list[str] = []
    sent = 0

    def flush() -> None:
        nonlocal chars, tags, sent
        if chars:
            for a, b in _cut(chars, tags, max_len):
                spans = _bio_spans(tags[a:b])   # already relative to the piece
                out.append(Example("".join(chars[a:b]), spans, f"msra:{Path(path).name}#{sent}", head="msra"))
            sent += 1
        chars, tags = [], []

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                flush()
                continue
            parts = line.split("\t") if "\t" in line else line.split()
            if len(parts) < 2:
                continue
            chars.append(parts[0][:1])
            tag = parts[-1]
            tags.append(tag.replace("M-", "I-").replace("E-", "I-").replace("S-", "B-"))
    flush()
    return out
