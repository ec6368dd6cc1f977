"""PDF -> :class:`~arxiv_translator.document.Document`, with PyMuPDF (AGPL-3.0).

The stages, page by page so that memory stays bounded on long documents:

1. :func:`~arxiv_translator.readers.pdf_classify.collect_stats`: body font and
   size, running-head zones and column edges from a sample of pages;
2. :func:`~arxiv_translator.readers.pdf_layout.extract_page`: rows of styled
   pieces (prose, math, marks, links, code), figure regions, table rules;
3. a :class:`~arxiv_translator.readers.pdf_classify.RowClassifier` gives each
   row a role (the heuristic one uses geometry and fonts; a layout model can
   take its place);
4. :class:`~arxiv_translator.readers.pdf_segments.SegmentBuilder` groups rows
   into boxes and boxes into segments (paragraphs run across columns and
   pages).

Every segment's locator says where its boxes are (``page``, ``block``,
``bbox``; ``layout`` and ``atoms``, typed models, for the PDF writer).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from arxiv_translator.mupdf import pymupdf

from arxiv_translator.assets import make_assets
from arxiv_translator.document import Block, Document, Element, Graphic
from arxiv_translator.document_attrs import BlockAttrs, ElementKind, KeptRow, Locator, PdfInfo, PdfPageStats
from arxiv_translator.errors import ConfigError, InputError
from arxiv_translator.prose import prose_words
from arxiv_translator.readers.pdf_classify import TRANSLATED_ROLES, HeuristicClassifier, ReadState, RowClassifier, collect_stats
from arxiv_translator.readers.pdf_layout import extract_page
from arxiv_translator.readers.pdf_regions import page_regions
from arxiv_translator.readers.pdf_segments import SegmentBuilder

_RANGE = re.compile(r"^\s*(\d*)\s*(?:-\s*(\d*))?\s*$")


def parse_pages(spec: str | None, count: int) -> list[int]:
    """0-based page indices for a 1-based spec such as ``1-10``, ``3``, ``2,5-7`` or ``40-``."""
    if spec is None or not str(spec).strip():
        return list(range(count))
    chosen: set[int] = set()
    for part in str(spec).split(","):
        m = _RANGE.match(part)
        if not m or (not m.group(1) and not m.group(2) and "-" not in part):
            raise ConfigError(f"--pages: cannot read {spec!r} (use e.g. 1-10, 3, 2,5-7 or 40-)")
        first = int(m.group(1)) if m.group(1) else 1
        last = int(m.group(2)) if m.group(2) else (count if "-" in part else first)
        if first < 1 or last < first:
            raise ConfigError(f"--pages: bad range {part.strip()!r} in {spec!r}")
        chosen.update(range(first - 1, min(last, count)))
    if not chosen:
        raise ConfigError(f"--pages: {spec!r} selects no page (the PDF has {count})")
    return sorted(chosen)


def open_pdf(path: Path) -> pymupdf.Document:
    """Open a PDF, trying an empty password; clear errors for empty, corrupt or locked files."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: empty file (0 bytes), not a PDF")
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several error types for broken files
        raise InputError(f"{path}: not a readable PDF ({exc})") from None
    if doc.needs_pass and not doc.authenticate(""):
        doc.close()
        raise InputError(f"{path}: encrypted PDF that needs a password (remove the password and try again)")
    if doc.page_count == 0:
        doc.close()
        raise InputError(f"{path}: the PDF has no pages")
    return doc


class PdfReader:
    """Reads one PDF file (see the module docstring)."""

    name = "pdf"
    collapse_space = True
    #: 1-based page selection (``--pages``); None reads every page.
    pages: str | None = None

    def __init__(self, pages: str | None = None, classifier: RowClassifier | None = None) -> None:
        if pages is not None:
            self.pages = pages
        self.classifier: RowClassifier = classifier or HeuristicClassifier()

    def configure(self, settings: Any) -> None:
        """Take the page selection from the job's settings (``settings.pages``)."""
        self.pages = getattr(settings, "pages", None)

    def read(self, root: Path, main: str | None = None) -> Document:
        """Read ``root / main`` (or ``root`` itself when it is the PDF file)."""
        root = Path(root)
        path = root / main if main else root
        pdf = open_pdf(path)
        try:
            return self._read(pdf, path, main)
        finally:
            pdf.close()

    def _read(self, pdf: pymupdf.Document, path: Path, main: str | None) -> Document:
        selection = parse_pages(self.pages, pdf.page_count)
        stats = collect_stats(pdf, list(range(pdf.page_count)))  # the whole document, sampled
        builder = SegmentBuilder(stats)
        attach = getattr(self.classifier, "attach", None)
        if callable(attach):  # a classifier that reads the pages itself (a layout model)
            attach(pdf)
        state = ReadState()
        rows_seen = 0
        empty: list[int] = []
        regions: list[Graphic] = []
        kept: dict[int, list[KeptRow]] = {}  # 1-based page -> rows with English prose the roles leave untranslated
        for pno in selection:
            page = pdf[pno]
            layout = extract_page(page, stats.body_font, stats.body_size)
            if not any(not r.rotated for r in layout.rows):
                empty.append(pno + 1)
            rows_seen += sum(1 for r in layout.rows if not r.rotated)
            self.classifier.classify(layout, stats, state)
            regions.extend(page_regions(pno, layout))
            left = [KeptRow(bbox=tuple(round(float(v), 1) for v in r.bbox), role=r.role) for r in layout.rows
                    if r.role not in TRANSLATED_ROLES and prose_words(r.text)]
            if left:
                kept[pno + 1] = left
            builder.add_page(pno, layout.rows, layout.width)
            del page, layout
        builder.finish()
        if rows_seen == 0:
            raise InputError(f"{path}: no text layer (OCR is not available); a scanned PDF cannot be translated")
        doc = Document(source_kind="pdf", source_path=str(path), main_file=main or path.name, graphics=regions)
        by_page: dict[int, Block] = {}
        for page, segment in builder.segments:
            block = by_page.get(page)
            if block is None:
                block = by_page[page] = Block(id=f"pg{page + 1}", kind="page", attrs=BlockAttrs(page=page + 1))
                doc.blocks.append(block)
            block.segments.append(segment)
        doc.blocks.sort(key=lambda b: b.attrs.page or 0)
        doc.elements = pdf_elements(regions)
        doc.assets = make_assets(path.parent, [doc.main_file or path.name])
        doc.pdf = PdfInfo(selection=selection, page_count=pdf.page_count, body_size=round(float(stats.body_size), 2),
                          body_font=stats.body_font, kept=kept,
                          page_stats={k + 1: PdfPageStats(**v) for k, v in builder.page_stats.items()})
        doc.meta["pages"] = ",".join(str(p) for p in selection)  # the pipeline's audit reads it (0-based)
        if empty and len(empty) < len(selection):
            shown = ", ".join(str(p) for p in empty[:10]) + (" ..." if len(empty) > 10 else "")
            doc.warnings.append(f"{len(empty)} page(s) without a text layer were left as they are (OCR is not "
                                f"available): {shown}")
        doc.fill_title_abstract()
        return doc


def pdf_elements(regions: list[Graphic]) -> list[Element]:
    """Figure and table elements of the PDF's figure/table regions (page and box; a PDF has no source text)."""
    counts: dict[str, int] = {}
    out = []
    for region in regions:
        counts[region.kind] = counts.get(region.kind, 0) + 1
        out.append(Element(id=f"pg{region.page}/{region.kind[:3]}{counts[region.kind]}",
                           kind=ElementKind(region.kind), locator=Locator(page=region.page, bbox=region.bbox)))
    return out
