"""Where figures go on the bilingual page, and their HTML.

* LaTeX, HTML, Markdown: a caption's ``graphics`` attribute names its images
  (``|``-separated) and ``graphics_width`` the share of the text width the
  paper gives each (LaTeX); the figure is shown above its caption at that
  share of the page's text column.
* PDF: the reader's :class:`~arxiv_translator.document.Graphic` regions are
  cropped from the input PDF; each goes to the nearest caption on its page
  (below a figure, above a table), else before the first segment under it;
  its width is its share of the page's text block.
* Figure text (LaTeX segments inside a figure environment that are no
  caption: legends, labels over a picture) is shown inside the figure, never
  as rows of the paper's text.

:func:`figure_inliner` sets up the :class:`~.figures.FigureInliner` for a
document: ``\\graphicspath`` folders and the main file's folder are searched,
``tikz:`` pictures are told apart from listings, both as the LaTeX reader recorded them
(:attr:`Document.latex <arxiv_translator.document.Document.latex>`).
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from pathlib import Path, PurePosixPath

from arxiv_translator.document import Document, Segment
from arxiv_translator.document_attrs import LatexInfo
from arxiv_translator.writers.bilingual.figures import Figure, FigureInliner

MAX_GAP_PT = 80.0
Spec = tuple[str, float | None]


def figure_inliner(doc: Document, root: Path, base_url: str = "") -> FigureInliner:
    """The inliner for ``doc``'s figures (see the module docstring)."""
    search: list[str] = []
    main_dir = str(PurePosixPath(doc.main_file).parent) if doc.main_file else ""
    if main_dir not in ("", "."):
        search.append(main_dir)
    latex = doc.latex or LatexInfo()  # what the LaTeX reader recorded (nothing for other inputs)
    for folder in latex.graphicspath:
        search.extend([folder, str(PurePosixPath(main_dir) / folder)] if main_dir not in ("", ".") else [folder])
    pictures = dict(latex.pictures)
    carried = Path(root) / doc.main_file if doc.main_file else None  # the PDF, carried with the assets
    pdf = (carried if carried is not None and carried.is_file() else Path(doc.source_path)) \
        if doc.source_kind == "pdf" else None
    return FigureInliner(root, base_url, search=search, pdf=pdf, pictures=pictures)


def caption_specs(seg: Segment) -> list[Spec]:
    """The graphics a caption names, with the width the paper gives each (None: not said)."""
    return [(g.path.strip(), _fraction(g.width)) for g in seg.attrs.graphics if g.path.strip()]


def _fraction(value: float | None) -> float | None:
    return value if value is not None and 0.02 <= value <= 1.5 else None


class PdfPlaces:
    """PDF regions: those of each caption, and those standing before (or after) another segment."""

    def __init__(self, doc: Document, segments: list[Segment]) -> None:
        self.captions: dict[str, list[Spec]] = defaultdict(list)
        self.before: dict[str, list[Spec]] = defaultdict(list)
        self.after: dict[str, list[Spec]] = defaultdict(list)
        if doc.source_kind != "pdf" or not doc.graphics:
            return
        by_page: dict[int, list[tuple[Segment, tuple[float, ...]]]] = defaultdict(list)
        for seg in segments:
            box = _bbox(seg)
            if box is not None and seg.locator.page is not None:
                by_page[seg.locator.page].append((seg, box))
        for g in doc.graphics:
            segs = by_page.get(g.page, [])
            if not segs:
                continue
            left = min(b[0] for _s, b in segs)
            right = max(b[2] for _s, b in segs)
            width = (g.bbox[2] - g.bbox[0]) / max(right - left, 1.0)
            spec = (f"pdf-region:{g.page}:{','.join(f'{v:.1f}' for v in g.bbox)}", round(min(width, 1.0), 3))
            caption = self._caption(g.kind, g.bbox, segs)
            if caption is not None:
                self.captions[caption.id].append(spec)
                continue
            below = [s for s, b in segs if b[1] >= g.bbox[3] - 2 and b[0] < g.bbox[2] and g.bbox[0] < b[2]]
            if below:
                self.before[below[0].id].append(spec)
            else:
                self.after[segs[-1][0].id].append(spec)

    @staticmethod
    def _caption(kind: str, box: tuple[float, ...], segs: list) -> Segment | None:
        best, best_gap = None, MAX_GAP_PT
        for seg, b in segs:
            if seg.kind != "caption" or not (b[0] < box[2] and box[0] < b[2]):
                continue
            below, above = b[1] - box[3], box[1] - b[3]
            gap = below if below >= -2 else above if above >= -2 else None
            if gap is None:
                continue
            prefer = (kind == "figure") == (below >= -2)  # figures: caption under; tables: caption over
            gap = gap if prefer else gap + 30
            if gap < best_gap:
                best, best_gap = seg, gap
        return best


def _bbox(seg: Segment) -> tuple[float, ...] | None:
    return seg.locator.bbox


def images_html(figures: list[tuple[Figure, float | None]]) -> str:
    """The images (at the paper's width where known), notes and links of one figure."""
    shown = []
    for fig, width in figures:
        style = f' style="width:{min(width, 1.0) * 100:.1f}%"' if width else ""
        if fig.kind == "img":
            shown.append(f'<img src="{fig.src}" alt="{escape(fig.name)}" loading="lazy"'
                         f'{style}{" data-width=" + chr(34) + f"{width:.3f}" + chr(34) if width else ""}>')
        elif fig.kind == "link":
            shown.append(f'<a class="ext" href="{escape(fig.src)}" rel="noopener noreferrer">'
                         f'그림 보기 (온라인) · figure online: {escape(fig.src)}</a>')
        elif fig.kind == "note":
            shown.append(f'<div class="picnote">[{escape(fig.note)}]</div>')
        elif fig.kind == "missing":
            shown.append(f'<div class="missing">[{escape(fig.name)}: {escape(fig.note)}]</div>')
    return f'<div class="imgs">{"".join(shown)}</div>' if shown else ""
