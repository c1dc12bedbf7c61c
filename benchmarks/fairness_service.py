"""Fair use of the model by the REST service, measured on a real ``zhie serve`` (a script, not a test).

1. sends a maximal batch — ``max_batch_docs`` documents of ``max_doc_chars`` characters
   each (64 × 100,000 with the default limits), made of the repository's annotated
   article texts (``annotations/dev.jsonl``, ``train.jsonl``) rotated so that every
   document differs — over a raw socket;
2. while it runs, sends one-sentence ``/v1/extract`` requests (the first after
   ``--small-after`` seconds) and reports their latency;
3. then either hangs up the batch's connection (default) and measures the delay of the
   next request and the server's CPU use before and after (cancelled work stops using the
   CPU), or, with ``--budget S``, starts the server with ``ZHIE_REQUEST_TIMEOUT=S`` and
   reports when the batch was answered 503.

    python benchmarks/fairness_service.py                    # the shipped model, default limits
    python benchmarks/fairness_service.py --budget 20
    python benchmarks/fairness_service.py --model tests/fixtures/tiny-model --docs 8 --doc-chars 2000
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_service import REPO_ROOT, free_port, process_tree, wait_ready  # noqa: E402

SENTENCE = "近日，市商务局局长周晓东到太原武宿综合保税区调研。"


def batch_documents(docs: int, chars: int) -> list[dict[str, str]]:
    texts = []
    for source in ("annotations/dev.jsonl", "annotations/train.jsonl"):
        with open(REPO_ROOT / source, encoding="utf-8") as f:
            texts += [json.loads(line)["text"].strip() for line in f if line.strip()]
    from zhie.text import boilerplate
    # a footer line (责任编辑…, a source credit) ends an article: the cleaning drops all that follows it,
    # so it is left out here to keep every character of the long documents in the work
    joined = "\n".join(line for line in "\n\n".join(texts).split("\n") if not boilerplate.is_footer_start(line))
    out = []
    for k in range(docs):
        start = (k * 997) % len(joined)
        rotated = joined[start:] + "\n\n" + joined[:start]
        out.append({"id": f"max-{k}", "text": (rotated * (chars // len(rotated) + 1))[:chars]})
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of the server's process tree."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def cpu_rate(pid: int, seconds: float) -> float:
    """The server's CPU use over the next ``seconds`` (1.0 = one core busy)."""
    c0, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return round((cpu_seconds(pid) - c0) / (time.monotonic() - t0), 2)


def open_batch(base: str, body: bytes) -> socket.socket:
    """POST the batch over a raw socket (so that it can be hung up at will); returns the socket."""
    url = urlparse(base)
    sock = socket.create_connection((url.hostname, url.port))
    head = (f"POST /v1/extract/batch HTTP/1.1\r\nHost: {url.hostname}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    sock.sendall(head + body)
    return sock


def read_status(sock: socket.socket) -> tuple[int, str]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    status = int(head.split()[1]) if head else -1
    return status, head


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", help="model folder (default: the shipped model)")
    ap.add_argument("--docs", type=int, default=64, help="documents in the batch (default: max_batch_docs)")
    ap.add_argument("--doc-chars", type=int, default=100_000, help="characters per document (default: max_doc_chars)")
    ap.add_argument("--small", type=int, default=5, help="one-sentence requests sent during the batch")
    ap.add_argument("--small-after", type=float, default=5.0, help="seconds after the batch was sent")
    ap.add_argument("--budget", type=float, help="run the server with this request_timeout and wait for the 503")
    ap.add_argument("--log", default="/tmp/zhie-fairness-server.log", help="the server's log")
    args = ap.parse_args(argv)

    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), ZHIE_MAX_BATCH_DOCS=str(max(args.docs, 1)),
               ZHIE_MAX_DOC_CHARS=str(args.doc_chars), ZHIE_REQUEST_TIMEOUT=str(args.budget or 0))
    env.pop("ZHIE_API_TOKEN", None)
    cmd = [sys.executable, "-m", "zhie.cli", "serve", "--port", str(port), "--log-level", "info"]
    if args.model:
        cmd += ["--model", args.model]
    log = open(args.log, "wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    report: dict = {"docs": args.docs, "doc_chars": args.doc_chars, "loadavg_before": os.getloadavg()}
    try:
        wait_ready(base, proc, timeout=600)
        with httpx.Client(base_url=base, timeout=600) as c:
            report["model"] = c.get("/v1/model").json().get("version")
            for _ in range(3):
                c.post("/v1/extract", json={"text": SENTENCE})
            quiet = []
            for _ in range(5):
                t0 = time.perf_counter()
                assert c.post("/v1/extract", json={"text": SENTENCE}).status_code == 200
                quiet.append(round(time.perf_counter() - t0, 3))
            report["quiet_sentence_s"] = quiet
            body = json.dumps({"documents": batch_documents(args.docs, args.doc_chars)}, ensure_ascii=False).encode()
            report["batch_body_mb"] = round(len(body) / 1e6, 1)
            t_batch = time.monotonic()
            sock = open_batch(base, body)
            report["batch_sent_s"] = round(time.monotonic() - t_batch, 2)
            time.sleep(max(0.0, t_batch + args.small_after - time.monotonic()))
            small = []
            for _ in range(args.small):
                t0 = time.perf_counter()
                r = c.post("/v1/extract", json={"text": SENTENCE})
                small.append((round(time.perf_counter() - t0, 3), r.status_code))
                time.sleep(1.0)
            report["sentence_during_batch_s"] = small
            report["server_cpu_during_batch"] = cpu_rate(proc.pid, 2.0)
            if args.budget:
                status, _ = read_status(sock)
                report["batch_answer"] = {"status": status, "after_s": round(time.monotonic() - t_batch, 2)}
                sock.close()
            else:
                sock.close()  # the client hangs up
                t0 = time.perf_counter()
                r = c.post("/v1/extract", json={"text": SENTENCE})
                report["next_request_after_hangup_s"] = (round(time.perf_counter() - t0, 3), r.status_code)
                report["hung_up_after_s"] = round(time.monotonic() - t_batch, 2)
            time.sleep(1.0)
            report["server_cpu_after"] = cpu_rate(proc.pid, 3.0)
            t0 = time.perf_counter()
            status = c.post("/v1/extract", json={"text": SENTENCE}).status_code
            report["sentence_after"] = (round(time.perf_counter() - t0, 3), status)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    report["loadavg_after"] = os.getloadavg()
    server_log = Path(args.log).read_text(encoding="utf-8", errors="replace")
    report["server_log"] = [line for line in server_log.splitlines()
                            if "client went away" in line or "time budget" in line]
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
