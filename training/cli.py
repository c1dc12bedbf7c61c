"""``python -m training`` / ``zhie train``: build the domain data split and train models.

    python -m training data                      # annotations/{train,dev}.jsonl from gold + written + splits
    python -m training train --encoder ../shared/models/e5-small-zh \
        --cluener ../shared/data/cluener2020 --msra ../shared/data/msra_ner --out models/zhie-ner-small
    python -m training train --init models/zhie-ner-small --config tiny --out /tmp/m   # fine-tune / smoke
    python -m training public-eval --model models/zhie-ner-small --cluener-dev ../shared/data/cluener2020 --msra-test ../shared/data/msra_ner
    python -m training train --from-store --out models/zhie-ner-small --steps 200   # reviewed documents
                                                     # (training/from_store.py; `zhie train --from-store …` too)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import sys
import time
from dataclasses import fields
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ANN = REPO / "annotations"


def cmd_data(args: argparse.Namespace) -> int:
    from .domain import load_annotated, split_articles, split_by_article
    from .examples import write_jsonl
    docs = load_annotated([Path(p) for p in args.inputs])
    splits = json.loads(Path(args.splits).read_text(encoding="utf-8"))
    articles = [a for d in docs for a in split_articles(d)]
    known = {a["id"] for a in articles}
    missing = [i for i in splits["dev"] if i not in known]
    if missing:
        print(f"splits.json names unknown articles: {missing}", file=sys.stderr)
        return 2
    train, dev = split_by_article(articles, set(splits["dev"]))
    out = Path(args.out)
    n_train = write_jsonl(out / "train.jsonl", train)
    n_dev = write_jsonl(out / "dev.jsonl", dev)
    chars = lambda ds: sum(len(d["text"]) for d in ds)  # noqa: E731
    print(f"train: {n_train} articles, {chars(train)} chars; dev: {n_dev} articles, {chars(dev)} chars")
    return 0


def _shown_path(path: str) -> str:
    """A path as it may be recorded in a model card: relative to the repository when it can be (the
    shared folder sits beside it), never the training machine's absolute path."""
    p = Path(path).resolve()
    try:
        return str(Path(os.path.relpath(p, REPO)))
    except ValueError:
        return Path(path).name


def _config(args: argparse.Namespace):
    from .trainer import TrainConfig
    cfg = TrainConfig.tiny() if args.config == "tiny" else TrainConfig()
    for f in fields(cfg):
        value = getattr(args, f.name, None)
        if value is not None:
            setattr(cfg, f.name, value)
    return cfg


def _early_stopping(state: Any, docs: list[dict[str, Any]], args: argparse.Namespace, max_len: int) -> Any:
    """Early stopping on ``docs`` (gold articles never trained on): core micro-F1 of the network
    being trained, run through the pipeline as users run it (the torch engine, padded windows)."""
    from zhie.evaluate import evaluate
    from zhie.pipeline import Pipeline
    from zhie.schema import Document
    from zhie.tagger.transformer import TorchEngine, TransformerTagger

    from .trainer import HEAD_LABELS, EarlyStopping

    heads = {h: tuple(HEAD_LABELS[h]) for h in state.net.heads}
    meta = {"name": "validation", "version": "0", "max_len": max_len, "heads": heads}

    def score() -> float:
        tagger = TransformerTagger(TorchEngine(state.net, state.vocab.pad_id, alone=False), state.vocab, heads, meta)
        pred = [r.to_dict() for r in Pipeline(tagger).pipe(Document(d["text"], d["id"], d.get("meta") or {})
                                                           for d in docs)]
        return float(evaluate(docs, pred).to_dict()["entities_micro_core"]["f1"])

    return EarlyStopping(score, every=max(1, args.validate_every), patience=max(1, args.patience))


def _distillation(args: argparse.Namespace, state: Any, streams: dict, weights: dict[str, float],
                  data_record: dict, cfg: Any, rng: random.Random) -> Any:
    """``--teacher``: the distillation term, and the unlabelled windows as a stream of their own
    (``--distill-mix`` of the batches; the other streams keep their proportions)."""
    if not getattr(args, "teacher", None):
        return None
    from zhie.tagger import read_meta

    from .distill import Distillation, load_teacher, unlabelled_examples
    from .examples import read_jsonl
    from .trainer import BatchStream
    teacher = Path(args.teacher)
    distill = Distillation(load_teacher(teacher), state.vocab.sep_id, args.distill_temperature, args.distill_alpha)
    record: dict[str, Any] = {"teacher": _shown_path(str(teacher)), "teacher_version": read_meta(teacher).get("version"),
                              "temperature": distill.temperature, "alpha": distill.alpha}
    if args.unlabelled:
        exclude: set[str] = set()
        for path in [*args.unlabelled_exclude, *([args.dev] if args.dev else [])]:
            exclude |= {str(d["id"]) for d in read_jsonl(Path(path)) if "id" in d}
        examples, text_record = unlabelled_examples([Path(p) for p in args.unlabelled], exclude, cfg.max_len - 2,
                                                    zone_only=not args.unlabelled_all,
                                                    limit_chars=args.unlabelled_chars)
        record["unlabelled"] = dict(text_record, excluded_files=[_shown_path(p) for p in args.unlabelled_exclude], mix=args.distill_mix)
        if examples and args.distill_mix > 0:
            streams["unlabelled"] = BatchStream(examples, cfg.batch_size, rng)
            for k in list(weights):
                weights[k] *= 1.0 - args.distill_mix
            weights["unlabelled"] = args.distill_mix
    data_record["distillation"] = record
    return distill


def cmd_train(args: argparse.Namespace) -> int:
    if getattr(args, "from_store", False):
        from .from_store import run_from_store
        args.from_store = False
        return run_from_store(args, cmd_train)
    if getattr(args, "unlabelled", None) and not getattr(args, "teacher", None):
        raise SystemExit("--unlabelled needs --teacher (raw text has no tags of its own)")
    if getattr(args, "unlabelled", None):
        missing = [p for p in args.unlabelled_exclude if not Path(p).is_file()]
        if missing:   # a sealed test silently skipped would be trained on
            raise SystemExit(f"--unlabelled-exclude: no gold file {', '.join(missing)}")
    import torch

    from zhie.evaluate import evaluate, model_metrics
    from zhie.pipeline import Pipeline
    from zhie.schema import Document
    from zhie.tagger import read_meta
    from zhie.tagger.transformer import TransformerTagger

    from .corpora import read_cluener, read_msra
    from .domain import doc_to_examples, doc_to_trigger_examples
    from .examples import read_jsonl, sample
    from .public_eval import evaluate_public
    from .synthetic import synthetic_examples
    from .trainer import (BatchStream, build_from_encoder, build_from_model, config_dict, run_stage,
                          save_model, set_seed)

    cfg = _config(args)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    set_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    t0 = time.time()
    if args.init:
        keep = [int(x) for x in args.keep_layers.split(",")] if getattr(args, "keep_layers", None) else None
        state = build_from_model(Path(args.init), cfg.layers if args.layers else None,
                                 add_heads=("trigger",) if cfg.trigger_mix > 0 else (), keep_layers=keep)
        parent_meta = read_meta(Path(args.init))
        cfg.layers = state.config.num_hidden_layers   # --layers / --keep-layers may have dropped some
        origin = dict(parent_meta.get("encoder", {}), layers_kept=cfg.layers,
                      **({"parent_layers_kept": keep} if keep else {}))
        parent = {"name": parent_meta.get("name"), "version": parent_meta.get("version")}
    elif args.encoder:
        state = build_from_encoder(Path(args.encoder), cfg.layers, add_heads=("trigger",) if cfg.trigger_mix > 0 else ())
        origin = {"path": _shown_path(args.encoder), "layers_kept": cfg.layers,
                  "source": "multilingual-e5-small (XLM-R), Chinese-pruned vocabulary; see its SOURCE.md"}
        parent = None
    else:
        print("give --encoder (pretrained encoder folder) or --init (existing zhie model)", file=sys.stderr)
        return 2

    data_record: dict = {}
    streams: dict = {}
    if args.cluener:
        ex = sample(read_cluener(Path(args.cluener) / "train.json"), args.cluener_limit, rng)
        streams["cluener"] = BatchStream(ex, cfg.batch_size, rng)
        data_record["cluener"] = {"path": str(args.cluener), "examples": len(ex)}
    if args.msra:
        ex = sample(read_msra(Path(args.msra) / "train.bio", max_len=cfg.max_len - 2), args.msra_limit, rng)
        streams["msra"] = BatchStream(ex, cfg.batch_size, rng)
        data_record["msra"] = {"path": str(args.msra), "examples": len(ex)}
    if streams and cfg.public_steps:
        run_stage(state, "public", streams, {h: 1.0 for h in streams}, cfg.public_steps, cfg.lr_public, cfg, rng)

    from zhie.standoff import join_texts
    train_docs = join_texts(read_jsonl(Path(args.train)), args.texts)
    if args.extra_train:
        for p in args.extra_train:
            train_docs += join_texts(read_jsonl(Path(p)), args.texts)
    gold_ex = [ex for d in train_docs for ex in doc_to_examples(d, cfg.max_len - 2)]
    synth = synthetic_examples(train_docs, gold_ex, rng, n_subst=args.subst, n_templates=args.templates,
                               max_len=cfg.max_len - 2)
    domain_ex = gold_ex * args.gold_repeat + synth
    by_source: dict[str, int] = {}
    for ex in domain_ex:
        key = ex.source.rsplit(":", 1)[0] if ex.source.startswith("synth") else "annotated"
        by_source[key] = by_source.get(key, 0) + 1
    data_record["domain"] = {"train_file": str(args.train), "extra_train": [str(p) for p in args.extra_train or []],
                             "texts": args.texts, "articles": len(train_docs),
                             "annotated_windows": len(gold_ex), "gold_repeat": args.gold_repeat,
                             "examples_by_source": by_source}
    streams["domain"] = BatchStream(domain_ex, cfg.batch_size, rng)
    trigger_ex = [ex for d in train_docs for ex in doc_to_trigger_examples(d, cfg.max_len - 2)]
    if trigger_ex and cfg.trigger_mix > 0:
        streams["trigger"] = BatchStream(trigger_ex, cfg.batch_size, rng)
        data_record["trigger"] = {"articles": sum("events" in d for d in train_docs), "windows": len(trigger_ex),
                                  "triggers": sum(len(ex.spans) for ex in trigger_ex)}
    public = [h for h in streams if h not in ("domain", "trigger")]
    weights = {"domain": 1.0 - (cfg.public_mix if public else 0.0) - (cfg.trigger_mix if "trigger" in streams else 0.0)}
    weights.update({h: cfg.public_mix / len(public) for h in public})
    if "trigger" in streams:
        weights["trigger"] = cfg.trigger_mix
    distill = _distillation(args, state, streams, weights, data_record, cfg, rng)
    stopping = None
    if getattr(args, "validate", None):
        validation_docs = join_texts(read_jsonl(Path(args.validate)), args.texts)
        stopping = _early_stopping(state, validation_docs, args, cfg.max_len)
        data_record["validation"] = {"file": str(args.validate), "articles": len(validation_docs),
                                     "every": stopping.every, "patience": stopping.patience}
    run_stage(state, "domain", streams, weights, cfg.domain_steps, cfg.lr_domain, cfg, rng, early_stopping=stopping,
              distill=distill)
    train_seconds = round(time.time() - t0, 1)

    meta = {"name": args.name or "zhie-ner-small", "version": args.version or "0.1.0", "tagger": "transformer",
            "max_len": cfg.max_len,
            "encoder": origin, "parent": parent, "training": {"config": config_dict(cfg), "data": data_record,
            "history": state.history, "seconds": train_seconds, "threads": torch.get_num_threads(),
            "command": shlex.join(["python", "-m", "training", *getattr(args, "argv", [])])},
            "metrics": {}}
    out = save_model(state, Path(args.out), meta)
    finish = getattr(args, "finish_layout", True)   # --from-store refits and lays out after its gate
    scorer_note = _scorer_for(out, args) if finish else None

    # evaluate the saved (fp16) model, exactly as users will run it
    tagger = TransformerTagger.load(out, read_meta(out))
    metrics: dict = {}
    if args.dev:
        dev = join_texts(read_jsonl(Path(args.dev)), args.texts)
        pipe = Pipeline(tagger)
        pred = [r.to_dict() for r in pipe.pipe(Document(d["text"], d["id"], d.get("meta") or {}) for d in dev)]
        report = evaluate(dev, pred)
        rep = report.to_dict()
        metrics["dev"] = model_metrics(report, str(args.dev), precision=tagger.precision)
        print(json.dumps({"dev_core_micro": rep["entities_micro_core"], "dev_all_micro": rep["entities_micro_all"]},
                         ensure_ascii=False))
    if args.cluener_dev or args.msra_test:
        metrics.update(evaluate_public(tagger, args.cluener_dev, args.msra_test, args.public_eval_limit))
    meta["metrics"] = metrics
    saved = dict(read_meta(out), metrics=metrics)
    if scorer_note is not None:
        saved["training"] = dict(saved["training"], argument_scorer=scorer_note)
    (out / "meta.json").write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if finish:
        from .from_store import to_pipeline_layout
        to_pipeline_layout(out, scorer_note)
    print(f"model written to {out} in {train_seconds}s of training")
    return 0


def _scorer_for(out: Path, args: argparse.Namespace) -> dict | None:
    """The new folder's argument scorer (the linker's learned part): refitted on the articles the
    tagger was trained on, of the parent's kind and L2 (``--init``; the blend kind for a model
    built from ``--encoder``), or the parent's file copied unchanged with ``--keep-scorer``.  The
    note recorded in the card, or None when the folder is left to the package's scorer."""
    from .from_store import fit_scorer, scorer_from_parent

    extra = list(dict.fromkeys(args.extra_train or []))      # a file named twice is fitted on once
    if args.init:
        return scorer_from_parent(Path(args.init), out, args, fit_on_all=[], replay=extra)
    return fit_scorer(out, [str(args.train), *extra], getattr(args, "texts", None), kind="logreg", l2=1.0)


def cmd_fit_head(args: argparse.Namespace) -> int:
    """Fit one head of a model on its frozen encoder (training/heads.py) and save the model elsewhere."""
    import dataclasses

    import torch

    from zhie.standoff import join_texts
    from zhie.tagger import read_meta

    from .domain import doc_to_trigger_examples
    from .examples import read_jsonl
    from .heads import fit_head
    from .trainer import HEAD_LABELS, build_from_model, save_model, set_seed

    if args.head != "trigger":
        print("zhie train fit-head: only the trigger head is fitted this way", file=sys.stderr)
        return 2
    if args.threads:
        torch.set_num_threads(args.threads)
    set_seed(args.seed)
    state = build_from_model(Path(args.model), add_heads=(args.head,))
    meta = read_meta(Path(args.model))
    docs = []
    for path in [args.train, *(args.extra_train or [])]:
        docs += join_texts(read_jsonl(Path(path)), args.texts)
    max_len = int(meta.get("max_len", 128)) - 2
    examples = [ex for d in docs for ex in doc_to_trigger_examples(d, max_len)]
    if not examples:
        print("zhie train fit-head: no document annotated for events", file=sys.stderr)
        return 2
    t0 = time.time()
    fit = fit_head(state.net, state.vocab, examples, args.head, HEAD_LABELS[args.head], epochs=args.epochs,
                   lr=args.lr, outside_weight=args.outside_weight, seed=args.seed)
    record = dict(dataclasses.asdict(fit), stage="fit-head", seconds=round(time.time() - t0, 1),
                  data=[str(p) for p in [args.train, *(args.extra_train or [])]])
    state.history.append(record)
    meta = dict(meta, version=args.version or meta.get("version"))
    meta.setdefault("training", {})["history"] = state.history
    meta.setdefault("linker", {}).update({"trigger_policy": args.policy, "trigger_threshold": args.threshold})
    save_model(state, Path(args.out), meta)
    print(json.dumps(record, ensure_ascii=False))
    return 0


def cmd_inews_texts(args: argparse.Namespace) -> int:
    """The ``--texts`` file of the iNews zone articles (training/inews.py)."""
    from .inews import write_texts
    try:
        n = write_texts(Path(args.folder), Path(args.out))
    except FileNotFoundError as exc:
        print(f"inews-texts: {exc}", file=sys.stderr)
        return 2
    print(f"inews-texts: {n} zone articles -> {args.out}")
    return 0


def _corpus_file(path: str | None, name: str, flag: str) -> str | None:
    """A corpus file given as itself or as the folder that holds `name` (as --cluener/--msra take folders)."""
    if path is None:
        return None
    p = Path(path)
    if p.is_dir():
        p = p / name
    if not p.is_file():
        raise SystemExit(f"{flag}: no such file: {p}")
    return str(p)


def cmd_public_eval(args: argparse.Namespace) -> int:
    from zhie.model import load_model
    from zhie.tagger.transformer import TransformerTagger

    from .public_eval import evaluate_public
    cluener = _corpus_file(args.cluener_dev, "dev.json", "--cluener-dev")
    msra = _corpus_file(args.msra_test, "test.bio", "--msra-test")
    tagger = TransformerTagger.load(Path(args.model), load_model(Path(args.model)).tagger_meta())
    res = evaluate_public(tagger, cluener, msra, args.limit)
    print(json.dumps(res, ensure_ascii=False, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("data", help="split annotated documents into train/dev article files")
    p.add_argument("--inputs", nargs="+", default=[str(ANN / "gold"), str(ANN / "written" / "written.jsonl")])
    p.add_argument("--splits", default=str(ANN / "splits.json"))
    p.add_argument("--out", default=str(ANN))
    p.set_defaults(func=cmd_data)

    p = sub.add_parser("train", help="train a tagger")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--encoder", help="pretrained Hugging Face encoder folder (local path)")
    src.add_argument("--init", help="existing zhie model folder to fine-tune")
    p.add_argument("--cluener", help="CLUENER2020 folder (train.json) for the auxiliary head")
    p.add_argument("--msra", help="MSRA NER folder (train.bio) for the auxiliary head")
    p.add_argument("--cluener-limit", type=int, default=None)
    p.add_argument("--msra-limit", type=int, default=12000)
    p.add_argument("--train", default=str(ANN / "train.jsonl"), help="domain training articles")
    p.add_argument("--extra-train", nargs="*", help="more domain article files (e.g. reviewed documents)")
    p.add_argument("--dev", default=str(ANN / "dev.jsonl"), help="domain dev articles (never trained on)")
    p.add_argument("--texts", nargs="+",
                   help="JSON Lines of {id, text} that standoff article files (no text, e.g. "
                        "annotations/zone-news/train.jsonl) are joined to: ../shared/data/zone-news/zone-news.jsonl "
                        "(several files: --texts A B)")
    p.add_argument("--cluener-dev", help="CLUENER dev.json to report")
    p.add_argument("--msra-test", help="MSRA test.bio to report")
    p.add_argument("--public-eval-limit", type=int, default=None)
    p.add_argument("--subst", type=int, default=6, help="entity-substitution copies per annotated window")
    p.add_argument("--templates", type=int, default=6000, help="template sentences")
    p.add_argument("--gold-repeat", type=int, default=3, help="times each annotated window is repeated")
    p.add_argument("--config", choices=["default", "tiny"], default="default")
    p.add_argument("--out", required=True)
    p.add_argument("--name", default=None, help="model name (default: zhie-ner-small; --from-store: the parent's)")
    p.add_argument("--version", default=None,
                   help="model version (default: 0.1.0; --from-store: the parent's, last number bumped)")
    p.add_argument("--from-store", action="store_true",
                   help="fine-tune --init (default: the service's model) on the store's reviewed documents and "
                        "keep it only if dev core micro-F1 is not worse (training/from_store.py)")
    p.add_argument("--store", help="annotation store for --from-store (default: $ZHIE_STORE_URL or "
                                   "./zhie-store.sqlite)")
    from .from_store import DEFAULT_REPEAT, DEFAULT_VALIDATION_SHARE
    p.add_argument("--store-repeat", type=int, default=DEFAULT_REPEAT,
                   help=f"--from-store: times the reviewed documents are added to the training data "
                        f"(default {DEFAULT_REPEAT})")
    p.add_argument("--validation-share", type=float, default=DEFAULT_VALIDATION_SHARE,
                   help="--from-store: share of the reviewed documents set aside for early stopping (default "
                        f"{DEFAULT_VALIDATION_SHARE}; 0: train on all of them for --steps)")
    p.add_argument("--no-replay", action="store_true",
                   help="--from-store: do not replay the parent's extra training files named in its card")
    p.add_argument("--keep-scorer", action="store_true",
                   help="keep the parent's (--init) argument scorer instead of refitting it on the training articles")
    from .trainer import TrainConfig
    for f in fields(TrainConfig):
        p.add_argument(f"--{f.name.replace('_', '-')}", dest=f.name, type=type(f.default), default=None)
    p.add_argument("--steps", dest="domain_steps", type=int, default=None, help="same as --domain-steps")
    p.add_argument("--validate", help="gold articles never trained on: check core micro-F1 on them every "
                                      "--validate-every domain steps, stop after --patience checks without a gain "
                                      "and keep the best checked weights (--from-store: a slice of the corrections)")
    p.add_argument("--validate-every", type=int, default=50)
    p.add_argument("--patience", type=int, default=3)
    p.add_argument("--keep-layers", help="--init: keep these encoder layers (0-based, comma-separated, e.g. 0,2,4 "
                                         "for a 3-layer student of a 6-layer model)")
    p.add_argument("--teacher", help="distil from this model folder (training/distill.py): every batch also learns "
                                     "its tag distributions")
    p.add_argument("--unlabelled", nargs="*", default=[],
                   help="--teacher: raw text for the distillation term alone, JSON Lines of {id, text} or "
                        "{title, content} (e.g. ../shared/data/inews/train.jsonl, the zone-news texts)")
    p.add_argument("--unlabelled-exclude", nargs="*", default=[str(ANN / "zone-news" / "test.jsonl"),
                                                               str(ANN / "zone-news" / "heldout.jsonl")],
                   help="gold files whose documents never enter the unlabelled text (default: the sealed test and "
                        "the zone-news held-out part; --dev's are always left out)")
    p.add_argument("--unlabelled-all", action="store_true",
                   help="keep every unlabelled article (default: only those with a zone or investment word)")
    p.add_argument("--unlabelled-chars", type=int, default=None, help="stop reading unlabelled text after this many characters")
    p.add_argument("--distill-mix", type=float, default=0.3, help="share of domain-stage batches of unlabelled windows")
    p.add_argument("--distill-temperature", type=float, default=2.0)
    p.add_argument("--distill-alpha", type=float, default=0.5, help="share of the gold loss in labelled batches")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("fit-head", help="fit one head (trigger) of a model on its frozen encoder")
    p.add_argument("--model", required=True, help="the model folder to start from")
    p.add_argument("--head", default="trigger")
    p.add_argument("--train", default=str(ANN / "train.jsonl"))
    p.add_argument("--extra-train", nargs="*")
    p.add_argument("--texts", nargs="+", help="JSON Lines of {id, text} for standoff article files (several: --texts A B)")
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--outside-weight", type=float, default=0.3, help="loss weight of the O tag")
    p.add_argument("--policy", default="union", help="the linker's trigger policy written into meta.json")
    p.add_argument("--threshold", type=float, default=0.5, help="the linker's trigger threshold (meta.json)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--version", help="version of the saved model (default: the input's)")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_fit_head)

    p = sub.add_parser("inews-texts", help="the text file (--texts) of the iNews zone articles that "
                                           "annotations/inews/ annotates, built from the iNews folder")
    p.add_argument("folder", help="the iNews folder (../shared/data/inews)")
    p.add_argument("out", help="JSON Lines of {id, text, meta} to write (outside the repository)")
    p.set_defaults(func=cmd_inews_texts)

    p = sub.add_parser("public-eval", help="CLUENER dev / MSRA test scores of a model's auxiliary heads")
    p.add_argument("--model", required=True)
    p.add_argument("--cluener-dev", help="CLUENER dev.json, or the folder that holds it")
    p.add_argument("--msra-test", help="MSRA test.bio, or the folder that holds it")
    p.add_argument("--limit", type=int)
    p.set_defaults(func=cmd_public_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0].startswith("--") and argv[0] != "--help":  # `zhie train --from-store …`: train is implied
        argv = ["train"] + argv
    args = build_parser().parse_args(argv)
    args.argv = argv   # recorded in the card as training.command
    return args.func(args)
