"""Figures for a self-contained page: image files -> ``data:`` URLs.

PNG/JPEG/GIF/WebP are inlined as they are (large ones are scaled down);
PDF and SVG figures are rendered to PNG with PyMuPDF at a modest resolution;
absolute ``http(s)`` URLs (arXiv HTML input) stay links, so the page makes no
request by itself.  Paths are relative to the source root and may not leave it.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

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
DATA_URL = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")


@dataclass(frozen=True)
class Figure:
    """One graphic of a caption: an inlined image, a link, or a note that it is missing."""

    name: str
    kind: str  # "img", "link" or "missing"
    src: str = ""  # data: URL (img) or http(s) URL (link)
    note: str = ""


class FigureInliner:
    """Turns ``|``-separated graphics specs into :class:`Figure` s, caching per path."""

    def __init__(self, root: Path, base_url: str = "") -> None:
        self.root = Path(root).resolve()
        self.base_url = base_url  # a URL under it may have been saved beside the input
        self._done: dict[str, Figure] = {}
        self.bytes = 0  # total size of the data URLs made

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
            if suffix in RENDERED:
                return Figure(name, "img", _compact(_render_first_page(path)))
        except Exception as exc:  # MuPDF raises its own errors on damaged files
            return Figure(name, "missing", note=f"could not be rendered ({type(exc).__name__})")
        return Figure(name, "missing", note=f"{suffix or 'this'} figures are not shown in the page")

    def _find(self, name: str) -> Path | None:
        base = (self.root / name).resolve()
        if base != self.root and self.root not in base.parents:
            return None
        candidates = [base] + [base.with_name(base.name + s) for s in TRY_SUFFIXES]
        return next((p for p in candidates if p.is_file()), None)

    def _raster(self, path: Path, mime: str) -> str:
        data = path.read_bytes()
        if len(data) <= MAX_RAW_BYTES or mime == "image/gif":
            return _data_url(mime, data)
        pix = pymupdf.Pixmap(str(path))
        while pix.width > MAX_WIDTH_PX:
            pix.shrink(1)
        return _compact(pix)


def _render_first_page(path: Path) -> pymupdf.Pixmap:
    with pymupdf.open(str(path)) as doc:
        page = doc[0]
        zoom = min(PDF_DPI / 72, MAX_WIDTH_PX / max(page.rect.width, 1))
        return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)


def _compact(pix: pymupdf.Pixmap) -> str:
    """PNG (sharp lines) unless it is large and JPEG is much smaller (photographs)."""
    png = pix.tobytes("png")
    if len(png) <= MAX_RAW_BYTES:
        return _data_url("image/png", png)
    if pix.alpha:
        pix = pymupdf.Pixmap(pix, 0)
    jpeg = pix.tobytes("jpeg", jpg_quality=JPEG_QUALITY)
    return _data_url("image/jpeg", jpeg) if len(jpeg) < len(png) * 0.7 else _data_url("image/png", png)


def _data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
