"""Pydantic models of the request and response bodies, used for the OpenAPI document
(``/docs``) only.

Requests are validated by ``zhie.io.parse_document`` (exactly what ``zhie extract``
accepts), and responses are ``Extraction.to_dict()`` unchanged, so that the service and
the command line can never disagree; these models describe that JSON for clients.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class DocumentMeta(BaseModel):
    model_config = ConfigDict(extra="allow")
    date: str | None = Field(None, description="publication date YYYY-MM-DD, used to resolve relative dates "
                                               "(今年以来, 6月底); other keys are accepted and ignored",
                             examples=["2023-06-20"])


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


REQUEST_MODELS = (ExtractRequest, BatchRequest)

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
