"""The model card: ``meta.json`` beside ``pipeline.json`` (and the folder's README.md for people).

It holds what describes a model without changing its output: provenance (encoder, parent,
training command and data, with relative or symbolic paths), metrics (``metrics.<name>``, one
per ``zhie evaluate --record NAME``) and the release gate.  Writing the card never touches
``pipeline.json``, so recording figures does not change the model's batch fingerprint.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from .folder import ModelFolder

CARD_FORMAT = 1
REPO_ROOT = Path(__file__).resolve().parent.parent.parent
PROVENANCE_KEYS = ("encoder", "parent", "training")


def _absolute_paths(value: Any, where: str = "") -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _absolute_paths(v, f"{where}.{k}" if where else k)]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _absolute_paths(v, f"{where}[{i}]")]
    if isinstance(value, str) and where.endswith("path") and (value.startswith("/") or value[1:3] == ":\\"):
        return [where]
    return []


class ModelCard(BaseModel):
    """The card's known sections; other keys are kept as they are (a card is for people too)."""

    model_config = ConfigDict(extra="allow")

    card: int = CARD_FORMAT
    name: str
    version: str
    encoder: dict[str, Any] | None = None
    parent: dict[str, Any] | None = None
    training: dict[str, Any] | None = None
    metrics: dict[str, Any] = Field(default_factory=dict)
    release_gate: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _relative_provenance(self) -> "ModelCard":
        bad = [p for key in PROVENANCE_KEYS for p in _absolute_paths(getattr(self, key), key)]
        if bad:
            raise ValueError(f"provenance paths must be relative or symbolic, not absolute: {', '.join(bad)}")
        return self


def shown_path(path: str | Path, root: Path = REPO_ROOT) -> str:
    """A path as a card keeps it: relative to the repository when inside it, a relative path as
    given, else only the folder's name (an absolute path says nothing on another machine)."""
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    p = p.resolve()
    return p.relative_to(root.resolve()).as_posix() if p.is_relative_to(root.resolve()) else p.name


def symbolic_paths(value: Any) -> Any:
    """``value`` with every absolute path under a ``path`` key made relative or symbolic."""
    if isinstance(value, dict):
        return {k: (shown_path(v) if k == "path" and isinstance(v, str) else symbolic_paths(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [symbolic_paths(v) for v in value]
    return value


def write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def record_metrics(folder: "ModelFolder", key: str, metrics: dict[str, Any]) -> Path:
    """Write ``metrics.<key>`` into the card; the first ``dev`` figures are kept as
    ``metrics.dev_at_training`` when ``dev`` is recorded again.  Returns the card's path."""
    path = folder.card_path
    card = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else \
        {"name": folder.config.name, "version": folder.config.version}
    section = card.setdefault("metrics", {})
    if key == "dev" and "dev" in section and "dev_at_training" not in section:
        section["dev_at_training"] = section["dev"]
    section[key] = metrics
    write_json_atomic(path, card)
    return path
