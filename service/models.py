"""Pydantic models of the request and response bodies.

The review and admin request bodies (``AddDocumentsRequest``, ``CorrectionRequest``,
``ReviewRequest``, ``ReloadRequest``) validate the body (``service/requests.py`` turns their
errors into the service's 422 naming the field) and document it; their rules are those of the
store's door (``zhie.store.validate``: names of valid Unicode without NUL, version numbers that
fit the store's integer columns).  Documents themselves are validated by
``zhie.io.parse_document`` (exactly what ``zhie extract`` accepts) plus, for the store,
``zhie.store.validate.check_storable_document``, so a bad document of a batch becomes an error
record at its place; their models (``ExtractRequest``, ``StoreDocumentIn``) and the annotation's
(``AnnotationIn``, checked by ``zhie.store.validate.validate_annotation``) document that JSON.
Responses of the extraction endpoints are ``Extraction.to_dict()`` unchanged.
"""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from zhie.store.validate import (INT64_MAX, INT64_MIN, MAX_BASE_VERSION, MAX_NAME, MAX_VERSION, FieldError, check_name,
                                 check_note, check_version)

NO_NUL = "^[^\\u0000]*$"       # JSON Schema pattern: no NUL character (PostgreSQL text cannot hold one)
STORE_ID = "^[^/\\u0000]+$"    # a stored document's id: no '/' (it is part of its URL), no NUL
# The characters str.strip() removes (str.isspace), spelled out: "\\s" means fewer of them in the ECMA
# regex dialect of JSON Schema (no U+001C–U+001F), so a schema-valid name could still be blank here.
BLANK = "\\t\\n\\u000b\\u000c\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
NAME = f"^[^\\u0000]*[^{BLANK}\\u0000][^\\u0000]*$"  # a reviewer's or author's name: not blank, no NUL


def _ref(name: str) -> dict[str, str]:
    """A placeholder for a reference to another schema (pydantic cannot take a bare $ref here);
    ``service/app.py`` turns it into ``{"$ref": "#/components/schemas/<name>"}``."""
    return {REF_KEY: name}


REF_KEY = "x-zhie-ref"


class DocumentMeta(BaseModel):
    model_config = ConfigDict(extra="allow")
    date: str | None = Field(None, description="publication date YYYY-MM-DD (ISO 8601 calendar date), used to "
                                               "resolve relative dates (今年以来, 6月底); other keys are accepted and "
                                               "ignored (and kept by the store)",
                             examples=["2023-06-20"], json_schema_extra={"format": "date"})


class ExtractRequest(BaseModel):
    """One document, as one line of a `zhie extract` JSON Lines file."""

    id: str | int | None = Field(None, description="echoed back in the result (a number becomes a string)")
    text: str = Field(..., description="the article exactly as received; every offset in the result indexes this "
                                       "string (Python str indices, end-exclusive); an empty text gives an empty result")
    meta: DocumentMeta | None = None


class BatchRequest(BaseModel):
    documents: list[ExtractRequest] = Field(..., description="the documents, at most the configured max_batch_docs")


class ModelRef(BaseModel):
    name: str
    version: str


class EntityOut(BaseModel):
    id: str
    label: str = Field(..., description="ZONE, OFFICIAL, COMPANY, AMOUNT, DATE, TITLE, ORG or PROJECT")
    start: int
    end: int
    text: str = Field(..., description="== request text[start:end]")
    score: float | None = None
    value: float | None = Field(None, description="AMOUNT only: value in base units")
    unit: str | None = Field(None, description="AMOUNT only: CNY, m2, mu, t, …")
    approx: bool | None = Field(None, description="AMOUNT only: 约/多/余/近/超")
    norm: str | None = Field(None, description="DATE only: ISO 8601 date, month, year or interval; null if unresolved")
    full_form: str | None = Field(None, description="ZONE, COMPANY, PROJECT written by a short form (云湖高新区 after "
                                  "云湖高新技术产业开发区): the id of the first mention of its full form in the document")


class RelationOut(BaseModel):
    type: str = Field(..., description="HOLDS_TITLE or MEMBER_OF")
    head: str
    tail: str
    score: float | None = None


class TriggerOut(BaseModel):
    start: int
    end: int
    text: str


class ArgumentOut(BaseModel):
    role: str
    entity: str | None = Field(None, description="entity id when the argument is an entity")
    start: int
    end: int
    text: str
    score: float | None = None


class EventOut(BaseModel):
    id: str
    type: str = Field(..., description="SIGN_CONTRACT, VISIT_INSPECT or MEETING")
    trigger: TriggerOut
    score: float | None = None
    arguments: list[ArgumentOut]


class ExtractionOut(BaseModel):
    """The result for one document: the same JSON as one output line of `zhie extract`."""

    id: str | None
    model: ModelRef
    entities: list[EntityOut]
    relations: list[RelationOut]
    events: list[EventOut]


class ErrorDetail(BaseModel):
    type: str = Field(..., description="machine-readable kind: invalid_json, missing_field, invalid_field, "
                                       "too_large, invalid_utf8, unauthorized, model_not_ready, model_error, …")
    message: str
    field: str | None = Field(None, description="the offending field (text, id, meta, meta.date, documents)")
    request_id: str | None = Field(None, description="also in the X-Request-ID header; quote it when reporting")


class ErrorOut(BaseModel):
    error: ErrorDetail


class ErrorRecord(BaseModel):
    """A batch document that failed, at its place in the results."""

    id: Any = Field(None, description="the id sent with the document, if any")
    index: int = Field(..., description="0-based position of the document in the request")
    error: ErrorDetail


class BatchResponse(BaseModel):
    results: list[ExtractionOut | ErrorRecord]


class Limits(BaseModel):
    max_doc_chars: int
    max_batch_docs: int
    max_body_bytes: int


class ModelInfoOut(BaseModel):
    name: str
    version: str
    labels: list[str]
    metrics: dict[str, Any] | None = Field(None, description="evaluation metrics recorded in the model's meta.json")
    precision: str | None = Field(None, description="inference precision in use: fp32, bf16 or int8")
    limits: Limits


class HealthOut(BaseModel):
    status: str = Field(..., description="ok, or failed when the model could not be loaded")
    model: str = Field(..., description="loading, ready or failed")


class ReadyOut(BaseModel):
    status: str = Field(..., description="ready, loading or failed")
    model: ModelRef | None = None
    error: str | None = None


# ---------------------------------------------------------------- the review loop's bodies

class StoreDocumentIn(BaseModel):
    """A document for the annotation store: as for `/v1/extract`, with what the store can hold."""

    id: (Annotated[str, Field(min_length=1, max_length=MAX_NAME, json_schema_extra={"pattern": STORE_ID})]
         | Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)] | None) = Field(
        None, description="the document's id (a number becomes a string); generated (d-…) when absent; at most "
                          "256 characters, no '/'")
    text: str = Field(..., description="the article; no NUL character", json_schema_extra={"pattern": NO_NUL})
    meta: DocumentMeta | None = None


def _name_field(description: str, default: Any = ...) -> Any:
    return Field(default, description=description,
                 json_schema_extra={"minLength": 1, "maxLength": MAX_NAME, "pattern": NAME})


class AddDocumentsRequest(BaseModel):
    """`POST /v1/documents`: documents to predict and store."""

    documents: Annotated[list[Any], WithJsonSchema({"type": "array", "items": _ref("StoreDocumentIn")})] = Field(
        ..., description="the documents, at most the configured max_batch_docs; a bad one becomes an error record "
                         "at its place")
    added_by: str = _name_field("who added them (recorded with each document)", "api")

    @field_validator("documents", mode="before")
    @classmethod
    def _array(cls, value: Any) -> Any:
        if not isinstance(value, list):
            raise FieldError("documents", "field 'documents' must be an array of documents")
        return value

    @field_validator("added_by", mode="before")
    @classmethod
    def _added_by(cls, value: Any) -> str:
        return check_name(value, "added_by")


class TriggerIn(BaseModel):
    start: int = Field(..., ge=0)
    end: int = Field(..., ge=1)
    text: str | None = Field(None, description="== text[start:end]; filled in when absent")


class ArgumentIn(BaseModel):
    role: str = Field(..., description="a role of the event type (SCHEMA.md): party, date, amount, project, "
                                       "agreement, visitor, target, companion, chair, organizer, name, …")
    entity: str | None = Field(None, description="id of an entity of this annotation; its offsets may be left out")
    start: int | None = Field(None, ge=0)
    end: int | None = Field(None, ge=1)
    text: str | None = None


class EntityIn(BaseModel):
    id: str | None = Field(None, description="unique in the annotation; e<n> is filled in when absent")
    label: str = Field(..., description="ZONE, OFFICIAL, COMPANY, AMOUNT, DATE, TITLE, ORG or PROJECT")
    start: int = Field(..., ge=0)
    end: int = Field(..., ge=1, description="end-exclusive; entities may not nest or overlap")
    text: str | None = Field(None, description="== text[start:end]; filled in when absent")
    value: float | None = Field(None, description="AMOUNT only")
    unit: str | None = Field(None, description="AMOUNT only")
    approx: bool | None = Field(None, description="AMOUNT only")
    norm: str | None = Field(None, description="DATE only: ISO 8601")


class RelationIn(BaseModel):
    type: str = Field(..., description="HOLDS_TITLE (OFFICIAL -> TITLE) or MEMBER_OF (OFFICIAL -> ZONE/COMPANY/ORG)")
    head: str = Field(..., description="an entity id")
    tail: str = Field(..., description="an entity id")


class EventIn(BaseModel):
    id: str | None = None
    type: str = Field(..., description="SIGN_CONTRACT, VISIT_INSPECT or MEETING")
    trigger: TriggerIn
    arguments: list[ArgumentIn] = []


class AnnotationIn(BaseModel):
    """A document's annotation; validated against its text (offsets, labels, roles: zhie.store.validate)."""

    entities: list[EntityIn] = []
    relations: list[RelationIn] = []
    events: list[EventIn] = []


class CorrectionRequest(BaseModel):
    """`PUT /v1/documents/{id}/annotation`: a correction based on `base_version`."""

    base_version: int = Field(..., ge=0, le=MAX_BASE_VERSION, description="the version the change was made from "
                              "(GET /v1/documents/{id} gives it); 409 if the document moved on")
    reviewer: str = _name_field("who made the correction")
    annotation: Annotated[dict[str, Any], WithJsonSchema(_ref("AnnotationIn"))] = Field(
        ..., description="entities, relations and events")
    reviewed: bool = Field(True, description="false saves a draft that stays in the review queue")
    note: str | None = Field(None, description="why (kept in the history); no NUL",
                             json_schema_extra={"pattern": NO_NUL})

    @field_validator("base_version", mode="before")
    @classmethod
    def _base(cls, value: Any) -> int:
        return check_version(value, "base_version", 0, MAX_BASE_VERSION)

    @field_validator("reviewer", mode="before")
    @classmethod
    def _reviewer(cls, value: Any) -> str:
        return check_name(value, "reviewer")

    @field_validator("annotation", mode="before")
    @classmethod
    def _annotation(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise FieldError("annotation", "field 'annotation' must be an object {entities, relations, events}")
        return value

    @field_validator("reviewed", mode="before")
    @classmethod
    def _reviewed(cls, value: Any) -> bool:
        if not isinstance(value, bool):
            raise FieldError("reviewed", "field 'reviewed' must be true or false")
        return value

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: Any) -> str | None:
        return check_note(value)


class ReviewRequest(BaseModel):
    """`POST /v1/documents/{id}/reviewed`: the current version is correct as it stands."""

    base_version: int = Field(..., ge=1, le=MAX_VERSION, description="the version that was reviewed (must be current)")
    reviewer: str = _name_field("who reviewed it")

    @field_validator("base_version", mode="before")
    @classmethod
    def _base(cls, value: Any) -> int:
        return check_version(value, "base_version", 1, MAX_VERSION)

    @field_validator("reviewer", mode="before")
    @classmethod
    def _reviewer(cls, value: Any) -> str:
        return check_name(value, "reviewer")


class ReloadRequest(BaseModel):
    """`POST /v1/admin/reload`: the model folder to switch to (default: the configured one)."""

    model: str | None = Field(None, description="path of a model folder on the server",
                              json_schema_extra={"minLength": 1})

    @field_validator("model", mode="before")
    @classmethod
    def _model(cls, value: Any) -> str | None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise FieldError("model", "field 'model' must be the path of a model folder")
        return value


REQUEST_MODELS = (ExtractRequest, BatchRequest, StoreDocumentIn, AddDocumentsRequest, AnnotationIn, CorrectionRequest,
                  ReviewRequest, ReloadRequest)

SIGNING_TEXT = ("## 晋中开发区\n\n# 高端装备项目签约落地\n\n本刊讯 2023年5月18日，晋中开发区与山西华晟新材料有限公司"
                "签约，总投资约15亿元的高端装备制造基地项目落户园区。党工委委员、管委会副主任田磊出席。")
VISIT_TEXT = "近日，市商务局局长周晓东到太原武宿综合保税区调研，察看了晋能控股集团的生产线。"

EXTRACT_EXAMPLES: dict[str, dict[str, Any]] = {
    "signing": {"summary": "a magazine item with a heading and a publication date",
                "value": {"id": "doc-1", "text": SIGNING_TEXT, "meta": {"date": "2023-06-20"}}},
    "minimal": {"summary": "text only", "value": {"text": VISIT_TEXT}},
}
BATCH_EXAMPLES: dict[str, dict[str, Any]] = {
    "two documents": {"summary": "results come back in the same order",
                      "value": {"documents": [{"id": "a", "text": SIGNING_TEXT, "meta": {"date": "2023-06-20"}},
                                              {"id": "b", "text": VISIT_TEXT}]}},
}
