"""What a paper's own definitions say about their arguments: keys, code, names and options are not prose."""

from __future__ import annotations

import pytest

from arxiv_translator.texdefs import Definition, definition_end, definitions, environment_text_args, xparse_types

DEFS = r"""
\newcommand{\secc}[1]{Section~\ref{sec:#1}}
\newcommand{\Code}[1]{\lstinline@#1@}
\newcommand{\circlegend}[2]{
  \begin{tikzpicture}
    \node[circle,fill={#1},draw=black] (block) [] {};
    \node[right=0mm of block] {#2};
  \end{tikzpicture}}
\newcommand{\hl}[2]{\textcolor{#1}{#2}}
\newcommand{\fig}[2][0.5]{\includegraphics[width=#1\linewidth]{#2}}
\def\note#1{\textbf{Note:} #1}
\newcommand{\gap}[1]{\hspace{#1pt}}
\newcommand{\unused}[2]{#1 only}
\newcommand{\ndef}[2]{\newcommand{#1}{\name{#2}}}
\newcommand{\customfootnotetext}[2]{{\renewcommand{\thefootnote}{#1}\footnotetext[0]{#2}}}
\newcommand{\cn}[1]{{\protect\ntt\bslash#1}}
\newcommand{\todo}[1]{{\color{red} {[TODO: #1]}}}
\def\kw#1{%
%  \ref{#1}
  \hypersetup{pdfkeywords={#1}}{\bf Keywords:} #1}
"""


@pytest.mark.parametrize(("name", "count", "nonprose", "text"), [
    ("secc", 1, {1}, set()),  # a label key
    ("Code", 1, {1}, set()),  # code
    ("circlegend", 2, {1}, {2}),  # a colour in an option list, then the node's text
    ("hl", 2, {1}, {2}),  # \textcolor's colour, then text
    ("fig", 2, {1, 2}, set()),  # a width option and a file
    ("note", 1, set(), {1}),  # \def with a parameter: text
    ("gap", 1, {1}, set()),  # a length
    ("unused", 2, set(), {1}),  # #2 is never used: neither
    ("ndef", 2, {1, 2}, set()),  # a macro that defines macros: names (named-tensor-notation's axis names)
    ("customfootnotetext", 2, {1}, {2}),  # the mark defines \thefootnote, the note is text (datacomp)
    ("cn", 1, {1}, set()),  # a command's name in typewriter type (aomart's sample)
    ("todo", 1, set(), {1}),  # brackets typeset in text are no option list
    ("kw", 1, set(), {1}),  # PDF metadata is text; a commented-out \ref is no use
])
def test_parameters_are_classified(name, count, nonprose, text):
    found = definitions(DEFS)[name]
    assert (found.count, set(found.nonprose), set(found.text)) == (count, nonprose, text)


def test_unbalanced_definition_is_skipped():
    found = definitions(r"\newcommand{\broken}[1]{\textbf{#1}" + "x" * 10 + "\n\\newcommand{\\ok}[1]{\\ref{#1}}")
    assert "ok" not in found or found["ok"].nonprose == {1}  # the broken body swallows what follows, or is skipped
    assert "broken" not in found or found["broken"].count == 1


def test_xparse_definitions_are_read_like_newcommand():
    found = definitions(r"\NewDocumentCommand{\term}{m}{\emph{#1}}"
                        r"\NewDocumentCommand\sref{s m}{\IfBooleanTF{#1}{}{Section}~\ref{#2}}"
                        r"\DeclareDocumentCommand{\note}{O{Note} +m}{\textbf{#1:} #2}"
                        r"\NewDocumentCommand{\odd}{x m}{#2}")
    assert found["term"] == Definition(1, frozenset(), frozenset({1}))
    assert found["sref"].count == 2 and found["sref"].nonprose == frozenset({2})
    assert found["note"] == Definition(2, frozenset(), frozenset({1, 2}))
    assert "odd" not in found  # an argument type xparse does not have: nothing is guessed
    assert xparse_types("s O{a{b}} r() t+ m") == ["s", "O", "r", "t", "m"]


@pytest.mark.parametrize("source, expected", [
    (r"\newtcolorbox{promptbox}[1]{colback=gray!5,title=#1}", {"promptbox": {0}}),
    (r"\newtcolorbox{cbox}[1]{colback=#1}", {}),  # a colour
    (r"\newenvironment{ex}[2][]{\textbf{Example: #2}\label{#1}}{}", {"ex": {0}}),  # #1 is the optional [..]
    (r"\newenvironment{refbox}[1]{See \ref{#1}}{}", {}),  # a key
    (r"\renewenvironment{note}[2]{\textbf{#1} \textcolor{#2}{x}}{}", {"note": {0}}),
])
def test_environment_text_args(source, expected):
    assert {k: set(v) for k, v in environment_text_args(source).items()} == expected


@pytest.mark.parametrize("source", [r"\def\@fnsymbol#1{\ensuremath{x}}", r"\gdef\@foo{bar}",
                                    r"\renewcommand\@maketitle{abc}", r"\newcommand{\@x}[1][d]{abc}",
                                    r"\newenvironment{foo}[1]{\begin{center}}{\end{center}}",
                                    r"\def\foo#1.{\textbf{#1}}", r"\newcommand*\x{y}"])
def test_definition_end(source):
    text = source + " rest"
    assert definition_end(text, 0, len(text)) == len(source)
    assert definition_end(r"\def\x rest", 0, 11) is None


def test_one_regex_per_kind_of_use_answers_as_regexes_per_parameter():
    """Uses of ``#k`` are found with regexes compiled once (the parameter's uses marked first): the same answers
    as regexes written for each ``#k``, on every use of a parameter in the corpus and on each kind of use."""
    import re

    from conftest import CORPUS

    from arxiv_translator.texdefs import _nonprose, _nonprose_per_parameter

    bodies = ["\\ref{sec:#1}", "\\cite[#2]{#1}", "\\texttt{#1}", "\\verb|#1|", "\\textcolor{#1}{#2}",
              "\\node[fill={#1}] {#2};", "fill=#1", "pdfkeywords={#1}", "\\csname #1\\endcsname", "\\ttfamily #1",
              "{\\tt x#2 #1}", "\\string#1", "\\hspace{#1pt}", "#12pt and #1", "##1 \\label{##1}", "plain #1 text",
              "\\url{#1#2}", "\\texttt{" + "x" * 70 + "#1}", "\\begin{#1} #2 \\end{#1}", "#1 \x00 \\ref{#1}"]
    for tex in sorted((CORPUS / "latex").glob("*/*.tex")):
        text = tex.read_text(encoding="utf-8", errors="replace")
        bodies += [text[max(0, m.start() - 300) : m.end() + 300] for m in re.finditer(r"#\d", text)][:200]
    answers = [(_nonprose(body, k), _nonprose_per_parameter(body, k)) for body in bodies for k in range(1, 10)]
    assert all(new == old for new, old in answers)
    assert 200 < sum(new for new, _ in answers) < len(answers) - 200  # both answers are common
