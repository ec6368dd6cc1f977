"""The paper's own reference macros print Korean names (``\\Secref{x}`` -> "절 3"), see ``writers/latex/refnames.py``."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import CORPUS

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run
from arxiv_translator.writers.latex.names import REF_NAMES
from arxiv_translator.writers.latex.refnames import REF_WORDS, korean_ref_definitions


@pytest.mark.parametrize("source, expected", [
    (r"\newcommand{\Secref}[1]{Section~\ref{#1}}", r"\newcommand{\Secref}[1]{절~\ref{#1}}"),
    (r"\def\figref#1{Figure~\ref{#1}}", r"\def\figref#1{그림~\ref{#1}}"),
    (r"\newcommand{\figg}[1]{Fig.~\ref{fig:#1}}", r"\newcommand{\figg}[1]{그림~\ref{fig:#1}}"),
    (r"\newcommand\secc[1]{Section \ref{sec:#1}}", r"\newcommand\secc[1]{절 \ref{sec:#1}}"),
    (r"\newcommand{\eqform}[1]{Equation~(\ref{#1})}", r"\newcommand{\eqform}[1]{식~(\ref{#1})}"),
    (r"\providecommand{\Appref}[1]{App.~\autoref{#1}}", r"\providecommand{\Appref}[1]{부록~\autoref{#1}}"),
    (r"\def\twosecrefs#1#2{sections \ref{#1} and \ref{#2}}", r"\def\twosecrefs#1#2{절 \ref{#1} 및 \ref{#2}}"),
    (r"\def\quad#1#2#3{figures \ref{#1}, \ref{#2} and \ref{#3}}", r"\def\quad#1#2#3{그림 \ref{#1}, \ref{#2} 및 \ref{#3}}"),
    (r"\newrefformat{sec}{\hyperref[#1]{Section~\ref*{#1}}}", r"\newrefformat{sec}{\hyperref[#1]{절~\ref*{#1}}}"),
    (r"\newrefformat{alg}{\hyperref[#1]{Algorithm~\ref*{#1}}}", r"\newrefformat{alg}{\hyperref[#1]{알고리즘~\ref*{#1}}}"),
    (r"\crefformat{section}{Sec.~#2#1#3}", r"\crefformat{section}{절~#2#1#3}"),
    (r"\crefname{figure}{Fig.}{Figs.}", r"\crefname{figure}{그림}{그림}"),
    (r"\Crefname{lemma}{lem.}{Lems.}", r"\Crefname{lemma}{보조정리}{보조정리}"),
    (r"\renewcommand{\sectionautorefname}{Section}", r"\renewcommand{\sectionautorefname}{절}"),
    (r"\def\subsectionautorefname{Subsection}", r"\def\subsectionautorefname{절}"),
    (r"\renewcommand*{\figurename}{Fig.}", r"\renewcommand*{\figurename}{그림}"),
    # left as they are: not a reference word, not before a reference, comments, verbatim, prose
    (r"\newrefformat{pat}{\hyperref[#1]{Patch~\ref*{#1}}}", r"\newrefformat{pat}{\hyperref[#1]{Patch~\ref*{#1}}}"),
    (r"\renewcommand\itemautorefname{Attack}", r"\renewcommand\itemautorefname{Attack}"),
    (r"\newcommand{\method}{Table Transformer}", r"\newcommand{\method}{Table Transformer}"),
    (r"\newcommand{\todo}[1]{Table #1}", r"\newcommand{\todo}[1]{Table #1}"),
    (r"% \def\Secref#1{Section~\ref{#1}}", r"% \def\Secref#1{Section~\ref{#1}}"),
    (r"\begin{verbatim}\def\Secref#1{Section~\ref{#1}}\end{verbatim}",
     r"\begin{verbatim}\def\Secref#1{Section~\ref{#1}}\end{verbatim}"),
    (r"See Section~\ref{x} here.", r"See Section~\ref{x} here."),
])
def test_reference_definitions(source, expected):
    assert korean_ref_definitions(source) == expected


def test_words_map_to_the_names_the_writer_gives_counters():
    assert set(REF_WORDS.values()) <= set(REF_NAMES.values())
    assert {REF_WORDS[w] for w in ("section", "sec.", "figure", "figs.", "table", "appendix", "eq.", "algorithm",
                                   "theorem", "lemma", "chapter", "listing", "definition", "corollary",
                                   "proposition", "remark", "example", "assumption")} == {
        "절", "그림", "표", "부록", "식", "알고리즘", "정리", "보조정리", "장", "코드", "정의", "따름정리", "명제", "참고",
        "예", "가정"}
    text = "\\def\\a#1{Section~\\ref{#1}}\n% Figure~\\ref{x}\n\\def\\b#1{\nFigure~\\ref{#1}}\n"
    assert korean_ref_definitions(text).count("\n") == text.count("\n")


@pytest.mark.parametrize("paper, file, expected", [
    ("rnn-lowdim-iclr2023", "math_commands.tex", [r"\def\Secref#1{절~\ref{#1}}", r"\def\Figref#1{그림~\ref{#1}}",
                                                 r"\def\Appref#1{부록~\ref{#1}}"]),
    ("muse", "main.tex", [r"\newcommand{\secc}[1]{절 \ref{sec:#1}}", r"\newcommand{\figg}[1]{그림 \ref{fig:#1}}",
                          r"\newcommand{\tabb}[1]{표 \ref{tab:#1}}"]),
    ("midas-tocttou-usenix22", "Midas.tex", [r"\newrefformat{sec}{\hyperref[#1]{절~\ref*{#1}}}",
                                             r"\newrefformat{fig}{\hyperref[#1]{그림~\ref*{#1}}}",
                                             r"\renewcommand{\sectionautorefname}{절}"]),
])
def test_corpus_reference_macros(paper, file, expected):
    path = CORPUS / "latex" / paper / file
    if not path.is_file():
        pytest.skip("the corpus is not beside the checkout")
    text = korean_ref_definitions(path.read_text(encoding="utf-8"))
    for line in expected:
        assert line in text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xelatex") is None or shutil.which("pdftotext") is None,
                    reason="TeX Live and poppler are installed by scripts/setup.sh")
def test_korean_pdf_prints_korean_reference_names(tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    (root / "defs.tex").write_text("\\def\\Figref#1{Figure~\\ref{#1}}\n", encoding="utf-8")
    (root / "main.tex").write_text(r"""\documentclass{article}
\usepackage{hyperref}
\input{defs}
\newcommand{\Secref}[1]{Section~\ref{#1}}
\begin{document}
\renewcommand{\sectionautorefname}{Section}
\section{Intro}\label{sec:a}
A na\"ive bound by G\"{o}del. See \Secref{sec:a}, \autoref{sec:a} and \Figref{fig:b}.
\begin{figure}[h]\centering\fbox{x}\caption{A caption}\label{fig:b}\end{figure}
\end{document}
""", encoding="utf-8")
    out = tmp_path / "out"
    report = run(Job(source=root, settings=Settings(engine="pseudo"), out=out))
    assert report["compile"]["ok"], report["compile"]
    text = " ".join(subprocess.run(["pdftotext", str(out / "paper.ko.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert len(re.findall(r"절 1", text)) >= 2 and "그림 1" in text, text
    assert "Section" not in text and "Figure" not in text, text


def test_bodies_without_a_reference_command_are_skipped_safely():
    """A definition body is searched for reference words only when it holds "ref" (every reference command's
    name does, in any case) or ``#2#1``: on every corpus file, no text without them has a reference word
    before a reference."""
    from arxiv_translator.writers.latex.refnames import _WORD_BEFORE_REF

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(CORPUS.glob("latex/*/**/*.tex"))]
    pieces = [piece for text in texts for piece in text.split("\n\n")]
    pieces += [r"Section~\REF{a}", r"Figure~#2#1", r"Eq.~(\Cref{b})"]
    skipped = found = 0
    for piece in pieces:
        if "#2#1" not in piece and "ref" not in piece.lower():
            assert _WORD_BEFORE_REF.search(piece) is None, piece
            skipped += 1
        else:
            found += bool(_WORD_BEFORE_REF.search(piece))
    assert skipped > 1000 and found > 50
    assert korean_ref_definitions(r"\newcommand{\secref}[1]{Section~\ref{#1}}") == r"\newcommand{\secref}[1]{절~\ref{#1}}"
