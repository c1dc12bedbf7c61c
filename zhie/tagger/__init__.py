"""Tagger room: the interface, the neural tagger, the tiny lexicon tagger, BIO decoding."""
from __future__ import annotations

from pathlib import Path

from ..registry import taggers
from .base import TaggedSpan, Tagger, read_meta
from .lexicon import LexiconTagger


def model_precision(meta: dict, requested: str | None = None) -> str | None:
    """The precision a model runs at here (argument — the entry points pass --precision, else $ZHIE_PRECISION —, meta.json, auto), or None for a
    tagger without numeric precision; ValueError for an unknown precision."""
    if meta.get("tagger", "transformer") != "transformer":
        return None
    from .transformer import resolve_precision
    return resolve_precision(requested, meta)


def model_runtime(meta: dict, precision: str | None = None, requested: str | None = None) -> str | None:
    """The runtime a model runs on here (argument — --runtime, else $ZHIE_RUNTIME —, meta.json, auto: "torch" or "onnx"),
    or None for a tagger without one; ValueError for an unknown runtime or precision."""
    if meta.get("tagger", "transformer") != "transformer":
        return None
    from .transformer import resolve_precision, resolve_runtime
    return resolve_runtime(requested, meta, resolve_precision(precision, meta, requested))


def load_tagger(path: str | Path, **options) -> Tagger:
    """Build the tagger a model folder's meta.json names (``"tagger": "transformer"`` by default)."""
    path = Path(path)
    meta = read_meta(path)
    kind = meta.get("tagger", "transformer")
    if kind == "transformer":
        from . import transformer  # noqa: F401  (registers; imports torch only when needed)
    tagger = taggers.get(kind).load(path, meta, **options)
    tagger.path = path
    return tagger


__all__ = ["TaggedSpan", "Tagger", "LexiconTagger", "load_tagger", "model_precision", "model_runtime", "read_meta"]
