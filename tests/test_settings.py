"""The one settings object of the entry points (zhie/settings.py): what it reads from the
environment, how the arguments win over it, and that nothing below the entry points reads the
environment (the library does what its arguments say)."""
from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from conftest import DEFAULT_MODEL, REPO_ROOT
from zhie.settings import ZhieSettings

VARIABLES = ("ZHIE_MODEL", "ZHIE_PRECISION", "ZHIE_RUNTIME", "ZHIE_TAGGER_THREADS", "OMP_NUM_THREADS", "ZHIE_CACHE",
             "XDG_CACHE_HOME", "ZHIE_STORE_URL", "ZHIE_BATCH_FAULT", "RAY_ADDRESS")


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


ENTRY_POINTS = {"zhie/cli.py", "zhie/settings.py"}
READS = re.compile(r"environ\.get|getenv|environ\[[^\]]+\](?!\s*=[^=])|in os\.environ|environ\.copy|dict\(os\.environ")


def test_no_environment_variable_is_read_below_the_entry_points():
    offenders = []
    for path in sorted([*(REPO_ROOT / "zhie").rglob("*.py"), *(REPO_ROOT / "training").rglob("*.py")]):
        rel = path.relative_to(REPO_ROOT).as_posix()
        if rel in ENTRY_POINTS:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if READS.search(line.split("#", 1)[0]):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


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
