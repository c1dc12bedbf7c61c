"""External benchmarks through the auxiliary heads: CLUENER2020 dev and MSRA NER test,
scored per label with strict spans (the published figures use the same counting).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from tqdm import tqdm

from zhie.evaluate import PRF
from zhie.tagger.transformer import TransformerTagger

from .corpora import read_cluener, read_msra
from .examples import Example


def score_head(tagger: TransformerTagger, examples: list[Example], head: str, desc: str) -> dict[str, dict]:
    per_label: dict[str, PRF] = {}
    batch = 64
    for b in tqdm(range(0, len(examples), batch), desc=desc, unit="batch"):
        chunk = examples[b:b + batch]
        preds = tagger.tag([ex.text for ex in chunk], head=head)
        for ex, spans in zip(chunk, preds):
            gold = Counter(ex.spans)
            pred = Counter((s.label, s.start, s.end) for s in spans)
            for label in set(l for l, _, _ in gold) | set(l for l, _, _ in pred):
                per_label.setdefault(label, PRF()).add(Counter({k: v for k, v in gold.items() if k[0] == label}),
                                                      Counter({k: v for k, v in pred.items() if k[0] == label}))
    out = {l: p.to_dict() for l, p in sorted(per_label.items())}
    micro = PRF()
    for p in per_label.values():
        micro.tp, micro.fp, micro.fn = micro.tp + p.tp, micro.fp + p.fp, micro.fn + p.fn
    out["micro"] = micro.to_dict()
    return out


def evaluate_public(tagger: TransformerTagger, cluener_dev: Path | None, msra_test: Path | None,
                    limit: int | None = None) -> dict[str, dict]:
    results: dict[str, dict] = {}
    if cluener_dev:
        ex = read_cluener(Path(cluener_dev))[:limit]
        results["cluener_dev"] = score_head(tagger, ex, "cluener", "CLUENER dev")
    if msra_test:
        ex = [e for e in read_msra(Path(msra_test), max_len=min(126, tagger.max_len))][:limit]
        results["msra_test"] = score_head(tagger, ex, "msra", "MSRA test")
    return results
