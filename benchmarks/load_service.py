"""Load test of the REST service (a script, not a test).

Starts ``zhie serve`` on a free loopback port (or targets one already running with
``--url``), sends a ~1,000-character development-zone article to ``POST /v1/extract``
from 1 and then 4 concurrent clients, each level bounded by a request count and a time
limit, and reports latency percentiles (p50/p95/p99), throughput, errors and the
server's resident memory (VmRSS / VmHWM from /proc/<pid>/status, workers included).

    python benchmarks/load_service.py --model tests/fixtures/tiny-model --requests 200 --duration 10
    python benchmarks/load_service.py                       # the default model, 300 requests / 60 s per level
    python benchmarks/load_service.py --url http://127.0.0.1:8000 --pid 1234 --json

Only loopback addresses are accepted.
"""
from __future__ import annotations

import argparse
import json
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

# Written for this benchmark in the genre of the customer's articles (fictional people and
# companies): a heading block, a signing, a visit, a meeting, figures, and a column break.
ARTICLE = """## 阳泉经济技术开发区

# 产业项目集中签约 营商环境持续优化

本刊讯 2023年8月16日，阳泉经济技术开发区2023年第三季度重点项目集中签约仪式在开发区管委会举行。此次共签约项目6个，总投资约42.8亿元，涉及新材料、高端装备制造、数字经济等领域。阳泉市人民政府副市长韩立新，开发区党工委书记、管委会主任孟广源出席仪式并见证签约。

签约仪式上，阳泉经济技术开发区与山西瑞岩新材料科技有限公司签署《年产5万吨高性能陶瓷纤维项目投资协议》，项目总投资12.5亿元，规划用地286亩，建成后预计年产值可达18亿元。开发区管委会副主任贺春梅与北京恒远智造装备有限公司代表签订智能矿山装备产业园项目合作协议，该项目分两期建设，一期投资3.6亿元，计划于2024年6月底前建成投产。

仪式结束后，韩立新一行先后到山西瑞岩新材料科技有限公司、阳泉数智产业园调研，详细察看了企业生产车间和项目建设现场，听取了项目进展情况汇报。韩立新指出，开发区要坚持项目为王，围绕主导产业精准招商，全力做好要素保障，推动签约项目早落地、早开工、早见效。

8月18日，开发区党工委召开上半年经济运行分析会，孟广源主持会议并讲话。会议通报了今年以来开发区主要经济指标完成情况：1-7月，全区规上工业增加值同比增长9.2%，固定资产投资完成35.6亿

元，实际使用外资1200万美元。孟广源要求，各部门要对照全年目标任务，倒排工期、挂图作战，确保完成全年各项目标任务。

9月5日至7日，开发区党工委副书记、管委会副主任贺春梅带队赴江苏省苏州市、无锡市考察招商，先后走访了苏州汇川精密机械有限公司、无锡凯途新能源科技有限公司等企业，就新能源电池结构件、精密传动部件等项目进行深入洽谈。双方表示，将围绕产业链上下游加强对接，力争年内签约落地一批优质项目。考察期间，贺春梅还参观了苏州工业园区企业服务中心，学习借鉴项目审批和企业服务方面的先进经验。

今年以来，开发区累计走访企业200余家，协调解决企业用工、融资、用地等问题46个，新增市场主体312户。下一步，开发区将持续深化“承诺制+标准地+全代办”改革，为企业提供全生命周期服务。截至7月底，开发区今年已完成招商引资到位资金58.3亿元，占全年目标的64.8%。（阳泉经济技术开发区融媒体中心）
"""


@dataclass
class LevelResult:
    concurrency: int
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
              pid: int | None) -> LevelResult:
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
                    r = client.post(url, json={"id": f"bench-{concurrency}-{n}", "text": ARTICLE,
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
    return LevelResult(concurrency, len(latencies), len(errors), round(seconds, 2),
                       round(ok / seconds, 2) if seconds else 0.0,
                       round(percentile(ms, 50), 1), round(percentile(ms, 95), 1), round(percentile(ms, 99), 1),
                       round(ms[-1], 1) if ms else 0.0,
                       round(rss, 1) if rss is not None else None, round(peak, 1) if peak is not None else None,
                       sorted(set(errors))[:3])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(model: str | None, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "zhie.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--log-level", "warning"]
    if model:
        cmd += ["--model", model]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="a running service (loopback only); default: start one")
    ap.add_argument("--pid", type=int, help="the running service's process id, for its memory")
    ap.add_argument("--model", help="model folder for the server started here (default: $ZHIE_MODEL or the shipped model)")
    ap.add_argument("--workers", type=int, default=1, help="workers of the server started here")
    ap.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--requests", type=int, default=300, help="at most this many requests per level")
    ap.add_argument("--duration", type=float, default=60.0, help="at most this many seconds per level")
    ap.add_argument("--warmup", type=int, default=3, help="requests sent before measuring")
    ap.add_argument("--token", default=os.environ.get("ZHIE_API_TOKEN"), help="bearer token (default: $ZHIE_API_TOKEN)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)

    proc = None
    if args.url:
        host = urlparse(args.url).hostname or ""
        if host not in LOOPBACK:
            ap.error(f"--url must be a loopback address ({', '.join(sorted(LOOPBACK))}), got {host!r}")
        base, pid = args.url.rstrip("/"), args.pid
    else:
        proc, base = start_server(args.model, args.workers)
        pid = proc.pid
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    try:
        ready_s = wait_ready(base, proc, timeout=600, in_a_row=1 if args.workers == 1 else 10 * args.workers)
        with httpx.Client(timeout=30, headers=headers) as client:
            model = client.get(f"{base}/v1/model").json()
            for _ in range(args.warmup):
                client.post(f"{base}/v1/extract", json={"text": ARTICLE})
        idle_rss, _ = memory_mb(pid)
        levels = [run_level(f"{base}/v1/extract", c, args.requests, args.duration, headers, pid)
                  for c in args.concurrency]
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()

    report = {"url": base, "model": {k: model.get(k) for k in ("name", "version")}, "article_chars": len(ARTICLE),
              "ready_after_s": round(ready_s, 2), "idle_rss_mb": round(idle_rss, 1) if idle_rss else None,
              "cpus": os.cpu_count(), "levels": [asdict(level) for level in levels]}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(f"service {base}  model {report['model']['name']} {report['model']['version']}  "
              f"article {len(ARTICLE)} chars  ready after {report['ready_after_s']} s  "
              f"RSS after warm-up {report['idle_rss_mb']} MB  ({report['cpus']} CPUs)")
        print(f"{'conc':>4} {'reqs':>5} {'errs':>4} {'secs':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'max ms':>8} {'RSS MB':>7} {'peak MB':>8}")
        for r in levels:
            print(f"{r.concurrency:>4} {r.requests:>5} {r.errors:>4} {r.seconds:>6} {r.throughput_rps:>7} "
                  f"{r.p50_ms:>8} {r.p95_ms:>8} {r.p99_ms:>8} {r.max_ms:>8} {r.rss_mb!s:>7} {r.peak_rss_mb!s:>8}")
            for e in r.error_samples:
                print(f"     error: {e}")
    return 1 if any(r.errors for r in levels) else 0


if __name__ == "__main__":
    sys.exit(main())
