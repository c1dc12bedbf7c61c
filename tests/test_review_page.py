"""The review page (service/review_page.py, service/static/review/) end to end in real headless Chromium.

A real server on loopback (the tiny lexicon model, a temporary SQLite store, a token that reads need
too) gets documents through the API; the page asks for the token, shows the queue in the API's order,
and an editor corrects a span, a DATE norm and an event argument, saves, and the store holds a new
version with exactly that correction and its history.  A second editor's save after the document
changed through the API meanwhile says "changed meanwhile — reload" and saves nothing; after the reload
a draft and a review mark go through.  The run takes a screenshot; with ZHIE_WRITE_SCREENSHOT=1 it is
written to docs/review.png, the README's (otherwise to a temporary folder, so a test run leaves the
checkout as it was).

Chromium is Debian's (/usr/bin/chromium, or $ZHIE_CHROMIUM), driven by Python Playwright; the browser
tests skip with the reason when either is missing (CI installs both, see .ci/run).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from conftest import REPO_ROOT, TINY_MODEL
from live_server import thread_server
from service import Settings, create_app
from service.review_page import EVENT_COLOURS, LABEL_COLOURS
from zhie.schema import ENTITY_LABELS, EVENT_ROLES, RELATION_TYPES

TOKEN = "page-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CHROMIUM = Path(os.environ.get("ZHIE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DOCS_SCREENSHOT = REPO_ROOT / "docs" / "review.png"
CONFLICT = "changed meanwhile — reload"

# the tiny model misses the company (not in its lexicon) and cannot resolve 今年以来 without a document date;
# 𠮷 (U+20BB7) is one code point but two UTF-16 units: every offset after it tells the two apart
COMPANY = "山西𠮷星光伏科技有限公司"
SIGN_TEXT = f"𠮷星光伏项目签约落户\n今年以来，晋中开发区与{COMPANY}签约，总投资约15亿元的高端装备制造基地项目落户园区。" \
            "\n市委书记李明远到太原武宿综合保税区调研。"
NOTHING_TEXT = "今天天气很好，园区道路整洁。"
# the lexicon tags 市商务局 as ORG; by SCHEMA the title phrase 市商务局局长 is one TITLE
VISIT_TEXT = "6月2日，市委书记李明远到太原武宿综合保税区调研，市商务局局长周晓东陪同。"


# ---------------------------------------------------------------- the page's routes (no browser needed)

def test_the_page_and_its_schema_are_served_from_the_service_only(tmp_path):
    app = create_app(Settings(model=TINY_MODEL, store_url=str(tmp_path / "s.sqlite"), api_token=TOKEN,
                              read_token_required=True))
    with TestClient(app) as client:
        page = client.get("/review")  # the page holds no data: no token needed
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        csp = page.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
        assert '<script src="/review/static/review.js"' in page.text and "http" not in page.text
        for name, kind in (("review.js", "text/javascript"), ("review.css", "text/css")):
            r = client.get(f"/review/static/{name}")
            assert r.status_code == 200 and r.headers["content-type"].startswith(kind)
            assert "http://" not in r.text and "https://" not in r.text  # nothing fetched from the internet
        for bad in ("index2.html", "..%2Freview_page.py", "%2E%2E%2F%2E%2E%2Fapp.py"):
            r = client.get(f"/review/static/{bad}")
            assert r.status_code == 404 and r.json()["error"]["type"] == "not_found", bad
        schema = client.get("/review/schema.json").json()
        assert client.get("/v1/review/queue").status_code == 401  # while the data stays behind the token

    assert [l["label"] for l in schema["labels"]] == list(ENTITY_LABELS)
    assert [l["key"] for l in schema["labels"]] == [str(i) for i in range(1, len(ENTITY_LABELS) + 1)]
    assert {l["label"]: l["colour"] for l in schema["labels"]} == LABEL_COLOURS
    assert len(set(LABEL_COLOURS.values())) == len(LABEL_COLOURS)
    assert {v["type"]: tuple(v["roles"]) for v in schema["events"]} == EVENT_ROLES
    assert {v["type"]: v["colour"] for v in schema["events"]} == EVENT_COLOURS
    assert {r["type"]: (set(r["head"]), set(r["tail"])) for r in schema["relations"]} == RELATION_TYPES


# ---------------------------------------------------------------- the browser

@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    store = tmp_path_factory.mktemp("review-page") / "store.sqlite"
    settings = Settings(model=TINY_MODEL, store_url=str(store), api_token=TOKEN, read_token_required=True)
    with thread_server(settings) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk (or set ZHIE_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Python Playwright is not installed: pip install playwright (it is in the test extra)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def api(server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, headers=AUTH, timeout=30) as client:
        yield client


@pytest.fixture
def page(browser, server):
    """A fresh tab (own sessionStorage); afterwards: no script error, no request that left the service."""
    context = browser.new_context(viewport={"width": 1500, "height": 940}, locale="zh-CN", device_scale_factor=1)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    requests: list[str] = []
    errors: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.on("pageerror", lambda e: errors.append(str(e)))
    yield tab
    context.close()
    assert not errors, f"script errors in the page: {errors}"
    outside = [u for u in requests if not u.startswith(server + "/")]
    assert requests and not outside, f"the page fetched from outside the service: {outside}"


def add(api: httpx.Client, *docs: dict[str, Any]) -> None:
    r = api.post("/v1/documents", json={"documents": list(docs), "added_by": "test"})
    assert r.status_code == 200, r.text
    assert all("error" not in x for x in r.json()["results"]), r.text


def open_review(page, server: str, reviewer: str) -> None:
    """Open the page; reads need the token here, so the page asks for it; give it and a reviewer name."""
    page.goto(f"{server}/review")
    dialog = page.locator("#token-dialog")
    dialog.wait_for(state="visible")
    assert "API token" in page.locator("#token-reason").inner_text()
    page.fill("#token-input", TOKEN)
    page.click("#token-save")
    dialog.wait_for(state="hidden")
    page.locator("#queue li[data-id]").first.wait_for()
    assert page.evaluate("sessionStorage.getItem('zhie.review.token')") == TOKEN
    assert page.locator("#token-state").inner_text() == "token set"
    page.fill("#reviewer", reviewer)


def open_document(page, doc_id: str) -> None:
    page.click(f"#queue li[data-id='{doc_id}'] button")
    page.wait_for_function("id => document.querySelector('#doc-title').textContent === id", arg=doc_id)


def marks(page) -> list[dict[str, str]]:
    """The highlighted entities as shown: id, label tag, text (textContent: the tag is CSS, not text)."""
    return page.locator("#text mark.ent").evaluate_all(
        "els => els.map(e => ({id: e.dataset.id, tag: e.dataset.label, text: e.textContent, "
        "background: getComputedStyle(e).backgroundColor}))")


def drag_select(page, surface: str) -> None:
    """Select ``surface`` in the document text with the mouse, as a person does (press, drag, release)."""
    box = page.evaluate("""surface => {
        const walker = document.createTreeWalker(document.querySelector('#text'), NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(surface);
            if (at < 0) continue;
            const rect = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                                  return r.getBoundingClientRect(); };
            const first = rect(at), last = rect(at + surface.length - 1);
            return {x0: first.left + 1, y0: first.top + first.height / 2, x1: last.right - 1, y1: last.top + last.height / 2};
        }
        return null;
    }""", surface)
    assert box, f"{surface!r} is not plain text of the page"
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, (box["y0"] + box["y1"]) / 2, steps=4)
    page.mouse.move(box["x1"], box["y1"], steps=4)
    page.mouse.up()


def click_mark(page, text: str) -> str:
    mark = page.locator("#text mark.ent", has_text=text).first
    mark.click()
    page.locator("#entity-pane").wait_for(state="visible")
    assert page.locator("#ent-text").inner_text() == text
    return mark.get_attribute("data-id")


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


def test_an_editor_corrects_a_span_a_norm_and_an_event_argument(page, server, api, tmp_path):
    add(api, {"id": "p1-nothing", "text": NOTHING_TEXT}, {"id": "p1-sign", "text": SIGN_TEXT})
    keys = {l["label"]: l["key"] for l in api.get("/review/schema.json").json()["labels"]}
    open_review(page, server, "王芳")

    # the queue, most uncertain first, exactly as the API orders it
    shown = page.locator("#queue li[data-id]").evaluate_all("els => els.map(e => e.dataset.id)")
    assert shown == [d["id"] for d in api.get("/v1/review/queue", params={"limit": 100}).json()["documents"]]
    assert shown.index("p1-nothing") < shown.index("p1-sign")  # a document with nothing found comes first

    open_document(page, "p1-sign")
    before = api.get("/v1/documents/p1-sign").json()
    assert before["version"] == 1
    shown_marks = marks(page)
    assert [(m["id"], m["text"]) for m in shown_marks] == [(e["id"], e["text"]) for e in before["annotation"]["entities"]]
    labels = {e["id"]: e["label"] for e in before["annotation"]["entities"]}
    assert all(m["background"] == rgb(LABEL_COLOURS[labels[m["id"]]]) for m in shown_marks)  # a colour per label
    assert any(m["tag"] == "AMOUNT · 1,500,000,000 CNY ≈" for m in shown_marks)  # normalised values visible
    assert page.locator("#events .event").count() == len(before["annotation"]["events"])
    assert page.locator("#text .trig").count() >= 1 and page.locator("#relations li[data-index]").count() == 1

    # 1. a span the model missed: select it with the mouse, press the COMPANY key
    drag_select(page, COMPANY)
    assert page.locator("#sel-text").inner_text() == COMPANY
    page.keyboard.press(keys["COMPANY"])
    company = page.locator("#text mark.ent", has_text=COMPANY)
    company.wait_for()
    assert company.get_attribute("data-label") == "COMPANY"
    company_id = company.get_attribute("data-id")
    assert "unsaved" in page.locator("#doc-version").inner_text()

    # 2. the DATE the model could not resolve: click it, type its norm
    click_mark(page, "今年以来")
    page.fill("#norm-date", "2023-01-01/2023-05-18")
    page.press("#norm-date", "Enter")
    page.wait_for_function("() => [...document.querySelectorAll('#text mark.ent')].some("
                           "m => m.dataset.label === 'DATE · 2023-01-01/2023-05-18')")

    # 3. the signing's missing party: an argument pointing at the new company
    sign = page.locator("#events .event", has=page.locator("select.event-type option[selected]",
                                                           has_text="SIGN_CONTRACT"))
    assert sign.count() == 1
    args_before = sign.locator("table.args tr").count()
    sign.locator(".arg-add select.role").select_option("party")
    sign.locator(".arg-add select.target").select_option(f"entity:{company_id}")
    sign.locator(".arg-add-button").click()
    sign = page.locator(".event[data-id='%s']" % sign.get_attribute("data-id"))
    assert sign.locator("table.args tr").count() == args_before + 1

    page.click("#save-reviewed")
    page.wait_for_function("() => document.querySelector('#status').textContent.startsWith('saved version 2')")

    # the store: a new version holding the correction, reviewed, with its history
    after = api.get("/v1/documents/p1-sign").json()
    assert after["version"] == 2 and after["reviewed"] is True
    ents = {e["id"]: e for e in after["annotation"]["entities"]}
    start = SIGN_TEXT.index(COMPANY)
    assert {k: ents[company_id][k] for k in ("label", "start", "end", "text")} == {
        "label": "COMPANY", "start": start, "end": start + len(COMPANY), "text": COMPANY}
    assert [e["norm"] for e in ents.values() if e["text"] == "今年以来"] == ["2023-01-01/2023-05-18"]
    signing = [v for v in after["annotation"]["events"] if v["type"] == "SIGN_CONTRACT"]
    assert len(signing) == 1 and {"role": "party", "entity": company_id, "start": start, "end": start + len(COMPANY),
                                  "text": COMPANY} in signing[0]["arguments"]
    untouched = [e for e in before["annotation"]["entities"] if e["text"] != "今年以来"]
    assert all({k: v for k, v in e.items() if k != "score"} in after["annotation"]["entities"] for e in untouched)
    history = api.get("/v1/documents/p1-sign/history").json()
    assert [(v["version"], v["kind"], v["author"]) for v in history["versions"]] == [
        (1, "prediction", "model:tiny-lexicon@test"), (2, "correction", "王芳")]
    assert any(COMPANY in item for item in history["versions"][1]["changes"]["entities"]["added"])
    assert [(r["version"], r["reviewer"]) for r in history["reviews"]] == [(2, "王芳")]
    # … and the page shows it: version 2 reviewed, its history, the queue without the document
    assert page.locator("#doc-version").inner_text().startswith("version 2 · reviewed")
    assert "王芳" in page.locator("#history li[data-version='2'][data-kind='correction']").inner_text()
    assert page.locator("#queue li[data-id='p1-sign']").count() == 0

    # the README's screenshot: the corrected document with an AMOUNT and its normalisation open
    click_mark(page, "约15亿元")
    assert page.input_value("#norm-value") == "1500000000" and page.input_value("#norm-unit") == "CNY"
    shot = DOCS_SCREENSHOT if os.environ.get("ZHIE_WRITE_SCREENSHOT") == "1" else tmp_path / "review.png"
    shot.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000


def test_a_save_after_the_document_changed_meanwhile_says_reload(page, server, api):
    add(api, {"id": "p2-visit", "text": VISIT_TEXT})
    keys = {l["label"]: l["key"] for l in api.get("/review/schema.json").json()["labels"]}
    open_review(page, server, "李强")
    open_document(page, "p2-visit")
    count = len(marks(page))

    def retitle() -> None:
        """Click the ORG the model gave and press TITLE (a relabel), see that the span is short and delete it
        (Delete key), then select the whole title phrase and press TITLE."""
        org_id = click_mark(page, "市商务局")
        page.keyboard.press(keys["TITLE"])
        page.wait_for_function("id => document.querySelector(`mark.ent[data-id='${id}']`).dataset.label === 'TITLE'",
                               arg=org_id)
        assert page.locator("#ent-labels button.on").get_attribute("data-label") == "TITLE"
        page.keyboard.press("Delete")
        page.wait_for_function("id => !document.querySelector(`mark.ent[data-id='${id}']`)", arg=org_id)
        drag_select(page, "市商务局局长")
        page.keyboard.press(keys["TITLE"])
        page.locator("#text mark.ent[data-label='TITLE']", has_text="市商务局局长").wait_for()
        assert len(marks(page)) == count

    retitle()
    # meanwhile another editor saves through the API
    doc = api.get("/v1/documents/p2-visit").json()
    other = {**doc["annotation"], "relations": []}
    r = api.put("/v1/documents/p2-visit/annotation",
                json={"base_version": 1, "reviewer": "张敏", "annotation": other, "reviewed": False})
    assert r.status_code == 200 and r.json()["version"] == 2

    page.click("#save-reviewed")
    page.wait_for_function("() => document.querySelector('#status').className === 'conflict'")
    assert CONFLICT in page.locator("#status").inner_text()
    now = api.get("/v1/documents/p2-visit").json()  # nothing of the page's was saved
    assert now["version"] == 2 and now["history"][-1]["author"] == "张敏"
    assert any(e["label"] == "ORG" and e["text"] == "市商务局" for e in now["annotation"]["entities"])

    page.click("#status-action")  # "Reload"
    page.wait_for_function("() => document.querySelector('#doc-version').textContent.startsWith('version 2 ·')")
    assert "unsaved" not in page.locator("#doc-version").inner_text()
    assert page.locator("#relations li[data-index]").count() == 0  # the other editor's version is shown

    retitle()
    page.click("#save-draft")
    page.wait_for_function("() => document.querySelector('#status').textContent.startsWith('saved version 3 (draft)')")
    draft = api.get("/v1/documents/p2-visit").json()
    assert draft["version"] == 3 and not draft["reviewed"] and draft["annotation_version"]["author"] == "李强"
    title = [e for e in draft["annotation"]["entities"] if e["label"] == "TITLE" and e["text"] == "市商务局局长"]
    assert title and (title[0]["start"], title[0]["end"]) == (VISIT_TEXT.index("市商务局局长"),
                                                              VISIT_TEXT.index("市商务局局长") + 6)
    assert not any(e["label"] == "ORG" for e in draft["annotation"]["entities"])
    assert page.locator("#queue li[data-id='p2-visit']").count() == 1  # a draft stays in the queue

    page.click("#mark-reviewed")
    page.wait_for_function("() => document.querySelector('#status').textContent === 'version 3 marked reviewed by 李强'")
    reviews = api.get("/v1/documents/p2-visit/history").json()["reviews"]
    assert [(x["version"], x["reviewer"]) for x in reviews] == [(3, "李强")]
    assert page.locator("#queue li[data-id='p2-visit']").count() == 0


@pytest.fixture(scope="module")
def open_reads_server(tmp_path_factory) -> Iterator[str]:
    """The default set-up: reads are open, writes need the token."""
    store = tmp_path_factory.mktemp("review-page-open") / "store.sqlite"
    with thread_server(Settings(model=TINY_MODEL, store_url=str(store), api_token=TOKEN)) as url:
        yield url


def test_with_open_reads_the_page_asks_for_the_token_when_saving(browser, open_reads_server):
    server = open_reads_server
    with httpx.Client(base_url=server, headers=AUTH, timeout=30) as api:
        add(api, {"id": "p3-sign", "text": SIGN_TEXT})
        context = browser.new_context(viewport={"width": 1500, "height": 940})
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{server}/review")
            page.locator("#queue li[data-id='p3-sign']").wait_for()  # no token asked for reading
            assert page.locator("#token-dialog").is_hidden() and page.locator("#token-state").inner_text() == "no token"
            page.fill("#reviewer", "赵颖")
            open_document(page, "p3-sign")
            click_mark(page, "约15亿元")
            page.fill("#norm-value", "1.6e9")
            page.press("#norm-value", "Enter")
            page.wait_for_function("() => document.querySelector('#doc-version').textContent.includes('unsaved')")

            page.click("#save-reviewed")  # 401: the page asks for the token and keeps the edit
            page.locator("#token-dialog").wait_for(state="visible")
            assert "API token" in page.locator("#token-reason").inner_text()
            assert "not saved" in page.locator("#status").inner_text()
            assert api.get("/v1/documents/p3-sign").json()["version"] == 1
            page.fill("#token-input", TOKEN)
            page.click("#token-save")
            page.locator("#token-dialog").wait_for(state="hidden")
            assert "unsaved" in page.locator("#doc-version").inner_text()  # the edit survived
            page.click("#save-reviewed")
            page.wait_for_function("() => document.querySelector('#status').textContent.startsWith('saved version 2')")
        finally:
            context.close()
        saved = api.get("/v1/documents/p3-sign").json()
        assert saved["version"] == 2 and saved["annotation_version"]["author"] == "赵颖"
        assert [e["value"] for e in saved["annotation"]["entities"] if e["label"] == "AMOUNT"] == [1.6e9]
