"""The linking layer on gold entities: build a LinkInput from a gold document and score
relations and events on their own (the entity part of the score is then perfect).

    python -m zhie.linking.oracle annotations/train.jsonl [--json] [--errors]

prints the evaluate table (relations, triggers, arguments per event type, and the events
predicted in documents whose gold has none: the negative articles live there).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from ..evaluate import evaluate
from ..gold import align_gold
from ..schema import Entity
from ..text import split_sentences
from . import Linker, LinkInput, Mention


def link_input_from_gold(doc: dict[str, Any]) -> LinkInput:
    """Clean the gold text, split it into sentences and place every gold entity on the cleaned text.

    An entity whose characters were all deleted by the cleaner (site boilerplate) gets no mention.
    """
    gold = align_gold(doc)
    placed = sorted(gold.entities, key=lambda s: (s.source["start"], s.source["end"]))   # stable: gold order
    mentions = [Mention(Entity.from_dict(s.source), s.start, s.end) for s in placed]
    return LinkInput(gold.clean, split_sentences(gold.clean.text), mentions)


def predict_links(doc: dict[str, Any], linker: Linker | None = None) -> dict[str, Any]:
    """A prediction document: the gold entities with the linker's relations and events."""
    linker = linker if linker is not None else Linker()
    relations, events = linker(link_input_from_gold(doc))
    return {"id": doc.get("id"), "model": {"name": "oracle-entities", "version": ""},
            "entities": doc.get("entities", []),
            "relations": [r.to_dict() for r in relations],
            "events": [v.to_dict() for v in events]}


def event_errors(gold: dict[str, Any], pred: dict[str, Any]) -> list[str]:
    """Readable lines for missed/extra triggers and arguments of one document (for development on train)."""
    text = gold["text"]
    out: list[str] = []

    def ctx(s: int, e: int) -> str:
        return text[max(0, s - 12):s].replace("\n", "⏎") + "[" + text[s:e] + "]" + text[e:e + 12].replace("\n", "⏎")

    def trig(doc: dict) -> dict:
        return {(v["type"], v["trigger"]["start"], v["trigger"]["end"]): v for v in doc.get("events", [])}

    g_tr, p_tr = trig(gold), trig(pred)
    for k in sorted(set(g_tr) | set(p_tr), key=lambda k: k[1]):
        g, p = g_tr.get(k), p_tr.get(k)
        if g is None:
            out.append(f"  + extra   {k[0]} {ctx(k[1], k[2])}")
        elif p is None:
            out.append(f"  - missed  {k[0]} {ctx(k[1], k[2])}")
        ga = Counter((a["role"], a["text"]) for a in (g or {}).get("arguments", []))
        pa = Counter((a["role"], a["text"]) for a in (p or {}).get("arguments", []))
        if g is not None and p is not None:
            for role, t in (ga - pa):
                out.append(f"      - arg {k[0]}/{role}: {t!r}   @ {ctx(k[1], k[2])}")
            for role, t in (pa - ga):
                out.append(f"      + arg {k[0]}/{role}: {t!r}   @ {ctx(k[1], k[2])}")
    return out


def relation_errors(gold: dict[str, Any], pred: dict[str, Any]) -> list[str]:
    ents = {e["id"]: e for e in gold.get("entities", [])}

    def rels(doc: dict) -> set:
        return {(r["type"], r["head"], r["tail"]) for r in doc.get("relations", [])}

    out = []
    g, p = rels(gold), rels(pred)
    text = gold["text"]
    for sign, items in (("-", g - p), ("+", p - g)):
        for t, h, tl in sorted(items, key=lambda r: ents[r[1]]["start"]):
            a, b = ents[h], ents[tl]
            s = min(a["start"], b["start"])
            e = max(a["end"], b["end"])
            out.append(f"  {sign} {t} {a['text']} -> {b['text']}   @ {text[max(0, s - 8):e + 8]!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m zhie.linking.oracle", description=__doc__.splitlines()[0])
    ap.add_argument("gold", help="gold JSON Lines (annotations/train.jsonl, annotations/dev.jsonl)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--errors", action="store_true", help="also list relation and event errors per document")
    ap.add_argument("--texts", nargs="+", help="JSON Lines of {id, text} that standoff gold is joined to (several files: --texts A B)")
    args = ap.parse_args(argv)
    from ..standoff import join_texts
    with open(args.gold, encoding="utf-8") as f:
        gold = join_texts([json.loads(line) for line in f if line.strip()], args.texts)
    linker = Linker()
    pred = [predict_links(g, linker) for g in gold]
    report = evaluate(gold, pred)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        table = report.to_table()
        start = table.index("relations")  # the entity part is perfect by construction
        print(f"documents: {report.documents} (gold entities)\n")
        print(table[start:])
    if args.errors:
        for g, p in zip(gold, pred):
            lines = relation_errors(g, p) + event_errors(g, p)
            if lines:
                print(f"\n== {g.get('id')}")
                print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
