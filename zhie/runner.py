"""Run a pipeline over input items, keeping order and turning any failure of one
document into an error record for that document (the rest still run).
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Iterator

from .io import InputItem
from .pipeline import Pipeline

log = logging.getLogger("zhie")


def run_items(pipeline: Pipeline, items: Iterable[InputItem], batch_docs: int = 8) -> Iterator[tuple[InputItem, dict[str, Any]]]:
    """Yield (item, output record) in input order."""
    buffer: list[InputItem] = []

    def flush() -> Iterator[tuple[InputItem, dict[str, Any]]]:
        docs = [it for it in buffer if it.document is not None]
        results: dict[int, dict[str, Any]] = {}
        try:
            for it, res in zip(docs, pipeline.pipe([it.document for it in docs], batch_docs=len(docs) or 1)):
                results[id(it)] = res.to_dict()
        except Exception:  # one bad document must not sink the batch: retry one by one
            results = {}
            for it in docs:
                try:
                    results[id(it)] = pipeline(it.document).to_dict()
                except Exception as exc:  # noqa: BLE001
                    log.exception("document %s (line %s) failed", it.document.id, it.line)
                    results[id(it)] = {"id": it.document.id, "line": it.line,
                                       "error": {"type": "model_error", "message": f"{type(exc).__name__}: {exc}"}}
        for it in buffer:
            yield it, (it.error_record() if it.error is not None else results[id(it)])

    for item in items:
        buffer.append(item)
        if len(buffer) >= batch_docs:
            yield from flush()
            buffer = []
    if buffer:
        yield from flush()
