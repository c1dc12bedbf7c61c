"""BIO tag sets and constrained decoding of per-character tag probabilities into spans.

Decoding is a Viterbi search over log-probabilities where the only allowed
transitions are the valid BIO ones (I-X follows B-X or I-X), so a softmax
tagger never yields a broken span.  The score of a span is the mean probability
of its tags.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .base import TaggedSpan


@dataclass(frozen=True)
class TagSet:
    labels: tuple[str, ...]

    @property
    def tags(self) -> list[str]:
        return ["O"] + [f"{p}-{lab}" for lab in self.labels for p in ("B", "I")]

    def __len__(self) -> int:
        return 1 + 2 * len(self.labels)

    def b(self, label: str) -> int:
        return 1 + 2 * self.labels.index(label)

    def encode(self, length: int, spans: list[tuple[str, int, int]]) -> list[int]:
        """Tag ids for a text of ``length`` chars; spans outside the label set are O."""
        ids = [0] * length
        for label, start, end in spans:
            if label not in self.labels or not (0 <= start < end <= length):
                continue
            if any(ids[start:end]):
                continue  # overlapping gold span: keep the first
            b = self.b(label)
            ids[start] = b
            for i in range(start + 1, end):
                ids[i] = b + 1
        return ids

    def allowed(self) -> np.ndarray:
        """allowed[i, j]: may tag j follow tag i?"""
        n = len(self)
        ok = np.ones((n, n), dtype=bool)
        for j in range(1, n):
            if j % 2 == 0:  # I-X: only after B-X or I-X
                ok[:, j] = False
                ok[j - 1, j] = True
                ok[j, j] = True
        return ok

    def start_allowed(self) -> np.ndarray:
        return np.array([i == 0 or i % 2 == 1 for i in range(len(self))])


def viterbi(log_probs: np.ndarray, allowed: np.ndarray, start_ok: np.ndarray) -> list[int]:
    """Best tag path under hard BIO constraints; ``log_probs`` is (length, n_tags)."""
    length, n = log_probs.shape
    if length == 0:
        return []
    neg = np.float32(-1e9)
    trans = np.where(allowed, 0.0, neg).astype(np.float32)
    score = np.where(start_ok, log_probs[0], neg)
    back = np.zeros((length, n), dtype=np.int32)
    for t in range(1, length):
        cand = score[:, None] + trans
        back[t] = cand.argmax(axis=0)
        score = cand.max(axis=0) + log_probs[t]
    path = [int(score.argmax())]
    for t in range(length - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


def decode(probs: np.ndarray, tagset: TagSet) -> list[TaggedSpan]:
    """Spans from (length, n_tags) probabilities."""
    logp = np.log(np.clip(probs, 1e-9, 1.0)).astype(np.float32)
    path = viterbi(logp, tagset.allowed(), tagset.start_allowed())
    return spans_from_path(path, probs, tagset)


def spans_from_path(path: list[int], probs: np.ndarray | None, tagset: TagSet) -> list[TaggedSpan]:
    spans = []
    i = 0
    while i < len(path):
        tag = path[i]
        if tag != 0 and tag % 2 == 1:
            j = i + 1
            while j < len(path) and path[j] == tag + 1:
                j += 1
            label = tagset.labels[(tag - 1) // 2]
            score = float(np.mean([probs[k, path[k]] for k in range(i, j)])) if probs is not None else 1.0
            spans.append(TaggedSpan(label, i, j, score))
            i = j
        else:
            i += 1
    return spans
