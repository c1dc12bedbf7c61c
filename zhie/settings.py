"""The one settings object of every entry point: ``ZhieSettings`` (pydantic-settings).

``zhie.cli``, the service (``create_app``, its uvicorn workers and ``zhie serve``), each batch
worker's start-up and the store command build it once and pass its values down as arguments;
nothing below them reads ``os.environ``.  Each setting comes from, later winning:

1. its default;
2. the config file named by ``config=`` or ``$ZHIE_CONFIG`` (a flat TOML table for ``*.toml``,
   else JSON; the keys of ``CONFIG_KEYS``, others refused; a relative ``model`` or SQLite
   ``store_url`` is relative to the file);
3. its environment variable (``ZHIE_<NAME>``; ``OMP_NUM_THREADS``, ``XDG_CACHE_HOME`` and
   ``RAY_ADDRESS`` under their own names; ``_environ=`` replaces ``os.environ``);
4. the keyword arguments (the command line's options; None: not given).

A value that does not fit raises ``SettingsError`` naming the setting and where the value came
from.  ``to_env()`` gives the variables that rebuild the same settings in a worker process.
"""
from __future__ import annotations

import json
import os
import tomllib
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_NAME = "zhie-ner-small"
CONFIG_ENV = "ZHIE_CONFIG"
OWN_NAMES = {"omp_num_threads": "OMP_NUM_THREADS", "xdg_cache_home": "XDG_CACHE_HOME", "ray_address": "RAY_ADDRESS"}
CONFIG_KEYS = ("model", "host", "port", "workers", "max_doc_chars", "max_batch_docs", "max_body_bytes", "api_token",
               "read_token_required", "inference_threads", "torch_threads", "log_level", "store_url",
               "request_timeout", "precision", "runtime")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """A setting is unknown, or has a value of the wrong type or range (the message names it and its source)."""


def env_name(name: str) -> str:
    """The environment variable of setting ``name``."""
    return OWN_NAMES.get(name) or "ZHIE_" + name.upper()


# ------------------------------------------------------------------ the config file

def read_config_file(path: str | Path) -> dict[str, Any]:
    """Read a flat TOML (``.toml``) or JSON (anything else) table of settings."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.strerror}") from None
    kind = "TOML" if path.suffix.lower() == ".toml" else "JSON"
    try:
        data = tomllib.loads(raw.decode("utf-8")) if kind == "TOML" else json.loads(raw)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise SettingsError(f"config file {path} is not valid {kind}: {exc}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"config file {path} must hold a table/object of settings")
    unknown = sorted(set(data) - set(CONFIG_KEYS))
    if unknown:
        raise SettingsError(f"config file {path}: unknown setting(s) {', '.join(unknown)} "
                            f"(known: {', '.join(CONFIG_KEYS)})")
    if isinstance(data.get("model"), str) and data["model"] and not Path(data["model"]).is_absolute():
        data["model"] = str((path.parent / data["model"]).resolve())  # relative to the config file
    store = data.get("store_url")
    if isinstance(store, str) and store and "://" not in store and not Path(store).expanduser().is_absolute():
        data["store_url"] = str((path.parent / store).resolve())  # a SQLite file, relative to the config file
    return data


@dataclass
class _Build:
    """What one construction reads: the environment, the config file, the arguments (for error messages)."""

    environ: Mapping[str, str]
    arguments: dict[str, Any]
    arguments_origin: str
    config_path: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    copy: bool = False   # a copy of settings already built: the values as given, nothing else read

    def origin(self, name: str) -> str:
        """Where the value of setting ``name`` came from: the source that wins among those that give it."""
        if name in self.arguments:
            return self.arguments_origin
        if self.copy:
            return "the settings copied"
        variable = env_name(name)
        for key in self.environ:
            if key.upper() == variable:
                return f"${key}"
        if name in self.config:
            return f"config file {self.config_path}"
        return "default"


_BUILD: ContextVar[_Build | None] = ContextVar("zhie_settings_build", default=None)


class _ConfigFileSource(PydanticBaseSettingsSource):
    """The values of the config file of the construction under way (between the defaults and the environment)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:  # required by the base
        build = _BUILD.get()
        return (build.config.get(field_name) if build else None), field_name, False

    def __call__(self) -> dict[str, Any]:
        build = _BUILD.get()
        return dict(build.config) if build else {}


# ------------------------------------------------------------------ coercion (raw strings or TOML/JSON values)

def _optional_text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {value!r}")
    return value


def _optional_path(value: Any) -> Path | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise ValueError(f"must be a non-empty path, got {value!r}")
    return Path(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {value!r}")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip().replace("_", ""))
        except ValueError:
            pass
    raise ValueError(f"must be an integer, got {value!r}")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"must be a boolean (1/0, true/false), got {value!r}")


def _seconds(value: Any) -> float | None:
    """A time budget in seconds: a positive number, or 0 / "off" / "" for none."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "0", "off", "none")):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) if value != 0 else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            pass
        else:
            return number if number != 0 else None
    raise ValueError(f"must be a number of seconds (0 or off: no budget), got {value!r}")


COUNTS = ("port", "workers", "max_doc_chars", "max_batch_docs", "max_body_bytes", "inference_threads")


class ZhieSettings(BaseSettings):
    """Everything the entry points take from their environment, validated (None: not set)."""

    model_config = SettingsConfigDict(env_prefix="ZHIE_", extra="forbid", frozen=True, populate_by_name=True)

    # the library: model, tagger, store, batch
    model: Path | None = None            # the model folder (model_path: else the shipped one)
    precision: str | None = None         # below --precision, above meta.json
    runtime: str | None = None           # below --runtime, above meta.json
    tagger_threads: str | None = None    # windows the ONNX engine tags at once
    omp_num_threads: str | None = Field(None, validation_alias=AliasChoices("OMP_NUM_THREADS", "omp_num_threads"))
    cache: Path | None = None            # where exported ONNX graphs live
    xdg_cache_home: Path | None = Field(None, validation_alias=AliasChoices("XDG_CACHE_HOME", "xdg_cache_home"))
    store_url: str | None = None         # the annotation store: SQLite path or SQLAlchemy URL
    batch_fault: str | None = None       # faults injected into batch workers (tests)
    ray_address: str | None = Field(None, validation_alias=AliasChoices("RAY_ADDRESS", "ray_address"))
    # the service
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_doc_chars: int = 100_000
    max_batch_docs: int = 64
    max_body_bytes: int = 32 * 1024 * 1024
    api_token: str | None = Field(None, repr=False)
    read_token_required: bool = False
    inference_threads: int = 1
    torch_threads: int | None = None     # None: the CPUs shared among the workers
    log_level: str = "info"
    request_timeout: float | None = 120.0  # seconds of model work per request, then 503; None: no budget
    reload_dir: Path | None = None       # set by `zhie serve --workers N` for its workers (service/reload_sync.py)

    def __init__(self, _environ: Mapping[str, str] | None = None, _origin: str = "arguments", **values: Any) -> None:
        """``values`` override the environment and the config file (None: not given); ``config`` names the
        config file (else ``$ZHIE_CONFIG``); ``_environ`` replaces ``os.environ``; ``_origin`` is what
        error messages call the arguments."""
        outer = _BUILD.get()
        if outer is not None and outer.copy:   # with_changes (pydantic validates through __init__): no source
            build = outer
        else:
            environ = os.environ if _environ is None else _environ
            config = values.pop("config", None) or environ.get(CONFIG_ENV) or None
            values = {k: v for k, v in values.items() if v is not None}
            for name in values:
                if name not in type(self).model_fields:
                    raise SettingsError(f"unknown setting {name}")
            build = _Build(environ, values, _origin, str(config) if config else None,
                           read_config_file(config) if config else {})
        token = _BUILD.set(build)
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise SettingsError(_describe(exc, build.origin)) from None
        finally:
            _BUILD.reset(token)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments > environment > config file (> defaults); no .env or secrets files."""
        build = _BUILD.get()
        if build is not None and build.environ is not os.environ:
            env_settings.env_vars = {k.lower(): v for k, v in build.environ.items()}  # type: ignore[attr-defined]
        return init_settings, env_settings, _ConfigFileSource(settings_cls)

    # ---------------------------------------------------------- validation, with the sources' raw values
    @field_validator("precision", "runtime", "tagger_threads", "omp_num_threads", "store_url", "batch_fault",
                     "ray_address", "api_token", mode="before")
    @classmethod
    def _v_optional_text(cls, value: Any) -> str | None:
        return _optional_text(value)

    @field_validator("model", "cache", "xdg_cache_home", "reload_dir", mode="before")
    @classmethod
    def _v_optional_path(cls, value: Any) -> Path | None:
        return _optional_path(value)

    @field_validator("host", "log_level", mode="before")
    @classmethod
    def _v_text(cls, value: Any) -> str:
        return _text(value)

    @field_validator(*COUNTS, mode="before")
    @classmethod
    def _v_integer(cls, value: Any) -> int:
        return _integer(value)

    @field_validator("read_token_required", mode="before")
    @classmethod
    def _v_boolean(cls, value: Any) -> bool:
        return _boolean(value)

    @field_validator("request_timeout", mode="before")
    @classmethod
    def _v_seconds(cls, value: Any) -> float | None:
        return _seconds(value)

    @field_validator("torch_threads", mode="before")
    @classmethod
    def _auto_or_integer(cls, value: Any) -> int | None:
        if value is None or (isinstance(value, str) and value.strip() in ("", "auto")):
            return None
        return _integer(value)

    @field_validator(*COUNTS, "torch_threads")
    @classmethod
    def _at_least_one(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError(f"must be at least 1, got {value}")
        return value

    @field_validator("port")
    @classmethod
    def _port_range(cls, value: int) -> int:
        if value > 65535:
            raise ValueError(f"must be at most 65535, got {value}")
        return value

    @field_validator("request_timeout")
    @classmethod
    def _positive_budget(cls, value: float | None) -> float | None:
        if value is not None and not value > 0:
            raise ValueError(f"must be a positive number of seconds (or 0/off for no budget), got {value}")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.lower() not in LOG_LEVELS:
            raise ValueError(f"must be {'/'.join(LOG_LEVELS)}, got {value!r}")
        return value

    @model_validator(mode="after")
    def _token_for_reads(self) -> "ZhieSettings":
        if self.read_token_required and not self.api_token:
            raise ValueError("read_token_required is set but no api_token (ZHIE_API_TOKEN) is configured")
        return self

    # ---------------------------------------------------------- derived values
    @property
    def model_path(self) -> Path:
        """The model setting, else the model shipped in the repository's models/ folder."""
        return self.model if self.model is not None else REPO_ROOT / "models" / DEFAULT_MODEL_NAME

    @property
    def onnx_threads(self) -> int | None:
        """$ZHIE_TAGGER_THREADS, else $OMP_NUM_THREADS (set per batch worker), when a positive integer."""
        for value in (self.tagger_threads, self.omp_num_threads):
            if value is not None and value.strip().isdigit() and int(value) > 0:
                return int(value)
        return None

    @property
    def cache_root(self) -> Path:
        """``$ZHIE_CACHE``, else ``$XDG_CACHE_HOME/zhie``, else ``~/.cache/zhie``."""
        if self.cache is not None:
            return self.cache
        return (self.xdg_cache_home if self.xdg_cache_home is not None else Path.home() / ".cache") / "zhie"

    @property
    def effective_torch_threads(self) -> int:
        """torch intra-op threads per service worker: the setting, else the CPU count shared by the workers."""
        if self.torch_threads is not None:
            return self.torch_threads
        return max(1, (os.cpu_count() or 1) // self.workers)

    def tagger_options(self, precision: str | None = None, runtime: str | None = None) -> dict[str, Any]:
        """Keyword arguments of ``Pipeline.load``: the arguments given, else these settings; only the
        options that are set, so that a tagger without them (a lexicon, a test's) loads as before."""
        options = {"precision": precision or self.precision, "runtime": runtime or self.runtime,
                   "threads": self.onnx_threads,
                   "cache": self.cache_root if (self.cache or self.xdg_cache_home) else None}
        return {k: v for k, v in options.items() if v is not None}

    # ---------------------------------------------------------- copies, workers, logs
    def with_changes(self, **changes: Any) -> "ZhieSettings":
        """A validated copy with ``changes`` (no source is read again)."""
        unknown = sorted(set(changes) - set(type(self).model_fields))
        if unknown:
            raise SettingsError(f"unknown setting {', '.join(unknown)}")
        values = {**dict(self), **changes}
        token = _BUILD.set(_Build({}, changes, "arguments", copy=True))
        try:
            return type(self).model_validate(values)
        except ValidationError as exc:   # __init__'s SettingsError, wrapped by pydantic
            raise SettingsError(_describe(exc, lambda name: "arguments")) from None
        finally:
            _BUILD.reset(token)

    def to_env(self) -> dict[str, str]:
        """The environment variables that rebuild these settings (for worker processes)."""
        env = {}
        for name, value in self:
            if value is None:
                if name == "request_timeout":  # "no budget" must not fall back to the default budget
                    env[env_name(name)] = "0"
                continue
            env[env_name(name)] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return env

    def public(self) -> dict[str, Any]:
        """The settings without secrets, for logs."""
        out = {k: (str(v) if isinstance(v, Path) else v) for k, v in self}
        out["api_token"] = "***" if self.api_token else None
        if self.store_url and "://" in self.store_url:
            from .store.engine import redact
            out["store_url"] = redact(self.store_url)
        return out


VARIABLES = {name: env_name(name) for name in ZhieSettings.model_fields}


def _describe(exc: ValidationError, origin: Callable[[str], str]) -> str:
    """One line for the first error: the setting, where its value came from, what is wrong."""
    error = exc.errors()[0]
    cause = error.get("ctx", {}).get("error")
    message = str(cause) if isinstance(cause, ValueError) else error["msg"]
    if not error["loc"]:          # a rule across settings: the message names them
        return message
    name = str(error["loc"][0])
    name = next((f for f, var in OWN_NAMES.items() if var == name), name)
    return f"setting {name} (from {origin(name)}) {message}"


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> ZhieSettings:
    """The service's settings: defaults < config file (``config`` or $ZHIE_CONFIG) < environment (``environ``,
    default ``os.environ``) < ``overrides`` (the command line; None values ignored), with the model
    folder resolved to the shipped one when none is named."""
    settings = ZhieSettings(_environ=environ, _origin="command line", **dict(overrides or {}))
    return settings if settings.model is not None else settings.with_changes(model=settings.model_path)
