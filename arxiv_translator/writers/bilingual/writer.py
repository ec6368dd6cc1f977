"""``paper.bilingual.html``: the paper block by block, English beside its translation.

Built from the document model alone, so every input kind gets one.  The page
is a single offline file: CSS, script, KaTeX and its fonts and the figures are
inlined as ``data:`` URLs, and a Content-Security-Policy allows only the
page's own scripts (by hash), so even text that slipped past the sanitiser
could not run.  Segment text is converted per ``source_kind`` by
:mod:`arxiv_translator.writers.bilingual.segment_html` (escaped or nh3-sanitised).

Views (both / Korean only / English only) are radio buttons and CSS, so they
work without script; the script renders TeX with KaTeX and remembers the view.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from html import escape
from importlib import resources
from importlib.resources.abc import Traversable

from arxiv_translator.version import __version__
from arxiv_translator.document import Document, Segment, Status, Table, TableCell
from arxiv_translator.writers.bilingual.equations import display_equations
from arxiv_translator.writers.bilingual.figure_rows import PdfPlaces, caption_specs, figure_inliner, images_html
from arxiv_translator.writers.bilingual.figures import Figure, FigureInliner
from arxiv_translator.writers.bilingual.segment_html import clean, html_to_text, segment_html
from arxiv_translator.writers.bilingual.html_links import HtmlLinks
from arxiv_translator.writers.latex_macros import paper_macros
from arxiv_translator.writers.bilingual.latex_refs import LatexRefs, table_anchor
from arxiv_translator.writers.latex_xref import LatexXref, latex_xref_for
from arxiv_translator.writers.tables import TablePlaces, table_pair
from arxiv_translator.prose import kept_reason
from arxiv_translator.writers.base import WriteJob, WriteResult, Writer

FILENAME = "paper.bilingual.html"
PSEUDO_BANNER = "pseudo-translation: not a real translation · 의사 번역: 실제 번역이 아닙니다"
LABELS = {"abstract": ("Abstract", "초록")}  # shown unless a heading just said it


class BilingualOutput(Writer):
    """Writes ``paper.bilingual.html`` for any input kind."""

    name = "bilingual"

    def write(self, job: WriteJob) -> WriteResult:
        """Build the page and write it into the output folder."""
        figures = figure_inliner(job.doc, job.assets, job.doc.meta.get("base_url", ""))
        figures.prefetch(name for seg in job.doc.segments() for name, _width in caption_specs(seg))
        xref = latex_xref_for(job) if job.doc.source_kind == "latex" else None
        page = BilingualPage(job.doc, figures, job.pseudo, xref)
        text = page.html()
        (job.out / FILENAME).write_text(text, encoding="utf-8")
        missing = [f"{f.name}: {f.note}" for f in page.missing]
        warnings = [f"bilingual page: {len(missing)} figure(s) not shown ({'; '.join(missing[:3])})"] if missing else []
        return WriteResult(files=[FILENAME], info={"bytes": len(text.encode("utf-8")),
                                                   "figure_bytes": page.figures.bytes}, warnings=warnings)


def _assets() -> Traversable:
    return resources.files("arxiv_translator") / "data" / "bilingual"


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    path = _assets()
    for part in name.split("/"):
        path = path / part
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def katex_css() -> str:
    """KaTeX's stylesheet with its woff2 fonts inlined (other font formats dropped)."""
    fonts = _assets() / "katex" / "fonts"

    def inline(m: re.Match[str]) -> str:
        data = (fonts / m.group(1)).read_bytes()
        return f'url(data:font/woff2;base64,{base64.b64encode(data).decode("ascii")}) format("woff2")'

    css = _asset("katex/katex.min.css")
    css = re.sub(r'url\(fonts/([\w-]+\.woff2)\) format\("woff2"\)', inline, css)
    return re.sub(r',url\(fonts/[\w-]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)


def _script_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def reading_order(doc: Document) -> list[Segment]:
    """Segments in reading order (readers emit blocks in reading order)."""
    return list(doc.segments())


class BilingualPage:
    """Assembles the page for one document."""

    def __init__(self, doc: Document, figures: FigureInliner, pseudo: bool, xref: LatexXref | None = None) -> None:
        self.doc, self.figures, self.pseudo, self.xref = doc, figures, pseudo, xref
        self.missing: list[Figure] = []
        self.toc: list[tuple[int, str, str, str]] = []  # level, anchor, en html, ko html
        self.text_macros: dict[str, str] = {}
        self.math_macros: dict[str, str] = {}
        if doc.source_kind in ("latex", "markdown"):  # TeX math: KaTeX gets the paper's macros
            root = figures.root if doc.source_kind == "latex" else None
            self.text_macros, self.math_macros = paper_macros(doc, root)
        self._notes = 0  # footnote markers handed out
        self._note_segments = 0  # footnote segments shown
        self._previous_kind = ""
        self._by_id: dict[str, Segment] = {}
        self.refs: LatexRefs | None = None
        self.links = HtmlLinks(doc, [])
        self._figtext: list[str] = []  # figure text waiting for its caption
        self._pdf = PdfPlaces(doc, [])

    # -- segment text ------------------------------------------------------------------------------
    def convert(self, text: str, notes: list[str], lang: str = "en") -> str:
        """Safe HTML for a segment's source or translation (citations and references resolved)."""
        if self.doc.source_kind == "html":
            text = self.links.rewrite(text)
        return segment_html(text, self.doc.source_kind, self.text_macros, iter(notes), self.refs, lang)

    def pair(self, seg: Segment) -> tuple[str, str]:
        """(English html, Korean html) of a segment, with its footnote markers numbered."""
        count = sum(1 for s in seg.spans if s.kind == "footnote" and s.role != "close")
        notes = [str(self._notes + k + 1) for k in range(count)]
        self._notes += count
        return self.convert(seg.source, notes), self.convert(seg.output, notes, "ko")

    def badge(self, seg: Segment) -> str:
        """A discreet status mark for failed segments and kept ones that hold prose words (a reverted
        paragraph); a kept acronym, name or number (``ICSE``, ``1.2 MB``) needs no mark."""
        if seg.status is Status.FAILED:
            return f'<span class="badge" title="{escape(seg.reason or "engine failure")}">failed · 실패</span>'
        if seg.status is Status.KEPT and kept_reason(seg.masked or seg.source) is None:
            return f'<span class="badge" title="{escape(seg.reason or "kept in English")}">kept · 원문 유지</span>'
        if seg.status is Status.PENDING:
            return '<span class="badge" title="not translated">pending</span>'
        return ""

    # -- rows --------------------------------------------------------------------------------------
    def row(self, seg: Segment, en: str, ko: str, tag: str = "div") -> str:
        """One aligned row: English cell, Korean cell."""
        cls = f"row k-{escape(seg.kind)} st-{seg.status.value}"
        return (f'<div class="{cls}" id="s-{_anchor(seg.id)}"><{tag} class="en" lang="en">{en}</{tag}>'
                f'<{tag} class="ko" lang="ko">{ko}{self.badge(seg)}</{tag}></div>')

    def segment_row(self, seg: Segment) -> str:
        """The row for a segment of any kind but cells and captions."""
        en, ko = self.pair(seg)
        if seg.kind == "heading":
            level = _level(seg)
            self.toc.append((level, f"s-{_anchor(seg.id)}", en, ko))
            return self.row(seg, en, ko, tag=f"h{min(max(level, 2), 6)}")
        if seg.kind == "footnote":
            self._note_segments += 1
            label = escape(seg.attrs.label or str(self._note_segments))
            return self.row(seg, f'<span class="fnnum" id="fn-{label}">{label}</span>{en}',
                            f'<span class="fnnum">{label}</span>{ko}')
        if seg.kind in LABELS and self._previous_kind != "heading":
            en_label, ko_label = LABELS[seg.kind]
            return self.row(seg, f'<span class="label">{en_label}</span>{en}',
                            f'<span class="label">{ko_label}</span>{ko}')
        return self.row(seg, en, ko)

    def cells_row(self, cells: list[Segment]) -> str:
        """A run of table cells: a table when the reader gave rows and columns, else chips."""
        pairs = [(seg, *self.pair(seg)) for seg in cells]
        worst = next((s for s in cells if s.status is Status.FAILED), cells[0])
        head = f'<div class="row k-cells st-{worst.status.value}" id="s-{_anchor(cells[0].id)}">'
        if all(s.attrs.row is not None and s.attrs.col is not None for s in cells):
            return head + self._cell_table(pairs, 1) + self._cell_table(pairs, 2) + "</div>"
        en_parts, ko_parts = [], []
        for k, (seg, en, ko) in enumerate(pairs):
            if k and self._new_table_row(cells[k - 1], seg):
                en_parts.append('<span class="rowbreak"></span>')
                ko_parts.append('<span class="rowbreak"></span>')
            en_parts.append(f'<span class="cell">{en}</span>')
            ko_parts.append(f'<span class="cell">{ko}{self.badge(seg)}</span>')
        return (f'{head}<div class="en" lang="en">{"".join(en_parts)}</div><div class="ko" lang="ko">'
                f'{"".join(ko_parts)}</div></div>')

    def _cell_table(self, pairs: list[tuple[Segment, str, str]], side: int) -> str:
        """One column's table (side 1: English, 2: Korean) from cells with ``row``/``col`` attributes."""
        rows: dict[int | None, list[tuple[Segment, str, str]]] = {}
        for item in pairs:
            rows.setdefault(item[0].attrs.row, []).append(item)
        lang = "en" if side == 1 else "ko"
        body = []
        for row in rows.values():
            row.sort(key=lambda item: item[0].attrs.col or 0)
            tds = "".join(f"<td>{item[side]}{self.badge(item[0]) if side == 2 else ''}</td>" for item in row)
            body.append(f"<tr>{tds}</tr>")
        return f'<div class="{lang}" lang="{lang}"><table class="cells">{"".join(body)}</table></div>'

    def _new_table_row(self, prev: Segment, seg: Segment) -> bool:
        """Whether ``seg`` starts a new table row: its ``row`` attribute, or a ``\\\\`` between LaTeX cells."""
        if seg.attrs.row is not None or prev.attrs.row is not None:
            return seg.attrs.row != prev.attrs.row
        file = seg.locator.file
        if self.doc.source_kind != "latex" or file != prev.locator.file or file not in self.doc.files:
            return False
        gap = self.doc.files[str(file)].text[prev.locator.end or 0 : seg.locator.start or 0]
        return "\\\\" in gap or "\\tabularnewline" in gap

    def caption(self, seg: Segment) -> str:
        """A figure (its graphics and figure text) with the caption row."""
        specs = self._pdf.captions.get(seg.id) or caption_specs(seg)
        imgs = self.figure_html(specs)
        text, self._figtext = "".join(self._figtext), []
        if not imgs and not text:
            return self.segment_row(seg)
        return f'<figure class="fig">{imgs}{text}{self.segment_row(seg)}</figure>'

    def figure_html(self, specs: list[tuple[str, float | None]]) -> str:
        """The images of a figure; missing ones are noted (and reported)."""
        figs = [(self.figures.figure(name), width) for name, width in specs]
        self.missing.extend(f for f, _w in figs if f.kind == "missing")
        return images_html(figs)

    def figtext(self, seg: Segment) -> str:
        """Text inside a figure environment (legends, labels over a picture): part of the figure, no row."""
        en, ko = self.pair(seg)
        return (f'<div class="figtext" id="s-{_anchor(seg.id)}"><div class="en" lang="en">{en}</div>'
                f'<div class="ko" lang="ko">{ko}{self.badge(seg)}</div></div>')

    def _flush_figtext(self) -> list[str]:
        text, self._figtext = "".join(self._figtext), []
        return [f'<figure class="fig">{text}</figure>'] if text else []

    def table_row(self, table: Table) -> str:
        """A whole table grid (every cell, merged cells), English and Korean side by side."""

        def cell_html(cell: TableCell) -> tuple[str, str]:
            segs = [self._by_id[sid] for sid in cell.segments if sid in self._by_id]
            if not segs:
                shown = self.convert(cell.text, []) if cell.text.strip() else ""
                return shown, shown
            pairs = [self.pair(seg) for seg in segs]
            return (" ".join(en for en, _ko in pairs),
                    " ".join(ko + self.badge(seg) for seg, (_en, ko) in zip(segs, pairs)))

        en, ko = table_pair(table, cell_html)
        return (f'<div class="row k-table" id="{table_anchor(table.id)}"><div class="en" lang="en">{en}</div>'
                f'<div class="ko" lang="ko">{ko}</div></div>')

    def body(self, segments: list[Segment]) -> str:
        """All rows, in reading order (the title goes to the header), with the equations and tables between them."""
        before, after = display_equations(self.doc, segments, self.refs)
        places = TablePlaces(self.doc, segments)
        self._pdf = PdfPlaces(self.doc, segments)
        self._by_id = {s.id: s for s in segments}
        shown_tables: set[str] = set()
        parts: list[str] = []
        i = 0
        while i < len(segments):
            seg = segments[i]
            j = i + 1
            parts.extend(_equation_row(eq) for eq in before.get(seg.id, []))
            parts.extend(self.table_row(t) for t in places.before.get(seg.id, []))
            table = places.of_segment.get(seg.id)
            pictures = self._pdf.before.get(seg.id)
            if pictures:
                parts.append(f'<figure class="fig">{self.figure_html(pictures)}</figure>')
            if seg.attrs.float_env == "figure" and seg.kind in ("paragraph", "item") and table is None:
                self._figtext.append(self.figtext(seg))
            elif seg.kind != "caption":
                parts.extend(self._flush_figtext())
            if seg.attrs.float_env == "figure" and seg.kind in ("paragraph", "item") and table is None:
                pass
            elif table is not None:
                if table.id not in shown_tables:
                    shown_tables.add(table.id)
                    parts.append(self.table_row(table))
            elif seg.kind == "cell":
                while j < len(segments) and segments[j].kind == "cell" and segments[j].id not in \
                        places.of_segment and segments[j].attrs.table == seg.attrs.table:
                    j += 1
                parts.append(self.cells_row(segments[i:j]))
            else:
                parts.append(self.caption(seg) if seg.kind == "caption" else self.segment_row(seg))
            for inner in segments[i:j]:
                parts.extend(_equation_row(eq) for eq in after.get(inner.id, []) + (
                    before.get(inner.id, []) if inner is not seg else []))
                parts.extend(self.table_row(t) for t in places.after.get(inner.id, []))
                if self._pdf.after.get(inner.id):
                    parts.append(f'<figure class="fig">{self.figure_html(self._pdf.after[inner.id])}</figure>')
            self._previous_kind = seg.kind
            i = j
        parts.extend(self._flush_figtext())
        parts.extend(self.table_row(t) for t in places.unplaced)
        return "\n".join(parts)

    # -- page --------------------------------------------------------------------------------------
    def toc_html(self) -> str:
        """The table of contents, indented by heading level."""
        if not self.toc:
            return "<p>(no headings)</p>"
        top = min(level for level, *_ in self.toc)
        items = []
        for level, anchor, en, ko in self.toc:
            ko_text, en_text = _toc_text(ko), _toc_text(en)
            items.append(f'<li class="lvl-{min(level - top, 3)}"><a href="#{anchor}"><span class="ko">{ko_text}'
                         f'</span><span class="en" lang="en">{en_text}</span></a></li>')
        return "<ol>" + "\n".join(items) + "</ol>"

    def stats(self) -> str:
        """Counts of segments per status."""
        counts = self.doc.status_counts()
        names = {"translated": "번역", "cached": "캐시", "kept": "원문 유지", "failed": "실패"}
        parts = [f"{names[k]} {v}" for k, v in counts.items() if v]
        return escape(f"{sum(counts.values())}개 구간 · segments: " + ", ".join(parts))

    def html(self) -> str:
        """The whole page."""
        segments = reading_order(self.doc)
        if self.doc.source_kind == "latex":
            self.refs = LatexRefs(self.doc, segments, self.xref or LatexXref(self.doc, self.figures.root))
        self.links = HtmlLinks(self.doc, segments)
        title_seg = next((s for s in segments if s.kind == "title"), None)
        if title_seg is not None:
            segments = [s for s in segments if s is not title_seg]
            title_en, title_ko = self.pair(title_seg)
        else:
            title_en = title_ko = self.convert(self.doc.title or "Untitled", [])
        body = self.body([s for s in segments if not s.attrs.apart])  # list labels, glossary long forms ...
        body += self.refs.references_html() if self.refs is not None else ""
        page_js, katex_js = _asset("page.js"), _asset("katex/katex.min.js")
        csp = ("default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
               f"script-src {_script_hash(katex_js)} {_script_hash(page_js)}; base-uri 'none'; form-action 'none'")
        macros = json.dumps(self.math_macros, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e")
        title_text = _plain(title_ko) if _plain(title_ko) == _plain(title_en) else \
            f"{_plain(title_ko)} · {_plain(title_en)}"
        values = {
            "csp": csp, "version": __version__, "title_text": escape(title_text[:300]), "katex_css": katex_css(),
            "page_css": _asset("page.css"), "banner": f'<div class="banner" role="note">{PSEUDO_BANNER}</div>'
            if self.pseudo else "", "title_en": title_en, "title_ko": title_ko, "stats": self.stats(),
            "toc": self.toc_html(), "body": body, "macros": macros, "katex_js": katex_js, "page_js": page_js,
            "footer": escape(f"arxiv-translator {__version__} · source: {self.doc.source_kind} · "
                             "math by KaTeX (MIT licence)"),
        }
        return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], _asset("page.html"))


def _level(seg: Segment) -> int:
    return max(1, seg.attrs.level or 2)


def _equation_row(equation: str) -> str:
    """A display equation standing between segments: one cell across both columns, shown in every view."""
    return f'<div class="row k-equation"><div class="eq">{equation}</div></div>'


def _anchor(seg_id: str) -> str:
    return re.sub(r"[^\w.-]", "-", seg_id)


def _plain(fragment: str) -> str:
    return html_to_text(re.sub(r'<sup class="fnref">.*?</sup>', "", fragment))


def _toc_text(fragment: str) -> str:
    """A heading's HTML without links and footnote marks (TOC entries are links themselves)."""
    fragment = re.sub(r'<sup class="fnref">.*?</sup>', "", fragment, flags=re.S)
    fragment = re.sub(r"</?a\b[^>]*>|<br\s*/?>", " ", fragment)
    return clean(fragment, mathml=True)
