"""``paper.ko.html``: splicing, sanitising, the finished head, and every corpus page end to end.

Checks on outputs parse them independently of the reader (regular expressions
for ``<math>`` and ``<cite>``, lxml for structure and prose, Chromium for
rendering).
"""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import lxml.html
import pytest
from conftest import CORPUS

from arxiv_translator import engines
from arxiv_translator.config import Settings
from arxiv_translator.document import Status
from arxiv_translator.engines.base import BatchContext, EngineResult
from arxiv_translator.engines.pseudo import PseudoEngine, pseudo_translate
from arxiv_translator.glossary import Glossary
from arxiv_translator.pipeline import Job, run
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.html import HtmlReader
from arxiv_translator.writers.html.output import absolute_urls, escape_prose, korean_head, render_page

from readers.test_html import MATH, PAGE  # tests/ is on sys.path (conftest)

MATH_RE = re.compile(r"<math\b.*?</math>", re.S)
CITE_RE = re.compile(r"<cite\b.*?</cite>", re.S)
HANGUL = re.compile("[\uac00-\ud7a3]")
WORD = re.compile(r"[A-Za-z]{3,}")
URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+")
#: Not prose of the paper: kept on purpose (protected, code, names) or not the paper's text.
NOT_PROSE_TAGS = {"math", "cite", "script", "style", "button", "svg", "nav", "pre", "code"}
NOT_PROSE_CLASSES = {"ltx_bibliography", "ltx_authors", "ltx_listing", "ltx_verbatim", "ltx_tag", "ltx_ref",
                     "ltx_ERROR", "ltx_font_typewriter", "ltx_equation", "ltx_equationgroup", "ltx_note_mark",
                     "sr-only"}
EVIL = ' <script>alert(1)</script><img src=x onerror="alert(2)"> &lt;b onclick=alert(3)&gt;'


def translate_all(doc, answer=lambda masked: pseudo_translate(masked)) -> None:
    """Give every segment a (pseudo) translation, as the translator would."""
    mask_document(doc)
    for seg in doc.segments():
        seg.target_masked = answer(seg.masked)
        seg.translation, seg.status = seg.target_masked, Status.TRANSLATED


def read_page(tmp_path: Path, text: str = PAGE):
    (tmp_path / "paper.html").write_text(text, encoding="utf-8")
    return HtmlReader().read(tmp_path, "paper.html")


def test_splice_head_toc_and_urls(tmp_path):
    doc = read_page(tmp_path)
    translate_all(doc)
    page, info = render_page(doc, pseudo=True)
    assert Counter(MATH_RE.findall(page)) == Counter(MATH_RE.findall(PAGE)) and MATH in page
    assert CITE_RE.findall(page) == CITE_RE.findall(PAGE)
    assert page.startswith('<!DOCTYPE html><html lang="ko"><head>')
    assert "<base" not in page and '<link href="https://arxiv.org/static/style.css"' in page
    assert '<img src="https://arxiv.org/html/2401.00001v1/x1.png"' in page
    assert '<a class="ltx_ref"\n href="#bib.bib1">' in page  # in-page links stay in the page
    title = pseudo_translate("A Title with ")
    assert f"<title>{title}a&lt;b</title>" in page  # the head's title: text only, math as TeX
    intro = pseudo_translate("Introduction")
    assert f'<span class="ltx_tag ltx_tag_ref">1 </span>{intro}</span></a>' in page  # TOC entry
    assert f'<span class="ltx_tag ltx_tag_section">1 </span>{intro}</h2>' in page
    assert 'print("hello world")' in page and "A. Author. A paper title." in page and "Ann Author" in page
    assert f'class="ltx_note_mark">1</sup><span class="ltx_tag ltx_tag_note">1</span>{pseudo_translate("See")}' \
           f' https://example.com/x {pseudo_translate("for details.")}</span></span></span>.</p>' in page  # footnote
    assert f'<em class="ltx_emph">{pseudo_translate("very")}</em>' in page
    assert "not a real translation" in page
    assert info["toc_entries"] == 1 and info["translated"] == len(list(doc.segments()))
    assert "not a real translation" not in render_page(doc, pseudo=False)[0]


def test_failed_segments_keep_the_source(tmp_path):
    doc = read_page(tmp_path)
    translate_all(doc)
    for seg in doc.segments():
        if seg.kind in ("paragraph", "heading"):
            seg.settle(Status.FAILED, "test")
    page, _ = render_page(doc)
    assert f'<span class="ltx_tag ltx_tag_section">1 </span>Introduction</h2>' in page
    assert f"Models&nbsp;<cite" in page and ">Introduction</span></a>" in page  # TOC follows its heading
    assert pseudo_translate("First item.") in page


@pytest.mark.parametrize("answer, shown", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('<img src=x onerror="alert(1)">', '&lt;img src=x onerror="alert(1)"&gt;'),
    ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("</p></div><svg onload=alert(1)>", "&lt;/p&gt;&lt;/div&gt;&lt;svg onload=alert(1)&gt;"),
    ("A &amp; B &nbsp;x &bogus; & <", "A &amp; B \u00a0x &amp;bogus; &amp; &lt;"),
    ("<x1/>&lt;x2/&gt;<g3>", "<x1/>&lt;x2/&gt;<g3>"),  # placeholders are kept, look-alikes are text
])
def test_escape_prose(answer, shown):
    assert escape_prose(answer) == shown


@pytest.mark.parametrize("page, expected", [
    ("<html><head><title>T</title><base href='/x/'></head><body><p>x</p></body></html>",
     '<html lang="ko"><head><title>제목 &lt;1&gt;</title></head><body><p>x</p></body></html>'),
    ('<html class="a" lang=en><head><meta charset="iso-8859-1"></head><body></body></html>',
     '<html class="a" lang="ko"><head><meta charset="utf-8"></head><body></body></html>'),
])
def test_korean_head(page, expected):
    assert korean_head(page, "제목 <1>") == expected


def test_absolute_urls_leave_math_cite_and_fragments_alone():
    base = "https://arxiv.org/html/2401.00001v1/"
    page = ('<img src="x1.png"><a href="#S1">s</a><a href="data:,x">d</a><a href="javascript:f()">j</a>'
            '<math alttext="x"><mi href="m.png">x</mi></math><cite><a href="bib.html#b1">1</a></cite>'
            '<script src="/static/a.js">var u = "<img src=\'y.png\'>";</script><link href=\'//cdn.org/c.css\'>'
            '<a href="q.html?a=1&amp;b=2">q</a><img src="">')
    out, count = absolute_urls(page, base)
    assert out == ('<img src="https://arxiv.org/html/2401.00001v1/x1.png"><a href="#S1">s</a><a href="data:,x">d</a>'
                   '<a href="javascript:f()">j</a><math alttext="x"><mi href="m.png">x</mi></math><cite><a '
                   'href="bib.html#b1">1</a></cite><script src="https://arxiv.org/static/a.js">var u = '
                   '"<img src=\'y.png\'>";</script><link href=\'https://cdn.org/c.css\'><a '
                   'href="https://arxiv.org/html/2401.00001v1/q.html?a=1&amp;b=2">q</a><img src="">')
    assert count == 4


def test_model_markup_cannot_reach_the_page(tmp_path):
    doc = read_page(tmp_path)
    translate_all(doc, lambda masked: pseudo_translate(masked) + EVIL)
    page, _ = render_page(doc)
    tree = lxml.html.fromstring(page)
    assert len(tree.xpath("//script")) == 0 and not tree.xpath("//*[@onerror or @onclick or @onload]")
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == len(list(doc.segments())) + 2  # <title>, TOC
    assert Counter(e.tag for e in tree.iter() if isinstance(e.tag, str)) == \
        Counter(e.tag for e in lxml.html.fromstring(PAGE).iter() if isinstance(e.tag, str)) \
        - Counter(["base", "script"]) + Counter(["meta"])  # the page's script went, the CSP came


class EvilEngine(PseudoEngine):
    """Pseudo-translates and appends markup to every long answer."""

    name = "evil"

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        return EngineResult(texts=[pseudo_translate(i, ctx.glossary) + (EVIL if len(i) > 150 else "") for i in items])


def corpus_pages() -> list[Path]:
    return sorted((CORPUS / "arxiv").glob("*/paper.html")) if (CORPUS / "arxiv").is_dir() else []


GLOSSARY = Glossary.load(None, "ko")


def words_of(text: str, drop_kept: bool) -> list[str]:
    """ASCII words (3+ letters) of ``text`` without URLs, and without keep-in-English glossary terms
    ("LLMs", "GSM8K": the pseudo engine leaves those as they are) when ``drop_kept``."""
    text = URL.sub(" ", text)
    if drop_kept:
        for start, end, term in reversed(GLOSSARY.spans(text)):
            if term.keep:
                text = text[:start] + " " + text[end:]
    return WORD.findall(text)


def prose_words(page: str | bytes, drop_kept: bool = False) -> list[str]:
    """Words of the paper's visible prose: text in ``<article>`` outside math, citations, reference
    links, number tags, code, the bibliography (its title counts), the author block, hidden buttons
    and SVG pictures."""
    article = lxml.html.fromstring(page).find(".//article")
    chunks: list[str] = []

    def walk(el) -> None:
        classes = set((el.get("class") or "").split())
        if el.tag in NOT_PROSE_TAGS or classes & NOT_PROSE_CLASSES:
            if "ltx_bibliography" in classes:
                for child in el:
                    if isinstance(child.tag, str) and child.tag[:1] == "h":
                        walk(child)
            return
        chunks.append(el.text or "")
        for child in el:
            if isinstance(child.tag, str):
                walk(child)
            chunks.append(child.tail or "")

    walk(article)
    return [w for chunk in chunks if chunk.strip() for w in words_of(chunk, drop_kept)]


@pytest.mark.skipif(not corpus_pages(), reason="no shared corpus")
@pytest.mark.parametrize("path", corpus_pages(), ids=lambda p: p.parent.name)
def test_corpus_page_end_to_end(tmp_path, path):
    out = tmp_path / "out"
    report = run(Job(source=path, settings=Settings(engine="pseudo", compile=False), out=out))
    assert report["outputs"]["html"] == ["paper.ko.html"] and report["segments"]["failed"] == 0
    original, page = path.read_text(encoding="utf-8"), (out / "paper.ko.html").read_text(encoding="utf-8")
    assert Counter(MATH_RE.findall(page)) == Counter(MATH_RE.findall(original))
    assert Counter(CITE_RE.findall(page)) == Counter(CITE_RE.findall(original))
    before, after = lxml.html.fromstring(original), lxml.html.fromstring(page)  # the page parses
    tags = Counter(e.tag for e in after.iter() if isinstance(e.tag, str))
    feedback = [e for e in before.iter("button") if (e.text or "").strip() == "Report issue for preceding element"]
    assert report["output_info"]["html"]["feedback_buttons_removed"] == len(feedback)
    removed = Counter({k: v for k, v in report["output_info"]["html"]["removed"].items() if " " not in k})
    assert set(removed) <= {"script", "iframe", "object", "embed"}, removed  # arXiv's own scripts
    expected = Counter(e.tag for e in before.iter() if isinstance(e.tag, str)) - Counter(["base"]) - removed
    expected -= Counter({"button": len(feedback)})  # arXiv's hidden feedback buttons are removed
    assert tags == expected + Counter(["div", "meta"])  # the same elements, plus the pseudo banner and the CSP
    assert [e.get("id") for e in after.iter() if isinstance(e.tag, str) and e.get("id")] == \
        [e.get("id") for e in before.iter() if isinstance(e.tag, str) and e.get("id")]
    assert after.get("lang") == "ko" and HANGUL.search(after.findtext(".//title") or "\uac00")
    english = prose_words(page, drop_kept=True)
    total = len(prose_words(original))
    assert total > 1000 and len(english) <= 0.005 * total, (len(english), total, Counter(english).most_common(10))


def run_in_thread(job: Job) -> dict:
    """Run a job in a thread: Playwright's sync API keeps an event loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run, job).result()


@pytest.fixture(scope="module")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def load(browser, path: Path) -> dict:
    """Open ``path`` with the network cut off (only file: and data: URLs load); what the page did.

    ``errors`` are uncaught exceptions and console errors, except the "Failed to
    load resource" lines for the arXiv/CDN stylesheets, scripts and images this
    test refuses to fetch.
    """
    page = browser.new_page()
    seen: dict = {"errors": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    seen["title"] = page.inner_text("h1.ltx_title_document") if page.query_selector("h1") else ""
    seen["text"] = page.inner_text("article")
    seen["visible_paragraphs"] = page.evaluate(
        "[...document.querySelectorAll('article p.ltx_p')].filter(p => p.offsetHeight > 0 && "
        "/[\\uac00-\\ud7a3]/.test(p.innerText)).length")
    page.close()
    return seen


@pytest.mark.skipif(not corpus_pages(), reason="no shared corpus")
@pytest.mark.parametrize("name", ["2404.14219v1", "2305.18290v2", "2306.08568"])
def test_corpus_page_renders_in_chromium(tmp_path, chromium, name):
    out = tmp_path / "out"
    run_in_thread(Job(source=CORPUS / "arxiv" / name / "paper.html",
                      settings=Settings(engine="pseudo", compile=False), out=out))
    seen = load(chromium, out / "paper.ko.html")
    assert seen["errors"] == [] and seen["dialogs"] == []
    assert len(HANGUL.findall(seen["text"])) > 3000 and HANGUL.search(seen["title"])
    assert seen["visible_paragraphs"] > 10


@pytest.mark.skipif(not corpus_pages(), reason="no shared corpus")
def test_engine_markup_is_text_in_the_browser(tmp_path, monkeypatch, chromium):
    monkeypatch.setitem(engines.ENGINES, "evil", f"{__name__}:EvilEngine")
    # Validation rejects answers that add markup (tests/security); switched off, the writer's escaping is tested.
    monkeypatch.setattr("arxiv_translator.translation.validate.markup_problems", lambda seg, answer: [])
    out = tmp_path / "out"
    source = CORPUS / "arxiv" / "2404.14219v1" / "paper.html"
    report = run_in_thread(Job(source=source, settings=Settings(engine="evil", compile=False), out=out))
    assert report["segments"]["translated"] > 20
    page = (out / "paper.ko.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "onerror=\"alert" not in page.replace("&lt;img src=x onerror=", "")
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") > 20
    assert len(re.findall(r"<script\b", source.read_text(encoding="utf-8"))) > 0
    assert len(re.findall(r"<script\b", page)) == 0  # the page's own scripts are removed too (html_safety)
    seen = load(chromium, out / "paper.ko.html")
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert "<script>alert(1)</script>" in seen["text"]  # shown as text
