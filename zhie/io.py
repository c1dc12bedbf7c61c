"""Reading input documents and writing results: JSON Lines or plain text, with one
error record per bad line so that nothing is lost and the order is kept.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator

from .schema import Document

DEFAULT_MAX_CHARS = 1_000_000


class InputError(ValueError):
    """A document that cannot be processed; ``field`` names the offending field."""

    def __init__(self, kind: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.field = field


def parse_document(obj: Any, max_chars: int = DEFAULT_MAX_CHARS, default_id: str | None = None) -> Document:
    """Validate one input object ``{"id"?, "text", "meta"?: {"date"?}}``."""
    if not isinstance(obj, dict):
        raise InputError("invalid_document", f"expected a JSON object, got {type(obj).__name__}")
    if "text" not in obj:
        raise InputError("missing_field", "field 'text' is required", "text")
    text = obj["text"]
    if not isinstance(text, str):
        raise InputError("invalid_field", f"field 'text' must be a string, got {type(text).__name__}", "text")
    if len(text) > max_chars:
        raise InputError("too_large", f"text has {len(text)} characters, the limit is {max_chars}", "text")
    doc_id = obj.get("id", default_id)
    if isinstance(doc_id, float) and doc_id.is_integer():  # 120.0 is the integer 120 (as in JSON Schema)
        doc_id = int(doc_id)
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, (str, int))):
        raise InputError("invalid_field", "field 'id' must be a string or an integer", "id")
    for name, value in (("text", text), ("id", doc_id)):
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise InputError("invalid_field", f"field '{name}' contains a lone surrogate "
                                 f"(\\u{ord(value[exc.start]):04x}) at position {exc.start}; send valid Unicode",
                                 name) from None
    meta = obj.get("meta")
    meta = {} if meta is None else meta
    if not isinstance(meta, dict):
        raise InputError("invalid_field", "field 'meta' must be an object", "meta")
    date = meta.get("date")
    if date is not None and not _is_iso_date(date):
        raise InputError("invalid_field", "field 'meta.date' must be an ISO date YYYY-MM-DD", "meta.date")
    return Document(text=text, id=str(doc_id) if doc_id is not None else None, meta=meta)


def json_safe(value: Any) -> Any:
    """``value`` if it can be written back as strict JSON (not NaN/Infinity, no lone surrogate), else None."""
    try:
        json.dumps(value, allow_nan=False).encode("utf-8")
    except (ValueError, TypeError):
        return None
    return value


def _is_iso_date(value: Any) -> bool:
    import datetime as dt
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value[:10])
    except ValueError:
        return False
    return len(value) == 10


@dataclass
class InputItem:
    """One input line: a document, or the error that replaces it in the output."""

    line: int
    document: Document | None = None
    error: InputError | None = None
    raw_id: Any = None

    def error_record(self) -> dict[str, Any]:
        assert self.error is not None
        err: dict[str, Any] = {"type": self.error.kind, "message": str(self.error)}
        if self.error.field:
            err["field"] = self.error.field
        return {"id": self.raw_id, "line": self.line, "error": err}


def _item_from_bytes(raw: bytes, line: int, max_chars: int) -> InputItem:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return InputItem(line, error=InputError("invalid_utf8", f"line is not valid UTF-8: {exc}"))
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return InputItem(line, error=InputError("invalid_json", f"line is not valid JSON: {exc.msg.removesuffix(' at')} "
                                                              f"(column {exc.colno})"))
    except ValueError:  # an integer of more digits than Python converts
        return InputItem(line, error=InputError("invalid_json", "line is not valid JSON: a number has more than "
                                                              f"{sys.get_int_max_str_digits()} digits"))
    raw_id = json_safe(obj.get("id")) if isinstance(obj, dict) else None
    try:
        return InputItem(line, document=parse_document(obj, max_chars), raw_id=raw_id)
    except InputError as exc:
        return InputItem(line, error=exc, raw_id=raw_id)


def read_jsonl_items(stream: IO[bytes], max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[InputItem]:
    """Every non-blank line of a binary JSON Lines stream, in order."""
    for n, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        yield _item_from_bytes(raw.rstrip(b"\r\n"), n, max_chars)


def read_text_item(path: Path, max_chars: int = DEFAULT_MAX_CHARS) -> InputItem:
    """A plain .txt file is one document whose id is the file name without suffix."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return InputItem(1, error=InputError("invalid_utf8", f"{path} is not valid UTF-8: {exc}"), raw_id=Path(path).stem)
    try:
        return InputItem(1, document=parse_document({"id": Path(path).stem, "text": text}, max_chars))
    except InputError as exc:
        return InputItem(1, error=exc, raw_id=Path(path).stem)


def iter_input(path: str, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[InputItem]:
    """``-`` is standard input (JSON Lines); ``*.txt`` is one document; anything else JSON Lines."""
    if path == "-":
        yield from read_jsonl_items(sys.stdin.buffer, max_chars)
        return
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"input file not found: {path}")
    if p.suffix.lower() == ".txt":
        yield read_text_item(p, max_chars)
        return
    opener = _gzip_open if p.suffix == ".gz" else open
    with opener(p, "rb") as f:
        yield from read_jsonl_items(f, max_chars)


def _gzip_open(path: Path, mode: str):
    import gzip
    return gzip.open(path, mode)


def dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False)
