"""Shared fixtures and data of the store tests (imported by the test modules that need them).

``store_url`` runs a test against SQLite always and against PostgreSQL when
``ZHIE_TEST_POSTGRES_URL`` is set (CI starts a server, see ``.ci/run``); the PostgreSQL
tables are dropped before and after each test.  ``RICH`` is a written article with
every entity label, both relation types, all three event types, entity and plain-span
arguments and normalised AMOUNT/DATE values.
"""
from __future__ import annotations

import copy
import os
from typing import Any, Iterator

import pytest

POSTGRES_ENV = "ZHIE_TEST_POSTGRES_URL"


def _drop(url: str) -> None:
    from zhie.store import Store
    store = Store(url)
    store.drop_all()
    store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite")
        return
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set (CI sets it; see .ci/run)")
    _drop(url)
    yield url
    _drop(url)


RICH_TEXT = ("## 晋中开发区\n\n本刊讯 2023年5月18日，晋中开发区与山西华晟新材料有限公司签约，总投资约15亿元的高端装备制造基地项目"
             "落户园区，双方签署《战略合作协议》。市委书记李明远见证签约。\n\n6月2日，晋中开发区党工委书记田磊带队到北京市考察，"
             "参观了京东北算力中心。市商务局局长周晓东陪同考察。\n\n7月6日，市委召开全市开发区工作推进会，李明远主持会议。")


def find(text: str, surface: str, occurrence: int = 0, after: str | None = None) -> tuple[int, int]:
    """Offsets of the ``occurrence``-th ``surface`` (after the first ``after`` when given)."""
    start = text.index(after) if after else 0
    for _ in range(occurrence + 1):
        start = text.index(surface, start)
        found = start
        start += 1
    return found, found + len(surface)


def _ent(eid: str, label: str, surface: str, occurrence: int = 0, after: str | None = None, **norm: Any) -> dict:
    s, e = find(RICH_TEXT, surface, occurrence, after)
    return {"id": eid, "label": label, "start": s, "end": e, "text": surface, **norm}


def _trig(surface: str, occurrence: int = 0, after: str | None = None) -> dict:
    s, e = find(RICH_TEXT, surface, occurrence, after)
    return {"start": s, "end": e, "text": surface}


def _arg(role: str, ents: dict[str, dict], eid: str | None = None, surface: str | None = None) -> dict:
    if eid is not None:
        e = ents[eid]
        return {"role": role, "entity": eid, "start": e["start"], "end": e["end"], "text": e["text"]}
    s, e = find(RICH_TEXT, surface)
    return {"role": role, "start": s, "end": e, "text": surface}


def rich_annotation() -> dict[str, Any]:
    entities = [
        _ent("e1", "ZONE", "晋中开发区"),
        _ent("e2", "DATE", "2023年5月18日", norm="2023-05-18"),
        _ent("e3", "ZONE", "晋中开发区", 1),
        _ent("e4", "COMPANY", "山西华晟新材料有限公司"),
        _ent("e5", "AMOUNT", "约15亿元", value=1.5e9, unit="CNY", approx=True),
        _ent("e6", "PROJECT", "高端装备制造基地项目"),
        _ent("e7", "TITLE", "市委书记"),
        _ent("e8", "OFFICIAL", "李明远"),
        _ent("e9", "DATE", "6月2日", norm="2023-06-02"),
        _ent("e10", "ZONE", "晋中开发区", 2),
        _ent("e11", "TITLE", "党工委书记"),
        _ent("e12", "OFFICIAL", "田磊"),
        _ent("e13", "PROJECT", "京东北算力中心"),
        _ent("e14", "TITLE", "市商务局局长"),
        _ent("e15", "OFFICIAL", "周晓东"),
        _ent("e16", "DATE", "7月6日", norm="2023-07-06"),
        _ent("e17", "ORG", "市委", after="7月6日"),
        _ent("e18", "OFFICIAL", "李明远", 1),
    ]
    ents = {e["id"]: e for e in entities}
    relations = [{"type": "HOLDS_TITLE", "head": "e8", "tail": "e7"},
                 {"type": "HOLDS_TITLE", "head": "e12", "tail": "e11"},
                 {"type": "MEMBER_OF", "head": "e12", "tail": "e10"},
                 {"type": "HOLDS_TITLE", "head": "e15", "tail": "e14"}]
    events = [
        {"id": "v1", "type": "SIGN_CONTRACT", "trigger": _trig("签约"),
         "arguments": [_arg("date", ents, "e2"), _arg("party", ents, "e3"), _arg("party", ents, "e4"),
                       _arg("amount", ents, "e5"), _arg("project", ents, "e6")]},
        {"id": "v2", "type": "SIGN_CONTRACT", "trigger": _trig("签署"),
         "arguments": [_arg("agreement", ents, surface="战略合作协议")]},
        {"id": "v3", "type": "VISIT_INSPECT", "trigger": _trig("考察"),
         "arguments": [_arg("date", ents, "e9"), _arg("visitor", ents, "e12"), _arg("target", ents, surface="北京市")]},
        {"id": "v4", "type": "VISIT_INSPECT", "trigger": _trig("参观"),
         "arguments": [_arg("visitor", ents, "e12"), _arg("target", ents, "e13")]},
        {"id": "v5", "type": "VISIT_INSPECT", "trigger": _trig("考察", 1),
         "arguments": [_arg("companion", ents, "e15")]},
        {"id": "v6", "type": "MEETING", "trigger": _trig("召开"),
         "arguments": [_arg("date", ents, "e16"), _arg("organizer", ents, "e17"),
                       _arg("name", ents, surface="全市开发区工作推进会"), _arg("chair", ents, "e18")]},
    ]
    return {"entities": entities, "relations": relations, "events": events}


def rich() -> dict[str, Any]:
    return copy.deepcopy({"id": "rich-1", "text": RICH_TEXT, "meta": {"date": "2023-07-10"}, **rich_annotation()})
