"""A document's output does not depend on what it is processed with (issue 16).

The same document gives the same entities, events and scores alone, inside a batch with other
documents of different lengths (``Pipeline.pipe``), through ``zhie extract`` and through
``zhie batch`` with two one-thread workers — on the repository's own texts: the samples, the dev
split and the train split.  At the tagger's depth: a window's probabilities are bit-identical
alone and among other windows, on both runtimes.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import numpy as np
import pytest

from conftest import DEFAULT_MODEL, REPO_ROOT
from zhie.pipeline import Pipeline
from zhie.schema import Document

needs_model = pytest.mark.skipif(not (DEFAULT_MODEL / "meta.json").exists(), reason="no shipped model")
ZHIE = [sys.executable, "-m", "zhie.cli"]


def repo_documents() -> list[Document]:
    """The samples, the dev and the train texts (never ../shared)."""
    docs = [Document((REPO_ROOT / "samples" / "article.txt").read_text(encoding="utf-8"), id="article")]
    for name in ("samples/articles.jsonl", "annotations/dev.jsonl", "annotations/train.jsonl"):
        for k, line in enumerate((REPO_ROOT / name).read_text(encoding="utf-8").splitlines()):
            if line.strip():
                d = json.loads(line)
                docs.append(Document(d["text"], id=f"{name}:{d.get('id', k)}", meta=d.get("meta") or {}))
    return docs


def windows_of(nlp: Pipeline, docs: list[Document]) -> list[str]:
    out = []
    for d in docs:
        p = nlp._prepare(d)
        out += [p.clean.text[w.start:w.end] for w in p.windows]
    return out


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    docs = repo_documents()
    assert len(docs) >= 90 and len({len(d.text) for d in docs}) > 50   # many different lengths
    return docs


@needs_model
@pytest.mark.parametrize("runtime,precision", [("onnx", "fp32"), ("torch", "bf16")])
def test_a_window_gets_the_same_probabilities_alone_and_among_others(documents, runtime, precision):
    nlp = Pipeline.load(DEFAULT_MODEL, runtime=runtime, precision=precision)
    windows = windows_of(nlp, documents[:12])
    mixed = windows[:]
    random.Random(7).shuffle(mixed)
    together = nlp.tagger.probabilities(mixed)
    for text, probs in zip(mixed[:40], together[:40]):
        alone = nlp.tagger.probabilities([text])[0]
        assert alone.shape == (len(text), len(nlp.tagger.tagsets["domain"].tags))
        assert np.array_equal(alone, probs), text


@needs_model
def test_every_repo_document_gives_the_same_result_alone_and_in_a_batch(documents, default_pipeline):
    nlp = default_pipeline
    alone = {d.id: nlp(d).to_dict() for d in documents}
    shuffled = documents[:]
    random.Random(3).shuffle(shuffled)   # neighbours of other lengths in each batch of 8
    batched = {r.id: r.to_dict() for r in nlp.pipe(shuffled, batch_docs=8)}
    assert sum(len(r["entities"]) for r in alone.values()) > 500
    different = [i for i in alone if alone[i] != batched[i]]
    assert not different, different[:5]


@needs_model
def test_zhie_extract_and_zhie_batch_write_the_same_lines(documents, tmp_path):
    picked = documents[:1] + documents[4:40:3]   # the long sample article and dev/train texts
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": d.id, "text": d.text, "meta": d.meta}, ensure_ascii=False) + "\n"
                           for d in picked), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    env.pop("ZHIE_BATCH_FAULT", None)

    def run(args: list[str]) -> None:
        proc = subprocess.run(ZHIE + args, capture_output=True, text=True, env=env, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]

    run(["extract", str(src), "-o", str(tmp_path / "extract.jsonl"), "--model", str(DEFAULT_MODEL)])
    run(["batch", str(src), "-o", str(tmp_path / "batch"), "--model", str(DEFAULT_MODEL), "--workers", "2",
         "--shard-size", "5", "-q"])
    one = tmp_path / "one.jsonl"
    one.write_text(src.read_text(encoding="utf-8").splitlines()[3] + "\n", encoding="utf-8")
    run(["extract", str(one), "-o", str(tmp_path / "one-out.jsonl"), "--model", str(DEFAULT_MODEL)])

    extract = (tmp_path / "extract.jsonl").read_text(encoding="utf-8").splitlines()
    batch = [line for p in sorted((tmp_path / "batch").glob("part-*.jsonl"))
             for line in p.read_text(encoding="utf-8").splitlines()]
    assert len(extract) == len(picked) and any(json.loads(l)["entities"] for l in extract)
    assert [json.loads(l) for l in batch] == [json.loads(l) for l in extract]
    assert json.loads((tmp_path / "one-out.jsonl").read_text(encoding="utf-8")) == json.loads(extract[3])
