"""A model folder on disk: its config (``pipeline.json``, or the 0.2.0 ``meta.json``), its card
and the files the stages read.

    folder = load_model("models/zhie-ner-small")
    folder.config.windows.overlap, folder.scorer_path(), folder.card["metrics"]

The layout is ``pipeline`` (``pipeline.json`` + the card ``meta.json`` + README.md) or
``legacy`` (``meta.json`` only, read as the code of zhie 0.3.0 read it: the argument scorer is
the folder's ``argument_scorer.json`` if there is one, else the package's).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .card import ModelCard
from .config import CARD_FILE, CONFIG_FILE, FORMAT, PACKAGE_PREFIX, SCORER_FILE, ModelConfig, legacy_config

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "linking"   # where package:NAME files live


class ModelFolderError(ValueError):
    """A model folder that cannot be used; the message names the file and the problem."""


def package_scorer() -> Path:
    """The argument scorer shipped inside the package (what 0.2.0 folders used)."""
    return PACKAGE_DIR / SCORER_FILE


@dataclass(frozen=True)
class ModelFolder:
    path: Path
    config: ModelConfig
    card: dict[str, Any]
    layout: str                                   # "pipeline" or "legacy"
    legacy_meta: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def card_path(self) -> Path:
        return self.path / CARD_FILE

    @property
    def config_path(self) -> Path | None:
        return self.path / CONFIG_FILE if self.layout == "pipeline" else None

    def resolve(self, name: str) -> Path:
        """A file named in the config: relative to the folder, or ``package:NAME`` in zhie/linking/."""
        if name.startswith(PACKAGE_PREFIX):
            return PACKAGE_DIR / name[len(PACKAGE_PREFIX):]
        return self.path / name

    def scorer_path(self) -> Path | None:
        scorer = self.config.linker.argument_scorer
        return self.resolve(scorer.file) if scorer is not None else None

    def tagger_meta(self) -> dict[str, Any]:
        """What the tagger class's ``load(path, meta)`` receives (a 0.2.0 folder: its whole meta.json)."""
        return dict(self.legacy_meta) if self.legacy_meta is not None else self.config.tagger_meta()

    def meta(self) -> dict[str, Any]:
        """One view of the card and the config (name, version, labels, metrics …) for display."""
        if self.legacy_meta is not None:
            return dict(self.legacy_meta)
        return {**self.card, **self.config.tagger_meta(), "linker": self.config.linker.model_dump(mode="json")}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFolderError(f"{path} is not valid JSON: {exc}") from None


def _validation_message(path: Path, exc: ValidationError) -> str:
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        problems.append(f"{where}: {err['msg']}")
    return f"{path}: " + "; ".join(problems)


def load_model(path: str | Path) -> ModelFolder:
    """Read a model folder's config and card; FileNotFoundError if it is no model folder,
    ModelFolderError (a ValueError) if its config is wrong or a file it names is missing."""
    path = Path(path)
    config_file, card_file = path / CONFIG_FILE, path / CARD_FILE
    if config_file.is_file():
        data = _read_json(config_file)
        if isinstance(data, dict) and isinstance(data.get("format"), int) and data["format"] > FORMAT:
            raise ModelFolderError(f"{config_file} has format {data['format']}, newer than this zhie reads "
                                   f"({FORMAT}); update zhie")
        try:
            config = ModelConfig.model_validate(data)
        except ValidationError as exc:
            raise ModelFolderError(_validation_message(config_file, exc)) from None
        card = _read_json(card_file) if card_file.is_file() else {"name": config.name, "version": config.version}
        if not isinstance(card, dict):
            raise ModelFolderError(f"{card_file} must hold a JSON object (the model card)")
        try:
            ModelCard.model_validate(card)
        except ValidationError as exc:
            raise ModelFolderError(_validation_message(card_file, exc)) from None
        for key in ("name", "version"):
            if str(card[key]) != getattr(config, key):
                raise ModelFolderError(f"{card_file} describes {key} {card[key]!r} but {config_file} says "
                                       f"{getattr(config, key)!r}: the card belongs to another model")
        folder = ModelFolder(path, config, card, "pipeline")
        named = list(config.tagger.files) + ([config.linker.argument_scorer.file]
                                             if config.linker.argument_scorer else [])
        missing = [n for n in named if not folder.resolve(n).is_file()]
        if missing:
            raise ModelFolderError(f"{config_file} names files that are not there: {', '.join(missing)}")
        return folder
    if card_file.is_file():
        meta = _read_json(card_file)
        if not isinstance(meta, dict):
            raise ModelFolderError(f"{card_file} must hold a JSON object")
        try:
            config = legacy_config(meta, has_own_scorer=(path / SCORER_FILE).is_file(),
                                   package_scorer=package_scorer().is_file(), default_name=path.name)
        except ValidationError as exc:
            raise ModelFolderError(_validation_message(card_file, exc)) from None
        return ModelFolder(path, config, meta, "legacy", legacy_meta=meta)
    raise FileNotFoundError(f"{path} is not a zhie model folder (no meta.json)")
