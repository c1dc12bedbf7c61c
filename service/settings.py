"""Service settings: one typed, validated dataclass built from defaults, an optional
config file (TOML or JSON, named by ``$ZHIE_CONFIG``), environment variables and
command-line overrides, in that order of precedence (later wins).

Every setting has an environment variable ``ZHIE_<NAME>`` and a config-file key
``<name>`` (see ``FIELDS``); README.md, section "Service", lists them all.
"""
from __future__ import annotations

import json
import os
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Mapping

from zhie.pipeline import DEFAULT_MODEL_NAME, REPO_ROOT

CONFIG_ENV = "ZHIE_CONFIG"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """A setting is missing, unknown or has a value of the wrong type or range."""


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment, already validated."""

    model: Path
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_doc_chars: int = 100_000
    max_batch_docs: int = 64
    max_body_bytes: int = 32 * 1024 * 1024
    api_token: str | None = None
    read_token_required: bool = False
    inference_threads: int = 1
    torch_threads: int | None = None
    log_level: str = "info"
    store_url: str | None = None  # annotation store (review endpoints): SQLite path or SQLAlchemy URL
    request_timeout: float | None = 120.0  # seconds of model work per request, then 503; None: no budget

    def __post_init__(self) -> None:
        for name in ("port", "workers", "max_doc_chars", "max_batch_docs", "max_body_bytes", "inference_threads"):
            if getattr(self, name) < 1:
                raise SettingsError(f"setting {name} must be at least 1, got {getattr(self, name)}")
        if self.port > 65535:
            raise SettingsError(f"setting port must be at most 65535, got {self.port}")
        if self.request_timeout is not None and not self.request_timeout > 0:
            raise SettingsError(f"setting request_timeout must be a positive number of seconds (or 0/off for no "
                                f"budget), got {self.request_timeout}")
        if self.torch_threads is not None and self.torch_threads < 1:
            raise SettingsError(f"setting torch_threads must be at least 1, got {self.torch_threads}")
        if self.read_token_required and not self.api_token:
            raise SettingsError("read_token_required is set but no api_token (ZHIE_API_TOKEN) is configured")
        if self.log_level.lower() not in {"critical", "error", "warning", "info", "debug"}:
            raise SettingsError(f"setting log_level must be critical/error/warning/info/debug, got {self.log_level!r}")

    @property
    def effective_torch_threads(self) -> int:
        """torch intra-op threads per worker: the setting, else the CPU count shared by the workers."""
        if self.torch_threads is not None:
            return self.torch_threads
        return max(1, (os.cpu_count() or 1) // self.workers)

    def to_env(self) -> dict[str, str]:
        """The environment variables that reproduce these settings (for worker processes)."""
        env = {}
        for name, value in asdict(self).items():
            if value is None:
                if name == "request_timeout":  # "no budget" must not fall back to the default budget
                    env[env_name(name)] = "0"
                continue
            if isinstance(value, bool):
                value = "1" if value else "0"
            env[env_name(name)] = str(value)
        return env

    def public(self) -> dict[str, Any]:
        """The settings without secrets, for logs."""
        out = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}
        out["api_token"] = "***" if self.api_token else None
        if self.store_url:
            from zhie.store.engine import redact
            out["store_url"] = redact(self.store_url) if "://" in self.store_url else self.store_url
        return out


FIELDS = tuple(f.name for f in fields(Settings))


def env_name(name: str) -> str:
    return "ZHIE_" + name.upper()


def _coerce(name: str, raw: Any, source: str) -> Any:
    """Turn a raw value (a string from the environment, or a TOML/JSON value) into the field's type."""
    where = f"{name} (from {source})"
    if name == "model":
        if not isinstance(raw, (str, os.PathLike)) or not str(raw):
            raise SettingsError(f"setting {where} must be a non-empty path")
        return Path(raw)
    if name in ("host", "log_level", "api_token", "store_url"):
        if not isinstance(raw, str):
            raise SettingsError(f"setting {where} must be a string")
        return (raw or None) if name in ("api_token", "store_url") else raw
    if name == "read_token_required":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise SettingsError(f"setting {where} must be a boolean (1/0, true/false), got {raw!r}")
    if name == "request_timeout":
        return _seconds(raw, where)
    # the remaining fields are integers; torch_threads may be empty (= automatic)
    if name == "torch_threads" and (raw is None or (isinstance(raw, str) and raw.strip() in ("", "auto"))):
        return None
    if isinstance(raw, bool):
        raise SettingsError(f"setting {where} must be an integer, got {raw!r}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        try:
            return int(raw.strip().replace("_", ""))
        except ValueError:
            pass
    raise SettingsError(f"setting {where} must be an integer, got {raw!r}")


def _seconds(raw: Any, where: str) -> float | None:
    """A time budget in seconds: a positive number, or 0 / "off" / "" for none."""
    if isinstance(raw, str) and raw.strip().lower() in ("", "0", "off", "none"):
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw) if raw != 0 else None
    if isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError:
            pass
        else:
            return value if value != 0 else None
    raise SettingsError(f"setting {where} must be a number of seconds (0 or off: no budget), got {raw!r}")


def read_config_file(path: str | Path) -> dict[str, Any]:
    """Read a flat TOML (``.toml``) or JSON (anything else) table of settings."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8")) if path.suffix.lower() == ".toml" else json.loads(raw)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(f"config file {path} is not valid {'TOML' if path.suffix.lower() == '.toml' else 'JSON'}: {exc}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"config file {path} must hold a table/object of settings")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise SettingsError(f"config file {path}: unknown setting(s) {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    if isinstance(data.get("model"), str) and not Path(data["model"]).is_absolute():
        data["model"] = str((path.parent / data["model"]).resolve())  # relative to the config file
    store = data.get("store_url")
    if isinstance(store, str) and store and "://" not in store and not Path(store).expanduser().is_absolute():
        data["store_url"] = str((path.parent / store).resolve())  # a SQLite file, relative to the config file
    return data


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults < config file ($ZHIE_CONFIG) < environment (ZHIE_*) < ``overrides`` (None values ignored)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    config = (overrides or {}).get("config") or environ.get(CONFIG_ENV)
    if config:
        for name, raw in read_config_file(config).items():
            values[name] = _coerce(name, raw, f"config file {config}")
    for name in FIELDS:
        if env_name(name) in environ:
            values[name] = _coerce(name, environ[env_name(name)], f"${env_name(name)}")
    for name, raw in (overrides or {}).items():
        if name == "config" or raw is None:
            continue
        if name not in FIELDS:
            raise SettingsError(f"unknown setting {name}")
        values[name] = _coerce(name, raw, "command line") if isinstance(raw, str) else raw
    values.setdefault("model", REPO_ROOT / "models" / DEFAULT_MODEL_NAME)
    return Settings(**values)

