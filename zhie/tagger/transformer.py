"""The trained tagger: loads a model folder (meta.json, config.json, chars.json,
model.safetensors) and tags batches of window texts on the CPU.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from safetensors.torch import load_file
from transformers import XLMRobertaConfig

from ..registry import taggers
from .base import TaggedSpan, Tagger
from .bio import TagSet, decode
from .charvocab import CharVocab
from .network import CharTaggerNet


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
    def load(cls, path: Path, meta: dict[str, Any], quantize: bool | None = None) -> "TransformerTagger":
        path = Path(path)
        config = XLMRobertaConfig.from_json_file(str(path / "config.json"))
        heads = {name: tuple(labels) for name, labels in meta["heads"].items()}
        net = CharTaggerNet(config, {name: len(TagSet(labels)) for name, labels in heads.items()})
        state = load_file(str(path / "model.safetensors"))
        net.load_state_dict({k: v.float() for k, v in state.items()})
        if quantize if quantize is not None else meta.get("quantize", False):
            net = torch.ao.quantization.quantize_dynamic(net, {torch.nn.Linear}, dtype=torch.qint8)
        return cls(net, CharVocab.load(path / "chars.json"), heads, meta)

    def probabilities(self, texts: Sequence[str], head: str = "domain") -> list[np.ndarray]:
        """Per-character tag probabilities (length, n_tags) for each text."""
        out: list[np.ndarray | None] = [None] * len(texts)
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
                probs = torch.softmax(self.net(ids, mask, head=head).float(), dim=-1).numpy()
                for row, i in enumerate(idx):
                    out[i] = probs[row, 1:1 + len(texts[i])]
        return out  # type: ignore[return-value]

    def tag(self, texts: Sequence[str], head: str = "domain") -> list[list[TaggedSpan]]:
        for t in texts:
            if len(t) > self.max_len:
                raise ValueError(f"window of {len(t)} characters exceeds max_len {self.max_len}")
        tagset = self.tagsets[head]
        return [decode(p, tagset) if len(p) else [] for p in self.probabilities(texts, head)]
