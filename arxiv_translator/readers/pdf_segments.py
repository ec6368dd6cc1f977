"""Rows with roles -> boxes -> segments.

A *box* is a run of rows of one role in one column of one page (a paragraph,
a heading, a caption...).  A paragraph that goes on in the next column or on
the next page is one segment with several boxes (*parts*).  The segment's
source is the rows' text joined with spaces, de-hyphenated at line ends; its
protected spans are the rows' math, marks, citations, references, URLs and
code.  The locator keeps, per part, the box, its rows (for the writer to
remove the English) and the style, and per protected span the rectangles of
its glyphs (for the writer to put the original glyph runs back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from arxiv_translator.document import Protected, Segment
from arxiv_translator.document_attrs import AtomGeometry, AtomPiece, LayoutPart, Locator, SegmentAttrs
from arxiv_translator.readers.pdf_classify import TRANSLATED_ROLES, DocStats, heading_level
from arxiv_translator.readers.pdf_layout import ATOM_KINDS, Row

ITEM_RE = re.compile(r"^\s*(?:[•◦▪▸►‣∙·–—*-]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}[.)])\s+\S")
SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*\s*$")
KIND_OF_ROLE = {"text": "paragraph", "abstract": "abstract", "heading": "heading", "title": "title",
                "caption": "caption", "footnote": "footnote"}
ID_PREFIX = {"paragraph": "p", "heading": "h", "caption": "c", "footnote": "f", "item": "i", "cell": "t",
             "abstract": "a", "title": "title"}
#: Roles between two parts of one paragraph that do not end it (floats and page furniture).
SOFT_ROLES = {"furniture", "figure", "table", "caption", "footnote", "front"}


@dataclass
class Box:
    """Rows of one role in one column of one page."""

    page: int
    role: str
    kind: str
    rows: list[Row] = field(default_factory=list)

    @property
    def size(self) -> float:
        """The first row's size."""
        return self.rows[0].size

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """Union of the rows."""
        return (min(r.bbox[0] for r in self.rows), min(r.bbox[1] for r in self.rows),
                max(r.bbox[2] for r in self.rows), max(r.bbox[3] for r in self.rows))


@dataclass
class _Open:
    """A segment being built: its boxes, in reading order."""

    kind: str
    boxes: list[Box]


class SegmentBuilder:
    """Feeds on classified pages, in order; ``segments`` is the result."""

    def __init__(self, stats: DocStats) -> None:
        self.stats = stats
        self.segments: list[tuple[int, Segment]] = []  # (first page, segment)
        self.counts: dict[tuple[int, str], int] = {}
        self.page_stats: dict[int, dict[str, int]] = {}
        self._box: Box | None = None
        self._open: _Open | None = None  # the last paragraph, which may go on after a column break
        self._done: list[_Open] = []

    # -- rows -> boxes -------------------------------------------------------
    def add_page(self, page: int, rows: list[Row], width: float) -> None:
        """Group one page's rows into boxes and boxes into segments."""
        self._width = width
        counts = self.page_stats.setdefault(page, {"equations": 0, "tables": 0, "figure_rows": 0,
                                                   "reference_rows": 0})
        prev_role = ""
        for row in rows:
            if row.role not in TRANSLATED_ROLES:
                self._close()
                if row.role == "equation" and prev_role != "equation":
                    counts["equations"] += 1
                elif row.role == "table" and prev_role != "table":
                    counts["tables"] += 1
                elif row.role == "figure":
                    counts["figure_rows"] += 1
                elif row.role == "reference":
                    counts["reference_rows"] += 1
                if row.role not in SOFT_ROLES:
                    self._settle_open()
                prev_role = row.role
                continue
            prev_role = row.role
            if self._box is not None and self._continues(self._box, row):
                self._box.rows.append(row)
                continue
            self._close()
            kind = KIND_OF_ROLE[row.role]
            if kind == "paragraph" and ITEM_RE.match(row.text):
                kind = "item"
            role = row.role
            if self._box is None and row.role == "text" and self._last_footnote(page, row):
                role, kind = "footnote", "footnote"
            self._box = Box(page=page, role=role, kind=kind, rows=[row])
        self._close()

    def _last_footnote(self, page: int, row: Row) -> bool:
        """A small-type row right under a footnote continues it."""
        last = self._done[-1] if self._done else None
        if last is None or last.kind != "footnote":
            return False
        box = last.boxes[-1]
        prev = box.rows[-1]
        return (box.page == page and abs(row.size - prev.size) < 0.5 and 0 <= row.bbox[1] - prev.bbox[3] < row.size
                and abs(row.bbox[0] - box.bbox[0]) < 2 * row.size)

    def _continues(self, box: Box, row: Row) -> bool:
        last = box.rows[-1]
        size = max(row.size, last.size)
        same_role = row.role == box.role or (box.role in ("caption", "footnote") and row.role == "text")
        if not same_role or abs(row.size - box.size) > 0.12 * size:
            return False
        if min(row.bbox[2], last.bbox[2]) - max(row.bbox[0], last.bbox[0]) < 0.3 * min(row.width, last.width):
            return False
        step = row.baseline - last.baseline
        pitch = self._pitch(box) or self.stats.pitch * size
        if step <= 0.3 * size or step > pitch + 0.22 * size:
            return False
        if box.role in ("heading", "title"):
            return row.font == last.font
        if box.role == "footnote" and (row.pieces[0].kind == "mark" or row.role == "footnote"):
            return False
        if box.kind == "item":
            if ITEM_RE.match(row.text) or row.bbox[0] < box.rows[0].bbox[0] - 1:
                return False
        elif ITEM_RE.match(row.text) and box.role == "text" and row.bbox[0] < box.bbox[0] + 3 * size:
            return False
        elif row.bbox[0] > box.bbox[0] + 0.6 * size:  # indented: a new paragraph
            return False
        right = self._right_edge(box)
        return not (last.bbox[2] < right - 1.5 * size and SENTENCE_END.search(last.text))

    @staticmethod
    def _pitch(box: Box) -> float:
        steps = sorted(b.baseline - a.baseline for a, b in zip(box.rows, box.rows[1:]))
        return steps[len(steps) // 2] if steps else 0.0

    def _right_edge(self, box: Box) -> float:
        """Where the box's full lines end: its own rows tell, else the nearest column edge."""
        right = box.bbox[2]
        if len(box.rows) >= 3:
            return right
        edges = [r for r in self.stats.rights if right - 3 <= r <= right + 40]
        return max([right] + edges[:1])

    # -- boxes -> segments ---------------------------------------------------
    def _close(self) -> None:
        box, self._box = self._box, None
        if box is None:
            return
        open_ = self._open
        if open_ is not None and box.kind == open_.kind and self._goes_on(open_.boxes[-1], box):
            open_.boxes.append(box)
            return
        if box.kind in ("paragraph", "abstract", "item"):
            self._settle_open()
            self._open = _Open(kind=box.kind, boxes=[box])
            return
        if box.kind not in ("caption", "footnote"):
            self._settle_open()
        self._emit(_Open(kind=box.kind, boxes=[box]))

    def _goes_on(self, prev: Box, box: Box) -> bool:
        """Does ``box`` continue the paragraph ``prev`` after a column or page break?"""
        if abs(prev.size - box.size) > 0.12 * box.size:
            return False
        moved = box.page != prev.page or box.bbox[1] < prev.bbox[1] - prev.size
        if not moved:
            return False
        last, first = prev.rows[-1], box.rows[0]
        full = last.bbox[2] >= self._right_edge(prev) - 1.2 * last.size
        if len(box.rows) > 1 and first.bbox[0] > min(r.bbox[0] for r in box.rows[1:]) + 0.6 * first.size:
            return False  # the next box starts indented: a new paragraph
        starts_low = first.text.lstrip()[:1].islower()
        return full and (starts_low or not SENTENCE_END.search(last.text) or last.text.rstrip().endswith("-"))

    def _settle_open(self) -> None:
        if self._open is not None:
            self._emit(self._open)
            self._open = None

    def finish(self) -> None:
        """Flush what is still open at the end of the document."""
        self._close()
        self._settle_open()

    def _emit(self, group: _Open) -> None:
        self._done.append(group)
        self._done = self._done[-4:]
        first = group.boxes[0]
        page = first.page
        kind = group.kind
        n = self.counts.get((page, kind), 0) + 1
        self.counts[(page, kind)] = n
        prefix = ID_PREFIX.get(kind, "p")
        seg_id = f"pg{page + 1}/{prefix}{n}" if kind != "title" else "title"
        source, spans, atoms = _assemble(group.boxes)
        if not source.strip():
            return
        parts = [_part(b, self._width, self.stats.rights) for b in group.boxes]
        bbox = first.bbox
        locator = Locator(page=page + 1, block=sum(self.counts.get((page, k), 0) for k in ID_PREFIX),
                          bbox=tuple(round(v, 1) for v in bbox), layout=parts, atoms=atoms)
        attrs = SegmentAttrs()
        if kind == "heading":
            attrs.level = heading_level(source, first.rows[0], self.stats)
        self.segments.append((page, Segment(id=seg_id, kind=kind, source=source, spans=spans, locator=locator,
                                            attrs=attrs)))


def _part(box: Box, page_width: float, rights: list[float]) -> LayoutPart:
    rows = box.rows
    x0, y0, x1, y1 = box.bbox
    align = "j" if len(rows) > 1 else "l"
    if box.role == "title" or (len(rows) == 1 and abs((x0 + x1) / 2 - page_width / 2) < 3 and box.role != "text"):
        align = "c"
    lead = rows[0]
    right = next((r for r in rights if x1 - 3 <= r <= x1 + 300), x1)
    left = min(x0, page_width - right) if align == "c" else x0
    return LayoutPart(page=box.page, limit=(round(left, 2), round(max(right, x1), 2)),
                      box=tuple(round(float(v), 2) for v in (x0, y0, x1, y1)),
                      rows=[tuple(round(float(v), 2) for v in (*r.bbox, r.baseline)) for r in rows],
                      size=round(float(lead.size), 2), bold=box.role in ("heading", "title"),
                      color=int(lead.color), align=align, indent=round(max(0.0, float(lead.bbox[0] - x0)), 2))


def _assemble(boxes: list[Box]) -> tuple[str, list[Protected], list[AtomGeometry]]:
    """Source text, protected spans and atom geometry of a segment's rows."""
    out: list[str] = []
    pos = 0
    spans: list[Protected] = []
    atoms: list[AtomGeometry] = []
    rows = [(b.page, r) for b in boxes for r in b.rows]
    for i, (page, row) in enumerate(rows):
        pieces = list(row.pieces)
        texts = [p.text for p in pieces]
        while texts and not texts[0].strip():
            texts.pop(0)
            pieces.pop(0)
        if not pieces:
            continue
        texts[0] = texts[0].lstrip()
        texts[-1] = texts[-1].rstrip()
        nxt = rows[i + 1][1].text.lstrip() if i + 1 < len(rows) else ""
        joiner = " "
        if (pieces[-1].kind == "" and re.search(r"[A-Za-z]-$", texts[-1]) and nxt[:1].islower()):
            texts[-1] = texts[-1][:-1]
            joiner = ""
        for piece, text in zip(pieces, texts):
            if piece.kind in ATOM_KINDS and text.strip():
                lead = len(text) - len(text.lstrip())
                core = text.strip()
                start = pos + lead
                _add_atom(spans, atoms, piece.kind, start, start + len(core), page, piece.bbox, row.baseline)
            out.append(text)
            pos += len(text)
        if i + 1 < len(rows):
            out.append(joiner)
            pos += len(joiner)
    return "".join(out), spans, atoms


def _add_atom(spans: list[Protected], atoms: list[AtomGeometry], kind: str, start: int, end: int, page: int,
              bbox: tuple[float, float, float, float], baseline: float) -> None:
    geometry = AtomPiece(page=page, bbox=tuple(round(float(v), 2) for v in bbox), baseline=round(float(baseline), 2))
    if spans and spans[-1].kind == kind and spans[-1].end in (start, start - 1) and kind == "math":
        spans[-1].end = end  # a formula broken over two lines stays one span
        atoms[-1].end = end
        atoms[-1].pieces.append(geometry)
        return
    spans.append(Protected(kind=kind, start=start, end=end))
    atoms.append(AtomGeometry(start=start, end=end, kind=kind, pieces=[geometry]))
