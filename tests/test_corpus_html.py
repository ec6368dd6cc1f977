"""Every arXiv HTML page of the shared corpus through the stand-in model, measured from the outside.

The stand-in (``../shared/tools/standin_llm.py`` with ``FAKE_SLOPPY=0.3``: it "tidies" 30 % of the
raw formulas and keys it is shown, as real models do) translates every prose word; ``fidelity.py
html`` then counts what the translated page lost (formulas by ``alttext``, citations) and the English
prose it still holds beyond what a perfect translator leaves.  The promise: nothing lost, at most
0.5 % left.  The report's own coverage audit must tell the same story, and no segment may fail.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import CORPUS
from standin import Standin, fidelity, fidelity_problems, tools_available

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run

#: LaTeXML's rendering of what it could not expand (``<span class="ltx_ERROR undefined">{titemize}</span>``
#: for an undefined environment): raw TeX, not prose.  fidelity.py's perfect translator (the stand-in's
#: transform) rewrites the words of such a span when no backslash protects them; the product leaves raw
#: TeX alone, so those words are allowed on top of the 0.5 %.
ERROR_SPAN = re.compile(r'<span class="ltx_ERROR[^"]*"[^>]*>([^<]*)</span>')
FIDELITY_WORD = re.compile(r"(?<![\\A-Za-z0-9])[A-Za-z][a-z]{2,}(?![A-Za-z0-9])")


def raw_tex_words(page: Path) -> int:
    """Words in LaTeXML error spans that do not start with a backslash (see :data:`ERROR_SPAN`)."""
    spans = ERROR_SPAN.findall(page.read_text(encoding="utf-8"))
    return sum(len(FIDELITY_WORD.findall(t)) for t in spans if not t.lstrip().startswith("\\"))


FEEDBACK = '<button class="sr-only button" style="display: none;">Report issue for preceding element</button>'
PAGES = sorted((CORPUS / "arxiv").glob("*/paper.html")) if (CORPUS / "arxiv").is_dir() else []
pytestmark = pytest.mark.skipif(not PAGES or not tools_available(), reason="no shared corpus or tools")


@pytest.fixture(scope="module")
def llm():
    """One stand-in model for the whole module."""
    with Standin(FAKE_SLOPPY="0.3") as server:
        yield server


def translate(llm: Standin, source: Path, out: Path) -> dict:
    """Run the pipeline on ``source`` through the stand-in (no compile, many requests in flight)."""
    os.environ["OPENAI_API_KEY"] = "sk-test"
    settings = Settings(engine="openai", base_url=llm.base_url, model="standin", concurrency=32, compile=False)
    return run(Job(source=source, settings=settings, out=out))


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.parent.name)
def test_corpus_html_page(tmp_path, llm, page):
    out = tmp_path / "out"
    report = translate(llm, page, out)
    assert report["segments"]["failed"] == 0, report["failed"][:5]
    figures = fidelity("html", page, out / "paper.ko.html")
    left, total = figures["prose left"]
    assert total > 1000  # the measure saw the paper's prose
    figures["prose left"] = (max(0, left - raw_tex_words(page)), total)
    assert fidelity_problems(figures) == [], figures
    # the report's own audit: it counts English the stand-in itself leaves (text between two "$" it takes
    # for math), so it may be a little stricter than fidelity.py; it warns exactly when it is not ok
    audit = report["audit"]
    assert audit["output"] == "paper.ko.html" and audit["source_words"] > 1000
    assert audit["share"] <= 0.015, audit["outputs"][0]["largest"][:3]
    warned = any(w.startswith("coverage audit: ") for w in report["warnings"])
    assert all(o["ok"] is (o["share"] <= 0.005) for o in audit["outputs"])
    assert warned is not all(o["ok"] for o in audit["outputs"])
    info = report["output_info"]["html"]
    page_text = (out / "paper.ko.html").read_text(encoding="utf-8")
    assert "Report issue for preceding element" not in page_text
    assert info["feedback_buttons_removed"] == page.read_text(encoding="utf-8").count(FEEDBACK)
    assert 'ltx_tag_figure">Figure ' not in page_text and 'ltx_tag_table">Table ' not in page_text
