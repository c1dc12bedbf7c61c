"""The service's settings are the one settings object of every entry point, ``zhie.settings.ZhieSettings``
(config file, environment, command line; README.md, section "Service", lists them).  This module keeps
the service's names for it: ``Settings``, ``load_settings`` (the service's defaults, the model folder
resolved) and ``SettingsError``.
"""
from __future__ import annotations

from zhie.settings import CONFIG_ENV, CONFIG_KEYS, SettingsError, ZhieSettings, env_name, load_settings, read_config_file

Settings = ZhieSettings

__all__ = ["CONFIG_ENV", "CONFIG_KEYS", "Settings", "SettingsError", "env_name", "load_settings", "read_config_file"]
