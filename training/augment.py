"""Synthetic domain training examples: entity substitution in gold sentences and template filling.

An example is ``{"text", "entities": [{"label", "start", "end", "text"}], "source"}`` with
end-exclusive ``str`` offsets (``text[start:end] == entity["text"]``), entities sorted and
non-overlapping (the tagger is a flat BIO tagger).

- ``substitute``: every ZONE/OFFICIAL/COMPANY/ORG/PROJECT/TITLE mention of a gold sentence
  is replaced (with probability ``p_replace``) by a gazetteer entry of the same label and a
  fitting kind; AMOUNT/DATE by a fresh ``generate_amount``/``generate_date`` expression of the
  same kind; offsets are recomputed.  The same surface form is replaced consistently within
  one example.  Source: ``synth:subst:<sentence id>/<k>``.
- ``from_templates``: sentences from ``resources/templates.txt`` (``name<TAB>template``);
  slots ``{LABEL}``, ``{LABEL:kind}``, ``{LABEL@n}`` (same n → same filler) make entities;
  ``{COMPANY:alias@n}`` is the short form of company n as the news writes it again after the
  full name (大金重工股份有限公司 … 大金重工 / 大金重工公司: the legal form dropped);
  slots ``{~FILLER}`` (NAME, COUNT, PCT, DURATION, PLACE, NUM) insert text that stays O.
  ``\\n`` in a template is a line break.  Source: ``synth:template:<name>``.
- ``gold_sentences``: gold documents → cleaned sentences with their entities (the text the
  pipeline's tagger sees), the input of ``substitute``.

Everything is driven by an explicit ``random.Random``: same seed, same output.
``python -m training.augment OUT.jsonl --gold PATH …`` writes a synthetic corpus.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from .examples import Example as _Example
from .gazetteers import (BARE_ZONE_WORDS, COMPANY_FORMS, CORP_SUBUNITS, CORP_UNITS, RESOURCE_DIR, Gazetteers,
                         load_gazetteers)

LABELS = ("ZONE", "OFFICIAL", "COMPANY", "AMOUNT", "DATE", "TITLE", "ORG", "PROJECT")
GAZETTEER_LABELS = ("ZONE", "OFFICIAL", "COMPANY", "ORG", "PROJECT", "TITLE")
GENERATED_LABELS = ("AMOUNT", "DATE")
FILLERS = ("NAME", "COUNT", "PCT", "DURATION", "PLACE", "NUM")
TEMPLATES_PATH = RESOURCE_DIR / "templates.txt"

Example = dict[str, Any]   # the JSON form of training.examples.Example (Example.to_dict), which this module edits


# --------------------------------------------------------------------------- examples


def make_example(text: str, spans: Iterable[tuple[str, int, int]], source: str) -> Example:
    """An example's JSON form, spans sorted by offsets."""
    return _Example(text, sorted(spans, key=lambda x: (x[1], x[2])), source).to_dict()


def example_problems(ex: Example) -> list[str]:
    """Everything wrong with an example ([] when it is valid)."""
    problems = []
    text = ex.get("text")
    if not isinstance(text, str) or not text:
        return ["empty or missing text"]
    if not isinstance(ex.get("source"), str) or not ex["source"]:
        problems.append("missing source")
    prev_end = 0
    for e in ex.get("entities", []):
        s, t = e.get("start"), e.get("end")
        if e.get("label") not in LABELS:
            problems.append(f"unknown label {e.get('label')!r}")
        if not (isinstance(s, int) and isinstance(t, int) and 0 <= s < t <= len(text)):
            problems.append(f"bad span {s}-{t}")
            continue
        if text[s:t] != e.get("text"):
            problems.append(f"text mismatch at {s}-{t}: {text[s:t]!r} != {e.get('text')!r}")
        if s < prev_end:
            problems.append(f"overlap or disorder at {s}-{t}")
        if text[s].isspace() or text[t - 1].isspace():
            problems.append(f"whitespace at the edge of {s}-{t}")
        prev_end = t
    return problems


def flat_entities(entities: Sequence[dict]) -> list[dict]:
    """Sorted, non-overlapping entities: where spans overlap, the longer (then earlier) one is kept."""
    chosen: list[dict] = []
    for e in sorted(entities, key=lambda x: (-(x["end"] - x["start"]), x["start"])):
        if all(e["end"] <= c["start"] or e["start"] >= c["end"] for c in chosen):
            chosen.append(e)
    return sorted(chosen, key=lambda x: x["start"])


# --------------------------------------------------------------------------- gold input


def load_gold(paths: Iterable[Path | str]) -> list[dict]:
    """Gold documents from *.json (one object, or a list) and *.jsonl files; folders are expanded.

    Each document gets an ``id``: its own, else the file stem (seed_000 → seed-000), with
    ``-<line>`` for JSON-lines files.
    """
    docs: list[dict] = []
    for path in paths:
        path = Path(path)
        files = sorted(p for p in path.glob("*.json*") if p.suffix in (".json", ".jsonl")) if path.is_dir() \
            else [path]
        for f in files:
            stem = f.stem.replace("_", "-")
            if f.suffix == ".jsonl":
                with open(f, encoding="utf-8") as fh:
                    rows = [json.loads(line) for line in fh if line.strip()]
                for i, d in enumerate(rows):
                    d.setdefault("id", f"{stem}-{i:03d}")
                    docs.append(d)
            else:
                data = json.loads(f.read_text(encoding="utf-8"))
                rows = data if isinstance(data, list) else [data]
                for i, d in enumerate(rows):
                    d.setdefault("id", stem if len(rows) == 1 else f"{stem}-{i:03d}")
                    docs.append(d)
    return docs


def gold_sentences(doc: dict, require_entities: bool = True) -> list[Example]:
    """Cut a gold document into the cleaned sentences the tagger sees, entities mapped into each.

    Cleaning (zhie.text) deletes markup, boilerplate and column breaks; an entity whose
    characters were all deleted, or that a sentence boundary cuts, is dropped with its
    sentence.  Sentence ids are ``<doc id>#<n>``.
    """
    from zhie.gold import align_gold  # noqa: PLC0415  (the one gold-offset mapping, with the pipeline's cleaner)
    from zhie.text.sentences import split_sentences  # noqa: PLC0415

    gold = align_gold(doc, entities=flat_entities(doc.get("entities", [])))
    clean, mapped = gold.clean, gold.entity_spans()
    out = []
    for n, (a, b) in enumerate(split_sentences(clean.text)):
        inside = [(label, s - a, e - a) for label, s, e in mapped if a <= s and e <= b]
        cut = any(s < b and e > a and not (a <= s and e <= b) for _, s, e in mapped)
        if cut or (require_entities and not inside):
            continue
        out.append(make_example(clean.text[a:b], inside, f"{doc.get('id', 'doc')}#{n}"))
    return out


# --------------------------------------------------------------------------- amounts and dates

_CN_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    """Chinese numeral for 1 ≤ n < 10000 (三千, 十二, 一百零五, 两千五百)."""
    if not 0 < n < 10000:
        raise ValueError(n)
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        digit = "两" if d == 2 and unit in ("千", "百") and not parts else _CN_DIGITS[d]
        if unit == "十" and d == 1 and not parts:
            digit = ""
        parts.append(digit + unit)
    return "".join(parts)


def _cn_quantity(n: int) -> str:
    """Chinese numeral as a quantity: 两 for 2 (两亿元, 两个), else ``_cn_number``."""
    return "两" if n == 2 else _cn_number(n)


def _decimal(rng: random.Random, low: float, high: float, max_places: int = 2) -> str:
    places = rng.randint(1, max_places)
    text = f"{rng.uniform(low, high):.{places}f}".rstrip("0").rstrip(".")
    return text


def _number(rng: random.Random, low: int, high: int, p_decimal: float = 0.5, max_places: int = 2) -> str:
    if rng.random() < p_decimal:
        return _decimal(rng, low, high, max_places)
    n = rng.randint(low, high)
    if n >= 100 and rng.random() < 0.5:
        n = round(n, -len(str(n)) + rng.randint(1, 2))  # round figures are common: 4000, 120
    return str(max(n, 1))


AMOUNT_KINDS = ("money", "area", "weight", "capacity")
_APPROX_PREFIXES = ("约", "约", "近", "超", "接近")  # as annotated: 约15亿元, 超50亿元, 接近2000亩


def generate_amount(rng: random.Random, kind: str | None = None) -> str:
    """A money or physical-quantity expression: 224.06亿元, 约15亿元, 6亿多元, 200余万元, 三千万元, 927.6844亩 …"""
    kind = kind or rng.choices(AMOUNT_KINDS, weights=(70, 18, 7, 5))[0]
    if kind == "money":
        mag, unit = rng.choices((("亿", "元"), ("万", "元"), ("万亿", "元"), ("", "元"), ("万", "美元"), ("亿", "美元")),
                                weights=(56, 36, 2, 1, 3, 2))[0]
        shape = rng.random()
        if shape < 0.10 and mag in ("亿", "万"):  # 6亿多元 / 100多万元
            if rng.random() < 0.5:
                return f"{rng.randint(1, 99)}{mag}多{unit}"
            return f"{rng.choice((10, 20, 30, 100, 200, 300, 500, 800))}多{mag}{unit}"
        if shape < 0.18 and mag in ("亿", "万"):  # 200余万元, 20余亿元
            n = rng.choice((10, 20, 30, 40, 50, 100)) if mag == "亿" else rng.choice((50, 100, 200, 300, 600, 1000))
            return f"{n}余{mag}{unit}"
        if shape < 0.25 and mag in ("亿", "万"):  # 三千万元, 十二亿元
            if mag == "亿":
                n = rng.choice((2, 3, 5, 8, 10, 12, 15, 20, 30, 50))
            else:
                n = rng.choice((500, 1000, 2000, 3000, 5000))
            if mag == "万" and n >= 1000:
                return ("两" if n == 2000 else _cn_number(n // 1000)) + "千万" + unit
            return _cn_quantity(n) + mag + unit
        if mag == "万亿":
            number = _decimal(rng, 1, 3, 1)
        elif mag == "亿":
            number = _number(rng, 1, 400, p_decimal=0.7, max_places=rng.choice((2, 2, 4)))
        elif mag == "万":
            number = _number(rng, 10, 9800, p_decimal=0.2)
        else:
            number = str(rng.randint(5, 999) * 100)
        text = number + mag + unit
    elif kind == "area":
        unit = rng.choices(("亩", "万平方米", "平方米", "平方公里", "公顷"), weights=(45, 30, 12, 10, 3))[0]
        if unit == "亩":
            number = _number(rng, 20, 3000, p_decimal=0.35, max_places=rng.choice((1, 4)))
        elif unit == "万平方米":
            number = _number(rng, 1, 120, p_decimal=0.5, max_places=4)
        elif unit == "平方米":
            number = str(rng.randint(5, 900) * 100)
        else:
            number = _number(rng, 1, 150, p_decimal=0.5, max_places=2)
        if rng.random() < 0.08:
            return f"{rng.choice((100, 200, 300, 500))}余{unit}" if unit == "亩" else f"{number}{unit}以上"
        text = number + unit
    elif kind == "weight":
        unit = rng.choices(("万吨", "吨", "千克"), weights=(65, 30, 5))[0]
        number = _number(rng, 1, 500, p_decimal=0.3, max_places=1) if unit != "吨" else str(rng.randint(1, 900) * 10)
        text = number + unit
    elif kind == "capacity":
        unit = rng.choice(("万千瓦", "兆瓦", "GW", "MW", "万千瓦时", "万立方米", "立方米", "千伏安"))
        text = _number(rng, 1, 600, p_decimal=0.3, max_places=1) + unit
    else:
        raise ValueError(f"unknown amount kind {kind!r}")
    r = rng.random()
    if r < 0.12:
        return rng.choice(_APPROX_PREFIXES) + text
    if r < 0.15:
        return text + "以上"
    return text


DATE_KINDS = ("day", "month", "year", "period", "relative", "range")
_RELATIVE = ("近日", "近期", "日前", "今年", "去年", "明年", "当年", "年内", "今年以来", "去年以来", "近年来",
             "年初", "年底", "年关", "来年", "过去的一年", "今年初")
_PERIODS = ("上半年", "下半年", "前三季度", "一季度", "二季度", "三季度", "四季度", "第一季度", "第三季度",
            "1-6月", "1-9月", "1至9月", "1-11月", "1—5月", "前5个月")


def generate_date(rng: random.Random, kind: str | None = None) -> str:
    """A calendar-anchored expression: 2023年5月18日, 今年以来, 1-6月, 上半年, 6月底, 2024.1-2026.12 …"""
    kind = kind or rng.choices(DATE_KINDS, weights=(30, 18, 14, 18, 14, 6))[0]
    year = rng.randint(2015, 2026)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28 if month == 2 else 30)
    if kind == "day":
        return rng.choices((f"{month}月{day}日", f"{year}年{month}月{day}日", f"今年{month}月{day}日",
                            f"去年{month}月{day}日", f"{year}-{month:02d}-{day:02d}"),
                           weights=(55, 25, 10, 5, 5))[0]
    if kind == "month":
        return rng.choice((f"{month}月", f"{year}年{month}月", f"今年{month}月", f"{month}月底", f"{month}月初",
                           f"{month}月中旬", f"{month}月下旬", f"今年{month}月底", f"{year}年{month}月底",
                           f"明年{month}月", f"去年{month}月"))
    if kind == "year":
        return rng.choice((f"{year}年", f"{year}年", f"{year}年度", f"{year}年底", f"{year}年以来", f"{year}年初"))
    if kind == "period":
        period = rng.choice(_PERIODS)
        return rng.choice((period, period, f"今年{period}", f"{year}年{period}", f"去年{period}"))
    if kind == "relative":
        return rng.choice(_RELATIVE)
    if kind == "range":
        y2 = year + rng.randint(1, 3)
        m2 = rng.randint(1, 12)
        return rng.choice((f"{year}.{month}-{y2}.{m2}", f"{year}-{y2}年", f"{year}-{year + 1}年度",
                           f"{year}年{month}月至{y2}年{m2}月", f"{year}—{y2}年"))
    raise ValueError(f"unknown date kind {kind!r}")


def amount_kind(text: str) -> str:
    if "元" in text:
        return "money"
    if any(u in text for u in ("亩", "平方", "公顷", "m2", "m²", "m<sup>")):
        return "area"
    if any(u in text for u in ("吨", "千克")):
        return "weight"
    return "capacity"


def date_kind(text: str) -> str:
    if re.search(r"\d{4}\s*[.\-—至]\s*\d{4}|\d{4}\.\d{1,2}\s*[-—至]", text) or re.search(r"年.*至.*年", text):
        return "range"
    if re.search(r"\d{4}-\d{1,2}-\d{1,2}|\d日|[一二三四五六七八九十]日", text):
        return "day"
    if re.search(r"季度|半年|\d\s*[-—至]\s*\d+月|前\d+个月", text):
        return "period"
    if "月" in text:
        return "month"
    if re.search(r"\d{4}年", text):
        return "year"
    return "relative"


# --------------------------------------------------------------------------- kinds of gazetteer entries

_CORP_TITLE_WORDS = ("董事", "总经理", "经理", "总裁", "总监", "厂长", "首席", "创始人", "集团", "公司", "事业部",
                     "监事", "总经济师", "董秘")
_ORG_TITLE_WORDS = ("校长", "院长", "教授", "研究员", "会长", "所长", "理事长", "导师", "专家", "系主任")


def title_kind(text: str) -> str:
    if any(w in text for w in ("党工委", "管委会", "纪工委")):
        return "zonebare" if text.startswith(BARE_ZONE_WORDS) else "zone"
    if text.startswith(CORP_UNITS + CORP_SUBUNITS):
        return "corpunit"
    if any(w in text for w in _CORP_TITLE_WORDS):
        return "corp"
    if any(text.endswith(w) for w in _ORG_TITLE_WORDS):
        return "org"
    return "gov"


def org_kind(text: str) -> str:
    if any(w in text for w in ("党支部", "党总支")) or (text.endswith("党委") and len(text) > 4):
        return "party"
    if any(w in text for w in ("大学", "学院", "学校")):
        return "univ"
    if any(w in text for w in ("研究院", "研究所", "科学院", "工程院", "研究中心", "农科院")):
        return "inst"
    if any(w in text for w in ("协会", "商会", "联盟", "促进会", "联合会")):
        return "assoc"
    return "gov"


def company_kind(text: str, gaz: Gazetteers) -> str:
    if text.endswith(("公司", "银行", "基金")):
        return "full"
    if text in gaz["COMPANY"].entries("brand"):
        return "brand"
    return "short"


_DEFAULT_KIND_WEIGHTS = {
    "ZONE": {"shanxi": 70, "other": 20, "registry": 10},
    "COMPANY": {"full": 55, "short": 30, "brand": 15},
    "ORG": {"gov": 55, "univ": 15, "inst": 10, "assoc": 12, "party": 8},
    "TITLE": {"gov": 50, "zone": 20, "zonebare": 5, "corp": 14, "corpunit": 4, "org": 7},
}


def sample_entry(gaz: Gazetteers, label: str, rng: random.Random, kind: str | None = None) -> str:
    """A gazetteer entry of ``label``; without ``kind`` the kind follows the label's usual mix."""
    if kind is None and label in _DEFAULT_KIND_WEIGHTS:
        weights = {k: w for k, w in _DEFAULT_KIND_WEIGHTS[label].items() if gaz[label].entries(k)}
        kind = rng.choices(list(weights), weights=list(weights.values()))[0]
    return gaz.sample(label, rng, kind)


# --------------------------------------------------------------------------- substitution


def _replacement(label: str, original: str, gaz: Gazetteers, rng: random.Random) -> str:
    if label == "AMOUNT":
        return generate_amount(rng, amount_kind(original))
    if label == "DATE":
        return generate_date(rng, date_kind(original))
    if label == "TITLE":
        return sample_entry(gaz, label, rng, title_kind(original))
    if label == "ORG":
        return sample_entry(gaz, label, rng, org_kind(original))
    if label == "COMPANY":
        return sample_entry(gaz, label, rng, company_kind(original, gaz))
    return sample_entry(gaz, label, rng)


def substitute_one(ex: Example, gaz: Gazetteers, rng: random.Random, source: str,
                   p_replace: float = 0.85) -> Example:
    """One variant of ``ex`` with its entities replaced and every offset recomputed."""
    text = ex["text"]
    pieces: list[str] = []
    spans: list[tuple[str, int, int]] = []
    chosen: dict[tuple[str, str], str] = {}
    pos = out_len = 0
    for e in flat_entities(ex.get("entities", [])):
        label, s, t = e["label"], e["start"], e["end"]
        original = text[s:t]
        key = (label, original)
        if key not in chosen:
            replaceable = label in GAZETTEER_LABELS + GENERATED_LABELS and rng.random() < p_replace
            chosen[key] = _replacement(label, original, gaz, rng) if replaceable else original
        new = chosen[key]
        between = text[pos:s]
        pieces += [between, new]
        out_len += len(between)
        spans.append((label, out_len, out_len + len(new)))
        out_len += len(new)
        pos = t
    pieces.append(text[pos:])
    return make_example("".join(pieces), spans, source)


def _example_id(ex: Example, i: int) -> str:
    return str(ex.get("id") or ex.get("source") or f"example-{i}")


def substitute(examples: Sequence[Example], gazetteers: Gazetteers, n_per_example: int,
               rng: random.Random, p_replace: float = 0.85) -> list[Example]:
    """``n_per_example`` substituted variants of every example that has an entity."""
    out = []
    for i, ex in enumerate(examples):
        if not ex.get("entities"):
            continue
        base = _example_id(ex, i)
        for k in range(n_per_example):
            out.append(substitute_one(ex, gazetteers, rng, f"synth:subst:{base}/{k}", p_replace))
    return out


# --------------------------------------------------------------------------- templates

_SLOT = re.compile(r"\{(~?)([A-Z]+)(?::([a-z]+))?(?:@(\d+))?\}")


@dataclass(frozen=True)
class Slot:
    name: str          # an entity label, or a filler name for unlabelled slots
    kind: str | None
    ref: str | None    # slots with the same (name, ref) get the same filler
    labelled: bool


@dataclass(frozen=True)
class Template:
    name: str
    parts: tuple[str | Slot, ...]

    @property
    def slots(self) -> list[Slot]:
        return [p for p in self.parts if isinstance(p, Slot)]


class TemplateError(ValueError):
    pass


def parse_template(name: str, body: str) -> Template:
    """Parse ``body`` into literal text and slots; unknown labels, fillers and stray braces are errors."""
    body = body.replace("\\n", "\n")
    parts: list[str | Slot] = []
    pos = 0
    for m in _SLOT.finditer(body):
        literal = body[pos:m.start()]
        if "{" in literal or "}" in literal:
            raise TemplateError(f"{name}: malformed slot near {literal!r}")
        if literal:
            parts.append(literal)
        tilde, slot_name, kind, ref = m.groups()
        labelled = not tilde
        if labelled and slot_name not in LABELS:
            raise TemplateError(f"{name}: unknown label {slot_name}")
        if not labelled and slot_name not in FILLERS:
            raise TemplateError(f"{name}: unknown filler {slot_name}")
        parts.append(Slot(slot_name, kind, ref, labelled))
        pos = m.end()
    tail = body[pos:]
    if "{" in tail or "}" in tail:
        raise TemplateError(f"{name}: malformed slot near {tail!r}")
    if tail:
        parts.append(tail)
    return Template(name, tuple(parts))


def load_templates(path: Path | str = TEMPLATES_PATH) -> list[Template]:
    """Templates from a ``name<TAB>template`` file; blank lines and ``#`` lines are skipped."""
    templates, names = [], set()
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if "\t" not in line:
            raise TemplateError(f"line {n}: expected name<TAB>template")
        name, body = line.split("\t", 1)
        if name in names:
            raise TemplateError(f"line {n}: duplicate template name {name}")
        names.add(name)
        templates.append(parse_template(name.strip(), body.strip()))
    return templates


ALIAS_KIND = "alias"
_LEGAL_FORMS = tuple(sorted(set(COMPANY_FORMS) | {"股份有限公司", "有限责任公司", "集团股份有限公司", "有限公司", "公司"},
                            key=len, reverse=True))


def company_alias(full: str, rng: random.Random, p_gongsi: float = 0.3) -> str:
    """The name a company is called by after its full name: the legal form dropped, sometimes 公司 kept."""
    for form in _LEGAL_FORMS:
        short = full[: -len(form)]
        if full.endswith(form) and len(short) >= 2 and not short.endswith(("有限", "股份", "责任")):
            return short + "公司" if rng.random() < p_gongsi else short
    return full


def check_template_kinds(templates: Sequence[Template], gaz: Gazetteers) -> list[str]:
    """Slots whose kind the gazetteers or generators do not know."""
    problems = []
    for t in templates:
        for s in t.slots:
            if s.kind is None:
                continue
            if not s.labelled:
                if s.name != "COUNT" or s.kind not in _COUNT_UNITS:
                    problems.append(f"{t.name}: filler {s.name} has no kind {s.kind}")
                continue
            if s.kind == ALIAS_KIND:
                ok = s.name == "COMPANY"
            elif s.name == "AMOUNT":
                ok = s.kind in AMOUNT_KINDS
            elif s.name == "DATE":
                ok = s.kind in DATE_KINDS
            else:
                ok = bool(gaz[s.name].entries(s.kind))
            if not ok:
                problems.append(f"{t.name}: no {s.name} of kind {s.kind}")
    return problems


_PLACES = ("北京市", "上海", "深圳", "武汉", "西安", "天津", "杭州", "苏州", "郑州", "合肥", "重庆市", "广州",
           "南京", "成都", "青岛", "宁波", "东莞", "无锡", "长沙", "济南", "京津冀", "长三角", "珠三角", "大湾区",
           "江苏", "浙江", "广东", "山东", "河北", "福建", "北京", "太原", "雄安新区", "厦门")
# Count fillers by what is counted; "余"/"多" only follow round numbers (600余名).
_COUNT_UNITS = {
    "item": ("个", "个", "项", "项", "宗", "批"),
    "firm": ("家", "户", "个"),
    "people": ("名", "人", "人次", "位"),
    "times": ("次", "场", "期", "轮"),
}
_DURATIONS = ("3个月", "三年", "八年", "6个月", "15个工作日", "一周", "两年", "5天", "180天", "半年时间",
              "10个月", "一年", "两个月", "20天", "3天", "五年", "7个工作日", "24小时")


def fill_filler(name: str, gaz: Gazetteers, rng: random.Random, kind: str | None = None) -> str:
    if name == "NAME":
        return gaz.sample("OFFICIAL", rng)
    if name == "COUNT":
        units = _COUNT_UNITS.get(kind or "", None) or rng.choice(list(_COUNT_UNITS.values()))
        unit = rng.choice(units)
        r = rng.random()
        if r < 0.12:
            return _cn_quantity(rng.randint(2, 12)) + unit
        if r < 0.25:
            return f"{rng.choice((10, 20, 30, 50, 100, 200, 600))}{rng.choice(('余', '多'))}{unit}"
        high = 3000 if kind == "people" else 60 if kind == "times" else 300
        n = rng.randint(2, 30) if rng.random() < 0.7 else rng.randint(2, high)
        return f"{n}{unit}"
    if name == "PCT":
        r = rng.random()
        if r < 0.1:
            return "100%"
        if r < 0.2:
            return f"-{_decimal(rng, 0.5, 45, 1)}%"
        if r < 0.25:
            return f"{rng.randint(1, 9)}个百分点"
        return f"{_decimal(rng, 0.5, 140, 2)}%"
    if name == "DURATION":
        return rng.choice(_DURATIONS)
    if name == "PLACE":
        return rng.choice(_PLACES)
    if name == "NUM":
        return str(rng.randint(1, 999))
    raise ValueError(f"unknown filler {name}")


def fill_template(template: Template, gaz: Gazetteers, rng: random.Random, source: str | None = None) -> Example:
    pieces: list[str] = []
    spans: list[tuple[str, int, int]] = []
    refs: dict[tuple[str, str], str] = {}
    length = 0
    for part in template.parts:
        if isinstance(part, str):
            pieces.append(part)
            length += len(part)
            continue
        key = (part.name, part.ref) if part.ref is not None else None
        if part.labelled and part.kind == ALIAS_KIND:
            full = refs.get(key) if key is not None else None
            if full is None:
                full = sample_entry(gaz, part.name, rng, "full")
                if key is not None:
                    refs[key] = full
            value = company_alias(full, rng)
            spans.append((part.name, length, length + len(value)))
            pieces.append(value)
            length += len(value)
            continue
        if key is not None and key in refs:
            value = refs[key]
        elif not part.labelled:
            value = fill_filler(part.name, gaz, rng, part.kind)
        elif part.name == "AMOUNT":
            value = generate_amount(rng, part.kind)
        elif part.name == "DATE":
            value = generate_date(rng, part.kind)
        else:
            value = sample_entry(gaz, part.name, rng, part.kind)
        if key is not None:
            refs[key] = value
        if part.labelled:
            spans.append((part.name, length, length + len(value)))
        pieces.append(value)
        length += len(value)
    return make_example("".join(pieces), spans, source or f"synth:template:{template.name}")


# Full-width punctuation some sources print half-width (seed 002); a 1:1 character swap.
_ASCII_PUNCT = str.maketrans({"，": ",", "（": "(", "）": ")", "：": ":", "；": ";"})


def add_noise(ex: Example, rng: random.Random, p_ascii: float = 0.25, p_break: float = 0.0) -> Example:
    """Half-width punctuation (offsets unchanged) and, optionally, one column break ``\\n\\n`` at a
    random position — inside an entity the entity then contains the break, as SCHEMA.md allows."""
    text = ex["text"]
    spans = [(e["label"], e["start"], e["end"]) for e in ex["entities"]]
    if rng.random() < p_ascii:
        text = text.translate(_ASCII_PUNCT)
    if len(text) > 2 and rng.random() < p_break:
        cut = rng.randint(1, len(text) - 1)
        if not (text[cut - 1].isspace() or text[cut].isspace()):
            text = text[:cut] + "\n\n" + text[cut:]
            spans = [(label, s + 2 if s >= cut else s, t + 2 if t > cut else t) for label, s, t in spans]
    return make_example(text, spans, ex["source"])


def from_templates(templates: Sequence[Template], gazetteers: Gazetteers, n: int, rng: random.Random,
                   p_ascii: float = 0.25, p_break: float = 0.0) -> list[Example]:
    """``n`` examples, each from a template chosen uniformly at random."""
    if not templates:
        raise ValueError("no templates")
    out = []
    for _ in range(n):
        ex = fill_template(rng.choice(templates), gazetteers, rng)
        if p_ascii or p_break:
            ex = add_noise(ex, rng, p_ascii, p_break)
        out.append(ex)
    return out


# --------------------------------------------------------------------------- corpus CLI


def generate_corpus(gold_paths: Sequence[Path | str], n_templates: int, n_subst: int, seed: int,
                    gaz: Gazetteers | None = None, templates: Sequence[Template] | None = None) -> list[Example]:
    """Template examples plus ``n_subst`` substituted variants of every gold sentence with an entity."""
    rng = random.Random(seed)
    gaz = gaz or load_gazetteers()
    templates = templates or load_templates()
    out = from_templates(templates, gaz, n_templates, rng)
    if gold_paths and n_subst:
        sentences = [s for doc in load_gold(gold_paths) for s in gold_sentences(doc)]
        out += substitute(sentences, gaz, n_subst, rng)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.augment", description="write a synthetic NER corpus")
    parser.add_argument("out", type=Path, help="JSON-lines output")
    parser.add_argument("--gold", type=Path, nargs="*", default=[],
                        help="gold files or folders (annotations/gold, annotations/written/written.jsonl)")
    parser.add_argument("--templates", type=int, default=20000, help="number of template examples")
    parser.add_argument("--subst", type=int, default=5, help="substituted variants per gold sentence")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    rows = generate_corpus(args.gold, args.templates, args.subst, args.seed)
    bad = [(r["source"], p) for r in rows for p in example_problems(r)]
    if bad:
        raise SystemExit(f"invalid examples: {bad[:5]}")
    with open(args.out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} examples to {args.out} in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
