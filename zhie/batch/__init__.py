"""Batch reprocessing of archives: ``zhie batch INPUT -o OUTPUT_DIR``.

An archive (a JSON Lines file, a folder of .txt/.jsonl files, or a glob) is cut into
shards of ``shard_size`` documents in input order; each shard is processed by a worker
that loaded the model once (local processes, or Ray actors) and committed atomically as
``part-NNNNN.jsonl``.  A run can be killed at any moment and started again with the same
command: it finishes the remaining shards only, and the output is byte-identical to an
uninterrupted run.  ``summary.json`` holds the counts, throughput and the model used.

Modules: ``sources`` (input discovery and reading), ``shards`` (plan, manifest, atomic
writes), ``work`` (one shard through the pipeline), ``local`` (multiprocessing engine),
``ray_engine`` (Ray Data engine), ``progress`` (bar or log lines), ``job`` (one run).
"""
from .job import BatchError, BatchOptions, run_batch

__all__ = ["BatchError", "BatchOptions", "run_batch"]
