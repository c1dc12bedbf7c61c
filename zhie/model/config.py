"""``pipeline.json``: the typed, versioned description of everything in a model folder that
changes output — the tagger, the windows, the linker files and their scores, the precision.

    {"format": 1, "name": "zhie-ner-small", "version": "0.3.0", "labels": [...],
     "tagger": {"kind": "transformer", "files": ["config.json", "chars.json", "model.safetensors"],
                "options": {"heads": {...}}},
     "windows": {"max_len": 128, "overlap": 32},
     "precision": null,
     "linker": {"argument_scorer": {"kind": "logreg", "file": "argument_scorer.json"},
                "trigger_policy": "rules", "trigger_threshold": 0.5, "min_score": 0.0}}

Paths are relative to the model folder and may not leave it.  ``legacy_config`` reads the
0.2.0 layout (a ``meta.json`` that mixed all this with the model card, the argument scorer
taken from the package unless the folder had its own) into the same model.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..tagger.base import PRECISIONS

FORMAT = 1
CONFIG_FILE = "pipeline.json"
CARD_FILE = "meta.json"
SCORER_FILE = "argument_scorer.json"       # where a model folder keeps its argument scorer
PACKAGE_PREFIX = "package:"                # "package:argument_scorer.json": the file shipped in zhie/linking/
DEFAULT_WINDOW = 128

# meta.json keys of the 0.2.0 layout that configure the pipeline (the rest is the model card)
LEGACY_CONFIG_KEYS = ("name", "version", "tagger", "max_len", "heads", "labels", "linker", "precision", "quantize",
                      "entries", "patterns")
# meta.json keys that are card only: provenance, metrics and the release gate
CARD_KEYS = ("encoder", "parent", "training", "metrics", "release_gate", "gate", "card")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _folder_path(value: str) -> str:
    """A relative POSIX path inside the model folder (or a ``package:`` name)."""
    if value.startswith(PACKAGE_PREFIX):
        name = value[len(PACKAGE_PREFIX):]
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            raise ValueError(f"{value!r}: a package file is a plain file name")
        return value
    path = PurePosixPath(value)
    if not value or path.is_absolute() or ".." in path.parts or "\\" in value:
        raise ValueError(f"{value!r} must be a relative path inside the model folder")
    return value


class TaggerConfig(_Strict):
    kind: str = Field("transformer", description="the registered tagger (zhie.registry.taggers)")
    files: list[str] = Field(default_factory=list, description="the folder's files the tagger reads")
    options: dict[str, Any] = Field(default_factory=dict,
                                    description="what the tagger class reads besides name/version/max_len "
                                                "(heads, lexicon entries …)")

    @field_validator("kind")
    @classmethod
    def _kind(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", v):
            raise ValueError(f"tagger kind {v!r} is not a component name")
        return v

    @field_validator("files")
    @classmethod
    def _files(cls, v: list[str]) -> list[str]:
        for f in v:
            if f.startswith(PACKAGE_PREFIX):
                raise ValueError(f"tagger file {f!r} must be inside the model folder")
            _folder_path(f)
        return v


class WindowConfig(_Strict):
    max_len: int = Field(DEFAULT_WINDOW, ge=4, description="characters per window the tagger sees")
    overlap: int = Field(-1, description="characters shared by neighbouring windows (default max_len // 4)")

    @model_validator(mode="before")
    @classmethod
    def _default_overlap(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("overlap") is None:
            data = dict(data, overlap=int(data.get("max_len", DEFAULT_WINDOW)) // 4)
        return data

    @model_validator(mode="after")
    def _check(self) -> "WindowConfig":
        if not 0 <= self.overlap < self.max_len:
            raise ValueError(f"window overlap {self.overlap} must be at least 0 and below max_len {self.max_len}")
        return self


class ScorerConfig(_Strict):
    kind: str = Field("logreg", description="the registered loader (zhie.registry.argument_scorers)")
    file: str = Field(SCORER_FILE, description="relative path in the folder, or package:NAME (0.2.0 folders)")

    @field_validator("file")
    @classmethod
    def _file(cls, v: str) -> str:
        return _folder_path(v)


class LinkerConfig(_Strict):
    argument_scorer: ScorerConfig | None = Field(None, description="None: the rule scores alone")
    trigger_policy: str = "rules"
    trigger_threshold: float = Field(0.5, ge=0.0, le=1.0)
    min_score: float = Field(0.0, ge=0.0, le=1.0, description="argument candidates scored below are dropped")


class ModelConfig(_Strict):
    format: Literal[1] = FORMAT
    name: str
    version: str
    labels: list[str] = Field(default_factory=list)
    tagger: TaggerConfig = Field(default_factory=TaggerConfig)
    windows: WindowConfig = Field(default_factory=WindowConfig)
    precision: str | None = Field(None, description="default inference precision (None: auto)")
    linker: LinkerConfig = Field(default_factory=LinkerConfig)

    @field_validator("precision")
    @classmethod
    def _precision(cls, v: str | None) -> str | None:
        if v is not None and v not in PRECISIONS:
            raise ValueError(f"unknown precision {v!r}: choose one of {', '.join(PRECISIONS)}")
        return v

    def tagger_meta(self) -> dict[str, Any]:
        """The dict a tagger class's ``load(path, meta)`` reads."""
        meta: dict[str, Any] = {"name": self.name, "version": self.version, "tagger": self.tagger.kind,
                                "max_len": self.windows.max_len}
        if self.labels:
            meta["labels"] = list(self.labels)
        meta.update(self.tagger.options)
        if self.precision is not None:
            meta["precision"] = self.precision
        return meta

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def legacy_config(meta: dict[str, Any], has_own_scorer: bool, package_scorer: bool,
                  default_name: str = "zhie-model") -> ModelConfig:
    """The config a 0.2.0-layout ``meta.json`` describes (as the code of 0.3.0 read it); a precision
    it names that is unknown is left to the tagger, which refuses it with its own message."""
    kind = str(meta.get("tagger", "transformer"))
    options = {k: v for k, v in meta.items() if k not in LEGACY_CONFIG_KEYS and k not in CARD_KEYS}
    if "heads" in meta:
        options["heads"] = meta["heads"]
    for key in ("entries", "patterns"):
        if key in meta:
            options[key] = meta[key]
    linker = dict(meta.get("linker") or {})
    heads = meta.get("heads") or {}
    if "trigger" not in heads:      # without a trigger head the learned policies have nothing to read
        linker["trigger_policy"] = "rules"
    scorer = None
    if has_own_scorer:
        scorer = ScorerConfig(file=SCORER_FILE)
    elif package_scorer:
        scorer = ScorerConfig(file=PACKAGE_PREFIX + SCORER_FILE)
    precision = str(meta.get("precision") or ("int8" if meta.get("quantize") else "")).lower() or None
    files = ["config.json", "chars.json", "model.safetensors"] if kind == "transformer" else []
    return ModelConfig(
        name=str(meta.get("name", default_name)), version=str(meta.get("version", "0")),
        labels=list(meta.get("labels") or heads.get("domain") or []),
        tagger=TaggerConfig(kind=kind, files=files, options=options),
        windows=WindowConfig(max_len=int(meta.get("max_len", DEFAULT_WINDOW))),
        precision=precision if precision in PRECISIONS else None,
        linker=LinkerConfig(argument_scorer=scorer, trigger_policy=str(linker.get("trigger_policy", "rules")),
                            trigger_threshold=float(linker.get("trigger_threshold", 0.5))))
