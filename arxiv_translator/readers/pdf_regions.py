"""Figure and table regions of a classified PDF page, for the document model (:class:`Graphic`).

Figures: the page's image and drawing regions (:mod:`.pdf_graphics`), merged
when they touch or nearly touch (sub-figures, a plot and its legend), grown
to take in the figure-text rows (axis labels) that overlap them, and kept
when large enough to be a figure (not a logo or a rule).  Tables: the rule-
bounded regions the classifier kept, plus runs of table rows outside them.
"""

from __future__ import annotations

from arxiv_translator.document import Graphic

Box = tuple[float, float, float, float]
MIN_SIDE = 40.0  # points: smaller drawings are decorations
GAP = 8.0  # points: regions closer than this are one figure


def page_regions(page: int, layout: object) -> list[Graphic]:
    """The figure and table regions of one classified page (``page`` is 0-based)."""
    rows = getattr(layout, "rows", [])
    figures = _merge([tuple(f) for f in getattr(layout, "figures", [])])
    grown = []
    for box in figures:
        for row in rows:
            if getattr(row, "role", "") == "figure" and _overlap(box, _grow(tuple(row.bbox), 0)):
                box = _union(box, tuple(row.bbox))
        grown.append(box)
    figures = [b for b in _merge(grown) if b[2] - b[0] >= MIN_SIDE and b[3] - b[1] >= MIN_SIDE]
    tables = [tuple(t) for t in getattr(layout, "tables", [])]
    run: list[Box] = []
    for row in rows + [None]:
        inside = row is not None and getattr(row, "role", "") == "table" and not any(
            _overlap(t, tuple(row.bbox)) for t in tables)
        if inside:
            run.append(tuple(row.bbox))
            continue
        if len(run) >= 2:
            box = run[0]
            for b in run[1:]:
                box = _union(box, b)
            tables.append(box)
        run = []
    tables = [t for t in tables if not any(_inside(t, f) for f in figures)]
    return ([Graphic(kind="figure", page=page + 1, bbox=_round(b)) for b in figures]
            + [Graphic(kind="table", page=page + 1, bbox=_round(_grow(b, 2))) for b in tables])


def _merge(boxes: list[Box]) -> list[Box]:
    boxes = list(boxes)
    merged = True
    while merged:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                if _overlap(_grow(boxes[i], GAP), boxes[j]):
                    boxes[i] = _union(boxes[i], boxes.pop(j))
                    merged = True
                    break
            if merged:
                break
    return boxes


def _grow(b: Box, d: float) -> Box:
    return (b[0] - d, b[1] - d, b[2] + d, b[3] + d)


def _union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a: Box, b: Box) -> bool:
    return a[0] >= b[0] - 2 and a[1] >= b[1] - 2 and a[2] <= b[2] + 2 and a[3] <= b[3] + 2


def _round(b: Box) -> tuple[float, float, float, float]:
    return (round(b[0], 1), round(b[1], 1), round(b[2], 1), round(b[3], 1))
