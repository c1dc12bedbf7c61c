"""Throughput of `zhie batch`: 1 and 2 local workers (scaling ratio), memory per worker, Ray.

    python benchmarks/batch_throughput.py --inews ../shared/data/inews/dev.jsonl --seeds ../shared/seeds [--model models/zhie-ner-small]
    python benchmarks/batch_throughput.py --inews ../shared/data/inews/dev.jsonl --model tests/fixtures/tiny-model --limit 200

The archive is built at run time in a temporary folder from a JSON Lines file of
``{"title", "content"}`` news (text = title, blank line, content) and the seed articles
(``--seeds``, a folder of .txt files, optional), cycled until it has ``--docs`` documents (default 2,000; ``--limit`` makes a smaller one for a quick check).
Each configuration is a full `zhie batch` run into a fresh folder: end-to-end docs/s and
chars/s (model loading included, as a user sees it), the model's own rate per worker
(documents / seconds spent inside shards), the peak RSS of every worker, and whether the
shards are byte-identical across configurations.  Nothing is kept unless ``--keep``.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zhie.batch import BatchOptions, run_batch  # noqa: E402


def build_archive(source: Path, target: Path, n: int, seeds: Path | None = None) -> tuple[int, int]:
    """Write ``n`` documents cycled from the seed files and ``source``; return (documents, characters)."""
    texts = [f.read_text(encoding="utf-8") for f in sorted(seeds.glob("*.txt"))] if seeds else []
    with open(source, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            obj = json.loads(line)
            text = "\n\n".join(p for p in (obj.get("title") or "", obj.get("content") or "") if p.strip())
            if text.strip():
                texts.append(text)
    if not texts:
        raise SystemExit(f"no title/content documents in {source}")
    chars = 0
    with open(target, "w", encoding="utf-8") as out:
        for k in range(n):
            text = texts[k % len(texts)]
            chars += len(text)
            out.write(json.dumps({"id": f"inews-{k}", "text": text}, ensure_ascii=False) + "\n")
    return n, chars


def shard_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("part-*.jsonl")))


def model_rate(folder: Path) -> float:
    """Documents per second inside shards, per worker (model time only, no start-up)."""
    docs = secs = 0.0
    for f in (folder / ".zhie-batch").glob("part-*.json"):
        s = json.loads(f.read_text(encoding="utf-8"))
        docs += s["documents"]
        secs += s["seconds"]
    return docs / secs if secs else float("nan")


def one_run(archive: Path, out: Path, engine: str, workers: int, args: argparse.Namespace) -> dict:
    t0 = time.perf_counter()
    summary = run_batch(BatchOptions(input=str(archive), output=out, model=args.model, workers=workers,
                                     shard_size=args.shard_size, engine=engine, restart=True, progress=False))
    wall = time.perf_counter() - t0
    return {"engine": engine, "workers": summary["workers"], "threads": summary["threads_per_worker"],
            "documents": summary["documents"], "errors": summary["errors"], "time_s": round(wall, 2),
            "docs_per_s": round(summary["documents"] / wall, 2), "chars_per_s": round(summary["characters"] / wall),
            "model_docs_per_s_per_worker": round(model_rate(out), 2),
            "peak_rss_mb_per_worker": sorted(summary["peak_rss_mb"]["workers"].values()),
            "coordinator_peak_rss_mb": summary["peak_rss_mb"]["coordinator"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inews", required=True, type=Path, help='JSON Lines of {"title", "content"} news')
    ap.add_argument("--seeds", type=Path, help="folder of seed .txt articles to mix into the archive")
    ap.add_argument("--docs", type=int, default=2000, help="archive size (default 2000)")
    ap.add_argument("--limit", type=int, help="a smaller archive for a quick check (overrides --docs)")
    ap.add_argument("--model", default=None, help="model folder (default: $ZHIE_MODEL or models/zhie-ner-small)")
    ap.add_argument("--workers", default="1,2", help="local worker counts to compare (default 1,2)")
    ap.add_argument("--shard-size", type=int, default=100)
    ap.add_argument("--no-ray", action="store_true", help="skip the Ray engine")
    ap.add_argument("--workdir", type=Path, help="where to build the archive and outputs (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the archive and outputs")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()
    n = args.limit if args.limit else max(args.docs, 2000)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="zhie-batch-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        archive = work / "archive.jsonl"
        docs, chars = build_archive(args.inews, archive, n, args.seeds)
        print(f"archive: {docs} documents, {chars:,} characters ({chars / docs:.0f} per document)", file=sys.stderr)
        results, outputs = [], {}
        for w in [int(x) for x in args.workers.split(",") if x]:
            out = work / f"local-{w}"
            results.append(one_run(archive, out, "local", w, args))
            outputs[f"local-{w}"] = shard_bytes(out)
            print(f"local, {w} worker(s): {results[-1]['docs_per_s']} docs/s", file=sys.stderr)
        ray_note = None
        if not args.no_ray:
            try:
                import ray
                import ray.data  # noqa: F401
            except ImportError:
                ray_note = "ray not installed (pip install -e '.[ray]')"
            else:
                w = max(int(x) for x in args.workers.split(",") if x)
                t0 = time.perf_counter()
                ray.init(num_cpus=w, include_dashboard=False, log_to_driver=False)
                init_s = time.perf_counter() - t0
                try:
                    out = work / f"ray-{w}"
                    res = one_run(archive, out, "ray", w, args)
                    res["ray_init_s"] = round(init_s, 2)
                    results.append(res)
                    outputs[f"ray-{w}"] = shard_bytes(out)
                finally:
                    ray.shutdown()
        base = next((r for r in results if r["engine"] == "local" and r["workers"] == 1), None)
        for r in results:
            r["speed_vs_1_local_worker"] = round(r["docs_per_s"] / base["docs_per_s"], 2) if base else None
        identical = len(set(outputs.values())) == 1
        report = {"archive": {"documents": docs, "characters": chars, "source": str(args.inews),
                              "seeds": str(args.seeds) if args.seeds else None},
                  "model": args.model or "default", "shard_size": args.shard_size, "runs": results,
                  "outputs_identical": identical, "ray": ray_note}
        if args.json:
            print(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            print(f"{'engine':7} {'workers':>7} {'threads':>7} {'time s':>8} {'docs/s':>9} {'chars/s':>10} "
                  f"{'model docs/s/worker':>20} {'x vs 1':>7}  peak RSS MB per worker")
            for r in results:
                print(f"{r['engine']:7} {r['workers']:>7} {r['threads']:>7} {r['time_s']:>8} {r['docs_per_s']:>9} "
                      f"{r['chars_per_s']:>10} {r['model_docs_per_s_per_worker']:>20} "
                      f"{r['speed_vs_1_local_worker']:>7}  {r['peak_rss_mb_per_worker']}"
                      + (f"  (ray.init {r['ray_init_s']} s not included)" if "ray_init_s" in r else ""))
            print(f"shards byte-identical across runs: {identical}" + (f"; {ray_note}" if ray_note else ""))
        return 0 if identical else 1
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep:
            print(f"kept {work}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
