"""One batch run from start to summary: discover and fingerprint the input, check or write
the manifest, skip committed shards, hand the rest to an engine, write ``summary.json``.

Output order: shard k holds input documents [k*K, (k+1)*K) (K = ``shard_size``) in input
order, so concatenating ``part-*.jsonl`` in name order gives one line per input document in
input order (files by relative name, lines in file order).  Shard contents depend only on
the input, the model and the options recorded in the manifest — not on the engine, the
number of workers, or how often the run was interrupted.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..io import DEFAULT_MAX_CHARS
from ..pipeline import default_model_path
from .progress import Progress
from .shards import Manifest, OutputDir, PlanMismatch, ShardStats, shard_count
from .sources import SourceError, SourceFile, discover, iter_raw_items, scan_sources
from .work import ShardTask, peak_rss_mb

ENGINES = ("local", "ray")


class BatchError(RuntimeError):
    """A run that cannot start or go on; the message says why and what to do."""


@dataclass
class BatchOptions:
    input: str
    output: str | Path
    model: str | Path | None = None
    workers: int | None = None          # default: cores (local) or cluster CPUs (ray)
    shard_size: int = 500
    engine: str = "local"
    ray_address: str | None = None
    restart: bool = False
    batch_docs: int = 8
    max_chars: int = DEFAULT_MAX_CHARS
    progress: bool = True
    progress_every: float = 10.0        # seconds between log lines when stderr is not a terminal
    tty: bool | None = None             # None: ask stderr
    precision: str | None = None        # None: the model's default (auto); the CLI passes $ZHIE_PRECISION
    runtime: str | None = None          # None: the model's default (auto); the CLI passes $ZHIE_RUNTIME


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _model_info(model: str | Path | None, precision: str | None = None,
                runtime: str | None = None) -> tuple[Path, dict[str, Any]]:
    """The model folder and its identity: every component that changes output, fingerprinted
    (zhie/model/fingerprint.py); the precision is resolved once here, so all shards agree."""
    from ..model import load_model
    from ..model.fingerprint import components, fingerprint
    from ..tagger import model_precision, model_runtime
    path = Path(model) if model is not None else default_model_path()
    try:
        folder = load_model(path)
    except FileNotFoundError as exc:
        raise BatchError(f"{exc} (give a model folder with --model or $ZHIE_MODEL)") from None
    except ValueError as exc:
        raise BatchError(f"model {path}: {exc}") from None
    try:
        resolved = model_precision(folder.tagger_meta(), precision)
        runtime = model_runtime(folder.tagger_meta(), precision, runtime)
    except ValueError as exc:
        raise BatchError(str(exc)) from None
    parts = components(folder, resolved, runtime)
    return path.resolve(), {"name": folder.config.name, "version": folder.config.version,
                            "fingerprint": fingerprint(parts), "path": str(path.resolve()),
                            "precision": resolved, "layout": folder.layout, "components": parts}


def _tasks(files: list[SourceFile], shard_size: int, skip: set[int], seen: list[int]) -> Iterator[ShardTask]:
    """Shards of the input in order, without those already committed; counts items in ``seen``."""
    chunk, index = [], 0
    for raw in iter_raw_items(files):
        seen[0] += 1
        chunk.append(raw)
        if len(chunk) == shard_size:
            if index not in skip:
                yield ShardTask(index, chunk)
            chunk, index = [], index + 1
    if chunk and index not in skip:
        yield ShardTask(index, chunk)


def run_batch(opts: BatchOptions) -> dict[str, Any]:
    """Run (or resume) a batch job and return its summary (also written to summary.json)."""
    t0 = time.perf_counter()
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    if opts.engine not in ENGINES:
        raise BatchError(f"unknown engine {opts.engine!r} (choose from {', '.join(ENGINES)})")
    if opts.shard_size < 1 or opts.batch_docs < 1 or (opts.workers is not None and opts.workers < 1):
        raise BatchError("--shard-size, --batch and --workers must be at least 1")
    out = OutputDir(opts.output)
    if out.path.exists() and not out.path.is_dir():
        raise BatchError(f"output {out.path} exists and is not a folder")
    try:
        files = discover(opts.input, exclude=out.path)
    except SourceError as exc:
        raise BatchError(str(exc)) from None
    model_path, model = _model_info(opts.model, opts.precision, opts.runtime)
    if opts.engine == "ray":
        from .ray_engine import RayMissing, import_ray
        try:
            import_ray()
        except RayMissing as exc:
            raise BatchError(str(exc)) from None

    ray, started_ray = None, False
    try:
        out.lock()
    except PlanMismatch as exc:
        raise BatchError(str(exc)) from None
    progress: Progress | None = None
    try:
        scan = scan_sources(files)
        manifest = Manifest(
            input={"spec": opts.input, "fingerprint": scan.fingerprint, "documents": scan.documents,
                   "files": scan.per_file},
            model=model,
            options={"shard_size": opts.shard_size, "batch_docs": opts.batch_docs, "max_chars": opts.max_chars,
                     "precision": model["precision"]},
            shards=shard_count(scan.documents, opts.shard_size))
        notes = _reconcile(out, manifest, opts.restart)
        (out.path / "summary.json").unlink(missing_ok=True)   # present only once a run has finished
        out.remove_temporaries()
        done = out.done_shards(manifest.shards)
        resumed_docs = sum(s.documents for s in done.values())
        pending = manifest.shards - len(done)

        if opts.engine == "ray":
            from .ray_engine import RayMissing, connect, cluster_cpus
            try:
                ray, started_ray = connect(opts.ray_address, opts.workers and max(opts.workers, 1))
            except RayMissing as exc:
                raise BatchError(str(exc)) from None
            cores = cluster_cpus(ray)
        else:
            cores = cpu_count()
        workers = opts.workers or cores
        workers = max(1, min(workers, pending)) if pending else workers
        threads = max(1, cores // workers)

        progress = Progress(scan.documents, resumed_docs, enabled=opts.progress, tty=opts.tty,
                            interval=opts.progress_every, started=t0,
                            loading=f"zhie batch: loading model {model['name']} {model['version']} in {workers} "
                                    f"worker{'s' if workers > 1 else ''} …" if pending else None)
        for note in notes:
            progress.message(note)
        if done:
            progress.message(f"zhie batch: resuming — {len(done)} of {manifest.shards} shards "
                             f"({resumed_docs} documents) already done")
        seen = [0]
        tasks = _tasks(files, opts.shard_size, set(done), seen)
        common = dict(out=out, model_path=model_path, precision=model["precision"], workers=workers, threads=threads,
                      batch_docs=opts.batch_docs, max_chars=opts.max_chars, progress=progress)
        if not pending:
            committed = []
        elif opts.engine == "ray":
            from .ray_engine import RayRunFailed, run_ray
            try:
                committed = run_ray(tasks, ray=ray, **common)
            except RayRunFailed as exc:
                raise BatchError(f"{exc} (committed shards are kept; run the same command to resume)") from exc
        else:
            from .local import EngineError, run_local
            try:
                committed = run_local(tasks, **common)
            except EngineError as exc:
                raise BatchError(f"{exc} (committed shards are kept; run the same command to resume)") from exc
        if pending and seen[0] != scan.documents:
            raise BatchError(f"the input changed during the run ({scan.documents} documents when planned, "
                             f"{seen[0]} when read); run with --restart")
        final = out.done_shards(manifest.shards)
        if len(final) != manifest.shards:
            missing = sorted(set(range(manifest.shards)) - set(final))
            raise BatchError(f"shards {missing[:10]} were not written; run the same command to resume")
        progress.close()
        summary = _summary(opts, manifest, final, committed, resumed_docs, len(done), workers, threads,
                           time.perf_counter() - t0, started)
        out.write_summary(summary)
        return summary
    finally:
        if progress is not None:
            progress.close()
        out.unlock()
        if started_ray and ray is not None:
            ray.shutdown()


def _reconcile(out: OutputDir, manifest: Manifest, restart: bool) -> list[str]:
    """Check the folder's previous run against this one; write the manifest. Returns notes."""
    previous = out.read_manifest()
    if restart:
        if previous is not None or out.has_parts():
            out.reset()
            out.write_manifest(manifest)
            return [f"zhie batch: --restart: discarded the previous run in {out.path}"]
    elif previous is not None:
        reason = previous.mismatch(manifest)
        if reason:
            raise BatchError(f"{out.path} holds a run that cannot be resumed by this one: {reason}. "
                             "Use --restart to discard it and start afresh, or choose another output folder.")
        return []
    elif out.has_parts():
        raise BatchError(f"{out.path} has part files but no manifest.json, so they cannot be resumed; "
                         "use --restart to discard them, or choose another output folder.")
    out.write_manifest(manifest)
    return []


def _summary(opts: BatchOptions, manifest: Manifest, shards: dict[int, ShardStats], committed: list[ShardStats],
             resumed_docs: int, resumed_shards: int, workers: int, threads: int, seconds: float,
             started: str) -> dict[str, Any]:
    stats = list(shards.values())
    error_types: dict[str, int] = {}
    for s in stats:
        for k, v in s.error_types.items():
            error_types[k] = error_types.get(k, 0) + v
    run_docs = sum(s.documents for s in committed)
    run_chars = sum(s.characters for s in committed)
    peak: dict[str, float] = {}
    for s in committed:
        peak[s.worker] = max(peak.get(s.worker, 0.0), s.peak_rss_mb)
    return {
        "documents": sum(s.documents for s in stats),
        "characters": sum(s.characters for s in stats),
        "errors": sum(s.errors for s in stats),
        "error_types": dict(sorted(error_types.items())),
        "shards": manifest.shards,
        "shard_size": opts.shard_size,
        "time_s": round(seconds, 3),
        "docs_per_s": round(run_docs / seconds, 2) if seconds > 0 else None,
        "chars_per_s": round(run_chars / seconds, 1) if seconds > 0 else None,
        "run": {"documents": run_docs, "characters": run_chars, "shards": len(committed),
                "resumed_documents": resumed_docs, "resumed_shards": resumed_shards,
                "started": started,
                "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
        "model": {k: manifest.model.get(k) for k in ("name", "version", "fingerprint", "path", "precision")},
        "engine": opts.engine,
        "workers": workers,
        "threads_per_worker": threads,
        "peak_rss_mb": {"coordinator": peak_rss_mb(), "workers": dict(sorted(peak.items()))},
        "input": {"spec": opts.input, "fingerprint": manifest.input["fingerprint"],
                  "files": len(manifest.input["files"]), "documents": manifest.input["documents"]},
    }
