"""A whole document -> Markdown, in reading order (for inputs that are not Markdown).

Headings by ``attrs.level``, paragraphs, lists, captions (after their
graphics, ``![](path)``), footnotes as ``[^n]`` markers with ``[^n]: ..``
definitions after the paragraph that cites them, and tables as pipe tables.
For a LaTeX paper, ``\\ref``/``\\cite`` (and the paper's own reference macros) print as the paper
prints them, with the cited works listed at the end ("참고문헌") when its bibliography is a ``.bib``/``.bbl``
(:class:`~arxiv_translator.writers.latex_xref.LatexXref`).
Tables come from the document model's grids (``Document.tables``: every
cell, numbers included); for documents without them they are rebuilt from the
source (the ``tabular`` or ``<table>`` around the cells), and where that fails
from the cells' ``row`` attributes or one row per table.
Segment text is converted by :class:`~arxiv_translator.writers.markdown.segments.SegmentMarkdown`.
"""

from __future__ import annotations

import re
from pathlib import Path

from arxiv_translator.document import Document, Protected, Segment, Table
from arxiv_translator.readers.markdown_inline import scan
from arxiv_translator.writers.latex_cites import Entry
from arxiv_translator.writers.latex_macros import paper_macros
from arxiv_translator.writers.latex_xref import LatexXref
from arxiv_translator.writers.markdown.segments import SegmentMarkdown, html_text, latex_text
from arxiv_translator.writers.tables import rectangular

ABSTRACT_LABEL = {"ko": "초록"}
REFERENCES_LABEL = {"ko": "참고문헌"}
PSEUDO_NOTE = "> PSEUDO-TRANSLATION (arxiv-translator --engine pseudo): not a real translation."
_TABULAR = re.compile(r"\\begin\{(?:tabular[*xy]?|longtable|array|tabulary)\}")
_TABULAR_END = re.compile(r"\\end\{(?:tabular[*xy]?|longtable|array|tabulary)\}")
_TR = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_TD = re.compile(r"<t([dh])\b[^>]*>(.*?)</t\1>", re.S)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg", ".gif", ".pdf", ".eps")


def document_markdown(doc: Document, target: str = "ko", pseudo: bool = False, out: Path | None = None,
                      xref: LatexXref | None = None) -> str:
    """The whole translated document as Markdown (see the module docstring); ``xref``: a LaTeX paper's
    numbers and bibliography (without it references show their keys: ``[fig:arch]``)."""
    return _Builder(doc, target, out, xref).build(pseudo)


class _Builder:
    def __init__(self, doc: Document, target: str, out: Path | None, xref: LatexXref | None = None) -> None:
        self.doc, self.target, self.out, self.xref = doc, target, out, xref
        macros = paper_macros(doc)[0] if doc.source_kind == "latex" else {}
        self.notes: dict[str, int] = {}
        self.note_segments: dict[str, list[Segment]] = {}
        for seg in doc.segments():
            if seg.kind == "footnote":
                self.note_segments.setdefault(seg.locator.file or "", []).append(seg)
        self.convert = SegmentMarkdown(doc.source_kind, macros, self._note_marker, xref)
        self.table_of = {sid: t for t in doc.tables for row in t.rows for cell in row for sid in cell.segments}
        self.parts: list[str] = []
        self.last_heading = ""

    # -- the document ---------------------------------------------------------
    def build(self, pseudo: bool) -> str:
        if pseudo:
            self.parts.append(PSEUDO_NOTE)
        order = [s for s in self.doc.segments() if not s.attrs.apart]  # readers emit blocks in reading order
        i = 0
        while i < len(order):
            seg = order[i]
            if seg.kind in ("cell", "item", "bibliography"):
                j = i
                while j < len(order) and order[j].kind == seg.kind:
                    j += 1
                if seg.kind == "cell":
                    self.parts.extend(self._tables(order[i:j]))
                else:
                    self.parts.append("\n".join(self._item(s) for s in order[i:j]))
                i = j
                continue
            self._block(seg)
            i += 1
        self.parts.extend(self._references(order))
        return "\n\n".join(p for p in self.parts if p.strip()) + "\n"

    def _references(self, order: list[Segment]) -> list[str]:
        """The cited works (from a ``.bib``/``.bbl``), unless the paper's own list is among its segments."""
        if self.xref is None or any(seg.kind == "bibliography" for seg in order):
            return []
        entries = [e for e in self.xref.bib.listing() if e.author or e.title or e.tex]
        if not entries:
            return []
        return ["## " + REFERENCES_LABEL.get(self.target, "References"),
                "\n".join(_entry_markdown(e, self.xref.bib.author_year) for e in entries)]

    def _block(self, seg: Segment) -> None:
        text = self.convert(seg)
        kind = seg.kind
        if kind in ("title", "heading"):
            level_n = min(6, max(1, seg.attrs.level or (1 if kind == "title" else 2)))
            self.parts.append("#" * level_n + " " + " ".join(text.split()))
            self.last_heading = seg.source.strip().lower()
            return
        if kind == "abstract" and self.last_heading != "abstract":
            self.parts.append("## " + ABSTRACT_LABEL.get(self.target, "Abstract"))
            self.last_heading = "abstract"
        if kind == "caption":
            images = [self._image(g.path) for g in seg.attrs.graphics if g.path.strip()]
            if images:
                self.parts.append("\n".join(images))
        if kind == "footnote":
            number = self.notes.get(seg.id) or self._new_note(seg)
            self.parts.append(f"[^{number}]: " + text.replace("\n", "\n    "))
            return
        self.parts.append(text)

    def _item(self, seg: Segment) -> str:
        return "- " + self.convert(seg).replace("\n", "\n  ")

    def _image(self, path: str) -> str:
        path = path.strip()
        if self.out is not None and not re.match(r"^[a-z]+://", path):
            base = self.out / "source"
            for suffix in ("", *IMAGE_SUFFIXES):
                if (base / (path + suffix)).is_file():
                    return f"![](source/{path}{suffix})"
        return f"![]({path})"

    # -- footnotes ------------------------------------------------------------
    def _new_note(self, seg: Segment) -> int:
        self.notes[seg.id] = len(self.notes) + 1
        return self.notes[seg.id]

    def _note_marker(self, seg: Segment, span: Protected) -> str:
        file = seg.locator.file or ""
        base = seg.locator.start or 0
        a, b = base + span.start, base + span.end
        inside = [n for n in self.note_segments.get(file, [])
                  if n.locator.start is not None and a <= n.locator.start < b]
        if not inside:
            return ""
        return "".join(f"[^{self.notes.get(n.id) or self._new_note(n)}]" for n in inside)

    # -- tables ---------------------------------------------------------------
    def _tables(self, cells: list[Segment]) -> list[str]:
        tables: list[str] = []
        while cells:
            rows, used = self._model_table(cells)
            if not used:
                rows, used = self._source_table(cells)
            if not used:
                rows, used = self._attr_table(cells)
            tables.append(_pipe_table(rows))
            cells = cells[used:]
        return tables

    def _model_table(self, cells: list[Segment]) -> tuple[list[list[str]], int]:
        """Rows from the document model's grid of the table holding ``cells[0]`` (every cell); (rows, cells used)."""
        table = self.table_of.get(cells[0].id)
        if table is None:
            return [], 0
        owned = {sid for row in table.rows for cell in row for sid in cell.segments}
        used = 0
        while used < len(cells) and (cells[used].id in owned or _inside(cells[used], table)):
            used += 1  # a cell segment in the table's source but in none of its cells (a rule's text) is no cell
        by_id = {c.id: c for c in cells[:used]}
        rows = []
        for row in rectangular(table):
            out_row: list[str] = []
            for cell in row:
                if cell is None:  # covered by a merged cell (pipe tables cannot merge)
                    out_row.append("")
                elif cell.segments:
                    out_row.append(" ".join(self.convert(by_id[s]) for s in cell.segments if s in by_id))
                elif self.doc.source_kind == "html":
                    out_row.append(html_text(cell.text).strip())
                else:
                    out_row.append(latex_text(cell.text, self.convert.macros).strip()
                                   if self.doc.source_kind == "latex" else cell.text)
            rows.append(out_row)
        return rows, used

    def _source_table(self, cells: list[Segment]) -> tuple[list[list[str]], int]:
        """Rows rebuilt from the table in the source around ``cells[0]``; (rows, cells used)."""
        file = cells[0].locator.file or ""
        source = self.doc.files.get(file)
        latex = self.doc.source_kind == "latex"
        if source is None or "start" not in cells[0].locator or self.doc.source_kind not in ("latex", "html"):
            return [], 0
        text, start = source.text, (cells[0].locator.start or 0)
        if latex:
            begin = max(_TABULAR.finditer(text, 0, start), key=lambda m: m.start(), default=None)
            end = _TABULAR_END.search(text, start)
            if begin is None or end is None or _TABULAR_END.search(text, begin.end(), start):
                return [], 0
            region = (begin.start(), end.end())
            grid = _latex_grid(text, *region)
        else:
            region = (text.rfind("<table", 0, start), text.find("</table>", start))
            if region[0] < 0 or region[1] < 0 or "</table>" in text[region[0] : start]:
                return [], 0
            grid = [[(m.start(2), m.end(2)) for m in _TD.finditer(text, tr.start(1), tr.end(1))]
                    for tr in _TR.finditer(text, *region)]
        used = 0
        while used < len(cells) and (cells[used].locator.file or "") == file and \
                region[0] <= (-1 if cells[used].locator.start is None else cells[used].locator.start) < region[1]:
            used += 1
        group = cells[:used]
        rows = []
        for row in grid:
            out_row = []
            for a, b in row:
                inside = [c for c in group if a <= (c.locator.start or 0) and (c.locator.end or 0) <= b]
                if inside:
                    out_row.append(" ".join(self.convert(c) for c in inside))
                else:
                    raw = text[a:b]
                    out_row.append((latex_text(raw, self.convert.macros) if latex else html_text(raw)).strip())
            if any(c.strip() for c in out_row):
                rows.append(out_row)
        return rows, used

    def _attr_table(self, cells: list[Segment]) -> tuple[list[list[str]], int]:
        """Rows from the cells' ``table``/``row`` attributes (one row when there are none)."""
        table = cells[0].attrs.table
        used = 0
        while used < len(cells) and cells[used].attrs.table == table:
            used += 1
        rows: list[list[str]] = []
        last = None
        for c in cells[:used]:
            if not rows or c.attrs.row != last:
                rows.append([])
                last = c.attrs.row
            rows[-1].append(self.convert(c))
        return rows, max(used, 1)


def _latex_grid(text: str, a: int, b: int) -> list[list[tuple[int, int]]]:
    """The cells of the ``tabular`` at ``text[a:b]`` as offset ranges, row by row."""
    found = scan(text, a, b, "latex")
    rows: list[list[tuple[int, int]]] = []
    row: list[tuple[int, int]] = []
    cell: tuple[int, int] | None = None
    pos = a
    for c_start, c_end, kind in sorted(found.cuts) + [(b, b, "row")]:
        piece = text[pos:c_start]
        if piece.strip():
            s = pos + len(piece) - len(piece.lstrip())
            e = c_start - (len(piece) - len(piece.rstrip()))
            cell = (cell[0], e) if cell else (s, e)
        if kind in ("col", "row"):
            row.append(cell or (c_start, c_start))
            cell = None
            if kind == "row":
                if any(x < y for x, y in row):
                    rows.append(row)
                row = []
        pos = max(pos, c_end)
    return rows


def _inside(seg: Segment, table: Table) -> bool:
    """True when ``seg`` stands inside ``table``'s source text."""
    where, span = seg.locator, table.locator
    return (where.file == span.file and None not in (where.start, span.start, span.end)
            and span.start <= where.start < span.end)  # type: ignore[operator]


def _pipe_table(rows: list[list[str]]) -> str:
    if not rows:
        return ""
    width = max(len(r) for r in rows)

    def line(cells: list[str]) -> str:
        cells = [" ".join(c.replace("|", "\\|").replace("$$", "$").split()) for c in cells]
        return "| " + " | ".join(cells + [""] * (width - len(cells))) + " |"

    return "\n".join([line(rows[0]), "| " + " | ".join(["---"] * width) + " |"] + [line(r) for r in rows[1:]])


def _entry_markdown(e: Entry, author_year: bool) -> str:
    """One reference-list line: the ``.bbl``'s whole entry (``- [3] A. Author, Title, 2020.``), else
    ``- [3] Author. *Title*. 2020.`` (numbered) or ``- Author (2020). *Title*.`` (author-year)."""
    if full := e.full_text():
        return f"- {full}" if author_year else f"- [{e.label or e.number}] {full}"
    author = e.author.rstrip(". ")
    title = f" *{e.title.rstrip('. ')}*." if e.title else ""
    if author_year:
        return f"- {author} ({e.year}).{title}"
    year = f" {e.year}." if e.year and e.year != "n.d." else ""
    return f"- [{e.label or e.number}] {author}.{title}{year}"
