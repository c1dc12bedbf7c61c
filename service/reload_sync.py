"""One reload for every worker of ``zhie serve --workers N``: a shared generation file.

uvicorn's workers are separate processes, each holding its own model, and a request
reaches only one of them.  ``zhie serve`` with more than one worker therefore gives its
workers a folder (the ``reload_dir`` setting, ``$ZHIE_RELOAD_DIR`` in the workers' environment,
created for the run and removed at exit) holding

- ``generation.json`` — ``{"number", "model", "at"}``: the model folder every worker must
  serve.  A worker that reloaded successfully (``POST /v1/admin/reload`` or SIGHUP)
  publishes the next number under a file lock; the other workers watch the file and
  reload to it, and a worker started later (uvicorn replacing a dead one) loads it;
- ``worker-<pid>.json`` — what each worker serves now (generation, model name/version,
  or the error of a failed reload), so the worker that was asked can answer once every
  worker has switched.
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .settings import Settings

STATE_FILE, LOCK_FILE = "generation.json", "generation.lock"


@dataclass(frozen=True)
class Generation:
    """The model every worker should serve, numbered in publication order."""

    number: int
    model: str
    at: float


@dataclass(frozen=True)
class WorkerState:
    """One worker's acknowledgement of a generation."""

    pid: int
    generation: int
    name: str | None
    version: str | None
    error: str | None = None


def _write_atomically(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SharedReload:
    """The shared folder of one ``zhie serve`` run, seen from one worker."""

    def __init__(self, folder: str | Path, workers: int) -> None:
        self.folder = Path(folder)
        self.workers = workers
        self.folder.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_settings(cls, settings: Settings) -> SharedReload | None:
        """The shared folder of the settings' ``reload_dir`` (``zhie serve`` sets it for its workers), if any."""
        return cls(settings.reload_dir, settings.workers) if settings.reload_dir else None

    def current(self) -> Generation | None:
        """The latest published generation (None before the first reload)."""
        try:
            data = json.loads((self.folder / STATE_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return Generation(int(data["number"]), str(data["model"]), float(data["at"]))

    def publish(self, model: str | Path) -> Generation:
        """Make ``model`` the next generation (serialised across processes by a file lock)."""
        with open(self.folder / LOCK_FILE, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                current = self.current()
                generation = Generation((current.number if current else 0) + 1, str(model), time.time())
                _write_atomically(self.folder / STATE_FILE, asdict(generation))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return generation

    def acknowledge(self, state: WorkerState) -> None:
        _write_atomically(self.folder / f"worker-{state.pid}.json", asdict(state))

    def workers_now(self) -> list[WorkerState]:
        """The states of the worker processes still alive, by pid."""
        states = []
        for path in sorted(self.folder.glob("worker-*.json")):
            try:
                state = WorkerState(**json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                continue
            if _alive(state.pid):
                states.append(state)
        return states

    def wait_for(self, number: int, timeout: float, poll: float = 0.1) -> list[WorkerState]:
        """Wait until ``workers`` live workers acknowledged generation ``number`` or later (or ``timeout``)."""
        deadline = time.monotonic() + timeout
        while True:
            states = self.workers_now()
            if sum(s.generation >= number for s in states) >= self.workers or time.monotonic() >= deadline:
                return states
            time.sleep(poll)
