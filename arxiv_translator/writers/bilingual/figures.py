"""Figures for a self-contained page: image files -> ``data:`` URLs.

PNG/JPEG/GIF/WebP are inlined as they are (large ones are scaled down);
PDF and SVG figures are rendered to PNG at a modest resolution, by PyMuPDF, or by poppler's ``pdftoppm``
when a page has so few PDF figures that importing PyMuPDF would cost more (:meth:`FigureInliner._pdf_png`);
EPS figures are converted by Ghostscript (``-dSAFER``, time-limited) unless
the tree holds a converted copy (to uncompressed TIFF: Ghostscript's PNG
compression cost as much CPU as its rendering; the TIFF's pixels are encoded as PNG here, with zlib,
see :mod:`.figure_raster`; neither needs PyMuPDF, whose import costs more than the figures), each at the resolution
that gives the width it is shown at (its ``%%BoundingBox`` says how wide it is; a figure that would be
more than :data:`MAX_WIDTH_PX` wide at :data:`PDF_DPI` is rendered at half that, or a quarter...: the
size halving the bigger picture gave, at a quarter of the rendering); absolute ``http(s)`` URLs (arXiv HTML input)
stay links, so the page makes no request by itself.  Paths are relative to the
source root (or a ``\\graphicspath`` folder, or the main file's folder), may
lack their extension, and may not leave the root.

Two more kinds of spec come from readers: ``pdf-region:<page>:<x0,y0,x1,y1>``
(a figure or table region of the input PDF, cropped from its page) and
``tikz:<file>`` (a picture LaTeX draws: shown from a pre-rendered copy of the
same name when the tree has one, else as a note).
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import unquote

from arxiv_translator.writers.bilingual.figure_raster import png_size, poppler_png, tiff_to_png

if TYPE_CHECKING:
    import pymupdf

RASTER = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
          ".webp": "image/webp"}
RENDERED = {".pdf", ".svg"}
TRY_SUFFIXES = (".png", ".pdf", ".jpg", ".jpeg", ".svg", ".gif", ".webp", ".eps")
MAX_WIDTH_PX = 1200  # rendered or scaled figures are at most this wide
PDF_DPI = 144
MAX_RAW_BYTES = 300_000  # images above this are scaled down and/or stored as JPEG
JPEG_QUALITY = 80
MAX_TOTAL_BYTES = 30_000_000  # past this, further figures are left out of the page
#: A page with at most this many PDF figures has poppler render them, while PyMuPDF is not imported yet: poppler
#: costs ~0.03 s more CPU per figure than PyMuPDF (median of the corpus's PDF figures), PyMuPDF's import ~0.15 s.
POPPLER_MAX_FIGURES = 3
EPS_TIMEOUT_S = 20
_PDF_REGION = re.compile(r"^pdf-region:(\d+):(-?[\d.]+),(-?[\d.]+),(-?[\d.]+),(-?[\d.]+)$")
#: Ghostscript in its safe mode: EPS pages cropped to their bounding box, anti-aliased, as uncompressed TIFF
#: (the resolution is set per file: :func:`_gs_command`)
_GS_OPTIONS = ("-dSAFER", "-dBATCH", "-dNOPAUSE", "-dQUIET", "-dEPSCrop", "-sDEVICE=tiff24nc",
               "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4")
_EPS_BBOX = re.compile(rb"%%(HiRes)?BoundingBox:[ \t]*(-?[\d.]+)[ \t]+(-?[\d.]+)[ \t]+(-?[\d.]+)[ \t]+(-?[\d.]+)")
DATA_URL = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")


@dataclass(frozen=True)
class Figure:
    """One graphic of a caption: an inlined image, a link, or a note that it is missing."""

    name: str
    kind: str  # "img", "link", "note" (a picture drawn by LaTeX, not shown) or "missing"
    src: str = ""  # data: URL (img) or http(s) URL (link)
    note: str = ""


class FigureInliner:
    """Turns ``|``-separated graphics specs into :class:`Figure` s, caching per path."""

    def __init__(self, root: Path, base_url: str = "", search: list[str] | None = None,
                 pdf: Path | None = None, pictures: dict[str, bool] | None = None) -> None:
        self.root = Path(root).resolve()
        self.base_url = base_url  # a URL under it may have been saved beside the input
        self.search = [d for d in (search or []) if d]  # folders tried after the root (\graphicspath...)
        self.pdf = pdf  # the input PDF, for pdf-region specs
        self.pictures = pictures or {}  # tikz:<file> -> whether the file draws a picture
        self._done: dict[str, Figure] = {}
        self._eps_raster: dict[Path, bytes] = {}  # EPS figures rendered ahead (TIFF) by :meth:`prefetch`
        self._pdf_figures: set[Path] = set()  # the PDF figures :meth:`prefetch` was told of
        self.bytes = 0  # total size of the data URLs made

    def prefetch(self, names: Iterable[str]) -> None:
        """Render the EPS figures among ``names`` with one Ghostscript run instead of one each.

        Ghostscript's start-up costs about as much CPU as rendering a figure, so a paper with many
        EPS figures renders them together; the pages come back in order, and when their count does
        not match (an EPS that draws no page, or two) or Ghostscript fails, nothing is kept and each
        figure is rendered on its own as before.  The PDF figures among ``names`` are counted: more
        than :data:`POPPLER_MAX_FIGURES` are rendered with PyMuPDF (see :meth:`_pdf_png`).
        """
        gs = shutil.which("gs")
        paths: list[Path] = []
        for name in names:
            name = name.strip()
            if not name or name in self._done or name.startswith(("tikz:", "data:", "pdf-region:")) or \
                    re.match(r"^https?://", name, re.I):
                continue
            path = self._find(name.replace("{", "").replace("}", "").strip())
            if path is not None and path.suffix.lower() == ".eps" and path not in paths and path not in self._eps_raster:
                paths.append(path)
            if path is not None and path.suffix.lower() == ".pdf":
                self._pdf_figures.add(path)
        if gs is None or len(paths) < 2:
            return
        with tempfile.TemporaryDirectory(prefix="eps-") as tmp:
            try:
                done = subprocess.run(_gs_command(gs, f"{tmp}/%04d.tif", paths), capture_output=True,
                                      timeout=EPS_TIMEOUT_S * len(paths), check=False)
            except subprocess.TimeoutExpired:
                return
            pages = sorted(Path(tmp).glob("*.tif"))
            if done.returncode != 0 or len(pages) != len(paths):
                return
            for path, page in zip(paths, pages):
                self._eps_raster[path] = page.read_bytes()

    def figures(self, spec: str) -> list[Figure]:
        """The figures named in a caption's ``graphics`` attribute."""
        return [self.figure(name.strip()) for name in spec.split("|") if name.strip()]

    def figure(self, name: str) -> Figure:
        """One figure (cached: a graphic used twice is rendered once)."""
        if name not in self._done:
            fig = self._make(name)
            if fig.kind == "img" and self.bytes + len(fig.src) > MAX_TOTAL_BYTES:
                fig = Figure(name, "missing", note="left out to keep the page small")
            self.bytes += len(fig.src) if fig.kind == "img" else 0
            self._done[name] = fig
        return self._done[name]

    def _make(self, name: str) -> Figure:
        if re.match(r"^https?://", name, re.I):
            local = unquote(name[len(self.base_url):]) if self.base_url and name.startswith(self.base_url) else ""
            if local and not re.search(r"[?#]", local) and self._find(local) is not None:
                return self._make(local)
            return Figure(name, "link", name)
        if name.startswith("tikz:"):
            return self._picture(name[5:])
        if (region := _PDF_REGION.match(name)) is not None:
            return self._region(name, region)
        name = name.replace("{", "").replace("}", "").strip()
        if name.startswith("data:"):
            ok = DATA_URL.match(name) and len(name) < 4 * MAX_RAW_BYTES
            return Figure("inline image", "img", name) if ok else Figure("inline image", "missing", note="unsupported")
        path = self._find(name)
        if path is None:
            return Figure(name, "missing", note="file not found in the source")
        suffix = path.suffix.lower()
        try:
            if suffix in RASTER:
                return Figure(name, "img", self._raster(path, RASTER[suffix]))
            if suffix == ".pdf" and (png := self._pdf_png(path)) is not None:
                return Figure(name, "img", _png_url(png))
            if suffix in RENDERED:
                return Figure(name, "img", _compact(_render_first_page(path)))
            if suffix == ".eps":
                return self._eps(name, path)
        except Exception as exc:  # MuPDF raises its own errors on damaged files
            return Figure(name, "missing", note=f"could not be rendered ({type(exc).__name__})")
        return Figure(name, "missing", note=f"{suffix or 'this'} figures are not shown in the page")

    def _pdf_png(self, path: Path) -> bytes | None:
        """A PDF figure rendered by poppler, while that costs less CPU than importing PyMuPDF (not imported yet, at
        most :data:`POPPLER_MAX_FIGURES` PDF figures); None: PyMuPDF renders it."""
        if "pymupdf" in sys.modules or len(self._pdf_figures) > POPPLER_MAX_FIGURES:
            return None
        return poppler_png(path, PDF_DPI, MAX_WIDTH_PX, EPS_TIMEOUT_S)

    def _find(self, name: str) -> Path | None:
        for folder in ["", *self.search]:
            base = (self.root / folder / name).resolve()
            if base != self.root and self.root not in base.parents:
                continue
            candidates = [base] + [base.with_name(base.name + s) for s in TRY_SUFFIXES]
            if base.suffix.lower() == ".eps":  # epstopdf's copy, when the tree has one
                candidates[1:1] = [base.with_name(base.stem + "-eps-converted-to.pdf"), base.with_suffix(".pdf")]
            found = next((p for p in candidates if p.is_file()), None)
            if found is not None:
                return found
        return None

    def _eps(self, name: str, path: Path) -> Figure:
        """An EPS figure rendered by Ghostscript in its safe mode (no file access beyond the figure)."""
        raster = self._eps_raster.get(path)
        if raster is None:
            gs = shutil.which("gs")
            if gs is None:
                return Figure(name, "missing", note="EPS figure, and Ghostscript (gs) is not installed")
            with tempfile.TemporaryDirectory(prefix="eps-") as tmp:  # TIFF is written seekably, not to a pipe
                try:
                    done = subprocess.run(_gs_command(gs, f"{tmp}/%04d.tif", [path]), capture_output=True,
                                          timeout=EPS_TIMEOUT_S, check=False)
                except subprocess.TimeoutExpired:
                    return Figure(name, "missing", note="EPS figure took too long to render")
                first = Path(tmp) / "0001.tif"  # a figure of several pages shows its first
                raster = first.read_bytes() if done.returncode == 0 and first.is_file() else b""
        if not raster.startswith((b"II*\x00", b"MM\x00*")):  # a TIFF
            return Figure(name, "missing", note="EPS figure could not be rendered")
        png = tiff_to_png(raster)
        if png is not None and (png_size(png) or (MAX_WIDTH_PX + 1, 0))[0] <= MAX_WIDTH_PX:
            return Figure(name, "img", _png_url(png))
        pix = _mupdf().Pixmap(raster)
        while pix.width > MAX_WIDTH_PX:
            pix.shrink(1)
        return Figure(name, "img", _compact(pix))

    def _picture(self, file: str) -> Figure:
        """A TikZ/pgf picture: a pre-rendered copy (same name, image suffix) when there is one, else a note."""
        if file:
            stem = re.sub(r"\.(tikz|pgf|pgf_t|tex)$", "", file)
            for suffix in (".pdf", ".png", ".jpg", ".svg"):
                if self._find(stem + suffix) is not None:
                    return self._make(stem + suffix)
            if not self.pictures.get(file, True):
                return Figure(file, "none")
        return Figure(file or "tikz", "note", note="TikZ/pgf 그림: PDF에서 보세요 · picture drawn by LaTeX, see the PDF")

    def _region(self, name: str, m: re.Match[str]) -> Figure:
        """A region of a page of the input PDF, rendered at a modest resolution."""
        if self.pdf is None or not Path(self.pdf).is_file():
            return Figure(name, "missing", note="the input PDF is not available")
        page_no = int(m.group(1))
        x0, y0, x1, y1 = (float(m.group(k)) for k in range(2, 6))
        try:
            with _mupdf().open(str(self.pdf)) as pdf:
                if not 1 <= page_no <= pdf.page_count:
                    return Figure(name, "missing", note="no such page")
                page = pdf[page_no - 1]
                clip = _mupdf().Rect(x0, y0, x1, y1) & page.rect
                if clip.is_empty or clip.width < 4 or clip.height < 4:
                    return Figure(name, "missing", note="empty region")
                zoom = min(PDF_DPI / 72 * 1.5, MAX_WIDTH_PX / clip.width)
                pix = page.get_pixmap(matrix=_mupdf().Matrix(zoom, zoom), clip=clip, alpha=False)
        except Exception as exc:  # MuPDF raises its own errors on damaged files
            return Figure(name, "missing", note=f"could not be rendered ({type(exc).__name__})")
        return Figure(f"page {page_no}", "img", _compact(pix))

    def _raster(self, path: Path, mime: str) -> str:
        data = path.read_bytes()
        if len(data) <= MAX_RAW_BYTES or mime == "image/gif":
            return _data_url(mime, data)
        pix = _mupdf().Pixmap(str(path))
        while pix.width > MAX_WIDTH_PX:
            pix.shrink(1)
        return _compact(pix)


def _mupdf() -> ModuleType:
    """PyMuPDF, imported (~0.1 s) when a figure is first rasterised, not with the writer."""
    from arxiv_translator.mupdf import pymupdf

    return pymupdf


def eps_dpi(path: Path) -> float:
    """The resolution an EPS figure is rendered at: :data:`PDF_DPI`, halved while the figure (as wide as its
    ``%%BoundingBox``, the first of the file's header) would be wider than :data:`MAX_WIDTH_PX`.

    A header without one (``(atend)``, a DOS EPS binary header...) gives :data:`PDF_DPI`; the pixmap is
    then halved after rendering instead, as before."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except OSError:
        return PDF_DPI
    boxes: dict[bool, re.Match[bytes]] = {}
    for box in _EPS_BBOX.finditer(head):  # the first %%HiResBoundingBox, else the first %%BoundingBox
        boxes.setdefault(bool(box.group(1)), box)
    m = boxes.get(True) or boxes.get(False)
    try:
        width = float(m.group(4)) - float(m.group(2)) if m else 0.0
    except ValueError:
        return PDF_DPI
    dpi = float(PDF_DPI)
    while width > 0 and width * dpi / 72 > MAX_WIDTH_PX and dpi > 1:
        dpi /= 2
    return dpi


def _gs_command(gs: str, output: str, paths: list[Path]) -> list[str]:
    """Ghostscript rendering ``paths`` (one page each) into ``output`` (``%04d``), each at :func:`eps_dpi`."""
    cmd = [gs, *_GS_OPTIONS, f"-sOutputFile={output}"]
    for path in paths:
        dpi = eps_dpi(path)
        cmd += ["-c", f"<< /HWResolution [{dpi:g} {dpi:g}] >> setpagedevice", "-f", str(path)]
    return cmd


def _render_first_page(path: Path) -> pymupdf.Pixmap:
    with _mupdf().open(str(path)) as doc:
        page = doc[0]
        zoom = min(PDF_DPI / 72, MAX_WIDTH_PX / max(page.rect.width, 1))
        return page.get_pixmap(matrix=_mupdf().Matrix(zoom, zoom), alpha=False)


def _compact(pix: pymupdf.Pixmap) -> str:
    """PNG (sharp lines) unless it is large and JPEG is much smaller (photographs)."""
    png = pix.tobytes("png")
    if len(png) <= MAX_RAW_BYTES:
        return _data_url("image/png", png)
    if pix.alpha:
        pix = _mupdf().Pixmap(pix, 0)
    jpeg = pix.tobytes("jpeg", jpg_quality=JPEG_QUALITY)
    return _data_url("image/jpeg", jpeg) if len(jpeg) < len(png) * 0.7 else _data_url("image/png", png)


def _png_url(png: bytes) -> str:
    """A PNG made without PyMuPDF as :func:`_compact` would keep it: as it is unless it is large (then PyMuPDF
    decides between it and a JPEG)."""
    return _data_url("image/png", png) if len(png) <= MAX_RAW_BYTES else _compact(_mupdf().Pixmap(png))


def _data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
