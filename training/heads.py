"""Fit one head of a trained model on its frozen encoder.

A head added to an existing model (the event-trigger head of 0.3.0, whose parent had none) sees too
few batches in the shared domain stage to become confident.  ``fit_head`` computes the encoder's
features of every training window once, then fits the head alone on them for several epochs
(weighted cross-entropy, since almost every character is outside a trigger).  The encoder and the
other heads do not change, so the entity figures of the model stay exactly as they were.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import torch

from zhie.tagger.bio import TagSet
from zhie.tagger.charvocab import CharVocab
from zhie.tagger.network import CharTaggerNet

from .examples import Example
from .trainer import encode_batch


@dataclass
class HeadFit:
    head: str
    windows: int
    characters: int
    epochs: int
    final_loss: float
    outside_weight: float


def _features(net: CharTaggerNet, vocab: CharVocab, examples: list[Example], tagset: TagSet,
              batch_size: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """Encoder features and gold tags of every labelled character of ``examples``."""
    feats, golds = [], []
    net.eval()
    with torch.inference_mode():
        for b in range(0, len(examples), batch_size):
            ids, mask, gold = encode_batch(examples[b:b + batch_size], vocab, tagset)
            hidden = net.encoder(input_ids=ids, attention_mask=mask).last_hidden_state.float()
            keep = gold != -100
            feats.append(hidden[keep])
            golds.append(gold[keep])
    return torch.cat(feats), torch.cat(golds)


def fit_head(net: CharTaggerNet, vocab: CharVocab, examples: list[Example], head: str, labels: tuple[str, ...],
             epochs: int = 40, lr: float = 3e-3, outside_weight: float = 0.3, seed: int = 13,
             batch_size: int = 512) -> HeadFit:
    """Fit ``net.heads[head]`` on the frozen encoder's features of ``examples``."""
    tagset = TagSet(labels)
    x, y = _features(net, vocab, examples, tagset)
    layer = net.heads[head]
    layer.train()
    gen = torch.Generator().manual_seed(seed)
    weights = torch.ones(len(tagset))
    weights[0] = outside_weight   # tag 0 is O
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    opt = torch.optim.AdamW(layer.parameters(), lr=lr, weight_decay=0.01)
    random.seed(seed)
    loss_value = 0.0
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        total, n = 0.0, 0
        for b in range(0, len(x), batch_size):
            idx = order[b:b + batch_size]
            loss = loss_fn(layer(x[idx]), y[idx])
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            total, n = total + loss.item() * len(idx), n + len(idx)
        loss_value = total / max(1, n)
    layer.eval()
    return HeadFit(head, len(examples), len(x), epochs, round(loss_value, 4), outside_weight)
