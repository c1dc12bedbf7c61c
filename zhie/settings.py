"""The settings the entry points read from the environment, in one validated object.

``zhie.cli``, ``service`` (``create_app`` and ``zhie serve``), the batch workers' start-up and the
store command build ``ZhieSettings()`` once (pydantic-settings: ``ZHIE_*`` variables, plus
``RAY_ADDRESS``, ``OMP_NUM_THREADS`` and ``XDG_CACHE_HOME`` under their own names) and pass its
values down as arguments; nothing below them reads ``os.environ``.  An empty variable counts as
unset, as it always has.  The service's own settings (``service/settings.py``: config file, limits,
token …) are built from the same environment by ``load_settings``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL_NAME = "zhie-ner-small"


class ZhieSettings(BaseSettings):
    """What the library's entry points take from the environment (None: not set)."""

    model_config = SettingsConfigDict(env_prefix="ZHIE_", extra="ignore", frozen=True, populate_by_name=True)

    model: Path | None = None            # $ZHIE_MODEL: the model folder
    precision: str | None = None         # $ZHIE_PRECISION (below --precision, above meta.json)
    runtime: str | None = None           # $ZHIE_RUNTIME (below --runtime, above meta.json)
    tagger_threads: str | None = None    # $ZHIE_TAGGER_THREADS: windows the ONNX engine tags at once
    omp_num_threads: str | None = Field(None, validation_alias=AliasChoices("OMP_NUM_THREADS"))
    cache: Path | None = None            # $ZHIE_CACHE: where exported ONNX graphs live
    xdg_cache_home: Path | None = Field(None, validation_alias=AliasChoices("XDG_CACHE_HOME"))
    store_url: str | None = None         # $ZHIE_STORE_URL: the annotation store
    batch_fault: str | None = None       # $ZHIE_BATCH_FAULT: faults injected into batch workers (tests)
    ray_address: str | None = Field(None, validation_alias=AliasChoices("RAY_ADDRESS"))

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def model_path(self) -> Path:
        """$ZHIE_MODEL, else the model shipped in the repository's models/ folder."""
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

    def tagger_options(self, precision: str | None = None, runtime: str | None = None) -> dict[str, Any]:
        """Keyword arguments of ``Pipeline.load``: the arguments given, else these settings; only the
        options that are set, so that a tagger without them (a lexicon, a test's) loads as before."""
        options = {"precision": precision or self.precision, "runtime": runtime or self.runtime,
                   "threads": self.onnx_threads,
                   "cache": self.cache_root if (self.cache or self.xdg_cache_home) else None}
        return {k: v for k, v in options.items() if v is not None}
