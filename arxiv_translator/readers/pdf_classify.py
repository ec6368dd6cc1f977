"""Give every row of a page a role, from geometry and fonts.

Roles that are translated: ``title``, ``heading``, ``abstract``, ``caption``,
``footnote``, ``text``.  Roles left alone: ``furniture`` (running heads and
feet, page numbers, rotated stamps), ``front`` (authors and affiliations),
``figure`` (text inside a figure), ``table``, ``equation`` (display math),
``code`` and ``reference`` (the bibliography).

:class:`RowClassifier` is the seam for a layout model: anything with the same
``classify`` method can replace :class:`HeuristicClassifier`.  The heuristic
needs document-wide figures (:class:`DocStats`, from a cheap pass over a sample
of pages) and carries a little state from page to page (:class:`ReadState`:
inside the abstract, inside the bibliography).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from arxiv_translator.mupdf import pymupdf

from arxiv_translator.readers.pdf_layout import TEXT_FLAGS, Box, PageLayout, Row
from arxiv_translator.readers.pdf_math import is_bold_font, is_mono_font

TRANSLATED_ROLES = ("title", "heading", "abstract", "caption", "footnote", "text")
CAPTION_RE = re.compile(r"^\s*(?:Figure|Fig\.|Table|Tab\.|Algorithm|Listing|Scheme|Exhibit)\s*[A-Z]?\d+(?:\.\d+)*"
                        r"[a-z]?\s*[:.|—–-]", re.I)
NUMBERED_RE = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[A-Z](?:\.\d{1,2}){0,3}\.?|[IVX]{1,5}\.)\s+\S")
HEADING_WORDS = re.compile(
    r"^(?:abstract|introduction|related work|background|conclusions?|discussion|limitations|acknowledge?ments?|"
    r"references|bibliography|appendix|appendices|ethics statement|broader impacts?|impact statement|"
    r"reproducibility statement|future work|experiments?|results|method(?:s|ology)?|preliminaries|"
    r"supplementary materials?|contents)\b", re.I)
REFERENCES_RE = re.compile(r"^(?:\d+\.?\s*)?(?:[A-Za-z]+\s+){0,2}(?:references|bibliography|literature cited|"
                           r"works cited)\s*$", re.I)
APPENDIX_RE = re.compile(r"^(?:\d+\.?\s+)?(?:appendix|appendices|supplementary)|^[A-Z](?:\.\d+)*\.?\s+[A-Z]", re.I)
ABSTRACT_RE = re.compile(r"^a\s?bstract\s*[.:—–-]?\s*", re.I)
PAGE_NUMBER_RE = re.compile(r"^\s*(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,6})(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)
FOOTNOTE_START_RE = re.compile(r"^\s*(?:[*∗⋆†‡§¶♠♡♣♢]|\d{1,2}\s?[A-Za-z(])")
SENTENCE_END_RE = re.compile(r"[.!?:;][\"'”’)\]]*\s*$")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass
class DocStats:
    """Document-wide figures the heuristic needs."""

    body_size: float = 10.0
    body_font: str = ""
    top: float = 0.0  # rows ending above this are running heads
    bottom: float = 1e9  # rows starting below this are running feet or footnotes
    repeated: set[str] = field(default_factory=set)  # margin texts seen on many pages
    rights: list[float] = field(default_factory=list)  # right edges of body text columns
    pitch: float = 1.2  # baseline to baseline over font size, in body paragraphs


@dataclass
class ReadState:
    """What carries over from one page to the next."""

    in_abstract: bool = False
    in_refs: bool = False
    title_done: bool = False


class RowClassifier(Protocol):
    """Sets ``row.role`` for every row of a page (a layout model can implement this)."""

    def classify(self, layout: PageLayout, stats: DocStats, state: ReadState) -> None:
        """Assign roles to ``layout.rows`` in place."""


def margin_key(text: str) -> str:
    """Text of a running head/foot with digits folded, for counting repeats."""
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def collect_stats(doc: pymupdf.Document, pages: list[int], sample: int = 40) -> DocStats:
    """Body size and font, furniture zones, repeated margin texts and column edges from a page sample."""
    step = max(1, len(pages) // sample)
    chosen = pages[::step][:sample]
    sizes: Counter[float] = Counter()
    fonts: Counter[str] = Counter()
    lines: list[tuple[int, float, Box, str]] = []  # (page, size, bbox, text)
    pitches: list[float] = []
    for pno in chosen:
        page = doc[pno]
        for block in page.get_text("dict", flags=TEXT_FLAGS)["blocks"]:
            prev = None
            for line in block.get("lines", ()):
                if abs(line["dir"][1]) > 0.01:
                    continue
                size = line["spans"][0]["size"]
                wide = line["bbox"][2] - line["bbox"][0] > 100
                if prev is not None and size > 4 and abs(prev[1] - size) < 0.3 and wide:
                    step = (line["bbox"][3] - prev[0]) / size
                    if 1.0 <= step <= 1.8:
                        pitches.append(step)
                prev = (line["bbox"][3], size)
                text = "".join(s["text"] for s in line["spans"])
                best = max(line["spans"], key=lambda s: len(s["text"]))
                for s in line["spans"]:
                    n = len(s["text"].strip())
                    sizes[round(s["size"] * 2) / 2] += n
                    fonts[s["font"]] += n
                lines.append((pno, best["size"], tuple(line["bbox"]), text))
    stats = DocStats()
    if not sizes:
        return stats
    stats.body_size = sizes.most_common(1)[0][0]
    stats.body_font = fonts.most_common(1)[0][0]
    if pitches:
        stats.pitch = sorted(pitches)[len(pitches) // 2]
    body = [(p, b) for p, s, b, t in lines if abs(s - stats.body_size) <= 0.6 and b[2] - b[0] > 120]
    if body:
        first: dict[int, float] = {}
        last: dict[int, float] = {}
        for p, b in body:
            first[p] = min(first.get(p, 1e9), b[1])
            last[p] = max(last.get(p, 0.0), b[3])
        tops, bottoms = sorted(first.values()), sorted(last.values())
        stats.top = tops[len(tops) // 5] - 1.0
        stats.bottom = bottoms[-1 - len(bottoms) // 5] + 1.0
        rights = Counter(round(b[2]) for _p, b in body)
        cut = max(3, len(body) // 20)
        stats.rights = sorted(float(x) for x, n in rights.items() if n >= cut)
    margins: Counter[str] = Counter()
    for pno in chosen:
        seen = {margin_key(t) for p, _s, b, t in lines if p == pno and (b[3] <= stats.top or b[1] >= stats.bottom)}
        margins.update(k for k in seen if k.strip())
    need = max(2, len(chosen) // 4)
    stats.repeated = {k for k, n in margins.items() if n >= need}
    return stats


def _inside(row: Row, box: Box, pad: float = 1.0) -> bool:
    cx, cy = (row.bbox[0] + row.bbox[2]) / 2, (row.bbox[1] + row.bbox[3]) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= cy <= box[3] + pad


def _words(row: Row) -> int:
    return len(_WORD.findall("".join(p.text for p in row.pieces if p.kind == "")))


def is_heading(row: Row, stats: DocStats) -> bool:
    """A short bold or large line, numbered or a known section name."""
    text = row.text.strip()
    words = len(text.split())
    if not text or words > 16 or len(text) > 120 or not _WORD.search(text) or CAPTION_RE.match(text):
        return False
    prose = [p for p in row.pieces if p.kind == "" and p.text.strip()]
    bold = bool(prose) and all(is_bold_font(p.font, p.flags) for p in prose)
    large = row.size >= stats.body_size * 1.12
    if not (bold or large):
        return False
    if text.endswith((".", ",", ";")) and not NUMBERED_RE.match(text) and words > 3:
        return False
    return bool(NUMBERED_RE.match(text) or HEADING_WORDS.match(text) or large or (bold and words <= 12
                and text[0].isupper()))


def heading_level(text: str, row: Row, stats: DocStats) -> int:
    """2 for a section, 3 for a subsection... from the numbering, else from the size."""
    m = re.match(r"^(\d{1,2}(?:\.\d{1,2})*|[A-Z](?:\.\d{1,2})*)\.?\s", text.strip())
    if m:
        return min(6, 2 + m.group(1).count("."))
    return 2 if row.size >= stats.body_size * 1.12 else 3


class HeuristicClassifier:
    """Roles from fonts, sizes, positions and graphics (see the module docstring)."""

    def classify(self, layout: PageLayout, stats: DocStats, state: ReadState) -> None:
        """Assign roles to ``layout.rows`` in place."""
        rows = layout.rows
        layout.tables = [t for t in layout.tables if t[3] - t[1] > 3 * stats.body_size
                         and sum(1 for r in rows if _inside(r, t)) >= 3]  # not a title between two rules
        for row in rows:
            row.role = self._structural(row, layout, stats)
        for prev, row in zip(rows, rows[1:]):
            same = prev.block == row.block and abs(prev.size - row.size) < 0.5
            if row.role == "figure" and prev.role in ("caption", "text") and same:
                row.role = "text"  # a caption's lines inside the figure's drawing area
            elif (row.role in ("tabular", "code") and prev.role in ("text", "footnote", "caption") and same
                  and 0 < row.baseline - prev.baseline <= 1.5 * row.size and abs(row.bbox[0] - prev.bbox[0]) < 20):
                row.role = "text"  # a justified line of few words, a URL on its own line: the paragraph goes on
        for row in rows:
            if row.role == "tabular":
                row.role = "table"
        self._equation_neighbours(rows, stats)
        if layout.number == 0 and not state.title_done:
            self._front_matter(layout, stats, state)
        for row in rows:
            if state.in_refs and row.role in ("footnote", "caption"):
                row.role = "reference"
            if row.role != "text" and row.role != "heading":
                continue
            text = row.text.strip()
            if row.role == "heading":
                if REFERENCES_RE.match(text):
                    state.in_refs, state.in_abstract = True, False
                elif state.in_refs and APPENDIX_RE.match(text):
                    state.in_refs = False
                elif ABSTRACT_RE.fullmatch(text):
                    state.in_abstract = True
                    continue
                elif not state.in_refs:
                    state.in_abstract = False
                if state.in_refs and not REFERENCES_RE.match(text):
                    row.role = "reference"
                continue
            if state.in_refs:
                row.role = "reference"
            elif ABSTRACT_RE.match(text) and len(text.split()) > 3 and is_bold_font(row.pieces[0].font,
                                                                                     row.pieces[0].flags):
                row.role, state.in_abstract = "abstract", True
            elif state.in_abstract:
                row.role = "abstract"

    def _structural(self, row: Row, layout: PageLayout, stats: DocStats) -> str:
        if row.rotated:
            return "furniture"
        text = row.text.strip()
        numbered_heading = bool(NUMBERED_RE.match(text)) and is_heading(row, stats)
        if (row.bbox[3] <= stats.top or row.bbox[1] >= stats.bottom) and not numbered_heading:
            if PAGE_NUMBER_RE.match(text) or margin_key(text) in stats.repeated:
                return "furniture"
            if row.bbox[3] <= min(stats.top, 0.12 * layout.height) and not (
                    layout.number == 0 and row.size >= stats.body_size * 1.3):
                return "furniture"
            if row.bbox[1] >= layout.height * 0.94:
                return "furniture"
        if CAPTION_RE.match(text):
            return "caption"
        chars = max(1, len(text.replace(" ", "")))
        math = row.kind_chars("math")
        words = _words(row)
        if math and (math / chars >= 0.5 and words <= 2 or words <= 1 and math / chars >= 0.2
                     or _equation_number(row) and words <= 3) or re.fullmatch(r"\(\d+[a-z]?\)", text):
            return "equation"
        if any(_inside(row, t) for t in layout.tables):
            return "table"
        if any(_inside(row, f) for f in layout.figures) and not self._prose_like(row, stats, words):
            return "figure"
        if row.kind_chars("code") / chars >= 0.8 and words <= 1 or (is_mono_font(row.font, row.flags) and not words):
            return "code"
        if _big_gaps(row) >= 2:
            return "tabular"
        if is_heading(row, stats):
            return "heading"
        if (row.bbox[1] > layout.height * 0.55 and row.size <= stats.body_size * 0.92 and text
                and (row.pieces[0].kind == "mark" or FOOTNOTE_START_RE.match(text))
                and not self._prose_below(row, layout, stats)):
            return "footnote"
        return "text"

    @staticmethod
    def _equation_neighbours(rows: list[Row], stats: DocStats) -> None:
        """A word or two next to a display formula ("softmax", "s.t.", "(8)") belong to it."""
        for i, row in enumerate(rows):
            if row.role != "text" or _words(row) > 2 or row.width > 12 * stats.body_size:
                continue
            prev = rows[i - 1] if i else None
            if (prev is not None and prev.role == "text" and abs(prev.bbox[0] - row.bbox[0]) < 0.5 * row.size
                    and 0 < row.baseline - prev.baseline < 1.6 * row.size and prev.width > 12 * stats.body_size
                    and not SENTENCE_END_RE.search(prev.text)):
                continue  # the last words of a paragraph ("the following loss:") before a display
            near = rows[max(0, i - 2): i] + rows[i + 1: i + 3]
            if any(o.role == "equation" and abs(o.baseline - row.baseline) < 2.2 * row.size for o in near):
                row.role = "equation"

    @staticmethod
    def _prose_like(row: Row, stats: DocStats, words: int) -> bool:
        return words >= 6 and row.size >= stats.body_size * 0.85 and row.width >= 150

    @staticmethod
    def _prose_below(row: Row, layout: PageLayout, stats: DocStats) -> bool:
        """Body-size prose below ``row`` in its column (then ``row`` is not a footnote)."""
        for other in layout.rows:
            if (other.bbox[1] > row.bbox[3] and abs(other.size - stats.body_size) < 0.6 and other.width > 100
                    and min(other.bbox[2], row.bbox[2]) - max(other.bbox[0], row.bbox[0]) > 0
                    and other.bbox[1] < stats.bottom):
                return True
        return False

    def _front_matter(self, layout: PageLayout, stats: DocStats, state: ReadState) -> None:
        """Title rows (largest type in the top half) and the author block under them."""
        rows = [r for r in layout.rows if r.role in ("text", "heading")]
        candidates = [r for r in rows if r.bbox[1] < layout.height * 0.45 and r.size >= stats.body_size * 1.25]
        if not candidates:
            return
        biggest = max(r.size for r in candidates)
        title_rows = [r for r in candidates if r.size >= biggest - 0.6]
        state.title_done = True
        last = max(r.bbox[3] for r in title_rows)
        for r in title_rows:
            r.role = "title"
        for r in layout.rows:
            if r.role in ("text", "footnote") and r.bbox[1] >= last and r.bbox[3] < layout.height * 0.6:
                if ABSTRACT_RE.match(r.text.strip()) or self._starts_body(r, layout):
                    break
                r.role = "front"
            elif r.role == "heading" and r.bbox[1] >= last:
                if HEADING_WORDS.match(r.text.strip()) or NUMBERED_RE.match(r.text.strip()):
                    break
                r.role = "front"

    @staticmethod
    def _starts_body(row: Row, layout: PageLayout) -> bool:
        """A paragraph of body prose (many words over several lines) ends the author block."""
        same = [r for r in layout.rows if r.block == row.block]
        return len(same) >= 4 and sum(_words(r) for r in same) >= 40


def _equation_number(row: Row) -> bool:
    prose = "".join(p.text for p in row.pieces if p.kind != "math").strip()
    if not row.kind_chars("math"):
        return False
    return bool(re.fullmatch(r"[,.;]?\s*\(\s*\d+(?:\.\d+)?[a-z]?\s*\)", prose))


def _big_gaps(row: Row) -> int:
    """Gaps wider than 1.6 em inside the row (table columns); a display formula's number does not count."""
    return row.gaps
