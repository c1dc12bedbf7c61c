"""The review queue's measure of how unsure the model was about a document.

For a prediction with entity scores s₁ … sₙ (a span's score is the mean probability of
its tags, ``zhie.tagger.bio``):

- ``uncertainty = 1 − min(sᵢ)``: the weakest span decides, because one doubtful span is
  enough to need a human look; a non-empty document where the model found no entity at
  all gets ``uncertainty = 1`` (a total miss is the worst case, and quick to confirm);
- ``low_confidence``: the number of spans with a score below ``LOW_CONFIDENCE`` (0.8);
- ``mean_score``: the mean of the sᵢ.

The queue lists unreviewed documents by ``uncertainty`` (highest first), then
``low_confidence`` (most first), then ``mean_score`` (lowest first), then the order of
arrival.  Spans without a score (imported annotations) count as certain.
"""
from __future__ import annotations

from .records import Annotation, ScoreSummary

LOW_CONFIDENCE = 0.8


def score_summary(annotation: Annotation, text: str) -> ScoreSummary:
    scores = [float(e.score) for e in annotation.entities if e.score is not None]
    if not annotation.entities:
        return ScoreSummary(uncertainty=1.0 if text.strip() else 0.0, min_score=None, mean_score=None,
                            low_confidence=0, entities=0)
    if not scores:
        return ScoreSummary(0.0, None, None, 0, len(annotation.entities))
    low = min(scores)
    return ScoreSummary(uncertainty=max(0.0, 1.0 - low), min_score=low, mean_score=sum(scores) / len(scores),
                        low_confidence=sum(s < LOW_CONFIDENCE for s in scores), entities=len(annotation.entities))
