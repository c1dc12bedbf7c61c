"""The OpenAPI document: FastAPI's, plus the request-body schemas of ``service/models.py`` (the
endpoints read their bodies themselves) with the configured limits written into them."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from . import models as m
from .settings import Settings


def request_body(model_name: str, examples: dict[str, dict[str, Any]] | None = None,
                 required: bool = True) -> dict[str, Any]:
    """``openapi_extra`` of an operation whose JSON body is ``model_name`` (a schema of ``models.py``)."""
    content: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{model_name}"}}
    if examples:
        content["examples"] = examples
    return {"requestBody": {"required": required, "content": {"application/json": content}}}


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The app's document (built once), with ``max_batch_docs`` and ``max_doc_chars`` in the schemas."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        _, defs = models_json_schema([(model, "validation") for model in m.REQUEST_MODELS],
                                     ref_template="#/components/schemas/{model}")
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in defs.get("$defs", {}).items():
            schemas.setdefault(name, resolve_refs(definition))
        settings: Settings = app.state.settings
        for name in ("BatchRequest", "AddDocumentsRequest"):
            schemas[name]["properties"]["documents"]["maxItems"] = settings.max_batch_docs
        for name in ("ExtractRequest", "StoreDocumentIn"):
            schemas[name]["properties"]["text"]["maxLength"] = settings.max_doc_chars
        app.openapi_schema = schema
    return app.openapi_schema


def resolve_refs(node: Any) -> Any:
    """``{"x-zhie-ref": name, …}`` (``service/models.py``) → ``{"$ref": "#/components/schemas/name", …}``."""
    if isinstance(node, dict):
        out = {k: resolve_refs(v) for k, v in node.items() if k != m.REF_KEY}
        if m.REF_KEY in node:
            out["$ref"] = f"#/components/schemas/{node[m.REF_KEY]}"
        return out
    if isinstance(node, list):
        return [resolve_refs(v) for v in node]
    return node
