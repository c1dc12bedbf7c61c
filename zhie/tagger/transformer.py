"""The trained tagger: loads a model folder (meta.json, config.json, chars.json,
model.safetensors) and tags batches of window texts on the CPU.

Inference precision (``precision``: argument, ``$ZHIE_PRECISION``, meta.json, default
``auto``): ``fp32``; ``bf16`` (weights and activations in bfloat16, fast on CPUs with
native bf16 arithmetic); ``int8`` (dynamic int8 quantisation of the linear layers); ``auto``
picks bf16 where the CPU has native bf16 instructions and fp32 elsewhere (int8 is faster
than fp32 but lost 2.7 points of dev core micro-F1 on the shipped model, bf16 0.3: README,
"The shipped model").
"""
from __future__ import annotations

import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from safetensors.torch import load_file
from transformers import XLMRobertaConfig

from ..registry import taggers
from .base import PRECISIONS, TaggedSpan, Tagger
from .bio import TagSet, decode
from .charvocab import CharVocab
from .network import CharTaggerNet


@lru_cache(maxsize=1)
def cpu_has_native_bf16() -> bool:
    """True when the CPU advertises bf16 arithmetic (AVX512-BF16 or AMX-BF16)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_precision(requested: str | None, meta: dict[str, Any]) -> str:
    """The precision to run at: the argument, else $ZHIE_PRECISION, else meta.json, else auto."""
    choice = (requested or os.environ.get("ZHIE_PRECISION") or meta.get("precision")
              or ("int8" if meta.get("quantize") else "auto"))   # "quantize": older meta.json files
    choice = str(choice).lower()
    if choice not in PRECISIONS:
        raise ValueError(f"unknown precision {choice!r}: choose one of {', '.join(PRECISIONS)}")
    if choice == "auto":
        choice = "bf16" if cpu_has_native_bf16() else "fp32"
    return choice


def apply_precision(net: CharTaggerNet, precision: str) -> torch.nn.Module:
    if precision == "bf16":
        return net.to(torch.bfloat16)
    if precision == "int8":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # torch.ao's deprecation notices; the API still works
            return torch.ao.quantization.quantize_dynamic(net, {torch.nn.Linear}, dtype=torch.qint8)
    return net


@taggers.register("transformer")
class TransformerTagger(Tagger):
    def __init__(self, net: CharTaggerNet, vocab: CharVocab, heads: dict[str, tuple[str, ...]],
                 meta: dict[str, Any], batch_size: int = 16) -> None:
        self.net = net.eval()
        self.vocab = vocab
        self.tagsets = {name: TagSet(tuple(labels)) for name, labels in heads.items()}
        self.meta = meta
        self.name = meta.get("name", "zhie-ner")
        self.version = str(meta.get("version", "0"))
        self.labels = tuple(heads["domain"])
        self.max_len = int(meta.get("max_len", 128))
        self.batch_size = batch_size

    @classmethod
    def load(cls, path: Path, meta: dict[str, Any], precision: str | None = None) -> "TransformerTagger":
        path = Path(path)
        config = XLMRobertaConfig.from_json_file(str(path / "config.json"))
        heads = {name: tuple(labels) for name, labels in meta["heads"].items()}
        net = CharTaggerNet(config, {name: len(TagSet(labels)) for name, labels in heads.items()})
        state = load_file(str(path / "model.safetensors"))
        net.load_state_dict({k: v.float() for k, v in state.items()})
        chosen = resolve_precision(precision, meta)
        tagger = cls(apply_precision(net, chosen), CharVocab.load(path / "chars.json"), heads, meta)
        tagger.precision = chosen
        return tagger

    def probabilities(self, texts: Sequence[str], head: str = "domain") -> list[np.ndarray]:
        """Per-character tag probabilities (length, n_tags) for each text."""
        return self.head_probabilities(texts, (head,))[head]

    def head_probabilities(self, texts: Sequence[str], heads: tuple[str, ...]) -> dict[str, list[np.ndarray]]:
        """Per-character tag probabilities of several heads, from one encoder pass per batch."""
        out: dict[str, list] = {h: [None] * len(texts) for h in heads}
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        v = self.vocab
        with torch.inference_mode():
            for b in range(0, len(order), self.batch_size):
                idx = order[b:b + self.batch_size]
                width = max(len(texts[i]) for i in idx) + 2
                ids = torch.full((len(idx), width), v.pad_id, dtype=torch.long)
                mask = torch.zeros((len(idx), width), dtype=torch.long)
                for row, i in enumerate(idx):
                    enc = [v.cls_id] + v.encode(texts[i]) + [v.sep_id]
                    ids[row, :len(enc)] = torch.tensor(enc)
                    mask[row, :len(enc)] = 1
                logits = self.net.forward_heads(ids, mask, heads)
                for h in heads:
                    probs = torch.softmax(logits[h].float(), dim=-1).numpy()
                    for row, i in enumerate(idx):
                        out[h][i] = probs[row, 1:1 + len(texts[i])]
        return out

    @property
    def extra_heads(self) -> tuple[str, ...]:
        """Heads beyond the entity head that the pipeline reads (the learned event triggers)."""
        return ("trigger",) if "trigger" in self.tagsets else ()

    def tag(self, texts: Sequence[str], head: str = "domain") -> list[list[TaggedSpan]]:
        return self.tag_heads(texts, (head,))[head]

    def tag_heads(self, texts: Sequence[str], heads: tuple[str, ...]) -> dict[str, list[list[TaggedSpan]]]:
        """Spans of several heads, from one encoder pass."""
        for t in texts:
            if len(t) > self.max_len:
                raise ValueError(f"window of {len(t)} characters exceeds max_len {self.max_len}")
        probs = self.head_probabilities(texts, heads)
        return {h: [decode(p, self.tagsets[h]) if len(p) else [] for p in probs[h]] for h in heads}
