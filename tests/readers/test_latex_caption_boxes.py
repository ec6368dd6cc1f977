"""Subfigure boxes whose caption is an argument: subcaption's ``\\subcaptionbox`` and subfig's ``\\subfloat``.

Before, ``\\subcaptionbox{caption}{content}``'s caption stayed English (the box was an unknown macro whose
short arguments are no sentence), and ``\\subcaptionbox[..]{..}[0.4\\linewidth]{..}`` sent its width to the
model inside a paragraph.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.latex import LatexReader

SUBCAPTION = r"""\documentclass{article}
\usepackage{graphicx,subcaption}
\begin{document}
\begin{figure}\centering
\subcaptionbox{Accuracy over the training steps\label{fig:a}}{\rule{2cm}{1cm}}\hfill
\subcaptionbox[Short]{Loss over the training steps}[0.4\linewidth]{\rule{2cm}{1cm}}
\caption{Training curves of the model.}
\end{figure}
See Figure~\ref{fig:a} for the first panel.
\end{document}
"""
SUBFIG = SUBCAPTION.replace("subcaption}", "subfig}").replace(
    r"\subcaptionbox{Accuracy over the training steps\label{fig:a}}", r"\subfloat[Accuracy over the training steps\label{fig:a}]"
).replace(r"\subcaptionbox[Short]{Loss over the training steps}[0.4\linewidth]", r"\subfloat[Short][Loss over the training steps]")


@pytest.mark.parametrize("tex", [SUBCAPTION, SUBFIG], ids=["subcaptionbox", "subfloat"])
def test_the_captions_are_caption_segments(tmp_path: Path, tex):
    (tmp_path / "main.tex").write_text(tex, encoding="utf-8")
    doc = LatexReader().read(tmp_path)
    mask_document(doc)
    assert [(s.kind, s.masked) for s in doc.segments()] == [
        ("caption", "Accuracy over the training steps"), ("caption", "Short"),
        ("caption", "Loss over the training steps"), ("caption", "Training curves of the model."),
        ("paragraph", "See Figure<x1/> for the first panel.")]


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="needs XeLaTeX")
def test_the_korean_pdf_builds(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.tex").write_text(SUBCAPTION, encoding="utf-8")
    report = run(Job(source=src, settings=Settings(engine="pseudo"), out=tmp_path / "out"))
    assert report["compile"]["ok"] and not report["compile"]["reverted"], report["compile"]
    rows = [json.loads(line) for line in (tmp_path / "out" / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(r["status"] == "translated" for r in rows), rows
    written = (tmp_path / "out" / "source" / "main.tex").read_text(encoding="utf-8")
    assert "}[0.4\\linewidth]{\\rule{2cm}{1cm}}" in written and "\\label{fig:a}}" in written
