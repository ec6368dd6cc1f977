"""The bilingual reader: segment text to safe HTML per input kind, and the page in a real browser."""

from __future__ import annotations

import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import CORPUS, SAMPLE

from arxiv_translator import engines
from arxiv_translator.config import Settings
from arxiv_translator.document import Block, Document, Protected, Segment, SourceFile, Status
from arxiv_translator.engines.base import BatchContext, EngineResult
from arxiv_translator.engines.pseudo import PseudoEngine, pseudo_translate
from arxiv_translator.pipeline import Job, run
from arxiv_translator.readers import READERS, reader_for
from arxiv_translator.readers.latex import LatexReader
from arxiv_translator.writers.bilingual.equations import display_equations
from arxiv_translator.writers.bilingual.figures import FigureInliner
from arxiv_translator.writers.bilingual.segment_html import markdown_to_html, plain_to_html, sanitise_html, segment_html
from arxiv_translator.writers.bilingual.latex_html import latex_to_html
from arxiv_translator.writers.latex_macros import user_macros
from arxiv_translator.writers.bilingual.writer import BilingualPage, reading_order

POISON = '<script>window.pwned = 1</script><img src="x.png" onerror="window.pwned = 2">'

LATEX_CASES = [
    # (LaTeX, substrings that must appear, substrings that must not)
    ("a $x^2$ b", ['<span class="tex">x^2</span>'], ["$"]),
    ("\\(a<b\\) and \\[c\\]", ['<span class="tex">a&lt;b</span>', '<span class="tex display">c</span>'], []),
    ("$$\\frac{1}{2}$$", ['<span class="tex display">\\frac{1}{2}</span>'], []),
    ("\\begin{align}a&=b\\label{eq:a}\\end{align}", ["\\begin{align}a&amp;=b\\end{align}"], ["label"]),
    ("\\begin{eqnarray}a&=&b\\end{eqnarray}", ["\\begin{array}{rcl}a&amp;=&amp;b\\end{array}"], []),
    ("\\textbf{bold} and \\emph{it} {\\bf x} y", ["<b>bold</b>", "<em>it</em>", "<b> x</b> y"], []),
    ("\\citep[see][p.~3]{a,b} \\cite{c}", ["<cite>[see a, b, p.&nbsp;3]</cite>", "<cite>[c]</cite>"], []),
    ("Fig.~\\ref{fig:x} and \\eqref{eq:1}", ['<span class="ref">[fig:x]</span>', "(eq:1)"], []),
    ("\\url{https://ex.org/a_b}", ['<a href="https://ex.org/a_b"'], []),
    ("\\href{javascript:alert(1)}{click}", ["click"], ["href", "javascript"]),
    ("\\href{https://ex.org}{the \\emph{page}}", ['<a href="https://ex.org"', "<em>page</em>"], []),
    ("note\\footnote{hidden text} end", ['<sup class="fnref">*</sup>'], ["hidden"]),
    ("50\\% of A \\& B, 1--2, ``q''", ["50% of A &amp; B, 1–2, “q”"], []),
    ("caf\\'e \\ldots\\ x", ["café … x"], []),
    ("\\verb|a<b|", ["<code>a&lt;b</code>"], []),
    ("% a comment\nvisible", ["visible"], ["comment"]),
    ("\\unknownmacro{kept text} \\vspace{2pt}gone", ["kept text", "gone"], ["2pt", "unknownmacro"]),
    ("\\paragraph{Setup.} We", ['<b class="runin">Setup.</b>'], []),
    (POISON, ["&lt;script&gt;"], ["<script", "<img"]),
]


@pytest.mark.parametrize("tex, present, absent", LATEX_CASES)
def test_latex_to_html(tex, present, absent):
    html = segment_html(tex, "latex")
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html


def test_latex_macros_and_footnote_numbers():
    text, math = user_macros("\\newcommand{\\method}{\\textsc{Mix}}\\newcommand{\\norm}[1]{\\lVert #1\\rVert}"
                             "\\DeclareMathOperator*{\\argmin}{arg\\,min}\\def\\R{\\mathbb{R}}")
    assert text == {"method": "\\textsc{Mix}", "R": "\\mathbb{R}"}
    assert math["\\norm"] == "\\lVert #1\\rVert" and math["\\argmin"] == "\\operatorname*{arg\\,min}"
    html = latex_to_html("We use \\method{} here\\footnote{x} and\\footnote{y}.", text, iter(["3", "4"]))
    assert '<span class="sc">Mix</span> here<sup class="fnref"><a href="#fn-3">3</a></sup>' in html
    assert "#fn-4" in html
    assert latex_to_html("in \\R^d", {"R": "\\mathbb{R}"}) == "in R^d"  # one-letter macros too
    assert len(latex_to_html("\\a", {"a": "\\a\\a\\a\\a"})) < 100_000  # a macro bomb is bounded


MARKDOWN_CASES = [
    ("**bold** and _it_ and *it2*", ["<b>bold</b>", "<em>it</em>", "<em>it2</em>"], []),
    ("a \\(x_1\\) b \\[y\\] $z$", ['<span class="tex">x_1</span>', '<span class="tex display">y</span>',
                                   '<span class="tex">z</span>'], []),
    ("costs $5 and $6", ["costs $5 and $6"], ["tex"]),
    ("snake_case_name stays", ["snake_case_name"], ["<em>"]),
    ("[link](https://ex.org) [bad](javascript:x)", ['<a href="https://ex.org"', "bad"], ["javascript"]),
    (POISON, ["&lt;script&gt;"], ["<script", "<img"]),
]


@pytest.mark.parametrize("md, present, absent", MARKDOWN_CASES)
def test_markdown_to_html(md, present, absent):
    html = segment_html(md, "markdown")
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html
    assert markdown_to_html("a < b") == "a &lt; b"


MATH = ('<math alttext="a^{2}" class="ltx_Math" display="inline" id="m1"><semantics><msup><mi>a</mi>'
        '<mn>2</mn></msup><annotation encoding="application/x-tex">a^{2}</annotation></semantics></math>')
HTML_CASES = [
    (f"Let {MATH} hold.", [MATH.replace(' id="m1"', "")], ["id="]),
    ('<cite class="ltx_cite">[<a class="ltx_ref" href="#bib.bib1">1</a>]</cite>', ['<cite class="ltx_cite">'],
     ["#bib"]),
    ('<a href="https://arxiv.org">x</a>', ['href="https://arxiv.org"'], []),
    (POISON + '<a href="javascript:alert(1)" onclick="x()">y</a>', ["y"], ["<script", "pwned", "onerror",
                                                                           "onclick", "javascript", "<img"]),
    ('<math><mtext><style><img src=x onerror=alert(1)></style></mtext></math>', [], ["onerror", "<img"]),
    ('<span style="position:fixed">s</span><iframe src="https://x"></iframe>', ["<span>s</span>"],
     ["style", "iframe"]),
]


@pytest.mark.parametrize("fragment, present, absent", HTML_CASES)
def test_sanitise_html(fragment, present, absent):
    html = sanitise_html(fragment)
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html


def test_plain_text():
    assert plain_to_html("a <b>\n\nc") == "a &lt;b&gt;<br><br>c"
    assert segment_html(POISON, "pdf").startswith("&lt;script&gt;")


def test_figures(tmp_path, sample_paper):
    shutil.copy(sample_paper / "figures" / "overview.pdf", tmp_path / "fig.pdf")
    (tmp_path / "outside.png").write_bytes(b"not really")
    inliner = FigureInliner(tmp_path)
    pdf, missing, url = inliner.figures("fig|nothere.png|https://arxiv.org/html/x1.png")
    assert pdf.kind == "img" and pdf.src.startswith("data:image/png;base64,")
    assert missing.kind == "missing" and url.kind == "link" and url.src == "https://arxiv.org/html/x1.png"
    (tmp_path / "root").mkdir()
    assert FigureInliner(tmp_path / "root").figure("../outside.png").kind == "missing"


def _doc(kind: str, segments: list[Segment]) -> Document:
    return Document(source_kind=kind, source_path="x", blocks=[Block(id="b", kind="file", segments=segments)])


def _seg(seg_id: str, kind: str, source: str, translation: str | None, status: Status, **attrs: object) -> Segment:
    return Segment(id=seg_id, kind=kind, source=source, translation=translation, status=status, attrs=attrs,
                   masked=source, reason="http 500" if status is Status.FAILED else None)


def test_page_marks_status_and_sanitises_every_kind(tmp_path):
    for kind, source in (("latex", "Some \\emph{text} here"), ("html", f"Some {MATH} here"),
                         ("markdown", "Some _text_ here"), ("pdf", "Some text here")):
        doc = _doc(kind, [
            _seg("h", "heading", "Intro words", "소개 단어", Status.TRANSLATED, level=2),
            _seg("p1", "paragraph", source, "번역 " + POISON, Status.TRANSLATED),
            _seg("p2", "paragraph", "Failed words here", None, Status.FAILED),
            _seg("p3", "paragraph", "Kept words here", None, Status.KEPT),
            _seg("p4", "cell", "ICSE", None, Status.KEPT),  # an acronym: kept, nothing to mark
            _seg("c", "caption", "A caption", "캡션", Status.TRANSLATED, graphics=[{"path": "https://ex.org/f.png"}]),
        ])
        page = BilingualPage(doc, FigureInliner(tmp_path), pseudo=False).html()
        body = page[page.index("<body>"):]
        assert len(re.findall(r"<script\b", body)) == 3, kind  # macros (JSON), KaTeX, the page's own
        body = body[: body.index('<script type="application/json"')]
        assert not re.search(r"<[^>]+\son\w+\s*=", body), kind
        assert ("pwned" not in body) if kind == "html" else ("&lt;script&gt;window.pwned" in body), kind
        assert 'title="http 500">failed' in body and body.count(">kept · 원문 유지<") == 1, kind
        assert 'href="https://ex.org/f.png"' in body and "<img" not in body
        assert "not a real translation" not in body
        assert '<li class="lvl-0"><a href="#s-h"><span class="ko">소개 단어</span>' in body
        if kind == "html":
            assert 'alttext="a^{2}"' in body and "pwned" not in body


EQUATION_CASES = [
    # (kind, file text, the two segments' texts, equations expected: (before|after, segment id, html))
    ("latex", "\\begin{document}\nA para.\n\n\\begin{align}x&=1\\end{align}\n% \\[nope\\]\nB para.\n\\[y\\]\n"
     "\\end{document}\n$$z$$", ["A para.", "B para."], [("before", "s2", "\\begin{align}x&amp;=1"),
                                                      ("after", "s2", '<span class="tex display">y</span>')]),
    ("markdown", "Para one.\n\n\\[a+b\\]\n\nPara two.", ["Para one.", "Para two."],
     [("before", "s2", '<span class="tex display">a+b</span>')]),
    ("html", '<p>one</p><table class="ltx_equation ltx_eqn_table" id="E1"><tr><td><math display="block" '
     'alttext="x"><mi>x</mi></math></td><td class="ltx_eqn_eqno"><span class="ltx_tag">(1)</span></td></tr>'
     '</table><script>window.pwned=1</script><p>two</p>', ["one", "two"],
     [("before", "s2", '<math display="block" alttext="x"><mi>x</mi></math>')]),
]


@pytest.mark.parametrize("kind, text, sources, expected", EQUATION_CASES)
def test_display_equations_between_segments(kind, text, sources, expected):
    segs = [Segment(id=f"s{k + 1}", kind="paragraph", source=source,
                    locator={"file": "f", "start": text.index(source), "end": text.index(source) + len(source)})
            for k, source in enumerate(sources)]
    doc = _doc(kind, segs)
    doc.files["f"] = SourceFile(path="f", encoding="utf-8", text=text)
    before, after = display_equations(doc, segs)
    found = [("before", k, eq) for k, eqs in before.items() for eq in eqs] + \
        [("after", k, eq) for k, eqs in after.items() for eq in eqs]
    assert len(found) == len(expected)
    for (where, seg_id, html), (want_where, want_id, want) in zip(found, expected):
        assert (where, seg_id) == (want_where, want_id) and want in html and "script" not in html and "nope" not in html


def test_reading_order_follows_inputs(sample_paper):
    doc = LatexReader().read(sample_paper)
    order = [s.id for s in reading_order(doc)]
    assert sorted(order) == sorted(s.id for s in doc.segments())
    assert order[0] == "main.tex/title1"  # then the author note (\thanks in \author), then the abstract
    assert order[1:3] == ["main.tex/f1", "main.tex/a1"]
    assert order.index("sections/intro.tex/h1") < order.index("sections/experiments.tex/h1") < \
        order.index("main.tex/h1")  # the conclusion comes last


# -- in a real browser -------------------------------------------------------------------------------------

class PlantingEngine(PseudoEngine):
    """Pseudo-translates, and plants a script and an event handler in the first paragraph's answer."""

    name = "planting"

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        texts = [pseudo_translate(item, ctx.glossary) for item in items]
        texts = [POISON + t if item.startswith("Pretrained Transformers") else t for item, t in zip(items, texts)]
        return EngineResult(texts=texts, prompt_chars=sum(len(i) for i in items))


def _run(job: Job) -> dict:
    """Run a job in a thread: Playwright's sync API keeps an event loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run, job).result()


def _chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium")
    return sync_api


@pytest.fixture(scope="module")
def browser():
    sync_api = _chromium()
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


class Opened:
    """A page opened offline: every request that is not data: or the file itself is refused and recorded."""

    def __init__(self, browser, path: Path, width: int = 1400) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": 1000})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        url = path.resolve().as_uri()
        self.page.route("**/*", lambda r: r.continue_() if r.request.url in (url,) or r.request.url.startswith(
            "data:") else (self.requests.append(r.request.url), r.abort()))
        self.page.goto(url)
        self.page.wait_for_load_state("load")

    def visible(self, selector: str) -> int:
        return self.page.evaluate(f"Array.from(document.querySelectorAll({selector!r}))"
                                  ".filter(e => e.getClientRects().length > 0).length")


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory):
    """The sample paper's page, built once, with a script planted in one translation."""
    mp = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("bilingual")
    for name in list(os.environ):
        if name.startswith(("ARXIV_TRANSLATOR_", "OPENAI_")):
            mp.delenv(name)
    mp.setenv("ARXIV_TRANSLATOR_CACHE", str(base / "cache.sqlite3"))
    mp.setenv("XDG_CONFIG_HOME", str(base / "config"))
    mp.setitem(engines.ENGINES, "planting", f"{__name__}:PlantingEngine")
    # validation rejects planted markup (tests/security); switched off, the page's own escaping is tested
    mp.setattr("arxiv_translator.translation.validate.markup_problems", lambda seg, answer: [])
    try:
        _run(Job(source=SAMPLE, settings=Settings(engine="planting", compile=False), out=base / "out"))
    finally:
        mp.undo()
    return base / "out" / "paper.bilingual.html"


def test_sample_page_in_browser(browser, sample_page):
    size = sample_page.stat().st_size
    assert size < 1_500_000, size
    view = Opened(browser, sample_page)
    page = view.page
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('script').length") == 3
    assert page.evaluate("Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes)"
                         ".some(a => a.name.startsWith('on'))).length") == 0
    assert "<script>window.pwned" in page.inner_text("main")  # shown as text, not run
    assert "not a real translation" in page.inner_text("header")
    # math rendered by KaTeX, no raw TeX left in the visible text
    assert page.locator(".katex").count() >= 50 and page.locator(".katex-error").count() == 0
    text = page.inner_text("body")
    assert "\\frac" not in text and "\\mathcal" not in text and "$" not in text
    assert len(re.findall(r"[\uac00-\ud7a3]", text)) > 1500 and "Parameter-efficient fine-tuning" in text
    # side by side on a wide screen
    en, ko = (page.locator(f"#s-sections-intro\\.tex-p1 > .{c}").bounding_box() for c in ("en", "ko"))
    assert ko["x"] >= en["x"] + en["width"] and abs(ko["y"] - en["y"]) < 2
    # toggles
    rows = "main .row > .en", "main .row > .ko"
    both = view.visible(rows[0]), view.visible(rows[1])
    assert both[0] > 30 and both[0] == both[1]
    page.click("label[for=view-ko]")
    assert (view.visible(rows[0]), view.visible(rows[1])) == (0, both[1])
    assert view.visible("header h1.en") == 0
    page.click("label[for=view-en]")
    assert (view.visible(rows[0]), view.visible(rows[1])) == (both[0], 0)
    page.click("label[for=view-both]")
    assert (view.visible(rows[0]), view.visible(rows[1])) == both
    # the figure is shown
    img = page.locator("figure.fig img").first
    img.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('figure.fig img').complete")
    assert page.evaluate("document.querySelector('figure.fig img').naturalWidth") > 300
    # footnote marker links to its note; citations readable
    assert page.locator("#fn-1").count() == 1 and "hu2022lora" not in text
    assert "(Hu et al., 2022)" in text and "Hu et al. (2022)" in text  # natbib + plainnat: author-year
    assert page.locator("main a.cite[href^='#bib-']").count() >= 2 and page.locator("section.refs li").count() >= 2
    # stacked on a narrow screen: Korean first, its English a tap away, all English one switch away
    page.set_viewport_size({"width": 420, "height": 900})
    row = "#s-sections-intro\\.tex-p1"
    assert page.locator(f"{row} > .en").bounding_box() is None and page.locator(f"{row} > .ko").is_visible()
    page.click(f"{row} > .ko")
    en, ko = (page.locator(f"{row} > .{c}").bounding_box() for c in ("en", "ko"))
    assert en["y"] >= ko["y"] + ko["height"] - 1
    page.click("label[for=show-en]")
    assert view.visible("main .row > .en") == view.visible("main .row > .ko")
    page.reload()
    page.wait_for_load_state("load")
    assert page.evaluate("document.getElementById('show-en').checked")  # remembered
    assert view.requests == [] and view.errors == []
    page.close()


def _corpus_paper(name: str) -> Path | None:
    files = sorted((CORPUS / "arxiv").glob(f"*/{name}"), key=lambda p: p.stat().st_size)
    return files[0] if files else None


@pytest.mark.parametrize("kind, name", [("markdown", "paper.mmd"), ("html", "paper.html"), ("pdf", "paper.pdf")])
def test_corpus_page_in_browser(browser, tmp_path, kind, name):
    if kind not in READERS:
        pytest.skip(f"no {kind} reader yet")
    source = _corpus_paper(name)
    if source is None:
        pytest.skip("corpus not available")
    doc = reader_for(kind).read(source.parent, source.name)
    _run(Job(source=source, settings=Settings(engine="pseudo", compile=False), out=tmp_path / "out"))
    view = Opened(browser, tmp_path / "out" / "paper.bilingual.html")
    page = view.page
    text = page.evaluate("() => { document.querySelectorAll('.katex-mathml').forEach(e => e.remove());"
                         " return document.querySelector('main').innerText; }")
    assert len(re.findall(r"[\uac00-\ud7a3]", text)) > 1000 and re.search(r"\b(the|and|of)\b", text)
    if kind == "html":  # every <math> of every segment, in both columns, shown as MathML
        expected = sum(seg.source.count("<math") for seg in doc.segments() if seg.kind != "title")
        assert expected > 0 and page.locator("main .en math").count() == page.locator("main .ko math").count() \
            == expected
    elif kind == "markdown":
        assert page.locator("span.tex").count() == page.locator("span.tex.rendered").count() > 10
        assert "\\frac" not in text
    assert view.requests == [] and view.errors == []
    page.close()


def test_protected_spans_survive_in_pair(tmp_path):
    seg = Segment(id="p", kind="paragraph", source="A note\\footnote{x} here.",
                  spans=[Protected(kind="footnote", start=6, end=18)], translation="주석\\footnote{x} 여기.",
                  status=Status.TRANSLATED)
    page = BilingualPage(_doc("latex", [seg]), FigureInliner(tmp_path), pseudo=True)
    en, ko = page.pair(seg)
    assert 'href="#fn-1"' in en and 'href="#fn-1"' in ko


@pytest.mark.parametrize("kind", ["latex", "html", "markdown", "pdf"])
def test_planted_markup_never_runs_in_browser(browser, tmp_path, kind):
    source = {"latex": "See $x^2$ here", "html": f"See {MATH} here", "markdown": "See \\(x^2\\) here"}.get(
        kind, "See this here")
    doc = _doc(kind, [_seg("p", "paragraph", source, "번역 " + POISON + ' <a href="javascript:window.pwned=3">x</a>',
                           Status.TRANSLATED)])
    path = tmp_path / "page.html"
    path.write_text(BilingualPage(doc, FigureInliner(tmp_path), pseudo=True).html(), encoding="utf-8")
    view = Opened(browser, path)
    page = view.page
    if page.locator("main a").count():  # a javascript: link would run on click; it must have lost its href
        page.click("main a >> nth=0")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('script').length") == 3
    assert page.evaluate("document.querySelectorAll('main img, main [href^=javascript]').length") == 0
    assert page.evaluate("Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes)"
                         ".some(a => a.name.startsWith('on'))).length") == 0
    assert page.locator("main math").count() == (0 if kind == "pdf" else 1)  # MathML: the source's or KaTeX's
    assert view.requests == [] and view.errors == []
    page.close()


READER_EQUATION_CASES = [  # (kind, file text, the segments' texts, equations expected: (before|after, n-th text, html))
    ("latex", "\\begin{document}\nA para.\n\n\\begin{align}x&=1\\end{align}\n\n% \\[nope\\]\nB para with \\[w\\] in it.\n"
     "\n\\[y\\]\n\\end{document}\n$$z$$", ["A para.", "B para with \\[w\\] in it."],
     [("before", 1, "\\begin{align}x&amp;=1"), ("after", 1, '<span class="tex display">y</span>')]),
    ("markdown", "Para one.\n\n\\[a+b\\]\n\nPara two.\n\n```\n$$not math$$\n```\n", ["Para one.", "Para two."],
     [("before", 1, '<span class="tex display">a+b</span>')]),
]


@pytest.mark.parametrize("kind, text, sources, expected", READER_EQUATION_CASES)
def test_display_equations_from_the_readers_elements(tmp_path, kind, text, sources, expected):
    """Equations between segments come from the elements the readers record; those inside a segment stay in it."""
    name = "main.tex" if kind == "latex" else "paper.md"
    (tmp_path / name).write_text(("\\documentclass{article}\n" if kind == "latex" else "") + text, encoding="utf-8")
    doc = (LatexReader() if kind == "latex" else reader_for("markdown")).read(tmp_path, name)
    assert any(e.kind == "equation" for e in doc.elements)
    segs = list(doc.segments())
    assert [s.source for s in segs] == sources
    before, after = display_equations(doc, segs)
    found = [("before", k, eq) for k, eqs in before.items() for eq in eqs] + \
        [("after", k, eq) for k, eqs in after.items() for eq in eqs]
    assert len(found) == len(expected)
    for (where, seg_id, html), (want_where, n, want) in zip(found, expected):
        assert (where, seg_id) == (want_where, segs[n].id) and want in html and "nope" not in html


@pytest.mark.parametrize("name", ["title", "author", "date"])
def test_bare_metadata_command_does_not_crash(name):
    """REVTeX guides write \\title, \\author, \\date bare in their prose (pylatexenc's own specs want arguments)."""
    html = latex_to_html(f"Use \\{name} here.")
    assert "Use" in html and "here." in html
