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

Reading also accepts what Label Studio itself writes: random region ids, ``direction``
"left", arguments drawn from the argument to the trigger, cancelled annotations (skipped;
the last remaining annotation is used), tasks with predictions only (imported as a
model prediction, unreviewed). ``labeling_config()`` is a matching labelling interface.
"""
from __future__ import annotations

from typing import Any

from ..io import InputError, parse_document
from ..schema import ENTITY_LABELS, EVENT_ROLES, RELATION_TYPES, ModelInfo
from .records import IMPORT, PREDICTION, AnnotationVersion, ImportedDocument, StoredDocument
from .regions import ARGUMENT_LABEL, TRIGGER_PREFIX, FormatError, Region, assemble, flatten

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
    data["zhie"] = {"version": version.version, "reviewed": doc.reviewed, "normalisation": norms}
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


def _chosen(task: dict[str, Any], where: str) -> tuple[list[Any], str, ModelInfo | None, str | None]:
    """The results to import: the last annotation not cancelled, else the last prediction."""
    annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    if annotations:
        chosen = annotations[-1]
        author = chosen.get("zhie_author")
        by = chosen.get("completed_by")
        if not author and isinstance(by, dict):
            author = by.get("email") or by.get("username")
        return _result_list(chosen, where), IMPORT, None, author if isinstance(author, str) and author else None
    predictions = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    if predictions:
        chosen = predictions[-1]
        name, _, version = str(chosen.get("model_version") or "").partition("@")
        return _result_list(chosen, where), PREDICTION, ModelInfo(name or "labelstudio", version), None
    return [], IMPORT, None, None


def from_task(task: Any, where: str) -> ImportedDocument:
    """Read one Label Studio task (``where`` names it in error messages)."""
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
    results, kind, model, author = _chosen(task, where)
    regions: dict[str, tuple[str, dict[str, Any]]] = {}
    links: list[tuple[str, str, str, str]] = []
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
            links.append((here, src, dst, labels[0]))
            continue
        value = item.get("value")
        if item.get("type") != "labels" or not isinstance(value, dict):
            raise FormatError(f"{here}: unsupported result type {item.get('type')!r} (expected labels or relation)")
        labels = value.get("labels") or []
        if len(labels) != 1 or not isinstance(labels[0], str):
            raise FormatError(f"{here}: a region needs exactly one label, got {labels!r}")
        rid = str(item.get("id") or f"r{k}")
        if rid in regions:
            raise FormatError(f"{here}: region id {rid!r} is used twice")
        span = {"start": value.get("start"), "end": value.get("end"), "text": value.get("text")}
        if item.get("score") is not None:
            span["score"] = item["score"]
        regions[rid] = (labels[0], span)
    reviewed = zhie.get("reviewed") if isinstance(zhie.get("reviewed"), bool) else None
    return ImportedDocument(doc, assemble(regions, links, zhie.get("normalisation"), where), kind, reviewed,
                            author, model)


def labeling_config() -> str:
    """A Label Studio labelling interface for these tasks (paste it into the project settings)."""
    labels = "\n".join(f'    <Label value="{l}"/>' for l in ENTITY_LABELS)
    triggers = "\n".join(f'    <Label value="{TRIGGER_PREFIX}{t}"/>' for t in EVENT_ROLES)
    roles = sorted({r for rs in EVENT_ROLES.values() for r in rs})
    rels = "\n".join(f'    <Relation value="{r}"/>' for r in [*RELATION_TYPES, *roles])
    return (f'<View>\n  <Relations>\n{rels}\n  </Relations>\n  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n'
            f'{labels}\n{triggers}\n    <Label value="{ARGUMENT_LABEL}"/>\n  </Labels>\n'
            f'  <Text name="{TO_NAME}" value="$text"/>\n</View>\n')
