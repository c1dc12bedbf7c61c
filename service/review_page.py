"""The review page: the correction loop in a browser, for editors who do not run Label Studio.

    GET /review                  the page (HTML; its script and style sheet are served beside it)
    GET /review/static/{name}    review.js, review.css (files of service/static/review/, nothing else)
    GET /review/schema.json      labels, colours, shortcut keys, relation types and event roles

The page is hand-written HTML/JS/CSS with no framework and no asset from the internet (its
Content-Security-Policy allows this origin only).  It talks to the review endpoints of
``service/review.py`` exactly as any client does: the queue, a document, ``PUT …/annotation``
with ``base_version`` (a 409 becomes "changed meanwhile — reload"), ``POST …/reviewed``.
The bearer token is asked for in the page and kept in the tab's sessionStorage.

The page and its files hold no data, so they are served without a token; every data request
the page makes carries the token when one was given.  Labels, relation types and roles come
from ``zhie.schema`` so the page cannot drift from the contract; the colours are defined once
here.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel

from zhie.schema import CORE_LABELS, ENTITY_LABELS, EVENT_ROLES, RELATION_TYPES

from .errors import ApiError
from .responses import JSONUTF8Response

STATIC_DIR = Path(__file__).resolve().parent / "static" / "review"
STATIC_FILES = {"review.js": "text/javascript; charset=utf-8", "review.css": "text/css; charset=utf-8"}

# one colour per entity label (a light background that keeps black text legible) and per event type
LABEL_COLOURS: dict[str, str] = {
    "ZONE": "#8fd8cb", "OFFICIAL": "#f9b8a4", "COMPANY": "#a9c9f2", "AMOUNT": "#f6d96f",
    "DATE": "#cdb6ea", "TITLE": "#f4c7df", "ORG": "#bbe3a6", "PROJECT": "#f9ca8e",
}
EVENT_COLOURS: dict[str, str] = {"SIGN_CONTRACT": "#c2410c", "VISIT_INSPECT": "#1d4ed8", "MEETING": "#6d28d9"}

# the page's own origin only: no script, style, font or request may leave the service
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
NO_CACHE = {"Cache-Control": "no-cache"}


class LabelInfo(BaseModel):
    label: str
    colour: str
    key: str          # the keyboard shortcut that gives a selected span (or entity) this label
    core: bool


class RelationInfo(BaseModel):
    type: str
    head: list[str]   # labels allowed at each end
    tail: list[str]


class EventTypeInfo(BaseModel):
    type: str
    colour: str
    roles: list[str]


class ReviewSchema(BaseModel):
    """What the page needs to know about the contract (SCHEMA.md through ``zhie.schema``)."""

    labels: list[LabelInfo]
    relations: list[RelationInfo]
    events: list[EventTypeInfo]


def review_schema() -> ReviewSchema:
    missing = [label for label in ENTITY_LABELS if label not in LABEL_COLOURS]
    missing += [etype for etype in EVENT_ROLES if etype not in EVENT_COLOURS]
    if missing or len(ENTITY_LABELS) > 9:
        raise RuntimeError(f"review page: no colour for {missing} or more than 9 labels for the keys 1-9")
    return ReviewSchema(
        labels=[LabelInfo(label=label, colour=LABEL_COLOURS[label], key=str(i + 1), core=label in CORE_LABELS)
                for i, label in enumerate(ENTITY_LABELS)],
        relations=[RelationInfo(type=rtype, head=sorted(heads), tail=sorted(tails))
                   for rtype, (heads, tails) in RELATION_TYPES.items()],
        events=[EventTypeInfo(type=etype, colour=EVENT_COLOURS[etype], roles=list(roles))
                for etype, roles in EVENT_ROLES.items()])


def review_page_router() -> APIRouter:
    """The page's routes (no token: the page holds no data; its requests carry the token)."""
    router = APIRouter(tags=["review page"], include_in_schema=False)
    schema = review_schema().model_dump()

    @router.get("/review")
    async def page() -> Response:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": CSP, **NO_CACHE})

    @router.get("/review/schema.json")
    async def page_schema() -> JSONUTF8Response:
        return JSONUTF8Response(schema, headers=NO_CACHE)

    @router.get("/review/static/{name}")
    async def static(name: str) -> Response:
        if name not in STATIC_FILES:
            raise ApiError(404, "not_found", f"no file {name!r} on the review page "
                           f"(files: {', '.join(sorted(STATIC_FILES))})")
        return FileResponse(STATIC_DIR / name, media_type=STATIC_FILES[name], headers=NO_CACHE)

    return router
