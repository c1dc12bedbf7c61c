"""``zhie store …``: fill the annotation store and move it to and from annotation tools.

    zhie store add INPUT.jsonl [--model M] [--no-predict]     # documents in, predicted with the model
    zhie store export --format labelstudio|doccano|train -o FILE [--reviewed-only | --all]
    zhie store import --format labelstudio|doccano|train FILE [--author NAME] [--unreviewed] [--users USERS.json]
    zhie store queue [--limit 20]                             # the review queue, most uncertain first
    zhie store stats
    zhie store labelstudio-config                             # the Label Studio labelling interface

Every command takes ``--store URL`` (a SQLite file path or a SQLAlchemy URL; default
``$ZHIE_STORE_URL``, else ``./zhie-store.sqlite``).
"""
from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _open(args: argparse.Namespace):  # noqa: ANN202
    from .store import Store
    from ..settings import ZhieSettings
    return Store(args.store or ZhieSettings().store_url)


def cmd_add(args: argparse.Namespace) -> int:
    from ..io import iter_input
    from .store import DuplicateDocument
    from .validate import FieldError, check_id_number

    try:
        items = list(iter_input(args.input, args.max_chars))
    except FileNotFoundError as exc:
        print(f"zhie store add: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for it in items:  # the service's door (zhie.store.validate); the Store checks the rest
        try:
            if it.document is not None:
                check_id_number(it.raw_id)
        except FieldError as exc:
            it.error, it.document = exc, None
    good = [it for it in items if it.document is not None]
    failed = [f"line {it.line}: {it.error}" for it in items if it.error is not None]
    predictions = [None] * len(good)
    if not args.no_predict and good:
        from ..pipeline import Pipeline
        from ..settings import ZhieSettings
        settings = ZhieSettings()
        pipeline = Pipeline.load(args.model or settings.model_path, **settings.tagger_options())
        predictions = list(pipeline.pipe([it.document for it in good], batch_docs=args.batch))
    store = _open(args)
    added = 0
    for item, prediction in zip(good, predictions):
        try:
            store.add_document(item.document, prediction, added_by=args.author)
            added += 1
        except (DuplicateDocument, ValueError) as exc:
            failed.append(f"line {item.line}: {exc}")
    for message in failed:
        print(f"zhie store add: {message}", file=sys.stderr)
    print(f"zhie store add: {added} documents added to {store.display_url}, {len(failed)} failed", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from .store import StoreError
    from .transfer import export_file
    reviewed_only = True if args.reviewed_only else (False if args.all else None)
    store = _open(args)
    try:
        report = export_file(store, args.format, args.output, reviewed_only)
    except OSError as exc:
        print(f"zhie store export: cannot write {args.output}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (SQLAlchemyError, StoreError) as exc:  # the store failed midway; the output file was not touched
        print(f"zhie store export: the export stopped ({type(exc).__name__}: {exc}); {args.output} was left as it "
              "was", file=sys.stderr)
        return EXIT_FAILED
    for message in report.skipped:
        print(f"zhie store export: skipped {message}", file=sys.stderr)
    for message in report.failed:
        print(f"zhie store export: {message}", file=sys.stderr)
    print(f"zhie store export: {report.written} documents from {store.display_url} -> {args.output} ({args.format})"
          f", {len(report.skipped)} skipped, {len(report.failed)} failed", file=sys.stderr)
    return EXIT_FAILED if report.failed else EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .labelstudio import read_users
    from .regions import FormatError
    from .transfer import import_file
    store = _open(args)
    try:
        users = read_users(args.users) if args.users else None
        report = import_file(store, args.format, args.input, author=args.author or f"import:{args.format}",
                             reviewed=not args.unreviewed, users=users)
    except (OSError, FormatError) as exc:
        print(f"zhie store import: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for message in report.skipped:
        print(f"zhie store import: skipped {message}", file=sys.stderr)
    for message in report.notes:
        print(f"zhie store import: note: {message}", file=sys.stderr)
    for message in report.failed:
        print(f"zhie store import: {message}", file=sys.stderr)
    print(f"zhie store import: {report.imported} documents imported into {store.display_url} ({report.created} new), "
          f"{len(report.skipped)} skipped (nothing to import), {len(report.failed)} failed", file=sys.stderr)
    return EXIT_FAILED if report.failed else EXIT_OK


def cmd_queue(args: argparse.Namespace) -> int:
    for item in _open(args).queue(args.limit):
        print(json.dumps(item.to_dict(), ensure_ascii=False))
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    store = _open(args)
    print(json.dumps({"store": store.display_url, **store.stats().to_dict()}, ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_labelstudio_config(args: argparse.Namespace) -> int:
    from .labelstudio import labeling_config
    sys.stdout.write(labeling_config())
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``zhie store`` and its subcommands to the ``zhie`` parser."""
    from .transfer import FORMATS

    store = sub.add_parser("store", help="the annotation store: add documents, export/import annotations",
                           description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = store.add_subparsers(dest="store_command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--store", help="SQLite file or SQLAlchemy URL (default: $ZHIE_STORE_URL or ./zhie-store.sqlite)")

    p = commands.add_parser("add", help="add documents (JSON Lines or .txt), predicted with the model")
    p.add_argument("input", help="JSON Lines file of {id, text, meta}, a .txt file, or - for stdin")
    p.add_argument("--model", help="model folder (default: $ZHIE_MODEL or the shipped model)")
    p.add_argument("--no-predict", action="store_true", help="store the documents without a prediction")
    p.add_argument("--author", default="cli", help="recorded as who added the documents")
    p.add_argument("--batch", type=int, default=8, help="documents per model batch")
    p.add_argument("--max-chars", type=int, default=1_000_000, help="largest document accepted")
    common(p)
    p.set_defaults(func=cmd_add)

    p = commands.add_parser("export", help="write the store's documents in an annotation tool's format")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("-o", "--output", required=True, help="output file")
    only = p.add_mutually_exclusive_group()
    only.add_argument("--reviewed-only", action="store_true", help="only reviewed documents (default for train)")
    only.add_argument("--all", action="store_true", help="every document (default for labelstudio and doccano)")
    common(p)
    p.set_defaults(func=cmd_export)

    p = commands.add_parser("import", help="read annotations from an annotation tool's export")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("input", help="the file to import")
    p.add_argument("--author", help="recorded as the annotator when the file names none (default: import:<format>)")
    p.add_argument("--unreviewed", action="store_true", help="import human annotations as unreviewed drafts")
    p.add_argument("--users", help="Label Studio's user list (the JSON of GET /api/users) to name the annotators "
                                   "of completed_by numbers (default: labelstudio:user-<n>)")
    common(p)
    p.set_defaults(func=cmd_import)

    p = commands.add_parser("queue", help="unreviewed documents, most uncertain first (JSON Lines)")
    p.add_argument("--limit", type=int, default=20)
    common(p)
    p.set_defaults(func=cmd_queue)

    p = commands.add_parser("stats", help="documents, reviewed documents, versions")
    common(p)
    p.set_defaults(func=cmd_stats)

    p = commands.add_parser("labelstudio-config", help="print a Label Studio labelling interface for exported tasks")
    p.set_defaults(func=cmd_labelstudio_config)
