"""Build the pipeline's stages from a model folder's config, by registered component names."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from ..registry import argument_scorers, taggers
from .config import LinkerConfig
from .folder import ModelFolder


def _load_argument_scorer(path: str | Path) -> Any:
    """The blend scorer: the rules choose the arguments, its probability is half their score."""
    from ..linking.argument_scorer import ArgumentScorer
    return _of_kind(ArgumentScorer.load(path), "blend", path)


def _load_stacked_scorer(path: str | Path) -> Any:
    """The stacked role model: it chooses the arguments, with the rules' proposals as features."""
    from ..linking.argument_scorer import ArgumentScorer
    return _of_kind(ArgumentScorer.load(path), "stacked", path)


def _of_kind(scorer: Any, kind: str, path: str | Path) -> Any:
    if scorer.kind != kind:
        raise ValueError(f"{path}: an argument scorer of kind {scorer.kind!r}, but the config says {kind!r}")
    return scorer


argument_scorers.register("logreg", _load_argument_scorer)
argument_scorers.register("stacked", _load_stacked_scorer)


def tagger_class(kind: str) -> Any:
    """The registered tagger ``kind``; its module ``zhie.tagger.<kind>`` is imported on first use
    (so that torch is imported only for the taggers that need it)."""
    from .. import tagger as _tagger  # noqa: F401  (registers the built-in light taggers)
    if not taggers.has(kind) and kind.isidentifier():
        try:
            importlib.import_module(f"zhie.tagger.{kind}")
        except ModuleNotFoundError as exc:
            if exc.name != f"zhie.tagger.{kind}":
                raise
    return taggers.get(kind)


def build_tagger(folder: ModelFolder, **options: Any) -> Any:
    """The tagger the folder describes, loaded from its files (``options``: e.g. ``precision``)."""
    tagger = tagger_class(folder.config.tagger.kind).load(folder.path, folder.tagger_meta(), **options)
    tagger.path = folder.path
    return tagger


def build_linker(config: LinkerConfig, scorer_path: Path | None, trigger_head: bool) -> Any:
    """Relations and events as the linker config says; the learned trigger policies need the
    tagger's trigger head (without one the rules find the triggers, as in 0.2.0)."""
    from ..linking import Linker
    from ..linking.events import EventFinder
    scorer = None
    if config.argument_scorer is not None and scorer_path is not None:
        scorer = argument_scorers.get(config.argument_scorer.kind)(scorer_path)
    policy = config.trigger_policy if trigger_head else "rules"
    return Linker(event_finder=EventFinder(scorer=scorer, use_scorer=scorer is not None, min_score=config.min_score,
                                           trigger_policy=policy, trigger_threshold=config.trigger_threshold))
