"""/docs works with no internet: Swagger UI's files come from the service itself; /redoc leads there."""
from fastapi.testclient import TestClient

from service import Settings, create_app
from tests.conftest import TINY_MODEL


def test_docs_page_loads_its_assets_from_the_service(tmp_path):
    app = create_app(Settings(model=TINY_MODEL, store_url=str(tmp_path / "s.sqlite")))
    with TestClient(app) as c:
        page = c.get("/docs")
        assert page.status_code == 200
        assert "cdn." not in page.text and "https://" not in page.text
        for url, kind in (("/docs/assets/swagger-ui-bundle.js", "javascript"), ("/docs/assets/swagger-ui.css", "css")):
            assert url in page.text
            asset = c.get(url)
            assert asset.status_code == 200 and kind in asset.headers["content-type"] and len(asset.content) > 10_000
        missing = c.get("/docs/assets/index.html")
        assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found"
        redoc = c.get("/redoc", follow_redirects=False)
        assert redoc.status_code in (302, 307) and redoc.headers["location"] == "/docs"
