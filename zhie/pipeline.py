"""The document pipeline: clean → sentences → windows → tag → span rules → original
offsets → normalise → link → Extraction.

A pipeline is built from a model folder (``pipeline.json``, see zhie/model: the tagger, the
windows, the linker and its files; a 0.2.0 folder's ``meta.json`` is read the way 0.3.0 read
it), loaded once and applied to many documents; ``pipe`` batches windows across documents.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .linking import Linker, LinkInput, Mention
from .linking.full_forms import full_forms
from .model import ModelFolder, WindowConfig, load_model
from .model.build import build_linker, build_tagger
from .normalize import normalize_amount, normalize_date, written_as_plan
from .schema import Document, Entity, Extraction, ModelInfo
from .settings import DEFAULT_MODEL_NAME, REPO_ROOT  # noqa: F401  (re-exported: service/settings.py)
from .tagger import Tagger
from .tagger.consistency import make_consistent
from .tagger.filters import apply_filters
from .text import CleanText, clean_text, owns, plan_windows, split_sentences



def default_model_path() -> Path:
    """The model shipped in the repository's models/ folder (the entry points pass $ZHIE_MODEL:
    ``ZhieSettings.model_path``)."""
    return REPO_ROOT / "models" / DEFAULT_MODEL_NAME


@dataclass
class _Prepared:
    doc: Document
    clean: CleanText
    sentences: list[tuple[int, int]]
    windows: list


class Pipeline:
    def __init__(self, tagger: Tagger, linker: Linker | None = None, window_batch: int = 64,
                 consistency: bool = True, windows: WindowConfig | None = None,
                 folder: ModelFolder | None = None) -> None:
        self.tagger = tagger
        self.folder = folder              # the model folder it was built from (None: built by hand)
        self.consistency = consistency   # one name, one label and every mention tagged (tagger/consistency.py)
        self.linker = linker if linker is not None else self.linker_for(tagger)
        self.windows = windows if windows is not None else WindowConfig(max_len=tagger.max_len)
        self.window_batch = window_batch
        self.model = ModelInfo(tagger.name, tagger.version)

    @classmethod
    def load(cls, path: str | Path | None = None, **tagger_options) -> "Pipeline":
        """Every stage from the model folder's config (``tagger_options``: e.g. ``precision``),
        warmed up (``warm_up()``) so that the first document runs as fast as the next ones."""
        folder = load_model(Path(path) if path is not None else default_model_path())
        tagger = build_tagger(folder, **tagger_options)
        linker = build_linker(folder.config.linker, folder.scorer_path(), "trigger" in tagger.extra_heads)
        pipeline = cls(tagger, linker, windows=folder.config.windows, folder=folder)
        pipeline.warm_up()
        return pipeline

    def warm_up(self) -> None:
        """Load now what the stages after the tagger would load on the first document (the tagger
        warms its own shapes when it loads): jieba's dictionary for the word-edge rule, about a
        second, and jionlp for the DATE expressions the normaliser's own grammar does not read
        (0.4-0.6 s, paid by the first document with such a date otherwise) — so that the first
        document runs as fast as the next ones."""
        from .normalize.jionlp_fallback import warm_up as warm_up_date_fallback
        from .tagger.word_boundaries import warm_up as warm_up_word_edges
        warm_up_word_edges()
        warm_up_date_fallback()

    @staticmethod
    def linker_for(tagger: Tagger) -> Linker:
        """The linker of the folder a tagger was loaded from (the package's default linker for a
        tagger built by hand)."""
        path = getattr(tagger, "path", None)
        if path is not None:
            folder = load_model(path)
            return build_linker(folder.config.linker, folder.scorer_path(), "trigger" in tagger.extra_heads)
        from .model.config import legacy_config
        from .model.folder import package_scorer
        scorer = package_scorer()
        config = legacy_config(getattr(tagger, "meta", None) or {}, has_own_scorer=False,
                               package_scorer=scorer.is_file())
        return build_linker(config.linker, scorer, "trigger" in tagger.extra_heads)

    def _reads_triggers(self) -> bool:
        """The learned trigger head is run only when the tagger has one and the event layer reads it."""
        finder = getattr(self.linker, "event_finder", None)
        return "trigger" in self.tagger.extra_heads and getattr(finder, "trigger_policy", "rules") != "rules"

    @property
    def meta(self) -> dict:
        """The model's card and config in one view (name, version, labels, metrics …)."""
        return self.folder.meta() if self.folder is not None else getattr(self.tagger, "meta", {})

    def __call__(self, doc: Document | str) -> Extraction:
        if isinstance(doc, str):
            doc = Document(text=doc)
        return next(iter(self.pipe([doc])))

    def _prepare(self, doc: Document) -> _Prepared:
        clean = clean_text(doc.text)
        sentences = split_sentences(clean.text)
        windows = plan_windows(sentences, len(clean.text), self.windows.max_len, self.windows.overlap)
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
        heads = ("domain",) + (("trigger",) if self._reads_triggers() else ())
        tagged: dict[str, list] = {h: [] for h in heads}
        for b in range(0, len(texts), self.window_batch):
            for h, spans in self.tagger.tag_heads(texts[b:b + self.window_batch], heads).items():
                tagged[h] += spans
        per_doc: dict[str, list[list]] = {h: [[] for _ in prepared] for h in heads}
        for h in heads:
            for (k, w), spans in zip(jobs, tagged[h]):
                for s in spans:
                    start, end = s.start + w.start, s.end + w.start
                    if owns(w, start, end):
                        per_doc[h][k].append(type(s)(s.label, start, end, s.score))
        order = lambda spans: sorted(spans, key=lambda s: (s.start, s.end))  # noqa: E731
        return [self._finish(p, order(per_doc["domain"][k]), order(per_doc["trigger"][k]) if "trigger" in per_doc else [])
                for k, p in enumerate(prepared)]

    def _finish(self, p: _Prepared, spans: list, triggers: list | None = None) -> Extraction:
        clean, original = p.clean, p.doc.text
        doc_date = p.doc.date or clean.doc_date
        mentions = []
        spans = apply_filters(clean.text, spans)
        if self.consistency:
            consistent = make_consistent(clean.text, spans)
            if consistent != spans:   # the span rules again only over what consistency changed
                spans = apply_filters(clean.text, consistent)
        for s in spans:
            start, end = clean.span_to_original(s.start, s.end)
            ent = Entity(label=s.label, start=start, end=end, text=original[start:end], score=s.score)
            if ent.label == "AMOUNT":
                norm = normalize_amount(clean.text[s.start:s.end])
                ent.value, ent.unit, ent.approx = norm.value, norm.unit, norm.approx
            elif ent.label == "DATE":
                ent.norm = normalize_date(clean.text[s.start:s.end], doc_date, written_as_plan(clean.text, s.start))
            mentions.append(Mention(ent, s.start, s.end))
        # a page's publication timestamp is a DATE of its date part (SCHEMA); its meta line is not in the
        # cleaned text, so it is no mention for the linker (it is in no sentence)
        stamps = [Entity(label="DATE", start=a, end=b, text=original[a:b], score=1.0, norm=iso)
                  for a, b, iso in clean.timestamps]
        entities = sorted([m.entity for m in mentions] + stamps, key=lambda e: (e.start, e.end))
        for i, ent in enumerate(entities, 1):
            ent.id = f"e{i}"
        by_id = {ent.id: ent for ent in entities}
        for ent_id, full in full_forms(entities).items():
            by_id[ent_id].full_form = full
        relations, events = self.linker(LinkInput(clean, p.sentences, mentions, triggers or []))
        return Extraction(id=p.doc.id, model=self.model, entities=entities, relations=relations, events=events)
