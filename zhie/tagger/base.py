"""The tagger interface: anything that turns short texts into labelled character spans.

The pipeline hands a tagger window texts (at most ``max_len`` characters each, already
cleaned) and gets back spans with offsets into those window texts.  The trained
transformer and the tiny lexicon model used in tests both implement it.
"""
from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence


# Inference precisions of the neural tagger (zhie/tagger/transformer.py).
PRECISIONS = ("auto", "fp32", "bf16", "int8", "int8-static")   # int8-static: ONNX Runtime only
# Runtimes of the neural tagger: torch, or ONNX Runtime on a graph exported from the same weights.
RUNTIMES = ("auto", "torch", "onnx", "torch-padded")   # torch-padded: 16 windows padded together (0.3.0)


@dataclass(frozen=True)
class TaggedSpan:
    label: str
    start: int
    end: int
    score: float = 1.0


class Tagger(ABC):
    """A component with build/fit/save/load steps kept outside: here only load + tag."""

    name: str = "tagger"
    version: str = "0"
    labels: tuple[str, ...] = ()
    max_len: int = 128
    meta: dict[str, Any]
    path: Path | None = None   # the model folder it was loaded from (set by load_tagger)
    precision: str | None = None   # numeric precision it runs at (None: not a neural tagger)
    runtime: str | None = None     # the engine it runs on ("torch", "onnx"; None: not a neural tagger)

    @abstractmethod
    def tag(self, texts: Sequence[str]) -> list[list[TaggedSpan]]:
        """Tag each text; spans are offsets into that text, non-overlapping, sorted."""

    @property
    def extra_heads(self) -> tuple[str, ...]:
        """Other span heads the pipeline reads besides the entities (``trigger``: learned event triggers)."""
        return ()

    def tag_heads(self, texts: Sequence[str], heads: tuple[str, ...]) -> dict[str, list[list[TaggedSpan]]]:
        """Spans of each head in ``heads`` ("domain": the entities); a tagger with one head has only "domain"."""
        unknown = [h for h in heads if h != "domain"]
        if unknown:
            raise ValueError(f"{type(self).__name__} has no head {unknown[0]!r}")
        return {"domain": self.tag(texts)}

    @classmethod
    @abstractmethod
    def load(cls, path: Path, meta: dict[str, Any], precision: str | None = None) -> "Tagger":
        """Load from a model folder whose meta.json is ``meta``, running at ``precision`` (None: default)."""


def read_meta(path: Path) -> dict[str, Any]:
    meta_file = Path(path) / "meta.json"
    if not meta_file.is_file():
        raise FileNotFoundError(f"{path} is not a zhie model folder (no meta.json)")
    return json.loads(meta_file.read_text(encoding="utf-8"))
