"""The PDF output: ``paper.ko.pdf`` (the original pages, English replaced by Korean) and ``paper.dual.pdf``.

For every translated segment the writer removes the English of its rows
(text only: images and vector graphics stay), typesets the Korean into the
same boxes with Noto Serif CJK KR (embedded as a subset), shrinking down to a
floor when the Korean is longer, and puts inline formulas back as the
original glyph runs.  A segment that does not fit at the floor, or whose box
would cover other content, keeps its English and is reported.  Links follow
the citations they sat on; bookmarks survive, translated where a heading
matches.  The report gets, per page, blocks translated / kept / overflowing
and formulas re-inserted, and every line left in English with its page and
reason (:mod:`.ledger`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from arxiv_translator.mupdf import pymupdf

from arxiv_translator.document import Segment, Status
from arxiv_translator.document_attrs import LayoutPart, PdfPageStats
from arxiv_translator.events import Event
from arxiv_translator.protect import PLACEHOLDER_RE
from arxiv_translator.readers.pdf import open_pdf
from arxiv_translator.writers.base import WriteJob, WriteResult, Writer
from arxiv_translator.writers.pdf.draw import collect_glyphs, draw, dual_pdf, links_over, move_links, page_obstacles, redact_rows
from arxiv_translator.writers.pdf.fonts import GlyphCoder, subset_font
from arxiv_translator.writers.pdf.ledger import english_lines
from arxiv_translator.writers.pdf.typeset import Atom, Measure, Part, Placed, fit, words_of

Rect4 = tuple[float, float, float, float]
#: Space between the pieces of a formula that was broken over two lines, when it is set on one.
PIECE_GAP = 2.5


@dataclass
class Plan:
    """One segment on its way into the PDF."""

    segment: Segment
    parts: list[LayoutPart]
    atoms: dict[tuple[int, int], Atom] = field(default_factory=dict)
    placed: list[Placed] = field(default_factory=list)
    outcome: str = "kept"  # "todo" while being set; then translated, kept, overflow or blocked
    scale: float = 1.0

    @property
    def rows(self) -> list[tuple[int, Rect4]]:
        """(page, row box) of every row of every part."""
        return [row for p in self.parts for row in p.row_boxes()]


def _plans(segments: list[Segment]) -> list[Plan]:
    """A plan per segment read from a PDF; translated ones are "todo", with their atoms' geometry."""
    plans = []
    for seg in segments:
        if not seg.locator.layout:
            continue
        plan = Plan(segment=seg, parts=[p.model_copy() for p in seg.locator.layout])
        if seg.status in (Status.TRANSLATED, Status.CACHED) and seg.target_masked:
            for geo in seg.locator.atoms:
                pieces = geo.pieces
                width = sum(p.bbox[2] - p.bbox[0] for p in pieces) + PIECE_GAP * (len(pieces) - 1)
                plan.atoms[(geo.start, geo.end)] = Atom(kind=geo.kind, source=seg.source[geo.start:geo.end],
                                                        width=width, ascent=max(p.baseline - p.bbox[1] for p in pieces),
                                                        descent=max(p.bbox[3] - p.baseline for p in pieces),
                                                        pieces=[(p.page, p.bbox, p.baseline) for p in pieces])
            plan.outcome = "todo"
        plans.append(plan)
    return plans


def _chars(plans: list[Plan], bold: bool) -> set[str]:
    chars: set[str] = set()
    for plan in plans:
        if plan.outcome == "todo" and plan.parts[0].bold == bold:
            chars.update(PLACEHOLDER_RE.sub("", plan.segment.target_masked or ""))
    return chars


class PdfOutput(Writer):
    """Writes ``paper.ko.pdf`` and ``paper.dual.pdf`` for a PDF input."""

    name = "pdf"

    def __init__(self) -> None:
        #: After :meth:`write`: the boxes that received Korean, per 0-based page of ``paper.ko.pdf``.
        self.boxes: dict[int, list[Rect4]] = {}

    def write(self, job: WriteJob) -> WriteResult:
        """Replace the English of translated segments by Korean, page by page."""
        doc = job.doc
        source = job.assets / doc.main_file if doc.main_file and (job.assets / doc.main_file).is_file() \
            else Path(doc.source_path)
        selection = list(doc.pdf.selection) if doc.pdf is not None else []
        plans = _plans(list(doc.segments()))
        regular, subset = subset_font(_chars(plans, False), bold=False)
        bold, _ = subset_font(_chars(plans, True), bold=True)
        fonts = {False: pymupdf.Font(fontbuffer=regular), True: pymupdf.Font(fontbuffer=bold)}
        out = open_pdf(source)
        try:
            result = self._write(job, out, source, selection, plans, fonts)
        finally:
            out.close()
        if not subset:
            result.warnings.append("fontTools is not installed: the whole Korean font was embedded (large PDF)")
        return result

    def _write(self, job: WriteJob, out: pymupdf.Document, source: Path, selection: list[int], plans: list[Plan],
               fonts: dict[bool, pymupdf.Font]) -> WriteResult:
        if not selection:
            selection = list(range(out.page_count))
        by_page: dict[int, list[Plan]] = {}
        for plan in plans:
            for page in {p.page for p in plan.parts}:
                by_page.setdefault(page, []).append(plan)
        obstacles = self._survey(out, selection, by_page)
        measure = Measure(fonts[False], fonts[True])
        for plan in plans:
            if plan.outcome == "todo":
                self._fit(plan, obstacles, measure, out)
        self._resolve_overlaps(plans)
        where = {pno: i for i, pno in enumerate(selection)}
        for plan in plans:
            if plan.outcome == "translated":
                for part in plan.parts:
                    self.boxes.setdefault(where[part.page], []).append(part.box)
        coder = GlyphCoder(out)
        pages_info = []
        for n, pno in enumerate(selection):
            if n % 25 == 0:
                job.emit(Event(stage="write", message=f"PDF page {n + 1}/{len(selection)}"))
            pages_info.append(self._page(out, pno, by_page.get(pno, []), fonts, coder))
        toc = out.get_toc(simple=True)
        out.select(selection)
        problem = self._outline(out, toc, job, selection)
        if job.pseudo:
            for page in out:  # like the LaTeX path: every page says it is not a real translation
                page.insert_text((12, 9), PSEUDO_BANNER, fontsize=6, fontname="helv", color=(0.6, 0, 0))
        mono = job.out / "paper.ko.pdf"
        out.save(mono, garbage=2, deflate=True)
        mode = getattr(job.settings, "dual", "side") or "side"
        dual_pdf(source, out, selection, job.out / "paper.dual.pdf", mode)
        pdf = job.doc.pdf
        result = self._result(plans, pages_info, mode, pdf.page_stats if pdf is not None else {})
        result.info["pdf"]["english"] = english_lines(mono, selection, plans, pdf.kept if pdf is not None else {})
        if problem:
            result.warnings.append(problem)
        return result

    # -- before drawing ------------------------------------------------------------
    def _survey(self, out: pymupdf.Document, selection: list[int],
                by_page: dict[int, list[Plan]]) -> dict[int, tuple[list[Rect4], list[Rect4]]]:
        """Obstacles of each page with translated boxes, and the glyphs of atoms (before any change)."""
        found: dict[int, tuple[list[Rect4], list[Rect4]]] = {}
        offsets: dict[int, list] = {}
        unique = {id(p): p for plans in by_page.values() for p in plans if p.outcome == "todo"}
        for plan in unique.values():
            for atom in plan.atoms.values():
                offset = 0.0
                for i, (page, box, baseline) in enumerate(atom.pieces):
                    offsets.setdefault(page, []).append((atom, i, box, baseline, offset))
                    offset += box[2] - box[0] + PIECE_GAP
        for pno in selection:
            todo = [p for p in by_page.get(pno, []) if p.outcome == "todo"]
            if not todo:
                continue
            page = out[pno]
            found[pno] = page_obstacles(page)
            wanted = offsets.get(pno, [])
            collect_glyphs(page, wanted)
            links = page.get_links() if any(w[0].kind in ("cite", "ref", "url") for w in wanted) else []
            for atom, _i, box, _b, _o in wanted:
                if atom.kind in ("cite", "ref", "url"):
                    atom.links.extend(links_over(links, box))
        return found

    def _fit(self, plan: Plan, obstacles: dict[int, tuple[list[Rect4], list[Rect4]]], measure: Measure,
             out: pymupdf.Document) -> None:
        parts = []
        for raw in plan.parts:
            page = raw.page
            x0, y0, x1, y1 = raw.box
            rect = out[page].rect if page < out.page_count else None
            if rect is None or x0 < rect.x0 - 1 or y0 < rect.y0 - 1 or x1 > rect.x1 + 1 or y1 > rect.y1 + 1:
                plan.outcome = "blocked"
                return
            text, graphics = obstacles.get(page, ([], []))
            own = [box for _page, box in raw.row_boxes()]
            if _covers_other(raw.box, own, text):
                plan.outcome = "blocked"
                return
            if len(own) == 1 and raw.limit:
                x0, x1 = _widen(raw, own, text + graphics)
            parts.append(Part(page=page, x0=x0, y0=y0, x1=x1, y1=y1, baselines=[r[4] for r in raw.rows],
                              size=raw.size, bold=raw.bold, color=raw.color, align=raw.align, indent=raw.indent))
        words = words_of(plan.segment, plan.atoms)
        result = fit(words, parts, measure) if words else None
        if result is None:
            plan.outcome = "overflow"
            return
        plan.placed, plan.scale = result
        plan.outcome = "translated"
        plan.parts = [raw.model_copy(update={"box": (p.x0, p.y0, p.x1, p.y1)}) for raw, p in zip(plan.parts, parts)]

    @staticmethod
    def _resolve_overlaps(plans: list[Plan]) -> None:
        """Two translated boxes may never overlap: the later one keeps its English."""
        taken: dict[int, list[Rect4]] = {}
        for plan in plans:
            if plan.outcome != "translated":
                continue
            boxes = [(p.page, p.box) for p in plan.parts]
            if any(_overlap(box, other, 2.0) for page, box in boxes for other in taken.get(page, [])):
                plan.outcome, plan.placed = "blocked", []
                continue
            for page, box in boxes:
                taken.setdefault(page, []).append(box)

    # -- drawing -------------------------------------------------------------------
    def _page(self, out: pymupdf.Document, pno: int, plans: list[Plan], fonts: dict[bool, pymupdf.Font],
              coder: GlyphCoder) -> dict:
        counts: Counter[str] = Counter()
        for plan in plans:
            counts[plan.outcome if plan.outcome != "todo" else "kept"] += 1
        info = {"page": pno + 1, "translated": counts["translated"], "kept": counts["kept"] + counts["blocked"],
                "overflow": counts["overflow"], "formulas": 0}
        done = [p for p in plans if p.outcome == "translated"]
        if not done:
            return info
        rows = [box for plan in done for page, box in plan.rows if page == pno]
        placed = [item for plan in done for item in plan.placed if item.page == pno]
        for item in placed:  # probing fonts adds and removes a scratch page: before this page is loaded
            for glyph in item.atom.glyphs if item.atom else ():
                if glyph.font:
                    coder.code(glyph.font, glyph.gid)
        page = out[pno]
        redact_rows(page, rows)
        page = out[pno]
        info["formulas"] = draw(out, page, placed, fonts, coder)
        move_links(page, placed, rows)
        return info

    @staticmethod
    def _outline(out: pymupdf.Document, toc: list, job: WriteJob, selection: list[int]) -> str | None:
        """Keep the bookmarks of the selected pages; translate titles that match a heading."""
        if not toc:
            return None
        headings = {_key(s.source): s for s in job.doc.segments() if s.kind in ("heading", "title")}
        where = {pno: i + 1 for i, pno in enumerate(selection)}
        new, level = [], 0
        for lvl, title, page in toc:
            if page - 1 not in where:
                continue
            seg = headings.get(_key(title))
            if seg is not None and seg.translation:
                title = PLACEHOLDER_RE.sub("", seg.translation)
            lvl = min(lvl, level + 1)
            level = lvl
            new.append([lvl, title, where[page - 1]])
        try:
            out.set_toc(new)
        except Exception as exc:  # PyMuPDF rejects odd outlines; the PDF is still useful without them
            return f"the bookmarks could not be kept ({exc})"
        return None

    @staticmethod
    def _result(plans: list[Plan], pages: list[dict], mode: str, extra: dict[int, PdfPageStats]) -> WriteResult:
        for info in pages:
            stats = extra.get(info["page"], PdfPageStats())
            info["equations"], info["tables"] = stats.equations, stats.tables
        outcomes = Counter(p.outcome if p.outcome != "todo" else "kept" for p in plans)
        overflow = [p.segment.id for p in plans if p.outcome == "overflow"]
        blocked = [p.segment.id for p in plans if p.outcome == "blocked"]
        result = WriteResult(files=["paper.ko.pdf", "paper.dual.pdf"])
        result.info["pdf"] = {"pages": pages, "translated": outcomes["translated"],
                              "kept": outcomes["kept"], "overflow": overflow, "blocked": blocked,
                              "formulas": sum(p["formulas"] for p in pages), "dual": mode,
                              "scales": dict(Counter(f"{p.scale:.2f}" for p in plans if p.outcome == "translated"))}
        if overflow:
            result.warnings.append(f"{len(overflow)} PDF block(s) kept in English: the Korean did not fit even at "
                                   f"the smallest size ({_some(overflow)})")
        if blocked:
            result.warnings.append(f"{len(blocked)} PDF block(s) kept in English: their box would cover other "
                                   f"content ({_some(blocked)})")
        return result


PSEUDO_BANNER = "PSEUDO-TRANSLATION (arxiv-translator --engine pseudo): not a real translation"


def _some(ids: list[str]) -> str:
    return ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")


def _key(text: str) -> str:
    return re.sub(r"[^a-z]+", "", text.lower())


def _overlap(a: Rect4, b: Rect4, tol: float = 0.5) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


def _covers_other(box: list[float], own: list[Rect4], text: list[Rect4]) -> bool:
    """Would the box cover text that is not its own (a formula row, figure text)?"""
    inner = (box[0] + 1.0, box[1] + 1.0, box[2] - 1.0, box[3] - 1.0)
    for r in text:
        if not _overlap(inner, r, 0.5):
            continue
        cx, cy = (r[0] + r[2]) / 2, (r[1] + r[3]) / 2
        if not any(o[0] - 1 <= cx <= o[2] + 1 and o[1] - 1 <= cy <= o[3] + 1 for o in own):
            return True
    return False


def _widen(raw: LayoutPart, own: list[Rect4], others: list[Rect4]) -> tuple[float, float]:
    """A one-line box may grow sideways up to its column's edge, where nothing else is."""
    x0, y0, x1, y1 = raw.box
    limit_left, limit_right = raw.limit
    band = [r for r in others if min(r[3], y1) - max(r[1], y0) > 0.5 and not any(_overlap(r, o, 0.5) for o in own)]
    right = min([limit_right] + [r[0] - 2.0 for r in band if r[0] >= x1 - 0.5])
    left = max([limit_left] + [r[2] + 2.0 for r in band if r[2] <= x0 + 0.5])
    if raw.align == "c":
        half = min((x0 + x1) / 2 - left, right - (x0 + x1) / 2)
        return (x0 + x1) / 2 - half, (x0 + x1) / 2 + half
    return x0, max(x1, right)
