"""One evaluate() for every model: entities per label (strict offsets), AMOUNT/DATE
normalisation accuracy, relations, event triggers and event arguments.

Entities match when label, start and end are equal.  Relations match when type and
both endpoint spans (label, start, end) match.  Triggers match on (type, start, end);
arguments are counted as the multiset of (event type, role, argument text) per document.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from .schema import CORE_LABELS, ENTITY_LABELS, EVENT_ROLES, RELATION_TYPES


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Counter, pred: Counter) -> None:
        both = gold & pred
        self.tp += sum(both.values())
        self.fp += sum((pred - both).values())
        self.fn += sum((gold - both).values())

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "support": self.tp + self.fn, "predicted": self.tp + self.fp, "tp": self.tp}


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"accuracy": round(self.value, 4), "correct": self.correct, "total": self.total}


@dataclass
class EvalReport:
    documents: int = 0
    entities: dict[str, PRF] = field(default_factory=lambda: {l: PRF() for l in ENTITY_LABELS})
    normalisation: dict[str, Accuracy] = field(default_factory=lambda: {"AMOUNT": Accuracy(), "DATE": Accuracy()})
    norm_errors: list[dict[str, Any]] = field(default_factory=list)
    relations: dict[str, PRF] = field(default_factory=lambda: {t: PRF() for t in RELATION_TYPES})
    triggers: dict[str, PRF] = field(default_factory=lambda: {t: PRF() for t in EVENT_ROLES})
    arguments: dict[str, PRF] = field(default_factory=lambda: {t: PRF() for t in EVENT_ROLES})
    event_free_docs: int = 0  # gold documents with no event (the negative cases live there)
    events_in_event_free_docs: int = 0  # events predicted in those documents: should be 0

    @staticmethod
    def micro(parts: Iterable[PRF]) -> PRF:
        total = PRF()
        for p in parts:
            total.tp, total.fp, total.fn = total.tp + p.tp, total.fp + p.fp, total.fn + p.fn
        return total

    def to_dict(self) -> dict[str, Any]:
        core = self.micro(self.entities[l] for l in CORE_LABELS)
        return {
            "documents": self.documents,
            "entities": {l: p.to_dict() for l, p in self.entities.items()},
            "entities_micro_core": core.to_dict(),
            "entities_micro_all": self.micro(self.entities.values()).to_dict(),
            "normalisation": {k: v.to_dict() for k, v in self.normalisation.items()},
            "relations": {t: p.to_dict() for t, p in self.relations.items()},
            "relations_micro": self.micro(self.relations.values()).to_dict(),
            "triggers": {t: p.to_dict() for t, p in self.triggers.items()},
            "triggers_micro": self.micro(self.triggers.values()).to_dict(),
            "arguments": {t: p.to_dict() for t, p in self.arguments.items()},
            "arguments_micro": self.micro(self.arguments.values()).to_dict(),
            "negatives": {"event_free_documents": self.event_free_docs,
                          "events_predicted_there": self.events_in_event_free_docs},
        }

    def to_table(self) -> str:
        d = self.to_dict()
        rows = [f"documents: {self.documents}", "",
                f"{'entities':<22}{'P':>8}{'R':>8}{'F1':>8}{'gold':>7}{'pred':>7}"]

        def line(name: str, x: dict) -> str:
            return f"{name:<22}{x['precision']:>8.4f}{x['recall']:>8.4f}{x['f1']:>8.4f}{x['support']:>7}{x['predicted']:>7}"

        rows += [line(l, d["entities"][l]) for l in ENTITY_LABELS]
        rows += [line("micro (core)", d["entities_micro_core"]), line("micro (all)", d["entities_micro_all"]), ""]
        for k, v in d["normalisation"].items():
            rows.append(f"normalisation {k:<8} accuracy {v['accuracy']:.4f} ({v['correct']}/{v['total']} matched spans)")
        rows += ["", f"{'relations':<22}{'P':>8}{'R':>8}{'F1':>8}{'gold':>7}{'pred':>7}"]
        rows += [line(t, d["relations"][t]) for t in RELATION_TYPES] + [line("micro", d["relations_micro"]), ""]
        rows += [f"{'event triggers':<22}{'P':>8}{'R':>8}{'F1':>8}{'gold':>7}{'pred':>7}"]
        rows += [line(t, d["triggers"][t]) for t in EVENT_ROLES] + [line("micro", d["triggers_micro"]), ""]
        rows += [f"{'event arguments':<22}{'P':>8}{'R':>8}{'F1':>8}{'gold':>7}{'pred':>7}"]
        rows += [line(t, d["arguments"][t]) for t in EVENT_ROLES] + [line("micro", d["arguments_micro"])]
        rows += ["", f"events predicted in the {self.event_free_docs} documents without gold events: "
                     f"{self.events_in_event_free_docs}"]
        return "\n".join(rows)


def _same_amount(g: dict, p: dict) -> bool:
    gv, pv = g.get("value"), p.get("value")
    if (gv is None) != (pv is None):
        return False
    if gv is not None and not math.isclose(float(gv), float(pv), rel_tol=1e-9, abs_tol=1e-6):
        return False
    return g.get("unit") == p.get("unit") and bool(g.get("approx")) == bool(p.get("approx"))


def _has_norm(e: dict) -> bool:
    if e["label"] == "AMOUNT":
        return "unit" in e or "value" in e
    if e["label"] == "DATE":
        return "norm" in e
    return False


def evaluate_pair(report: EvalReport, gold: dict[str, Any], pred: dict[str, Any]) -> None:
    report.documents += 1
    key = lambda e: (e["label"], e["start"], e["end"])  # noqa: E731
    g_ents = {key(e): e for e in gold.get("entities", [])}
    p_ents = {key(e): e for e in pred.get("entities", [])}
    for label in ENTITY_LABELS:
        report.entities.setdefault(label, PRF()).add(
            Counter(k for k in g_ents if k[0] == label), Counter(k for k in p_ents if k[0] == label))
    for k, g in g_ents.items():
        p = p_ents.get(k)
        if p is None or not _has_norm(g):
            continue
        ok = _same_amount(g, p) if g["label"] == "AMOUNT" else g.get("norm") == p.get("norm")
        acc = report.normalisation[g["label"]]
        acc.total += 1
        acc.correct += ok
        if not ok:
            report.norm_errors.append({"doc": gold.get("id"), "text": g["text"],
                                       "gold": {x: g.get(x) for x in ("value", "unit", "approx", "norm") if x in g},
                                       "pred": {x: p.get(x) for x in ("value", "unit", "approx", "norm") if x in p}})

    def rels(doc: dict, ents: dict) -> Counter:
        by_id = {e.get("id"): key(e) for e in ents.values()}
        return Counter((r["type"], by_id.get(r["head"]), by_id.get(r["tail"])) for r in doc.get("relations", []))

    g_rel, p_rel = rels(gold, g_ents), rels(pred, p_ents)
    for t in RELATION_TYPES:
        report.relations[t].add(Counter({k: v for k, v in g_rel.items() if k[0] == t}),
                                Counter({k: v for k, v in p_rel.items() if k[0] == t}))

    def trig(doc: dict) -> Counter:
        return Counter((v["type"], v["trigger"]["start"], v["trigger"]["end"]) for v in doc.get("events", []))

    def args(doc: dict) -> Counter:
        return Counter((v["type"], a["role"], a["text"]) for v in doc.get("events", []) for a in v.get("arguments", []))

    g_tr, p_tr, g_ar, p_ar = trig(gold), trig(pred), args(gold), args(pred)
    if not gold.get("events"):
        report.event_free_docs += 1
        report.events_in_event_free_docs += len(pred.get("events", []))
    for t in EVENT_ROLES:
        report.triggers[t].add(Counter({k: v for k, v in g_tr.items() if k[0] == t}),
                               Counter({k: v for k, v in p_tr.items() if k[0] == t}))
        report.arguments[t].add(Counter({k: v for k, v in g_ar.items() if k[0] == t}),
                                Counter({k: v for k, v in p_ar.items() if k[0] == t}))


def evaluate(gold_docs: list[dict[str, Any]], pred_docs: list[dict[str, Any]]) -> EvalReport:
    """Score predictions against gold documents (aligned by id, else by position)."""
    report = EvalReport()
    by_id = {p.get("id"): p for p in pred_docs if p.get("id") is not None}
    use_ids = len(by_id) == len(pred_docs) and all(g.get("id") in by_id for g in gold_docs)
    if not use_ids and len(pred_docs) != len(gold_docs):
        raise ValueError(f"cannot align {len(pred_docs)} predictions with {len(gold_docs)} gold documents "
                         "(ids differ and counts differ)")
    for i, g in enumerate(gold_docs):
        evaluate_pair(report, g, by_id[g.get("id")] if use_ids else pred_docs[i])
    return report


MODEL_METRIC_KEYS = ("documents", "entities", "entities_micro_core", "entities_micro_all", "normalisation",
                     "relations", "relations_micro", "triggers", "triggers_micro", "arguments", "arguments_micro",
                     "negatives")


def model_metrics(report: "EvalReport", gold_file: str, **extra: Any) -> dict[str, Any]:
    """The part of a report kept in a model's meta.json (``metrics.dev``), with the gold file's name."""
    data = report.to_dict()
    return {"file": gold_file, **{k: data[k] for k in MODEL_METRIC_KEYS if k in data}, **extra}
