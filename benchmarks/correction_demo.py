"""The correction loop, end to end (a script, not a test): reviewers' corrections made
through the API make the next model better on the kind of text the current model misses.

    python benchmarks/correction_demo.py                       # the shipped model, 120 fine-tuning steps
    python benchmarks/correction_demo.py --steps 80 --corrections 8 --json

1. 24 short items written for this demo (``benchmarks/data/bracket_companies.txt``) name
   companies the way foreign- and out-of-province-invested firms are registered, with a
   place in brackets: 爱思普（山西）新能源科技有限公司.  Items 1–12 are the correction set,
   13–24 the held-out set (different companies, same pattern).
2. ``zhie serve`` starts on a free loopback port with a fresh SQLite store; the held-out
   items are extracted through ``POST /v1/extract/batch`` and scored (before).
3. The correction set is added with ``POST /v1/documents``; the first N documents of
   ``GET /v1/review/queue`` are corrected with ``PUT /v1/documents/{id}/annotation``: the
   reviewer's entities are the gold ones, the model's relations and events are kept where
   their entities still exist (a reviewer who fixes the entities).
4. ``python -m training train --from-store`` fine-tunes the served model (timed); the new
   version is loaded with ``POST /v1/admin/reload``; the held-out items are scored again.

Printed: held-out COMPANY and core micro P/R/F1 before and after, the dev-split gate,
the model versions, the number of corrections and the retraining time.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from zhie.evaluate import evaluate  # noqa: E402
from zhie.schema import RELATION_TYPES  # noqa: E402

ARTICLES = REPO_ROOT / "benchmarks" / "data" / "bracket_companies.txt"
MARK = re.compile(r"\[([^\[\]|]+)\|([A-Z]+)\]")
CORRECTION_SET = 12


def parse_articles(path: Path = ARTICLES) -> list[dict[str, Any]]:
    """The marked-up items as gold articles ``{id, text, meta, entities, relations, events}``."""
    articles = []
    for block in path.read_text(encoding="utf-8").split("\n## ")[1:]:
        head, _, body = block.partition("\n")
        doc_id, date = head.split()
        marked = body.strip()
        text, entities, pos = "", [], 0
        for m in MARK.finditer(marked):
            text += marked[pos:m.start()]
            start = len(text)
            text += m.group(1)
            entities.append({"id": f"g{len(entities) + 1}", "label": m.group(2), "start": start, "end": len(text),
                             "text": m.group(1)})
            pos = m.end()
        text += marked[pos:]
        assert "[" not in text and "|" not in text, f"{doc_id}: broken markup"
        articles.append({"id": doc_id, "text": text, "meta": {"date": date}, "entities": entities,
                         "relations": [], "events": []})
    return articles


def merge_correction(prediction: dict[str, Any], gold_entities: list[dict[str, Any]]) -> dict[str, Any]:
    """The reviewer's annotation: gold entities; the model's relations and events re-pointed at them
    (an argument whose entity is gone becomes a plain span; a relation whose ends are gone is dropped)."""
    by_span = {(e["label"], e["start"], e["end"]): e["id"] for e in gold_entities}
    pred_ents = {e["id"]: (e["label"], e["start"], e["end"]) for e in prediction.get("entities", [])}
    gold_label = {e["id"]: e["label"] for e in gold_entities}
    relations = []
    for r in prediction.get("relations", []):
        head, tail = by_span.get(pred_ents.get(r["head"])), by_span.get(pred_ents.get(r["tail"]))
        heads, tails = RELATION_TYPES[r["type"]]
        if head and tail and gold_label[head] in heads and gold_label[tail] in tails:
            relations.append({"type": r["type"], "head": head, "tail": tail})
    events = []
    for v in prediction.get("events", []):
        args = []
        for a in v.get("arguments", []):
            arg = {"role": a["role"], "start": a["start"], "end": a["end"], "text": a["text"]}
            target = by_span.get(pred_ents.get(a.get("entity"))) if a.get("entity") else None
            if target:
                arg["entity"] = target
            args.append(arg)
        events.append({"id": v["id"], "type": v["type"], "trigger": v["trigger"], "arguments": args})
    return {"entities": [dict(e) for e in gold_entities], "relations": relations, "events": events}


def scores(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> dict[str, Any]:
    report = evaluate(gold, pred).to_dict()
    return {"COMPANY": report["entities"]["COMPANY"], "core_micro": report["entities_micro_core"]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class DemoResult:
    model_before: dict[str, str]
    model_after: dict[str, str]
    corrected: list[str]
    before: dict[str, Any]
    after: dict[str, Any]
    gate: dict[str, Any] | None
    retrain_seconds: float
    retrain_exit: int
    queue_top: list[dict[str, Any]] = field(default_factory=list)

    def table(self) -> str:
        def row(name: str, part: dict[str, Any]) -> str:
            return f"{name:<28}{part['precision']:>8.3f}{part['recall']:>8.3f}{part['f1']:>8.3f}{part['support']:>6}"

        lines = [f"model before: {self.model_before['name']} {self.model_before['version']}; after: "
                 f"{self.model_after['name']} {self.model_after['version']}",
                 f"corrections through the API: {len(self.corrected)} documents ({', '.join(self.corrected)})",
                 f"retraining (--from-store): {self.retrain_seconds:.1f} s, exit code {self.retrain_exit}", "",
                 f"{'held-out (12 items)':<28}{'P':>8}{'R':>8}{'F1':>8}{'gold':>6}",
                 row("COMPANY before", self.before["COMPANY"]), row("COMPANY after", self.after["COMPANY"]),
                 row("core micro before", self.before["core_micro"]), row("core micro after", self.after["core_micro"])]
        if self.gate:
            lines += ["", f"dev split core micro-F1 (the gate): parent {self.gate['parent_core_f1']:.4f}, "
                          f"new {self.gate['new_core_f1']:.4f} -> {'kept' if self.gate['passed'] else 'refused'}"]
        return "\n".join(lines)


class Service:
    """``zhie serve`` on a free loopback port, with a store and a token; stopped on exit."""

    def __init__(self, model: Path, store: Path, log: Path, workers: int = 1) -> None:
        self.token = secrets.token_hex(8)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), ZHIE_API_TOKEN=self.token, ZHIE_STORE_URL=str(store))
        env.pop("ZHIE_CONFIG", None)
        self.log = open(log, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "zhie.cli", "serve", "--port", str(self.port),
                                      "--model", str(model), "--workers", str(workers)], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.client = httpx.Client(base_url=self.base, timeout=600,
                                   headers={"Authorization": f"Bearer {self.token}"})
        deadline = time.monotonic() + 300
        while True:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the service did not start; see {log}")
            try:
                if self.client.get("/ready").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        r = self.client.request(method, path, **kwargs)
        if r.status_code != 200:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:500]}")
        return r.json()

    def extract(self, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        body = {"documents": [{"id": d["id"], "text": d["text"], "meta": d["meta"]} for d in docs]}
        return self.call("POST", "/v1/extract/batch", json=body)["results"]

    def close(self) -> None:
        self.client.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def run_demo(model: Path, workdir: Path, steps: int, corrections: int, threads: int,
             train_args: list[str]) -> DemoResult:
    articles = parse_articles()
    correction_set, heldout = articles[:CORRECTION_SET], articles[CORRECTION_SET:]
    store = workdir / "store.sqlite"
    service = Service(model, store, workdir / "service.log")
    try:
        before_model = service.call("GET", "/v1/model")
        before = scores(heldout, service.extract(heldout))

        added = service.call("POST", "/v1/documents", json={"documents": [
            {"id": d["id"], "text": d["text"], "meta": d["meta"]} for d in correction_set], "added_by": "demo"})
        assert all("error" not in r for r in added["results"]), added
        queue = service.call("GET", "/v1/review/queue", params={"limit": corrections})["documents"]
        gold = {d["id"]: d for d in correction_set}
        corrected = []
        for item in queue:
            doc = service.call("GET", f"/v1/documents/{item['id']}")
            annotation = merge_correction(doc["annotation"], gold[item["id"]]["entities"])
            service.call("PUT", f"/v1/documents/{item['id']}/annotation",
                         json={"base_version": doc["version"], "reviewer": "demo-reviewer", "annotation": annotation})
            corrected.append(item["id"])

        new_model = workdir / "model-next"
        cmd = [sys.executable, "-m", "training", "train", "--from-store", "--store", str(store), "--init", str(model),
               "--out", str(new_model), "--steps", str(steps), "--threads", str(threads), *train_args]
        started = time.time()
        proc = subprocess.run(cmd, cwd=REPO_ROOT, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)),
                              capture_output=True, text=True)
        retrain_seconds = time.time() - started
        (workdir / "retrain.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
        gate = None
        if (new_model / "meta.json").exists():
            gate = json.loads((new_model / "meta.json").read_text(encoding="utf-8")).get("gate")
            service.call("POST", "/v1/admin/reload", json={"model": str(new_model)})
        elif proc.returncode != 3:
            raise RuntimeError(f"retraining failed ({proc.returncode}); see {workdir / 'retrain.log'}:\n"
                               + proc.stderr[-2000:])
        else:
            last = proc.stderr.strip().splitlines()[-1]
            print(f"the new model was refused by the dev gate: {last}", file=sys.stderr)
        after_model = service.call("GET", "/v1/model")
        after = scores(heldout, service.extract(heldout))
    finally:
        service.close()
    return DemoResult({k: before_model[k] for k in ("name", "version")}, {k: after_model[k] for k in ("name", "version")},
                      corrected, before, after, gate, round(retrain_seconds, 1), proc.returncode, queue)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(REPO_ROOT / "models" / "zhie-ner-small"), help="the served model")
    parser.add_argument("--steps", type=int, default=120, help="fine-tuning steps (default 120)")
    parser.add_argument("--corrections", type=int, default=CORRECTION_SET,
                        help=f"documents corrected through the API (at most {CORRECTION_SET})")
    parser.add_argument("--threads", type=int, default=2, help="torch threads for retraining")
    parser.add_argument("--workdir", help="keep the store, logs and new model here (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("train_args", nargs="*", help="more options for `python -m training train` (after --)")
    args = parser.parse_args(argv)
    return run_and_print(args.workdir, "zhie-demo-", args.json, lambda workdir: run_demo(
        Path(args.model), workdir, args.steps, min(args.corrections, CORRECTION_SET), args.threads, args.train_args))


def run_and_print(workdir_arg: str | None, prefix: str, as_json: bool, run: Any) -> int:
    """Run a demonstration in ``workdir_arg`` (kept) or a temporary folder (removed), print its result."""
    workdir = Path(workdir_arg) if workdir_arg else Path(tempfile.mkdtemp(prefix=prefix))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        result = run(workdir)
    finally:
        if not workdir_arg:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(asdict(result), ensure_ascii=False, indent=2) if as_json else result.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
