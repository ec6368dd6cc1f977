"""soul's ``\\hl``/``\\ul``/``\\st`` cannot set Hangul (XeLaTeX: ``Reconstruction failed``; pdfLaTeX + kotex:
an ``\\unihangul`` error), so the compile repair used to revert every paragraph that used them to English.
The Korean preamble gives those names ulem's versions instead."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run


def soul_paper(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "main.tex").write_text(
        "\\documentclass{article}\n\\usepackage{xcolor}\n\\usepackage{soul}\n\\begin{document}\n"
        "\\section{Introduction}\nSome text is \\hl{highlighted for emphasis here} and some is "
        "\\ul{underlined in the draft version}, and \\st{this claim was struck out} by the authors.\n\n"
        "A second paragraph says \\so{spaced} and \\caps{Small Caps} without any trouble at all.\n"
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
