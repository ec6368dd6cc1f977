"""A LaTeX paper's cross-references as text: label numbers, reference macros, keys as LaTeX compares them."""

from __future__ import annotations

import json
import re

from arxiv_translator import read
from arxiv_translator.writers.bilingual.writer import BilingualPage
from arxiv_translator.writers.bilingual.figures import FigureInliner
from arxiv_translator.writers.latex_xref import LatexXref, RefMacro, reference_macros
from arxiv_translator.writers.markdown.document import document_markdown

PAPER = r"""\documentclass{article}
\newcommand{\secref}[1]{Section~\ref{sec:#1}}
\def\Figref#1{Figure~\ref{#1}}
\newcommand\tion[1]{\ref{sect:#1}}
% \newcommand{\figref}[1]{Figure ??????\ref{#1}}
\newcommand{\bold}[1]{\textbf{#1}}
\begin{document}
\section{Introduction}\label{sec:intro}
We study cats in depth and with care.
\section{Method}\label{sect:method}
As \secref{intro} says and \Figref{fig: data} shows, see Section \tion{method} and Figure~\ref{fig:
data} for the whole picture.
\begin{figure}\caption{Some data about cats.}\label{fig: data}\end{figure}
\end{document}
"""


def test_reference_macros_are_read_from_definitions():
    macros = reference_macros([PAPER])
    assert macros["secref"] == RefMacro("ref", "sec:", "", "Section")
    assert macros["Figref"] == RefMacro("ref", "", "", "Figure")
    assert macros["tion"] == RefMacro("ref", "sect:", "", "")
    assert "figref" not in macros and "bold" not in macros  # a commented definition; not a reference


def test_references_print_numbers_in_markdown_and_on_the_page(tmp_path):
    (tmp_path / "main.tex").write_text(PAPER, encoding="utf-8")
    doc = read(tmp_path)
    xref = LatexXref(doc, tmp_path)
    assert xref.ref_text("ref", ["fig:\ndata"], "en") == "1"  # a line break in a key is a space, as in LaTeX
    assert xref.macro_text(xref.macros["secref"], "intro", "en") == "Section 1"
    assert xref.macro_text(xref.macros["secref"], "intro", "ko") == "1절"
    assert xref.macro_text(xref.macros["Figref"], "fig: data", "ko") == "그림 1"
    md = document_markdown(doc, xref=xref)
    assert "As Section 1 says and Figure 1 shows, see Section 2 and Figure 1 for" in " ".join(md.split()), md
    assert not re.search(r"\[(sec|fig|sect):", md)
    page = BilingualPage(doc, FigureInliner(tmp_path), pseudo=True).html()
    body = " ".join(re.sub(r"<[^>]+>", "", page[page.index("<body>"):]).replace("&nbsp;", " ").split())
    assert "As Section 1 says and Figure 1 shows, see Section 2 and Figure 1" in body, body[:3000]
    assert "As 1절 says and 그림 1 shows" in body  # the Korean column names the label in Korean
    assert '"\\\\figref"' not in page  # a commented-out definition is no macro for KaTeX either


def test_reference_lists_print_the_bbl_entries(tmp_path):
    (tmp_path / "main.tex").write_text(r"""\documentclass{article}
\begin{document}
Cats are studied well \cite{nad14}, and again \cite{blei03}.
\bibliographystyle{elsarticle-num}
\bibliography{refs}
\end{document}
""", encoding="utf-8")
    (tmp_path / "main.bbl").write_text(r"""\begin{thebibliography}{10}
\expandafter\ifx\csname url\endcsname\relax
  \def\url#1{\texttt{#1}}\fi

\bibitem{nad14}
A.~Nadkarni, N.~Yezhkova, Structured versus unstructured data, IDC (2014)
  pp. 3--5.

\bibitem{blei03}
D.~M. Blei, Latent dirichlet allocation, \newblock in: JMLR, Vol.~3,
  2003, pp.\penalty0 993--1022.
\end{thebibliography}
""", encoding="utf-8")
    doc = read(tmp_path)
    md = document_markdown(doc, xref=LatexXref(doc, tmp_path))
    assert "Cats are studied well [1], and again [2]." in md
    assert "- [1] A. Nadkarni, N. Yezhkova, Structured versus unstructured data, IDC (2014) pp. 3–5." in md
    assert "- [2] D. M. Blei, Latent dirichlet allocation, in: JMLR, Vol. 3, 2003, pp. 993–1022." in md
    page = BilingualPage(doc, FigureInliner(tmp_path), pseudo=True).html()
    assert "A. Nadkarni, N. Yezhkova, Structured versus unstructured data" in page


def test_natbib_labels_from_a_venue_style(tmp_path):
    """natbib loaded by a venue's .sty (icml, neurips): the .bbl's [Author(Year)Long] labels are author-year;
    with \\usepackage[numbers]{natbib} a label without a year ([cld()]) is no printed label either."""
    esser = "\\bibitem[Esser et~al.(2021{\\natexlab{b}})Esser, Rombach, and\n  Ommer]{esser}\nEsser, P. Taming.\n"
    cld = "\\bibitem[cld()]{cld3}\nCLD3. \\url{https://github.com/google/cld3}.\n"
    for preamble, items, keys, expected in (("\\usepackage{icml2022}", esser, ["esser"], "(Esser et al., 2021b)"),
                                            ("\\usepackage[numbers]{natbib}", cld + esser, ["cld3", "esser"], "[1, 2]")):
        (tmp_path / "main.tex").write_text(f"\\documentclass{{article}}{preamble}\n\\begin{{document}}\n"
                                           f"Cats are studied well \\citep{{{','.join(keys)}}}.\n\\end{{document}}\n",
                                           encoding="utf-8")
        (tmp_path / "main.bbl").write_text("\\begin{thebibliography}{2}\n" + items + "\\end{thebibliography}\n",
                                           encoding="utf-8")
        doc = read(tmp_path)
        assert LatexXref(doc, tmp_path).cite_text("citep", keys) == expected, preamble


def test_glossary_terms_print_their_short_form_or_translated_name(tmp_path):
    from arxiv_translator.config import Settings
    from arxiv_translator.pipeline import Job, run

    src = tmp_path / "src"
    src.mkdir()
    (src / "main.tex").write_text(r"""\documentclass{article}
\usepackage[acronym]{glossaries}
\newacronym{cnn}{CNN}{convolutional neural network}
\newglossaryentry{ls}{name={latent space}, description={a space of codes}}
\makeglossaries
\begin{document}
We train a \gls{cnn} on many cats and the \Gls{ls} is small, with two \glspl{cnn} as well.
\end{document}
""", encoding="utf-8")
    run(Job(source=src, settings=Settings(engine="pseudo", compile=False), out=tmp_path / "out"))
    md = (tmp_path / "out" / "paper.ko.md").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in (tmp_path / "out" / "segments.jsonl").read_text().splitlines()]
    name_ko = next(r["translation"] for r in rows if r["source"] == "latent space")
    assert " CNN " in md and name_ko[:1].upper() + name_ko[1:] in md and " cnn " not in md, md
    page = (tmp_path / "out" / "paper.bilingual.html").read_text(encoding="utf-8")
    assert "We train a CNN on many cats and the Latent space is small, with two CNNs" in page, page[-4000:]
