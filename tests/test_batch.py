"""`zhie batch`: shards in input order, error records, resumption after kill -9, refusal of a
mismatched resume, crash isolation, progress output, and the Ray engine (skipped without ray).
"""
from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DEFAULT_MODEL, REPO_ROOT, TINY_MODEL
from samples import SIGNING, WEB_PAGE
from zhie.batch import BatchError, BatchOptions, run_batch
from zhie.batch.progress import Progress
from zhie.batch.shards import OutputDir, PlanMismatch, ShardStats
from zhie.batch.sources import SourceError, discover, iter_raw_items, scan_sources

ZHIE = [sys.executable, "-m", "zhie.cli"]
VARIANTS = [
    "晋中开发区管委会副主任田磊调研山西华晟新材料有限公司。",
    "2023年5月18日，大同经开区与晋能控股集团签约，总投资约3亿元。",
    "市商务局局长周晓东到长治高新技术产业开发区考察高端装备制造基地项目。",
]


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    e.pop("ZHIE_BATCH_FAULT", None)
    e.update(extra)
    return e


def zhie(args: list[str], **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(ZHIE + args, capture_output=True, env=env(**extra), timeout=120)


def article(i: int) -> str:
    base = (SIGNING, WEB_PAGE, VARIANTS[i % 3])[i % 3]
    return f"第{i}篇\n" + base * (1 + i % 4)


def write_jsonl(path: Path, n: int, prefix: str = "d") -> list[dict]:
    docs = [{"id": f"{prefix}{i}", "text": article(i), "meta": {"date": "2023-06-20"}} for i in range(n)]
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return docs


def read_output(folder: Path) -> list[dict]:
    return [json.loads(line) for p in sorted(folder.glob("part-*.jsonl")) for line in p.read_bytes().splitlines()]


def parts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("part-*.jsonl"))}


def opts(inp: Path, out: Path, **kw) -> BatchOptions:
    kw.setdefault("model", TINY_MODEL)
    kw.setdefault("progress", False)
    return BatchOptions(input=str(inp), output=out, **kw)


# ------------------------------------------------------------------ the whole command
def test_batch_folder_in_order_with_error_records_and_summary(tmp_path):
    src = tmp_path / "archive"
    (src / "sub").mkdir(parents=True)
    good = [{"id": f"a{i}", "text": article(i)} for i in range(4)]
    lines = [json.dumps(good[0], ensure_ascii=False).encode(),
             b'{"id": "broken", "text": ',                       # invalid JSON, line 2
             json.dumps(good[1], ensure_ascii=False).encode(),
             b"",                                                # blank line: skipped, as zhie extract does
             json.dumps({"id": "notext"}).encode(),              # missing text, line 5
             json.dumps(good[2], ensure_ascii=False).encode(),
             json.dumps(good[3], ensure_ascii=False).encode()]
    (src / "a.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (src / "b.jsonl.gz").write_bytes(gzip.compress(
        "".join(json.dumps({"id": f"b{i}", "text": article(10 + i)}, ensure_ascii=False) + "\n"
                for i in range(3)).encode()))
    (src / "sub" / "c.txt").write_text(SIGNING, encoding="utf-8")
    (src / "sub" / "d.txt").write_bytes(b"\xff\xfe not utf-8 \x80")     # undecodable file
    (src / "notes.md").write_text("ignored", encoding="utf-8")
    (src / ".hidden.jsonl").write_text('{"text": "ignored"}\n', encoding="utf-8")
    out = src / "results"                                                # inside the input: never read back

    proc = zhie(["batch", str(src), "-o", str(out), "--model", str(TINY_MODEL), "--shard-size", "3",
                 "--workers", "2", "--progress-every", "0"])
    assert proc.returncode == 1, proc.stderr          # some documents failed
    recs = read_output(out)
    assert [r["id"] for r in recs] == ["a0", None, "a1", "notext", "a2", "a3", "b0", "b1", "b2", "sub/c", "sub/d"]
    errors = {r["id"] or r["line"]: r for r in recs if "error" in r}
    assert errors[2] == {"id": None, "file": "a.jsonl", "line": 2, "error": errors[2]["error"]}
    assert errors[2]["error"]["type"] == "invalid_json"
    assert (errors["notext"]["file"], errors["notext"]["line"], errors["notext"]["error"]["type"]) == \
        ("a.jsonl", 5, "missing_field")
    assert (errors["sub/d"]["file"], errors["sub/d"]["line"], errors["sub/d"]["error"]["type"]) == \
        ("sub/d.txt", 1, "invalid_utf8")
    # shard layout: 11 documents, 3 per shard, in input order
    assert sorted(p.name for p in out.glob("part-*.jsonl")) == [f"part-0000{k}.jsonl" for k in range(4)]
    assert [len(p.read_bytes().splitlines()) for p in sorted(out.glob("part-*.jsonl"))] == [3, 3, 3, 2]
    # successful records are exactly what `zhie extract` writes for the same documents
    ref = zhie(["extract", str(src / "a.jsonl"), "--model", str(TINY_MODEL)])
    ref_recs = [json.loads(l) for l in ref.stdout.splitlines()]
    assert [r for r in recs[:6] if "error" not in r] == [r for r in ref_recs if "error" not in r]
    texts = {d["id"]: d["text"] for d in good} | {f"b{i}": article(10 + i) for i in range(3)} | {"sub/c": SIGNING}
    for r in recs:
        for e in r.get("entities", []):
            assert texts[r["id"]][e["start"]:e["end"]] == e["text"]
    assert any(r.get("entities") for r in recs if r["id"] == "sub/c")   # a .txt id is its relative name

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents"] == 11 and summary["shards"] == 4
    assert summary["errors"] == 3
    assert summary["error_types"] == {"invalid_json": 1, "invalid_utf8": 1, "missing_field": 1}
    assert summary["characters"] == sum(len(t) for t in texts.values())
    assert summary["model"]["name"] == "tiny-lexicon" and summary["model"]["version"] == "test"
    assert summary["engine"] == "local" and summary["workers"] == 2
    assert summary["input"]["files"] == 4 and len(summary["input"]["fingerprint"]) == 64
    assert summary["docs_per_s"] > 0 and summary["chars_per_s"] > 0 and summary["time_s"] > 0
    assert len(summary["peak_rss_mb"]["workers"]) >= 1
    # not a terminal: plain progress lines with rate and ETA, and a closing line
    err = proc.stderr.decode()
    assert "docs/s" in err and "ETA" in err and "11/11 documents" in err
    assert "\r" not in err


def test_output_does_not_depend_on_workers_and_concatenation_is_input_order(tmp_path):
    src = tmp_path / "in.jsonl"
    docs = write_jsonl(src, 37)
    run_batch(opts(src, tmp_path / "w1", workers=1, shard_size=5))
    run_batch(opts(src, tmp_path / "w2", workers=2, shard_size=5))
    run_batch(opts(src, tmp_path / "big", workers=2, shard_size=100))
    assert parts(tmp_path / "w1") == parts(tmp_path / "w2")
    assert len(parts(tmp_path / "w1")) == 8
    assert b"".join(parts(tmp_path / "w1").values()) == (tmp_path / "big" / "part-00000.jsonl").read_bytes()
    assert [r["id"] for r in read_output(tmp_path / "w2")] == [d["id"] for d in docs]


# ------------------------------------------------------------------ resumption
def _group_alive(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group, from /proc."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            data = stat.read_text()
        except OSError:
            continue
        fields = data[data.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] not in "ZX":
            alive.append(int(stat.parent.name))
    return alive


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_kill_9_then_rerun_gives_the_uninterrupted_output(tmp_path):
    src = tmp_path / "archive.jsonl"
    write_jsonl(src, 1500)
    args = ["batch", str(src), "--model", str(TINY_MODEL), "--shard-size", "50", "--workers", "2", "-q"]
    ref = zhie(args + ["-o", str(tmp_path / "ref")])
    assert ref.returncode == 0, ref.stderr
    reference = parts(tmp_path / "ref")
    assert len(reference) == 30

    out = tmp_path / "out"
    for kill_after in (1, 8):              # killed twice: right after the first shard, then later
        proc = subprocess.Popen(ZHIE + args + ["-o", str(out)], env=env(), start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            before = len(list(out.glob("part-*.jsonl")))
            while len(list(out.glob("part-*.jsonl"))) < before + kill_after:
                assert proc.poll() is None, "the run finished before it could be killed"
                assert time.monotonic() < deadline
                time.sleep(0.01)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            # no orphan worker keeps writing after the coordinator died
            deadline = time.monotonic() + 10
            while _group_alive(proc.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert _group_alive(proc.pid) == []
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        done = parts(out)
        assert 0 < len(done) < 30 and not (out / "summary.json").exists()
        for name, data in done.items():     # what is there is complete, never a torn shard
            assert data == reference[name]

    kept = {p.name: p.stat().st_ino for p in out.glob("part-*.jsonl")}
    final = zhie(args + ["-o", str(out)])
    assert final.returncode == 0, final.stderr
    assert parts(out) == reference                                     # byte-identical
    assert not list(out.glob("*.tmp")) and not list((out / ".zhie-batch").glob("*.tmp"))
    assert {n: (out / n).stat().st_ino for n in kept} == kept           # committed shards were not redone
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    full = json.loads((tmp_path / "ref" / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["resumed_shards"] == len(kept)
    assert summary["run"]["documents"] == 1500 - 50 * len(kept)
    for key in ("documents", "characters", "errors", "error_types", "shards", "input"):
        assert summary[key] == full[key]


def test_rerun_of_a_finished_run_does_nothing_and_repairs_a_lost_shard(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 12)
    out = tmp_path / "out"
    run_batch(opts(src, out, workers=1, shard_size=4))
    first = parts(out)
    again = run_batch(opts(src, out, workers=1, shard_size=4))
    assert again["run"]["documents"] == 0 and again["run"]["resumed_documents"] == 12
    assert again["documents"] == 12
    # a shard whose statistics are missing is not trusted; a stray temporary file is removed
    (out / ".zhie-batch" / "part-00001.json").unlink()
    (out / "part-00002.jsonl.999.tmp").write_bytes(b"garbage")
    third = run_batch(opts(src, out, workers=1, shard_size=4))
    assert third["run"]["documents"] == 4 and third["run"]["shards"] == 1
    assert parts(out) == first and not list(out.glob("*.tmp"))


def test_resume_refuses_another_input_model_or_shard_size_until_restart(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_jsonl(a, 6, "a")
    write_jsonl(b, 6, "b")
    out = tmp_path / "out"
    run_batch(opts(a, out, workers=1, shard_size=4))
    before = parts(out)

    with pytest.raises(BatchError, match="input differs.*--restart"):
        run_batch(opts(b, out, workers=1, shard_size=4))
    other_model = tmp_path / "model"
    shutil.copytree(TINY_MODEL, other_model)
    meta = json.loads((other_model / "meta.json").read_text(encoding="utf-8"))
    meta["version"] = "test-2"
    (other_model / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(BatchError, match="model tiny-lexicon test .* uses tiny-lexicon test-2"):
        run_batch(opts(a, out, workers=1, shard_size=4, model=other_model))
    with pytest.raises(BatchError, match="shard_size is 4 and this run's is 3"):
        run_batch(opts(a, out, workers=1, shard_size=3))
    assert parts(out) == before                          # a refused run touches nothing

    proc = zhie(["batch", str(b), "-o", str(out), "--model", str(TINY_MODEL), "--shard-size", "4"])
    assert proc.returncode == 2 and b"--restart" in proc.stderr
    proc = zhie(["batch", str(b), "-o", str(out), "--model", str(TINY_MODEL), "--shard-size", "4", "--restart"])
    assert proc.returncode == 0, proc.stderr
    assert [r["id"] for r in read_output(out)] == [f"b{i}" for i in range(6)]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"]["fingerprint"] == scan_sources(discover(str(b))).fingerprint


def test_resume_refuses_a_changed_linker_file_but_not_a_recorded_metric(tmp_path):
    from zhie.model.upgrade import upgrade_model
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 6)
    model = upgrade_model(TINY_MODEL, tmp_path / "model").path     # its own argument scorer, in the folder
    out = tmp_path / "out"
    run_batch(opts(src, out, model=model, workers=1, shard_size=4))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    parts_of = manifest["model"]["components"]
    assert parts_of["linker"]["argument_scorer"]["file"] == "argument_scorer.json"
    assert parts_of["windows"] == {"max_len": 48, "overlap": 12} and parts_of["linker"]["trigger_policy"] == "rules"
    assert parts_of["code"]["version"] and len(parts_of["code"]["source"]) == 64
    (out / "part-00001.jsonl").unlink()                             # as if the run had been killed
    (out / ".zhie-batch" / "part-00001.json").unlink()

    card = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    card.setdefault("metrics", {})["dev"] = {"documents": 1}       # a new figure on the card: same output
    (model / "meta.json").write_text(json.dumps(card, ensure_ascii=False), encoding="utf-8")
    original = (model / "argument_scorer.json").read_bytes()
    scorer = json.loads(original)
    first = next(iter(scorer["models"].values()))
    first["b"][0] += 0.5                                            # another linker
    (model / "argument_scorer.json").write_text(json.dumps(scorer), encoding="utf-8")
    with pytest.raises(BatchError, match=r"what differs: the argument scorer \(argument_scorer.json sha256 .*"
                                         r"never mixed.*--restart"):
        run_batch(opts(src, out, model=model, workers=1, shard_size=4))
    assert not (out / "part-00001.jsonl").exists()                  # nothing written by the refused run
    proc = zhie(["batch", str(src), "-o", str(out), "--model", str(model), "--shard-size", "4", "--workers", "1"])
    assert proc.returncode == 2 and b"the argument scorer" in proc.stderr

    (model / "argument_scorer.json").write_bytes(original)          # the first linker back: the run resumes
    resumed = run_batch(opts(src, out, model=model, workers=1, shard_size=4))
    assert resumed["run"]["resumed_shards"] == 1 and resumed["run"]["shards"] == 1


def test_a_folder_in_use_is_refused(tmp_path):
    first, second = OutputDir(tmp_path / "out"), OutputDir(tmp_path / "out")
    first.lock()
    try:
        with pytest.raises(PlanMismatch, match="another zhie batch run"):
            second.lock()
    finally:
        first.unlock()
    second.lock()
    second.unlock()


# ------------------------------------------------------------------ failures inside the model
def test_model_failure_and_worker_crash_become_error_records(tmp_path):
    src = tmp_path / "in.jsonl"
    docs = write_jsonl(src, 20)
    args = ["batch", str(src), "--model", str(TINY_MODEL), "--shard-size", "4", "--workers", "2", "-q"]
    ok = zhie(args + ["-o", str(tmp_path / "ref")])
    assert ok.returncode == 0, ok.stderr
    bad = zhie(args + ["-o", str(tmp_path / "out")], ZHIE_BATCH_FAULT="raise:d3,crash:d9")
    assert bad.returncode == 1, bad.stderr
    recs, ref = read_output(tmp_path / "out"), read_output(tmp_path / "ref")
    assert [r["id"] for r in recs] == [d["id"] for d in docs]     # nothing lost or duplicated
    assert recs[3]["error"]["type"] == "model_error" and "injected" in recs[3]["error"]["message"]
    assert (recs[3]["file"], recs[3]["line"]) == ("in.jsonl", 4)
    assert recs[9]["error"]["type"] == "worker_crash" and (recs[9]["file"], recs[9]["line"]) == ("in.jsonl", 10)
    assert [r for k, r in enumerate(recs) if k not in (3, 9)] == [r for k, r in enumerate(ref) if k not in (3, 9)]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["error_types"] == {"model_error": 1, "worker_crash": 1} and summary["documents"] == 20


def test_a_model_that_does_not_load_stops_the_run_with_a_message(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 3)
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "meta.json").write_text(json.dumps({"tagger": "no-such-tagger"}), encoding="utf-8")
    with pytest.raises(BatchError, match="could not be loaded.*no-such-tagger"):
        run_batch(opts(src, tmp_path / "out", model=broken, workers=1))
    with pytest.raises(BatchError, match="no meta.json"):
        run_batch(opts(src, tmp_path / "out2", model=tmp_path / "nowhere", workers=1))


# ------------------------------------------------------------------ inputs
def test_input_discovery_orders_files_and_reports_unreadable_ones(tmp_path):
    root = tmp_path / "arch"
    (root / "2023-02").mkdir(parents=True)
    (root / "2023-01").mkdir()
    (root / "2023-02" / "x.jsonl").write_text('{"text": "乙"}\n\n{"text": "丙"}\n', encoding="utf-8")
    (root / "2023-01" / "z.jsonl").write_text('{"text": "甲"}\n', encoding="utf-8")
    (root / "2023-01" / "y.txt").write_text("丁", encoding="utf-8")
    good = gzip.compress(b'{"text": "a"}\n' * 50)
    (root / "2023-02" / "t.jsonl.gz").write_bytes(good[: len(good) // 2])    # truncated archive
    files = discover(str(root / "2023-*" / "*"))
    assert [f.name for f in files] == ["2023-01/y.txt", "2023-01/z.jsonl", "2023-02/t.jsonl.gz", "2023-02/x.jsonl"]
    raws = list(iter_raw_items(files))
    assert [(r.file, r.line, r.kind) for r in raws if r.kind != "unreadable"][:2] == \
        [("2023-01/y.txt", 1, "txt"), ("2023-01/z.jsonl", 1, "jsonl")]
    bad = [r for r in raws if r.kind == "unreadable"]
    assert len(bad) == 1 and bad[0].file == "2023-02/t.jsonl.gz" and b"cannot read" in bad[0].data
    assert [(r.file, r.line) for r in raws[-2:]] == [("2023-02/x.jsonl", 1), ("2023-02/x.jsonl", 3)]
    assert raws[0].doc_id == "2023-01/y"
    scan = scan_sources(files)
    assert scan.documents == len(raws)
    (root / "2023-01" / "z.jsonl").write_text('{"text": "甲!"}\n', encoding="utf-8")
    assert scan_sources(discover(str(root / "2023-*" / "*"))).fingerprint != scan.fingerprint
    with pytest.raises(SourceError):
        discover(str(tmp_path / "missing.jsonl"))
    with pytest.raises(SourceError):
        discover(str(tmp_path / "*.nothing"))


# ------------------------------------------------------------------ progress
def test_progress_bar_on_a_terminal_and_log_lines_elsewhere():
    term = io.StringIO()
    bar = Progress(10, 2, tty=True, stream=term, loading="zhie batch: loading model m 1 in 2 workers …")
    assert term.getvalue() == "zhie batch: loading model m 1 in 2 workers …\n"  # said before any bar
    bar.update(0, 3, 300)
    bar.done(ShardStats(shard=0, documents=4, characters=400, errors=1))
    assert bar.documents == 6 and bar.errors == 1
    bar.close()
    shown = term.getvalue()
    assert "\r" in shown and "6/10" in shown and "docs/s overall" in shown and "ETA" in shown
    assert "doc/s" not in shown  # tqdm's own smoothed rate is not shown next to ours

    log = io.StringIO()
    lines = Progress(10, 0, tty=False, stream=log, interval=3600)
    lines.update(0, 0, 0)        # nothing done yet: nothing printed
    assert log.getvalue() == ""
    lines.update(0, 5, 50)       # the first documents: one line, so the wait for the model is seen to be over
    lines.update(0, 6, 60)       # within the interval: nothing more
    assert log.getvalue().count("\n") == 1 and "5/10 documents (50.0%)" in log.getvalue()
    lines.close()
    assert "6/10 documents (60.0%)" in log.getvalue() and "docs/s overall" in log.getvalue()


def test_progress_rate_is_this_runs_documents_over_the_time_since_the_run_started():
    started = time.perf_counter() - 4.0      # the job started 4 s ago (model loading, say)
    p = Progress(100, 20, tty=False, stream=io.StringIO(), started=started)
    p.done(ShardStats(shard=1, documents=8, characters=800, errors=0))
    docs_per_s, chars_per_s = p.rates()
    assert 8 / 4.5 < docs_per_s <= 8 / 4.0 and 800 / 4.5 < chars_per_s <= 800 / 4.0  # resumed ones not counted


def _run_on_a_pty(args: list[str], rows: int, cols: int, timeout: float = 600) -> tuple[int, str]:
    """Run ``zhie ARGS`` with stdin/stdout/stderr on a pseudo-terminal of the given size; (exit code, output)."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}  # the pty's size, not these
    env["PYTHONPATH"] = str(REPO_ROOT)
    proc = subprocess.Popen([sys.executable, "-m", "zhie.cli", *args], stdin=slave, stdout=slave, stderr=slave,
                            env=env, cwd=REPO_ROOT, close_fds=True)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:       # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    code = proc.wait(timeout=60)
    os.close(master)
    return code, out.decode("utf-8", "replace")


def test_batch_on_a_zero_size_terminal_prints_lines(tmp_path):
    """A pty of size 0×0 (``script``, a CI log): no bar that draws nothing, but the loading
    message, progress lines and a summary whose docs/s is the last line's."""
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 4)
    out = tmp_path / "out"
    code, shown = _run_on_a_pty(["batch", str(src), "-o", str(out), "--model", str(DEFAULT_MODEL),
                                 "--workers", "1", "--shard-size", "2", "--progress-every", "1"], rows=0, cols=0)
    assert code == 0, shown
    lines = [line for line in shown.replace("\r\n", "\n").split("\n") if line]
    assert lines[0].startswith("zhie batch: loading model zhie-ner-small") and "in 1 worker …" in lines[0]
    progress = [line for line in lines if re.match(r"zhie batch: \d+/4 documents", line)]
    assert progress and progress[-1].startswith("zhie batch: 4/4 documents (100.0%)")
    assert len(progress) == len(set(progress))  # the closing line does not repeat the last one
    assert "\r" not in shown.replace("\r\n", "\n")  # lines, not a bar redrawn in place
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    last_rate = float(re.search(r"([\d.]+) docs/s overall", progress[-1]).group(1))
    assert abs(last_rate - summary["docs_per_s"]) <= 0.05 * summary["docs_per_s"] + 0.01  # one definition
    assert lines[-1].startswith("zhie batch: 4 documents in 2 shards") and "docs/s overall" in lines[-1]


# ------------------------------------------------------------------ Ray
def test_ray_engine_writes_the_same_shards_and_resumes_local_runs(tmp_path):
    if os.environ.get("CI"):       # the test extra installs Ray: in CI a missing Ray is a failure
        import ray
        import ray.data  # noqa: F401
    else:
        ray = pytest.importorskip("ray")
        pytest.importorskip("ray.data")
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 30)
    local = run_batch(opts(src, tmp_path / "local", workers=2, shard_size=4))
    # a local run "interrupted" after some shards, finished by Ray
    mixed = tmp_path / "mixed"
    shutil.copytree(tmp_path / "local", mixed)
    for k in (2, 5, 7):
        (mixed / f"part-0000{k}.jsonl").unlink()
    ray.init(num_cpus=2, include_dashboard=False)
    try:
        summary = run_batch(opts(src, tmp_path / "ray", engine="ray", workers=2, shard_size=4))
        resumed = run_batch(opts(src, mixed, engine="ray", workers=2, shard_size=4))
    finally:
        ray.shutdown()
    assert parts(tmp_path / "ray") == parts(tmp_path / "local")
    assert parts(mixed) == parts(tmp_path / "local")
    assert resumed["run"]["shards"] == 3 and resumed["run"]["resumed_shards"] == 5
    assert summary["engine"] == "ray" and summary["workers"] == 2
    for key in ("documents", "characters", "errors", "shards"):
        assert summary[key] == local[key]
