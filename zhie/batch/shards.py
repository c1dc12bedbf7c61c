"""The output folder of a batch run: plan, manifest, atomic shard commits, resume state.

Layout of ``OUTPUT_DIR``::

    part-00000.jsonl …     results, shard k = input documents [k*K, (k+1)*K) in input order
    manifest.json          what the run is: input fingerprint, model, options, shard count
    summary.json           written at the end of every run
    .zhie-batch/           per-shard statistics (part-00000.json …) and the run lock

A shard is committed by writing ``<name>.<pid>.tmp`` (the pid keeps two writers — a worker
outliving a killed run and its successor — off one temporary file), fsync, rename, fsync of the folder —
first its statistics file, then the part file.  A shard counts as done exactly when both
exist, so a run killed at any moment leaves only complete shards (and stray ``.tmp`` files,
removed on the next start).  The manifest's key (input fingerprint, model fingerprint,
shard size and the options that change results) must match for a run to resume.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT_VERSION = 2   # 2: the model is fingerprinted by component (model.components)
STATE_DIR = ".zhie-batch"
MANIFEST = "manifest.json"
SUMMARY = "summary.json"
_PART_RE = re.compile(r"^part-(\d{5,})\.jsonl$")


class PlanMismatch(RuntimeError):
    """The output folder holds a run that cannot be resumed by this one."""


def shard_name(index: int) -> str:
    return f"part-{index:05d}.jsonl"


def shard_count(documents: int, shard_size: int) -> int:
    return (documents + shard_size - 1) // shard_size


@dataclass
class ShardStats:
    """What one committed shard holds; summed into the run summary."""

    shard: int
    documents: int = 0
    characters: int = 0
    errors: int = 0
    error_types: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    worker: str = ""             # "pid@host" of the process that made it
    peak_rss_mb: float = 0.0     # that process's peak resident memory when it finished

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "ShardStats":
        return cls(**json.loads(text))


@dataclass
class Manifest:
    input: dict[str, Any]        # spec, fingerprint, documents, files
    model: dict[str, Any]        # name, version, fingerprint, path, precision, layout, components
    options: dict[str, Any]      # shard_size, batch_docs, max_chars: anything that changes the output
    shards: int
    format: int = FORMAT_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Manifest":
        return cls(input=d["input"], model=d["model"], options=d["options"], shards=d["shards"],
                   format=d.get("format", 0))

    def mismatch(self, other: "Manifest") -> str | None:
        """Why ``other`` (this run) cannot resume ``self`` (the stored run), or None."""
        if self.format != other.format:
            return f"it was written by another version of zhie batch (format {self.format}, now {other.format})"
        if self.input["fingerprint"] != other.input["fingerprint"]:
            return (f"its input differs (fingerprint {self.input['fingerprint'][:12]}…, "
                    f"{self.input['documents']} documents; this input {other.input['fingerprint'][:12]}…, "
                    f"{other.input['documents']} documents)")
        if self.model["fingerprint"] != other.model["fingerprint"]:
            from ..model.fingerprint import differences
            changed = differences(self.model.get("components"), other.model.get("components", {}))
            return (f"it was made with model {self.model['name']} {self.model['version']} "
                    f"(fingerprint {self.model['fingerprint'][:12]}…) and this run uses "
                    f"{other.model['name']} {other.model['version']} (fingerprint {other.model['fingerprint'][:12]}…); "
                    f"what differs: {'; '.join(changed) or 'the model files'} — shards of two models are never mixed")
        for key in sorted(set(self.options) | set(other.options)):
            if self.options.get(key) != other.options.get(key):
                return f"its {key} is {self.options.get(key)} and this run's is {other.options.get(key)}"
        return None


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is either absent/old or complete."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


class OutputDir:
    """The output folder of one run; hold ``lock()`` while writing to it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.state = self.path / STATE_DIR
        self._lock_fd: int | None = None

    # -- lifetime -----------------------------------------------------------------
    def create(self) -> None:
        self.state.mkdir(parents=True, exist_ok=True)

    def lock(self) -> None:
        """Refuse a second run on the same folder (the lock dies with the process, even on kill -9)."""
        self.create()
        fd = os.open(self.state / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise PlanMismatch(f"another zhie batch run is writing to {self.path}") from None
        self._lock_fd = fd

    def unlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def remove_temporaries(self) -> int:
        n = 0
        for folder in (self.path, self.state):
            for tmp in folder.glob("*.tmp"):
                tmp.unlink(missing_ok=True)
                n += 1
        return n

    def reset(self) -> None:
        """Forget a previous run: its parts, statistics, manifest and summary (nothing else)."""
        for p in self.path.iterdir() if self.path.is_dir() else []:
            if _PART_RE.match(p.name) or p.name in (MANIFEST, SUMMARY) or p.name.endswith(".tmp"):
                p.unlink()
        if self.state.is_dir():
            for p in self.state.iterdir():
                if p.name != "lock":
                    p.unlink()

    # -- manifest -----------------------------------------------------------------
    def read_manifest(self) -> Manifest | None:
        f = self.path / MANIFEST
        if not f.is_file():
            return None
        return Manifest.from_dict(json.loads(f.read_text(encoding="utf-8")))

    def write_manifest(self, manifest: Manifest) -> None:
        text = json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2) + "\n"
        atomic_write(self.path / MANIFEST, text.encode("utf-8"))

    def has_parts(self) -> bool:
        return self.path.is_dir() and any(_PART_RE.match(p.name) for p in self.path.iterdir())

    # -- shards -------------------------------------------------------------------
    def part_path(self, index: int) -> Path:
        return self.path / shard_name(index)

    def _stats_path(self, index: int) -> Path:
        return self.state / f"part-{index:05d}.json"

    def done_shards(self, shards: int) -> dict[int, ShardStats]:
        """Statistics of every committed shard below ``shards``."""
        done = {}
        for k in range(shards):
            part, stats = self.part_path(k), self._stats_path(k)
            if part.is_file() and stats.is_file():
                done[k] = ShardStats.from_json(stats.read_text(encoding="utf-8"))
        return done

    def commit_shard(self, stats: ShardStats, data: bytes) -> None:
        """Statistics first, then the part file: the part's rename is the commit."""
        atomic_write(self._stats_path(stats.shard), stats.to_json().encode("utf-8"))
        atomic_write(self.part_path(stats.shard), data)

    def write_summary(self, summary: dict[str, Any]) -> None:
        text = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
        atomic_write(self.path / SUMMARY, text.encode("utf-8"))
