"""``zhie train --from-store``: fine-tune the current model on the reviewed documents of the
annotation store, and keep the result only if it is not worse.

    zhie train --from-store [--store URL] [--init MODEL] --out DIR [--steps 200] [--store-repeat 4]

1. The reviewed documents (current version marked reviewed) are exported to a temporary
   article file (the ``annotations/train.jsonl`` shape) and added to the domain training
   data with ``--extra-train``, ``--store-repeat`` times (default 6) so that a few dozen
   corrections weigh against the project's training articles.  Unless given, the domain
   stage runs 150 steps (``--steps``) at a learning rate of 3e-5 (``--lr-domain``): the
   model is already trained, and the first-training rate of 8e-5 cost dev F1 in a trial.
2. The model given by ``--init`` — by default the one the service uses (``$ZHIE_MODEL``,
   else ``models/zhie-ner-small``) — is fine-tuned (``cmd_train``) into a staging folder
   beside ``--out``; its version is the parent's with the last number bumped
   (0.1.0 → 0.1.1) unless ``--version`` is given, and meta.json records the parent.
3. Both models are evaluated on the dev split (``--dev``, default ``annotations/dev.jsonl``,
   never trained on). The new model replaces ``--out`` only if its dev core micro-F1 is not
   lower than the parent's; otherwise it is discarded, the reason printed, and the exit
   code is 3. ``--out`` may be the parent's own folder (retraining in place, then
   ``POST /v1/admin/reload`` or SIGHUP); the replaced folder is kept as ``<out>.previous``.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

EXIT_REFUSED = 3
DEFAULT_REPEAT = 6       # --store-repeat
DEFAULT_STEPS = 150      # --steps, unless given
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


def run_from_store(args: argparse.Namespace, train: Callable[[argparse.Namespace], int],
                   require_transformer: bool = True) -> int:
    """Export, fine-tune with ``train`` (``cmd_train``), gate on dev, promote or refuse.

    ``train`` writes a model folder to ``args.out`` with the dev metrics in its meta.json.
    """
    from zhie.settings import ZhieSettings
    from zhie.store import Store
    from zhie.store.transfer import export_store
    from zhie.model import load_model

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
        print(f"--from-store: {n_docs} reviewed documents from {store_url} (x{repeat}); fine-tuning "
              f"{parent.get('name')} {parent.get('version')} from {init}", file=sys.stderr)
        args.init = str(init)
        args.extra_train = list(args.extra_train or []) + [str(reviewed)] * repeat
        args.version = args.version or bump_version(parent.get("version"))
        args.name = args.name or parent.get("name") or "zhie-ner-small"
        if getattr(args, "domain_steps", None) is None:
            args.domain_steps = DEFAULT_STEPS
        if getattr(args, "lr_domain", None) is None:
            args.lr_domain = DEFAULT_LR
        args.out = str(staging)
        started = time.time()
        code = train(args)
        seconds = round(time.time() - started, 1)
        if code != 0:
            return code
        parent_f1 = dev_core_f1(init, dev)
        meta_file = staging / "meta.json"
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        new_f1 = float(meta["metrics"]["dev"]["entities_micro_core"]["f1"])
        gate = Gate(str(dev), parent_f1, new_f1)
        meta["parent"] = {**(meta.get("parent") or {}), "path": str(init.resolve())}
        meta["training"]["store"] = {"url": store_url, "reviewed_documents": n_docs, "repeat": repeat,
                                     "seconds": seconds}
        meta["gate"] = gate.to_dict()
        meta_file.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        summary = (f"dev core micro-F1: parent {parent.get('version')} {parent_f1:.4f}, "
                   f"new {args.version} {new_f1:.4f}")
        if not gate.passed:
            print(f"--from-store: NOT replacing {out}: the new model is worse on the dev split ({summary})",
                  file=sys.stderr)
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
