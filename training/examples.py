"""Training examples: a text, its labelled spans and where it came from.

``Example`` is the one example type of training; its JSON form (``to_dict``/``from_dict``:
``{"text", "entities": [{"label", "start", "end", "text"}], "source", "head"?}``) is what the
synthetic-data code (augment.py) reads and writes, and what ``python -m training.augment`` stores.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator


@dataclass
class Example:
    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)  # (label, start, end) end-exclusive
    source: str = ""
    head: str = "domain"
    labelled: bool = True   # False: raw text whose tags are unknown (the distillation term alone)

    def to_dict(self) -> dict:
        """The JSON form; ``head`` only when it is not the entity head."""
        out = {"text": self.text,
               "entities": [{"label": l, "start": s, "end": e, "text": self.text[s:e]} for l, s, e in self.spans],
               "source": self.source}
        if self.head != "domain":
            out["head"] = self.head
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "Example":
        return cls(text=d["text"], spans=[(e["label"], e["start"], e["end"]) for e in d.get("entities", [])],
                   source=d.get("source", ""), head=d.get("head", "domain"))


def write_jsonl(path: Path, rows: Iterable[dict]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def sample(items: list, n: int | None, rng: random.Random) -> list:
    if n is None or n >= len(items):
        return list(items)
    return rng.sample(items, n)
