"""Every Mathpix Markdown file (``paper.mmd``) of the shared corpus through the stand-in model.

As :mod:`test_corpus_html`, for Markdown: the stand-in (``FAKE_SLOPPY=0.3``) translates every prose
word; ``fidelity.py mmd`` counts the formulas and headings ``paper.ko.md`` lost and the English prose
it still holds beyond what a perfect translator leaves (the reference list stays English).  The
promise: nothing lost, at most 0.5 % left, no failed segment, and the report's own coverage audit
agrees.
"""

from __future__ import annotations

import pytest
from conftest import CORPUS
from standin import Standin, fidelity, fidelity_problems, tools_available
from test_corpus_html import translate

FILES = sorted((CORPUS / "arxiv").glob("*/paper.mmd")) if (CORPUS / "arxiv").is_dir() else []
pytestmark = pytest.mark.skipif(not FILES or not tools_available(), reason="no shared corpus or tools")


@pytest.fixture(scope="module")
def llm():
    """One stand-in model for the whole module."""
    with Standin(FAKE_SLOPPY="0.3") as server:
        yield server


@pytest.mark.slow
@pytest.mark.parametrize("source", FILES, ids=lambda p: p.parent.name)
def test_corpus_markdown_file(tmp_path, llm, source):
    out = tmp_path / "out"
    report = translate(llm, source, out)
    assert report["segments"]["failed"] == 0, report["failed"][:5]
    figures = fidelity("mmd", source, out / "paper.ko.md")
    assert figures["prose left"][1] > 1000  # the measure saw the paper's prose
    assert fidelity_problems(figures) == [], figures
    audit = report["audit"]  # stricter than fidelity.py: it also counts paragraphs kept for broken OCR math
    assert audit["output"] == "paper.ko.md" and audit["source_words"] > 1000
    assert audit["share"] <= 0.015, audit["outputs"][0]["largest"][:3]
    warned = any(w.startswith("coverage audit: ") for w in report["warnings"])
    assert audit["ok"] is (audit["share"] <= 0.005)
    assert warned is not all(o["ok"] for o in audit["outputs"])
