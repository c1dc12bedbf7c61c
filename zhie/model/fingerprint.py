"""What a batch run's output depends on, fingerprinted component by component.

``components(folder, precision)`` gives the SHA-256 of the tagger's files (weights, network
config, vocabulary), of its config (kind and options), of the argument scorer wherever it lives
(the folder, or the package for 0.2.0 folders), the window settings, trigger policy and
threshold, the precision the run uses, and the code (zhie's version and a hash of the source of
the modules that shape a result).  The model card (``meta.json`` of the pipeline layout,
README.md) is left out: recording metrics does not change what a model outputs.
``fingerprint`` is the SHA-256 of all of it; ``differences`` says in words what changed.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .config import CARD_FILE, CONFIG_FILE
from .folder import ModelFolder

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
# the parts of the package a result depends on (the batch engine, store and CLI do not change it)
SOURCE_PARTS = ("pipeline.py", "runner.py", "io.py", "schema.py", "registry.py", "text", "tagger", "normalize",
                "linking", "model")
CARD_FILES = (CARD_FILE, "README.md")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _json_sha256(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def source_sha256() -> str:
    """SHA-256 over the relative names and contents of the result-shaping modules (.py, .json)."""
    digest = hashlib.sha256()
    files: list[Path] = []
    for part in SOURCE_PARTS:
        p = PACKAGE_ROOT / part
        files += [p] if p.is_file() else sorted(f for f in p.rglob("*") if f.suffix in (".py", ".json"))
    for f in sorted(files):
        digest.update(f.relative_to(PACKAGE_ROOT).as_posix().encode("utf-8") + b"\0")
        digest.update(f.read_bytes() + b"\n")
    return digest.hexdigest()


def _tagger_files(folder: ModelFolder) -> dict[str, str]:
    """Every file of the folder except the card, the config and the linker's files (the config
    and the linker are fingerprinted by what they say, the card not at all)."""
    skip = {CONFIG_FILE, *CARD_FILES}
    scorer = folder.scorer_path()
    out = {}
    for f in sorted(p for p in folder.path.rglob("*") if p.is_file()):
        rel = f.relative_to(folder.path).as_posix()
        if rel in skip or (scorer is not None and f.resolve() == scorer.resolve()):
            continue
        out[rel] = file_sha256(f)
    return out


def components(folder: ModelFolder, precision: str | None, runtime: str | None = None) -> dict[str, Any]:
    from .. import __version__
    cfg = folder.config
    scorer = folder.scorer_path()
    tagger_config = folder.tagger_meta()
    if folder.layout == "legacy":    # meta.json is config and card at once: leave the card's keys out
        from .config import CARD_KEYS
        tagger_config = {k: v for k, v in tagger_config.items() if k not in CARD_KEYS}
    return {
        "tagger": {"kind": cfg.tagger.kind, "config": _json_sha256(tagger_config), "files": _tagger_files(folder)},
        "windows": cfg.windows.model_dump(mode="json"),
        "linker": {"argument_scorer": (None if scorer is None else
                                       {"kind": cfg.linker.argument_scorer.kind, "file": cfg.linker.argument_scorer.file,
                                        "sha256": file_sha256(scorer)}),
                   "trigger_policy": cfg.linker.trigger_policy, "trigger_threshold": cfg.linker.trigger_threshold,
                   "min_score": cfg.linker.min_score},
        "precision": precision,
        "runtime": runtime,
        "code": {"version": __version__, "source": source_sha256()},
    }


def fingerprint(parts: dict[str, Any]) -> str:
    return _json_sha256(parts)


_NAMES = {"tagger.kind": "the tagger kind", "tagger.config": "the tagger config", "windows": "the window settings",
          "linker.argument_scorer": "the argument scorer", "linker.trigger_policy": "the trigger policy",
          "linker.trigger_threshold": "the trigger threshold", "linker.min_score": "the argument score threshold",
          "precision": "the precision", "runtime": "the tagger runtime (torch or onnx)", "code.version": "the zhie version", "code.source": "the zhie code"}


def _short(value: Any) -> str:
    if isinstance(value, dict) and "sha256" in value:
        return f"{value.get('file')} sha256 {value['sha256'][:12]}…"
    if isinstance(value, str) and len(value) == 64:
        return value[:12] + "…"
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def differences(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """What differs between two ``components`` records, in words (empty if nothing does)."""
    if not old:
        return ["the earlier run recorded no model components"]
    out = []
    for key, name in _NAMES.items():
        a, b = old, new
        for part in key.split("."):
            a = a.get(part) if isinstance(a, dict) else None
            b = b.get(part) if isinstance(b, dict) else None
        if a != b:
            out.append(f"{name} ({_short(a)} then, {_short(b)} now)")
    old_files = (old.get("tagger") or {}).get("files") or {}
    new_files = (new.get("tagger") or {}).get("files") or {}
    for rel in sorted(set(old_files) | set(new_files)):
        if old_files.get(rel) != new_files.get(rel):
            what = "added" if rel not in old_files else "removed" if rel not in new_files else "changed"
            out.append(f"the model file {rel} ({what})")
    return out
