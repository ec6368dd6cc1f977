"""The document model every reader fills and every writer reads.

    Document ─ blocks: Block ─ segments: Segment ─ spans: Protected
                         └─ children: Block ...

* A :class:`Segment` is one unit of prose to translate (a paragraph, a heading,
  a caption, a table cell...).  ``source`` is its exact text in the input
  format; ``spans`` are the parts of ``source`` that must come back
  byte-identical (math, citations, commands...), as offsets into ``source``.
* :mod:`arxiv_translator.protect` turns ``source`` + ``spans`` into ``masked``
  (placeholders instead of spans) and back.
* Engines only ever see ``masked`` strings; readers and writers never call
  engines.

The model is plain pydantic and round-trips through JSON, which gives debug
dumps, resumable jobs and web-service job storage for free.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from arxiv_translator.assets import Asset
from arxiv_translator.document_attrs import BlockAttrs, BlockKind, ElementKind, Locator, PdfInfo, SegmentAttrs, SegmentKind
from arxiv_translator.document_attrs import LatexInfo
from arxiv_translator.document_outline import Section, find_section, outline

__all__ = ["MODEL_VERSION", "Asset", "Attempt", "Block", "BlockAttrs", "BlockKind", "Document", "Element",
           "ElementKind", "Graphic", "KeptConstruct", "Locator", "PdfInfo", "Protected", "Section", "Segment",
           "SegmentAttrs", "SegmentKind", "SourceFile", "Status", "Table", "TableCell"]

MODEL_VERSION = 2


class Status(str, Enum):
    """Where a segment stands.  The last four are final."""

    PENDING = "pending"
    TRANSLATED = "translated"  # a fresh, validated engine answer
    CACHED = "cached"  # taken from the translation memory
    KEPT = "kept"  # deliberately left in the source language (nothing to translate, reverted)
    FAILED = "failed"  # the engine could not produce a valid answer; source text kept


class Protected(BaseModel):
    """A span of a segment's source that must be returned byte-identical.

    ``role`` is ``atom`` for a span replaced by one placeholder, or ``open`` /
    ``close`` for the two ends of an inline wrapper (``\\textbf{`` ... ``}``)
    whose content is translated with the sentence; ``pair`` links the two ends.
    ``char`` is markup that typesets one character inside a word (an accent
    command: ``na\\"ive``): the model sees ``text`` (``ï``) in its place, no
    placeholder, so the word reaches it whole; the translation carries the
    character as text.
    """

    model_config = ConfigDict(extra="forbid")

    kind: str
    start: int
    end: int
    role: Literal["atom", "open", "close", "char"] = "atom"
    pair: int | None = None
    text: str | None = None  # role ``char``: what the model sees instead of the span


class Attempt(BaseModel):
    """One try at translating a segment (an engine request it was part of)."""

    model_config = ConfigDict(extra="forbid")

    batch_size: int
    outcome: str  # "ok" or a short reason ("dropped placeholder <x2/>", "http 500", ...)


class Segment(BaseModel):
    """One unit of prose, its protected spans, and what became of it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: SegmentKind
    source: str
    spans: list[Protected] = Field(default_factory=list)
    locator: Locator = Field(default_factory=Locator)
    #: Format-independent hints for writers, e.g. ``level=2`` for a heading.
    attrs: SegmentAttrs = Field(default_factory=SegmentAttrs)
    context: str = ""
    masked: str | None = None
    target_masked: str | None = None
    translation: str | None = None
    status: Status = Status.PENDING
    reason: str | None = None
    attempts: list[Attempt] = Field(default_factory=list)

    def span_text(self, span: Protected) -> str:
        """The original text of ``span``."""
        return self.source[span.start : span.end]

    @property
    def output(self) -> str:
        """The text a writer should emit: the translation, else the source."""
        return self.translation if self.translation is not None else self.source

    def settle(self, status: Status, reason: str | None = None) -> None:
        """Mark the segment final, keeping the source text unless translated."""
        self.status = status
        self.reason = reason
        if status in (Status.KEPT, Status.FAILED):
            self.translation = None
            self.target_masked = None


class Block(BaseModel):
    """A structural unit (a file, a section, a figure...) holding segments."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: BlockKind
    segments: list[Segment] = Field(default_factory=list)
    children: list[Block] = Field(default_factory=list)
    attrs: BlockAttrs = Field(default_factory=BlockAttrs)


class TableCell(BaseModel):
    """One cell of a :class:`Table`: the segments inside it, or (no prose) its source text as written."""

    model_config = ConfigDict(extra="forbid")

    text: str = ""  # the cell's source text in the input format (shown as it is when no segment holds it)
    segments: list[str] = Field(default_factory=list)  # ids of the segments inside the cell, in order
    colspan: int = 1
    rowspan: int = 1
    header: bool = False


class Table(BaseModel):
    """A table's grid as the source lays it out: every row, every cell, merged cells.

    Cells with prose point at their segments; cells without (numbers,
    identifiers) keep their source text, so writers can show the whole grid.
    ``locator`` says where the table stands (``file``/``start``/``end`` for
    text inputs, ``page``/``bbox`` for PDF).
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    rows: list[list[TableCell]] = Field(default_factory=list)
    locator: Locator = Field(default_factory=Locator)

    def cell_count(self) -> int:
        """How many cells the grid holds (a merged cell counts once)."""
        return sum(len(row) for row in self.rows)


class Graphic(BaseModel):
    """A figure or table region of a PDF page (points, PDF coordinates), for writers that show crops."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["figure", "table"]
    page: int  # 1-based
    bbox: tuple[float, float, float, float]


class Element(BaseModel):
    """An equation, table, figure, code listing or algorithm, and where its source is.

    ``locator`` gives ``file``/``start``/``end`` (text inputs: :meth:`Document.source_of`
    is its source, e.g. ``\\begin{equation}...\\end{equation}``) or ``page``/``bbox`` (PDF).
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: ElementKind
    locator: Locator = Field(default_factory=Locator)


class SourceFile(BaseModel):
    """A decoded text file of the input (LaTeX sources, an HTML page...)."""

    model_config = ConfigDict(extra="forbid")

    path: str
    encoding: str
    text: str
    role: Literal["main", "body", "preamble", "other"] = "other"


class KeptConstruct(BaseModel):
    """A construct a reader could not understand and left as source: where it is and why."""

    model_config = ConfigDict(extra="forbid")

    file: str
    line: int
    reason: str


class Document(BaseModel):
    """A whole paper: where it came from, its text files and its blocks."""

    model_config = ConfigDict(extra="forbid")

    version: int = MODEL_VERSION
    source_kind: str
    source_path: str
    main_file: str | None = None
    title: str = ""
    abstract: str = ""
    files: dict[str, SourceFile] = Field(default_factory=dict)
    blocks: list[Block] = Field(default_factory=list)
    #: Table grids (additive: readers that know them fill them; writers fall back to the cells' segments).
    tables: list[Table] = Field(default_factory=list)
    #: Figure and table regions of PDF pages.
    graphics: list[Graphic] = Field(default_factory=list)
    meta: dict[str, str] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    #: Constructs left as source because the reader could not understand them (see :class:`KeptConstruct`).
    kept: list[KeptConstruct] = Field(default_factory=list)
    #: Equations, tables, figures, code and algorithms with their source spans, in reading order per file.
    elements: list[Element] = Field(default_factory=list)
    #: Input files the outputs use (see :mod:`arxiv_translator.assets`).
    assets: list[Asset] = Field(default_factory=list)
    #: PDF input: pages read, body font, rows left in English and per-page counts (typed; None for other inputs).
    pdf: PdfInfo | None = None
    #: LaTeX input: labels with their printed numbers, \graphicspath folders, picture files (None for others).
    latex: LatexInfo | None = None

    def segments(self) -> Iterator[Segment]:
        """Every segment, depth first, in reading order."""

        def walk(blocks: list[Block]) -> Iterator[Segment]:
            for block in blocks:
                yield from block.segments
                yield from walk(block.children)

        yield from walk(self.blocks)

    def outline(self) -> list[Section]:
        """The section tree (see :mod:`arxiv_translator.document_outline`)."""
        return outline(self)

    def find_section(self, query: str) -> Section | None:
        """``"introduction"``, ``"conclusion"``, a section number or a title (see :func:`find_section`)."""
        return find_section(self, query)

    def section_text(self, section: Section) -> str:
        """The source text of a section's segments (subsections included), one paragraph a line."""
        by_id = {seg.id: seg for seg in self.segments()}
        return "\n".join(by_id[i].source for i in section.segment_ids() if i in by_id)

    def source_of(self, item: Element | Table | Segment) -> str:
        """The input text an element, table or segment spans (``""`` when it has no text span, e.g. PDF)."""
        loc = item.locator
        if not loc.has_span or loc.file not in self.files:
            return ""
        file, start, end = loc.span()
        return self.files[file].text[start:end]

    def inside(self, element: Element, kind: SegmentKind | None = None) -> list[Segment]:
        """The segments (of ``kind``, e.g. captions) whose text lies inside ``element``; PDF: on its region."""
        loc = element.locator
        out = []
        for seg in self.segments():
            if kind is not None and seg.kind != kind:
                continue
            sl = seg.locator
            if loc.has_span and sl.has_span:
                if sl.file == loc.file and loc.start <= sl.start < loc.end:  # type: ignore[operator]
                    out.append(seg)
            elif loc.bbox is not None and sl.bbox is not None and sl.page == loc.page:
                x0, y0, x1, y1 = loc.bbox
                if x0 - 2 <= sl.bbox[0] <= x1 and y0 - 2 <= sl.bbox[1] <= y1 + 30:
                    out.append(seg)
        return out

    def fill_title_abstract(self) -> None:
        """Take ``title`` (first title segment) and ``abstract`` (all abstract segments) from the segments."""
        for seg in self.segments():
            if seg.kind == "title" and not self.title:
                self.title = seg.source
            elif seg.kind == "abstract":
                self.abstract = (self.abstract + " " + seg.source).strip()

    def status_counts(self) -> dict[str, int]:
        """How many segments are in each final status (all statuses present)."""
        counts = Counter(seg.status.value for seg in self.segments())
        return {status.value: counts.get(status.value, 0) for status in Status if status is not Status.PENDING}

    def protected_counts(self) -> dict[str, int]:
        """How many protected spans of each kind the document holds (``char`` spans are text: not counted)."""
        counts: Counter[str] = Counter()
        for seg in self.segments():
            counts.update(span.kind for span in seg.spans if span.role not in ("close", "char"))
        return dict(sorted(counts.items()))

    def to_json(self) -> str:
        """Serialise to JSON (see :meth:`from_json`)."""
        return self.model_dump_json()

    @classmethod
    def from_json(cls, data: str | bytes) -> Document:
        """Load a document written by :meth:`to_json`."""
        return cls.model_validate_json(data)
