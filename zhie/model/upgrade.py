"""``zhie model upgrade PATH``: turn a 0.2.0-layout folder (``meta.json`` only) into the
pipeline layout — ``pipeline.json`` (the config), ``meta.json`` (the card) and the argument
scorer copied into the folder when it came from the package.  Weights and the other files
are not touched; the upgraded folder gives the same output as before.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from .card import CARD_FORMAT, PROVENANCE_KEYS, ModelCard, symbolic_paths, write_json_atomic
from .config import CARD_KEYS, CONFIG_FILE, PACKAGE_PREFIX, SCORER_FILE, ModelConfig
from .folder import ModelFolder, ModelFolderError, load_model


def card_of(meta: dict, config: ModelConfig) -> dict:
    """The card part of a 0.2.0 meta.json: identity, provenance (paths made relative/symbolic),
    metrics and the release gate."""
    card = {"card": CARD_FORMAT, "name": config.name, "version": config.version}
    for key in CARD_KEYS:
        if key in meta and key != "card":
            card[key] = symbolic_paths(meta[key]) if key in PROVENANCE_KEYS else meta[key]
    ModelCard.model_validate(card)
    return card


def upgrade_model(src: str | Path, out: str | Path | None = None) -> ModelFolder:
    """Upgrade ``src`` in place, or into a copy at ``out`` (which must not exist)."""
    folder = load_model(src)
    if folder.layout != "legacy":
        raise ModelFolderError(f"{folder.path} already has {CONFIG_FILE}: nothing to upgrade")
    target = Path(out) if out is not None else folder.path
    if out is not None:
        if target.exists():
            raise ModelFolderError(f"{target} exists; give a new folder for the upgraded copy")
        shutil.copytree(folder.path, target)
    config = folder.config
    scorer = config.linker.argument_scorer
    if scorer is not None and scorer.file.startswith(PACKAGE_PREFIX):   # the package's scorer moves in
        shutil.copyfile(folder.resolve(scorer.file), target / SCORER_FILE)
        config = config.model_copy(update={"linker": config.linker.model_copy(
            update={"argument_scorer": scorer.model_copy(update={"file": SCORER_FILE})})})
    config = ModelConfig.model_validate(config.to_json())      # re-validated as it will be read
    # pipeline.json first: a folder interrupted here is already readable (its card has extra keys)
    write_json_atomic(target / CONFIG_FILE, config.to_json())
    write_json_atomic(target / "meta.json", card_of(folder.legacy_meta or {}, config))
    return load_model(target)
