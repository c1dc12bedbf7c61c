"""The one settings object of the entry points (zhie/settings.py): what it reads from the
environment, how the arguments win over it, and that nothing below the entry points reads the
environment (the library does what its arguments say)."""
from __future__ import annotations

import ast
import base64
import io
import json
import os
import pickle
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from conftest import DEFAULT_MODEL, REPO_ROOT, TINY_MODEL
from zhie.settings import ZhieSettings

VARIABLES = ("ZHIE_MODEL", "ZHIE_PRECISION", "ZHIE_RUNTIME", "ZHIE_TAGGER_THREADS", "OMP_NUM_THREADS", "ZHIE_CACHE",
             "XDG_CACHE_HOME", "ZHIE_STORE_URL", "ZHIE_BATCH_FAULT", "RAY_ADDRESS", "ZHIE_CONFIG")


@pytest.fixture
def clean_env(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_settings_read_the_documented_variables(clean_env, tmp_path):
    s = ZhieSettings()
    assert (s.model, s.precision, s.runtime, s.store_url, s.batch_fault, s.ray_address) == (None,) * 6
    assert s.model_path == REPO_ROOT / "models" / "zhie-ner-small"
    assert s.cache_root == Path.home() / ".cache" / "zhie" and s.onnx_threads is None
    for name, value in {"ZHIE_MODEL": "/m", "ZHIE_PRECISION": "int8", "ZHIE_RUNTIME": "torch", "ZHIE_STORE_URL": "s.db",
                        "ZHIE_BATCH_FAULT": "raise:d1", "RAY_ADDRESS": "ray://h:10001", "OMP_NUM_THREADS": "3",
                        "XDG_CACHE_HOME": str(tmp_path / "xdg")}.items():
        clean_env.setenv(name, value)
    s = ZhieSettings()
    assert (s.model_path, s.precision, s.runtime, s.store_url, s.batch_fault, s.ray_address) == (
        Path("/m"), "int8", "torch", "s.db", "raise:d1", "ray://h:10001")
    assert s.onnx_threads == 3 and s.cache_root == tmp_path / "xdg" / "zhie"
    clean_env.setenv("ZHIE_TAGGER_THREADS", "5")            # wins over OMP_NUM_THREADS
    clean_env.setenv("ZHIE_CACHE", str(tmp_path / "c"))     # wins over XDG_CACHE_HOME
    s = ZhieSettings()
    assert s.onnx_threads == 5 and s.cache_root == tmp_path / "c"
    clean_env.setenv("ZHIE_TAGGER_THREADS", "lots")         # not a positive integer: the next one counts
    clean_env.setenv("ZHIE_PRECISION", "")                  # empty: unset
    s = ZhieSettings()
    assert s.onnx_threads == 3 and s.precision is None


def test_arguments_win_and_only_set_options_are_passed(clean_env, tmp_path):
    assert ZhieSettings().tagger_options() == {}             # a tagger without options loads as before
    clean_env.setenv("ZHIE_PRECISION", "bf16")
    clean_env.setenv("ZHIE_CACHE", str(tmp_path))
    s = ZhieSettings()
    assert s.tagger_options() == {"precision": "bf16", "cache": tmp_path}
    assert s.tagger_options("int8", "onnx") == {"precision": "int8", "runtime": "onnx", "cache": tmp_path}


def test_the_library_does_what_its_arguments_say(monkeypatch, tmp_path):
    from zhie.pipeline import default_model_path
    from zhie.store import resolve_store_url
    from zhie.tagger.export import cache_root
    from zhie.tagger.transformer import resolve_precision, resolve_runtime

    monkeypatch.setenv("ZHIE_PRECISION", "bf16")
    monkeypatch.setenv("ZHIE_RUNTIME", "torch")
    monkeypatch.setenv("ZHIE_MODEL", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("ZHIE_STORE_URL", str(tmp_path / "env.sqlite"))
    monkeypatch.setenv("ZHIE_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert resolve_precision(None, {"precision": "fp32"}) == "fp32"
    assert resolve_runtime(None, {}, "fp32") == "onnx"
    assert default_model_path() == REPO_ROOT / "models" / "zhie-ner-small"
    assert resolve_store_url(None) == "sqlite:///" + str(tmp_path / "zhie-store.sqlite")
    assert cache_root() == Path.home() / ".cache" / "zhie" and cache_root(tmp_path) == tmp_path


# ------------------------------------------------------------------ nothing below the entry points reads the environment

READERS = {"zhie/settings.py"}   # ZhieSettings: the one place the environment is read
WRITES = {"update", "setdefault", "pop"}   # setting variables for child processes and native libraries is fine


def environment_reads(source: str) -> list[int]:
    """The lines of ``source`` that read the process environment (``os.environ`` other than writes,
    ``os.getenv``, ``os.environb``), found in the syntax tree."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    names = {"environ"} if any(isinstance(n, ast.ImportFrom) and n.module == "os" and
                               any(a.name in ("environ", "environb") for a in n.names) for n in ast.walk(tree)) else set()
    lines = []
    for node in ast.walk(tree):
        is_os_attr = (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os")
        if is_os_attr and node.attr in ("getenv", "getenvb", "environb"):
            lines.append(node.lineno)
        elif (is_os_attr and node.attr == "environ") or (isinstance(node, ast.Name) and node.id in names):
            parent = parents.get(node)
            written = ((isinstance(parent, ast.Subscript) and isinstance(parent.ctx, (ast.Store, ast.Del)))
                       or (isinstance(parent, ast.Attribute) and parent.attr in WRITES
                           and isinstance(parents.get(parent), ast.Call)))
            if not written:
                lines.append(node.lineno)
    return sorted(set(lines))


def test_the_environment_reads_are_found():
    reads = """import os
from os import environ
a = os.environ.get("A")
b = os.getenv("B")
c = "C" in os.environ
d = os.environ["D"]
e = dict(os.environ)
f = environ.get("F")
g = some_function(environ=os.environ)
"""
    writes = """import os
os.environ["A"] = "1"
os.environ.update({"B": "2"})
os.environ.setdefault("C", "3")
os.environ.pop("D", None)
del os.environ["E"]
environ = {}            # a local name, os.environ not imported
x = environ.get("x")
"""
    assert environment_reads(reads) == [3, 4, 5, 6, 7, 8, 9]
    assert environment_reads(writes) == []


def test_no_environment_variable_is_read_below_the_entry_points():
    offenders = []
    for folder in ("zhie", "service", "training"):
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            rel = path.relative_to(REPO_ROOT).as_posix()
            if rel not in READERS:
                offenders += [f"{rel}:{n}" for n in environment_reads(path.read_text(encoding="utf-8"))]
    assert not offenders, "the environment is read here (take a ZhieSettings value instead): " + ", ".join(offenders)


@pytest.mark.skipif(not (DEFAULT_MODEL / "meta.json").exists(), reason="no shipped model")
def test_the_cli_reads_the_environment_and_its_options_win(clean_env):
    from zhie.cli import main

    def info(*args: str) -> dict:
        out = io.StringIO()
        with redirect_stdout(out):
            assert main(["info", *args]) == 0
        return json.loads(out.getvalue())

    clean_env.setenv("ZHIE_MODEL", str(DEFAULT_MODEL))
    clean_env.setenv("ZHIE_PRECISION", "int8")
    assert info()["path"] == str(DEFAULT_MODEL) and info()["precision"] == "int8"
    assert info("--precision", "fp32")["precision"] == "fp32"


# ------------------------------------------------------------------ one object: config file < environment < arguments

def test_config_file_environment_and_arguments_in_one_object(tmp_path):
    from service import Settings, load_settings

    assert Settings is ZhieSettings
    (tmp_path / "conf").mkdir()
    cfg = tmp_path / "conf" / "zhie.toml"
    cfg.write_text('model = "m"\nstore_url = "store.sqlite"\nport = 7000\nworkers = 3\nprecision = "int8"\n'
                   'request_timeout = 30\nlog_level = "debug"\n', encoding="utf-8")
    environ = {"ZHIE_CONFIG": str(cfg), "ZHIE_WORKERS": "2", "ZHIE_RUNTIME": "torch", "ZHIE_TEST_OTHER": "x"}
    s = load_settings({"port": 9001, "host": None}, environ=environ)
    assert s.model == tmp_path / "conf" / "m" and s.store_url == str(tmp_path / "conf" / "store.sqlite")  # file-relative
    assert (s.port, s.workers, s.host) == (9001, 2, "127.0.0.1")          # argument > environment > file > default
    assert (s.precision, s.runtime, s.request_timeout, s.log_level) == ("int8", "torch", 30.0, "debug")
    assert s.tagger_options() == {"precision": "int8", "runtime": "torch"}
    # the same object at the other entry points, e.g. the CLI's ZhieSettings(); `config=` names the file too
    cli = ZhieSettings(_environ={"ZHIE_PRECISION": "fp32"}, config=cfg)
    assert (cli.model, cli.precision, cli.workers) == (s.model, "fp32", 3)
    assert ZhieSettings(_environ={}).model is None and load_settings(environ={}).model == DEFAULT_MODEL


def test_a_worker_process_rebuilds_identical_settings(tmp_path, monkeypatch):
    """What `zhie serve` exports is what each uvicorn worker's factory builds (a real child process)."""
    from service.serve import export_settings, worker_settings

    cfg = tmp_path / "zhie.json"
    cfg.write_text(json.dumps({"api_token": "secret", "request_timeout": 0, "store_url": "s.sqlite"}), encoding="utf-8")
    settings = ZhieSettings(_environ={"ZHIE_CONFIG": str(cfg), "ZHIE_TORCH_THREADS": "2", "ZHIE_MAX_DOC_CHARS": "5_000"},
                            model=TINY_MODEL, workers=2, read_token_required=True)
    worker = worker_settings(settings, tmp_path / "reload")
    assert worker.reload_dir == tmp_path / "reload" and worker.tagger_threads is not None
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ZHIE_")}
    environ.update(ZHIE_CONFIG=str(cfg), ZHIE_API_TOKEN="stale", ZHIE_PRECISION="", PYTHONPATH=str(REPO_ROOT))
    monkeypatch.setattr(os, "environ", environ)     # export into a copy of the environment, not this process's
    export_settings(worker)
    assert "ZHIE_CONFIG" not in environ and "ZHIE_PRECISION" not in environ and environ["ZHIE_API_TOKEN"] == "secret"
    child = ("import base64, pickle, sys; from service.app import create_app_from_env; "
             "sys.stdout.write(base64.b64encode(pickle.dumps(create_app_from_env().state.settings)).decode())")
    out = subprocess.run([sys.executable, "-c", child], env=environ, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    rebuilt = pickle.loads(base64.b64decode(out.stdout))
    assert rebuilt == worker and rebuilt.request_timeout is None and rebuilt.max_doc_chars == 5000
    assert rebuilt.store_url == str(tmp_path / "s.sqlite")


@pytest.mark.parametrize("environ, config, arguments, message", [
    ({"ZHIE_WORKERS": "many"}, None, {}, "setting workers (from $ZHIE_WORKERS) must be an integer, got 'many'"),
    ({}, 'port = "eighty"\n', {}, "setting port (from config file {cfg}) must be an integer, got 'eighty'"),
    ({}, "inference_threads = 0\n", {}, "setting inference_threads (from config file {cfg}) must be at least 1, got 0"),
    ({"ZHIE_PORT": "9000"}, None, {"port": 70000}, "setting port (from command line) must be at most 65535, got 70000"),
    ({}, "model = 5\n", {}, "setting model (from config file {cfg}) must be a non-empty path, got 5"),
    ({"ZHIE_LOG_LEVEL": "loud"}, None, {}, "setting log_level (from $ZHIE_LOG_LEVEL) must be critical/error/warning/info/debug"),
    ({}, None, {"prot": 1}, "unknown setting prot"),
])
def test_a_bad_value_names_the_setting_and_its_source(tmp_path, environ, config, arguments, message):
    from service import SettingsError, load_settings

    cfg = tmp_path / "zhie.toml"
    if config is not None:
        cfg.write_text(config, encoding="utf-8")
        environ = {**environ, "ZHIE_CONFIG": str(cfg)}
    with pytest.raises(SettingsError) as caught:
        load_settings(arguments, environ=environ)
    assert str(caught.value).startswith(message.format(cfg=cfg)) and "\n" not in str(caught.value)
    with pytest.raises(SettingsError, match=r"setting port \(from arguments\) must be at least 1, got 0"):
        ZhieSettings(_environ={}, port=0)      # built directly: the arguments are named as such


def test_zhie_serve_and_the_cli_answer_a_bad_setting_with_one_line(monkeypatch, capsys):
    from zhie.cli import main

    monkeypatch.delenv("ZHIE_CONFIG", raising=False)
    monkeypatch.setenv("ZHIE_MAX_BODY_BYTES", "big")
    assert main(["serve", "--model", str(TINY_MODEL)]) == 2
    assert main(["info", "--model", str(TINY_MODEL)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"zhie {command}: setting max_body_bytes (from $ZHIE_MAX_BODY_BYTES) must be an integer, got 'big'"
                     for command in ("serve", "info")]
