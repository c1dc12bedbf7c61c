"""The API documentation: ``GET /openapi.json``, the Swagger UI page ``GET /docs`` with its files
served from the installed swagger-ui-bundle package (works offline), ``/redoc`` → ``/docs``."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, RedirectResponse

from ..deps import Auth
from ..errors import ApiError
from ..openapi import openapi_document
from ..responses import JSONUTF8Response

SWAGGER_ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
                  "favicon-32x32.png": "image/png"}


def swagger_asset(name: str) -> FileResponse:
    """One of Swagger UI's three files, or the service's 404 (no other file of the package is served)."""
    import swagger_ui_bundle

    if name not in SWAGGER_ASSETS:
        raise ApiError(404, "not_found", f"no documentation asset {name!r}")
    return FileResponse(Path(swagger_ui_bundle.swagger_ui_path) / name, media_type=SWAGGER_ASSETS[name],
                        headers={"Cache-Control": "public, max-age=86400"})


def docs_router(auth: Auth) -> APIRouter:
    router = APIRouter()

    @router.get("/openapi.json", include_in_schema=False, dependencies=auth.read)
    async def openapi_json(request: Request) -> JSONUTF8Response:
        return JSONUTF8Response(openapi_document(request.app))

    @router.get("/docs", include_in_schema=False, dependencies=auth.read)
    async def docs():  # noqa: ANN202
        return get_swagger_ui_html(openapi_url="/openapi.json", title="zhie — API",
                                   swagger_js_url="/docs/assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs/assets/swagger-ui.css",
                                   swagger_favicon_url="/docs/assets/favicon-32x32.png")

    @router.get("/docs/assets/{name}", include_in_schema=False, dependencies=auth.read)
    async def docs_asset(name: str):  # noqa: ANN202
        """Swagger UI's files from the installed swagger-ui-bundle package: the page works offline."""
        return swagger_asset(name)

    @router.get("/redoc", include_in_schema=False)
    async def redoc() -> RedirectResponse:   # one documentation page: Swagger UI
        return RedirectResponse("/docs")

    return router
