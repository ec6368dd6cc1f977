"""The LaTeX long tail: every kind of prose is a segment, and bad input costs only what is bad.

Each row is a small synthetic tree that reproduces a family seen on real papers
(ACL/ICLR style files that ``\\def`` the sectioning commands, run-in headings,
theorem titles, pseudo-code comments ...) or a kind of bad input (a macro that
swallows the document, ``\\input`` without braces, Latin-1 ...).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.latex import LatexReader
from arxiv_translator.writers.markdown.document import document_markdown

ACL_STY = r"""\NeedsTeXFormat{LaTeX2e}
\def\section{\@startsection {section}{1}{\z@}{-2.0ex plus -0.5ex minus -.2ex}{1.5ex plus 0.3ex minus .2ex}{\large\bf\raggedright}}
\def\subsection{\@startsection{subsection}{2}{\z@}{-1.8ex plus -0.5ex minus -.2ex}{0.8ex plus .2ex}{\normalsize\bf\raggedright}}
\def\paragraph{\@startsection{paragraph}{4}{\z@}{1.5ex plus 0.5ex minus .2ex}{-1em}{\normalsize\bf}}
\newcommand\subparagraph{\@startsection{subparagraph}{5}{\z@}{1ex}{-1em}{\bf}}
\newtheorem{mainres}{Main Result}
"""


def make_tree(tmp_path: Path, body: str, preamble: str = "", files: dict[str, str | bytes] | None = None) -> Path:
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.tex").write_text(
        "\\documentclass{article}\n" + preamble + "\n\\begin{document}\n" + body + "\n\\end{document}\n",
        encoding="utf-8")
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            (root / rel).write_bytes(text)
        else:
            (root / rel).write_text(text, encoding="utf-8")
    return root


def segments(root: Path) -> tuple[dict[str, list[str]], list]:
    doc = LatexReader().read(root)
    mask_document(doc)
    by_kind: dict[str, list[str]] = {}
    for seg in doc.segments():
        by_kind.setdefault(seg.kind, []).append(seg.source)
    return by_kind, doc


PROSE = [
    pytest.param(  # the venue's .sty \defs \section: headings are still headings
        "\\section{Related Work}\nPrior work is long.\n\n\\subsection{Neural Models}\n"
        "\\paragraph{Run-in heading.} Body text of the paragraph.\n\n\\subparagraph{Deeper run-in.} More body text.",
        "\\usepackage{acl}", {"acl.sty": ACL_STY},
        {"heading": ["Related Work", "Neural Models", "Run-in heading.", "Deeper run-in."]}, id="acl-sty-sections"),
    pytest.param(  # a paper's own \renewcommand of \section does not change what \section takes
        "\\section{Introduction}\nWe study things here.",
        "\\makeatletter\\renewcommand\\section{\\@startsection{section}{1}{0pt}{1ex}{1ex}{\\bf}}\\makeatother", {},
        {"heading": ["Introduction"], "paragraph": ["We study things here."]}, id="renewcommand-section"),
    pytest.param(
        "\\section*{Acknowledgements}\nWe thank the reviewers.", "", {},
        {"heading": ["Acknowledgements"], "paragraph": ["We thank the reviewers."]}, id="starred-acknowledgements"),
    pytest.param(
        "\\begin{mainres}[Lower bound]\nNo algorithm beats this bound.\n\\end{mainres}\n"
        "\\begin{theorem}[Upper bound]\nSome algorithm meets it.\n\\end{theorem}\n"
        "\\begin{proof}[Proof of the bound]\nObvious from the above.\n\\end{proof}",
        "\\usepackage{acl}\\newtheorem{theorem}{Theorem}", {"acl.sty": ACL_STY},
        {"heading": ["Lower bound", "Upper bound", "Proof of the bound"],
         "theorem": ["No algorithm beats this bound.", "Some algorithm meets it.", "Obvious from the above."]},
        id="theorem-titles"),
    pytest.param(
        "\\begin{figure}\\centering\\caption[Short title here]{A long caption text.}\\end{figure}", "", {},
        {"caption": ["Short title here", "A long caption text."]}, id="caption-short-and-long"),
    pytest.param(
        "\\begin{description}\\item[Robustness] The method is robust.\\item[(i)] Second.\\end{description}", "", {},
        {"item": ["Robustness", "The method is robust.", "Second."]}, id="item-labels"),
    pytest.param(
        "\\begin{algorithm}\\caption{Greedy search}\\begin{algorithmic}\\State $x \\gets 0$ "
        "\\Comment{start from zero}\\State \\Return $x$\\end{algorithmic}\\end{algorithm}", "", {},
        {"caption": ["Greedy search"], "paragraph": ["start from zero"]}, id="algorithm-comments"),
    pytest.param(
        "Old text stays. \\added{This sentence was added later.}\n\n\\todo[inline]{Check this claim again.}",
        "\\newcommand{\\added}[1]{{\\color{blue}#1}}", {},
        {"paragraph": ["Old text stays. \\added{This sentence was added later.}",
                       "\\todo[inline]{Check this claim again.}"]}, id="prose-arguments"),
    pytest.param(
        "\\titlespacing\\section{0pt}{8pt plus 4pt}{5pt}\n\\let\\subparagraph\\relax\n\n\\section{Method}\nText here.",
        "", {}, {"heading": ["Method"]}, id="command-name-arguments"),
    pytest.param(
        "\\noindent\\textbf{Results:} we show things here.\n\n{\\bf Setup.} The setup is simple.", "", {},
        {"paragraph": ["\\textbf{Results:} we show things here.", "{\\bf Setup.} The setup is simple."]},
        id="run-in-labels"),
    pytest.param(
        "\\begin{tabular}{ll}\\toprule Method & Accuracy score \\\\ \\midrule Ours & 1.0\\end{tabular}", "", {},
        {"cell": ["Method", "Accuracy score", "Ours"]}, id="table-cells"),
    pytest.param(  # "\\ [0.5em]" after a row: the spacing is no prose of the next cell
        "\\begin{tabular}{ll}Method & Score \\\\ [0.5em]\n\\hline Ours & fine \\\\\n\\end{tabular}\n\nLine one\\\\[2pt] line two.",
        "", {}, {"cell": ["Method", "Score", "Ours", "fine"], "paragraph": ["Line one\\\\[2pt] line two."]},
        id="row-spacing"),
    pytest.param(  # \verb|\begin{document}| in an included file does not make it a subfile
        "\\input{sec}", "", {"sec.tex": "\\section{Macros}\nUse \\verb|\\documentclass{x}| and \\verb|\\begin{document}|.\n"},
        {"heading": ["Macros"]}, id="verb-begin-document"),
    pytest.param(  # subequations holds equations, it is not one
        "\\begin{subequations}\\begin{itemize}\\item If $x$ holds, then fine.\\end{itemize}\\end{subequations}", "", {},
        {"item": ["If $x$ holds, then fine."]}, id="subequations-container"),
    pytest.param(  # a user macro defined with an argument, used bare before a heading: the heading survives
        "Some text here.\\mynote\n\\section{Hidden heading}\nMore text follows.", "\\newcommand{\\mynote}[1]{}", {},
        {"heading": ["Hidden heading"], "paragraph": ["Some text here.\\mynote", "More text follows."]},
        id="heading-taken-as-argument"),
    pytest.param(  # ICML: the title block is the optional argument of \twocolumn, blank lines included
        "\\twocolumn[\n\\icmltitle{My Title Here}\n\n\\icmlsetsymbol{equal}{*}\n\n]\n\nBody text after.", "", {},
        {"title": ["My Title Here"], "paragraph": ["Body text after."]}, id="icml-twocolumn"),
    pytest.param(  # LNCS/REVTeX: \thanks in the title is a footnote; keywords are prose; \acks (JMLR) too
        "\\maketitle\n\\keywords{Sparse models \\and robust learning \\and heavy tails}\n\n"
        "\\acks{We thank the reviewers for their comments.}",
        "\\title{A Title Here\\thanks{Supported by the science fund.}}", {},
        {"title": ["A Title Here\\thanks{Supported by the science fund.}"], "footnote": ["Supported by the science fund."],
         "paragraph": ["\\keywords{Sparse models \\and robust learning \\and heavy tails}",
                       "We thank the reviewers for their comments."]}, id="thanks-keywords-acks"),
    pytest.param(  # the author block stays (names, places, mail); the \thanks inside it is a footnote
        "\\author{{\\rm Ann Lee} \\thanks{Work done while visiting the lab.}\\\\ Some University\n\\and Bo Kim}\n"
        "\\maketitle\nBody text is here.", "", {},
        {"footnote": ["Work done while visiting the lab."], "paragraph": ["Body text is here."]},
        id="thanks-in-author"),
    pytest.param(  # the same in the preamble (REVTeX, IEEE RAL: \author{...\thanks{...}} before the document)
        "\\maketitle\nBody text is here.", "\\author{Ann Lee\\thanks{Supported by a grant from the fund.}}", {},
        {"footnote": ["Supported by a grant from the fund."], "paragraph": ["Body text is here."]},
        id="thanks-in-preamble-author"),
    pytest.param(  # a size or font declaration written like a command (\bfseries{Approach}): the group is text
        "\\begin{tabular}{ll}\\bfseries{Approach} & \\multirow{2}{*}{\\bfseries{Model Type}} \\\\\\end{tabular}\n\n"
        "\\large{Google Research}", "", {},
        {"cell": ["\\bfseries{Approach}", "\\multirow{2}{*}{\\bfseries{Model Type}}"],
         "paragraph": ["\\large{Google Research}"]}, id="declaration-before-group"),
    pytest.param(  # a forest file tree stays, the descriptions in its nodes are prose
        "\\begin{forest}for tree={folder, grow'=0, inner sep=0pt,}, [\\fname{code}{Library code}\n"
        "  [\\fname{train.py}{Train the model on the data}]\n  [\\fname{data.py}{}]]\n\\end{forest}",
        "\\newcommand{\\fname}[2]{\\texttt{#1} #2}", {},
        {"paragraph": ["Train the model on the data"]}, id="forest-descriptions"),
    pytest.param(  # optidef's problems are display math: nothing in them is prose
        "We solve the problem\n\\begin{mini}[2]{x_{1:N}}{\\sum_{k=1}^{N} \\ell_k(x_k)}{}{}\n"
        "\\addConstraint{g_k(x_k)}{\\leq 0}\\label{opt}\n\\end{mini}\nfor every horizon.", "\\usepackage{optidef}", {},
        {"paragraph": ["We solve the problem\n\\begin{mini}[2]{x_{1:N}}{\\sum_{k=1}^{N} \\ell_k(x_k)}{}{}\n"
                       "\\addConstraint{g_k(x_k)}{\\leq 0}\\label{opt}\n\\end{mini}\nfor every horizon."]},
        id="optidef-problem-is-math"),
    pytest.param(  # AISTATS: \aistatstitle is a title however short; authors and addresses are metadata
        "\\twocolumn[\n\\aistatstitle{Supplementary Materials}\n\\aistatsauthor{ Ann Lee \\And Bo Kim }\n"
        "\\aistatsaddress{ Some University \\And Other Institute } ]\n\nBody text is here.", "", {},
        {"title": ["Supplementary Materials"], "paragraph": ["Body text is here."]}, id="aistats-title-block"),
    pytest.param(  # Nature's template: \end{document} quoted in \verb or verbatim is text, not the end
        "Captions are printed with the \\verb|\\end{document}| command.\n\n"
        "\\begin{verbatim}\n\\end{document}\n\\end{verbatim}\n\nThe rest is still read.", "", {},
        {"paragraph": ["Captions are printed with the \\verb|\\end{document}| command.", "The rest is still read."]},
        id="end-document-quoted"),
    pytest.param(  # IEEEtran Computer Society: the abstract and keywords sit in an argument, notes in the author block
        "\\title{A Demo}\n\\author{Ann~Lee,~\\IEEEmembership{Member,~IEEE}\n\\IEEEcompsocitemizethanks{"
        "\\IEEEcompsocthanksitem A. Lee is with Some University.}}\n\\IEEEtitleabstractindextext{%\n"
        "\\begin{abstract}\nThe abstract goes here.\n\\end{abstract}\n\\begin{IEEEkeywords}\nComputer Society, "
        "journal.\n\\end{IEEEkeywords}}\n\\maketitle\n\\IEEEraisesectionheading{\\section{Introduction}"
        "\\label{sec:introduction}}\nBody text is here.", "", {},
        {"title": ["A Demo"], "abstract": ["The abstract goes here."], "heading": ["Introduction"],
         "footnote": ["\\IEEEcompsocthanksitem A. Lee is with Some University."],
         "paragraph": ["Computer Society, journal.", "Body text is here."]}, id="ieee-compsoc-abstract"),
]


@pytest.mark.parametrize("body, preamble, files, expected", PROSE)
def test_prose_becomes_segments(tmp_path, body, preamble, files, expected):
    by_kind, doc = segments(make_tree(tmp_path, body, preamble, files))
    for kind, sources in expected.items():
        assert by_kind.get(kind, []) == sources, (kind, by_kind)
    assert doc.kept == []


def test_pseudo_code_stays(tmp_path):
    body = ("\\begin{algorithm}\\caption{Greedy}\\begin{algorithmic}\\State set the value \\Comment{a comment here}"
            "\\end{algorithmic}\\end{algorithm}")
    by_kind, _doc = segments(make_tree(tmp_path, body))
    assert not any("State" in s or "set the value" in s for group in by_kind.values() for s in group)


def test_contents_lines_and_etoc_heading_are_prose(tmp_path):
    """``\\addcontentsline``'s title and a heading inside etoc's ``\\etocsettocstyle`` stayed English."""
    body = ("\\appendix\n\\addcontentsline{toc}{section}{Broader impact}\n"
            "\\etocsettocstyle{\\section*{Contents of the Appendix}\\hrule}{}\n\\localtableofcontents\n")
    by_kind, _doc = segments(make_tree(tmp_path, body, "\\usepackage{etoc}"))
    assert by_kind == {"toc": ["Broader impact"], "heading": ["Contents of the Appendix"]}
    assert "Broader impact" not in document_markdown(_doc)  # a line of the contents file, not of the page


def test_require_and_ensure_lines_are_prose(tmp_path):
    """algorithmicx's ``\\Require``/``\\Ensure`` (and algorithmic's ``\\REQUIRE``) take no argument: their
    line is the inputs and outputs in words, as algorithm2e's ``\\KwIn{..}`` (the line stayed English)."""
    body = ("\\begin{algorithmic}[1]\n\\Require training data $D$, learning rate $\\eta$\n"
            "\\Ensure $\\theta$\n\\REQUIRE a trained model \\State run the model once\n"
            "\\State initialise $\\theta$ randomly\n\\end{algorithmic}")
    by_kind, _doc = segments(make_tree(tmp_path, body))
    assert by_kind == {"paragraph": ["training data $D$, learning rate $\\eta$", "a trained model"]}


BAD = [
    pytest.param(  # a macro whose argument never closes swallows nothing but its paragraph
        "\\bad{ unclosed start\n\nFirst paragraph is here.\n\n\\section{Later heading}\nMore text follows here.",
        "\\newcommand{\\bad}[1]{#1}", {}, ["First paragraph is here.", "Later heading", "More text follows here."],
        [1], id="macro-swallows-document"),
    pytest.param(
        "\\foo bar. Then the sentence continues here.\n\n\\section{Next part}", "\\def\\foo#1.{\\textbf{#1}}", {},
        ["Next part"], [], id="def-delimited-parameters"),
    pytest.param(
        "Text before the comment. % a { brace and \\begin{itemize}\n\nNext paragraph here.\n\n\\section{Title here}",
        "", {}, ["Text before the comment.", "Next paragraph here.", "Title here"], [], id="brace-in-comment"),
    pytest.param(
        "\\iffalse\nhidden { text\n\\fi\n\nVisible paragraph here.", "", {}, ["Visible paragraph here."], None,
        id="iffalse-block"),
    pytest.param(
        "\\input sections/intro\n\nAfter the input comes this.", "", {"sections/intro.tex": "Intro text is here."},
        ["Intro text is here.", "After the input comes this."], [], id="input-without-braces"),
    pytest.param(
        "Caf\u00e9 prose is here.", "", {"main.tex": b"\\documentclass{article}\n\\begin{document}\n"
                                                      b"Caf\xe9 prose is here.\n\\end{document}\n"},
        ["Caf\u00e9 prose is here."], [], id="latin-1"),
    pytest.param(
        "\\begin{itemize}\n\\item One item here.\n\nNext paragraph continues.\n\n\\section{Still here}", "", {},
        ["Still here"], [1], id="environment-never-closed"),
    pytest.param(
        "\\begin{lstlisting}\ncode { here\n\\end{lstlisting}\n\nProse after the code.", "", {},
        ["Prose after the code."], [], id="listing-with-brace"),
    pytest.param(
        "\\bi\\item First point here.\\ei\n\nAfter the list comes this.",
        "\\newcommand{\\bi}{\\begin{itemize}}\\newcommand{\\ei}{\\end{itemize}}\n" + "".join(
            f"\\newcommand{{\\m{chr(97 + i // 26)}{chr(97 + i % 26)}}}[2]{{#1#2}}\n" for i in range(480)), {},
        ["First point here.\\ei", "After the list comes this."], [], id="environment-in-definition"),
    pytest.param(
        "See \\href{https://x.org/a%20b}{the page} for details.\n\nNext paragraph here.", "", {},
        ["See \\href{https://x.org/a%20b}{the page} for details.", "Next paragraph here."], [],
        id="percent-in-url"),
]


@pytest.mark.parametrize("body, preamble, files, present, kept_lines", BAD)
def test_bad_input_costs_only_itself(tmp_path, body, preamble, files, present, kept_lines):
    by_kind, doc = segments(make_tree(tmp_path, body, preamble, files))
    sources = [s for group in by_kind.values() for s in group]
    for text in present:
        assert text in sources, (text, sources)
    if kept_lines is not None:
        body_line = 4 + preamble.count("\n")  # the line after \begin{document}
        assert [k.line - body_line + 1 for k in doc.kept] == kept_lines, doc.kept
        assert all(k.file == "main.tex" and k.reason for k in doc.kept)


def test_damage_is_listed_in_the_report(tmp_path):
    root = make_tree(tmp_path, "\\textbf{never closed\n\nGood paragraph here.\n\n\\section{Good heading}")
    report = run(Job(source=root, settings=Settings(engine="pseudo", compile=False), out=tmp_path / "out"))
    assert report["segments"]["total"] >= 2
    assert any("main.tex:4: kept as source" in w and "never closed" in w for w in report["warnings"])
    rows = [json.loads(line) for line in (tmp_path / "out" / "segments.jsonl").read_text().splitlines()]
    assert {r["source"] for r in rows} >= {"Good paragraph here.", "Good heading"}


def test_begin_document_in_an_included_file(tmp_path):
    root = tmp_path / "src"
    (root / "sections").mkdir(parents=True)
    (root / "paper.tex").write_text("\\documentclass{article}\n\\usepackage{amsmath}\n\\input{sections/body}\n",
                                    encoding="utf-8")
    (root / "sections" / "body.tex").write_text(
        "\\begin{document}\n\\section{Overview}\nThe body lives in its own file.\n\\end{document}\n", encoding="utf-8")
    by_kind, doc = segments(root)
    assert doc.main_file == "paper.tex"
    assert by_kind == {"heading": ["Overview"], "paragraph": ["The body lives in its own file."]}


def test_segments_do_not_end_in_the_blank_after_a_macro(tmp_path):
    """pylatexenc counts the blank after ``\\bi`` in the macro; kept in the segment it became a paragraph break."""
    body = "\\textcolor{red}{Some text is here:\n  \\bi\n  \\item An item is here.\n  \\ei}\n\nNext paragraph."
    by_kind, _doc = segments(make_tree(tmp_path, body, "\\newcommand{\\bi}{\\begin{itemize}}"))
    sources = [s for group in by_kind.values() for s in group]
    assert "Some text is here:\n  \\bi" in sources
    assert all(s == s.rstrip() for s in sources), sources


@pytest.mark.parametrize("call", [
    r"\special{pdf:fstream @leak (/tmp/some/secret.txt)}",
    r"\special{pdf:put @catalog << /Leak @leak >>}",
    r"\typeout{Now we are typesetting the main part of this paper}",
    r"\PackageWarning{mine}{This package has been loaded twice in the paper}",
])
def test_instruction_arguments_are_never_prose(tmp_path, call):
    """Arguments of primitives and driver hooks are instructions: a sentence-like look does not make them prose."""
    root = make_tree(tmp_path, f"Some ordinary prose sits here.\n{call}\n")
    _found, doc = segments(root)
    masked = " ".join(seg.masked or "" for seg in doc.segments())  # what an engine is sent
    words = re.findall(r"(?<![\\A-Za-z])[A-Za-z]{4,}", call[call.index("{") + 1:])
    assert "Some ordinary prose" in masked and words
    assert not [w for w in words if w in masked], masked


def test_short_keyword_list_is_prose_and_author_keys_stay(tmp_path):
    """ICML: ``\\icmlkeywords{Machine Learning, ICML}`` is translated; names, keys and mail are not sent."""
    body = ("\\icmlauthor{Ann Lee}{uni}\n\\icmlaffiliation{uni}{Some University}\n"
            "\\icmlcorrespondingauthor{Ann Lee}{ann@uni.edu}\n\\icmlkeywords{Machine Learning, ICML}\n\n"
            "Body text is here.")
    _found, doc = segments(make_tree(tmp_path, body))
    masked = " | ".join(seg.masked or "" for seg in doc.segments())
    assert "Machine Learning" in masked and "Body text is here." in masked
    assert not [w for w in ("Ann", "Lee", "uni", "Some University", "ann@") if w in masked], masked
    kinds = [span.kind for seg in doc.segments() for span in seg.spans]
    assert kinds.count("metadata") == 3, kinds  # kept for a reason the report names


def test_author_block_end_to_end(tmp_path):
    """Through the pipeline: the note in the author block and the keywords come out translated, names stay."""
    body = ("\\author{Ann Lee\\thanks{Work done while visiting the lab.} \\and Bo Kim}\n\\maketitle\n"
            "\\keywords{Machine Learning}\n\nBody text is here.")
    root = make_tree(tmp_path, body)
    run(Job(source=root, settings=Settings(engine="pseudo", compile=False), out=tmp_path / "out"))
    text = (tmp_path / "out" / "source" / "main.tex").read_text(encoding="utf-8")
    assert "\\author{Ann Lee\\thanks{" in text and "\\and Bo Kim}" in text
    assert "Work done while visiting" not in text and "Machine Learning" not in text
    assert "\\keywords{" in text and "Body text is here." not in text


def test_key_value_options_of_an_unknown_macro_are_not_prose(tmp_path):
    """``\\lettrine[nindent=0pt]{T}{his}`` (a package the reader does not know): the options are never sent."""
    root = make_tree(tmp_path, "\\lettrine[nindent=0pt, lines=2]{T}{his} is an example of a dropped capital.\n\n"
                               "A bracket [in plain prose] stays prose.")
    _found, doc = segments(root)
    masked = " | ".join(seg.masked or "" for seg in doc.segments())
    assert "is an example of a dropped capital" in masked and "in plain prose" in masked
    assert "nindent" not in masked and "lines=" not in masked, masked


def test_unknown_macro_around_a_block_is_walked(tmp_path):
    """A macro the reader does not know, wrapped around environments (``\\mybox{\\begin{itemize}...}``): the
    prose inside is translated where it stands, the macro stays."""
    root = make_tree(tmp_path, "\\mybox{\\begin{itemize}\\item First item is here.\\item Second item is here."
                               "\\end{itemize}}\n\n\\otherwrap{%\n\\begin{center}A centred sentence of prose.\\end{center}}")
    by_kind, doc = segments(root)
    assert by_kind.get("item") == ["First item is here.", "Second item is here."], by_kind
    assert by_kind.get("paragraph") == ["A centred sentence of prose."], by_kind
