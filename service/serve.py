"""Starting the service: resolve and check the settings, hand them to uvicorn's workers
through the environment (``Settings.to_env``: each worker rebuilds exactly these settings),
and run uvicorn with a logging set-up that also shows the service's own messages (the
model name and version each worker loaded).

Two things are set up for the workers before torch is imported: OpenMP threads that
sleep instead of spinning while they wait (``OMP_WAIT_POLICY=PASSIVE`` unless the
environment says otherwise), so that latency degrades gracefully when other processes
use the CPUs; and, with several workers, the shared folder through which one reload
reaches every worker (``service/reload_sync.py``).
"""
from __future__ import annotations

import copy
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Mapping

from zhie.settings import VARIABLES

from .settings import CONFIG_ENV, Settings, SettingsError, load_settings

APP_FACTORY = "service.app:create_app_from_env"
EXIT_OK, EXIT_USAGE = 0, 2
THREAD_ENV = {"OMP_WAIT_POLICY": "PASSIVE"}  # defaults for the workers; the caller's environment wins


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging configuration with timestamps, plus the ``zhie`` loggers at ``level``."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["default"]["fmt"] = "%(asctime)s %(levelprefix)s %(name)s: %(message)s"
    config["formatters"]["access"]["fmt"] = '%(asctime)s %(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s'
    config["loggers"]["zhie"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return config


def check_settings(overrides: Mapping[str, Any]) -> Settings:
    """Settings from config file, environment and ``overrides``, with a model folder that exists."""
    from zhie.tagger import model_precision, read_meta

    settings = load_settings(overrides)
    try:
        meta = read_meta(settings.model)
    except (OSError, ValueError) as exc:
        raise SettingsError(f"model {settings.model}: {exc}") from None
    try:
        model_precision(meta, settings.precision)   # checked before a worker starts
    except ValueError as exc:
        raise SettingsError(f"ZHIE_PRECISION: {exc}") from None
    return settings


def worker_settings(settings: Settings, reload_dir: str | Path) -> Settings:
    """What each uvicorn worker must rebuild: the model folder as an absolute path and, with several
    workers, the shared reload folder and each worker's share of the CPUs for the tagger."""
    changes: dict[str, Any] = {"model": settings.model_path.resolve(), "reload_dir": None}
    if settings.workers > 1:   # one reload for all workers; the CPUs shared among them
        changes["reload_dir"] = Path(reload_dir)
        if settings.tagger_threads is None:
            changes["tagger_threads"] = str(max(1, (os.cpu_count() or 1) // settings.workers))
    return settings.with_changes(**changes)


def export_settings(settings: Settings) -> None:
    """Make this process's environment rebuild exactly ``settings`` (uvicorn's workers inherit it)."""
    env = settings.to_env()
    for variable in (*VARIABLES.values(), CONFIG_ENV):   # the config file's values are in ``env`` already
        if variable not in env:
            os.environ.pop(variable, None)
    os.environ.update(env)


def serve(overrides: Mapping[str, Any]) -> int:
    """Run the service until interrupted; 2 (and a message) when the settings or the model folder are wrong."""
    for name, value in THREAD_ENV.items():  # before check_settings imports torch
        os.environ.setdefault(name, value)
    try:
        settings = check_settings(overrides)
    except SettingsError as exc:
        print(f"zhie serve: {exc}", file=sys.stderr)
        return EXIT_USAGE
    import uvicorn

    with tempfile.TemporaryDirectory(prefix="zhie-reload-") as reload_dir:
        export_settings(worker_settings(settings, reload_dir))
        uvicorn.run(APP_FACTORY, factory=True, host=settings.host, port=settings.port, workers=settings.workers,
                    log_config=log_config(settings.log_level), log_level=settings.log_level,
                    timeout_graceful_shutdown=30)
    return EXIT_OK
