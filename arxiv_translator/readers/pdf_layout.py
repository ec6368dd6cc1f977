"""One PDF page -> rows of styled pieces, figure regions, table rules and links.

PyMuPDF gives blocks -> lines -> spans -> characters with positions, fonts
and sizes.  A visual line is often split into several PyMuPDF lines (a
section number and its title, a subscript, an equation number), so lines of a
block that share a baseline are merged into one :class:`Row`.  Each row is cut
into :class:`Piece` s: runs of characters of one *kind* -- prose (``""``),
``math``, ``mark`` (a superscript in a text font: footnote marks),
``cite``/``ref``/``url`` (text under a link) or ``code`` (typewriter).  Every
kind but prose becomes a protected span of its segment.

Figure regions, rules and tables come from :mod:`.pdf_graphics`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from arxiv_translator.mupdf import pymupdf

from arxiv_translator.readers.pdf_graphics import page_graphics
from arxiv_translator.readers.pdf_math import is_math_char, is_math_font, is_mono_font, is_roman_math_font

TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
Box = tuple[float, float, float, float]
#: Kinds of pieces that are protected (come back byte-identical).
ATOM_KINDS = ("math", "mark", "cite", "ref", "url", "code")
#: An internal link with two or more rectangles this wide covers whole lines of prose: a broken link.
BROKEN_LINK_WIDTH = 200.0


@dataclass(slots=True)
class Piece:
    """A run of characters of one kind in one row."""

    text: str
    bbox: Box
    kind: str  # "" (prose) or one of ATOM_KINDS
    font: str
    size: float
    flags: int
    color: int


@dataclass(slots=True)
class Row:
    """One visual line of text."""

    pieces: list[Piece]
    bbox: Box
    baseline: float
    size: float
    font: str
    flags: int
    color: int
    block: int
    rotated: bool = False
    gaps: int = 0  # gaps wider than 1.6 em between neighbouring glyphs (table columns)
    role: str = ""
    text: str = ""

    @property
    def width(self) -> float:
        """Horizontal extent."""
        return self.bbox[2] - self.bbox[0]

    def kind_chars(self, kind: str) -> int:
        """Non-space characters in pieces of ``kind``."""
        return sum(len(p.text.replace(" ", "")) for p in self.pieces if p.kind == kind)


@dataclass
class PageLayout:
    """What the reader needs to know about one page."""

    number: int  # 0-based, in the original document
    width: float
    height: float
    rows: list[Row] = field(default_factory=list)
    figures: list[Box] = field(default_factory=list)
    tables: list[Box] = field(default_factory=list)
    rules: list[Box] = field(default_factory=list)


def link_kinds(page: pymupdf.Page) -> list[tuple[Box, str]]:
    """The page's link rectangles with the kind of protected span their text becomes."""
    out = []
    found = []
    rects_of: dict[str, int] = {}
    for link in page.get_links():
        rect = link["from"]
        name = ""
        if link["kind"] == pymupdf.LINK_URI:
            kind = "url"
        else:
            name = str(link.get("nameddest") or link.get("name") or "")
            kind = "cite" if name.startswith("cite.") else "ref"
            rects_of[name] = rects_of.get(name, 0) + (rect.width > BROKEN_LINK_WIDTH)
        found.append((rect, kind, name))
    for rect, kind, name in found:
        if name and rects_of.get(name, 0) >= 2:
            continue  # a citation link that runs over whole lines (hyperref across a footnote): not a citation
        out.append(((rect.x0, rect.y0, rect.x1, rect.y1), kind))
    return out


def extract_page(page: pymupdf.Page, body_font: str, body_size: float) -> PageLayout:
    """Rows, figure regions, tables and rules of ``page`` (see the module docstring)."""
    rect = page.rect
    layout = PageLayout(number=page.number, width=rect.width, height=rect.height)
    links = link_kinds(page)
    raw = page.get_text("rawdict", flags=TEXT_FLAGS)
    for bno, block in enumerate(raw["blocks"]):
        if block.get("type") != 0:
            continue
        for group in _row_groups(block["lines"]):
            row = _make_row(group, bno, links, body_font, body_size)
            if row is not None:
                layout.rows.append(row)
    layout.rows = merge_rows(layout.rows)
    layout.figures, layout.rules, layout.tables = page_graphics(page)
    return layout


def merge_rows(rows: list[Row]) -> list[Row]:
    """Join rows that PyMuPDF put in different blocks but that share a visual line.

    Two rows side by side on one baseline with a gap under a word space are one
    line (a tall inline formula splits a line into blocks); a row of math only
    (a fraction's numerator, a large bracket) whose middle lies inside a line
    of prose belongs to that line.
    """
    out: list[Row] = []
    for row in rows:
        target = None if row.rotated else next((o for o in reversed(out[-8:]) if _joins(o, row)), None)
        if target is None:
            out.append(row)
        else:
            _absorb(target, row)
    return out


def _joins(a: Row, b: Row) -> bool:
    if a.rotated:
        return False
    h = min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1])
    overlap = min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1])
    gap = max(b.bbox[0] - a.bbox[2], a.bbox[0] - b.bbox[2])
    size = max(a.size, b.size)
    if gap > 0.8 * size:
        return False
    same_line = overlap >= 0.5 * h and abs(a.baseline - b.baseline) < 0.35 * size
    if same_line and gap >= -0.5:
        return True
    if same_line and abs(a.baseline - b.baseline) < 0.1 * size:
        lo, hi = max(a.bbox[0], b.bbox[0]), min(a.bbox[2], b.bbox[2])
        stacked = all(p.kind == "math" for p in a.pieces + b.pieces if p.bbox[0] < hi and p.bbox[2] > lo
                      and p.text.strip())
        if gap >= -1.2 * size or stacked:
            return True  # stacked scripts, accents or an inline fraction split the line into blocks
    inside = a.bbox[0] - 1 <= b.bbox[0] and b.bbox[2] <= a.bbox[2] + 1
    if inside and overlap >= 0.5 * h:
        return True  # a piece of the line that PyMuPDF put in its own block (a subscript under an operator)
    math_only = all(p.kind == "math" or not p.text.strip() for p in b.pieces)
    middle = (b.bbox[1] + b.bbox[3]) / 2
    return (math_only and b.size <= a.size * 1.05 and a.bbox[1] <= middle <= a.bbox[3]
            and b.bbox[0] >= a.bbox[0] - size)


def _absorb(row: Row, other: Row) -> None:
    pieces = sorted(row.pieces + other.pieces, key=lambda p: p.bbox[0])
    merged: list[Piece] = []
    for piece in pieces:
        if merged and merged[-1].kind == piece.kind and piece.kind != "":
            last = merged[-1]
            gap = piece.bbox[0] - last.bbox[2]
            last.text += (" " if gap > 0.12 * row.size and not last.text.endswith(" ") else "") + piece.text
            last.bbox = (min(last.bbox[0], piece.bbox[0]), min(last.bbox[1], piece.bbox[1]),
                         max(last.bbox[2], piece.bbox[2]), max(last.bbox[3], piece.bbox[3]))
            continue
        if merged and piece.bbox[0] - merged[-1].bbox[2] > 0.12 * row.size and not (
                merged[-1].text.endswith(" ") or piece.text.startswith(" ")):
            if merged[-1].kind == "":
                merged[-1].text += " "
            elif piece.kind == "":
                piece.text = " " + piece.text
        merged.append(piece)
    row.pieces = merged
    row.gaps += other.gaps + (1 if max(other.bbox[0] - row.bbox[2], row.bbox[0] - other.bbox[2]) > 1.6 * row.size
                              else 0)
    if other.kind_chars("") > row.kind_chars(""):
        row.baseline, row.size, row.font, row.flags = other.baseline, other.size, other.font, other.flags
    row.bbox = (min(row.bbox[0], other.bbox[0]), min(row.bbox[1], other.bbox[1]), max(row.bbox[2], other.bbox[2]),
                max(row.bbox[3], other.bbox[3]))
    row.text = "".join(p.text for p in merged)


def _row_groups(lines: list[dict]) -> list[list[dict]]:
    """Lines of a block that overlap vertically (and not horizontally) form one row."""
    groups: list[list[dict]] = []
    for line in lines:
        d = line["dir"]
        if abs(d[1]) > 0.01 or d[0] < 0:
            groups.append([line])
            continue
        y0, y1 = line["bbox"][1], line["bbox"][3]
        placed = False
        for group in groups[-3:]:
            first = group[0]
            if abs(first["dir"][1]) > 0.01 or first["dir"][0] < 0:
                continue
            gy0 = min(g["bbox"][1] for g in group)
            gy1 = max(g["bbox"][3] for g in group)
            overlap = min(y1, gy1) - max(y0, gy0)
            if overlap >= 0.5 * min(y1 - y0, gy1 - gy0) and not any(
                    _hoverlap(line["bbox"], g["bbox"]) > 1.0 for g in group):
                group.append(line)
                placed = True
                break
        if not placed:
            groups.append([line])
    return groups


def _hoverlap(a: Box, b: Box) -> float:
    return min(a[2], b[2]) - max(a[0], b[0])


def _make_row(lines: list[dict], bno: int, links: list[tuple[Box, str]], body_font: str,
              body_size: float) -> Row | None:
    lines = sorted(lines, key=lambda ln: ln["bbox"][0])
    chars: list[tuple[str, Box, float, dict]] = []  # (char, bbox, origin y, span)
    for i, line in enumerate(lines):
        if i and chars and chars[-1][0] != " ":
            prev_x1 = chars[-1][1][2]
            first = next((c for s in line["spans"] for c in s["chars"]), None)
            if first is not None and first["bbox"][0] - prev_x1 > 0.12 * line["spans"][0]["size"]:
                chars.append((" ", (prev_x1, chars[-1][1][1], first["bbox"][0], chars[-1][1][3]),
                              chars[-1][2], chars[-1][3]))
        for span in line["spans"]:
            for c in span["chars"]:
                chars.append((c["c"], tuple(c["bbox"]), c["origin"][1], span))
    if not any(c[0].strip() for c in chars):
        return None
    rotated = abs(lines[0]["dir"][1]) > 0.01 or lines[0]["dir"][0] < 0
    size, font, flags, color, baseline = _dominant(chars)
    top = min(ln["bbox"][1] for ln in lines)
    bottom = max(ln["bbox"][3] for ln in lines)
    near = [link for link in links if link[0][1] < bottom and link[0][3] > top]
    kinds = [_char_kind(ch, box, oy, span, size, baseline, near, body_font) for ch, box, oy, span in chars]
    _settle_kinds(chars, kinds)
    _prose_links(chars, kinds)
    pieces = _pieces(chars, kinds)
    x0 = min(c[1][0] for c in chars if c[0].strip())
    x1 = max(c[1][2] for c in chars if c[0].strip())
    glyphs = [c[1] for c in chars if c[0].strip()]
    gaps = sum(1 for a, b in zip(glyphs, glyphs[1:]) if b[0] - a[2] > 1.6 * size)
    row = Row(pieces=pieces, bbox=(x0, top, x1, bottom), baseline=baseline, size=size, font=font, flags=flags,
              color=color, block=bno, rotated=rotated, gaps=gaps)
    row.text = "".join(p.text for p in pieces)
    return row


def _dominant(chars: list[tuple[str, Box, float, dict]]) -> tuple[float, str, int, int, float]:
    """Size, font, flags, colour and baseline of the row's most common style."""
    weight: dict[tuple[float, str, int, int], int] = {}
    for ch, _box, _oy, span in chars:
        if ch.strip():
            key = (round(span["size"], 1), span["font"], span["flags"], span.get("color", 0))
            weight[key] = weight.get(key, 0) + 1
    size, font, flags, color = max(weight, key=lambda k: (weight[k], k[0]))
    origins = sorted(oy for ch, _b, oy, span in chars if ch.strip() and abs(span["size"] - size) <= 0.06 * size)
    baseline = origins[len(origins) // 2] if origins else chars[0][2]
    return size, font, flags, color, baseline


def _char_kind(ch: str, box: Box, oy: float, span: dict, size: float, baseline: float,
               links: list[tuple[Box, str]], body_font: str) -> str:
    if not ch.strip():
        return " "
    font = span["font"]
    if is_math_font(font) or is_math_char(ch) or is_roman_math_font(font, body_font):
        return "math"
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    for (lx0, ly0, lx1, ly1), kind in links:
        if lx0 <= cx <= lx1 and ly0 <= cy <= ly1:
            return kind
    if is_mono_font(font, span["flags"]):
        return "code"
    if span["size"] <= 0.8 * size and abs(oy - baseline) > 0.12 * size:
        return "mark"
    return ""


def _settle_kinds(chars: list, kinds: list[str]) -> None:
    """Scripts next to math are math; spaces inside an atom belong to it; stray letters inside math join it."""
    n = len(kinds)
    for i in range(n):  # a text-font subscript right after math (L_DPO) is part of the formula
        if kinds[i] == "mark" and i and kinds[i - 1] == "math":
            j = i
            while j < n and kinds[j] == "mark":
                kinds[j] = "math"
                j += 1
    for i in range(n - 1, -1, -1):
        if kinds[i] == "mark" and i + 1 < n and kinds[i + 1] == "math":
            kinds[i] = "math"
    i = 0
    while i < n:
        if kinds[i] != " ":
            i += 1
            continue
        j = i
        while j < n and kinds[j] == " ":
            j += 1
        before = kinds[i - 1] if i else ""
        after = kinds[j] if j < n else ""
        fill = before if before == after and before in ATOM_KINDS and before != "mark" else ""
        for k in range(i, j):
            kinds[k] = fill
        i = j
    for i in range(1, n - 1):  # "x, y": a comma or bracket in the text font between two math glyphs
        if kinds[i] == "" and kinds[i - 1] == "math" and kinds[i + 1] == "math" and chars[i][0] in ",.()[]|=+-;":
            kinds[i] = "math"


#: Words a cross-reference's link text is made of (``Section 3.2``, ``Fig. 4``, ``Eqs. (2) and (3)``).
REF_WORDS = frozenset(
    "section sections sec secs figure figures fig figs table tables tab tabs appendix appendices app equation "
    "equations eq eqs eqn eqns algorithm algorithms alg theorem theorems thm lemma lemmas lem corollary cor "
    "proposition prop definition def remark example assumption chapter chap line lines step listing part page "
    "pp footnote and to".split())
_LINK_WORD = re.compile(r"[A-Za-z]{2,}")


def _prose_links(chars: list, kinds: list[str]) -> None:
    """An internal link whose text says more than a reference does (a table of contents line, a section
    title linked by ``\\nameref``) is prose: translated like the text around it, the link stays on the page."""
    i, n = 0, len(kinds)
    while i < n:
        if kinds[i] != "ref":
            i += 1
            continue
        j = i
        while j < n and kinds[j] in ("ref", " "):
            j += 1
        text = "".join(c[0] for c in chars[i:j])
        if any(w.lower() not in REF_WORDS for w in _LINK_WORD.findall(text)):
            for k in range(i, j):
                if kinds[k] == "ref":
                    kinds[k] = ""
        i = j


def _pieces(chars: list, kinds: list[str]) -> list[Piece]:
    pieces: list[Piece] = []
    start = 0
    for i in range(1, len(chars) + 1):
        if i < len(chars) and kinds[i] == kinds[start] and (
                kinds[i] or not chars[i][0].strip() or chars[i][3]["font"] == chars[start][3]["font"]):
            continue
        text = "".join(c[0] for c in chars[start:i])
        boxes = [c[1] for c in chars[start:i] if c[0].strip()] or [c[1] for c in chars[start:i]]
        span = chars[start][3]
        bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                max(b[3] for b in boxes))
        if pieces and pieces[-1].kind == kinds[start] and kinds[start]:
            last = pieces[-1]
            last.text += text
            last.bbox = (min(last.bbox[0], bbox[0]), min(last.bbox[1], bbox[1]), max(last.bbox[2], bbox[2]),
                         max(last.bbox[3], bbox[3]))
        else:
            pieces.append(Piece(text=text, bbox=bbox, kind=kinds[start], font=span["font"], size=span["size"],
                                flags=span["flags"], color=span.get("color", 0)))
        start = i
    return pieces
