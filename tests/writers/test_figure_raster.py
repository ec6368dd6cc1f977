"""Figures of the bilingual page made without PyMuPDF: Ghostscript's TIFF as PNG, PDF figures by poppler."""

from __future__ import annotations

import base64
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from arxiv_translator.writers.bilingual import figure_raster, figures
from arxiv_translator.writers.bilingual.figures import FigureInliner

ROOT = Path(__file__).resolve().parents[2]


def pixels(data: bytes) -> tuple[int, int, int, bytes]:
    from arxiv_translator.mupdf import pymupdf

    pix = pymupdf.Pixmap(data)
    return pix.width, pix.height, pix.n, pix.samples


def decoded(src: str) -> bytes:
    assert src.startswith("data:image/png;base64,"), src[:40]
    return base64.b64decode(src.split(",", 1)[1])


def tiff(width: int, height: int, rgb: bytes, compression: int = 1, order: str = "<", strips: int = 1,
         backwards: bool = False) -> bytes:
    """A minimal RGB TIFF with the image in ``strips`` strips (rows split evenly); ``backwards``: the last strip
    first in the file (the offsets say where each is)."""
    rows = -(-height // strips)
    stride = 3 * width
    parts = [rgb[k * rows * stride : (k + 1) * rows * stride] for k in range(strips)]
    entries = 10
    ifd_size = 2 + 12 * entries + 4
    data_at = 8 + ifd_size + 8 * strips  # two LONG arrays (offsets, counts) after the IFD when strips > 1
    offsets, at = [0] * strips, data_at
    for k in (reversed(range(strips)) if backwards else range(strips)):
        offsets[k] = at
        at += len(parts[k])
    head = (b"II" if order == "<" else b"MM") + struct.pack(order + "HI", 42, 8)

    def entry(tag: int, kind: int, values: list[int], where: int | None = None) -> bytes:
        code = "H" if kind == 3 else "I"
        if where is not None:
            return struct.pack(order + "HHII", tag, kind, len(values), where)
        body = struct.pack(f"{order}{len(values)}{code}", *values)
        return struct.pack(order + "HHI", tag, kind, len(values)) + body.ljust(4, b"\0")

    arrays = b""
    extra_at = 8 + ifd_size
    if strips > 1:
        offs = entry(273, 4, offsets, extra_at)
        counts = entry(279, 4, [len(p) for p in parts], extra_at + 4 * strips)
        arrays = struct.pack(f"{order}{strips}I", *offsets) + struct.pack(f"{order}{strips}I", *map(len, parts))
    else:
        offs, counts = entry(273, 4, offsets), entry(279, 4, [len(parts[0])])
        arrays = b"\0" * 8
    ifd = struct.pack(order + "H", entries) + b"".join([
        entry(256, 4, [width]), entry(257, 4, [height]), entry(258, 3, [8, 8, 8][:1]), entry(259, 3, [compression]),
        entry(262, 3, [2]), offs, entry(277, 3, [3]), entry(278, 4, [rows]), counts, entry(284, 3, [1])])
    ifd += b"\0\0\0\0"
    return head + ifd + arrays + b"".join(parts[::-1] if backwards else parts)


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("strips, backwards", [(1, False), (3, False), (3, True)])
def test_tiff_to_png_keeps_every_pixel(order: str, strips: int, backwards: bool) -> None:
    """Strips one after the other (Ghostscript's, read in place) or not (joined first): every pixel kept."""
    width, height = 7, 5
    rgb = bytes((x * 37 + y * 11 + c * 90) % 256 for y in range(height) for x in range(width) for c in range(3))
    png = figure_raster.tiff_to_png(tiff(width, height, rgb, order=order, strips=strips, backwards=backwards))
    assert png is not None and figure_raster.png_size(png) == (width, height)
    assert pixels(png) == (width, height, 3, rgb)


def test_other_tiffs_are_left_to_pymupdf() -> None:
    rgb = bytes(range(3 * 4 * 2))
    assert figure_raster.tiff_to_png(tiff(4, 2, rgb, compression=5)) is None  # LZW
    whole = tiff(4, 2, rgb)
    assert figure_raster.tiff_to_png(whole[:-5]) is None  # truncated pixels
    assert figure_raster.tiff_to_png(whole[:30]) is None  # truncated directory
    assert figure_raster.tiff_to_png(b"GIF89a" + whole[6:]) is None
    assert figure_raster.png_size(b"not a png") is None


def _pdf(path: Path, width: float, height: float, rotate: int = 0) -> None:
    from arxiv_translator.mupdf import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=width, height=height)
    page.draw_rect(pymupdf.Rect(10, 10, width / 2, height - 10), color=(0.8, 0.1, 0.1), fill=(0.2, 0.4, 0.9))
    page.insert_text((width / 2 + 5, height / 2), "Fig 1", fontsize=12)
    page.set_rotation(rotate)
    doc.save(path)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler (pdftoppm) is not installed")
@pytest.mark.parametrize("width, rotate, shown", [(300, 0, 600), (800, 0, figures.MAX_WIDTH_PX), (100, 90, 200),
                                                   (700, 270, 200)])
def test_pdf_figures_rendered_by_poppler_as_pymupdf_would(tmp_path: Path, width: float, rotate: int,
                                                          shown: int) -> None:
    """The same size as PyMuPDF's rendering (PDF_DPI, at most MAX_WIDTH_PX wide; a turned page as shown) and
    nearly the same pixels."""
    _pdf(tmp_path / "fig.pdf", width, 100, rotate)
    png = figure_raster.poppler_png(tmp_path / "fig.pdf", figures.PDF_DPI, figures.MAX_WIDTH_PX, 20)
    assert png is not None
    new = pixels(decoded(figures._png_url(png)))
    old = pixels(decoded(figures._compact(figures._render_first_page(tmp_path / "fig.pdf"))))
    assert new[:3] == old[:3] and new[0] == shown
    assert sum(abs(a - b) for a, b in zip(new[3], old[3])) / len(old[3]) < 8  # anti-aliasing differs a little
    assert len(set(new[3])) > 10  # a picture, not a blank page


def test_without_poppler_pymupdf_renders_pdf_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _pdf(tmp_path / "fig.pdf", 200, 80)
    asked: list[str] = []
    monkeypatch.setattr(figure_raster.shutil, "which", lambda name: asked.append(name))
    assert figure_raster.poppler_png(tmp_path / "fig.pdf", 144, 1200, 20) is None
    monkeypatch.delitem(sys.modules, "pymupdf")  # as if not imported yet: poppler is tried, and missing
    asked.clear()
    fig = FigureInliner(tmp_path).figure("fig.pdf")
    assert asked == ["pdftoppm"]
    assert fig.kind == "img" and pixels(decoded(fig.src))[:2] == (400, 160)
    monkeypatch.undo()
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 nothing else")
    assert figure_raster.poppler_png(tmp_path / "broken.pdf", 144, 1200, 20) is None
    assert FigureInliner(tmp_path).figure("broken.pdf").kind == "missing"  # PyMuPDF says why


@pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("gs") is None, reason="needs poppler and gs")
def test_eps_and_pdf_figures_do_not_import_pymupdf(tmp_path: Path) -> None:
    """PyMuPDF costs more CPU at import than a few figures: a LaTeX paper's page with EPS figures and up to
    POPPLER_MAX_FIGURES PDF ones does without it (Ghostscript and poppler); with more PDF figures it is used."""
    few = figures.POPPLER_MAX_FIGURES
    for n in range(few + 1):
        _pdf(tmp_path / f"p{n}.pdf", 300, 100)
    for name in ("b", "c"):
        (tmp_path / f"{name}.eps").write_text("%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 60 40\n"
                                              "newpath 0 0 moveto 60 40 lineto stroke\nshowpage\n", encoding="ascii")
    code = ("import sys\nfrom pathlib import Path\nfrom arxiv_translator.writers.bilingual.figures import FigureInliner\n"
            f"f = FigureInliner(Path({str(tmp_path)!r}))\nnames = sys.argv[1:]\nf.prefetch(names)\n"
            "print([f.figure(n).kind for n in names], 'pymupdf' in sys.modules)")
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin:/usr/local/bin"}

    def run(names: list[str]) -> str:
        return subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True, check=True,
                              env=env).stdout.strip()

    names = [f"p{n}.pdf" for n in range(few)] + ["b.eps", "c.eps", "p0.pdf", "p0"]  # a figure shown twice counts once
    assert run(names) == f"{['img'] * len(names)} False"
    names.append(f"p{few}.pdf")
    assert run(names) == f"{['img'] * len(names)} True"
