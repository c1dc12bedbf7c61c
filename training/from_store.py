"""``zhie train --from-store``: fine-tune the current model on the reviewed documents of the
annotation store, and keep the result only if it is not worse.

    zhie train --from-store [--store URL] [--init MODEL] --out DIR [--steps 200] [--store-repeat 6]
                            [--texts ZONE_NEWS] [--validation-share 0.2] [--no-replay] [--keep-scorer]

1. The reviewed documents (current version marked reviewed) are exported to a temporary
   article file (the ``annotations/train.jsonl`` shape).  With ten or more, a share of them
   (``--validation-share``, default 0.2, drawn with ``--seed``) is set aside for early stopping;
   the rest is added to the domain training data ``--store-repeat`` times (default 6) so that a
   few dozen corrections weigh against the project's training articles.
2. **Replay**: besides ``--train`` (default ``annotations/train.jsonl``), the other domain files the
   parent's card says it was trained on (``training.data.domain.extra_train``) are trained on again
   when they exist here (standoff ones need ``--texts``, else the path the card records) — so that
   the model does not forget them (``--no-replay``: only ``--train`` and the corrections).
3. The model given by ``--init`` — by default the one the service uses (``$ZHIE_MODEL``,
   else ``models/zhie-ner-small``) — is fine-tuned (``cmd_train``) into a staging folder beside
   ``--out`` at a low learning rate (``--lr-domain``, default 3e-5: the model is already trained,
   and the first-training rate of 8e-5 cost dev F1 in a trial) for at most ``--steps`` (default
   150); with a validation slice its core micro-F1 is checked every ``--validate-every`` steps
   and the best checked weights are kept (the parent's own weights when no check beats them);
   then at most 400 steps unless ``--steps`` says otherwise.  When no check beats the parent,
   nothing was learned: no new version is written and the exit code is 3, as for the gate.
   No trigger head is grown when the parent has none.  Its version is the parent's with the
   last number bumped (0.1.0 → 0.1.1) unless ``--version`` is given, and meta.json records the
   parent.
4. The linker's learned part — the argument scorer — is refitted on the same articles and every
   reviewed document, with the parent's kind and L2, into the new folder (``--keep-scorer``: the
   parent's file is kept).
5. Both models are evaluated on the dev split (``--dev``, default ``annotations/dev.jsonl``,
   never trained on). The new model replaces ``--out`` only if its dev core micro-F1 is not
   lower than the parent's; otherwise it is discarded, the reason printed, and the exit
   code is 3. A kept model is written in the pipeline layout (``pipeline.json`` + the card
   ``meta.json``, with the gate, the replay and the validation checks). ``--out`` may be the
   parent's own folder (retraining in place, then ``POST /v1/admin/reload`` or SIGHUP); the
   replaced folder is kept as ``<out>.previous``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from zhie.standoff import Texts

EXIT_REFUSED = 3
DEFAULT_REPEAT = 6       # --store-repeat
DEFAULT_VALIDATION_SHARE = 0.2   # --validation-share: reviewed documents set aside for early stopping
DEFAULT_STEPS = 150      # --steps, unless given (no validation slice)
DEFAULT_STEPS_STOPPING = 400   # --steps, unless given, with a validation slice (early stopping ends it sooner)
DEFAULT_LR = 3e-5        # --lr-domain, unless given: a trained model is only nudged (8e-5 lost dev F1)


@dataclass(frozen=True)
class Gate:
    """The comparison that decides whether the new model is kept."""

    dev_file: str
    parent_core_f1: float
    new_core_f1: float

    @property
    def passed(self) -> bool:
        return self.new_core_f1 >= self.parent_core_f1 - 1e-9

    def to_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed, "rule": "new dev core micro-F1 >= parent's"}


def bump_version(version: str | None) -> str:
    """0.1.0 → 0.1.1; 'v3' → 'v4'; a version without a number gets '.1' appended."""
    version = str(version or "0.0.0")
    match = re.search(r"(\d+)(?!.*\d)", version)
    if not match:
        return version + ".1"
    return version[:match.start()] + str(int(match.group(1)) + 1) + version[match.end():]


def dev_core_f1(model_dir: Path, dev_file: Path) -> float:
    """Dev core micro-F1 of a model folder, run exactly as users run it (``Pipeline.load``)."""
    from zhie.evaluate import evaluate
    from zhie.pipeline import Pipeline
    from zhie.schema import Document

    from .examples import read_jsonl
    from zhie.settings import ZhieSettings

    dev = list(read_jsonl(dev_file))
    pipe = Pipeline.load(model_dir, **ZhieSettings().tagger_options())   # as `zhie extract` would run it
    pred = [r.to_dict() for r in pipe.pipe(Document(d["text"], d["id"], d.get("meta") or {}) for d in dev)]
    return float(evaluate(dev, pred).to_dict()["entities_micro_core"]["f1"])


def _promote(staging: Path, out: Path) -> Path | None:
    """Move ``staging`` to ``out``; an existing ``out`` becomes ``<out>.previous`` (returned)."""
    backup = None
    if out.exists():
        backup = out.with_name(out.name + ".previous")
        if backup.exists():
            shutil.rmtree(backup)
        os.replace(out, backup)
    os.replace(staging, out)
    return backup


def _set_aside(staging: Path, out: Path) -> Path:
    """Move a model the gate refused to ``<out>.refused`` (replacing an older one), so its figures can be
    read and the model served by hand; ``out`` itself is not touched."""
    refused = out.with_name(out.name + ".refused")
    if refused.exists():
        shutil.rmtree(refused)
    os.replace(staging, refused)
    return refused


def count_lines(path: Path | None) -> int:
    if path is None:
        return 0
    with open(path, encoding="utf-8") as f:
        return sum(1 for line in f if line.strip())


def split_validation(reviewed: Path, workdir: Path, share: float, seed: int) -> tuple[Path, Path | None]:
    """Set ``share`` of the reviewed documents aside (drawn with ``seed``) for early stopping; none
    when fewer than 10 documents were reviewed or ``share`` is 0 (then training runs its steps)."""
    with open(reviewed, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    n_val = round(len(lines) * share) if share > 0 and len(lines) >= 10 else 0
    if n_val == 0:
        return reviewed, None
    order = list(range(len(lines)))
    random.Random(seed).shuffle(order)
    aside = set(order[:n_val])
    fit_on, validation = workdir / "reviewed-train.jsonl", workdir / "reviewed-validation.jsonl"
    fit_on.write_text("".join(lines[i] for i in range(len(lines)) if i not in aside), encoding="utf-8")
    validation.write_text("".join(lines[i] for i in sorted(aside)), encoding="utf-8")
    return fit_on, validation


def recorded_domain(meta: dict) -> dict:
    """What a model card records of its domain training data (``training.data.domain``: ``train_file``,
    ``extra_train``, ``texts``); empty when the card says nothing."""
    return ((meta.get("training") or {}).get("data") or {}).get("domain") or {}


def recorded_texts(parent: dict) -> list[str] | None:
    """The texts files the parent's card records for its standoff training files (one path in cards
    before several were allowed), when they all exist here."""
    from zhie.standoff import text_files
    files = text_files(recorded_domain(parent).get("texts") or None)
    return [str(f) for f in files] if files and all(f.is_file() for f in files) else None


def kept_parent_weights(meta: dict) -> bool:
    """This run's early-stopped stage (the last one with checks) kept the weights of its first check,
    the parent's: nothing was learned."""
    stages = [h for h in (meta.get("training") or {}).get("history") or [] if "kept_step" in h]
    return bool(stages) and stages[-1]["kept_step"] == 0


def replay_files(parent: dict, args: argparse.Namespace) -> list[str]:
    """The parent's own domain training files, as its card records them (``recorded_domain``),
    that exist here: replayed beside the corrections so that fine-tuning does not forget them.
    ``--train`` already replays the main article file; standoff files need ``args.texts`` and are
    left out, with a note, without it."""
    domain = recorded_domain(parent)
    texts = getattr(args, "texts", None)
    out: list[str] = []
    train = Path(args.train).resolve() if getattr(args, "train", None) else None
    for name in domain.get("extra_train") or []:
        path = Path(name)
        if not path.is_file() or (train is not None and path.resolve() == train) or "zhie-from-store-" in str(path):
            continue   # gone, the main file again, or an earlier run's temporary export of the store
        if not texts and _is_standoff(path):
            print(f"--from-store: not replaying {name}: it is standoff gold and no --texts was given",
                  file=sys.stderr)
            continue
        if name not in out:
            out.append(name)
    return out


def _is_standoff(path: Path) -> bool:
    from zhie.standoff import is_standoff
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                return is_standoff(json.loads(line))
    return False


def refit_scorer(init: Path, staging: Path, args: argparse.Namespace, fit_on_all: list[Path],
                 replay: list[str]) -> dict | None:
    """Refit the parent's argument scorer (the linker's learned part) on the training articles, the
    replayed files and every reviewed document, and write it into the new folder — the same kind
    as the parent's (blend or stacked) and the same L2.  None when the parent has no scorer file."""
    from zhie.model import load_model

    folder = load_model(init)
    scorer_cfg = folder.config.linker.argument_scorer
    if scorer_cfg is None or folder.config.tagger.kind != "transformer":
        return None
    names = [*([str(args.train)] if getattr(args, "train", None) else []), *replay, *(str(p) for p in fit_on_all)]
    own = folder.path / scorer_cfg.file if not scorer_cfg.file.startswith("package:") else None
    l2 = 1.0
    if own is not None and own.is_file():
        l2 = float(json.loads(own.read_text(encoding="utf-8")).get("meta", {}).get("l2", 1.0))
    return fit_scorer(staging, names, getattr(args, "texts", None), kind=scorer_cfg.kind, l2=l2)


def scorer_from_parent(init: Path, out: Path, args: argparse.Namespace, fit_on_all: list[Path],
                       replay: list[str]) -> dict | None:
    """The argument scorer of a model fine-tuned from ``init``: the parent's copied with
    ``--keep-scorer``, else refitted (``refit_scorer``); the note for the card."""
    if getattr(args, "keep_scorer", False):
        return keep_scorer(init, out)
    return refit_scorer(init, out, args, fit_on_all=fit_on_all, replay=replay)


def fit_scorer(folder: Path, names: list[str], texts: Texts, kind: str, l2: float) -> dict:
    """Fit an argument scorer of ``kind`` (blend or stacked) on the gold articles of ``names``
    (standoff ones joined to ``texts``) and write it into ``folder``; the note for the card."""
    from zhie.linking.train_scorer import train, train_stacked
    from zhie.standoff import join_texts

    from .examples import read_jsonl

    docs: list[dict] = []
    for name in names:
        docs += join_texts(read_jsonl(Path(name)), texts)
    trained_on = ", ".join(Path(n).name for n in names)
    scorer = (train_stacked(docs, l2=l2, trained_on=trained_on) if kind == "stacked"
              else train(docs, l2=l2, trained_on=trained_on)[0])
    scorer.save(folder / "argument_scorer.json")
    return {"kind": kind, "l2": l2, "documents": len(docs), "pairs": scorer.meta.get("pairs")}


def keep_scorer(init: Path, staging: Path) -> dict | None:
    """``--keep-scorer``: the parent's argument scorer file, copied unchanged into the new folder
    (without it the new folder would fall back to the package's scorer)."""
    from zhie.model import load_model

    folder = load_model(init)
    path = folder.scorer_path()
    if path is None or not path.is_file():
        return None
    shutil.copyfile(path, staging / "argument_scorer.json")
    return {"kind": folder.config.linker.argument_scorer.kind, "kept": "the parent's"}


def to_pipeline_layout(folder: Path, scorer_note: dict | None) -> None:
    """Write the new folder in the pipeline layout (``pipeline.json``: tagger, windows, linker with
    its refitted scorer of the parent's kind; ``meta.json``: the card), as ``zhie model upgrade`` does."""
    from zhie.model.config import CONFIG_FILE, ModelConfig
    from zhie.model.card import write_json_atomic
    from zhie.model.upgrade import upgrade_model

    config = upgrade_model(folder).config
    scorer = config.linker.argument_scorer
    if scorer_note and scorer is not None and scorer.kind != scorer_note["kind"]:
        config = config.model_copy(update={"linker": config.linker.model_copy(
            update={"argument_scorer": scorer.model_copy(update={"kind": scorer_note["kind"]})})})
        write_json_atomic(folder / CONFIG_FILE, ModelConfig.model_validate(config.to_json()).to_json())


def run_from_store(args: argparse.Namespace, train: Callable[[argparse.Namespace], int],
                   require_transformer: bool = True) -> int:
    """Export, fine-tune with ``train`` (``cmd_train``), gate on dev, promote or refuse.

    ``train`` writes a model folder to ``args.out`` with the dev metrics in its meta.json.
    """
    from zhie.settings import ZhieSettings
    from zhie.store import Store
    from zhie.store.transfer import export_store
    from zhie.model import load_model
    from zhie.model.card import shown_path

    if args.encoder:
        print("--from-store fine-tunes an existing model: give --init (or nothing: the service's model), "
              "not --encoder", file=sys.stderr)
        return 2
    settings = ZhieSettings()
    init = Path(args.init) if args.init else settings.model_path
    try:
        parent = load_model(init).meta()     # the card and the config in one view (either layout)
    except (OSError, ValueError) as exc:
        print(f"--from-store: cannot read the model to fine-tune: {exc}", file=sys.stderr)
        return 2
    if require_transformer and parent.get("tagger", "transformer") != "transformer":
        print(f"--from-store: {init} is a {parent.get('tagger')!r} model; only transformer models can be fine-tuned",
              file=sys.stderr)
        return 2
    dev = Path(args.dev) if args.dev else None
    if dev is None or not dev.is_file():
        print(f"--from-store needs the dev split to compare the models: {args.dev} not found", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.staging-{os.getpid()}")
    workdir = Path(tempfile.mkdtemp(prefix="zhie-from-store-"))
    try:
        store = Store(args.store or settings.store_url)
        reviewed = workdir / "reviewed.jsonl"
        n_docs = export_store(store, "train", reviewed)
        store_url = store.display_url
        store.close()
        if n_docs == 0:
            print(f"--from-store: no reviewed documents in {store_url}; nothing to learn from", file=sys.stderr)
            return 1
        repeat = max(1, args.store_repeat)
        fit_on, validation = split_validation(reviewed, workdir,
                                              getattr(args, "validation_share", DEFAULT_VALIDATION_SHARE),
                                              getattr(args, "seed", None) or 13)
        if validation is not None and not getattr(args, "validate", None):
            args.validate = str(validation)
        if not getattr(args, "texts", None):
            args.texts = recorded_texts(parent)   # --texts, else the path the parent's card records
        replay = [] if getattr(args, "no_replay", False) else replay_files(parent, args)
        n_validation = count_lines(validation)
        print(f"--from-store: {n_docs} reviewed documents from {store_url} "
              f"({n_docs - n_validation} trained on x{repeat}"
              + (f", {n_validation} kept aside for early stopping" if validation else "")
              + (f"; replay of {', '.join(replay)}" if replay else "") + f"); fine-tuning "
              f"{parent.get('name')} {parent.get('version')} from {init}", file=sys.stderr)
        args.init = str(init)
        args.extra_train = list(args.extra_train or []) + replay + [str(fit_on)] * repeat
        if getattr(args, "trigger_mix", None) is None and "trigger" not in (parent.get("heads") or {}):
            args.trigger_mix = 0.0   # the parent has no trigger head: do not grow one on a few documents
        args.version = args.version or bump_version(parent.get("version"))
        args.name = args.name or parent.get("name") or "zhie-ner-small"
        if getattr(args, "domain_steps", None) is None:   # early stopping decides within a longer budget
            args.domain_steps = DEFAULT_STEPS_STOPPING if getattr(args, "validate", None) else DEFAULT_STEPS
        if getattr(args, "lr_domain", None) is None:
            args.lr_domain = DEFAULT_LR
        args.out = str(staging)
        args.finish_layout = False   # the scorer is refitted on every reviewed document and laid out after the gate
        started = time.time()
        code = train(args)
        seconds = round(time.time() - started, 1)
        if code != 0:
            return code
        scorer_note = scorer_from_parent(init, staging, args, fit_on_all=[reviewed], replay=replay)
        parent_f1 = dev_core_f1(init, dev)
        meta_file = staging / "meta.json"
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        new_f1 = float(meta["metrics"]["dev"]["entities_micro_core"]["f1"])
        gate = Gate(str(dev), parent_f1, new_f1)
        meta["parent"] = {**(meta.get("parent") or {}), "path": shown_path(init)}   # the card's relative/symbolic form
        meta["training"]["store"] = {"url": store_url, "reviewed_documents": n_docs, "repeat": repeat,
                                     "validation_documents": n_validation, "replay": replay,
                                     "argument_scorer": scorer_note, "seconds": seconds}
        meta["gate"] = gate.to_dict()
        meta_file.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        summary = (f"dev core micro-F1: parent {parent.get('version')} {parent_f1:.4f}, "
                   f"new {args.version} {new_f1:.4f}")
        if kept_parent_weights(meta):
            print(f"--from-store: NOT replacing {out}: no validation check beat the parent's weights, so early "
                  f"stopping kept them and the new model would be the parent under a new version ({summary})",
                  file=sys.stderr)
            return EXIT_REFUSED
        to_pipeline_layout(staging, scorer_note)
        if not gate.passed:
            refused = _set_aside(staging, out)
            print(f"--from-store: NOT replacing {out}: the new model is worse on the dev split ({summary}); "
                  f"it is kept for inspection in {refused}", file=sys.stderr)
            return EXIT_REFUSED
        backup = _promote(staging, out)
        print(f"--from-store: model {args.name} {args.version} written to {out} ({summary}; retraining took "
              f"{seconds}s)" + (f"; the replaced model is in {backup}" if backup else ""), file=sys.stderr)
        print(json.dumps({"out": str(out), "version": args.version, "parent_version": parent.get("version"),
                          "gate": gate.to_dict(), "train_seconds": seconds}, ensure_ascii=False))
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
