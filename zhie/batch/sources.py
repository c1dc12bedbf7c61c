"""Input discovery and reading for batch runs.

An input is a JSON Lines file (optionally ``.gz``), a directory (searched recursively for
``.txt``, ``.jsonl`` and ``.jsonl.gz`` files, hidden entries skipped) or a glob pattern.
Files are taken in the order of their relative names (code-point order, so the same on
every machine); inside a JSON Lines file, non-blank lines in file order; a ``.txt`` file
is one document whose id is its relative name without ``.txt``.

Reading is split in two so that the coordinator never parses JSON: ``iter_raw_items``
yields ``RawItem``s (the undecoded bytes of a line or a file, with the file name and line
number), and a worker turns each into an ``InputItem`` with ``to_input_item`` — the same
validation as ``zhie extract`` (``zhie.io``).  ``scan_sources`` reads everything once to
count documents and compute the input fingerprint that keys a resumable run.
"""
from __future__ import annotations

import glob
import gzip
import hashlib
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..io import DEFAULT_MAX_CHARS, InputError, InputItem, _item_from_bytes, parse_document

DIRECTORY_SUFFIXES = (".txt", ".jsonl", ".jsonl.gz")
_GLOB_CHARS = set("*?[")


class SourceError(ValueError):
    """The input cannot be used at all (missing, empty); a usage error, not a document error."""


@dataclass(frozen=True)
class SourceFile:
    path: Path          # where to read it
    name: str           # relative name used in records, the manifest and for ordering
    kind: str           # "jsonl" | "txt"
    gzipped: bool = False


@dataclass
class RawItem:
    """One input unit before parsing: a JSON line, a whole .txt file, or a read failure."""

    file: str
    line: int
    kind: str                    # "jsonl" | "txt" | "unreadable"
    data: bytes                  # the line or file bytes; for "unreadable" the reason (UTF-8)
    doc_id: str | None = None    # the id given to a .txt document


@dataclass
class InputScan:
    """What one full read of the input found: the files, their documents, a fingerprint."""

    files: list[SourceFile]
    documents: int
    fingerprint: str
    per_file: list[dict] = field(default_factory=list)


def _kind_of(path: Path) -> tuple[str, bool]:
    name = path.name.lower()
    if name.endswith(".txt"):
        return "txt", False
    if name.endswith(".gz"):
        return "jsonl", True
    return "jsonl", False


def _is_hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def discover(spec: str, exclude: Path | None = None) -> list[SourceFile]:
    """The input files named by ``spec`` (file, directory or glob), in processing order.

    Files inside ``exclude`` (the output folder, when it lies inside the input) are skipped.
    """
    p = Path(spec)
    if p.is_file():
        kind, gz = _kind_of(p)
        return [SourceFile(p, p.name, kind, gz)]
    if p.is_dir():
        found = []
        for path in p.rglob("*"):
            rel = path.relative_to(p)
            if _is_hidden(rel) or not path.is_file() or _inside(path, exclude):
                continue
            if path.name.lower().endswith(DIRECTORY_SUFFIXES):
                kind, gz = _kind_of(path)
                found.append(SourceFile(path, rel.as_posix(), kind, gz))
        if not found:
            raise SourceError(f"no .txt, .jsonl or .jsonl.gz files in directory {spec}")
        return sorted(found, key=lambda s: s.name)
    if _GLOB_CHARS & set(spec):
        root = _glob_root(spec)
        found = []
        for match in glob.glob(spec, recursive=True):
            path = Path(match)
            if not path.is_file() or _inside(path, exclude):
                continue
            kind, gz = _kind_of(path)
            try:
                name = path.relative_to(root).as_posix()
            except ValueError:
                name = path.as_posix()
            found.append(SourceFile(path, name, kind, gz))
        if not found:
            raise SourceError(f"no files match {spec}")
        return sorted(found, key=lambda s: s.name)
    raise SourceError(f"input not found: {spec}")


def _glob_root(spec: str) -> Path:
    """The leading part of a glob pattern that has no wildcard (names are relative to it)."""
    parts = Path(spec).parts
    fixed = []
    for part in parts[:-1]:
        if _GLOB_CHARS & set(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _txt_id(name: str) -> str:
    return name[:-4] if name.lower().endswith(".txt") else name


def _read_file(src: SourceFile, digest: "hashlib._Hash | None" = None) -> Iterator[RawItem]:
    """The raw items of one file; a read failure becomes one ``unreadable`` item at its place."""
    line = 0
    try:
        if src.kind == "txt":
            data = src.path.read_bytes()
            if digest is not None:
                digest.update(data)
            yield RawItem(src.name, 1, "txt", data, _txt_id(src.name))
            return
        opener = gzip.open if src.gzipped else open
        with opener(src.path, "rb") as f:
            for line, raw in enumerate(f, 1):
                if digest is not None:
                    digest.update(raw)
                if raw.strip():
                    yield RawItem(src.name, line, "jsonl", raw.rstrip(b"\r\n"))
    except (OSError, EOFError, zlib.error) as exc:
        reason = f"cannot read {src.name} after line {line}: {type(exc).__name__}: {exc}"
        if digest is not None:
            digest.update(reason.encode())
        yield RawItem(src.name, line + 1, "unreadable", reason.encode("utf-8"))


def iter_raw_items(files: list[SourceFile]) -> Iterator[RawItem]:
    """Every raw item of the input, in processing order."""
    for src in files:
        yield from _read_file(src)


def scan_sources(files: list[SourceFile]) -> InputScan:
    """Read the whole input once: count documents and fingerprint names and contents.

    The fingerprint is a SHA-256 over each file's relative name and (decompressed) content,
    so moving the archive elsewhere keeps it and changing any byte changes it.
    """
    total = hashlib.sha256()
    per_file = []
    count = 0
    for src in files:
        digest = hashlib.sha256()
        n = sum(1 for _ in _read_file(src, digest))
        count += n
        per_file.append({"name": src.name, "documents": n, "sha256": digest.hexdigest()})
        total.update(src.name.encode("utf-8") + b"\0" + digest.hexdigest().encode() + b"\n")
    return InputScan(files, count, total.hexdigest(), per_file)


def to_input_item(raw: RawItem, max_chars: int = DEFAULT_MAX_CHARS) -> InputItem:
    """Parse and validate a raw item exactly as ``zhie extract`` does for a line or a file."""
    if raw.kind == "jsonl":
        return _item_from_bytes(raw.data, raw.line, max_chars)
    if raw.kind == "txt":
        try:
            text = raw.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return InputItem(1, error=InputError("invalid_utf8", f"{raw.file} is not valid UTF-8: {exc}"),
                             raw_id=raw.doc_id)
        try:
            return InputItem(1, document=parse_document({"id": raw.doc_id, "text": text}, max_chars))
        except InputError as exc:
            return InputItem(1, error=exc, raw_id=raw.doc_id)
    return InputItem(raw.line, error=InputError("unreadable_file", raw.data.decode("utf-8", "replace")))

