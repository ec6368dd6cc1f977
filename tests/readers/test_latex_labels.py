"""The LaTeX reader records label numbers, \\graphicspath folders and picture files in the model;
the bilingual writer renders references and finds figures from there, not from the sources."""

from __future__ import annotations

import json

import pymupdf

from arxiv_translator.document import Document
from arxiv_translator.readers.latex import LatexReader
from arxiv_translator.writers.bilingual.figure_rows import figure_inliner
from arxiv_translator.writers.bilingual.latex_refs import LatexRefs
from arxiv_translator.writers.latex_xref import LatexXref

MAIN = r"""\documentclass{article}
\graphicspath{{art/}{more/}}
\newtheorem{lemma}{Lemma}[section]
\begin{document}
\section{Intro}\label{sec:intro}
We see it in Figure~\ref{fig:plot} and Eq.~\eqref{eq:a}.
\begin{equation}x=1\label{eq:a}\end{equation}
\input{plot}
\begin{figure}\includegraphics{dot}\caption{A dot.}\label{fig:plot}\end{figure}
\subsection{More}\label{sec:more}
\begin{lemma}\label{lem:x}It holds.\end{lemma}
\appendix
\section{Extra}\label{app:extra}
\end{document}
"""


def _tree(tmp_path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "main.tex").write_text(MAIN)
    (tmp_path / "plot.tex").write_text("\\begin{tikzpicture}\\draw (0,0) -- (1,1);\\end{tikzpicture}\n")
    (tmp_path / "art").mkdir()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 20, 10), False)
    pix.clear_with(120)
    pix.save(tmp_path / "art" / "dot.png")
    return tmp_path


def test_reader_records_labels_graphicspath_and_pictures(tmp_path):
    doc = LatexReader().read(_tree(tmp_path))
    assert doc.latex is not None
    numbers = {k: (v.kind, v.number) for k, v in doc.latex.labels.items()}
    assert numbers == {"sec:intro": ("section", "1"), "eq:a": ("equation", "1"), "fig:plot": ("figure", "1"),
                       "sec:more": ("section", "1.1"), "lem:x": ("theorem", "1.1"), "app:extra": ("section", "A")}
    assert doc.latex.labels["lem:x"].title == "Lemma" and doc.latex.labels["eq:a"].file == "main.tex"
    assert doc.latex.graphicspath == ["art/", "more/"]
    assert doc.latex.pictures["plot.tex"] and doc.latex.pictures["plot"] and not doc.latex.pictures["main.tex"]
    assert Document.from_json(doc.to_json()).latex == doc.latex  # it travels with the job's snapshot


def test_writer_needs_no_source_text_for_numbers_and_figures(tmp_path):
    doc = LatexReader().read(_tree(tmp_path))
    for source in doc.files.values():  # nothing left to re-parse: the model must carry it all
        source.text = ""
    refs = LatexRefs(doc, list(doc.segments()), LatexXref(doc, tmp_path))
    assert ">그림 1</a>" in refs.ref_html("cref", ["fig:plot"], "ko")
    assert ">A<" in refs.ref_html("ref", ["app:extra"], "en") and ">1.1절</a>" in refs.ref_html("cref", ["sec:more"], "ko")
    inliner = figure_inliner(doc, tmp_path)
    assert inliner.figure("dot").kind == "img"  # found through \graphicspath{{art/}}
    assert inliner.figure("tikz:plot").kind == "note"  # a picture LaTeX draws
    assert inliner.figure("tikz:main").kind == "none"  # a file that draws none


def test_a_snapshot_saved_before_the_field_gains_it_on_load(tmp_path):
    from arxiv_translator.jobs.state import JobState, SourceSpec, Stage
    from arxiv_translator.jobs.store import JobStore

    doc = LatexReader().read(_tree(tmp_path / "src"))
    out = tmp_path / "out"
    JobStore(out).save(JobState(source=SourceSpec(given="x", identity="/x"), out=str(out), stage=Stage.READ,
                                document=doc.model_copy(update={"latex": None})), with_document=True)
    saved = json.loads((out / ".job" / "document.json").read_text(encoding="utf-8"))
    assert saved["latex"] is None  # as an older version wrote it (it had no such field)
    assert JobStore(out).load().document.latex == doc.latex
