"""The calibration windows of static int8 quantisation (export.py, precision ``int8-static``).

Static quantisation fixes every activation's int8 scale once, from the ranges the fp32 graph shows
on sample inputs.  The samples here are the texts of the project's own training annotations
(``annotations/train.jsonl``, the in-domain news the model was trained on; never an evaluation
split), cut into windows exactly as the pipeline cuts documents (clean → sentences → windows of the
model's ``max_len``) and encoded with the model folder's vocabulary.  The windows are taken in file
order, so the same file and vocabulary always give the same windows, the same scales and the same
graph; their digest is part of the cached graph's file name (export.py), so other calibration text
never reuses a stale graph.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from ..text import clean_text, plan_windows, split_sentences
from .charvocab import CharVocab

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_CALIBRATION_FILE = REPO_ROOT / "annotations" / "train.jsonl"
DEFAULT_MAX_WINDOWS = 200   # enough for stable min/max ranges; the calibration pass runs the fp32 graph on each


@dataclass(frozen=True)
class CalibrationSet:
    """Encoded windows (each with CLS and SEP) in a fixed order, and where they came from."""

    windows: tuple[tuple[int, ...], ...]
    source: str

    @property
    def digest(self) -> str:
        """SHA-256 (first 12 hex digits) of the encoded windows, in order."""
        h = hashlib.sha256()
        for w in self.windows:
            h.update(np.asarray(w, dtype=np.int64).tobytes())
            h.update(b"|")
        return h.hexdigest()[:12]


def read_texts(path: Path) -> list[str]:
    """The ``text`` field of each line of a JSON Lines annotation file, in file order."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no calibration file {path}: static int8 needs in-domain texts "
                                f"(annotations/train.jsonl of the zhie repository)")
    texts = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        text = json.loads(line).get("text")
        if not isinstance(text, str):
            raise ValueError(f"{path}:{n} has no text (static int8 calibrates on the texts themselves)")
        texts.append(text)
    return texts


def window_texts(texts: Sequence[str], max_len: int) -> list[str]:
    """The window texts the pipeline would tag for ``texts`` (zhie/pipeline.py ``_prepare``)."""
    out = []
    for text in texts:
        clean = clean_text(text)
        windows = plan_windows(split_sentences(clean.text), len(clean.text), max_len, max_len // 4)
        out.extend(clean.text[w.start:w.end] for w in windows if w.end > w.start)
    return out


def calibration_set(vocab: CharVocab, max_len: int = 128, path: Path | None = None,
                    max_windows: int = DEFAULT_MAX_WINDOWS) -> CalibrationSet:
    """The first ``max_windows`` windows of the texts of ``path`` (default annotations/train.jsonl)."""
    path = Path(path) if path is not None else DEFAULT_CALIBRATION_FILE
    pieces = window_texts(read_texts(path), max_len)[:max_windows]
    if not pieces:
        raise ValueError(f"{path} gives no calibration windows")
    encoded = tuple(tuple([vocab.cls_id] + vocab.encode(p) + [vocab.sep_id]) for p in pieces)
    return CalibrationSet(encoded, str(path))


class WindowReader:
    """ONNX Runtime's CalibrationDataReader over a CalibrationSet: one (1, length) input per window."""

    def __init__(self, calib: CalibrationSet, input_name: str = "input_ids") -> None:
        self.calib = calib
        self.input_name = input_name
        self._it: Iterator[tuple[int, ...]] = iter(calib.windows)

    def get_next(self) -> dict[str, np.ndarray] | None:
        w = next(self._it, None)
        return None if w is None else {self.input_name: np.asarray(w, dtype=np.int64)[None, :]}

    def rewind(self) -> None:
        self._it = iter(self.calib.windows)

    def __iter__(self) -> "WindowReader":
        return self

    def __next__(self) -> dict[str, np.ndarray]:
        item = self.get_next()
        if item is None:
            raise StopIteration
        return item
