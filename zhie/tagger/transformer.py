"""The trained tagger: saves and loads a model folder (meta.json, config.json, chars.json,
model.safetensors: ``save_tagger_files`` / ``TransformerTagger.save`` and ``TransformerTagger.load``)
and tags window texts on the CPU, on one of two runtimes.

Runtime (``runtime``: argument — ``--runtime`` or ``$ZHIE_RUNTIME``, zhie/settings.py —, meta.json, default ``auto``): ``torch`` (the
network of network.py, also what training uses) or ``onnx`` (ONNX Runtime on a graph exported from
the same weights into a cache directory on first use: export.py, onnx_runtime.py).  ``auto`` is the
runtime chosen by measurement at that precision (``DEFAULT_RUNTIME``: ONNX Runtime for fp32 and
int8, torch for bf16; benchmarks/tagger_throughput.py).

Inference precision (``precision``: argument — ``--precision`` or ``$ZHIE_PRECISION`` —, meta.json, default ``auto``):
``fp32``; ``bf16`` (weights and activations in bfloat16, fast on CPUs with native bf16 arithmetic;
torch only); ``int8`` (int8 linear layers: dynamic quantisation in torch, per-channel weights and
per-run activations in ONNX Runtime); ``auto`` is fp32 on ONNX Runtime (the default), and on the
torch runtime bf16 where the CPU has native bf16 instructions, fp32 elsewhere.

Whatever the runtime, every window is run alone, in a shape that depends only on its own length
(no padding, no neighbours), so a document gets the same numbers whatever it is tagged with.  On
ONNX Runtime each run is also single-threaded, so the numbers do not depend on the thread count
either (``zhie extract`` with 2 threads = ``zhie batch`` with two 1-thread workers); torch's bf16
kernels give other last bits with 1 and 2 threads, which is one reason the default is ONNX Runtime.
"""
from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..registry import taggers
from .base import PRECISIONS, RUNTIMES, TaggedSpan, Tagger
from .bio import TagSet, decode
from .charvocab import CharVocab

# The files of a tagger's model folder (written by save_tagger_files, read by TransformerTagger.load)
CONFIG_FILE, CHARS_FILE, WEIGHTS_FILE, META_FILE = "config.json", "chars.json", "model.safetensors", "meta.json"

# What runtime ``auto`` means at each precision, chosen by measurement (benchmarks/tagger_throughput.py).
DEFAULT_RUNTIME = {"fp32": "onnx", "bf16": "torch", "int8": "onnx", "int8-static": "onnx"}


@lru_cache(maxsize=1)
def cpu_has_native_bf16() -> bool:
    """True when the CPU advertises bf16 arithmetic (AVX512-BF16 or AMX-BF16)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _requested_runtime(requested: str | None, meta: dict[str, Any]) -> str:
    choice = str(requested or meta.get("runtime") or "auto").lower()
    if choice not in RUNTIMES:
        raise ValueError(f"unknown runtime {choice!r}: choose one of {', '.join(RUNTIMES)}")
    return choice


def resolve_precision(requested: str | None, meta: dict[str, Any], runtime: str | None = None) -> str:
    """The precision to run at: the argument (the entry points pass --precision, else $ZHIE_PRECISION),
    else meta.json, else auto — fp32 on ONNX Runtime (the default runtime), and on torch bf16 where the
    CPU has native bf16.  ``runtime`` is the requested runtime (argument, else meta.json, else auto)."""
    choice = (requested or meta.get("precision")
              or ("int8" if meta.get("quantize") else "auto"))   # "quantize": older meta.json files
    choice = str(choice).lower()
    if choice not in PRECISIONS:
        raise ValueError(f"unknown precision {choice!r}: choose one of {', '.join(PRECISIONS)}")
    if choice == "auto":
        on_torch = _requested_runtime(runtime, meta) in ("torch", "torch-padded")
        choice = "bf16" if on_torch and cpu_has_native_bf16() else "fp32"
    return choice


def resolve_runtime(requested: str | None, meta: dict[str, Any], precision: str) -> str:
    """The runtime to run ``precision`` on: the argument (--runtime, else $ZHIE_RUNTIME), else meta.json, else auto."""
    choice = _requested_runtime(requested, meta)
    if choice == "auto":
        choice = DEFAULT_RUNTIME[precision]
    if choice == "onnx" and precision == "bf16":
        raise ValueError("precision bf16 runs on the torch runtime only (ONNX Runtime has no bf16 kernels "
                         "for this CPU): choose --precision fp32 or int8 with the onnx runtime")
    if choice != "onnx" and precision == "int8-static":
        raise ValueError("precision int8-static (calibrated activation scales) runs on the onnx runtime only: "
                         "choose --runtime onnx, or --precision int8 on torch")
    return choice


def build_network(path: Path, heads: dict[str, tuple[str, ...]]):
    """The fp32 torch network of a model folder."""
    from safetensors.torch import load_file
    from transformers import XLMRobertaConfig

    from .network import CharTaggerNet
    config = XLMRobertaConfig.from_json_file(str(Path(path) / CONFIG_FILE))
    net = CharTaggerNet(config, {name: len(TagSet(labels)) for name, labels in heads.items()})
    state = load_file(str(Path(path) / WEIGHTS_FILE))
    net.load_state_dict({k: v.float() for k, v in state.items()})
    return net.eval()


def save_tagger_files(out_dir: Path, net, vocab: CharVocab, config, meta: dict[str, Any]) -> Path:
    """Write the files ``TransformerTagger.load`` reads: the network's weights in fp16
    (model.safetensors), its encoder config (config.json), the character vocabulary (chars.json)
    and ``meta`` (meta.json, which names the heads)."""
    import json

    import torch
    from safetensors.torch import save_file

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    net = net.eval()
    tensors = {k: v.detach().to(torch.float16).contiguous() for k, v in net.state_dict().items()}
    save_file(tensors, str(out_dir / WEIGHTS_FILE))
    config.to_json_file(str(out_dir / CONFIG_FILE))
    vocab.save(out_dir / CHARS_FILE)
    (out_dir / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out_dir


def apply_precision(net, precision: str):
    import torch
    if precision == "bf16":
        return net.to(torch.bfloat16)
    if precision == "int8":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # torch.ao's deprecation notices; the API still works
            return torch.ao.quantization.quantize_dynamic(net, {torch.nn.Linear}, dtype=torch.qint8)
    return net


class TorchEngine:
    """Runs the torch network one window at a time (``alone``), or — only to measure what that costs —
    padded batches of ``batch_size`` windows sorted by length, as zhie 0.3.0 did."""

    def __init__(self, net, pad_id: int, alone: bool = True, batch_size: int = 16) -> None:
        self.net = net.eval()
        self.pad_id = pad_id
        self.alone = alone
        self.batch_size = batch_size

    def warm_up(self) -> None:
        self.run([[0] + [6] * 30 + [2]], ("domain",))

    def run(self, encoded: Sequence[list[int]], heads: tuple[str, ...]) -> dict[str, list[np.ndarray]]:
        import torch
        out: dict[str, list] = {h: [None] * len(encoded) for h in heads}
        if self.alone:
            groups = [[i] for i in range(len(encoded))]
        else:
            order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
            groups = [order[b:b + self.batch_size] for b in range(0, len(order), self.batch_size)]
        with torch.inference_mode():
            for idx in groups:
                width = max(len(encoded[i]) for i in idx)
                ids = torch.full((len(idx), width), self.pad_id, dtype=torch.long)
                mask = torch.zeros((len(idx), width), dtype=torch.long)
                for row, i in enumerate(idx):
                    ids[row, :len(encoded[i])] = torch.tensor(encoded[i])
                    mask[row, :len(encoded[i])] = 1
                logits = self.net.forward_heads(ids, mask, heads)
                for h in heads:
                    probs = torch.softmax(logits[h].float(), dim=-1).numpy()
                    for row, i in enumerate(idx):
                        out[h][i] = probs[row, 1:len(encoded[i]) - 1]
        return out


@taggers.register("transformer")
class TransformerTagger(Tagger):
    def __init__(self, engine: Any, vocab: CharVocab, heads: dict[str, tuple[str, ...]],
                 meta: dict[str, Any], runtime: str = "torch", folder: Path | None = None) -> None:
        self.engine = engine
        self.vocab = vocab
        self.heads = heads
        self.tagsets = {name: TagSet(tuple(labels)) for name, labels in heads.items()}
        self.meta = meta
        self.name = meta.get("name", "zhie-ner")
        self.version = str(meta.get("version", "0"))
        self.labels = tuple(heads["domain"])
        self.max_len = int(meta.get("max_len", 128))
        self.runtime = runtime
        self._folder = folder
        self._net = engine.net if isinstance(engine, TorchEngine) else None

    @classmethod
    def load(cls, path: Path, meta: dict[str, Any], precision: str | None = None, runtime: str | None = None,
             warm_up: bool = True, threads: int | None = None, cache: Path | None = None) -> "TransformerTagger":
        """``threads``: windows the ONNX engine tags at once (None: the CPUs this process may use);
        ``cache``: the folder of exported ONNX graphs (None: ~/.cache/zhie)."""
        path = Path(path)
        heads = {name: tuple(labels) for name, labels in meta["heads"].items()}
        chosen = resolve_precision(precision, meta, runtime)
        engine_name = resolve_runtime(runtime, meta, chosen)
        vocab = CharVocab.load(path / CHARS_FILE)
        if engine_name == "onnx":
            from .export import ensure_onnx
            from .onnx_runtime import OnnxEngine
            model_file = ensure_onnx(path, tuple(heads), chosen, lambda: build_network(path, heads), cache,
                                     max_len=int(meta.get("max_len", 128)))
            engine: Any = OnnxEngine(model_file, tuple(heads), threads)
        else:
            # torch-padded: 0.3.0's padded batches — faster on an idle bf16 CPU, but a window's numbers
            # then depend on its neighbours (README "The model")
            engine = TorchEngine(apply_precision(build_network(path, heads), chosen), vocab.pad_id,
                                 alone=engine_name != "torch-padded")
        if warm_up:
            engine.warm_up()
        tagger = cls(engine, vocab, heads, meta, runtime=engine_name, folder=path)
        tagger.precision = chosen
        return tagger

    def save(self, out_dir: Path, meta: dict[str, Any] | None = None) -> Path:
        """Write this tagger's model folder files (``save_tagger_files``; ``meta``: default its own)."""
        net = self.net
        return save_tagger_files(out_dir, net, self.vocab, net.encoder.config, self.meta if meta is None else meta)

    @property
    def net(self):
        """The torch network (training and export read it); built in fp32 on first use when the tagger
        runs on ONNX Runtime."""
        if self._net is None:
            self._net = build_network(self._folder, self.heads)
        return self._net

    def encode(self, text: str) -> list[int]:
        v = self.vocab
        return [v.cls_id] + v.encode(text) + [v.sep_id]

    def probabilities(self, texts: Sequence[str], head: str = "domain") -> list[np.ndarray]:
        """Per-character tag probabilities (length, n_tags) for each text."""
        return self.head_probabilities(texts, (head,))[head]

    def head_probabilities(self, texts: Sequence[str], heads: tuple[str, ...]) -> dict[str, list[np.ndarray]]:
        """Per-character tag probabilities of several heads, from one encoder pass per window."""
        unknown = [h for h in heads if h not in self.tagsets]
        if unknown:
            raise ValueError(f"the model has no head {unknown[0]!r} (it has {', '.join(self.tagsets)})")
        return self.engine.run([self.encode(t) for t in texts], heads)

    @property
    def extra_heads(self) -> tuple[str, ...]:
        """Heads beyond the entity head that the pipeline reads (the learned event triggers)."""
        return ("trigger",) if "trigger" in self.tagsets else ()

    def tag(self, texts: Sequence[str], head: str = "domain") -> list[list[TaggedSpan]]:
        return self.tag_heads(texts, (head,))[head]

    def tag_heads(self, texts: Sequence[str], heads: tuple[str, ...]) -> dict[str, list[list[TaggedSpan]]]:
        """Spans of several heads, from one encoder pass per window."""
        for t in texts:
            if len(t) > self.max_len:
                raise ValueError(f"window of {len(t)} characters exceeds max_len {self.max_len}")
        probs = self.head_probabilities(texts, heads)
        return {h: [decode(p, self.tagsets[h]) if len(p) else [] for p in probs[h]] for h in heads}
