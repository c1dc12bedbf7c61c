"""The ``zhie`` command line: extract, batch, evaluate, info, model, train, serve, store."""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shlex
import sys
from pathlib import Path

from .settings import SettingsError, ZhieSettings, env_name
from .tagger.base import PRECISIONS, RUNTIMES

EXIT_OK, EXIT_DOC_ERRORS, EXIT_USAGE = 0, 1, 2


def _add_model(p: argparse.ArgumentParser, precision: bool = True) -> None:
    p.add_argument("--model", help="model folder (default: $ZHIE_MODEL or the shipped models/zhie-ner-small)")
    if precision:
        p.add_argument("--precision", choices=PRECISIONS, type=str.lower,
                       help="inference precision (default: $ZHIE_PRECISION, else auto: fp32 on the onnx runtime; "
                            "bf16 on torch where the CPU has native bf16)")
        p.add_argument("--runtime", choices=RUNTIMES, type=str.lower,
                       help="tagger runtime (default: $ZHIE_RUNTIME, else auto: onnx for fp32/int8, torch for bf16); "
                            "torch-padded is 0.3.0's padded batching (see README)")


def _load_pipeline(args: argparse.Namespace):
    """The pipeline of --model/--precision, or None after a one-line message (exit code 2)."""
    from .pipeline import Pipeline
    try:
        settings = ZhieSettings()
        return Pipeline.load(args.model or settings.model_path,
                             **settings.tagger_options(args.precision, getattr(args, "runtime", None)))
    except (FileNotFoundError, ValueError) as exc:
        print(f"zhie {args.command}: {exc}", file=sys.stderr)
        return None


def cmd_extract(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .io import dumps, iter_input
    from .runner import run_items

    try:
        items = list(iter_input(args.input, args.max_chars))
    except FileNotFoundError as exc:
        print(f"zhie extract: {exc}", file=sys.stderr)
        return EXIT_USAGE
    pipeline = _load_pipeline(args)
    if pipeline is None:
        return EXIT_USAGE
    out = sys.stdout if args.output in (None, "-") else open(args.output, "w", encoding="utf-8")
    errors = 0
    show = sys.stderr.isatty() and not args.quiet
    pairs = []
    try:
        with tqdm(total=len(items), unit="doc", disable=not show, file=sys.stderr) as bar:
            for item, record in run_items(pipeline, items, batch_docs=args.batch):
                errors += "error" in record
                out.write(dumps(record) + "\n")
                if item.document is not None and "error" not in record and (args.docbin or args.html):
                    pairs.append((item.document.text, record))
                if args.explain and item.document is not None and "error" not in record:
                    _explain(pipeline, item.document.text, record, bar)
                bar.update(1)
    finally:
        if out is not sys.stdout:
            out.close()
    if args.docbin or args.html:
        from .spacy_doc import render_html, write_docbin
        if args.docbin:
            write_docbin(pairs, Path(args.docbin))
        if args.html:
            Path(args.html).write_text(render_html(pairs), encoding="utf-8")
    if errors:
        print(f"zhie extract: {errors} of {len(items)} documents failed (error records written)", file=sys.stderr)
    return EXIT_DOC_ERRORS if errors else EXIT_OK


def _explain(pipeline, text: str, record: dict, bar) -> None:
    """``--explain``: the trigger words of every sentence, kept or dropped and why (stderr)."""
    from .linking.explain import explain_document, format_explanation

    finder = getattr(pipeline.linker, "event_finder", None)
    sentences = explain_document({"text": text, "entities": record["entities"]}, finder)
    bar.write(format_explanation(str(record.get("id")), sentences), file=sys.stderr)


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import BatchError, BatchOptions, run_batch

    settings = ZhieSettings(runtime=getattr(args, "runtime", None))
    if settings.runtime:   # the workers build their settings from this environment at start-up
        os.environ[env_name("runtime")] = settings.runtime
    opts = BatchOptions(input=args.input, output=args.output, model=args.model or settings.model_path,
                        workers=args.workers, shard_size=args.shard_size, engine=args.engine,
                        ray_address=args.ray_address or settings.ray_address, runtime=settings.runtime,
                        restart=args.restart, batch_docs=args.batch, max_chars=args.max_chars,
                        progress=not args.quiet, progress_every=args.progress_every,
                        precision=args.precision or settings.precision)
    try:
        summary = run_batch(opts)
    except BatchError as exc:
        print(f"zhie batch: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("zhie batch: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    run = summary["run"]
    print(f"zhie batch: {summary['documents']} documents in {summary['shards']} shards "
          f"({run['documents']} processed now, {run['resumed_documents']} resumed), {summary['errors']} errors, "
          f"{summary['time_s']:.1f} s, {summary['docs_per_s']} docs/s overall -> {args.output}", file=sys.stderr)
    return EXIT_DOC_ERRORS if summary["errors"] else EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate
    from .standoff import StandoffError, join_texts

    def load(path: str) -> list[dict]:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    if args.record and args.pred:
        print("zhie evaluate: --record needs the model to run (give no PRED file)", file=sys.stderr)
        return EXIT_USAGE
    if args.record and not re.fullmatch(r"[a-z][a-z0-9_]*", args.record):
        print(f"zhie evaluate: --record takes a name such as dev or sealed_test, not {args.record!r}", file=sys.stderr)
        return EXIT_USAGE
    try:
        gold = join_texts(load(args.gold), args.texts)
    except (OSError, StandoffError) as exc:
        print(f"zhie evaluate: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.pred:
        pred = load(args.pred)
    else:
        from .schema import Document
        pipeline = _load_pipeline(args)
        if pipeline is None:
            return EXIT_USAGE
        pred = [r.to_dict() for r in pipeline.pipe(Document(g["text"], g.get("id"), g.get("meta") or {}) for g in gold)]
    report = evaluate(gold, pred)
    if args.record:
        _record_metrics(pipeline, args.gold, report, args.record, args.texts)
    if args.json:
        data = report.to_dict()
        if args.errors:
            data["normalisation_errors"] = report.norm_errors
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(report.to_table())
        if args.errors:
            for e in report.norm_errors:
                print("norm error:", json.dumps(e, ensure_ascii=False))
    return EXIT_OK


def _record_metrics(pipeline, gold_file: str, report, key: str = "dev", texts: list[str] | None = None) -> None:
    """Write the report into the model's card (meta.json) as ``metrics.<key>`` (``dev`` by default: the
    figures /v1/model serves); the dev figures measured when the model was trained stay in
    ``metrics.dev_at_training``.  The config (pipeline.json) is not touched."""
    import datetime as dt

    from .evaluate import model_metrics
    from .model import load_model
    from .model.card import record_metrics
    from .pipeline import REPO_ROOT
    folder = pipeline.folder if pipeline.folder is not None else load_model(pipeline.tagger.path)
    gold = Path(gold_file).resolve()
    shown = str(gold.relative_to(REPO_ROOT)) if gold.is_relative_to(REPO_ROOT) else str(gold)
    metrics = model_metrics(report, shown, precision=pipeline.tagger.precision, evaluated=dt.date.today().isoformat(),
                            command=shlex.join(["zhie", "evaluate", shown, *(["--texts", *texts] if texts else []),
                                                "--record", *([] if key == "dev" else [key])]))
    path = record_metrics(folder, key, metrics)
    print(f"zhie evaluate: recorded as metrics.{key} in {path}", file=sys.stderr)


def cmd_info(args: argparse.Namespace) -> int:
    from .model import load_model
    from .tagger import model_precision
    settings = ZhieSettings()
    path = Path(args.model) if args.model else settings.model_path
    try:
        folder = load_model(path)
    except (FileNotFoundError, ValueError) as exc:
        print(f"zhie info: {exc}", file=sys.stderr)
        return EXIT_USAGE
    meta = folder.meta()
    info = {"path": str(path), **{k: meta.get(k) for k in ("name", "version", "labels", "metrics", "encoder")}}
    try:
        info["precision"] = model_precision(folder.tagger_meta(), args.precision or settings.precision)   # what `extract` would run at
    except ValueError as exc:
        print(f"zhie info: {exc}", file=sys.stderr)
        return EXIT_USAGE
    info["layout"] = folder.layout
    print(json.dumps(info, ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_model(args: argparse.Namespace) -> int:
    """``zhie model upgrade PATH [--out DIR]``: a 0.2.0-layout folder to the pipeline layout."""
    from .model.folder import ModelFolderError
    from .model.upgrade import upgrade_model
    try:
        folder = upgrade_model(args.path, args.out)
    except (FileNotFoundError, ModelFolderError) as exc:
        print(f"zhie model upgrade: {exc}", file=sys.stderr)
        return EXIT_USAGE
    scorer = folder.config.linker.argument_scorer
    print(f"zhie model upgrade: {folder.config.name} {folder.config.version} in {folder.path} now has "
          f"pipeline.json (config) and meta.json (card)" + (f"; argument scorer {scorer.file}" if scorer else ""),
          file=sys.stderr)
    return EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from training.cli import main as train_main
    return train_main(args.rest)


def cmd_serve(args: argparse.Namespace) -> int:
    from service.serve import serve
    return serve({"host": args.host, "port": args.port, "workers": args.workers, "model": args.model,
                  "config": args.config, "log_level": args.log_level})


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    parser = argparse.ArgumentParser(prog="zhie", description="Chinese development-zone news information extraction")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    parser.add_argument("--version", action="version", version=f"zhie {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract entities, relations and events from documents")
    p.add_argument("input", help="JSON Lines file ({id, text, meta}), .txt file (one document), or - for stdin")
    p.add_argument("-o", "--output", help="output JSON Lines file (default: stdout)")
    p.add_argument("--batch", type=int, default=8, help="documents per batch (default 8)")
    p.add_argument("--max-chars", type=int, default=1_000_000, help="largest document accepted")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--html", help="also write a displaCy page of the entities to this file")
    p.add_argument("--docbin", help="also write the results as a spaCy DocBin (.spacy) file")
    p.add_argument("--explain", action="store_true",
                   help="also print to stderr, per sentence, the trigger words found, kept or dropped and why")
    _add_model(p)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("batch", help="reprocess an archive in parallel into resumable JSONL shards")
    p.add_argument("input", help="JSON Lines file (.jsonl or .jsonl.gz), folder of .txt/.jsonl files, or a glob")
    p.add_argument("-o", "--output", required=True, help="output folder (part-NNNNN.jsonl shards, summary.json)")
    p.add_argument("--workers", type=int, help="worker processes / Ray actors (default: number of cores)")
    p.add_argument("--shard-size", type=int, default=500, help="documents per output shard (default 500)")
    p.add_argument("--engine", choices=["local", "ray"], default="local", help="local processes (default) or Ray Data")
    p.add_argument("--ray-address", help="Ray cluster to use with --engine ray (default: $RAY_ADDRESS, else local)")
    p.add_argument("--restart", action="store_true", help="discard a previous run in the output folder")
    p.add_argument("--batch", type=int, default=8, help="documents per model batch (default 8)")
    p.add_argument("--max-chars", type=int, default=1_000_000, help="largest document accepted")
    p.add_argument("--progress-every", type=float, default=10.0,
                   help="seconds between progress lines when stderr is not a terminal (default 10)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    _add_model(p)
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("evaluate", help="score predictions (or the model) against gold annotations")
    p.add_argument("gold", help="gold JSON Lines (documents with entities/relations/events)")
    p.add_argument("pred", nargs="?", help="predictions JSON Lines; if absent the model is run on the gold texts")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--errors", action="store_true", help="also list normalisation errors")
    p.add_argument("--record", nargs="?", const="dev", default=None, metavar="NAME",
                   help="write the figures into the model's card (meta.json) as metrics.NAME (default dev: what "
                        "`zhie info` and /v1/model show; e.g. --record sealed_test)")
    p.add_argument("--texts", metavar="PATH", nargs="+",
                   help="JSON Lines of {id, text} to join standoff gold to (gold files without text, such as "
                        "annotations/zone-news/*.jsonl with ../shared/data/zone-news/zone-news.jsonl; several "
                        "files: --texts A B)")
    _add_model(p)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("info", help="show the model's name, version, labels and metrics")
    _add_model(p)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("model", help="model folder tools (upgrade a 0.2.0-layout folder)")
    model_sub = p.add_subparsers(dest="model_command", required=True)
    q = model_sub.add_parser("upgrade", help="write pipeline.json and the card meta.json from a 0.2.0 meta.json")
    q.add_argument("path", help="the model folder")
    q.add_argument("--out", help="write the upgraded model to this new folder instead of in place")
    q.set_defaults(func=cmd_model)

    p = sub.add_parser("train", help="train or fine-tune a model (see `zhie train --help`)", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("serve", help="run the REST service (see README, section Service)")
    p.add_argument("--host", help="address to bind (default: $ZHIE_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: $ZHIE_PORT or 8000)")
    p.add_argument("--workers", type=int, help="worker processes, each loading the model once (default: $ZHIE_WORKERS or 1)")
    p.add_argument("--config", help="settings file, TOML or JSON (default: $ZHIE_CONFIG)")
    p.add_argument("--log-level", choices=["critical", "error", "warning", "info", "debug"], help="default: info")
    _add_model(p, precision=False)   # the service reads $ZHIE_PRECISION
    p.set_defaults(func=cmd_serve)

    from .store.cli import register as register_store
    register_store(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["train"]:  # argparse's REMAINDER refuses a first word like --from-store: hand over directly
        from training.cli import main as train_main
        return train_main(argv[1:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return args.func(args)
    except SettingsError as exc:   # a setting of the environment or the config file that does not fit
        print(f"zhie {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
