"""Knowledge distillation: a smaller student learns the teacher's tag distributions.

The teacher is an accurate zhie model (run in fp32, no gradient); the student is usually the same
model with fewer encoder layers (``--keep-layers``).  Every batch of a head the teacher has adds the
Kullback-Leibler divergence between the two softened distributions (temperature ``T``, scaled by
``T²``) over the real characters of the window; batches with gold tags mix it with the usual
cross-entropy (``alpha`` the gold's share).  Unlabelled windows (``unlabelled_examples``: raw news
text, no tags) give the distillation term alone, so the student sees far more real text than was
annotated.  The sealed test and any held-out gold named by the caller never enter the unlabelled text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import torch
import torch.nn.functional as F

from .examples import Example, read_jsonl

# words that mark an article about development zones, investment and officials' visits (iNews is general news)
ZONE_WORDS = re.compile(r"开发区|高新区|园区|保税区|新区|自贸|招商|签约|项目|投资|调研|考察|管委会|产业")


@dataclass
class Distillation:
    teacher: torch.nn.Module
    sep_id: int                 # the vocabulary's SEP, left out with CLS and padding
    temperature: float = 2.0
    alpha: float = 0.5          # share of the gold cross-entropy where a batch has gold tags

    def loss(self, student_logits: torch.Tensor, ids: torch.Tensor, mask: torch.Tensor, head: str,
             gold_loss: torch.Tensor | None) -> torch.Tensor | None:
        """The batch's loss: distillation on every real character, mixed with the gold loss if any
        (the gold loss alone, or None, for a head the teacher lacks)."""
        if head not in self.teacher.heads:
            return gold_loss
        with torch.no_grad():
            teacher_logits = self.teacher(ids, mask, head=head)
        t = self.temperature
        chars = mask.bool().clone()
        chars[:, 0] = False                       # the CLS token
        chars &= ids != self.sep_id               # and SEP
        s = F.log_softmax(student_logits[chars] / t, dim=-1)
        p = F.softmax(teacher_logits[chars] / t, dim=-1)
        kd = F.kl_div(s, p, reduction="batchmean") * (t * t)
        if gold_loss is None:
            return kd
        return self.alpha * gold_loss + (1.0 - self.alpha) * kd


def load_teacher(model_dir: Path) -> torch.nn.Module:
    """The teacher network in fp32, evaluation mode, frozen."""
    from zhie.model import load_model
    from zhie.tagger.transformer import TransformerTagger
    meta = load_model(model_dir).tagger_meta()
    net = TransformerTagger.load(Path(model_dir), meta, precision="fp32", runtime="torch", warm_up=False).net
    net.eval()
    for p in net.parameters():
        p.requires_grad_(False)
    return net


def read_texts(path: Path) -> Iterable[tuple[str, str]]:
    """(id, text) from JSON Lines of ``{id, text}`` (zone-news) or ``{title, content}`` (iNews)."""
    for n, row in enumerate(read_jsonl(path)):
        text = row.get("text") or "\n".join(x for x in (row.get("title"), row.get("content")) if x)
        yield str(row.get("id", f"{path.name}:{n}")), text


def unlabelled_examples(paths: list[Path], exclude_ids: set[str], max_len: int, *, zone_only: bool = True,
                        limit_chars: int | None = None) -> tuple[list[Example], dict[str, Any]]:
    """Windows of raw text for the distillation term, cut as the tagger cuts articles.

    Documents whose id is in ``exclude_ids`` (the sealed test, held-out parts) are left out;
    with ``zone_only`` only articles with a zone/investment word are kept."""
    from .domain import doc_to_examples
    out: list[Example] = []
    record: dict[str, Any] = {"files": [str(p) for p in paths], "excluded": 0, "documents": 0, "characters": 0}
    for path in paths:
        if limit_chars is not None and record["characters"] >= limit_chars:
            break
        for doc_id, text in read_texts(path):
            if doc_id in exclude_ids:
                record["excluded"] += 1
                continue
            if not text.strip() or (zone_only and not ZONE_WORDS.search(text)):
                continue
            windows = doc_to_examples({"id": doc_id, "text": text, "entities": []}, max_len)
            for ex in windows:
                ex.labelled = False
            out += windows
            record["documents"] += 1
            record["characters"] += len(text)
            if limit_chars is not None and record["characters"] >= limit_chars:
                break
    record["windows"] = len(out)
    return out, record
