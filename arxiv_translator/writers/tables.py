"""Tables of the document model (:class:`~arxiv_translator.document.Table`) on the bilingual page.

A table is shown where it stands in the paper: in place of its first cell
segment, or, for a table without prose (all numbers), before the first
segment of its file that comes after it (after the file's last segment when
none does).  Each column of the page gets the whole grid: every cell, merged
cells as ``colspan``/``rowspan``; cells with segments show their source
(English column) or translation (Korean column), the others their source
text, converted like any segment text.  The grid scrolls sideways in its own
box, so a wide table never widens the page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from arxiv_translator.document import Document, Segment, Table, TableCell

#: cell -> (English html, Korean html)
CellHtml = Callable[[TableCell], tuple[str, str]]


class TablePlaces:
    """Which table a segment belongs to, and which tables stand before or after a segment."""

    def __init__(self, doc: Document, segments: list[Segment]) -> None:
        self.of_segment: dict[str, Table] = {}
        self.before: dict[str, list[Table]] = defaultdict(list)
        self.after: dict[str, list[Table]] = defaultdict(list)
        self.unplaced: list[Table] = []
        ids = {s.id for s in segments}
        by_file: dict[str, list[Segment]] = defaultdict(list)
        for seg in segments:
            if seg.locator.file is not None and seg.locator.start is not None:
                by_file[seg.locator.file or ""].append(seg)
        for table in doc.tables:
            owned = [sid for row in table.rows for cell in row for sid in cell.segments if sid in ids]
            if owned:
                for sid in owned:
                    self.of_segment[sid] = table
                continue
            file, end = table.locator.file or "", table.locator.end or 0
            segs = by_file.get(file, [])
            nxt = next((s for s in segs if (s.locator.start or 0) >= end), None)
            if nxt is not None:
                self.before[nxt.id].append(table)
            elif segs:
                self.after[segs[-1].id].append(table)
            else:
                self.unplaced.append(table)


def table_pair(table: Table, cell_html: CellHtml) -> tuple[str, str]:
    """(English table, Korean table) as HTML, each in its sideways-scrolling box."""
    en_rows, ko_rows = [], []
    for row in table.rows:
        en_cells, ko_cells = [], []
        for cell in row:
            en, ko = cell_html(cell)
            tag = "th" if cell.header else "td"
            span = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + \
                (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "")
            en_cells.append(f"<{tag}{span}>{en}</{tag}>")
            ko_cells.append(f"<{tag}{span}>{ko}</{tag}>")
        en_rows.append(f"<tr>{''.join(en_cells)}</tr>")
        ko_rows.append(f"<tr>{''.join(ko_cells)}</tr>")

    def box(rows: list[str]) -> str:
        return f'<div class="tscroll" tabindex="0"><table class="grid">{"".join(rows)}</table></div>'

    return box(en_rows), box(ko_rows)


def rectangular(table: Table) -> list[list[TableCell | None]]:
    """The grid with one entry per position: a merged cell at its first position, None where it spans."""
    grid: list[list[TableCell | None]] = []
    below: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for row in table.rows:
        out: list[TableCell | None] = []
        cells = iter(row)
        col = 0
        pending = len(row)
        while pending or any(below.get(c, 0) > 0 for c in range(col, max(below, default=-1) + 1)):
            if below.get(col, 0) > 0:
                below[col] -= 1
                out.append(None)
                col += 1
                continue
            cell = next(cells, None)
            if cell is None:
                break
            pending -= 1
            out.append(cell)
            for k in range(cell.colspan):
                if cell.rowspan > 1:
                    below[col + k] = cell.rowspan - 1
                if k:
                    out.append(None)
            col += cell.colspan
        grid.append(out)
    return grid
