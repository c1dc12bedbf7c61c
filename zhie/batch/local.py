"""The local engine: shards processed by a pool of worker processes on this machine.

Each worker (forkserver context where available, else spawn) loads the model once in its
initializer, with ``threads`` torch threads, then takes whole shards: it runs the pipeline
over the shard, commits the shard file atomically and returns the shard's statistics.
The coordinator keeps at most ``2 × workers`` shards in flight (memory stays bounded on
large archives) and drains a queue of per-batch progress messages.

Failures:
- an exception inside the pipeline is one document's error record (``zhie.runner``);
- a worker process that dies (a crash, the OOM killer) breaks the pool: the shards in
  flight are retried one at a time in a fresh pool; a shard that kills a worker on its own
  is then run document by document, and a document that kills a worker alone becomes a
  ``worker_crash`` error record — the rest of the shard is kept;
- a worker whose model cannot load, or any other unexpected error, stops the run with a
  message (the committed shards stay; the same command resumes);
- workers exit by themselves as soon as the coordinator is gone (kill -9 included),
  so no orphan keeps writing into the output folder.
"""
from __future__ import annotations

import multiprocessing as mp
import multiprocessing.connection
import os
import queue as queue_mod
import signal
import threading
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Iterable

from .progress import Progress
from .shards import OutputDir, ShardStats
from .sources import to_input_item
from .work import ShardTask, crash_record, encode_record, prepare_pipeline, process_shard, set_torch_threads


class EngineError(RuntimeError):
    """The run cannot go on (model does not load, output cannot be written …)."""


# --------------------------------------------------------------------- worker side
_WORKER: dict[str, Any] = {}


def _watch_parent() -> None:
    """Exit as soon as the coordinator is gone (its end of our start-up pipe closes).

    The parent's ppid is no use here: with forkserver our parent is the fork server,
    which itself lives on as long as workers hold its pipe."""
    parent = mp.parent_process()
    if parent is None:
        return
    mp.connection.wait([parent.sentinel])
    os._exit(1)


def _init_worker(model_path: str, precision: str | None, threads: int, batch_docs: int, max_chars: int,
                 out_path: str, progress_queue: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's business
    threading.Thread(target=_watch_parent, daemon=True).start()
    _WORKER.update(batch_docs=batch_docs, max_chars=max_chars, out=OutputDir(out_path), queue=progress_queue,
                   error=None, pipeline=None)
    try:
        set_torch_threads(threads)
        from ..pipeline import Pipeline
        from ..settings import ZhieSettings
        settings = ZhieSettings()   # the worker's start-up: the coordinator's environment, its share of threads
        pipeline = Pipeline.load(model_path, **settings.tagger_options(precision))
        set_torch_threads(threads)
        _WORKER["pipeline"] = prepare_pipeline(pipeline, settings.batch_fault)
    except Exception as exc:  # noqa: BLE001 - reported by the first task, not as a broken pool
        _WORKER["error"] = f"the model could not be loaded in a worker: {type(exc).__name__}: {exc}"


def _report(shard: int, docs: int, chars: int) -> None:
    q = _WORKER.get("queue")
    if q is not None:
        try:
            q.put_nowait((shard, docs, chars))
        except Exception:  # noqa: BLE001 - progress is best effort
            pass


def _process(task: ShardTask) -> tuple[bytes, ShardStats]:
    if _WORKER.get("error"):
        raise EngineError(_WORKER["error"])
    return process_shard(_WORKER["pipeline"], task, _WORKER["batch_docs"], _WORKER["max_chars"], _report)


def _run_and_commit(task: ShardTask) -> ShardStats:
    data, stats = _process(task)
    _WORKER["out"].commit_shard(stats, data)
    return stats


# ---------------------------------------------------------------- coordinator side
def start_context() -> mp.context.BaseContext:
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["zhie.batch.local"])
        return ctx
    return mp.get_context("spawn")


class _Pool:
    def __init__(self, ctx: Any, workers: int, model_path: Path, precision: str | None, threads: int,
                 batch_docs: int, max_chars: int, out: OutputDir) -> None:
        self.queue = ctx.Queue()
        self.executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init_worker,
            initargs=(str(model_path), precision, threads, batch_docs, max_chars, str(out.path), self.queue))

    def drain(self, progress: Progress, live: set[int]) -> None:
        while True:
            try:
                shard, docs, chars = self.queue.get_nowait()
            except (queue_mod.Empty, OSError, EOFError):
                return
            if shard in live:
                progress.update(shard, docs, chars)

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.queue.close()
        self.queue.cancel_join_thread()


def run_local(tasks: Iterable[ShardTask], *, out: OutputDir, model_path: Path, precision: str | None, workers: int,
              threads: int, batch_docs: int, max_chars: int, progress: Progress) -> list[ShardStats]:
    """Process and commit every task; return the statistics of the shards committed."""
    ctx = start_context()

    def new_pool(n: int = workers) -> _Pool:
        return _Pool(ctx, n, model_path, precision, threads, batch_docs, max_chars, out)

    source = iter(tasks)
    exhausted = False
    suspects: deque[ShardTask] = deque()   # shards in flight when a worker died: retried alone
    inflight: dict[Future, ShardTask] = {}
    committed: list[ShardStats] = []
    pool = new_pool()
    try:
        while True:
            while True:  # fill the window
                if suspects:
                    if inflight:
                        break
                    task = suspects.popleft()
                    inflight[pool.executor.submit(_run_and_commit, task)] = task
                    break
                if exhausted or len(inflight) >= 2 * workers:
                    break
                task = next(source, None)
                if task is None:
                    exhausted = True
                    break
                inflight[pool.executor.submit(_run_and_commit, task)] = task
            if not inflight:
                break
            done, _ = wait(inflight, timeout=0.25, return_when=FIRST_COMPLETED)
            pool.drain(progress, {t.shard for t in inflight.values()})
            lost: list[ShardTask] = []
            alone = len(inflight) == 1
            for fut in done:
                task = inflight.pop(fut)
                try:
                    stats = fut.result()
                except BrokenProcessPool:
                    lost.append(task)
                    continue
                except Exception as exc:  # noqa: BLE001
                    raise EngineError(f"shard {task.shard} failed: {exc}") from exc
                committed.append(stats)
                progress.done(stats)
            if not lost:
                continue
            lost += inflight.values()
            inflight.clear()
            pool.close()
            for task in lost:
                progress.reset(task.shard)
            if alone and len(lost) == 1:
                progress.message(f"zhie batch: a worker died while processing shard {lost[0].shard} on its own; "
                                 "running it one document at a time")
                stats = _isolate(lost[0], new_pool, out, max_chars)
                committed.append(stats)
                progress.done(stats)
            else:
                progress.message(f"zhie batch: a worker process died; retrying shards "
                                 f"{sorted(t.shard for t in lost)} one at a time")
                suspects.extend(sorted(lost, key=lambda t: t.shard))
            pool = new_pool()
    finally:
        pool.close()
    return committed


def _isolate(task: ShardTask, new_pool: Any, out: OutputDir, max_chars: int) -> ShardStats:
    """Run a shard document by document in a one-worker pool; a document that kills the
    worker becomes a ``worker_crash`` record and the pool is renewed for the next one."""
    pool = new_pool(1)
    parts: list[bytes] = []
    total = ShardStats(shard=task.shard)
    try:
        for raw in task.items:
            one = ShardTask(task.shard, [raw])
            try:
                data, stats = pool.executor.submit(_process, one).result()
            except BrokenProcessPool:
                pool.close()
                pool = new_pool(1)
                item = to_input_item(raw, max_chars)
                doc_id = item.document.id if item.document is not None else item.raw_id
                data = encode_record(crash_record(raw, doc_id))
                stats = ShardStats(shard=task.shard, documents=1, errors=1, error_types={"worker_crash": 1},
                                   characters=len(item.document.text) if item.document is not None else 0)
            except Exception as exc:  # noqa: BLE001
                raise EngineError(f"shard {task.shard} failed: {exc}") from exc
            parts.append(data)
            total.documents += stats.documents
            total.characters += stats.characters
            total.errors += stats.errors
            for k, v in stats.error_types.items():
                total.error_types[k] = total.error_types.get(k, 0) + v
            total.seconds += stats.seconds
            total.worker, total.peak_rss_mb = stats.worker or total.worker, max(total.peak_rss_mb, stats.peak_rss_mb)
    finally:
        pool.close()
    total.error_types = dict(sorted(total.error_types.items()))
    total.seconds = round(total.seconds, 3)
    out.commit_shard(total, b"".join(parts))
    return total
