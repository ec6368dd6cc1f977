"""EPS figures of the bilingual page: rendered ahead in one Ghostscript run, the same as one by one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from arxiv_translator.writers.bilingual.figures import FigureInliner

pytestmark = pytest.mark.skipif(shutil.which("gs") is None, reason="Ghostscript (gs) is not installed")


def eps(path: Path, size: int, body: str = "showpage") -> None:
    path.write_text(f"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 {size} {size}\nnewpath 0 0 moveto {size} {size} "
                    f"lineto stroke\n{body}\n", encoding="ascii")


def test_prefetched_eps_figures_equal_one_by_one(tmp_path: Path) -> None:
    for n, size in enumerate((20, 40, 60)):
        eps(tmp_path / f"f{n}.eps", size)
    names = ["f0.eps", "f1", "{f2.eps}", "f0.eps", "https://example.org/x.png", "tikz:pic", "missing.eps"]
    ahead = FigureInliner(tmp_path)
    ahead.prefetch(names)
    assert sorted(p.name for p in ahead._eps_raster) == ["f0.eps", "f1.eps", "f2.eps"]
    alone = FigureInliner(tmp_path)
    for name in names[:3]:
        a, b = ahead.figure(name), alone.figure(name)
        assert a.kind == b.kind == "img" and a.src == b.src
    sizes = {len(ahead.figure(n).src) for n in names[:3]}
    assert len(sizes) == 3  # three different pictures, not one repeated


@pytest.mark.parametrize("odd", ["showpage showpage", "undefined_operator"])
def test_prefetch_falls_back_when_pages_do_not_line_up(tmp_path: Path, odd: str) -> None:
    """A figure of two pages (the batch's pages would not line up) or a broken one: each is rendered alone."""
    eps(tmp_path / "a.eps", 20)
    eps(tmp_path / "b.eps", 30)
    eps(tmp_path / "odd.eps", 30, odd)
    inliner = FigureInliner(tmp_path)
    inliner.prefetch(["a.eps", "odd.eps", "b.eps"])
    assert inliner._eps_raster == {}
    alone = FigureInliner(tmp_path)
    for name in ("a.eps", "b.eps"):
        assert inliner.figure(name).kind == "img" and inliner.figure(name).src == alone.figure(name).src


def test_tiff_rendering_equals_ghostscript_png(tmp_path: Path) -> None:
    """The figure made from Ghostscript's uncompressed TIFF is byte-identical to the one made from its PNG
    (same pixels, same sRGB profile), so the cheaper device changes nothing in the page."""
    import subprocess

    from arxiv_translator.mupdf import pymupdf
    from arxiv_translator.writers.bilingual import figures

    eps(tmp_path / "f.eps", 50, "0.3 0.6 0.9 setrgbcolor 5 5 30 30 rectfill /Helvetica findfont 9 scalefont setfont "
                                "4 40 moveto (Ab 3) show showpage")
    png_options = [o if o != "-sDEVICE=tiff24nc" else "-sDEVICE=png16m" for o in figures._GS_OPTIONS]
    assert png_options != list(figures._GS_OPTIONS)
    done = subprocess.run([shutil.which("gs") or "gs", *png_options, "-sOutputFile=-", str(tmp_path / "f.eps")],
                          capture_output=True, check=True)
    from_png = figures._compact(pymupdf.Pixmap(done.stdout))
    alone = FigureInliner(tmp_path).figure("f.eps")
    assert alone.kind == "img" and alone.src == from_png
    eps(tmp_path / "g.eps", 30)
    ahead = FigureInliner(tmp_path)
    ahead.prefetch(["f.eps", "g.eps"])
    assert ahead.figure("f.eps").src == from_png
