"""Set a translated segment into the boxes its English occupied.

The translation (``target_masked``) is cut into *words* separated by spaces;
a word is a run of text and *atoms* (the original glyph runs of formulas,
marks, citations) glued together.  Words fill the lines of the segment's
boxes in order -- a paragraph split over two columns flows from one box into
the next -- at the original size, then at smaller sizes down to a floor.
Lines keep the original baselines and leading (scaled with the size); full
lines of justified paragraphs are justified.  When even the floor is too big,
:func:`fit` returns None and the writer keeps the English.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from arxiv_translator.mupdf import pymupdf

from arxiv_translator.document import Segment
from arxiv_translator.protect import PLACEHOLDER_RE, normalise_tags, slots
from arxiv_translator.writers.pdf.fonts import Glyph

#: Font scales tried, largest first; the last one is the floor.
SCALES = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7)
MIN_SIZE = 4.5


@dataclass
class Atom:
    """An original glyph run, placed as one unbreakable unit."""

    kind: str
    source: str
    width: float
    ascent: float = 0.0  # above the baseline, at scale 1
    descent: float = 0.0  # below the baseline
    glyphs: list[Glyph] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    pieces: list[tuple[int, tuple[float, float, float, float], float]] = field(default_factory=list)


@dataclass
class Part:
    """One box of a segment, as the writer prepared it."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    baselines: list[float]
    size: float
    bold: bool
    color: int
    align: str
    indent: float


@dataclass
class Placed:
    """Something to draw: text in the Korean font or an atom, at a baseline point."""

    page: int
    x: float
    y: float
    size: float
    bold: bool
    color: int
    text: str = ""
    atom: Atom | None = None
    scale: float = 1.0

    @property
    def width_hint(self) -> float:
        """The atom's drawn width (0 for text)."""
        return self.atom.width * self.scale if self.atom else 0.0


class Measure:
    """Advance widths of the Korean fonts, cached per character."""

    def __init__(self, regular: pymupdf.Font, bold: pymupdf.Font) -> None:
        self.fonts = {False: regular, True: bold}
        self._adv: dict[tuple[bool, str], float] = {}

    def width(self, text: str, size: float, bold: bool) -> float:
        """Width of ``text`` at ``size`` points."""
        total = 0.0
        font = self.fonts[bold]
        for ch in text:
            adv = self._adv.get((bold, ch))
            if adv is None:
                adv = font.glyph_advance(ord(ch)) if font.has_glyph(ord(ch)) else 0.6
                self._adv[(bold, ch)] = adv
            total += adv
        return total * size


Unit = tuple[str, Atom | None]  # (text, None) or ("", atom)


def words_of(segment: Segment, atoms: dict[tuple[int, int], Atom]) -> list[list[Unit]]:
    """The translation as words (lists of glued text and atom units)."""
    masked = normalise_tags(segment.target_masked or "")
    by_tag = {slot.tag: slot for slot in slots(segment)}
    units: list[Unit | None] = []  # None marks a space
    pos = 0
    for m in PLACEHOLDER_RE.finditer(masked):
        _text_units(masked[pos: m.start()], units)
        slot = by_tag.get(m.group(0))
        if slot is not None and not slot.tag.startswith(("<g", "</g")):
            inside = [a for (s, e), a in sorted(atoms.items()) if s >= slot.start and e <= slot.end]
            if inside:
                for i, atom in enumerate(inside):
                    if i:
                        units.append(None)
                    units.append(("", atom))
            else:
                _text_units(segment.source[slot.start: slot.end], units)
        pos = m.end()
    _text_units(masked[pos:], units)
    words: list[list[Unit]] = [[]]
    for unit in units:
        if unit is None:
            if words[-1]:
                words.append([])
        else:
            words[-1].append(unit)
    return [w for w in words if w]


def _text_units(text: str, units: list[Unit | None]) -> None:
    for i, chunk in enumerate(text.split(" ")):
        if i:
            units.append(None)
        chunk = " ".join(chunk.split())
        if chunk:
            units.append((chunk, None))


def fit(words: list[list[Unit]], parts: list[Part], measure: Measure) -> tuple[list[Placed], float] | None:
    """Placements at the largest scale that fits, with that scale; None when nothing fits."""
    for scale in SCALES:
        if parts[0].size * scale < MIN_SIZE and scale != SCALES[0]:
            break
        placed = _layout(words, parts, measure, scale)
        if placed is not None:
            return placed, scale
    return None


def _lines(parts: list[Part], scale: float) -> list[tuple[Part, float]]:
    out = []
    for part in parts:
        steps = [b - a for a, b in zip(part.baselines, part.baselines[1:])]
        pitch = sorted(steps)[len(steps) // 2] if steps else 1.2 * part.size
        first = part.y0 + (part.baselines[0] - part.y0) * scale
        descent = 0.18 * part.size * scale
        y = first
        n = 0
        while y + descent <= part.y1 + 0.6 or n == 0:
            out.append((part, y))
            n += 1
            y = first + n * pitch * scale
    return out


def _unit_width(unit: Unit, size: float, bold: bool, measure: Measure, scale: float) -> float:
    text, atom = unit
    return atom.width * scale if atom is not None else measure.width(text, size, bold)


def _layout(words: list[list[Unit]], parts: list[Part], measure: Measure, scale: float) -> list[Placed] | None:
    lines = _lines(parts, scale)
    size = parts[0].size * scale
    bold = parts[0].bold
    space = measure.width(" ", size, bold)
    rows: list[list[list[tuple[Unit, float]]]] = [[]]  # line -> words -> (unit, width)
    index = 0

    def avail(i: int) -> float:
        part = lines[i][0]
        return part.x1 - part.x0 - (part.indent if i == 0 else 0.0)

    used = 0.0
    for word in words:
        measured = [(u, _unit_width(u, size, bold, measure, scale)) for u in word]
        width = sum(w for _u, w in measured)
        if rows[index] and used + space + width > avail(index) + 0.01:
            index += 1
            if index >= len(lines):
                return None
            rows.append([])
            used = 0.0
        if not rows[index] and width > avail(index) + 0.01:
            chunks = _split(measured, avail(index), measure, size, bold)
            if chunks is None:
                return None
            for n, chunk in enumerate(chunks):
                if n:
                    index += 1
                    if index >= len(lines):
                        return None
                    rows.append([])
                rows[index].append(chunk)
                used = sum(w for _u, w in chunk)
            continue
        rows[index].append(measured)
        used += (space if len(rows[index]) > 1 else 0.0) + width
    return _place(rows, lines, space, size, bold, scale)


def _split(measured: list[tuple[Unit, float]], limit: float, measure: Measure, size: float,
           bold: bool) -> list[list[tuple[Unit, float]]] | None:
    """Break an over-long word between characters (Korean allows it); an atom wider than a line fails."""
    units: list[tuple[Unit, float]] = []
    for (text, atom), width in measured:
        if atom is not None:
            units.append((("", atom), width))
        else:
            units.extend(((ch, None), measure.width(ch, size, bold)) for ch in text)
    chunks: list[list[tuple[Unit, float]]] = [[]]
    used = 0.0
    for (text, atom), w in units:
        if w > limit + 0.01:
            return None
        if chunks[-1] and used + w > limit + 0.01:
            chunks.append([])
            used = 0.0
        last = chunks[-1][-1] if chunks[-1] else None
        if last is not None and atom is None and last[0][1] is None:
            chunks[-1][-1] = ((last[0][0] + text, None), last[1] + w)
        else:
            chunks[-1].append(((text, atom), w))
        used += w
    return chunks


def _place(rows: list[list[list[tuple[Unit, float]]]], lines: list[tuple[Part, float]], space: float, size: float,
           bold: bool, scale: float) -> list[Placed] | None:
    """Positions of every unit; lines holding tall formulas push the following lines of their box down."""
    placed: list[Placed] = []
    last_line = len(rows) - 1
    shift, prev_part, prev_bottom = 0.0, None, 0.0
    for i, words in enumerate(rows):
        part, baseline = lines[i]
        ascent = max([0.8 * size] + [a.ascent * scale for w in words for (_t, a), _w in w if a is not None])
        descent = max([0.25 * size] + [a.descent * scale for w in words for (_t, a), _w in w if a is not None])
        first = part is not prev_part
        if first:
            shift, prev_part, prev_bottom = 0.0, part, part.y0 - 0.5
        baseline += shift
        push = prev_bottom + ascent - baseline
        if push > 0 and (not first or ascent > 0.85 * size):
            shift += push
            baseline += push
        if baseline + descent > part.y1 + 0.15 * size:
            return None
        prev_bottom = baseline + descent
        x = part.x0 + (part.indent if i == 0 else 0.0)
        avail = part.x1 - x
        natural = sum(w for word in words for _u, w in word) + space * max(0, len(words) - 1)
        gap = space
        if part.align == "j" and i != last_line and len(words) > 1:
            extra = (avail - natural) / (len(words) - 1)
            if 0 < extra <= 2.5 * space:
                gap = space + extra
        elif part.align == "c":
            x += max(0.0, (avail - natural) / 2)
        for n, word in enumerate(words):
            if n:
                x += gap
            for k, ((text, atom), width) in enumerate(word):
                lead = ""
                if k == 0 and n and atom is None and word and words[n - 1][-1][0][1] is not None:
                    lead = " "  # a real space after a formula, for the text layer
                tail = " " if atom is None and k == len(word) - 1 and n < len(words) - 1 else ""
                shift = space if lead else 0.0
                placed.append(Placed(page=part.page, x=x - shift, y=baseline, size=size, bold=bold,
                                     color=part.color, text=lead + text + tail, atom=atom, scale=scale))
                x += width
    return placed
