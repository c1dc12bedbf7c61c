"""Standoff gold: annotations kept without their text, joined back to it by document id.

Text from elsewhere (the zone-news web excerpts) never enters the repository; its gold
files hold ``{"id", "sha1", "meta", "entities", "relations", "events"}`` with offsets
only (GUIDELINES §10.4).  ``join_texts`` puts the text back from JSON Lines files of
``{"id", "text"}`` given by explicit path (one, or several: ``--texts A B``), checks the SHA-1 of every joined text, and
fills in the ``text`` of every entity, trigger and argument from the offsets.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable, Sequence, Union

# one text file or several (``--texts A B``: zone-news and the iNews zone articles)
Texts = Union[str, Path, Sequence[Union[str, Path]], None]


class StandoffError(ValueError):
    """A standoff record that cannot be joined to its text."""


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def is_standoff(record: dict[str, Any]) -> bool:
    return "text" not in record and "sha1" in record


def text_files(texts: Texts) -> list[Path]:
    """The text files of a ``--texts`` value: none, one path, or a list of paths."""
    if texts is None:
        return []
    if isinstance(texts, (str, Path)):
        return [Path(texts)]
    return [Path(t) for t in texts]


def read_texts(texts: Texts) -> dict[str, dict[str, Any]]:
    """``{id: document}`` of one or several JSON Lines files of documents (an id given two different
    texts is an error)."""
    docs: dict[str, dict[str, Any]] = {}
    for path in text_files(texts):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    doc = json.loads(line)
                    did = str(doc["id"])
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    raise StandoffError(f"{path}, line {n}: not a document with an id ({exc})") from None
                if did in docs and docs[did].get("text") != doc.get("text"):
                    raise StandoffError(f"{path}, line {n}: document {did!r} has another text in an earlier file")
                docs[did] = doc
    return docs


def _fill(item: dict[str, Any], text: str, where: str) -> None:
    start, end = item.get("start"), item.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise StandoffError(f"{where}: offsets [{start}, {end}) outside a text of {len(text)} characters")
    surface = text[start:end]
    if "text" in item and item["text"] != surface:
        raise StandoffError(f"{where}: text {item['text']!r} differs from the joined text {surface!r}")
    item["text"] = surface


def join_record(record: dict[str, Any], docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A copy of one standoff record with its text joined (a record with text is returned as is)."""
    if not is_standoff(record):
        return record
    did = str(record.get("id"))
    if did not in docs:
        raise StandoffError(f"document {did!r}: not in the text file")
    text = docs[did]["text"]
    if text_sha1(text) != record["sha1"]:
        raise StandoffError(f"document {did!r}: the text has changed since it was annotated (SHA-1 differs)")
    out = json.loads(json.dumps(record))
    out["text"] = text
    for e in out.get("entities", []):
        _fill(e, text, f"{did} entity {e.get('id')}")
    for v in out.get("events", []):
        _fill(v["trigger"], text, f"{did} event {v.get('id')} trigger")
        for a in v.get("arguments", []):
            _fill(a, text, f"{did} event {v.get('id')} argument {a.get('role')}")
    return out


def join_texts(records: Iterable[dict[str, Any]], texts: Texts) -> list[dict[str, Any]]:
    """Join every standoff record of ``records`` to its text from the file (or files) ``texts``."""
    records = list(records)
    if not any(is_standoff(r) for r in records):
        return records
    if not text_files(texts):
        raise StandoffError("these annotations are standoff (no text): give the documents' text file "
                            "(--texts PATH, e.g. ../shared/data/zone-news/zone-news.jsonl)")
    docs = read_texts(texts)
    return [join_record(r, docs) for r in records]


def strip_text(record: dict[str, Any]) -> dict[str, Any]:
    """The standoff form of a record with text: offsets, labels and norms only, plus the text's SHA-1."""
    out = json.loads(json.dumps(record))
    text = out.pop("text")
    out["sha1"] = text_sha1(text)
    for e in out.get("entities", []):
        e.pop("text", None)
    for v in out.get("events", []):
        v["trigger"].pop("text", None)
        for a in v.get("arguments", []):
            a.pop("text", None)
    return out
