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
    """The figure made from Ghostscript's uncompressed TIFF (a PNG encoded without PyMuPDF) has the pixels of
    Ghostscript's own PNG, so the cheaper device changes nothing in the page."""
    import base64
    import subprocess

    from arxiv_translator.mupdf import pymupdf
    from arxiv_translator.writers.bilingual import figures

    def pixels(src: str) -> tuple[int, int, int, bytes]:
        assert src.startswith("data:image/png;base64,")
        pix = pymupdf.Pixmap(base64.b64decode(src.split(",", 1)[1]))
        return pix.width, pix.height, pix.n, pix.samples

    eps(tmp_path / "f.eps", 50, "0.3 0.6 0.9 setrgbcolor 5 5 30 30 rectfill /Helvetica findfont 9 scalefont setfont "
                                "4 40 moveto (Ab 3) show showpage")
    tiff = figures._gs_command(shutil.which("gs") or "gs", "-", [tmp_path / "f.eps"])
    png = [o if o != "-sDEVICE=tiff24nc" else "-sDEVICE=png16m" for o in tiff]
    assert png != tiff
    done = subprocess.run(png, capture_output=True, check=True)
    from_png = pixels(figures._compact(pymupdf.Pixmap(done.stdout)))
    assert len(set(from_png[3])) > 2  # a picture, not a blank page
    alone = FigureInliner(tmp_path).figure("f.eps")
    assert alone.kind == "img" and pixels(alone.src) == from_png
    eps(tmp_path / "g.eps", 30)
    ahead = FigureInliner(tmp_path)
    ahead.prefetch(["f.eps", "g.eps"])
    assert pixels(ahead.figure("f.eps").src) == from_png


def test_wide_eps_figures_are_rendered_at_the_size_they_are_shown(tmp_path: Path) -> None:
    """A figure wider than MAX_WIDTH_PX at PDF_DPI is rendered at half the resolution (a quarter...), not
    rendered big and halved: the same size as before; one without a bounding box in its header gets PDF_DPI."""
    from arxiv_translator.mupdf import pymupdf
    from arxiv_translator.writers.bilingual import figures

    eps(tmp_path / "wide.eps", 720)  # 1440 px at 144 dpi: shown 720 px wide
    eps(tmp_path / "huge.eps", 2000)  # 4000 px: 1000
    eps(tmp_path / "small.eps", 300)  # 600 px: as it is
    (tmp_path / "atend.eps").write_text("%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: (atend)\nnewpath 0 0 moveto "
                                        "720 720 lineto stroke\n" + "% far from the header\n" * 500 + "showpage\n%%Trailer\n%%BoundingBox: 0 0 720 720\n",
                                        encoding="ascii")
    assert [figures.eps_dpi(tmp_path / f"{n}.eps") for n in ("wide", "huge", "small", "atend")] == [72, 36, 144, 144]
    inliner = FigureInliner(tmp_path)
    inliner.prefetch(["wide.eps", "huge.eps", "small.eps"])
    assert len(inliner._eps_raster) == 3
    for name, width in (("wide.eps", 720), ("huge.eps", 1000), ("small.eps", 600)):
        fig = inliner.figure(name)
        assert fig.kind == "img", name
        import base64

        pix = pymupdf.Pixmap(base64.b64decode(fig.src.split(",", 1)[1]))
        assert pix.width == width, name
