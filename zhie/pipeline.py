"""The document pipeline: clean → sentences → windows → tag → span rules → original
offsets → normalise → link → Extraction.

A pipeline is built from a model folder (``meta.json`` names the tagger), loaded once
and applied to many documents; ``pipe`` batches windows across documents.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .linking import Linker, LinkInput, Mention
from .normalize import normalize_amount, normalize_date, written_as_plan
from .schema import Document, Entity, Extraction, ModelInfo
from .tagger import Tagger, load_tagger
from .tagger.filters import apply_filters
from .text import CleanText, clean_text, owns, plan_windows, split_sentences

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_NAME = "zhie-ner-small"


def default_model_path() -> Path:
    """$ZHIE_MODEL, else the model shipped in the repository's models/ folder."""
    env = os.environ.get("ZHIE_MODEL")
    return Path(env) if env else REPO_ROOT / "models" / DEFAULT_MODEL_NAME


@dataclass
class _Prepared:
    doc: Document
    clean: CleanText
    sentences: list[tuple[int, int]]
    windows: list


class Pipeline:
    def __init__(self, tagger: Tagger, linker: Linker | None = None, window_batch: int = 64) -> None:
        self.tagger = tagger
        self.linker = linker if linker is not None else Linker()
        self.window_batch = window_batch
        self.model = ModelInfo(tagger.name, tagger.version)

    @classmethod
    def load(cls, path: str | Path | None = None, **tagger_options) -> "Pipeline":
        path = Path(path) if path is not None else default_model_path()
        return cls(load_tagger(path, **tagger_options))

    @property
    def meta(self) -> dict:
        return getattr(self.tagger, "meta", {})

    def __call__(self, doc: Document | str) -> Extraction:
        if isinstance(doc, str):
            doc = Document(text=doc)
        return next(iter(self.pipe([doc])))

    def _prepare(self, doc: Document) -> _Prepared:
        clean = clean_text(doc.text)
        sentences = split_sentences(clean.text)
        max_len = self.tagger.max_len
        windows = plan_windows(sentences, len(clean.text), max_len, max_len // 4)
        return _Prepared(doc, clean, sentences, windows)

    def pipe(self, docs: Iterable[Document], batch_docs: int = 8) -> Iterator[Extraction]:
        """Process documents in order; windows of several documents are tagged together."""
        buffer: list[Document] = []
        for doc in docs:
            buffer.append(doc)
            if len(buffer) >= batch_docs:
                yield from self._run(buffer)
                buffer = []
        if buffer:
            yield from self._run(buffer)

    def _run(self, docs: Sequence[Document]) -> list[Extraction]:
        prepared = [self._prepare(d) for d in docs]
        jobs = [(k, w) for k, p in enumerate(prepared) for w in p.windows]
        texts = [prepared[k].clean.text[w.start:w.end] for k, w in jobs]
        tagged = []
        for b in range(0, len(texts), self.window_batch):
            tagged += self.tagger.tag(texts[b:b + self.window_batch])
        per_doc: list[list] = [[] for _ in prepared]
        for (k, w), spans in zip(jobs, tagged):
            for s in spans:
                start, end = s.start + w.start, s.end + w.start
                if owns(w, start, end):
                    per_doc[k].append(type(s)(s.label, start, end, s.score))
        return [self._finish(p, sorted(spans, key=lambda s: (s.start, s.end))) for p, spans in zip(prepared, per_doc)]

    def _finish(self, p: _Prepared, spans: list) -> Extraction:
        clean, original = p.clean, p.doc.text
        doc_date = p.doc.date or clean.doc_date
        mentions = []
        for s in apply_filters(clean.text, spans):
            start, end = clean.span_to_original(s.start, s.end)
            ent = Entity(label=s.label, start=start, end=end, text=original[start:end], score=s.score)
            if ent.label == "AMOUNT":
                norm = normalize_amount(clean.text[s.start:s.end])
                ent.value, ent.unit, ent.approx = norm.value, norm.unit, norm.approx
            elif ent.label == "DATE":
                ent.norm = normalize_date(clean.text[s.start:s.end], doc_date, written_as_plan(clean.text, s.start))
            mentions.append(Mention(ent, s.start, s.end))
        for i, m in enumerate(mentions, 1):
            m.entity.id = f"e{i}"
        relations, events = self.linker(LinkInput(clean, p.sentences, mentions))
        return Extraction(id=p.doc.id, model=self.model, entities=[m.entity for m in mentions],
                          relations=relations, events=events)
