"""One shard of work: raw input items in, the shard's output bytes and statistics out.

Both engines (local processes and Ray actors) call ``process_shard`` with a pipeline they
loaded once.  The output has one JSON line per input item, in input order: the extraction
(exactly as ``zhie extract`` writes it) or an error record ``{"id", "file", "line",
"error"}``.  Documents of a shard are always batched the same way (``batch_docs`` from the
shard's first item), so a shard's bytes do not depend on the engine or the worker count.

``ZHIE_BATCH_FAULT`` injects faults for tests of the failure paths: a comma-separated list
of ``raise:ID`` (the model raises on document ID), ``crash:ID`` (the worker process dies on
it) and ``sleep:SECONDS`` (every document takes that much longer).
"""
from __future__ import annotations

import json
import os
import resource
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from ..io import DEFAULT_MAX_CHARS
from ..runner import run_items
from .shards import ShardStats
from .sources import RawItem, to_input_item

ProgressHook = Callable[[int, int, int], None]   # (shard, documents done, characters done)


@dataclass
class ShardTask:
    shard: int
    items: list[RawItem]


def set_torch_threads(threads: int) -> None:
    """Limit intra-op threads before and after torch is imported (each worker gets its share)."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)
    if "torch" in sys.modules:
        import torch
        torch.set_num_threads(threads)


def peak_rss_mb() -> float:
    """This process's peak resident set size in MiB (ru_maxrss is KiB on Linux)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def encode_record(record: dict[str, Any]) -> bytes:
    """One output line; text that cannot be UTF-8 (lone surrogates) is kept as JSON escapes."""
    line = json.dumps(record, ensure_ascii=False) + "\n"
    try:
        return line.encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii")


def _with_file(record: dict[str, Any], file: str) -> dict[str, Any]:
    out = {"id": record.get("id"), "file": file}
    out.update((k, v) for k, v in record.items() if k not in out)
    return out


class _Faults:
    """The faults ``ZHIE_BATCH_FAULT`` asks for (none in normal runs)."""

    def __init__(self, spec: str | None) -> None:
        self.raise_ids: set[str] = set()
        self.crash_ids: set[str] = set()
        self.sleep = 0.0
        for part in filter(None, (spec or "").split(",")):
            kind, _, arg = part.partition(":")
            if kind == "raise":
                self.raise_ids.add(arg)
            elif kind == "crash":
                self.crash_ids.add(arg)
            elif kind == "sleep":
                self.sleep = float(arg)

    def __bool__(self) -> bool:
        return bool(self.raise_ids or self.crash_ids or self.sleep)

    def wrap(self, pipeline: Any) -> Any:
        faults = self

        class FaultyPipeline:
            def __init__(self) -> None:
                self.model = pipeline.model

            def _check(self, doc: Any) -> None:
                if faults.sleep:
                    time.sleep(faults.sleep)
                if doc.id in faults.crash_ids:
                    os._exit(70)
                if doc.id in faults.raise_ids:
                    raise RuntimeError(f"injected model failure on {doc.id}")

            def pipe(self, docs: Iterable[Any], batch_docs: int = 8) -> Iterator[Any]:
                docs = list(docs)
                for d in docs:
                    self._check(d)
                return pipeline.pipe(docs, batch_docs=batch_docs)

            def __call__(self, doc: Any) -> Any:
                self._check(doc)
                return pipeline(doc)

        return FaultyPipeline()


def prepare_pipeline(pipeline: Any, fault_spec: str | None = None) -> Any:
    """The pipeline, wrapped with the injected faults of ``fault_spec`` (the workers pass
    ``$ZHIE_BATCH_FAULT``; None in normal runs)."""
    faults = _Faults(fault_spec)
    return faults.wrap(pipeline) if faults else pipeline


def process_shard(pipeline: Any, task: ShardTask, batch_docs: int = 8, max_chars: int = DEFAULT_MAX_CHARS,
                  progress: ProgressHook | None = None) -> tuple[bytes, ShardStats]:
    """Run the pipeline over one shard; every input item gives exactly one output line."""
    t0 = time.perf_counter()
    items = [to_input_item(raw, max_chars) for raw in task.items]
    lines: list[bytes] = []
    errors: Counter[str] = Counter()
    chars = 0
    for n, (raw, (item, record)) in enumerate(zip(task.items, run_items(pipeline, items, batch_docs)), 1):
        if item.document is not None:
            chars += len(item.document.text)
        if "error" in record:
            errors[record["error"]["type"]] += 1
            record = _with_file(record, raw.file)
        lines.append(encode_record(record))
        if progress is not None and (n % batch_docs == 0 or n == len(items)):
            progress(task.shard, n, chars)
    if len(lines) != len(task.items):  # run_items keeps one record per item; never write a short shard
        raise RuntimeError(f"shard {task.shard}: {len(lines)} records for {len(task.items)} documents")
    stats = ShardStats(shard=task.shard, documents=len(lines), characters=chars, errors=sum(errors.values()),
                       error_types=dict(sorted(errors.items())), seconds=round(time.perf_counter() - t0, 3),
                       worker=f"{os.getpid()}@{socket.gethostname()}", peak_rss_mb=peak_rss_mb())
    return b"".join(lines), stats


def crash_record(raw: RawItem, doc_id: Any) -> dict[str, Any]:
    """The error record of a document during which the worker process died."""
    return {"id": doc_id, "file": raw.file, "line": raw.line,
            "error": {"type": "worker_crash",
                      "message": "the worker process died while processing this document (crash or out of memory)"}}
