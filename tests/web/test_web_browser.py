"""Headless Chromium on the library's pages: request form, live progress, library, paper, bilingual reader.

Desktop and phone-sized viewports; no console errors (CSP violations are console errors), no sideways
scrolling on the phone.  Screenshots go to ``$WEB_SHOTS`` when it is set.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from webkit import FakeArxiv, ServeProcess, arxiv_env

from fake_arxiv import SAMPLE, SAMPLE_ID, FakePaper, tar_gz

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 420, "height": 860}}


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    with FakeArxiv() as fake:
        fake.add(FakePaper("2501.10009", version=2, title="Adapters, revised", eprint=tar_gz(SAMPLE)))
        env = {**os.environ, **arxiv_env(fake, tmp)}
        with ServeProcess(tmp / "lib", env, "--engine", "pseudo", "--no-compile") as srv:
            yield srv


def _shot(page, name: str) -> None:
    folder = os.environ.get("WEB_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_request_progress_library_and_paper(browser, server, device):
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(server.url + "/")
    assert page.locator("h1").first.inner_text() == "논문 번역 요청"
    _no_sideways_scroll(page)
    _shot(page, f"{device}-1-home")
    page.fill("#source", SAMPLE_ID if device == "desktop" else f"https://arxiv.org/abs/{SAMPLE_ID}v1")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f]{16}$"))
    assert page.locator("h1").inner_text() == "번역 진행 상황"
    _shot(page, f"{device}-2-progress")
    page.wait_for_selector("#link:not([hidden])", timeout=120_000)  # drawn by the SSE script
    assert page.locator("#status").inner_text() == "완료"
    assert int(page.locator("#done").inner_text()) == int(page.locator("#total").inner_text()) > 0
    assert page.locator("#cost").inner_text() == "0.0000"  # the pseudo engine is free
    _shot(page, f"{device}-3-done")
    page.click("#paper-link")
    page.wait_for_url(re.compile(r"/papers/2501\.00001v1$"))
    assert "Sparse Mixtures" in page.locator(".title-en").inner_text()
    assert re.search("[가-힣]", page.locator("h1").inner_text())
    _no_sideways_scroll(page)
    _shot(page, f"{device}-4-paper")
    korean = max(re.findall("[가-힣]+", page.locator("h1").inner_text()), key=len)
    page.goto(server.url + "/papers")
    page.fill("input[name=q]", korean)
    page.click("form.search button")
    page.wait_for_url(re.compile(r"/papers\?q="))
    assert page.locator("li.paper").count() == 1
    _no_sideways_scroll(page)
    _shot(page, f"{device}-5-library")
    page.goto(f"{server.url}/papers/{SAMPLE_ID}v1/bilingual")
    assert page.locator("body").inner_text().strip()
    _shot(page, f"{device}-6-bilingual")
    assert errors == []
    context.close()


@pytest.fixture(scope="module")
def two_versions(server):
    import httpx
    from webkit import wait_job

    jobs = [httpx.post(server.url + "/api/jobs", json={"source": f"2501.10009v{v}"}).json() for v in (1, 2)]
    assert [wait_job(server.url, j["id"])["status"] for j in jobs] == ["done", "done"]


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_versions_side_by_side(browser, server, two_versions, device):
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(server.url + "/papers/2501.10009")  # no version: the latest
    assert page.url.endswith("/papers/2501.10009v2")
    cards = page.locator("article.vcard")
    assert cards.count() == 2 and "current" in (cards.nth(1).get_attribute("class") or "")
    first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    if device == "desktop":  # side by side: same row, v1 on the left
        assert abs(first["y"] - second["y"]) < 2 and first["x"] + first["width"] <= second["x"]
    else:  # stacked on a phone
        assert second["y"] >= first["y"] + first["height"]
    for i in range(2):
        assert re.search("[가-힣]", cards.nth(i).locator(".vt").inner_text())
    _no_sideways_scroll(page)
    _shot(page, f"{device}-7-versions")
    cards.nth(0).locator("h3 a").click()
    page.wait_for_url(re.compile(r"/papers/2501\.10009v1$"))
    assert "current" in (page.locator("article.vcard").nth(0).get_attribute("class") or "")
    assert errors == []
    context.close()
