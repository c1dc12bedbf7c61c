"""Latency and held-out accuracy of the DATE and AMOUNT normalisers (a benchmark, not a test).

    python benchmarks/normalize_bench.py                       # p50/p99 per expression
    python benchmarks/normalize_bench.py --heldout PATH.tsv    # + accuracy on a held-out TSV

Latency: every expression of the normaliser test tables (tests/test_normalize_classes.py,
tests/test_normalize_amount.py, tests/test_normalize_date.py) is normalised ``--warmup``
times first (jionlp is imported, regexes compiled), then ``--rounds`` times each, timing
every call; p50/p99 are over all timed calls (target p99 <= 1 ms).  The normalisers keep no
cache, so repeated calls cost what a first call after warm-up costs.

Held-out TSV: a header line naming the columns ``kind``, ``text``, ``doc_date``,
``expected`` and optionally ``note``, tab-separated, in any order.  ``kind`` is DATE or
AMOUNT; ``doc_date`` is YYYY-MM-DD or empty.  ``expected`` is for DATE the norm string or
``null``; for AMOUNT ``value|unit|approx`` (``3000000.0|CNY|false``; value or unit may be
``null``, as in ``null|CNY|true`` for 数亿元) or ``null``.  An AMOUNT is right when the value
matches to 1e-6 relative, the unit is equal and approx is equal; a bare ``null`` means the
normaliser must return no value.  A malformed line stops the script with its line number.
"""
from __future__ import annotations

import argparse
import importlib.util
import math
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhie.normalize import AmountNorm, normalize_amount, normalize_date  # noqa: E402

REL_TOL = 1e-6


# ---------------------------------------------------------------- expressions of the test tables

def _load_test_module(name: str):
    path = ROOT / "tests" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ImportError as error:  # pytest/hypothesis missing: the test extra is not installed
        raise SystemExit(f"cannot import {path} ({error}); install the test extra: pip install -e '.[test]'")
    return module


def _row_values(row) -> tuple:
    """A table row as a tuple: plain tuples, bare strings, or pytest.param(...)."""
    values = getattr(row, "values", row)  # pytest.param -> ParameterSet(values, marks, id)
    return values if isinstance(values, tuple) else (values,)


def table_expressions() -> list[tuple[str, str, str | None]]:
    """(kind, text, doc_date) for every row of the normaliser test tables, duplicates removed."""
    classes = _load_test_module("test_normalize_classes")
    amount = _load_test_module("test_normalize_amount")
    date = _load_test_module("test_normalize_date")
    tables = {
        "AMOUNT": [*classes.CLASS_TABLES["AMOUNT"], amount.CASES, amount.UNKNOWN_CASES],
        "DATE": [*classes.CLASS_TABLES["DATE"], date.CASES, date.UNRESOLVABLE],
    }
    seen: set[tuple[str, str, str | None]] = set()
    out: list[tuple[str, str, str | None]] = []
    for kind, kind_tables in tables.items():
        for table in kind_tables:
            for row in table:
                values = _row_values(row)
                text = values[0]
                doc_date = values[1] if kind == "DATE" and len(values) > 1 else None
                key = (kind, text, doc_date)
                if key not in seen:
                    seen.add(key)
                    out.append(key)
    return out


def _call(kind: str, text: str, doc_date: str | None):
    return normalize_amount(text) if kind == "AMOUNT" else normalize_date(text, doc_date)


def _percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def latency(expressions: list[tuple[str, str, str | None]], warmup: int, rounds: int, slowest: int) -> float:
    for _ in range(warmup):
        for kind, text, doc_date in expressions:
            _call(kind, text, doc_date)
    samples: dict[str, list[float]] = {"AMOUNT": [], "DATE": []}
    per_expression: dict[tuple[str, str, str | None], float] = {}
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for expression in expressions:
            kind, text, doc_date = expression
            start = clock()
            _call(kind, text, doc_date)
            elapsed = (clock() - start) / 1e6  # ms
            samples[kind].append(elapsed)
            per_expression[expression] = max(per_expression.get(expression, 0.0), elapsed)
    everything = sorted(samples["AMOUNT"] + samples["DATE"])
    print(f"latency over {len(expressions)} expressions of the test tables, {warmup} warm-up + {rounds} timed "
          f"rounds ({len(everything)} calls), ms per expression:")
    for name, values in (("all", everything), ("AMOUNT", sorted(samples["AMOUNT"])),
                         ("DATE", sorted(samples["DATE"]))):
        if values:
            print(f"  {name:<7} n={len(values):<6} p50={_percentile(values, 50):.4f}  "
                  f"p99={_percentile(values, 99):.4f}  mean={statistics.fmean(values):.4f}  max={values[-1]:.4f}")
    p99 = _percentile(everything, 99)
    print(f"  target p99 <= 1 ms: {'met' if p99 <= 1.0 else 'NOT met'} (p99 = {p99:.4f} ms)")
    if slowest:
        print(f"  slowest {slowest} expressions (worst call):")
        for (kind, text, doc_date), worst in sorted(per_expression.items(), key=lambda item: -item[1])[:slowest]:
            print(f"    {worst:8.4f} ms  {kind:<6} {text!r} doc={doc_date}")
    return p99


# ---------------------------------------------------------------- held-out TSV

REQUIRED = ("kind", "text", "doc_date", "expected")


class HeldoutError(Exception):
    pass


@dataclass(frozen=True)
class Row:
    line: int
    kind: str
    text: str
    doc_date: str | None
    expected: object   # DATE: str | None; AMOUNT: AmountNorm, or None for a bare null
    note: str


def _parse_bool(text: str, line: int) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise HeldoutError(f"line {line}: approx must be true or false, got {text!r}")


def _parse_amount_expected(text: str, line: int) -> AmountNorm | None:
    if text.strip().lower() == "null":
        return None
    parts = text.split("|")
    if len(parts) != 3:
        raise HeldoutError(f"line {line}: AMOUNT expected must be 'value|unit|approx' or 'null', got {text!r}")
    value_text, unit_text, approx_text = (part.strip() for part in parts)
    if value_text.lower() in ("", "null", "none"):
        value = None
    else:
        try:
            value = float(value_text)
        except ValueError:
            raise HeldoutError(f"line {line}: AMOUNT value is not a number: {value_text!r}") from None
        if not math.isfinite(value):
            raise HeldoutError(f"line {line}: AMOUNT value is not finite: {value_text!r}")
    unit = None if unit_text.lower() in ("", "null", "none") else unit_text
    return AmountNorm(value, unit, _parse_bool(approx_text, line))


def read_heldout(path: Path) -> list[Row]:
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise HeldoutError(f"cannot read {path}: {error}") from None
    except UnicodeDecodeError as error:
        raise HeldoutError(f"{path} is not UTF-8: {error}") from None
    lines = raw.split("\n")
    header_line = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_line is None:
        raise HeldoutError(f"{path} is empty (a header line is required)")
    header = [name.strip().lower() for name in lines[header_line].rstrip("\r").split("\t")]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise HeldoutError(f"line {header_line + 1}: header lacks column(s) {', '.join(missing)} "
                           f"(got {header}); expected tab-separated kind, text, doc_date, expected[, note]")
    column = {name: header.index(name) for name in header}
    rows: list[Row] = []
    errors: list[str] = []
    for index in range(header_line + 1, len(lines)):
        line_no = index + 1
        line = lines[index].rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) > len(header):
            if header[-1] == "note":  # tabs inside a trailing note
                fields = fields[: len(header) - 1] + ["\t".join(fields[len(header) - 1:])]
            else:
                errors.append(f"line {line_no}: {len(fields)} tab-separated fields, the header has {len(header)}")
                continue
        fields += [""] * (len(header) - len(fields))
        try:
            kind = fields[column["kind"]].strip().upper()
            text = fields[column["text"]]
            doc_date = fields[column["doc_date"]].strip() or None
            expected_text = fields[column["expected"]].strip()
            note = fields[column["note"]] if "note" in column else ""
            if kind not in ("DATE", "AMOUNT"):
                raise HeldoutError(f"line {line_no}: kind must be DATE or AMOUNT, got {fields[column['kind']]!r}")
            if not text.strip():
                raise HeldoutError(f"line {line_no}: empty text")
            if not expected_text:
                raise HeldoutError(f"line {line_no}: empty expected (write null for no value)")
            if kind == "DATE":
                expected: object = None if expected_text.lower() == "null" else expected_text
            else:
                expected = _parse_amount_expected(expected_text, line_no)
            rows.append(Row(line_no, kind, text, doc_date, expected, note))
        except HeldoutError as error:
            errors.append(str(error))
    if errors:
        shown = "\n  ".join(errors[:20])
        more = f"\n  … and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise HeldoutError(f"{path}: {len(errors)} malformed line(s):\n  {shown}{more}")
    if not rows:
        raise HeldoutError(f"{path}: no data lines after the header")
    return rows


def is_right(row: Row) -> tuple[bool, object]:
    if row.kind == "DATE":
        got = normalize_date(row.text, row.doc_date)
        return got == row.expected, got
    got = normalize_amount(row.text)
    expected = row.expected
    if expected is None:  # bare null: no value
        return got.value is None, got
    assert isinstance(expected, AmountNorm)
    if expected.value is None or got.value is None:
        value_ok = expected.value is None and got.value is None
    else:
        value_ok = math.isclose(got.value, expected.value, rel_tol=REL_TOL, abs_tol=1e-12)
    return value_ok and got.unit == expected.unit and got.approx == expected.approx, got


def score(path: Path, show_errors: int) -> None:
    rows = read_heldout(path)
    totals = {"DATE": [0, 0], "AMOUNT": [0, 0]}
    null_totals = {"DATE": [0, 0], "AMOUNT": [0, 0]}
    wrong: list[tuple[Row, object]] = []
    for row in rows:
        right, got = is_right(row)
        totals[row.kind][0] += right
        totals[row.kind][1] += 1
        if row.expected is None:
            null_totals[row.kind][0] += right
            null_totals[row.kind][1] += 1
        if not right:
            wrong.append((row, got))
    print(f"held-out {path} ({len(rows)} rows):")
    for kind in ("DATE", "AMOUNT"):
        right, total = totals[kind]
        if total:
            null_right, null_total = null_totals[kind]
            print(f"  {kind:<7} accuracy {right}/{total} = {100 * right / total:.1f}%"
                  f"   (expected null: {null_right}/{null_total}; with a value: "
                  f"{right - null_right}/{total - null_total})")
        else:
            print(f"  {kind:<7} no rows")
    for row, got in wrong[:show_errors]:
        print(f"  line {row.line}: {row.kind} {row.text!r} doc={row.doc_date} expected={row.expected!r} got={got!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--heldout", type=Path, help="held-out TSV to score (kind, text, doc_date, expected[, note])")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds over all expressions first")
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds over all expressions")
    parser.add_argument("--slowest", type=int, default=5, help="list the N slowest expressions")
    parser.add_argument("--skip-latency", action="store_true", help="only score --heldout")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N",
                        help="print the first N wrong held-out rows (off by default: keeps the set blind)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.warmup < 0:
        parser.error("--rounds must be >= 1 and --warmup >= 0")
    if not args.skip_latency:
        latency(table_expressions(), args.warmup, args.rounds, args.slowest)
    if args.heldout is not None:
        try:
            score(args.heldout, args.show_errors)
        except HeldoutError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    elif args.skip_latency:
        parser.error("--skip-latency needs --heldout")
    return 0


if __name__ == "__main__":
    sys.exit(main())
