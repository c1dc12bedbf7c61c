"""The tagger saves what it loads (zhie/tagger/transformer.py owns both): a folder written by the
trainer's ``save_model``, loaded and saved again by ``TransformerTagger.save``, has the same bytes,
and the saved tagger gives the same numbers."""
from __future__ import annotations

import numpy as np

from test_precision import _tiny_transformer
from zhie.tagger import read_meta
from zhie.tagger.transformer import TransformerTagger

FILES = ("model.safetensors", "config.json", "chars.json", "meta.json")


def test_a_loaded_tagger_saves_the_same_files(tmp_path):
    folder = _tiny_transformer(tmp_path / "m", seed=3)
    tagger = TransformerTagger.load(folder, read_meta(folder), precision="fp32", runtime="torch", warm_up=False)
    again = tagger.save(tmp_path / "again")
    for name in FILES:
        assert (again / name).read_bytes() == (folder / name).read_bytes(), name
    reloaded = TransformerTagger.load(again, read_meta(again), precision="fp32", runtime="torch", warm_up=False)
    texts = ["晋中开发区管委会副主任田磊调研", "约15亿元"]
    for a, b in zip(tagger.probabilities(texts), reloaded.probabilities(texts)):
        assert np.array_equal(a, b)


def test_save_writes_the_meta_it_is_given(tmp_path):
    folder = _tiny_transformer(tmp_path / "m")
    tagger = TransformerTagger.load(folder, read_meta(folder), precision="fp32", runtime="torch", warm_up=False)
    meta = dict(tagger.meta, version="0.0.2")
    out = tagger.save(tmp_path / "v2", meta)
    assert read_meta(out)["version"] == "0.0.2" and read_meta(folder)["version"] == "0.0.1"
