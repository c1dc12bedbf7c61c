"""The OpenAPI document (``/openapi.json``) and a bounded schemathesis run against it.

The document must describe every request body (the review and admin ones too), every error
answer an operation can give (401/404/409/413/422/503 where they can happen) and
``meta.date``'s format, so that schemathesis can exercise the store.  The run sends
schema-generated requests (valid and invalid, all built-in checks: no server error, status
codes, content types and bodies conforming to the document, valid data accepted, invalid
data rejected, authentication enforced …) to the ASGI app with a token and a store on disk.

``ZHIE_SCHEMATHESIS_EXAMPLES`` sets the examples per operation (default 30, about a minute on
a 2-core machine) and ``ZHIE_SCHEMATHESIS_STORE`` the store (default: a new SQLite file); a
large run: ``ZHIE_SCHEMATHESIS_EXAMPLES=900 python -m pytest tests/test_openapi.py -k schemathesis
--hypothesis-show-statistics`` (``ZHIE_SCHEMATHESIS_RANDOM=1``: other cases than the fixed seed's).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings

from conftest import TINY_MODEL
from service import Settings, create_app

TOKEN = "openapi-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES = int(os.environ.get("ZHIE_SCHEMATHESIS_EXAMPLES", "30"))


def make_app(store: Path, **changes: Any):  # noqa: ANN201
    return create_app(Settings(model=TINY_MODEL, store_url=str(store), api_token=TOKEN, max_batch_docs=8,
                               max_doc_chars=2000, **changes))


@pytest.fixture(scope="module")
def document(tmp_path_factory) -> Iterator[dict[str, Any]]:
    app = make_app(tmp_path_factory.mktemp("openapi") / "s.sqlite")
    with TestClient(app) as c:
        yield c.get("/openapi.json").json()


def operation(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return doc["paths"][path][method]


def body_schema(doc: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]]


EXPECTED = {  # operation → the error answers it can give
    ("post", "/v1/extract"): {"400", "401", "413", "415", "422", "500", "503"},
    ("post", "/v1/extract/batch"): {"400", "401", "413", "415", "422", "500", "503"},
    ("post", "/v1/documents"): {"400", "401", "413", "415", "422", "500", "503"},
    ("get", "/v1/review/queue"): {"422", "500", "503"},
    ("get", "/v1/documents/{doc_id}"): {"404", "422", "500", "503"},
    ("put", "/v1/documents/{doc_id}/annotation"): {"400", "401", "404", "409", "413", "415", "422", "500", "503"},
    ("post", "/v1/documents/{doc_id}/reviewed"): {"400", "401", "404", "409", "413", "415", "422", "500", "503"},
    ("get", "/v1/documents/{doc_id}/history"): {"404", "422", "500", "503"},
    ("post", "/v1/admin/reload"): {"400", "401", "403", "409", "413", "415", "422", "500"},
}


@pytest.mark.parametrize("method,path", sorted(EXPECTED))
def test_every_operation_documents_its_error_answers(document, method, path):
    responses = operation(document, method, path)["responses"]
    errors = {code for code in responses if code >= "400"}
    assert errors == EXPECTED[(method, path)]
    for code in errors:  # the service's one error shape, never FastAPI's HTTPValidationError
        assert responses[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_request_bodies_are_documented_with_the_doors_rules(document):
    add = body_schema(document, operation(document, "post", "/v1/documents"))
    assert add["required"] == ["documents"] and add["properties"]["documents"]["maxItems"] == 8
    item = document["components"]["schemas"]["StoreDocumentIn"]
    assert item["properties"]["text"]["maxLength"] == 2000 and "\\u0000" in item["properties"]["text"]["pattern"]
    ids = item["properties"]["id"]["anyOf"]
    assert {"maxLength": 256, "minLength": 1, "pattern": "^[^/\\u0000]+$", "type": "string"} in ids
    assert {"maximum": 2**63 - 1, "minimum": -(2**63), "type": "integer"} in ids

    put = body_schema(document, operation(document, "put", "/v1/documents/{doc_id}/annotation"))
    assert set(put["required"]) == {"base_version", "reviewer", "annotation"}
    assert put["properties"]["base_version"]["maximum"] == 2**31 - 2
    assert put["properties"]["annotation"]["$ref"] == "#/components/schemas/AnnotationIn"
    annotation = document["components"]["schemas"]["AnnotationIn"]
    assert set(annotation["properties"]) == {"entities", "relations", "events"}

    review = body_schema(document, operation(document, "post", "/v1/documents/{doc_id}/reviewed"))
    assert review["properties"]["base_version"] == {**review["properties"]["base_version"], "minimum": 1,
                                                    "maximum": 2**31 - 1}
    reload = operation(document, "post", "/v1/admin/reload")
    assert reload["requestBody"]["required"] is False and "model" in body_schema(document, reload)["properties"]

    version = next(p for p in operation(document, "get", "/v1/documents/{doc_id}")["parameters"]
                   if p["name"] == "version")
    assert version["schema"]["anyOf"][0]["maximum"] == 2**31 - 1


def test_meta_date_format_is_documented(document):
    date = document["components"]["schemas"]["DocumentMeta"]["properties"]["date"]
    assert date["format"] == "date" and "YYYY-MM-DD" in date["description"]


def test_the_writes_require_the_token_in_the_document(document):
    for method, path in EXPECTED:
        security = operation(document, method, path).get("security")
        assert (security == [{"HTTPBearer": []}]) == (method != "get"), (method, path)


# ---------------------------------------------------------------- the schemathesis run

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.core.failures import AcceptedNegativeData, FailureGroup  # noqa: E402
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

# Valid by the schema but refused for reasons a JSON Schema cannot state: an annotation whose
# offsets do not fit the document's text, a model path that is no model folder.
SEMANTIC_REFUSALS = {("PUT", "/v1/documents/{doc_id}/annotation"): {"invalid_annotation"},
                     ("POST", "/v1/admin/reload"): {"invalid_model"}}


def _schema():  # noqa: ANN202
    import tempfile
    store = os.environ.get("ZHIE_SCHEMATHESIS_STORE") or Path(tempfile.mkdtemp(prefix="zhie-schemathesis-")) / "s.sqlite"
    app = make_app(store)
    app.state.runtime.load()  # the lifespan would load it in the background; here it is loaded at once
    # 413 (text over max_doc_chars, which the schema states as maxLength) is a rejection too
    rejections = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
    config = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": rejections}}})
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


# A batch answers a bad document with an error record at its place (200), not by refusing the
# whole request: there, invalid data must be refused or reported at its place.
BATCHES = {("POST", "/v1/extract/batch"), ("POST", "/v1/documents")}

schema = _schema()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("ZHIE_SCHEMATHESIS_RANDOM") != "1",
          database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_schemathesis_all_checks(case):
    key = (case.method.upper(), case.path)
    semantic = SEMANTIC_REFUSALS.get(key)
    response = case.call(headers=AUTH)
    try:
        case.validate_response(response, excluded_checks=[positive_data_acceptance] if semantic else None,
                               headers=AUTH)
    except FailureGroup as group:
        kept = [f for f in group.exceptions
                if not (key in BATCHES and isinstance(f, AcceptedNegativeData) and reported_in_place(response))]
        if kept:
            raise
    mode = case.meta.generation.mode if case.meta is not None else None
    if semantic and response.status_code == 422 and mode is not None and mode.is_positive:
        kind = response.json()["error"]["type"]
        assert kind in semantic, f"{key}: schema-valid data refused as {kind}: {response.text}"


def reported_in_place(response) -> bool:  # noqa: ANN001
    """A batch answer (200) that reports a bad document by an error record at its place."""
    if response.status_code != 200:
        return False
    results = response.json()["results"]
    errors = [(i, r) for i, r in enumerate(results) if "error" in r]
    return bool(errors) and all(r["index"] == i and r["error"]["type"] and r["error"]["message"] for i, r in errors)
