"""Starting the service: resolve and check the settings, hand them to uvicorn's workers
through ZHIE_* environment variables, and run uvicorn with a logging set-up that also
shows the service's own messages (the model name and version each worker loaded).
"""
from __future__ import annotations

import copy
import os
import sys
from typing import Any, Mapping

from .settings import CONFIG_ENV, Settings, SettingsError, load_settings

APP_FACTORY = "service.app:create_app_from_env"
EXIT_OK, EXIT_USAGE = 0, 2


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
        model_precision(meta)   # $ZHIE_PRECISION, checked before a worker starts
    except ValueError as exc:
        raise SettingsError(f"ZHIE_PRECISION: {exc}") from None
    return settings


def serve(overrides: Mapping[str, Any]) -> int:
    """Run the service until interrupted; 2 (and a message) when the settings or the model folder are wrong."""
    try:
        settings = check_settings(overrides)
    except SettingsError as exc:
        print(f"zhie serve: {exc}", file=sys.stderr)
        return EXIT_USAGE
    import uvicorn

    env = settings.to_env()
    env["ZHIE_MODEL"] = str(settings.model.resolve())
    os.environ.update(env)  # every worker process rebuilds exactly these settings
    os.environ.pop(CONFIG_ENV, None)
    uvicorn.run(APP_FACTORY, factory=True, host=settings.host, port=settings.port, workers=settings.workers,
                log_config=log_config(settings.log_level), log_level=settings.log_level,
                timeout_graceful_shutdown=30)
    return EXIT_OK
