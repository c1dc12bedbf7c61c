"""The neural tagger: a (layer-truncated) XLM-R encoder with one linear head per tag set.

The ``domain`` head predicts the project's labels; auxiliary heads (``cluener``,
``msra``) are trained on the public corpora with their own labels and share the
encoder, so that general-news knowledge transfers without forcing a label mapping.
"""
from __future__ import annotations

import torch
from torch import nn
from transformers import XLMRobertaConfig, XLMRobertaModel


class CharTaggerNet(nn.Module):
    def __init__(self, config: XLMRobertaConfig, heads: dict[str, int], dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = XLMRobertaModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(dropout)
        self.heads = nn.ModuleDict({name: nn.Linear(config.hidden_size, n) for name, n in heads.items()})

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, head: str = "domain") -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.heads[head](self.dropout(hidden))

    def forward_heads(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                      heads: tuple[str, ...]) -> dict[str, torch.Tensor]:
        """The logits of several heads from one pass of the encoder."""
        hidden = self.dropout(self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state)
        return {h: self.heads[h](hidden) for h in heads}
