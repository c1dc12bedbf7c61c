"""Inference precision of the transformer tagger: how it is chosen, its errors, and that
bf16 (the default where the CPU has native bf16) finds what fp32 finds on a real article."""
from __future__ import annotations

import pytest

from conftest import DEFAULT_MODEL, REPO_ROOT
from zhie.pipeline import Pipeline
from zhie.schema import Document
from zhie.tagger import transformer
from zhie.tagger.transformer import resolve_precision

needs_model = pytest.mark.skipif(not (DEFAULT_MODEL / "meta.json").exists(), reason="no shipped model")


def test_precision_is_chosen_by_argument_then_environment_then_meta(monkeypatch):
    monkeypatch.delenv("ZHIE_PRECISION", raising=False)
    assert resolve_precision("int8", {"precision": "fp32"}) == "int8"
    assert resolve_precision(None, {"precision": "fp32"}) == "fp32"
    monkeypatch.setenv("ZHIE_PRECISION", "BF16")
    assert resolve_precision(None, {"precision": "fp32"}) == "bf16"
    assert resolve_precision("fp32", {}) == "fp32"


def test_auto_follows_the_cpu(monkeypatch):
    monkeypatch.delenv("ZHIE_PRECISION", raising=False)
    monkeypatch.setattr(transformer, "cpu_has_native_bf16", lambda: True)
    assert resolve_precision(None, {}) == "bf16"
    monkeypatch.setattr(transformer, "cpu_has_native_bf16", lambda: False)
    assert resolve_precision(None, {}) == "fp32"
    assert resolve_precision(None, {"quantize": True}) == "int8"   # older meta.json files


def test_an_unknown_precision_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("ZHIE_PRECISION", "fp8")
    with pytest.raises(ValueError, match="unknown precision 'fp8'.*auto, fp32, bf16, int8"):
        resolve_precision(None, {})


@needs_model
def test_bf16_finds_what_fp32_finds_on_the_sample_article():
    text = (REPO_ROOT / "samples" / "article.txt").read_text(encoding="utf-8")
    found = {}
    for precision in ("fp32", "bf16"):
        nlp = Pipeline.load(DEFAULT_MODEL, precision=precision)
        assert nlp.tagger.precision == precision
        found[precision] = {(e.label, e.start, e.end) for e in nlp(Document(text)).entities}
    a, b = found["fp32"], found["bf16"]
    assert len(a) >= 10
    assert len(a & b) / len(a | b) >= 0.9, sorted(a ^ b)
