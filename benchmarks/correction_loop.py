"""The correction loop on real articles (a script and a slow test, not a unit test): fifty real
zone-news documents of the kind the served model handles worst are corrected through the API,
the model is retrained from the store, every worker is reloaded with one call, and the kind's
held-out part, the dev split and the sealed test are scored before and after.

    python benchmarks/correction_loop.py --texts ../shared/data/zone-news/zone-news.jsonl
    python benchmarks/correction_loop.py --texts … --kind long --workers 2 --json --workdir runs/loop

1. **The pool**: the annotated zone-news ``train`` documents the served model was not trained on
   (default ``annotations/zone-news/heldout.jsonl`` and ``train-more.jsonl``; a document named in the
   model card's training data is refused).  Their text is read from ``--texts`` by id (standoff gold).
2. **The kind** is chosen by measurement: ``zhie serve`` is started on a free loopback port with a
   fresh SQLite store; the pool is extracted through ``POST /v1/extract/batch`` and scored for every
   kind of ``KINDS`` (properties a user can see in an article: its length, its number of lines, page
   furniture, a reporter's line …) that has enough documents for the correction part and a held-out
   part; the one with the lowest core micro-F1 is taken (``--kind`` forces one).  Its documents are
   split at random (``--seed``) into ``--corrections`` documents and the held-out rest.
3. **Corrections through the API**: ``POST /v1/documents`` adds the correction part; a scripted
   reviewer takes each document from ``GET /v1/review/queue``, reads it, and saves its gold
   annotation — entities, relations and events — with ``PUT /v1/documents/{id}/annotation``
   (``base_version``: the store's optimistic concurrency, validation and history are the real ones).
4. **Retraining**: ``python -m training train --from-store`` (its defaults: replay of the parent's
   training data, encoder nudged at a low learning rate, early stopping on a validation slice of the
   corrections, the argument scorer refitted; see README "Review and retraining"); timed.
5. **Reload**: ``POST /v1/admin/reload`` while a client keeps sending requests; every answer counted.
6. **After**: the held-out part through the API again; the dev split and the sealed test with
   ``zhie evaluate`` on both models (only the micro figures are printed; nobody reads the sealed
   test's errors).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
for p in (REPO_ROOT, REPO_ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from correction_demo import Service, run_and_print  # noqa: E402
from zhie.evaluate import evaluate  # noqa: E402
from training.from_store import recorded_domain  # noqa: E402
from zhie.model import load_model  # noqa: E402
from zhie.standoff import join_texts  # noqa: E402

ZN = REPO_ROOT / "annotations" / "zone-news"
DEFAULT_POOL = [ZN / "heldout.jsonl", ZN / "train-more.jsonl"]
DEFAULT_SEALED = ZN / "test.jsonl"
DEFAULT_DEV = REPO_ROOT / "annotations" / "dev.jsonl"
# the last commit whose models/zhie-ner-small is 0.3.0, which was not trained on train-more.jsonl (0.4.0 is):
# the model the demonstration serves now (``--model-at``)
MODEL_0_3_0 = "aff5b4d8403df6c57a68115f0654e3b954a34a64"


def _lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


_FURNITURE = re.compile(r"来源|首页|责任编辑|分享")
_REPORTER = re.compile(r"记者|通讯员|新华社|讯")


def _kinds(tests: list[tuple[str, str, str, str, Callable[[dict[str, Any]], bool]]]
           ) -> dict[str, tuple[str, Callable[[dict[str, Any]], bool]]]:
    """Each test as a kind and its complement as another (name → (description, test))."""
    out: dict[str, tuple[str, Callable[[dict[str, Any]], bool]]] = {}
    for name, description, other, other_description, test in tests:
        out[name] = (description, test)
        out[other] = (other_description, lambda d, test=test: not test(d))
    return out


# Kinds of article a user can tell apart without annotating them.
KINDS = _kinds([
    ("long", "long reports (600 characters or more)", "short", "short reports (under 600 characters)",
     lambda d: len(d["text"]) >= 600),
    ("many-lines", "six or more non-empty lines", "few-lines", "under six non-empty lines",
     lambda d: _lines(d["text"]) >= 6),
    ("furniture", "web pages with site furniture (来源, 首页, 责任编辑, 分享)", "no-furniture",
     "text without site furniture", lambda d: _FURNITURE.search(d["text"]) is not None),
    ("reporter", "news-wire style: a reporter's or agency's line near the top", "no-reporter",
     "no reporter's line near the top", lambda d: _REPORTER.search(d["text"][:300]) is not None),
    ("shanxi", "articles that name 山西", "not-shanxi", "articles that do not name 山西", lambda d: "山西" in d["text"]),
])


def micro(report: dict[str, Any]) -> dict[str, float]:
    """The figures the demonstration prints for one set."""
    e = report["entities"]
    return {"core_f1": report["entities_micro_core"]["f1"],
            **{f"{label}_f1": e[label]["f1"] for label in ("ZONE", "OFFICIAL", "COMPANY", "AMOUNT", "DATE")},
            "relations_f1": report["relations_micro"]["f1"], "triggers_f1": report["triggers_micro"]["f1"],
            "arguments_f1": report["arguments_micro"]["f1"],
            "documents": report.get("documents", 0)}


def score(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> dict[str, float]:
    by_id = {p["id"]: p for p in pred}
    report = evaluate(gold, [by_id[g["id"]] for g in gold]).to_dict()
    report["documents"] = len(gold)
    return micro(report)


def read_gold(paths: list[Path], texts: list[Path]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            out += join_texts([json.loads(line) for line in f if line.strip()], texts)
    return out


def model_at_revision(rev: str, dest: Path, folder: str = "models/zhie-ner-small") -> Path:
    """The model folder as committed at git revision ``rev``, written to ``dest`` (needs the history)."""
    listing = subprocess.run(["git", "-C", str(REPO_ROOT), "ls-tree", "--name-only", f"{rev}:{folder}"],
                             capture_output=True, text=True)
    if listing.returncode != 0 or not listing.stdout.split():
        raise SystemExit(f"--model-at {rev}: no {folder} at that revision "
                         f"({listing.stderr.strip() or 'empty'}; a shallow clone lacks the history)")
    dest.mkdir(parents=True, exist_ok=True)
    for name in listing.stdout.split():
        blob = subprocess.run(["git", "-C", str(REPO_ROOT), "show", f"{rev}:{folder}/{name}"],
                              capture_output=True, check=True)
        (dest / name).write_bytes(blob.stdout)
    return dest


def trained_ids(model: Path) -> set[str]:
    """Ids of the documents the model card says the model was trained on (its domain files)."""
    domain = recorded_domain(load_model(model).meta())
    ids: set[str] = set()
    for name in [domain.get("train_file"), *(domain.get("extra_train") or [])]:
        path = REPO_ROOT / name if name and not Path(name).is_absolute() else Path(name or "")
        if name and path.is_file():
            with open(path, encoding="utf-8") as f:
                ids |= {str(json.loads(line)["id"]) for line in f if line.strip()}
    return ids


def choose_kind(pool: list[dict[str, Any]], pred: list[dict[str, Any]], need: int,
                forced: str | None) -> tuple[str, list[dict[str, Any]], dict[str, dict[str, float]]]:
    """Score every kind with at least ``need`` documents; the worst by core micro-F1 (or ``forced``)."""
    table: dict[str, dict[str, float]] = {}
    for name, (_, test) in KINDS.items():
        docs = [d for d in pool if test(d)]
        if len(docs) >= need:
            table[name] = score(docs, pred)
    if forced:
        if forced not in KINDS:
            raise SystemExit(f"--kind {forced!r}: not one of {', '.join(KINDS)}")
        name = forced
    else:
        if not table:
            raise SystemExit(f"no kind has {need} documents in the pool; lower --corrections or --min-heldout")
        name = min(table, key=lambda k: table[k]["core_f1"])
    docs = [d for d in pool if KINDS[name][1](d)]
    if len(docs) < need:
        raise SystemExit(f"kind {name!r} has {len(docs)} documents in the pool, {need} are needed")
    return name, docs, table


def extract_all(service: Service, docs: list[dict[str, Any]], chunk: int = 32) -> list[dict[str, Any]]:
    """``POST /v1/extract/batch`` in chunks below the service's max_batch_docs."""
    out: list[dict[str, Any]] = []
    for i in range(0, len(docs), chunk):
        out += service.extract(docs[i:i + chunk])
    return out


def reviewer_annotation(gold: dict[str, Any]) -> dict[str, Any]:
    """What the scripted reviewer saves: the document's gold entities, relations and events."""
    ents = [{k: e[k] for k in ("id", "label", "start", "end", "text", "norm", "value", "unit", "approx") if k in e}
            for e in gold["entities"]]
    return {"entities": ents, "relations": [dict(r) for r in gold.get("relations", [])],
            "events": [dict(v) for v in gold.get("events", [])]}


def zhie_evaluate(model: Path, gold: Path, texts: list[Path] | None, log: Path) -> dict[str, float]:
    """``zhie evaluate --json`` of a model on a gold file (its micro figures only)."""
    cmd = [sys.executable, "-m", "zhie.cli", "evaluate", str(gold), "--model", str(model), "--json"]
    if texts:
        cmd += ["--texts", *map(str, texts)]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)))
    with open(log, "a", encoding="utf-8") as f:
        f.write(f"$ {' '.join(cmd)}\n{proc.stderr}\n")
    if proc.returncode != 0:
        raise RuntimeError(f"zhie evaluate {gold} failed ({proc.returncode}); see {log}")
    report = json.loads(proc.stdout)
    return micro(report)


class Hammer:
    """A client that keeps sending one-sentence extractions while the model is swapped."""

    def __init__(self, base: str, token: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=120, headers={"Authorization": f"Bearer {token}"})
        self.answers: dict[int, int] = {}
        self.failures: list[str] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            try:
                r = self.client.post("/v1/extract", json={"id": f"h{n}", "text": "3月5日，市长王明到开发区调研。"})
                self.answers[r.status_code] = self.answers.get(r.status_code, 0) + 1
                if r.status_code != 200:
                    self.failures.append(f"{r.status_code} {r.text[:200]}")
            except httpx.HTTPError as exc:   # a dropped connection counts as a failure
                self.failures.append(f"{type(exc).__name__}: {exc}")

    def __enter__(self) -> "Hammer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        time.sleep(1.0)
        self._stop.set()
        self.thread.join(120)
        self.client.close()


@dataclass
class LoopResult:
    kind: str
    kind_description: str
    kinds_measured: dict[str, dict[str, float]]
    corrected: list[str]
    heldout_ids: list[str]
    model_before: dict[str, str]
    model_after: dict[str, str]
    heldout_before: dict[str, float]
    heldout_after: dict[str, float]
    dev_before: dict[str, float]
    dev_after: dict[str, float]
    sealed_before: dict[str, float] | None
    sealed_after: dict[str, float] | None
    retrain_seconds: float
    retrain_exit: int
    gate: dict[str, Any] | None
    reload_answers: dict[str, int] = field(default_factory=dict)
    reload_failures: list[str] = field(default_factory=list)
    workers: int = 1
    reloaded_workers: Any = None
    refused: str | None = None   # why --from-store kept the served model (exit 3), as it printed it

    def table(self) -> str:
        cols = ("core_f1", "ZONE_f1", "OFFICIAL_f1", "COMPANY_f1", "AMOUNT_f1", "DATE_f1", "relations_f1",
                "triggers_f1", "arguments_f1")

        def row(name: str, part: dict[str, float] | None) -> str:
            if part is None:
                return f"{name:<26}" + "".join(f"{'-':>10}" for _ in cols)
            return f"{name:<26}" + "".join(f"{part[c]:>10.4f}" for c in cols)

        lines = [f"kind: {self.kind} — {self.kind_description} (chosen as the worst of "
                 + ", ".join(f"{k} {v['core_f1']:.3f}" for k, v in sorted(self.kinds_measured.items(),
                                                                           key=lambda kv: kv[1]['core_f1'])) + ")",
                 f"corrections through the API: {len(self.corrected)} documents; held-out part: "
                 f"{len(self.heldout_ids)} documents",
                 f"model before: {self.model_before['name']} {self.model_before['version']}; after: "
                 f"{self.model_after['name']} {self.model_after['version']}",
                 f"retraining (--from-store): {self.retrain_seconds:.1f} s, exit code {self.retrain_exit}",
                 f"reload of {self.workers} worker(s) under load: answers {self.reload_answers}, "
                 f"failures {len(self.reload_failures)}; workers switched: {self.reloaded_workers}", "",
                 f"{'':<26}" + "".join(f"{c.replace('_f1', ''):>10}" for c in cols),
                 row("held-out kind, before", self.heldout_before), row("held-out kind, after", self.heldout_after),
                 row("dev, before", self.dev_before), row("dev, after", self.dev_after),
                 row("sealed test, before", self.sealed_before), row("sealed test, after", self.sealed_after)]
        if self.gate:
            lines += ["", f"gate: {json.dumps(self.gate, ensure_ascii=False)}"]
        if self.refused:
            lines += ["", f"refused: {self.refused}"]
        return "\n".join(lines)


def run_loop(model: Path, texts: list[Path], workdir: Path, *, pool_files: list[Path], kind: str | None,
             corrections: int, min_heldout: int, seed: int, workers: int, dev: Path, sealed: Path | None,
             train_args: list[str]) -> LoopResult:
    pool = read_gold(pool_files, texts)
    seen = trained_ids(model) & {d["id"] for d in pool}
    if seen:
        raise SystemExit(f"{len(seen)} pool documents were trained on by {model} (e.g. {sorted(seen)[:3]}): "
                         "the held-out part would not be held out (serve an earlier release: --model-at REV; "
                         f"{MODEL_0_3_0[:7]} holds 0.3.0)")
    store = workdir / "store.sqlite"
    if store.exists():
        raise SystemExit(f"{store} exists (an earlier run's store): give an empty --workdir")
    log = workdir / "evaluate.log"
    service = Service(model, store, workdir / "service.log", workers=workers)
    try:
        before_model = service.call("GET", "/v1/model")
        pool_pred = extract_all(service, pool)
        name, docs, table = choose_kind(pool, pool_pred, corrections + min_heldout, kind)
        rng = random.Random(seed)
        docs = sorted(docs, key=lambda d: d["id"])
        rng.shuffle(docs)
        correction_part, heldout = docs[:corrections], sorted(docs[corrections:], key=lambda d: d["id"])
        heldout_before = score(heldout, extract_all(service, heldout))
        dev_before = zhie_evaluate(model, dev, None, log)
        sealed_before = zhie_evaluate(model, sealed, texts, log) if sealed else None

        added = service.call("POST", "/v1/documents", json={"documents": [
            {"id": d["id"], "text": d["text"], "meta": d.get("meta") or {}} for d in correction_part],
            "added_by": "loop-demo"})
        bad = [r for r in added["results"] if "error" in r]
        if bad:
            raise RuntimeError(f"POST /v1/documents refused {len(bad)} documents: {bad[:2]}")
        gold = {d["id"]: d for d in correction_part}
        corrected: list[str] = []
        while True:
            queue = service.call("GET", "/v1/review/queue", params={"limit": 10})["documents"]
            queue = [q for q in queue if q["id"] in gold and q["id"] not in corrected]
            if not queue:
                break
            for item in queue:
                doc = service.call("GET", f"/v1/documents/{item['id']}")
                service.call("PUT", f"/v1/documents/{item['id']}/annotation",
                             json={"base_version": doc["version"], "reviewer": "loop-reviewer",
                                   "annotation": reviewer_annotation(gold[item["id"]])})
                corrected.append(item["id"])

        new_model = workdir / "model-next"
        cmd = [sys.executable, "-m", "training", "train", "--from-store", "--store", str(store), "--init", str(model),
               "--out", str(new_model), "--dev", str(dev), "--texts", *map(str, texts), *train_args]
        started = time.time()
        with open(workdir / "retrain.log", "w", encoding="utf-8") as retrain_log:   # follow it with tail -f
            retrain_log.write(" ".join(cmd) + "\n")
            retrain_log.flush()
            proc = subprocess.run(cmd, cwd=REPO_ROOT, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)),
                                  stdout=retrain_log, stderr=retrain_log, text=True)   # the validation checks print on stdout
        retrain_seconds = round(time.time() - started, 1)
        stderr_tail = (workdir / "retrain.log").read_text(encoding="utf-8")[-2000:]
        gate = None
        answers: dict[str, int] = {}
        failures: list[str] = []
        reloaded_workers = None
        if (new_model / "meta.json").exists():
            gate = json.loads((new_model / "meta.json").read_text(encoding="utf-8")).get("gate")
            with Hammer(service.base, service.token) as hammer:
                time.sleep(1.0)
                reload = service.call("POST", "/v1/admin/reload", json={"model": str(new_model)})
                reloaded_workers = reload.get("workers")   # zhie serve --workers N: who switched (None: one worker)
            answers = {str(k): v for k, v in hammer.answers.items()}
            failures = hammer.failures
        elif proc.returncode != 3:
            raise RuntimeError(f"retraining failed ({proc.returncode}); see {workdir / 'retrain.log'}:\n"
                               + stderr_tail)
        refused = next((line.split("NOT replacing", 1)[1].split(": ", 1)[-1] for line in stderr_tail.splitlines()
                        if "--from-store: NOT replacing" in line), None) if proc.returncode == 3 else None
        after_model = service.call("GET", "/v1/model")
        heldout_after = score(heldout, extract_all(service, heldout))
        served = new_model if gate else model
        dev_after = zhie_evaluate(served, dev, None, log)
        sealed_after = zhie_evaluate(served, sealed, texts, log) if sealed else None
    finally:
        service.close()
    return LoopResult(name, KINDS[name][0], table, corrected, [d["id"] for d in heldout],
                      {k: before_model[k] for k in ("name", "version")}, {k: after_model[k] for k in ("name", "version")},
                      heldout_before, heldout_after, dev_before, dev_after, sealed_before, sealed_after,
                      retrain_seconds, proc.returncode, gate, answers, failures, workers, reloaded_workers, refused)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", required=True, nargs="+",
                        help="the text of the standoff gold, by id: zone-news.jsonl, and for a pool of iNews zone "
                             "articles (annotations/inews/) also the file `python -m training inews-texts` writes")
    parser.add_argument("--model", default=str(REPO_ROOT / "models" / "zhie-ner-small"), help="the served model")
    parser.add_argument("--model-at", metavar="REV",
                        help=f"serve models/zhie-ner-small as committed at git revision REV instead of --model "
                             f"(0.4.0 was trained on train-more.jsonl; {MODEL_0_3_0[:7]} holds 0.3.0, which was not)")
    parser.add_argument("--pool", nargs="+", default=[str(p) for p in DEFAULT_POOL],
                        help="standoff gold files of documents the model was not trained on")
    parser.add_argument("--kind", help=f"force a kind ({', '.join(KINDS)}); default: the worst by measurement")
    parser.add_argument("--corrections", type=int, default=50, help="documents corrected through the API")
    parser.add_argument("--min-heldout", type=int, default=25, help="documents the held-out part needs at least")
    parser.add_argument("--seed", type=int, default=17, help="the split of the kind into corrections / held-out")
    parser.add_argument("--workers", type=int, default=1, help="zhie serve --workers (reloaded with one call)")
    parser.add_argument("--dev", default=str(DEFAULT_DEV))
    parser.add_argument("--sealed", default=str(DEFAULT_SEALED), help="the sealed test ('' to skip)")
    parser.add_argument("--workdir", help="keep the store, logs and new model here (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("train_args", nargs="*", help="more options for `python -m training train` (after --)")
    args = parser.parse_args(argv)
    texts = [Path(t) for t in args.texts]
    missing = [str(t) for t in texts if not t.is_file()]
    if missing:
        parser.error(f"--texts {' '.join(missing)}: no such file")
    return run_and_print(args.workdir, "zhie-loop-", args.json, lambda workdir: run_loop(
        model_at_revision(args.model_at, workdir / "served-model") if args.model_at else Path(args.model), texts, workdir, pool_files=[Path(p) for p in args.pool], kind=args.kind,
        corrections=args.corrections, min_heldout=args.min_heldout, seed=args.seed, workers=args.workers,
        dev=Path(args.dev), sealed=Path(args.sealed) if args.sealed else None, train_args=args.train_args))


if __name__ == "__main__":
    sys.exit(main())
