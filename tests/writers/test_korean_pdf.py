"""A Korean PDF wherever the original compiles: the engine plan, EPS figures, and the PDF check.

XeLaTeX is tried first; a paper that XeLaTeX cannot build even with every
segment in English (here: a text symbol defined only for pdfTeX's OT1
encoding, as some classes do with ``\\copyright``) is built with pdfLaTeX +
kotex.  EPS figures come through both ways.  A PDF counts only when PyMuPDF
opens it with about the original's page count.
"""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run
from arxiv_translator.writers.latex.build import engine_plan, missing_letters, page_tolerance, pdf_pages

EPS = """%!PS-Adobe-3.0 EPSF-3.0
%%BoundingBox: 0 0 200 60
/Helvetica findfont 20 scalefont setfont
10 20 moveto (EPSMARK) show
newpath 2 2 moveto 198 2 lineto 198 58 lineto 2 58 lineto closepath stroke
showpage
%%EOF
"""


def eps_paper(root: Path, preamble: str = "", body: str = "") -> Path:
    root.mkdir(parents=True)
    (root / "figs").mkdir()
    (root / "figs" / "plot.eps").write_text(EPS)
    (root / "main.tex").write_text(
        "\\documentclass{article}\n\\usepackage{graphicx}\n" + preamble + "\\begin{document}\n"
        "\\section{Introduction}\nThis paper studies a simple question about figures in some detail.\n" + body +
        "\n\n\\begin{figure}[h]\\centering\\includegraphics[width=4cm]{figs/plot.eps}"
        "\\caption{A figure drawn in PostScript.}\\end{figure}\n\\end{document}\n", encoding="utf-8")
    return root


def translate(src: Path, out: Path) -> dict:
    return run(Job(source=src, settings=Settings(engine="pseudo"), out=out))["compile"]


def korean_text(pdf: Path) -> str:
    with pymupdf.open(pdf) as doc:
        return "".join(page.get_text() for page in doc)


@pytest.mark.slow
def test_eps_figure_comes_through_xelatex(tmp_path):
    comp = translate(eps_paper(tmp_path / "src"), tmp_path / "out")
    assert comp["ok"] is True and comp["engine"] == "xelatex", comp
    text = korean_text(tmp_path / "out" / "paper.ko.pdf")
    assert "EPSMARK" in text and any("\uac00" <= c <= "\ud7a3" for c in text)
    assert comp["pages"] == {"original": 1, "translated": 1}


@pytest.mark.slow
def test_pdftex_only_paper_is_built_with_pdflatex_and_kotex(tmp_path):
    src = eps_paper(tmp_path / "src", preamble="\\DeclareTextSymbol{\\oldsym}{OT1}{127}\n",
                    body="A symbol only pdfTeX's encoding has: \\oldsym.\n")
    comp = translate(src, tmp_path / "out")
    assert comp["original_ok"] is True and comp["ok"] is True, comp
    assert comp["engine"] == "pdflatex" and comp["engines_tried"][0].startswith("xelatex: ")
    assert "unavailable in encoding TU" in comp["engines_tried"][0]
    assert comp["reverted"] == []
    text = korean_text(tmp_path / "out" / "paper.ko.pdf")
    assert "EPSMARK" in text
    assert sum(1 for c in text if "\uac00" <= c <= "\ud7a3") > 20
    main = (tmp_path / "out" / "source" / "main.tex").read_text(encoding="utf-8")
    assert "pdfLaTeX + kotex" in main and "Noto Serif CJK" not in main


def test_a_pdf_that_does_not_open_does_not_count(tmp_path):
    good = tmp_path / "good.pdf"
    with pymupdf.open() as doc:
        doc.new_page()
        doc.save(good)
    assert pdf_pages(good) == 1
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    assert pdf_pages(broken) is None
    assert pdf_pages(tmp_path / "missing.pdf") is None
    assert page_tolerance(10) == 3 and page_tolerance(100) == 20
    assert engine_plan("pdflatex") == ["xelatex", "pdflatex"] and engine_plan("xelatex") == ["xelatex"]


@pytest.mark.slow
def test_report_says_when_the_korean_pdf_is_not_valid(tmp_path, monkeypatch):
    from arxiv_translator.writers.latex import build as latex_build

    monkeypatch.setattr(latex_build, "page_tolerance", lambda pages: -1)  # no page count is close enough
    comp = translate(eps_paper(tmp_path / "src"), tmp_path / "out")
    assert comp["original_ok"] is True and comp["ok"] is False
    assert "pages, the original" in comp["message"]
    assert [t.split(":")[0] for t in comp["engines_tried"]] == ["xelatex", "pdflatex"]  # the next engine was tried
    assert pdf_pages(tmp_path / "out" / "paper.ko.pdf") == 1  # kept for the user, but it does not count
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert any(w.startswith("no Korean PDF") for w in report["warnings"])


CYRILLIC = ("\\documentclass{article}\n\\usepackage[T2A,T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
            "\\usepackage[russian,ngerman,english]{babel}\n\\begin{document}\n\\section{Introduction}\n"
            "We thank \\foreignlanguage{russian}{Иван Петров} for his help with the experiments.\n"
            "\\foreignlanguage{ngerman}{Die Ergebnisse gelten für alle Daten.}\n\\end{document}\n")


@pytest.mark.slow
def test_a_cyrillic_name_is_printed_with_the_original_engine(tmp_path):
    """XeLaTeX's Latin Modern has no Cyrillic: its PDF would show nothing where the name is, so the
    original's engine (pdfLaTeX with T2A, and kotex) builds the Korean PDF. babel's European languages
    are installed (scripts/setup.sh): the original compiles here as it does on arXiv."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.tex").write_text(CYRILLIC, encoding="utf-8")
    comp = translate(src, tmp_path / "out")
    assert comp["original_ok"] is True and comp["ok"] is True, comp
    assert comp["engine"] == "pdflatex" and comp["engines_tried"][0].startswith("xelatex: xelatex has no glyph for")
    text = korean_text(tmp_path / "out" / "paper.ko.pdf")
    assert "Иван Петров" in text and sum(1 for c in text if "\uac00" <= c <= "\ud7a3") > 10


@pytest.mark.slow
def test_letters_missing_beat_no_pdf(tmp_path, monkeypatch):
    """When the original's engine cannot build the translation either, the XeLaTeX PDF is kept."""
    from arxiv_translator.writers.latex import build as latex_build

    real = latex_build.TranslationBuild._try_engine

    def pdflatex_fails(self, original_ok):
        result = real(self, original_ok)
        if self.engine == "pdflatex":
            result.ok, result.message = False, "pdflatex broke"
        return result

    monkeypatch.setattr(latex_build.TranslationBuild, "_try_engine", pdflatex_fails)
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.tex").write_text(CYRILLIC, encoding="utf-8")
    comp = translate(src, tmp_path / "out")
    assert comp["ok"] is True and comp["engine"] == "xelatex", comp
    assert [t.split(":")[0] for t in comp["engines_tried"]] == ["xelatex", "pdflatex"]
    assert pdf_pages(tmp_path / "out" / "paper.ko.pdf") == 1
    assert "Noto Serif CJK" in (tmp_path / "out" / "source" / "main.tex").read_text(encoding="utf-8")


def test_missing_letters_are_those_outside_hangul_and_cjk():
    """XeTeX's "Missing character" lines: Hangul, kana and CJK ideographs are kotex's fonts' business; other
    letters (a Cyrillic name) are reported once each; symbols are not letters."""
    chars = ["한", "ㄱ", "ᄀ", "カ", "中", "㐀", "豈", "Ж", "λ", "Ж", "→"]
    log = "".join(f"Missing character: There is no {c} (U+{ord(c):04X}) in font x!\n" for c in chars)
    assert missing_letters(log) == ["Ж", "λ"]
