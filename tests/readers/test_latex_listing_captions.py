"""A code listing's ``caption=`` option is a caption segment; the code and the other options stay."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.latex import LatexReader

LISTINGS = r"""\documentclass{article}
\usepackage{listings}
\begin{document}
Some text before the code.
\begin{lstlisting}[language=Python, caption={Example code for \textbf{training}}, label=lst:a]
for x in data: train(x)  # caption=not this one
\end{lstlisting}
\begin{lstlisting}[caption=Training loop of the model,label=lst:b]
x = 1
\end{lstlisting}
\begin{lstlisting}[language=C]
int caption = 0;
\end{lstlisting}
\end{document}
"""


def test_listing_captions_are_segments(tmp_path: Path):
    (tmp_path / "main.tex").write_text(LISTINGS, encoding="utf-8")
    doc = LatexReader().read(tmp_path)
    mask_document(doc)
    assert [(s.kind, s.masked) for s in doc.segments()] == [
        ("paragraph", "Some text before the code."), ("caption", "Example code for <g1>training</g1>"),
        ("caption", "Training loop of the model")]


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="needs XeLaTeX")
def test_the_korean_pdf_builds_and_the_code_is_untouched(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.tex").write_text(LISTINGS, encoding="utf-8")
    report = run(Job(source=src, settings=Settings(engine="pseudo"), out=tmp_path / "out"))
    assert report["compile"]["ok"] and not report["compile"]["reverted"], report["compile"]
    rows = [json.loads(line) for line in (tmp_path / "out" / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in rows] == ["translated"] * 3, rows
    written = (tmp_path / "out" / "source" / "main.tex").read_text(encoding="utf-8")
    for code in ("for x in data: train(x)  # caption=not this one", "int caption = 0;", "label=lst:a]", ",label=lst:b]"):
        assert code in written
    assert "Example code for" not in written and "Training loop of the model" not in written
