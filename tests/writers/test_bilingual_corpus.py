"""The bilingual reader of corpus papers of every input kind, in Chromium (issue 10, requirements 1-4).

Pages are built once per module with the pseudo engine and ``--no-compile``:
a LaTeX paper with TikZ, brace-named figures and author-year citations
(meta-ot), a LaTeX paper with EPS figures (mom-value-of-data), and the DPO
paper (2305.18290v2) as arXiv HTML, Mathpix Markdown and PDF.  The source
figures these tests compare with (cell counts, figure names and widths) are
read from the sources here, with simple rules of their own.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import CORPUS
from test_bilingual import Opened, _chromium, browser  # noqa: F401  (the shared Chromium fixture)

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run
from arxiv_translator.readers import reader_for

DPO = CORPUS / "arxiv" / "2305.18290v2"
PAPERS = {  # name: (input kind, source, main file or None)
    "latex": ("latex", CORPUS / "latex" / "meta-ot", None),
    "latex-eps": ("latex", CORPUS / "latex" / "mom-value-of-data", None),
    "html": ("html", DPO, "paper.html"),
    "markdown": ("markdown", DPO, "paper.mmd"),
    "pdf": ("pdf", DPO, "paper.pdf"),
}
PDF_PAGES = "1-10"
_RULES = re.compile(r"\\(?:hline|toprule|midrule|bottomrule|cline\{[^}]*\}|cmidrule(?:\([^)]*\))?\{[^}]*\}|"
                    r"addlinespace(?:\[[^\]]*\])?|hdashline|rowcolor(?:\[[^\]]*\])?\{[^}]*\}|noalign\{[^}]*\})")


def latex_cells(src: str) -> int:
    """A tabular's cells, counted simply: ``&`` + 1 per row that is not only rules, less what ``\\multirow`` covers."""
    src = re.sub(r"(?<!\\)((?:\\\\)*)%.*", r"\1", src)
    m = re.match(r"\\begin\{([a-z*]+)\}(?:\[[^\]]*\])?(?:\{[^{}]*\})?\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}", src)
    assert m is not None, src[:80]
    body = src[m.end() : src.rindex("\\end{")]
    nested = re.compile(r"\\begin\{(tabular[*x]?|array)\}.*?\\end\{\1\}", re.S)
    while nested.search(body):
        body = nested.sub("X", body)
    total = 0
    for row in re.split(r"\\\\(?:\s*\[[^\]]*\])?|\\tabularnewline", body):
        row = _RULES.sub("", row)
        if row.strip():
            total += len(re.findall(r"(?<!\\)&", row)) + 1
            total -= sum(abs(int(n)) - 1 for n in re.findall(r"\\multirow\s*\{\s*(-?\d+)\s*\}", row))
    return total


def html_cells(region: str) -> int:
    """Cells of a LaTeXML table: its elements of class ``ltx_td``."""
    return len(re.findall(r'<(?:td|th|span)\b[^>]*class="[^"]*\bltx_td\b', region))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Each paper's document (as the reader sees it) and its bilingual page."""
    _chromium()
    mp = pytest.MonkeyPatch()
    base = tmp_path_factory.mktemp("bilingual-corpus")
    mp.setenv("ARXIV_TRANSLATOR_CACHE", str(base / "cache.sqlite3"))
    mp.setenv("XDG_CONFIG_HOME", str(base / "config"))
    out = {}
    try:
        for name, (kind, root, main) in PAPERS.items():
            if not (root / main if main else root).exists():
                continue
            pages = PDF_PAGES if kind == "pdf" else None
            reader = reader_for(kind)
            if kind == "pdf":
                reader.pages = pages
            doc = reader.read(root, main) if main else reader.read(root)
            settings = Settings(engine="pseudo", compile=False, pages=pages)
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(run, Job(source=root / main if main else root, settings=settings,
                                     out=base / name)).result()
            out[name] = (doc, base / name / "paper.bilingual.html")
    finally:
        mp.undo()
    return out


def _open(browser, built, name: str, width: int = 1400) -> tuple:
    if name not in built:
        pytest.skip(f"corpus paper for {name} not available")
    doc, path = built[name]
    return doc, Opened(browser, path, width)


def _anchor(table_id: str) -> str:
    return "t-" + re.sub(r"[^\w.-]", "-", table_id)


@pytest.mark.parametrize("name", ["latex", "html", "markdown"])
def test_tables_are_whole_grids(browser, built, name):
    doc, view = _open(browser, built, name)
    page = view.page
    assert doc.tables, "the paper has tables"
    for table in doc.tables:
        region = doc.files[str(table.locator.file)].text[table.locator.start : table.locator.end]
        want = html_cells(region) if name == "html" else latex_cells(region[region.index("\\begin{"):])
        sel = "#" + _anchor(table.id).replace(".", "\\.")
        ko = page.locator(f"{sel} > .ko table.grid").first.evaluate("t => t.querySelectorAll('td, th').length")
        en = page.locator(f"{sel} > .en table.grid").first.evaluate("t => t.querySelectorAll('td, th').length")
        assert ko == en == want, (table.id, ko, en, want)
        if name != "html":  # every number of the source table is shown in the Korean grid
            grid_text = page.locator(f"{sel} > .ko table.grid").first.inner_text()
            for number in re.findall(r"(?<![\w.\\{^_])\d+\.\d+(?![\w.}])", re.sub(r"(?<!\\)%.*|\$[^$]*\$", "", region)):
                assert number in grid_text, (table.id, number)
    regions = [doc.files[str(t.locator.file)].text[t.locator.start : t.locator.end]
               for t in doc.tables]
    merged = any(re.search(r'\\multi(?:column|row)\s*\{\s*[2-9]|(?:col|row)span="[2-9]', r) for r in regions)
    assert (page.locator("main [colspan], main [rowspan]").count() > 0) == merged
    page.close()


def test_citations_and_references_resolved(browser, built):
    doc, view = _open(browser, built, "latex")
    page = view.page
    text = page.inner_text("main")
    keys = {k.strip() for f in doc.files.values()
            for m in re.finditer(r"\\cite[a-z]*\*?(?:\[[^\]]*\])*\{([^{}]+)\}", f.text) for k in m.group(1).split(",")}
    labels = {m.group(1) for f in doc.files.values() for m in re.finditer(r"\\label\{([^{}]+)\}", f.text)}
    assert len(keys) > 20 and len(labels) > 20
    shown = [k for k in keys | labels if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", text)]
    assert shown == []
    assert "(Villani, 2009" in text and "Eq. (1)" in text and "식 (1)" in text and "Figure 1" in text
    targets = page.evaluate("Array.from(document.querySelectorAll('main a.ref, main a.cite'))"
                            ".map(a => a.getAttribute('href'))")
    assert len(targets) > 50
    missing = page.evaluate("hrefs => hrefs.filter(h => !document.getElementById(h.slice(1)))", targets)
    assert missing == []
    page.close()


def _load_images(page) -> list[dict]:
    page.evaluate("document.querySelectorAll('main img').forEach(i => i.loading = 'eager')")
    page.wait_for_function("Array.from(document.querySelectorAll('main img')).every(i => i.complete)",
                           timeout=120_000)  # generous: a loaded machine decodes many inlined figures slowly
    return page.evaluate("Array.from(document.querySelectorAll('main img')).map(i => ({alt: i.alt, "
                         "natural: i.naturalWidth, width: i.getBoundingClientRect().width, "
                         "box: i.parentElement.clientWidth, want: parseFloat(i.dataset.width || '0')}))")


@pytest.mark.parametrize("name", ["latex", "latex-eps", "pdf"])
def test_figures_load_at_the_papers_width(browser, built, name):
    doc, view = _open(browser, built, name)
    images = _load_images(view.page)
    assert images and all(i["natural"] > 0 for i in images), [i["alt"] for i in images if not i["natural"]]
    sized = [i for i in images if i["want"]]
    assert len(sized) >= len(images) // 2
    for i in sized:
        assert abs(i["width"] / i["box"] - min(i["want"], 1.0)) <= 0.2 * min(i["want"], 1.0), i
    if name == "pdf":
        assert len(images) == len(doc.graphics)
        return
    sources = "\n".join(f.text for f in doc.files.values())
    paths = {re.sub(r"[{}]", "", m.group(2)).strip(): m.group(1) for m in re.finditer(
        r"(?<!%)\\includegraphics\s*(?:\[([^\]]*)\])?\s*\{((?:[^{}]|\{[^{}]*\})+)\}", sources) if "\\" not in m.group(2)}
    used = {p: w for p, w in paths.items() if any(p in g.path for s in doc.segments() for g in s.attrs.graphics)}
    assert used and {p for p in used} <= {i["alt"] for i in images}
    for path, options in used.items():  # a single graphic sized against the text width: that share of the column
        m = re.search(r"width\s*=\s*(\d*\.?\d+)\\(?:text|line)width", options or "")
        mine = [i for i in images if i["alt"] == path]
        if m and len(mine) == 1 and sources.count("{" + path + "}") == 1 and mine[0]["want"] == float(m.group(1)):
            assert abs(mine[0]["width"] / mine[0]["box"] - float(m.group(1))) <= 0.2 * float(m.group(1))
    view.page.close()


def test_no_rows_of_figure_labels(browser, built):
    doc, view = _open(browser, built, "latex")
    page = view.page
    inside = [s for s in doc.segments() if s.attrs.float_env == "figure" and s.kind == "paragraph"]
    assert inside, "meta-ot has text inside its figures (labels over TikZ pictures)"
    for seg in inside:
        sel = "#s-" + re.sub(r"[^\w.-]", "-", seg.id).replace(".", "\\.")
        assert page.locator(f"main .row{sel}").count() == 0 and page.locator(f"figure.fig .figtext{sel}").count() == 1
    rows = page.evaluate("Array.from(document.querySelectorAll('main .row > .en')).map(e => e.innerText)")
    assert not [r for r in rows if r.startswith(("Sinkhorn (converged", "Meta OT (initial"))]
    text = page.inner_text("main")
    assert "[2mm]" not in text and "[-5mm]" not in text
    assert page.locator("figure.fig .picnote").count() >= 1  # TikZ pictures: a note, not their node text
    page.close()


@pytest.mark.parametrize("name", list(PAPERS))
def test_korean_first_on_a_phone(browser, built, name):
    _doc, view = _open(browser, built, name, width=420)
    page = view.page
    assert page.evaluate("document.documentElement.scrollWidth") <= 421  # wide tables scroll in their own box
    rows = page.locator("main .row.k-paragraph")
    assert rows.count() > 5
    first = rows.nth(2)
    first.scroll_into_view_if_needed()
    assert first.locator("> .ko").is_visible() and not first.locator("> .en").is_visible()
    first.locator("> .ko").click(position={"x": 5, "y": 5})
    ko, en = first.locator("> .ko").bounding_box(), first.locator("> .en").bounding_box()
    assert en is not None and en["y"] >= ko["y"] + ko["height"] - 1
    page.click("label[for=show-en]")
    assert view.visible("main .row.k-paragraph > .en") == view.visible("main .row.k-paragraph > .ko")
    assert view.requests == [] and view.errors == []
    page.close()


def test_html_footnotes_and_references(browser, built):
    doc, view = _open(browser, built, "html")
    page = view.page
    notes = [s for s in doc.segments() if s.kind == "footnote"]
    assert notes and page.locator("main .row.k-footnote").count() == len(notes)
    shown = page.evaluate("Array.from(document.querySelectorAll('main .row:not(.k-footnote) .ltx_note_outer'))"
                          ".filter(e => e.getClientRects().length > 0).length")
    assert shown == 0 and page.locator("main .row:not(.k-footnote) .ltx_note_mark").count() > 0
    # references to sections, equations, figures and tables lead to their rows on this page
    targets = page.evaluate("Array.from(document.querySelectorAll('main a[href^=\"#\"]'))"
                            ".map(a => a.getAttribute('href'))")
    assert len(targets) > 50
    assert page.evaluate("hrefs => hrefs.filter(h => !document.getElementById(h.slice(1)))", targets) == []
    page.close()
