"""Starting the service: resolve and check the settings, hand them to uvicorn's workers
through ZHIE_* environment variables, and run uvicorn with a logging set-up that also
shows the service's own messages (the model name and version each worker loaded).

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
from typing import Any, Mapping

from .reload_sync import RELOAD_DIR_ENV
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
    from zhie.settings import ZhieSettings
    from zhie.tagger import model_precision, read_meta

    settings = load_settings(overrides)
    try:
        meta = read_meta(settings.model)
    except (OSError, ValueError) as exc:
        raise SettingsError(f"model {settings.model}: {exc}") from None
    try:
        model_precision(meta, ZhieSettings().precision)   # $ZHIE_PRECISION, checked before a worker starts
    except ValueError as exc:
        raise SettingsError(f"ZHIE_PRECISION: {exc}") from None
    return settings


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

    env = settings.to_env()
    env["ZHIE_MODEL"] = str(settings.model.resolve())
    if settings.workers > 1 and "ZHIE_TAGGER_THREADS" not in os.environ:   # the CPUs shared among the workers
        env["ZHIE_TAGGER_THREADS"] = str(max(1, (os.cpu_count() or 1) // settings.workers))
    os.environ.update(env)  # every worker process rebuilds exactly these settings
    os.environ.pop(CONFIG_ENV, None)
    with tempfile.TemporaryDirectory(prefix="zhie-reload-") as reload_dir:
        if settings.workers > 1:  # one reload for all workers
            os.environ[RELOAD_DIR_ENV] = reload_dir
        else:
            os.environ.pop(RELOAD_DIR_ENV, None)
        uvicorn.run(APP_FACTORY, factory=True, host=settings.host, port=settings.port, workers=settings.workers,
                    log_config=log_config(settings.log_level), log_level=settings.log_level,
                    timeout_graceful_shutdown=30)
    return EXIT_OK
