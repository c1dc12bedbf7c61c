"""Label Studio JSON (a list of tasks) to and from the store.

One task per document::

    {"data": {"text": …, "doc_id": …, "meta": {…},
              "zhie": {"version": 3, "reviewed": true, "normalisation": {"e4": {"value": …, "unit": …, "approx": …}}}},
     "annotations": [{"result": [...]}]}                              # a human version
     "predictions": [{"model_version": "zhie-ner-small@0.1.0", "score": 0.93, "result": [...]}]   # a model's

Results (``from_name`` "label", ``to_name`` "text") follow ``zhie.store.regions``; the
region ids are the zhie ids, so that a round trip restores them:

- an entity: ``{"id": "e3", "type": "labels", "value": {start, end, text, "labels": ["ZONE"]}}``;
- an event trigger: a ``labels`` region labelled ``TRIGGER:VISIT_INSPECT`` whose id is the event id;
- an argument that is no entity: a ``labels`` region labelled ``ARGUMENT``;
- a relation: ``{"type": "relation", "from_id": head, "to_id": tail, "labels": ["HOLDS_TITLE"]}``;
- an event argument: a ``relation`` from the trigger region to the argument's region,
  labelled with the role (``visitor``, ``party`` …), in argument order.

``data.zhie`` also holds the exported spans and links (``spans``, ``links``: see
``zhie.store.regions.restore_ids``), so that region ids Label Studio changed are matched back
by offsets and the normalisation follows the span, not its id.

Reading also accepts what Label Studio itself writes (1.23, tests/fixtures/labelstudio/):
random region ids, ``direction`` "left", arguments drawn from the argument to the trigger,
cancelled annotations (skipped; the last remaining annotation is used), tasks with
predictions only (imported as a model prediction, unreviewed).  A submitted annotation is a
human's work and follows the import's rule (reviewed unless ``--unreviewed``); the
``reviewed`` flag written at export only applies to the exported annotation coming back
unchanged.  ``completed_by`` is a user number in Label Studio's export: it is mapped to a
name with ``users`` (Label Studio's ``/api/users`` list), else recorded as
``labelstudio:user-<n>``.  A task with no annotation and no full prediction (an export of
all tasks lists predictions by id only) is nothing to import: ``NothingToImport``.
``labeling_config()`` is a matching labelling interface.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..io import InputError, parse_document
from ..schema import ENTITY_LABELS, EVENT_ROLES, RELATION_TYPES, ModelInfo
from .records import IMPORT, PREDICTION, AnnotationVersion, ImportedDocument, StoredDocument
from .regions import (ARGUMENT_LABEL, TRIGGER_PREFIX, Exported, FormatError, NothingToImport, Region, assemble,
                      flatten, keep_norms, link_table, restore_ids, span_table)

FROM_NAME, TO_NAME = "label", "text"


def _region(r: Region) -> dict[str, Any]:
    out: dict[str, Any] = {"id": r.id, "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
                           "value": {"start": r.start, "end": r.end, "text": r.text, "labels": [r.label]}}
    if r.score is not None:
        out["score"] = round(float(r.score), 4)
    return out


def to_task(doc: StoredDocument, version: AnnotationVersion | None) -> dict[str, Any]:
    """A Label Studio task holding the document's current version (none: a task without results)."""
    data: dict[str, Any] = {"text": doc.text, "doc_id": doc.id, "meta": doc.meta}
    task: dict[str, Any] = {"data": data}
    if version is None:
        return task
    regions, links, norms = flatten(version.annotation)
    results = [_region(r) for r in regions]
    results += [{"from_id": l.source, "to_id": l.target, "type": "relation", "direction": "right",
                 "labels": [l.label]} for l in links]
    data["zhie"] = {"version": version.version, "kind": version.kind, "reviewed": doc.reviewed,
                    "author": version.author, "normalisation": norms, "spans": span_table(regions),
                    "links": link_table(links)}
    if version.kind == PREDICTION:
        model = version.model
        task["predictions"] = [{"model_version": f"{model.name}@{model.version}" if model else "",
                                "score": round(1.0 - version.scores.uncertainty, 4) if version.scores else None,
                                "result": results}]
    else:
        task["annotations"] = [{"result": results, "zhie_author": version.author}]
    return task


def _result_list(container: dict[str, Any], where: str) -> list[Any]:
    result = container.get("result") or []
    if not isinstance(result, list):
        raise FormatError(f"{where}: 'result' must be an array")
    return result


def _author(annotation: dict[str, Any], users: dict[int, str] | None) -> str | None:
    """The annotator: zhie's own field, Label Studio's user object, or its user number mapped by ``users``."""
    author = annotation.get("zhie_author")
    by = annotation.get("completed_by")
    if not author and isinstance(by, dict):
        author = by.get("email") or by.get("username")
    elif not author and isinstance(by, int) and not isinstance(by, bool):
        author = (users or {}).get(by) or f"labelstudio:user-{by}"
    return author if isinstance(author, str) and author else None


def _chosen(task: dict[str, Any], where: str,
            users: dict[int, str] | None) -> tuple[list[Any], str, ModelInfo | None, str | None]:
    """The results to import: the last annotation not cancelled, else the last (full) prediction."""
    annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    if annotations:
        chosen = annotations[-1]
        return _result_list(chosen, where), IMPORT, None, _author(chosen, users)
    predictions = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    if predictions:
        chosen = predictions[-1]
        name, _, version = str(chosen.get("model_version") or "").partition("@")
        return _result_list(chosen, where), PREDICTION, ModelInfo(name or "labelstudio", version), None
    if task.get("predictions"):
        raise NothingToImport(f"{where}: not annotated, and its predictions are listed by id only "
                              f"({task['predictions']!r}); nothing to import")
    cancelled = " (its annotations were cancelled)" if task.get("annotations") else ""
    raise NothingToImport(f"{where}: not annotated{cancelled}; nothing to import")


def from_task(task: Any, where: str, users: dict[int, str] | None = None,
              notes: list[str] | None = None) -> ImportedDocument:
    """Read one Label Studio task (``where`` names it in error messages); ``users`` maps Label
    Studio user numbers to names; what could not be kept is described in ``notes``."""
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise FormatError(f"{where}: expected a task object with 'data'")
    data = task["data"]
    doc_id = data.get("doc_id", data.get("id", task.get("id")))
    zhie = data.get("zhie") if isinstance(data.get("zhie"), dict) else {}
    try:
        doc = parse_document({"id": doc_id, "text": data.get("text"), "meta": data.get("meta") or {}})
    except InputError as exc:
        raise FormatError(f"{where}: {exc}") from None
    if doc.id is None:
        raise FormatError(f"{where}: no document id (data.doc_id, data.id or the task id)")
    results, kind, model, author = _chosen(task, f"{where} (document {doc.id!r})", users)
    spans: list[tuple[str, Any, Any, str, dict[str, Any]]] = []
    raw_links: list[tuple[str, str, str, str]] = []
    for k, item in enumerate(results):
        here = f"{where} result[{k}]"
        if not isinstance(item, dict):
            raise FormatError(f"{here}: expected an object")
        if item.get("type") == "relation":
            labels = item.get("labels") or []
            if len(labels) != 1 or not isinstance(labels[0], str):
                raise FormatError(f"{here}: a relation needs exactly one label, got {labels!r}")
            src, dst = str(item.get("from_id")), str(item.get("to_id"))
            if item.get("direction") == "left":
                src, dst = dst, src
            raw_links.append((here, src, dst, labels[0]))
            continue
        value = item.get("value")
        if item.get("type") != "labels" or not isinstance(value, dict):
            raise FormatError(f"{here}: unsupported result type {item.get('type')!r} (expected labels or relation)")
        labels = value.get("labels") or []
        if len(labels) != 1 or not isinstance(labels[0], str):
            raise FormatError(f"{here}: a region needs exactly one label, got {labels!r}")
        rid = str(item.get("id") or f"r{k}")
        if any(rid == s[0] for s in spans):
            raise FormatError(f"{here}: region id {rid!r} is used twice")
        span = {"start": value.get("start"), "end": value.get("end"), "text": value.get("text")}
        if item.get("score") is not None:
            span["score"] = item["score"]
        spans.append((rid, span["start"], span["end"], labels[0], span))
    exported = Exported.read(zhie, where)
    ids, exact = restore_ids([s[:4] for s in spans], exported, fresh=lambda tool_id: tool_id)
    regions = {ids[rid]: (label, span) for rid, _, _, label, span in spans}
    links = [(here, ids.get(src, src), ids.get(dst, dst), label) for here, src, dst, label in raw_links]
    norms = keep_norms(zhie.get("normalisation"), exact if exported is not None else None, where, notes)
    reviewed = None  # a human's annotation: as the importer decides
    if (exported is not None and kind != PREDICTION and zhie.get("kind") != PREDICTION
            and isinstance(zhie.get("reviewed"), bool)
            and exported.unchanged({i: (sp["start"], sp["end"], lab) for i, (lab, sp) in regions.items()},
                                   [(s, d, lab) for _, s, d, lab in links])):
        reviewed = zhie["reviewed"]  # the exported annotation came back untouched: its state and author stand
        if isinstance(zhie.get("author"), str) and zhie["author"]:
            author = zhie["author"]
    return ImportedDocument(doc, assemble(regions, links, norms, where), kind, reviewed, author, model)


def read_users(path: str | Path) -> dict[int, str]:
    """``{user number: name}`` from Label Studio's user list (``GET /api/users``, saved as JSON):
    the email, else the username."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FormatError(f"{path}: not valid JSON: {exc.msg}") from None
    users = raw.get("results", raw) if isinstance(raw, dict) else raw  # a paginated answer or a plain list
    if not isinstance(users, list):
        raise FormatError(f"{path}: expected Label Studio's user list (a JSON array of {{id, email, username}})")
    out = {}
    for k, user in enumerate(users):
        if not isinstance(user, dict) or not isinstance(user.get("id"), int):
            raise FormatError(f"{path} user {k}: expected an object with a numeric 'id'")
        name = user.get("email") or user.get("username")
        if isinstance(name, str) and name:
            out[user["id"]] = name
    return out


def labeling_config() -> str:
    """A Label Studio labelling interface for these tasks (paste it into the project settings)."""
    labels = "\n".join(f'    <Label value="{l}"/>' for l in ENTITY_LABELS)
    triggers = "\n".join(f'    <Label value="{TRIGGER_PREFIX}{t}"/>' for t in EVENT_ROLES)
    roles = sorted({r for rs in EVENT_ROLES.values() for r in rs})
    rels = "\n".join(f'    <Relation value="{r}"/>' for r in [*RELATION_TYPES, *roles])
    return (f'<View>\n  <Relations>\n{rels}\n  </Relations>\n  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n'
            f'{labels}\n{triggers}\n    <Label value="{ARGUMENT_LABEL}"/>\n  </Labels>\n'
            f'  <Text name="{TO_NAME}" value="$text"/>\n</View>\n')
