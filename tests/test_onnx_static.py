"""Static int8 on ONNX Runtime (precision ``int8-static``: zhie/tagger/export.py, calibration.py):
the calibration windows are the pipeline's windows of the training texts, fixed and in file order;
the graph's cache file depends on them; the graph really has fixed activation scales, is the same
file when rebuilt from the same windows, and gives probabilities close to the fp32 graph's; a
precision the onnx runtime does not run is a clear error.  Also: the exported graphs keep Add +
LayerNormalization unfused (export.py FORMAT 2).

The tiny random model keeps these fast; the shipped model's check runs with ZHIE_SLOW=1 (its
calibration pass alone takes ~16 s on two cores)."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from conftest import DEFAULT_MODEL, REPO_ROOT
from test_precision import _tiny_transformer
from zhie.tagger import read_meta
from zhie.tagger.calibration import DEFAULT_CALIBRATION_FILE, WindowReader, calibration_set, window_texts
from zhie.tagger.charvocab import CharVocab
from zhie.tagger.export import ensure_onnx, onnx_path, quantize_int8_static, static_key
from zhie.tagger.transformer import TransformerTagger, build_network, resolve_precision, resolve_runtime

SENTENCES = ["晋中开发区管委会副主任田磊一行到山西华晟新材料有限公司调研。",
             "双方现场签约，项目总投资约15亿元。",
             "管委会主任表示，开发区将全力做好要素保障。",
             "签约"]


def _write_texts(path, texts):
    path.write_text("".join(json.dumps({"id": f"t{i}", "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny model folder with its fp32 and int8-static graphs in a cache of its own."""
    root = tmp_path_factory.mktemp("static")
    folder = _tiny_transformer(root / "m")
    meta = read_meta(folder)
    cache = root / "cache"
    fp32 = TransformerTagger.load(folder, meta, precision="fp32", runtime="onnx", cache=cache)
    static = TransformerTagger.load(folder, meta, precision="int8-static", runtime="onnx", cache=cache)
    return folder, meta, cache, fp32, static


def test_calibration_windows_are_the_pipelines_windows_of_the_training_texts_in_file_order():
    vocab = CharVocab.load(DEFAULT_MODEL / "chars.json")
    calib = calibration_set(vocab, 128, max_windows=30)
    texts = [json.loads(l)["text"] for l in DEFAULT_CALIBRATION_FILE.read_text(encoding="utf-8").splitlines() if l.strip()]
    pieces = window_texts(texts, 128)[:30]
    assert len(calib.windows) == 30 and all(0 < len(p) <= 128 for p in pieces)
    assert [list(w) for w in calib.windows] == [[vocab.cls_id] + vocab.encode(p) + [vocab.sep_id] for p in pieces]
    assert calibration_set(vocab, 128, max_windows=30).digest == calib.digest     # fixed windows, fixed order
    assert calibration_set(vocab, 128, max_windows=31).digest != calib.digest
    first = WindowReader(calib).get_next()["input_ids"]
    assert first.shape == (1, len(calib.windows[0])) and first.dtype == np.int64


def test_the_static_graph_is_a_cache_file_named_for_its_calibration(tiny, tmp_path):
    folder, meta, cache, _, static = tiny
    heads = tuple(meta["heads"])
    vocab = CharVocab.load(folder / "chars.json")
    default = calibration_set(vocab, meta["max_len"])
    assert static.engine.model_file == onnx_path(folder, heads, "int8-static", cache, default)
    assert static.engine.model_file.is_file()
    other = calibration_set(vocab, meta["max_len"], _write_texts(tmp_path / "other.jsonl", SENTENCES))
    assert static_key(other) != static_key(default)
    built = ensure_onnx(folder, heads, "int8-static", lambda: build_network(folder, meta["heads"]), cache, other)
    assert built == onnx_path(folder, heads, "int8-static", cache, other) != static.engine.model_file
    assert built.is_file()
    with pytest.raises(ValueError, match="calibration set"):
        onnx_path(folder, heads, "int8-static", cache)


def test_the_static_graph_has_fixed_activation_scales_and_is_rebuilt_identically(tiny, tmp_path):
    import onnx
    folder, meta, cache, fp32, static = tiny
    ops = {n.op_type for n in onnx.load(str(static.engine.model_file)).graph.node}
    assert "QLinearMatMul" in ops and "DynamicQuantizeLinear" not in ops
    calib = calibration_set(CharVocab.load(folder / "chars.json"), meta["max_len"])
    again = quantize_int8_static(fp32.engine.model_file, tmp_path / "again.onnx", calib)
    assert again.read_bytes() == static.engine.model_file.read_bytes()


def test_the_exported_graphs_keep_add_and_layer_norm_unfused(tiny):
    """SkipLayerNormalization is slower than what it fuses on ONNX Runtime's CPU kernels (export.py)."""
    import onnx
    _, _, _, fp32, static = tiny
    for tagger in (fp32, static):
        ops = {n.op_type for n in onnx.load(str(tagger.engine.model_file)).graph.node}
        assert "LayerNormalization" in ops and "SkipLayerNormalization" not in ops


def test_int8_static_gives_what_fp32_gives_on_real_sentences(tiny):
    _, meta, _, fp32, static = tiny
    assert (static.runtime, static.precision) == ("onnx", "int8-static")
    for head in meta["heads"]:
        for a, b, text in zip(fp32.probabilities(SENTENCES, head), static.probabilities(SENTENCES, head), SENTENCES):
            assert a.shape == b.shape == (len(text), a.shape[1])
            assert np.allclose(b.sum(axis=1), 1, atol=1e-4)
            assert abs(a - b).max() < 0.05, (head, text, abs(a - b).max())


def test_a_precision_or_runtime_static_int8_does_not_run_on_is_a_clear_error(tiny):
    folder, meta, cache, _, _ = tiny
    with pytest.raises(ValueError, match="onnx runtime runs at fp32, int8, int8-static, not 'int4'"):
        ensure_onnx(folder, tuple(meta["heads"]), "int4", lambda: None, cache)
    with pytest.raises(ValueError, match="unknown precision 'int4'.*int8-static"):
        resolve_precision("int4", {})
    with pytest.raises(ValueError, match="int8-static .* runs on the onnx runtime only"):
        resolve_runtime("torch", {}, "int8-static")
    assert resolve_runtime(None, {}, "int8-static") == "onnx"


def test_a_missing_calibration_file_is_a_clear_error(tmp_path):
    vocab = CharVocab.load(DEFAULT_MODEL / "chars.json")
    with pytest.raises(FileNotFoundError, match="no calibration file .*nope.jsonl"):
        calibration_set(vocab, 128, tmp_path / "nope.jsonl")
    with pytest.raises(ValueError, match="no calibration windows"):
        calibration_set(vocab, 128, _write_texts(tmp_path / "empty.jsonl", ["", "  "]))


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("ZHIE_SLOW") != "1", reason="slow: set ZHIE_SLOW=1 to run")
@pytest.mark.skipif(not (DEFAULT_MODEL / "meta.json").exists(), reason="no shipped model")
def test_int8_static_finds_what_fp32_finds_with_the_shipped_model():
    from zhie.pipeline import Pipeline
    from zhie.schema import Document
    text = (REPO_ROOT / "samples" / "article.txt").read_text(encoding="utf-8")
    found = {}
    for precision in ("fp32", "int8-static"):
        nlp = Pipeline.load(DEFAULT_MODEL, precision=precision, runtime="onnx")
        assert nlp.tagger.precision == precision
        found[precision] = {(e.label, e.start, e.end) for e in nlp(Document(text)).entities}
        probs = nlp.tagger.probabilities(SENTENCES)
        found[precision, "labels"] = [p.argmax(axis=1).tolist() for p in probs]
    a, b = found["fp32"], found["int8-static"]
    assert len(a) >= 10
    assert len(a & b) / len(a | b) >= 0.9, sorted(a ^ b)
    same = sum(x == y for p, q in zip(found["fp32", "labels"], found["int8-static", "labels"]) for x, y in zip(p, q))
    assert same / sum(len(s) for s in SENTENCES) >= 0.95
