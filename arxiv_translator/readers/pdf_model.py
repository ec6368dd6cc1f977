"""Row roles from PyMuPDF's layout-analysis model (``pymupdf.layout``, ONNX), over the heuristic ones.

PyMuPDF 2.x ships an offline layout model that returns, per page, regions
with a class (``text``, ``list-item``, ``section-header``, ``caption``,
``footnote``, ``formula``, ``table``, ``picture``, ``page-header``,
``page-footer``...).  Measured on the corpus PDFs (first three pages of ten
papers, about 15,000 prose words, see the PR report) it agrees with
:class:`~.pdf_classify.HeuristicClassifier` on nearly all prose, is worse on
title pages (author blocks called ``text``, titles called ``page-header``)
and costs about 3 s a page on one CPU core; so the heuristic stays the
default and this classifier only *rescues* rows: a row the heuristic leaves
untranslated (table, figure, equation, code) that the model places in a prose
region, with at least :data:`MIN_WORDS` prose words, becomes text.

Opt-in: ``PdfReader(classifier=ModelClassifier())``.  The model is imported
when the first page is classified (it loads an ONNX session), never at import.
"""

from __future__ import annotations

import re
from typing import Any

from arxiv_translator.prose import prose_words
from arxiv_translator.readers.pdf_classify import DocStats, HeuristicClassifier, PageLayout, ReadState, RowClassifier

#: Model classes that hold running prose.
PROSE_REGIONS = {"text", "list-item", "caption", "footnote"}
#: Heuristic roles the model may overrule.
RESCUED_ROLES = {"table", "figure", "equation", "code"}
LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]{3,}(?![A-Za-z]|\s*\()")
#: Lower-case prose words (not names, not function names such as exp) a rescued row needs.
MIN_WORDS = 4


def page_regions(page: Any) -> list[tuple[float, float, float, float, str]]:
    """The layout model's regions of a PyMuPDF page: (x0, y0, x1, y1, class)."""
    import pymupdf.layout  # noqa: F401  (activates the model on first use; heavy)

    page.get_layout()
    return [(float(b[0]), float(b[1]), float(b[2]), float(b[3]), str(b[4])) for b in page.layout_information or []]


def _prose(text: str) -> bool:
    """Running words, not names or a formula: :data:`MIN_WORDS` lower-case words, most of the row's letters."""
    lower = LOWER_WORD.findall(text)
    letters = sum(1 for c in text if c.isalpha())
    return len(lower) >= MIN_WORDS and len(prose_words(text)) >= MIN_WORDS and sum(map(len, lower)) >= 0.5 * letters


class ModelClassifier:
    """Heuristic roles, with rows rescued by the layout model (see the module docstring)."""

    def __init__(self, base: RowClassifier | None = None) -> None:
        self.base: RowClassifier = base or HeuristicClassifier()
        self.pdf: Any = None
        #: Rows whose role the model changed, per 0-based page (for measuring).
        self.changed: dict[int, int] = {}

    def attach(self, pdf: Any) -> None:
        """The open PyMuPDF document the pages come from (the reader calls this before the first page)."""
        self.pdf = pdf

    def classify(self, layout: PageLayout, stats: DocStats, state: ReadState) -> None:
        """Heuristic roles, then the model's rescues."""
        self.base.classify(layout, stats, state)
        if self.pdf is None:
            return
        regions = page_regions(self.pdf[layout.number])
        for row in layout.rows:
            if row.role not in RESCUED_ROLES or row.rotated or not _prose(row.text):
                continue
            cx, cy = (row.bbox[0] + row.bbox[2]) / 2, (row.bbox[1] + row.bbox[3]) / 2
            kind = next((r[4] for r in regions if r[0] - 1 <= cx <= r[2] + 1 and r[1] - 1 <= cy <= r[3] + 1), "")
            if kind in PROSE_REGIONS:
                row.role = "text"
                self.changed[layout.number] = self.changed.get(layout.number, 0) + 1
