"""Typed parts of the document model: kinds, per-segment hints, where a segment stands, PDF geometry.

Every model here forbids unknown fields, checks values on assignment and is
strict about types (``level="2"`` is an error, not a string to parse later),
so a typo in a reader or writer fails at once instead of reading as "absent".
Enums are :class:`~enum.StrEnum`: they compare equal to, format as and
serialise to the same strings as before (``"heading"``), so JSON stays the same.

* :class:`SegmentKind`, :class:`BlockKind`, :class:`ElementKind`: closed sets of kinds.
* :class:`SegmentAttrs`: format-independent hints for writers (heading level,
  the float a paragraph stands in, the graphics of a figure, a Markdown table cell's place).
* :class:`Locator`: where a segment or table is in the input: ``file``/``start``/``end``
  (character offsets into :attr:`Document.files`) for text inputs, ``page``/``bbox``
  plus :class:`LayoutPart` boxes and :class:`AtomGeometry` for PDF.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: A rectangle in PDF points: x0, y0, x1, y1.
BBox = tuple[float, float, float, float]

TYPED = ConfigDict(extra="forbid", strict=True, validate_assignment=True)


class SegmentKind(StrEnum):
    """What a segment is (the unit the engine translates)."""

    TITLE = "title"
    ABSTRACT = "abstract"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"
    CAPTION = "caption"
    FOOTNOTE = "footnote"
    CELL = "cell"
    THEOREM = "theorem"
    BIBLIOGRAPHY = "bibliography"
    TOC = "toc"  # an entry of a page's table of contents (HTML output: translated like its heading)


class BlockKind(StrEnum):
    """What a block groups: one input file (text inputs) or one page (PDF)."""

    FILE = "file"
    PAGE = "page"


class ElementKind(StrEnum):
    """A non-prose structural element whose source a writer may show as it is."""

    EQUATION = "equation"
    TABLE = "table"
    FIGURE = "figure"
    CODE = "code"
    ALGORITHM = "algorithm"


class GraphicRef(BaseModel):
    """One ``\\includegraphics`` (or image) of a figure: the path as written and its width (share of the line)."""

    model_config = TYPED

    path: str
    width: float | None = None


class SegmentAttrs(BaseModel):
    """Format-independent hints for writers; every field is optional."""

    model_config = TYPED

    #: Heading level, 1 (title, chapter) to 6.
    level: int | None = Field(default=None, ge=1, le=9)
    #: The float environment a paragraph or item stands in (LaTeX), e.g. ``"figure"``.
    float_env: str | None = None
    #: The graphics of a caption's figure, in source order.
    graphics: list[GraphicRef] = Field(default_factory=list)
    #: A Markdown table cell: the table's number (1-based), its row and column (0-based).
    table: int | None = None
    row: int | None = None
    col: int | None = None
    #: A footnote's mark as the source prints it.
    label: str | None = None
    #: Printed apart from the text where it stands in the source (a list's label, a contents line, a glossary's
    #: long form, a box's default title): writers that show the text in reading order (Markdown) leave it out.
    apart: bool = False


class BlockAttrs(BaseModel):
    """What a block stands for: its file (text inputs) or its 1-based page (PDF)."""

    model_config = TYPED

    file: str | None = None
    page: int | None = None


class LayoutPart(BaseModel):
    """One box of a PDF segment as the PDF writer needs it (page 0-based; points)."""

    model_config = TYPED

    page: int
    limit: tuple[float, float]  # how far left and right the Korean may run
    box: BBox
    rows: list[tuple[float, float, float, float, float]]  # x0, y0, x1, y1, baseline of each line
    size: float
    bold: bool = False
    color: int = 0
    align: Literal["l", "c", "j"] = "l"
    indent: float = 0.0

    def row_boxes(self) -> list[tuple[int, BBox]]:
        """(page, box) of each line."""
        return [(self.page, (r[0], r[1], r[2], r[3])) for r in self.rows]


class AtomPiece(BaseModel):
    """Where one piece of a protected span (a formula broken over lines counts twice) sits in the PDF."""

    model_config = TYPED

    page: int  # 0-based
    bbox: BBox
    baseline: float


class AtomGeometry(BaseModel):
    """A protected span of a PDF segment (offsets into its source) and the glyph runs it was drawn as."""

    model_config = TYPED

    start: int
    end: int
    kind: str
    pieces: list[AtomPiece]


class Locator(BaseModel):
    """Where a segment, table or element is in the input; the fields a format does not have stay ``None``."""

    model_config = TYPED

    file: str | None = None  # text inputs: the file (key of Document.files)
    start: int | None = None  # character offsets into that file's text
    end: int | None = None
    line: int | None = None  # Markdown: 1-based line of ``start``
    tag: str | None = None  # HTML: the element's tag name
    id: str | None = None  # HTML: the element's id
    anchor: str | None = None  # HTML: the id of the section a heading opens
    page: int | None = None  # PDF: 1-based page
    block: int | None = None  # PDF: the segment's number on its page
    bbox: BBox | None = None  # PDF: the first box, points
    layout: list[LayoutPart] = Field(default_factory=list)  # PDF: every box, for the PDF writer
    atoms: list[AtomGeometry] = Field(default_factory=list)  # PDF: protected spans' geometry

    @property
    def has_span(self) -> bool:
        """Whether the locator gives a file and character offsets."""
        return self.file is not None and self.start is not None and self.end is not None

    def span(self) -> tuple[str, int, int]:
        """``(file, start, end)``; raises :class:`ValueError` when the locator has no text span."""
        if self.file is None or self.start is None or self.end is None:
            raise ValueError(f"locator has no text span: {self!r}")
        return self.file, self.start, self.end


class KeptRow(BaseModel):
    """A PDF line with English prose that the reader's roles leave untranslated (a table, figure text...)."""

    model_config = TYPED

    bbox: BBox
    role: str


class PdfPageStats(BaseModel):
    """What the reader counted on one PDF page besides prose."""

    model_config = TYPED

    equations: int = 0
    tables: int = 0
    figure_rows: int = 0
    reference_rows: int = 0


class LatexLabel(BaseModel):
    """What a LaTeX ``\\label`` names: its kind, the number LaTeX prints for it, and where it stands."""

    model_config = TYPED

    kind: str  # section, equation, figure, table, algorithm or theorem
    number: str  # as LaTeX prints it: "3.2", "A", "4", "2b"
    file: str  # the file of the \label ("" when only the original's .aux knows it)
    offset: int  # character offset of the \label in that file (-1: not in the sources)
    title: str = ""  # a theorem-like environment's name ("Theorem")


class LatexInfo(BaseModel):
    """What a LaTeX reader learnt about the whole tree that writers render with (no source re-parsing)."""

    model_config = TYPED

    #: Every ``\\label`` with the number LaTeX would print for it (see :mod:`arxiv_translator.readers.latex_labels`).
    labels: dict[str, LatexLabel] = Field(default_factory=dict)
    #: The folders of every ``\\graphicspath``, as written, in file order.
    graphicspath: list[str] = Field(default_factory=list)
    #: For each file (also without ``.tex``): whether it draws a TikZ/pgf picture (``tikz:FILE`` graphics).
    pictures: dict[str, bool] = Field(default_factory=dict)


class PdfInfo(BaseModel):
    """What a PDF reader learnt about the whole file (keys of the dicts: 1-based pages)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)  # int keys come back from JSON as strings

    selection: list[int]  # 0-based pages read (``--pages``)
    page_count: int
    body_size: float
    body_font: str
    kept: dict[int, list[KeptRow]] = Field(default_factory=dict)
    page_stats: dict[int, PdfPageStats] = Field(default_factory=dict)
