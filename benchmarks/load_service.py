"""Load test of the REST service (a script, not a test).

Starts ``zhie serve`` on a free loopback port (or targets one already running with
``--url``) and sends ``POST /v1/extract`` requests, each with a different article: the
repository's annotated texts (``annotations/dev.jsonl`` and ``train.jsonl``) joined and
cut at sentence ends into pieces of about 1,000 characters.  It runs 1 and then 4
concurrent clients, then 1 client again while ``--neighbours`` CPU-bound busy-loop
processes (default 2) share the machine, each level bounded by a request count and a time
limit, and reports latency percentiles (p50/p95/p99), throughput, errors, the server's
resident memory (VmRSS / VmHWM from /proc/<pid>/status, workers included), the load
average before and after, and the neighbour/quiet latency ratios.

    python benchmarks/load_service.py                       # the default model, 300 requests / 60 s per level
    python benchmarks/load_service.py --model tests/fixtures/tiny-model --requests 200 --duration 10
    python benchmarks/load_service.py --env OMP_WAIT_POLICY=ACTIVE --env ZHIE_TORCH_THREADS=1
    python benchmarks/load_service.py --url http://127.0.0.1:8000 --pid 1234 --json

Only loopback addresses are accepted.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

ARTICLE_SOURCES = ("annotations/dev.jsonl", "annotations/train.jsonl")
ARTICLE_CHARS = 1000
SENTENCE_ENDS = "。！？\n"


def varied_articles(chars: int = ARTICLE_CHARS, sources: tuple[str, ...] = ARTICLE_SOURCES) -> list[str]:
    """The repository's annotated article texts joined and cut into consecutive pieces of about ``chars``
    characters, each ending at a sentence end (so every request sends a different real article)."""
    texts = []
    for source in sources:
        with open(REPO_ROOT / source, encoding="utf-8") as f:
            texts += [json.loads(line)["text"].strip() for line in f if line.strip()]
    joined = "\n\n".join(texts)
    pieces, start = [], 0
    while len(joined) - start >= chars * 0.9:
        lo = start + int(chars * 0.9)
        ends = [lo + i + 1 for i, c in enumerate(joined[lo:start + int(chars * 1.1)]) if c in SENTENCE_ENDS]
        end = min(ends, key=lambda e: abs(e - start - chars)) if ends else start + chars  # nearest sentence end
        pieces.append(joined[start:end].strip())
        start = end
    return pieces


def spin() -> None:
    """A CPU-bound neighbour: a busy loop until terminated."""
    n = 0
    while True:
        n += 1


class Neighbours:
    """``count`` busy-loop processes started here (and only these are stopped)."""

    def __init__(self, count: int) -> None:
        self.procs = [multiprocessing.Process(target=spin, daemon=True) for _ in range(count)]

    def __enter__(self) -> "Neighbours":
        for p in self.procs:
            p.start()
        time.sleep(0.5)  # let them reach full speed
        return self

    def __exit__(self, *exc: object) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.join(10)


@dataclass
class LevelResult:
    concurrency: int
    neighbours: int
    requests: int
    errors: int
    seconds: float
    throughput_rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    rss_mb: float | None
    peak_rss_mb: float | None
    error_samples: list[str]


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's worker processes), from /proc."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return pids


def memory_mb(pid: int | None) -> tuple[float | None, float | None]:
    """(VmRSS, VmHWM) summed over the server's process tree, in MB; None when unknown."""
    if pid is None:
        return None, None
    rss = hwm = 0
    for p in process_tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        rss += int(fields.get("VmRSS", "0 kB").split()[0])
        hwm += int(fields.get("VmHWM", "0 kB").split()[0])
    return rss / 1024, hwm / 1024


def run_level(url: str, concurrency: int, max_requests: int, max_seconds: float, headers: dict[str, str],
              pid: int | None, articles: list[str], neighbours: int = 0) -> LevelResult:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    issued = 0
    started = time.perf_counter()
    deadline = started + max_seconds

    def worker(k: int) -> None:
        nonlocal issued
        with httpx.Client(timeout=max(60.0, max_seconds), headers=headers) as client:
            while True:
                with lock:
                    if issued >= max_requests or time.perf_counter() >= deadline:
                        return
                    issued += 1
                    n = issued
                t0 = time.perf_counter()
                try:
                    r = client.post(url, json={"id": f"bench-{concurrency}-{n}", "text": articles[n % len(articles)],
                                               "meta": {"date": "2023-08-20"}})
                    problem = None if r.status_code == 200 and r.json().get("id") == f"bench-{concurrency}-{n}" \
                        else f"HTTP {r.status_code}: {r.text[:200]}"
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    ms = sorted(x * 1000 for x in latencies)
    rss, peak = memory_mb(pid)
    ok = len(latencies) - len(errors)
    return LevelResult(concurrency, neighbours, len(latencies), len(errors), round(seconds, 2),
                       round(ok / seconds, 2) if seconds else 0.0,
                       round(percentile(ms, 50), 1), round(percentile(ms, 95), 1), round(percentile(ms, 99), 1),
                       round(ms[-1], 1) if ms else 0.0,
                       round(rss, 1) if rss is not None else None, round(peak, 1) if peak is not None else None,
                       sorted(set(errors))[:3])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(model: str | None, workers: int, extra_env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "zhie.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--log-level", "warning"]
    if model:
        cmd += ["--model", model]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), **extra_env)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return proc, f"http://127.0.0.1:{port}"


def wait_ready(base: str, proc: subprocess.Popen | None, timeout: float, in_a_row: int = 1) -> float:
    """Seconds until ``in_a_row`` consecutive /ready answers (new connections, so that with several
    workers each one is likely to have been asked) are 200."""
    t0, streak = time.perf_counter(), 0
    while time.perf_counter() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
            raise SystemExit(f"the server exited with code {proc.returncode}:\n{err}")
        try:
            streak = streak + 1 if httpx.get(f"{base}/ready", timeout=5).status_code == 200 else 0
        except httpx.TransportError:
            streak = 0
        if streak >= in_a_row:
            return time.perf_counter() - t0
        time.sleep(0.05 if streak else 0.2)
    raise SystemExit(f"{base} was not ready after {timeout:.0f} s")


def env_pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="a running service (loopback only); default: start one")
    ap.add_argument("--pid", type=int, help="the running service's process id, for its memory")
    ap.add_argument("--model", help="model folder for the server started here (default: $ZHIE_MODEL or the shipped model)")
    ap.add_argument("--workers", type=int, default=1, help="workers of the server started here")
    ap.add_argument("--env", type=env_pair, action="append", default=[], metavar="NAME=VALUE",
                    help="an environment variable for the server started here (e.g. OMP_WAIT_POLICY=ACTIVE, "
                         "ZHIE_TORCH_THREADS=1); repeatable")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--neighbours", type=int, default=2,
                    help="CPU-bound busy-loop processes run next to the server for a second concurrency-1 level "
                         "(0: skip it)")
    ap.add_argument("--requests", type=int, default=300, help="at most this many requests per level")
    ap.add_argument("--duration", type=float, default=60.0, help="at most this many seconds per level")
    ap.add_argument("--warmup", type=int, default=5, help="requests sent before measuring")
    ap.add_argument("--chars", type=int, default=ARTICLE_CHARS, help="characters per article (about)")
    ap.add_argument("--token", default=os.environ.get("ZHIE_API_TOKEN"), help="bearer token (default: $ZHIE_API_TOKEN)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)

    articles = varied_articles(args.chars)
    proc = None
    if args.url:
        host = urlparse(args.url).hostname or ""
        if host not in LOOPBACK:
            ap.error(f"--url must be a loopback address ({', '.join(sorted(LOOPBACK))}), got {host!r}")
        base, pid = args.url.rstrip("/"), args.pid
    else:
        proc, base = start_server(args.model, args.workers, dict(args.env))
        pid = proc.pid
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    load_before = os.getloadavg()
    try:
        ready_s = wait_ready(base, proc, timeout=600, in_a_row=1 if args.workers == 1 else 10 * args.workers)
        with httpx.Client(timeout=30, headers=headers) as client:
            model = client.get(f"{base}/v1/model").json()
            for k in range(args.warmup):
                client.post(f"{base}/v1/extract", json={"text": articles[-1 - k % len(articles)]})
        idle_rss, _ = memory_mb(pid)
        url = f"{base}/v1/extract"
        levels = [run_level(url, c, args.requests, args.duration, headers, pid, articles) for c in args.concurrency]
        if args.neighbours:
            with Neighbours(args.neighbours):
                levels.append(run_level(url, 1, args.requests, args.duration, headers, pid, articles,
                                        neighbours=args.neighbours))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
    load_after = os.getloadavg()

    lengths = sorted(len(a) for a in articles)
    quiet = next((r for r in levels if r.concurrency == 1 and not r.neighbours), None)
    busy = next((r for r in levels if r.neighbours), None)
    ratios = ({"p50": ratio(busy.p50_ms, quiet.p50_ms), "p95": ratio(busy.p95_ms, quiet.p95_ms),
               "p99": ratio(busy.p99_ms, quiet.p99_ms)} if quiet and busy else None)
    report = {"url": base, "model": {k: model.get(k) for k in ("name", "version")},
              "precision": model.get("precision"), "server_env": dict(args.env),
              "articles": len(articles), "article_chars": {"min": lengths[0], "median": lengths[len(lengths) // 2],
                                                           "max": lengths[-1]},
              "ready_after_s": round(ready_s, 2), "idle_rss_mb": round(idle_rss, 1) if idle_rss else None,
              "cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before],
              "loadavg_after": [round(x, 2) for x in load_after],
              "levels": [asdict(level) for level in levels], "neighbour_over_quiet": ratios}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        a = report["article_chars"]
        print(f"service {base}  model {report['model']['name']} {report['model']['version']} ({report['precision']})  "
              f"{len(articles)} different articles of {a['min']}-{a['max']} chars (median {a['median']})  "
              f"ready after {report['ready_after_s']} s  RSS after warm-up {report['idle_rss_mb']} MB  "
              f"({report['cpus']} CPUs)  server env {report['server_env'] or '-'}")
        print(f"load average (1/5/15 min) before {report['loadavg_before']}  after {report['loadavg_after']}")
        print(f"{'conc':>4} {'nbrs':>4} {'reqs':>5} {'errs':>4} {'secs':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'max ms':>8} {'RSS MB':>7} {'peak MB':>8}")
        for r in levels:
            print(f"{r.concurrency:>4} {r.neighbours:>4} {r.requests:>5} {r.errors:>4} {r.seconds:>6} "
                  f"{r.throughput_rps:>7} {r.p50_ms:>8} {r.p95_ms:>8} {r.p99_ms:>8} {r.max_ms:>8} "
                  f"{r.rss_mb!s:>7} {r.peak_rss_mb!s:>8}")
            for e in r.error_samples:
                print(f"     error: {e}")
        if ratios:
            print(f"with {busy.neighbours} busy neighbours / quiet, concurrency 1: p50 {ratios['p50']}x  "
                  f"p95 {ratios['p95']}x  p99 {ratios['p99']}x")
    return 1 if any(r.errors for r in levels) else 0


if __name__ == "__main__":
    sys.exit(main())
