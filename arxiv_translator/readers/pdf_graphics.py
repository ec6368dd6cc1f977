"""Graphics of a PDF page from its bounding-box log (cheap: no path details).

Images and clusters of vector paths are figure regions (text inside them is
figure text, left alone); thin horizontal and vertical lines are rules;
regions between two or more rules of the same extent are tables (booktabs).
"""

from __future__ import annotations

from arxiv_translator.mupdf import pymupdf

Box = tuple[float, float, float, float]


def page_graphics(page: pymupdf.Page) -> tuple[list[Box], list[Box], list[Box]]:
    """(figure regions, rules, table regions) of a page: images and clusters of paths, thin lines, and
    regions between rules of one extent."""
    area = page.rect.width * page.rect.height
    figures: list[Box] = []
    rules: list[Box] = []
    paths: list[Box] = []
    for kind, r in page.get_bboxlog():
        box = (r[0], r[1], r[2], r[3])
        w, h = box[2] - box[0], box[3] - box[1]
        if w <= 0 and h <= 0:
            continue
        if "image" in kind:
            if w * h < 0.9 * area:
                figures.append(box)
        elif kind in ("fill-path", "stroke-path"):
            if h <= 1.6 and w >= 15:
                rules.append(box)
            elif w <= 1.6 and h >= 8:
                rules.append(box)
            elif w * h < 0.5 * area:
                paths.append(box)
    figures.extend(c for c, n in _clusters(paths) if n >= 3 and (c[2] - c[0]) * (c[3] - c[1]) >= 600)
    return figures, rules, _rule_tables(rules)


def _clusters(boxes: list[Box], cell: float = 12.0) -> list[tuple[Box, int]]:
    """Group boxes that touch the same or neighbouring grid cells (union-find over cells)."""
    if not boxes:
        return []
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(k: tuple[int, int]) -> tuple[int, int]:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    owner: list[tuple[int, int]] = []
    for b in boxes:
        cx0, cy0 = int(b[0] // cell), int(b[1] // cell)
        cx1, cy1 = int(b[2] // cell), int(b[3] // cell)
        cells = [(x, y) for x in range(cx0, min(cx1, cx0 + 40) + 1) for y in range(cy0, min(cy1, cy0 + 40) + 1)]
        for c in cells:
            parent.setdefault(c, c)
        root = find(cells[0])
        for c in cells[1:]:
            parent[find(c)] = root
        owner.append(cells[0])
    for (x, y) in list(parent):
        for nb in ((x + 1, y), (x, y + 1), (x + 1, y + 1), (x - 1, y + 1)):
            if nb in parent:
                a, b2 = find((x, y)), find(nb)
                if a != b2:
                    parent[a] = b2
    groups: dict[tuple[int, int], list[Box]] = {}
    for b, c in zip(boxes, owner):
        groups.setdefault(find(c), []).append(b)
    return [((min(b[0] for b in g), min(b[1] for b in g), max(b[2] for b in g), max(b[3] for b in g)), len(g))
            for g in groups.values()]


def _rule_tables(rules: list[Box]) -> list[Box]:
    """Regions between two or more horizontal rules of the same extent (booktabs), or a grid."""
    horizontal = sorted((r for r in rules if r[3] - r[1] <= 1.6), key=lambda r: r[1])
    used = [False] * len(horizontal)
    tables: list[Box] = []
    for i, r in enumerate(horizontal):
        if used[i]:
            continue
        group = [r]
        for j in range(i + 1, len(horizontal)):
            s = horizontal[j]
            if not used[j] and abs(s[0] - r[0]) < 4 and abs(s[2] - r[2]) < 4 and s[1] - group[-1][1] < 400:
                group.append(s)
                used[j] = True
        if len(group) >= 2 and group[-1][1] - group[0][1] > 6:
            tables.append((r[0], group[0][1], r[2], group[-1][3]))
    return tables
