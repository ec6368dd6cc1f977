"""Table grids for the document model (:class:`~arxiv_translator.document.Table`), for every text input.

Readers make segments only of cells with prose; a writer that shows a table
needs every cell, numbers included, in its row and column, with merged cells.
The functions here read the grid of one table from the source text and link
each cell to the segments inside it (by the segments' ``file``/``start``
locators):

* :func:`latex_table`: a ``tabular`` (and friends), LaTeX or Mathpix Markdown:
  rows end at ``\\\\`` or ``\\tabularnewline``, cells at ``&`` (outside braces,
  math and nested environments); rule commands (``\\hline``, booktabs...) are
  no cells; ``\\multicolumn{n}`` gives a colspan, ``\\multirow{n}`` a rowspan
  (the empty cells it covers in the rows below, or above for a negative
  ``n``, are dropped, as an HTML table has them);
* :func:`pipe_table`: a Markdown ``| a | b |`` table;
* :func:`html_table`: a LaTeXML ``<table>``: ``<tr>``, ``<td>``/``<th>``
  with their ``colspan``/``rowspan``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from arxiv_translator.document import Segment, Table, TableCell
from arxiv_translator.document_attrs import Locator
from arxiv_translator.texscan import match_brace

_BEGIN = re.compile(r"\\begin\s*\{([A-Za-z]+\*?)\}")
_RULE = re.compile(r"\s*\\(?:(?:toprule|midrule|bottomrule)\s*(?:\[[^\]]*\])?|Xhline\s*\{[^{}]*\}|hhline\s*\{[^{}]*\}|"
                   r"hline|hdashline|endhead|endfirsthead|endfoot|endlastfoot|"
                   r"noalign\s*\{[^{}]*\}|cline\s*\{[^{}]*\}|cdashline\s*\{[^{}]*\}|cmidrule\s*(?:\[[^\]]*\])?\s*(?:\([^()]*\))?\s*"
                   r"\{[^{}]*\}|addlinespace\s*(?:\[[^\]]*\])?|specialrule\s*\{[^{}]*\}\s*\{[^{}]*\}\s*\{[^{}]*\}|"
                   r"rowcolor\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}|arrayrulecolor\s*\{[^{}]*\}|morecmidrules|"
                   r"rule\s*\{[^{}]*\}\s*\{[^{}]*\})")
_COMMENT = re.compile(r"\s*%[^\n]*\n?")  # at a cell's start (a ``%`` after ``\\\\`` is a comment)
_EMPTY = re.compile(r"(?:\s|~|\\cellcolor\s*(?:\[[^\]]*\])?\s*\{[^{}]*\}|\\(?:qquad|quad|[,;: ]))*")
_SPAN_MACRO = re.compile(r"\s*\\(multicolumn|multirow)\s*")
_SECTIONS = frozenset({"ltx_thead", "ltx_tbody", "ltx_tfoot"})
_ESCAPED_PIPE = re.compile(r"\\\|")
#: Width-like first arguments of tabular environments: ``tabular*{\linewidth}{spec}``, ``tabularx``.
_WIDTH_ARG = {"tabular*", "tabularx", "tabulary", "xtabular*", "tabu"}
#: Cell = (start, end, colspan, rowspan, content start, content end), absolute offsets.
_Cell = tuple[int, int, int, int, int, int]


def latex_table(table_id: str, file: str, text: str, start: int, end: int,
                segments: Iterable[Segment] = ()) -> Table | None:
    """The grid of the ``tabular`` starting at or after ``text[start]`` (None when there is none)."""
    m = _BEGIN.search(text, start, end)
    if m is None:
        return None
    name = m.group(1)
    pos = _skip_args(text, m.end(), end, 2 if name in _WIDTH_ARG else 1)
    close = _matching_end(text, pos, end, name)
    rows = _normalise(_latex_rows(text, pos, close))
    if not rows:
        return None
    cells = [[_cell(text, c) for c in row] for row in rows]
    return _link(Table(id=table_id, rows=cells, locator=Locator(file=file, start=start, end=end)), rows, file,
                 segments)


def pipe_table(table_id: str, file: str, text: str, start: int, end: int,
               segments: Iterable[Segment] = ()) -> Table | None:
    """The grid of the Markdown pipe table in ``text[start:end]`` (the separator row is no row)."""
    rows: list[list[_Cell]] = []
    pos = start
    for line in text[start:end].split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        stripped = line.strip()
        if not stripped.startswith("|"):
            continue
        if re.fullmatch(r"\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?", stripped):
            continue
        bars = [i for i in _pipe_positions(text, a, b)]
        rows.append([(x + 1, y, 1, 1, x + 1, y) for x, y in zip(bars, bars[1:])])
    if not rows:
        return None
    cells = [[_cell(text, c) for c in row] for row in rows]
    for cell in cells[0]:
        cell.header = True
    return _link(Table(id=table_id, rows=cells, locator=Locator(file=file, start=start, end=end)), rows, file,
                 segments)


def html_table(table_id: str, file: str, text: str, table: object, segments: Iterable[Segment] = ()) -> Table | None:
    """The grid of a parsed ``<table>`` (an :class:`~arxiv_translator.readers.html_page.Node`)."""
    rows: list[list[_Cell]] = []
    headers: list[list[bool]] = []
    for tr in _rows_of(table):
        row, head = [], []
        for td in tr.children:
            if td.name not in ("td", "th") and "ltx_td" not in td.classes:
                continue
            row.append((td.start, td.end, _int(td.attrs.get("colspan")), _int(td.attrs.get("rowspan")),
                        td.inner_start, td.inner_end))
            head.append(td.name == "th" or "ltx_th" in td.classes or tr.parent is not None
                        and (tr.parent.name == "thead" or "ltx_thead" in tr.parent.classes))
        if row:
            rows.append(row)
            headers.append(head)
    if not rows:
        return None
    cells = [[TableCell(text=text[c[4]:c[5]].strip(), colspan=c[2], rowspan=c[3], header=h)
              for c, h in zip(row, head)] for row, head in zip(rows, headers)]
    start, end = getattr(table, "start"), getattr(table, "end")
    return _link(Table(id=table_id, rows=cells, locator=Locator(file=file, start=start, end=end)), rows, file,
                 segments)


def outermost(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The regions not inside another one (a ``tabular`` in a cell belongs to its outer table)."""
    return [r for r in regions if not any(o != r and o[0] <= r[0] and r[1] <= o[1] for o in regions)]


# -- LaTeX -----------------------------------------------------------------------------------------------
def _skip_args(text: str, pos: int, end: int, count: int) -> int:
    """Past ``[pos]`` options and ``count`` brace arguments (``{spec}``)."""
    while True:
        m = re.compile(r"\s*\[[^\]]*\]").match(text, pos, end)
        if not m:
            break
        pos = m.end()
    for _ in range(count):
        m = re.compile(r"\s*\{").match(text, pos, end)
        if not m:
            break
        close = match_brace(text, m.end() - 1, end)
        if close is None:
            break
        pos = close + 1
    return pos


def _matching_end(text: str, pos: int, end: int, name: str) -> int:
    depth = 1
    for m in re.compile(r"\\(begin|end)\s*\{" + re.escape(name) + r"\}").finditer(text, pos, end):
        depth += 1 if m.group(1) == "begin" else -1
        if depth == 0:
            return m.start()
    return end


def _latex_rows(text: str, a: int, b: int) -> list[list[_Cell]]:
    """Cells split at top-level ``&`` and rows at ``\\\\``; rule-only rows dropped."""
    rows: list[list[_Cell]] = []
    row: list[_Cell] = []
    depth = env = 0
    cell_start = i = a
    while i < b:
        c = text[i]
        if c == "%":
            nl = text.find("\n", i)
            i = b if nl < 0 or nl > b else nl + 1
            continue
        if c == "\\":
            if text.startswith("\\begin", i):
                env += 1
            elif text.startswith("\\end", i):
                env -= 1
            if depth == 0 and env == 0 and (text.startswith("\\\\", i) or text.startswith("\\tabularnewline", i)):
                row.append(_make_cell(text, cell_start, i))
                i += 2 if text.startswith("\\\\", i) else len("\\tabularnewline")
                m = re.compile(r"\*?\s*(?:\[[^\]]*\])?").match(text, i, b)
                i = m.end() if m else i
                _keep_row(rows, row)
                row, cell_start = [], i
                continue
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth = max(0, depth - 1)
        elif c == "&" and depth == 0 and env == 0:
            row.append(_make_cell(text, cell_start, i))
            cell_start = i + 1
        i += 1
    row.append(_make_cell(text, cell_start, b))
    _keep_row(rows, row)
    return rows


def _keep_row(rows: list[list[_Cell]], row: list[_Cell]) -> None:
    if len(row) > 1 or (row and row[0][4] < row[0][5]):
        rows.append(row)


def _make_cell(text: str, a: int, b: int) -> _Cell:
    """A cell's range without its leading rules and surrounding space; spans from multicolumn/multirow."""
    while (m := _RULE.match(text, a, b) or _COMMENT.match(text, a, b)) is not None and m.end() > a:
        a = m.end()
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    colspan = rowspan = 1
    if (m := _EMPTY.match(text, a, b)) is not None and m.end() > a:  # \cellcolor{white}, ~: no content
        a = m.end()
    inner = (a, b)
    while (m := _SPAN_MACRO.match(text, inner[0], inner[1])) is not None:
        args = _brace_args(text, m.end(), inner[1], 3)
        if len(args) < 3 and not (m.group(1) == "multirow" and len(args) >= 2):
            break
        number = re.sub(r"\s", "", text[args[0][0]:args[0][1]])
        n = int(number) if re.fullmatch(r"-?\d{1,3}", number) else 1
        if m.group(1) == "multicolumn":
            colspan = max(1, n)
        else:
            rowspan = n if n else 1
        last = args[-1] if m.group(1) == "multicolumn" or len(args) == 3 else args[1]
        inner = (last[0], last[1])
        if text[last[1] + 1 : inner[1] + 1].strip():  # text after the macro: the whole cell is content
            break
    return (a, b, colspan, rowspan, *inner)


def _brace_args(text: str, pos: int, end: int, count: int) -> list[tuple[int, int]]:
    """Up to ``count`` ``{..}`` arguments (``[..]`` options skipped) as inner ranges."""
    found: list[tuple[int, int]] = []
    while len(found) < count:
        m = re.compile(r"\s*(?:\[[^\]]*\]\s*)*\{").match(text, pos, end)
        if not m:
            break
        close = match_brace(text, m.end() - 1, end)
        if close is None:
            break
        found.append((m.end(), close))
        pos = close + 1
    return found


def _normalise(rows: list[list[_Cell]]) -> list[list[_Cell]]:
    """Drop the empty cells a ``\\multirow`` covers (below it, or above it for a negative count)."""
    grid: list[dict[int, _Cell]] = []
    for row in rows:
        col, placed = 0, {}
        for cell in row:
            placed[col] = cell
            col += cell[2]
        grid.append(placed)
    for r, placed in enumerate(grid):
        for col, cell in list(placed.items()):
            if placed.get(col) is not cell:
                continue
            top, n = r, cell[3]
            if n < -1:  # \multirow{-2}: the text sits in the last row it spans; move it to the first
                top = max(0, r + n + 1)
                while top < r and (grid[top].get(col) is None or grid[top][col][4] != grid[top][col][5]):
                    top += 1  # a count past the table's top: the first empty cell above
                anchor = grid[top].get(col) if top < r else None
                n = top - r - 1
                if anchor is None or anchor[4] != anchor[5]:
                    placed[col] = cell[:3] + (1,) + cell[4:]
                    continue
                grid[top][col] = (anchor[0], anchor[1], cell[2], -n, cell[4], cell[5])
                placed[col] = (cell[0], cell[1], cell[2], 1, cell[4], cell[4])  # now an empty, covered cell
                n = -n
            elif n < 0:
                placed[col] = cell[:3] + (1,) + cell[4:]
                continue
            covered = 1
            for k in range(1, n):
                below = grid[top + k].get(col) if top + k < len(grid) else None
                if below is None or below[4] != below[5]:
                    break
                del grid[top + k][col]
                covered += 1
            if covered != n:
                grid[top][col] = grid[top][col][:3] + (covered,) + grid[top][col][4:]
    return [[placed[c] for c in sorted(placed)] for placed in grid if placed]


def _cell(text: str, cell: _Cell) -> TableCell:
    inner = re.sub(r"%(?<!\\%)[^\n]*", "", text[cell[4]:cell[5]])
    return TableCell(text=inner.strip(), colspan=cell[2], rowspan=max(1, cell[3]))


# -- Markdown and HTML -----------------------------------------------------------------------------------
def _pipe_positions(text: str, a: int, b: int) -> list[int]:
    """Offsets of the cell-separating ``|`` of one pipe-table line (not in math, code or escaped)."""
    found, i, closer = [], a, ""
    while i < b:
        c = text[i]
        if closer:
            if text.startswith(closer, i):
                i += len(closer)
                closer = ""
                continue
            i += 2 if c == "\\" else 1
            continue
        if c == "\\":
            if text.startswith("\\(", i):
                closer = "\\)"
            i += 2
            continue
        if c in "$`":
            closer = c
        elif c == "|":
            found.append(i)
        i += 1
    return found


def _rows_of(table: object) -> list:
    out = []
    for child in getattr(table, "children", []):
        if child.name == "tr" or "ltx_tr" in child.classes:
            out.append(child)
        elif child.name in ("thead", "tbody", "tfoot") or child.has_class(_SECTIONS):
            out.extend(c for c in child.children if c.name == "tr" or "ltx_tr" in c.classes)
    return out


def _int(value: str | None) -> int:
    return max(1, min(int(value), 1000)) if value and value.strip().isdigit() else 1


# -- segments --------------------------------------------------------------------------------------------
def _link(table: Table, rows: list[list[_Cell]], file: str, segments: Iterable[Segment]) -> Table:
    """Put the id of every segment of ``file`` that starts inside a cell into that cell."""
    bounds = sorted([(c[0], c[1], r, k) for r, row in enumerate(rows) for k, c in enumerate(row)] +
                    [(c[4], c[5], r, k) for r, row in enumerate(rows) for k, c in enumerate(row)
                     if not c[0] <= c[4] < c[1]])  # a \multirow{-n} cell's text lies in a later row
    starts = [b[0] for b in bounds]
    for seg in segments:
        if seg.locator.file != file or seg.locator.start is None:
            continue
        pos = seg.locator.start
        if not (table.locator.start or 0) <= pos < (pos + 1 if table.locator.end is None else table.locator.end):
            continue
        k = bisect.bisect_right(starts, pos) - 1
        if k >= 0 and bounds[k][0] <= pos < max(bounds[k][1], bounds[k][0] + 1):
            _a, _b, r, col = bounds[k]
            table.rows[r][col].segments.append(seg.id)
            continue
        # it starts before its cell (a rule, a moved \multirow): overlap
        end = pos if seg.locator.end is None else seg.locator.end
        hit = next(((r, k) for r, row in enumerate(rows) for k, c in enumerate(row) if pos < c[5] and end > c[4]
                    and c[4] < c[5]), None)
        if hit is not None:
            table.rows[hit[0]][hit[1]].segments.append(seg.id)
    return table


# -- one call per reader ---------------------------------------------------------------------------------
def latex_tables(file: str, text: str, regions: list[tuple[int, int]], segments: list[Segment]) -> list[Table]:
    """The grids of a LaTeX file's ``tabular`` environments (``regions``: where each stands)."""
    tables = (latex_table(f"{file}/table{k + 1}", file, text, a, b, segments)
              for k, (a, b) in enumerate(outermost(sorted(regions))))
    return [t for t in tables if t is not None]


def markdown_tables(file: str, text: str, regions: list[tuple[int, int, str]],
                    segments: list[Segment]) -> list[Table]:
    """The grids of a Markdown file's tables (``regions``: start, end, "latex" or "pipe")."""
    found = []
    for k, (a, b, mode) in enumerate(regions):
        make = latex_table if mode == "latex" else pipe_table
        table = make(f"{file}/table{k + 1}", file, text, a, b, segments)
        if table is not None:
            found.append(table)
    return found


def html_tables(file: str, text: str, root: object, segments: list[Segment]) -> list[Table]:
    """The grids of a LaTeXML page's data tables (``ltx_tabular``; equation layouts are no tables)."""
    nodes = [n for n in root.iter() if "ltx_tabular" in n.classes]  # type: ignore[attr-defined]
    regions = set(outermost([(n.start, n.end) for n in nodes]))
    tables = (html_table(f"{file}/table{k + 1}", file, text, n, segments)
              for k, n in enumerate(n for n in nodes if (n.start, n.end) in regions))
    return [t for t in tables if t is not None]
