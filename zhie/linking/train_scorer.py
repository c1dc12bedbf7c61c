"""Train the argument scorer on gold documents and write ``zhie/linking/argument_scorer.json``.

    python -m zhie.linking.train_scorer                      # train on annotations/train.jsonl, save
    python -m zhie.linking.train_scorer --cv 5 --no-save     # compare rules and the learned model by
                                                             # 5-fold cross-validation over documents

Training pairs come from the triggers the rules find that match a gold trigger: every entity of
the trigger's sentence, and every plain span the rules propose, labelled with its gold role or
'none'.  The comparison prints argument F1 for the rules alone, the learned role classifier
alone, and the rules with candidates dropped when the model gives their role < 0.5; and the
average precision of three argument scores over the rules' candidates (rule table, model
probability, their mean — the shipped score).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from ..evaluate import evaluate
from ..gold import align_gold
from ..schema import EVENT_ROLES
from . import Linker
from .argument_scorer import (DEFAULT_PATH, NONE, ArgumentScorer, LearnedRoleClassifier, StackedRoleClassifier,
                              fit_logreg, pair_features)
from .events import CORE_ROLES, EventFinder
from .oracle import link_input_from_gold, predict_links
from .roles import candidates
from .sentence import SentenceView
from .triggers import find_triggers

REPO = Path(__file__).resolve().parents[2]


def training_pairs(docs: list[dict[str, Any]], stacked: bool = False) -> dict[str, tuple[list[list[str]], list[str]]]:
    """Per event type: features and gold role ('none' if no role) of every entity of the sentence
    of each matched trigger, and of every plain span the rules propose.  ``stacked``: the features
    of the stacked model (with the rules' proposal and the other triggers of the sentence)."""
    data: dict[str, tuple[list, list]] = {t: ([], []) for t in EVENT_ROLES}
    featurize = StackedRoleClassifier({}).features
    for doc in docs:
        inp = link_input_from_gold(doc)
        clean = inp.clean
        gold: dict[tuple[str, int, int], dict] = {(t.label, t.start, t.end): t.source
                                                  for t in align_gold(doc, clean=clean).triggers}
        for s, e in inp.sentences:
            sv = SentenceView.of(inp, s, e)
            hits = find_triggers(sv)
            for hit in hits:
                v = gold.get((hit.type, hit.start, hit.end))
                if v is None:
                    continue
                g_ent = {a["entity"]: a["role"] for a in v["arguments"] if a.get("entity")}
                g_span = {(a["start"], a["end"]): a["role"] for a in v["arguments"] if not a.get("entity")}
                rows, labels = data[hit.type]
                cands = candidates(sv, hit, hits)
                proposals = {(c.start, c.end): c for c in cands}
                for m in sv.mentions:
                    if stacked:
                        rows.append(featurize(sv, hit, m.cstart, m.cend, m, proposals, hits))
                    else:
                        rows.append(pair_features(sv, hit, m.cstart, m.cend, m))
                    labels.append(g_ent.get(m.entity.id, NONE))
                for c in cands:
                    if c.mention is None:
                        if stacked:
                            rows.append(featurize(sv, hit, c.start, c.end, None, proposals, hits))
                        else:
                            rows.append(pair_features(sv, hit, c.start, c.end, None))
                        labels.append(g_span.get(clean.span_to_original(c.start, c.end), NONE))
    return data


def _fit(docs: list[dict[str, Any]], stacked: bool, l2: float, trained_on: str) -> tuple[dict, dict]:
    """One logistic regression per event type over the training pairs, and the model's meta."""
    models, counts = {}, {}
    for t, (rows, labels) in training_pairs(docs, stacked=stacked).items():
        models[t] = fit_logreg(rows, labels, [NONE, *EVENT_ROLES[t]], l2=l2)
        counts[t] = {"pairs": len(labels), "with_role": sum(y != NONE for y in labels)}
    return models, {"trained_on": trained_on, "documents": len(docs), "l2": l2, "pairs": counts}


def train(docs: list[dict[str, Any]], l2: float = 1.0,
          trained_on: str = "annotations/train.jsonl") -> tuple[ArgumentScorer, LearnedRoleClassifier, dict]:
    """The blend scorer and the learned baseline (pair features only)."""
    models, meta = _fit(docs, False, l2, trained_on)
    return ArgumentScorer(models, meta), LearnedRoleClassifier(models, meta), meta


def train_stacked(docs: list[dict[str, Any]], l2: float = 1.0,
                  trained_on: str = "annotations/train.jsonl") -> StackedRoleClassifier:
    """The stacked model: pair features plus the rules' proposals."""
    models, meta = _fit(docs, True, l2, trained_on)
    return StackedRoleClassifier(models, {**meta, "kind": "stacked"})


def _average_precision(scores: list[float], correct: list[bool]) -> float:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    hits, total = 0, 0.0
    for rank, i in enumerate(order, 1):
        if correct[i]:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def _candidate_scores(scorer: ArgumentScorer, docs: list[dict[str, Any]]) -> list[tuple[float, float, bool]]:
    """(rule score, model probability, correct) for every argument the rules propose."""
    out = []
    finder = EventFinder(use_scorer=False)
    for d in docs:
        inp = link_input_from_gold(d)
        gold = Counter((v["type"], a["role"], a["text"]) for v in d.get("events", []) for a in v["arguments"])
        for s, e in inp.sentences:
            sv = SentenceView.of(inp, s, e)
            for hit, scored in finder.sentence_events(sv):
                for (c, rule_score), (_, p) in zip(scored, scorer.score(sv, hit, [c for c, _ in scored])):
                    a, b = inp.clean.span_to_original(c.start, c.end)
                    key = (hit.type, c.role, inp.clean.original[a:b])
                    ok = gold[key] > 0
                    gold[key] -= ok
                    out.append((rule_score, p, ok))
    return out


def cross_validate(docs: list[dict[str, Any]], folds: int, seed: int = 13, l2: float = 1.0,
                   always: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Argument F1 over folds for each system, and the average precision of the scores."""
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    parts = [[docs[i] for i in order[k::folds]] for k in range(folds)]
    systems = ("rules", "learned", "rules>=0.5", "stacked")
    preds: dict[str, list[dict]] = {s: [] for s in systems}
    gold_all: list[dict] = []
    cands: list[tuple[float, float, bool]] = []
    for k in range(folds):
        held = parts[k]
        rest = [d for j, p in enumerate(parts) if j != k for d in p] + list(always or [])
        scorer, learned, _ = train(rest, l2=l2)
        stacked = train_stacked(rest, l2=l2)
        linkers = {"rules": Linker(event_finder=EventFinder(use_scorer=False)),
                   "stacked": Linker(event_finder=EventFinder(scorer=stacked)),
                   "learned": Linker(event_finder=EventFinder(scorer=learned)),
                   "rules>=0.5": Linker(event_finder=_FilteredFinder(scorer))}
        gold_all += held
        for s in systems:
            preds[s] += [predict_links(g, linkers[s]) for g in held]
        cands += _candidate_scores(scorer, held)
    out: dict[str, Any] = {}
    for s in systems:
        rep = evaluate(gold_all, preds[s]).to_dict()
        out[s] = {t: rep["arguments"][t]["f1"] for t in EVENT_ROLES}
        out[s]["micro"] = rep["arguments_micro"]["f1"]
        out[s]["triggers"] = rep["triggers_micro"]["f1"]
    correct = [c for _, _, c in cands]
    out["average_precision"] = {
        "rule table": _average_precision([r for r, _, _ in cands], correct),
        "model": _average_precision([p for _, p, _ in cands], correct),
        "mean (shipped)": _average_precision([(r + p) / 2 for r, p, _ in cands], correct),
        "candidates": len(cands), "wrong": len(cands) - sum(correct)}
    return out


class _FilteredFinder(EventFinder):
    """The rules' candidates, dropped when the model gives their role a probability under 0.5."""

    def __init__(self, scorer: ArgumentScorer) -> None:
        super().__init__(scorer=scorer)

    def sentence_events(self, sv):
        out = []
        for hit, scored in super().sentence_events(sv):
            probs = self.scorer.score(sv, hit, [c for c, _ in scored])
            kept = [(c, p) for (c, p), (_, q) in zip(scored, probs) if q >= 0.5]
            if any(c.role in CORE_ROLES[hit.type] for c, _ in kept):
                out.append((hit, kept))
        return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m zhie.linking.train_scorer", description=__doc__.splitlines()[0])
    ap.add_argument("--train", default=str(REPO / "annotations" / "train.jsonl"))
    ap.add_argument("--extra-train", nargs="*", default=[], help="more gold files (standoff ones need --texts)")
    ap.add_argument("--texts", nargs="+", help="JSON Lines of {id, text} that standoff gold files are joined to (several files: --texts A B)")
    ap.add_argument("--out", default=str(DEFAULT_PATH))
    ap.add_argument("--cv", type=int, default=0, help="folds of a document-level cross-validation to print first")
    ap.add_argument("--always", nargs="*", default=[],
                    help="gold files in every training fold of --cv but never scored there (and in the final fit)")
    ap.add_argument("--kind", choices=("blend", "stacked"), default="blend",
                    help="blend: the rules choose, the model's probability is half the score (shipped); "
                         "stacked: the model chooses the roles, with the rules' proposals as features (measured, "
                         "see the model card's release gate)")
    ap.add_argument("--l2", type=float, default=1.0,
                    help="L2 penalty (1.0 for the shipped blend scorer; 10 was best for stacked by --cv on zone-news train)")
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args(argv)
    from ..standoff import join_texts

    def read(paths: list[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for path in paths:
            with open(path, encoding="utf-8") as f:
                out += join_texts([json.loads(line) for line in f if line.strip()], args.texts)
        return out

    docs = read([args.train, *args.extra_train])
    always = read(args.always)
    if args.cv:
        res = cross_validate(docs, args.cv, l2=args.l2, always=always)
        ap = res.pop("average_precision")
        print(f"{args.cv}-fold cross-validation over {len(docs)} documents: argument F1")
        print(f"{'system':<18}" + "".join(f"{t:>16}" for t in [*EVENT_ROLES, "micro", "triggers"]))
        for s, r in res.items():
            print(f"{s:<18}" + "".join(f"{r[t]:>16.4f}" for t in [*EVENT_ROLES, "micro", "triggers"]))
        print(f"average precision of argument scores over {ap.pop('candidates')} rule candidates "
              f"({ap.pop('wrong')} wrong): " + ", ".join(f"{k} {v:.4f}" for k, v in ap.items()))
    if not args.no_save:
        names = ", ".join(Path(p).name for p in [args.train, *args.extra_train, *args.always])
        if args.kind == "stacked":
            scorer = train_stacked(docs + always, l2=args.l2, trained_on=names)
        else:
            scorer, _, _ = train(docs + always, l2=args.l2, trained_on=names)
        scorer.save(args.out)
        print(f"saved {args.out} ({scorer.kind}): " + json.dumps(scorer.meta["pairs"], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
