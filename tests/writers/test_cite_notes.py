"""Citation notes in Korean: the table, and a paper compiled end to end with the notes in the Korean PDF."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from standin import fidelity, tools_available

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run
from arxiv_translator.writers.cite_notes import korean_cite_notes, korean_note


@pytest.mark.parametrize("source, expected", [
    (r"\citep[e.g.,][]{a,b}", r"\citep[예:][]{a,b}"),
    (r"\citep[see][Chapter~2]{x}", r"\citep[참조:][2장]{x}"),
    (r"\citep[see][for a survey]{x}", r"\citep[참조:][서베이]{x}"),  # a note after the citation
    (r"\citet[p.~12]{x}", r"\citet[12쪽]{x}"),
    (r"\cite[pp.~3--5]{x}", r"\cite[3--5쪽]{x}"),
    (r"\citep[][Sec.~3.1]{x}", r"\citep[][3.1절]{x}"),
    (r"\parencite[see][Eq.~(3)]{x}", r"\parencite[참조:][식 (3)]{x}"),
    (r"\citep[see Appendix~A]{x}", r"\citep[부록 A 참조]{x}"),
    (r"\citep[Lemma 2 and 3]{x}", r"\citep[보조정리 2, 3]{x}"),
    (r"\citealp[cf.][]{x}", r"\citealp[비교:][]{x}"),
    (r"\citep*[ e.g., ][]{x}", r"\citep*[ 예: ][]{x}"),
    (r"\citep[something the table does not know]{x}", r"\citep[something the table does not know]{x}"),
    (r"\citep[5]{x}", r"\citep[5]{x}"),  # biblatex adds "p." itself
    (r"\cite{x}", r"\cite{x}"),
    (r"\ref[e.g.,]{x}", r"\ref[e.g.,]{x}"),  # not a citation
    ("\\citep[see\nalso][]{x}", "\\citep[see\nalso][]{x}"),  # over two lines: the file keeps its line count
])
def test_korean_cite_notes(source, expected):
    assert korean_cite_notes(source) == expected


def test_unknown_note_is_kept_with_its_spaces():
    assert korean_note("  see the discussion in  ") == "  see the discussion in  "
    assert korean_note(" e.g.,") == " 예:"


PAPER = r"""\documentclass{article}
\usepackage{natbib}
\begin{document}
Methods that learn from preferences are common \citep[e.g.,][]{smith20} and well studied
\citep[see][Chapter~2]{jones19}, written \verb|\citep[e.g.,][]{key}| in the source.

\begin{verbatim}
\citep[e.g.,][]{smith20}
\end{verbatim}

\begin{thebibliography}{2}
\bibitem[Smith(2020)]{smith20} A. Smith. A paper. 2020.
\bibitem[Jones(2019)]{jones19} B. Jones. A book. 2019.
\end{thebibliography}
\end{document}
"""


@pytest.mark.skipif(shutil.which("xelatex") is None or shutil.which("pdftotext") is None,
                    reason="TeX Live and poppler are installed by scripts/setup.sh")
def test_notes_are_korean_in_the_pdf_and_keys_stay(tmp_path):
    src = tmp_path / "paper"
    src.mkdir()
    (src / "main.tex").write_text(PAPER, encoding="utf-8")
    out = tmp_path / "out"
    report = run(Job(source=src, settings=Settings(engine="pseudo"), out=out))
    assert report["compile"]["ok"] and not report["compile"]["reverted"], report["compile"]
    tex = (out / "source" / "main.tex").read_text(encoding="utf-8")
    assert r"\citep[예:][]{smith20}" in tex and r"\citep[참조:][2장]{jones19}" in tex
    assert "\\begin{verbatim}\n\\citep[e.g.,][]{smith20}\n\\end{verbatim}" in tex  # code is not a citation
    assert "\\verb|\\citep[e.g.,][]{key}|" in tex  # nor is inline code in a translated paragraph
    text = " ".join(subprocess.run(["pdftotext", str(out / "paper.ko.pdf"), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "예: Smith, 2020" in text and "Jones, 2019, 2장" in text, text
    assert "e.g., Smith" not in text and "Chapter" not in text
    bilingual = (out / "paper.bilingual.html").read_text(encoding="utf-8")
    cites = re.findall(r"<cite>(.*?)</cite>", bilingual)
    assert any("예: " in c for c in cites) and any("e.g., " in c for c in cites), cites  # Korean and English side
    assert any("2장" in c for c in cites) and any("Chapter" in c for c in cites), cites
    rows = [json.loads(line) for line in (out / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any("\\citep[e.g.,][]{smith20}" in r["source"] for r in rows)  # the corpus keeps the source as it was
    if tools_available():
        figures = fidelity("latex", src, out / "source")
        assert figures["keys lost"][0] == 0 and figures["math lost"][0] == 0, figures
