"""Domain data: annotated documents → article documents → train/dev split → window examples.

Annotated documents (the seed gold files and the project's written articles) carry
entities with offsets into their raw text.  They are split into their articles
(``articles`` ranges), each article becomes a document of its own, and the
dev/train split is chosen by article (``annotations/splits.json``).  For the
tagger, an article is cleaned and cut into the same windows the pipeline uses
at inference (zhie.model.WindowConfig: the overlap of a window size), with the gold
placed on the cleaned text by ``zhie.gold.align_gold``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zhie.gold import align_gold
from zhie.model import WindowConfig
from zhie.text import CleanText, plan_windows, split_sentences

from .examples import Example, read_jsonl

IGNORE = "__IGNORE__"  # characters whose gold tag is unknown in this window (an entity cut by its edge)


def load_annotated(paths: list[Path]) -> list[dict[str, Any]]:
    """Read gold documents: *.json (one object) and *.jsonl (one per line), folders expanded."""
    docs: list[dict[str, Any]] = []
    for path in paths:
        path = Path(path)
        files = sorted(path.glob("*.json*")) if path.is_dir() else [path]
        for f in files:
            if f.suffix == ".jsonl":
                docs += list(read_jsonl(f))
            elif f.suffix == ".json":
                docs.append(json.loads(f.read_text(encoding="utf-8")))
    return docs


def split_articles(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One document per article range; offsets shifted, cross-article links dropped."""
    ranges = doc.get("articles") or [{"start": 0, "end": len(doc["text"])}]
    out = []
    for k, art in enumerate(ranges):
        a, b = int(art["start"]), int(art["end"])
        inside = lambda x: a <= x["start"] and x["end"] <= b  # noqa: E731
        ents = [dict(e, start=e["start"] - a, end=e["end"] - a) for e in doc.get("entities", []) if inside(e)]
        ids = {e["id"] for e in ents}
        rels = [r for r in doc.get("relations", []) if r["head"] in ids and r["tail"] in ids]
        events = []
        for v in doc.get("events", []):
            if not inside(v["trigger"]):
                continue
            args = [dict(x, start=x["start"] - a, end=x["end"] - a) for x in v.get("arguments", [])
                    if inside(x) and (not x.get("entity") or x["entity"] in ids)]
            t = v["trigger"]
            events.append(dict(v, trigger=dict(t, start=t["start"] - a, end=t["end"] - a), arguments=args))
        art_id = doc["id"] if len(ranges) == 1 else f"{doc['id']}#{k}"
        out.append({"id": art_id, "source": doc.get("source", doc["id"]), "offset": a,
                    "text": doc["text"][a:b], "meta": doc.get("meta", {}),
                    "entities": ents, "relations": rels, "events": events})
    return out


def split_by_article(articles: list[dict[str, Any]], dev_ids: set[str]) -> tuple[list[dict], list[dict]]:
    train = [d for d in articles if d["id"] not in dev_ids]
    dev = [d for d in articles if d["id"] in dev_ids]
    return train, dev


def _window_examples(doc: dict[str, Any], clean: CleanText, mapped: list[tuple[str, int, int]], max_len: int,
                     head: str) -> list[Example]:
    """Cut a cleaned article into model windows with ``mapped`` (cleaned offsets) placed in each."""
    windows = plan_windows(split_sentences(clean.text), len(clean.text), max_len, WindowConfig(max_len=max_len).overlap)
    out = []
    for w in windows:
        inside = []
        for label, s, e in mapped:
            if s >= w.start and e <= w.end:
                inside.append((label, s - w.start, e - w.start))
            elif s < w.end and e > w.start:
                inside.append((IGNORE, max(s, w.start) - w.start, min(e, w.end) - w.start))
        text = clean.text[w.start:w.end]
        if text.strip():
            out.append(Example(text, inside, f"{doc['id']}@{w.start}", head=head))
    return out


def doc_to_examples(doc: dict[str, Any], max_len: int) -> list[Example]:
    """Cut a cleaned article into model windows with entity spans mapped into each window."""
    gold = align_gold(doc)
    return _window_examples(doc, gold.clean, gold.entity_spans(), max_len, "domain")


def doc_to_trigger_examples(doc: dict[str, Any], max_len: int) -> list[Example]:
    """The same windows with the gold event triggers as spans labelled by event type (``trigger`` head).

    Only documents annotated for events (an ``events`` list, possibly empty) give examples; a window
    without a trigger is a negative example (statistics, plans and references stay silent)."""
    if "events" not in doc:
        return []
    gold = align_gold(doc)
    return _window_examples(doc, gold.clean, gold.trigger_spans(), max_len, "trigger")
