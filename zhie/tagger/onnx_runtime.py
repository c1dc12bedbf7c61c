"""The ONNX Runtime engine of the neural tagger: one window per run, single-threaded runs in parallel.

Every window runs alone, in the shape (1, its own length + 2) with no padding, on a session with one
intra-op thread: the numbers a window gets depend only on its own characters, never on the windows
tagged with it, the batch size or the number of threads (SCHEMA: the same document gives the same
output alone, in a batch request, in ``zhie extract`` and in ``zhie batch``).  Throughput comes from
running ``threads`` windows at once from a small thread pool (ONNX Runtime releases the GIL).

The session leaves out the SkipLayerNormalization fusion (``DISABLED_OPTIMIZERS``: slower than what
it fuses on this CPU build, export.py).  The thread pool of ONNX Runtime itself does not spin while waiting for work
(``session.intra_op.allow_spinning = 0``), so a CPU-bound neighbour process costs it its share of the
cores and no more.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

import numpy as np

WARM_LENGTHS = (3, 18, 34, 66, 130)   # window lengths (with CLS/SEP) run once at load time
# ONNX Runtime's load-time fusions left out: SkipLayerNormalization ran 5-6x slower than the Add +
# LayerNormalization it replaces (export.py), and the static int8 graph's Add + LayerNormalization
# would be fused into it at load time otherwise.
DISABLED_OPTIMIZERS = ("SkipLayerNormFusion", "BiasSkipLayerNormFusion")


def default_threads() -> int:
    """Windows tagged at once when the caller gives no number (the entry points pass
    $ZHIE_TAGGER_THREADS, else $OMP_NUM_THREADS: zhie/settings.py): the CPUs this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class OnnxEngine:
    """Runs an exported tagger graph (export.py) on id sequences that already hold CLS and SEP."""

    def __init__(self, model_file: Path, heads: tuple[str, ...], threads: int | None = None) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"],
                                            disabled_optimizers=list(DISABLED_OPTIMIZERS))
        outputs = [o.name for o in self.session.get_outputs()]
        missing = [h for h in heads if h not in outputs]
        if missing:
            raise ValueError(f"{model_file} has no output for head {missing[0]!r} (outputs: {outputs})")
        self.model_file = Path(model_file)
        self.heads = heads
        self.threads = threads or default_threads()
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="zhie-onnx") if self.threads > 1 else None

    def warm_up(self) -> None:
        """Run a few window shapes once so that the first real windows find the allocator ready."""
        for n in WARM_LENGTHS:
            self._run_one(np.array([[0] + [6] * (n - 2) + [2]], dtype=np.int64))

    def _run_one(self, ids: np.ndarray) -> list[np.ndarray]:
        return self.session.run(list(self.heads), {"input_ids": ids})

    def run(self, encoded: Sequence[list[int]], heads: tuple[str, ...]) -> dict[str, list[np.ndarray]]:
        """Tag probabilities (length, n_tags) per sequence and head, CLS and SEP dropped."""
        unknown = [h for h in heads if h not in self.heads]
        if unknown:
            raise ValueError(f"the exported graph has no head {unknown[0]!r} (it has {', '.join(self.heads)})")
        inputs = [np.asarray(e, dtype=np.int64)[None, :] for e in encoded]
        if self._pool is not None and len(inputs) > 1:
            results = list(self._pool.map(self._run_one, inputs))
        else:
            results = [self._run_one(x) for x in inputs]
        where = {h: self.heads.index(h) for h in heads}
        return {h: [r[where[h]][0, 1:-1] for r in results] for h in heads}

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None
