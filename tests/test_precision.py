"""Inference precision and runtime of the transformer tagger: how they are chosen, their errors,
that bf16 finds what fp32 finds on a real article, and that the ONNX Runtime graph is exported once
into the cache, agrees with torch and gives a window the same numbers whatever the thread count."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import DEFAULT_MODEL, REPO_ROOT
from zhie.pipeline import Pipeline
from zhie.schema import Document
from zhie.settings import ZhieSettings
from zhie.tagger import transformer
from zhie.tagger.transformer import resolve_precision as _resolve_precision

def resolve_precision(requested, meta, runtime=None):
    """As the entry points choose: the arguments, else the environment's settings (zhie/settings.py)."""
    options = ZhieSettings().tagger_options(requested, runtime)
    return _resolve_precision(options.get("precision"), meta, options.get("runtime"))


def resolve_runtime(requested, meta, precision):
    return _resolve_runtime(ZhieSettings().tagger_options(runtime=requested).get("runtime"), meta, precision)


needs_model = pytest.mark.skipif(not (DEFAULT_MODEL / "meta.json").exists(), reason="no shipped model")


def test_precision_is_chosen_by_argument_then_environment_then_meta(monkeypatch):
    monkeypatch.delenv("ZHIE_PRECISION", raising=False)
    assert resolve_precision("int8", {"precision": "fp32"}) == "int8"
    assert resolve_precision(None, {"precision": "fp32"}) == "fp32"
    monkeypatch.setenv("ZHIE_PRECISION", "BF16")
    assert resolve_precision(None, {"precision": "fp32"}) == "bf16"
    assert resolve_precision("fp32", {}) == "fp32"


def test_auto_is_fp32_on_onnx_and_follows_the_cpu_on_torch(monkeypatch):
    monkeypatch.delenv("ZHIE_PRECISION", raising=False)
    monkeypatch.delenv("ZHIE_RUNTIME", raising=False)
    monkeypatch.setattr(transformer, "cpu_has_native_bf16", lambda: True)
    assert resolve_precision(None, {}) == "fp32"                   # the default runtime is onnx
    assert resolve_precision(None, {}, "torch") == "bf16"
    monkeypatch.setenv("ZHIE_RUNTIME", "torch")
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


# --- runtimes: torch or ONNX Runtime (zhie/tagger/export.py, onnx_runtime.py) ---

from zhie.tagger.transformer import DEFAULT_RUNTIME  # noqa: E402
from zhie.tagger.transformer import resolve_runtime as _resolve_runtime  # noqa: E402


def test_runtime_is_chosen_by_argument_then_environment_then_meta(monkeypatch):
    monkeypatch.delenv("ZHIE_RUNTIME", raising=False)
    assert resolve_runtime("torch", {"runtime": "onnx"}, "fp32") == "torch"
    assert resolve_runtime(None, {"runtime": "torch"}, "fp32") == "torch"
    monkeypatch.setenv("ZHIE_RUNTIME", "ONNX")
    assert resolve_runtime(None, {"runtime": "torch"}, "int8") == "onnx"
    monkeypatch.delenv("ZHIE_RUNTIME")
    for precision, runtime in DEFAULT_RUNTIME.items():
        assert resolve_runtime(None, {}, precision) == runtime


def test_an_unknown_runtime_or_bf16_on_onnx_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("ZHIE_RUNTIME", raising=False)
    with pytest.raises(ValueError, match="unknown runtime 'tensorrt'.*auto, torch, onnx"):
        resolve_runtime("tensorrt", {}, "fp32")
    with pytest.raises(ValueError, match="bf16 runs on the torch runtime only"):
        resolve_runtime("onnx", {}, "bf16")


def _tiny_transformer(folder, seed: int = 0):
    """A one-layer, 32-wide transformer folder with random weights (written by the trainer's save)."""
    import torch
    from transformers import XLMRobertaConfig

    from training.trainer import HEAD_LABELS, TrainState, save_model
    from zhie.tagger.bio import TagSet
    from zhie.tagger.charvocab import CharVocab
    from zhie.tagger.network import CharTaggerNet

    torch.manual_seed(seed)
    chars = sorted(set("晋中开发区管委会副主任田磊调研山西华晟新材料有限公司签约亿元"))
    vocab = CharVocab(ids={c: 5 + i for i, c in enumerate(chars)}, unk_id=3, pad_id=1, cls_id=0, sep_id=2, space_id=4)
    config = XLMRobertaConfig(vocab_size=5 + len(chars), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                              intermediate_size=64, max_position_embeddings=300, pad_token_id=1)
    net = CharTaggerNet(config, {h: len(TagSet(l)) for h, l in HEAD_LABELS.items() if h != "trigger"})
    return save_model(TrainState(net, vocab, config), folder, {"name": "tiny", "version": "0.0.1",
                                                               "tagger": "transformer", "max_len": 64, "metrics": {}})


def test_the_onnx_graph_is_exported_once_into_the_cache_and_matches_torch(tmp_path, monkeypatch):
    from zhie.tagger import read_meta
    from zhie.tagger.export import onnx_path
    from zhie.tagger.transformer import TransformerTagger

    monkeypatch.setenv("ZHIE_CACHE", str(tmp_path / "cache"))
    folder = _tiny_transformer(tmp_path / "m")
    meta = read_meta(folder)
    texts = ["晋中开发区管委会副主任田磊调研", "山西华晟新材料有限公司签约", "约15亿元", ""]
    cache = ZhieSettings().cache_root
    on_torch = TransformerTagger.load(folder, meta, precision="fp32", runtime="torch", cache=cache)
    on_onnx = TransformerTagger.load(folder, meta, precision="fp32", runtime="onnx", cache=cache)
    assert (on_torch.runtime, on_onnx.runtime) == ("torch", "onnx")
    graph = onnx_path(folder, tuple(meta["heads"]), "fp32", cache)
    assert graph.is_file() and graph.parent.parent == tmp_path / "cache" / "onnx"
    for head in meta["heads"]:
        for a, b in zip(on_torch.probabilities(texts, head), on_onnx.probabilities(texts, head)):
            assert a.shape == b.shape
            assert a.size == 0 or abs(a - b).max() < 1e-4
    stamp = graph.stat().st_mtime_ns
    TransformerTagger.load(folder, meta, precision="fp32", runtime="onnx", cache=cache)
    assert graph.stat().st_mtime_ns == stamp          # reused, not exported again
    other = _tiny_transformer(tmp_path / "m2", seed=1)  # other weights: another graph
    assert onnx_path(other, tuple(meta["heads"]), "fp32", cache) != graph
    with pytest.raises(ValueError, match="no head 'nope'"):
        on_onnx.probabilities(texts, "nope")


def test_onnx_windows_do_not_depend_on_the_number_of_threads(tmp_path, monkeypatch):
    from zhie.tagger import read_meta
    from zhie.tagger.onnx_runtime import OnnxEngine
    from zhie.tagger.transformer import TransformerTagger

    monkeypatch.setenv("ZHIE_CACHE", str(tmp_path / "cache"))
    folder = _tiny_transformer(tmp_path / "m")
    tagger = TransformerTagger.load(folder, read_meta(folder), precision="int8", runtime="onnx",
                                    cache=ZhieSettings().cache_root)
    texts = ["晋中开发区管委会副主任田磊调研" * k for k in (1, 2, 4)] + ["签约"]
    encoded = [tagger.encode(t) for t in texts]
    one = OnnxEngine(tagger.engine.model_file, tagger.engine.heads, threads=1).run(encoded, ("domain",))
    two = OnnxEngine(tagger.engine.model_file, tagger.engine.heads, threads=2).run(encoded[::-1], ("domain",))
    for a, b in zip(one["domain"], two["domain"][::-1]):
        assert np.array_equal(a, b)


@needs_model
def test_onnx_finds_what_torch_finds_on_the_sample_article():
    text = (REPO_ROOT / "samples" / "article.txt").read_text(encoding="utf-8")
    found = {}
    for runtime, precision in (("torch", "fp32"), ("onnx", "fp32"), ("onnx", "int8")):
        nlp = Pipeline.load(DEFAULT_MODEL, precision=precision, runtime=runtime)
        assert (nlp.tagger.runtime, nlp.tagger.precision) == (runtime, precision)
        found[runtime, precision] = {(e.label, e.start, e.end) for e in nlp(Document(text)).entities}
    reference = found["torch", "fp32"]
    assert len(reference) >= 10
    assert found["onnx", "fp32"] == reference
    a, b = reference, found["onnx", "int8"]
    assert len(a & b) / len(a | b) >= 0.9, sorted(a ^ b)
