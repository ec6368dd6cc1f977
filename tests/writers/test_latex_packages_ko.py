"""Packages that broke the Korean build of a paper whose original compiles.

* soul's ``\\hl``/``\\ul``/``\\st`` cannot set Hangul (XeLaTeX: ``Reconstruction failed``; pdfLaTeX + kotex:
  an ``\\unihangul`` error), so the compile repair used to revert every paragraph that used them to English.
  The Korean preamble gives those names ulem's versions instead.
* newtxmath (and newpxmath) take a defined ``\\pdfglyphtounicode`` for pdfTeX and set ``\\pdfgentounicode``;
  the XeLaTeX guard defined the first only, so XeLaTeX failed and the build fell back to pdfLaTeX;
  newtxtext sets fontspec's default features (``Extension=.otf``), so the Hangul font was looked for as a file
  ``Noto Serif CJK KR.otf`` and not found.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run


def soul_paper(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "main.tex").write_text(
        "\\documentclass{article}\n\\usepackage{xcolor}\n\\usepackage{soul}\n\\usepackage{amsmath}\n"
        "\\renewcommand{\\so}{\\text{s.o.}}\n\\begin{document}\n"
        "\\section{Introduction}\nSome text is \\hl{highlighted for emphasis here} and some is "
        "\\ul{underlined in the draft version}, and \\st{this claim was struck out} by the authors.\n\n"
        "A second paragraph says \\textso{spaced} and \\caps{Small Caps} without any trouble, $a \\so b$.\n"
        "\\end{document}\n", encoding="utf-8")
    return root


@pytest.mark.slow
def test_soul_paragraphs_are_not_reverted(tmp_path):
    out = tmp_path / "out"
    report = run(Job(source=soul_paper(tmp_path / "src"), settings=Settings(engine="pseudo"), out=out))
    comp = report["compile"]
    assert comp["original_ok"] and comp["ok"], comp
    assert comp["reverted"] == [], comp["reverted"]
    with pymupdf.open(out / "paper.ko.pdf") as pdf:
        text = "".join(page.get_text() for page in pdf)
    assert "highlighted" not in text and any("\uac00" <= c <= "\ud7a3" for c in text)
    assert "s.o." in text  # the paper's own \so is the paper's


@pytest.mark.slow
def test_newtxmath_builds_with_xelatex(tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{newtxtext,newtxmath}\n"
        "\\begin{document}\n\\section{Introduction}\nThis paper studies a question about fonts in detail, "
        "with $x^2 + y^2 = z^2$ as its formula.\n\\end{document}\n", encoding="utf-8")
    comp = run(Job(source=root, settings=Settings(engine="pseudo"), out=tmp_path / "out"))["compile"]
    assert comp["ok"] and comp["engine"] == "xelatex", comp
    assert comp["engines_tried"] == ["xelatex: ok"] and comp["reverted"] == []
