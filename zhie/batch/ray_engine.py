"""The Ray engine: the same shards processed on Ray Data, one model per actor.

Each pending shard is one row (its index and its pickled raw items); ``map_batches`` runs a
callable class on an actor pool (``ActorPoolStrategy(size=workers)``), so every actor
loads the model once in its constructor and then processes whole shards with the same
``process_shard`` as the local engine.  The actors return each shard's bytes and
statistics; the driver commits the shard files itself (atomically, the same layout), so
the output folder only needs to exist where the driver runs and the output is
byte-identical to the local engine's.

Ray is an optional extra (``pip install -e ".[ray]"``) and is imported only here.  The
driver connects to ``ray_address`` (``--ray-address``), else to ``$RAY_ADDRESS``, else
starts a local instance; a Ray already initialised by the caller is reused.  On a cluster
every node needs zhie installed and the model folder at the same path.  Pending shards are
held in the driver's memory while the run lasts (the archive's text once, not more).
"""
from __future__ import annotations

import inspect
import json
import pickle
import warnings
from pathlib import Path
from typing import Any, Iterable

from .progress import Progress
from .shards import OutputDir, ShardStats
from .work import ShardTask, prepare_pipeline, process_shard, set_torch_threads


class RayMissing(RuntimeError):
    """Ray Data is not installed."""


class RayRunFailed(RuntimeError):
    """The Ray job stopped (an actor could not load the model, died repeatedly …)."""


def import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise RayMissing("--engine ray needs Ray Data: pip install 'ray[data]>=2.9' "
                         "(or pip install -e '.[ray]' in the repository)") from exc
    return ray


class ShardActor:
    """A Ray Data callable class: loads the pipeline once, then turns shard rows into output rows."""

    def __init__(self, model_path: str, precision: str | None, threads: int, batch_docs: int, max_chars: int) -> None:
        set_torch_threads(threads)
        from ..pipeline import Pipeline
        from ..settings import ZhieSettings
        settings = ZhieSettings()   # the actor's start-up: the driver's environment, its share of threads
        self.pipeline = prepare_pipeline(Pipeline.load(model_path, **settings.tagger_options(precision)),
                                         settings.batch_fault)
        set_torch_threads(threads)
        self.batch_docs = batch_docs
        self.max_chars = max_chars

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np
        shards, datas, stats = [], [], []
        for shard, payload in zip(batch["shard"], batch["payload"]):
            task: ShardTask = pickle.loads(payload)
            data, st = process_shard(self.pipeline, task, self.batch_docs, self.max_chars)
            shards.append(int(shard))
            datas.append(data)
            stats.append(st.to_json())
        return {"shard": np.array(shards, dtype=np.int64), "data": np.array(datas, dtype=object),
                "stats": np.array(stats, dtype=object)}


def cluster_cpus(ray: Any) -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def connect(ray_address: str | None, num_cpus: int | None = None) -> tuple[Any, bool]:
    """An initialised Ray and whether this call started it (and so must shut it down)."""
    ray = import_ray()
    if ray.is_initialized():
        return ray, False
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": True}
    address = ray_address   # the CLI passes --ray-address, else $RAY_ADDRESS
    if address:
        kwargs["address"] = address
    elif num_cpus:
        kwargs["num_cpus"] = num_cpus
    ray.init(**kwargs)
    return ray, True


def _from_items(ray: Any, rows: list[dict[str, Any]]) -> Any:
    params = inspect.signature(ray.data.from_items).parameters
    blocks = max(1, len(rows))
    if "override_num_blocks" in params:
        return ray.data.from_items(rows, override_num_blocks=blocks)
    return ray.data.from_items(rows, parallelism=blocks)


def _map_shards(ray: Any, ds: Any, model_path: Path, precision: str | None, workers: int, threads: int,
                batch_docs: int, max_chars: int) -> Any:
    return ds.map_batches(
        ShardActor,
        fn_constructor_kwargs={"model_path": str(model_path), "precision": precision, "threads": threads,
                               "batch_docs": batch_docs, "max_chars": max_chars},
        compute=ray.data.ActorPoolStrategy(size=workers),
        batch_size=1,
        batch_format="numpy",
        num_cpus=threads,
        max_restarts=2,          # an actor killed by a document is restarted twice, then the run stops
        max_task_retries=2,
    )


def run_ray(tasks: Iterable[ShardTask], *, out: OutputDir, model_path: Path, precision: str | None, workers: int,
            threads: int, batch_docs: int, max_chars: int, progress: Progress, ray: Any) -> list[ShardStats]:
    """Process every task on the actor pool and commit the shards; return their statistics."""
    rows = [{"shard": t.shard, "payload": pickle.dumps(t, protocol=pickle.HIGHEST_PROTOCOL)} for t in tasks]
    if not rows:
        return []
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    with warnings.catch_warnings():
        # max_restarts/max_task_retries have no named parameter yet (Ray 2.60 warns about
        # ray_remote_args); without them Ray retries an actor killed by a document forever.
        warnings.simplefilter("ignore", DeprecationWarning)
        ds = _map_shards(ray, _from_items(ray, rows), model_path, precision, workers, threads, batch_docs, max_chars)
    del rows
    committed: list[ShardStats] = []
    try:
        for batch in ds.iter_batches(batch_size=1, batch_format="numpy", prefetch_batches=2):
            for data, stats_json in zip(batch["data"], batch["stats"]):
                stats = ShardStats(**json.loads(stats_json))
                out.commit_shard(stats, bytes(data))
                committed.append(stats)
                progress.done(stats)
    except Exception as exc:  # noqa: BLE001 - Ray wraps worker failures in its own types
        if isinstance(exc, OSError):
            raise
        raise RayRunFailed(f"the Ray job failed after {len(committed)} shards: {type(exc).__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else ''}") from exc
    return committed
