"""Titles given as options of a box (``\\begin{tcolorbox}[title=Prompt for the model]``) are translated.

LLM papers set their prompts in tcolorbox/mdframed boxes whose title is an option value; it stayed English.
Every other key and value of the options stays as it is.
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

BOXES = r"""\documentclass{article}
\usepackage{tcolorbox}
\usepackage{mdframed}
\newtcolorbox{promptbox}[1][]{colback=gray!5,#1}
\begin{document}
\begin{tcolorbox}[colback=red!5!white,colframe=red!75!black,title=A box with a title]
Text inside the colored box.
\end{tcolorbox}
\begin{tcolorbox}[title={Prompt for \textbf{the} model}, colback=blue!5]
You are a helpful assistant.
\end{tcolorbox}
\begin{promptbox}[title=System prompt used, fonttitle=\bfseries]
Answer the question.
\end{promptbox}
\begin{mdframed}[frametitle={Key insight of the work}]
A framed remark.
\end{mdframed}
\begin{tcolorbox}[title=Prompt for $x$ here]
A title with math in it is left whole.
\end{tcolorbox}
\begin{figure}[t]\centering\rule{1cm}{1cm}\caption{A figure.}\end{figure}
\end{document}
"""


def test_title_values_are_headings_and_nothing_else_of_the_options(tmp_path: Path):
    (tmp_path / "main.tex").write_text(BOXES, encoding="utf-8")
    doc = LatexReader().read(tmp_path)
    mask_document(doc)
    assert [(s.kind, s.masked) for s in doc.segments()] == [
        ("heading", "A box with a title"), ("paragraph", "Text inside the colored box."),
        ("heading", "Prompt for <g1>the</g1> model"), ("paragraph", "You are a helpful assistant."),
        ("heading", "System prompt used"), ("paragraph", "Answer the question."),
        ("heading", "Key insight of the work"), ("paragraph", "A framed remark."),
        ("paragraph", "A title with math in it is left whole."), ("caption", "A figure.")]


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="needs XeLaTeX")
def test_the_korean_pdf_builds_with_the_titles_translated(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.tex").write_text(BOXES, encoding="utf-8")
    report = run(Job(source=src, settings=Settings(engine="pseudo"), out=tmp_path / "out"))
    assert report["compile"]["ok"] and not report["compile"]["reverted"], report["compile"]
    rows = [json.loads(line) for line in (tmp_path / "out" / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 10 and all(r["status"] == "translated" for r in rows), rows
    written = (tmp_path / "out" / "source" / "main.tex").read_text(encoding="utf-8")
    assert "colback=red!5!white,colframe=red!75!black,title=" in written and "fonttitle=\\bfseries]" in written
