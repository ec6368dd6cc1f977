"""Short prose arguments of macros the reader has no table entry for (``readers/latex_prose_args.py``).

Each row is a small tree built here from a family seen in publishers' templates
(AASTeX, ACM, AIAA/nomencl, asmeconf) or in the corpus (``\\circlegend`` in
meta-ot).  What is prose becomes (part of) a segment; what is a key, a colour,
an option, a file, a font or a template name never reaches the translator.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.latex import LatexReader


def make_tree(tmp_path: Path, body: str, preamble: str = "") -> Path:
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.tex").write_text("\\documentclass{article}\n" + preamble + "\n\\begin{document}\n" + body
                                   + "\n\\end{document}\n", encoding="utf-8")
    return root


def masked_texts(root: Path) -> str:
    """Everything the translator is shown, one segment a line."""
    doc = LatexReader().read(root)
    mask_document(doc)
    return "\n".join(seg.masked or "" for seg in doc.segments())


CIRCLEGEND = (r"\newcommand{\circlegend}[2]{\begin{tikzpicture}\node[circle,fill={#1},draw=black] (b) [] {};"
              r"\node[right=0mm of b] {#2};\end{tikzpicture}}")

SENT = [  # (body, preamble, words the translator must be shown)
    pytest.param(r"\begin{deluxetable}{lcc}\tablecaption{Observation log}\tablehead{\colhead{Common} & "
                 r"\colhead{Right Ascension} & \nocolhead{Name}}\startdata a & b & c\enddata"
                 r"\tablecomments{Values are rough.}\end{deluxetable}", "",
                 ["Observation log", "Common", "Right Ascension", "Name", "Values are rough."], id="aastex-colhead"),
    pytest.param("\\begin{CCSXML}\n<ccs2012></ccs2012>\n\\end{CCSXML}\n"
                 "\\ccsdesc[300]{Computer systems organization~Robotics}\n\\ccsdesc{Networks~Network reliability}",
                 "", ["Computer systems organization", "Robotics", "Network reliability"], id="acm-ccsdesc"),
    pytest.param("\\nomenclature{$J$}{Jacobian Matrix}%\n\\nomenclature[g$\\Delta$]{$\\Delta x$}{Displacement}%\n"
                 "\\nomenclature{$F$}{Force, N}", "", ["Jacobian Matrix", "Displacement", "Force, N"],
                 id="nomencl"),
    pytest.param("\\begin{nomenclature}\n\\EntryHeading{Greek letters}\n"
                 "\\entry{$\\alpha$}{Thermal diffusivity [m$^2$ s$^{-1}$]}\n\\entry{Pr}{Prandtl number, $\\nu/\\alpha$}\n"
                 "\\end{nomenclature}", "", ["Greek letters", "Thermal diffusivity", "Prandtl number"],
                 id="asmeconf-nomenclature"),
    pytest.param(r"Legend: \circlegend{{green!20}}{Dual potentials} \hspace{2mm} \circlegend{{red!20}}{Couplings}",
                 CIRCLEGEND, ["Dual potentials"], id="own-macro-sets-text"),
    pytest.param(r"See \note{check this again} here.", r"\newcommand{\note}[1]{\textbf{#1}}", ["check this again"],
                 id="own-one-argument-macro-sets-text"),
    pytest.param(r"\maketitle\titlerunning{Sparse Models} \shorttitle{Sample article}", "",
                 ["Sparse Models", "Sample article"], id="running-heads"),
    pytest.param(r"\begin{axiom}[A Sample Axiom] This is an axiom.\end{axiom}", "", ["A Sample Axiom"],
                 id="theorem-title-of-class-environment"),
]


@pytest.mark.parametrize(("body", "preamble", "words"), SENT)
def test_short_prose_arguments_are_sent(tmp_path, body, preamble, words):
    shown = masked_texts(make_tree(tmp_path, body, preamble))
    for text in words:
        assert text in shown, (text, shown)


KEPT = [  # (body, preamble, text the translator must never be shown)
    pytest.param(CIRCLEGEND.replace("circlegend", "dummy") + r"Legend here \circlegend{{green!20}}{Dual potentials}.",
                 CIRCLEGEND, "green", id="colour-argument"),
    pytest.param(r"See \secc{vqgan base model} here.", r"\newcommand{\secc}[1]{Section~\ref{sec:#1}}", "vqgan",
                 id="own-key-macro-even-with-words"),
    pytest.param(r"Use \fig{my plot file name} here.", r"\newcommand{\fig}[1]{\includegraphics{#1}}", "plot file",
                 id="own-file-macro"),
    pytest.param(r"\usebeamertemplate{frame title} and text here.", "", "frame title", id="one-argument-name"),
    pytest.param(r"In the \pkg{amsmath} package \cn{boldsymbol} is here.",
                 "\\newcommand{\\cn}[1]{{\\protect\\ntt\\bslash#1}}\n\\newcommand{\\pkg}[1]{\\textsf{#1}}",
                 "bold", id="package-and-command-names"),
    pytest.param(r"Use \cs{end document} here.", r"\newcommand{\cs}[1]{{\ttfamily\string\#1}}", "document",
                 id="typewriter-argument"),
    pytest.param(r"\setbeamertemplate{navigation symbols}{footline text} rest here.", "", "navigation symbols",
                 id="beamer-family"),
    pytest.param(r"\setmainfont{Times New Roman} Some text here.", "", "Roman", id="font-name"),
    pytest.param(r"\SetKwIF{If}{ElseIf}{Else}{if}{then}{else if}{else}{end if} Some text here.", "", "end if",
                 id="algorithm2e-keywords"),
    pytest.param(r"\mymacro{alpha}{dark-blue} Some text here.", "", "dark-blue", id="one-word-unknown"),
    pytest.param(r"\entry{smith2020}{article} Some text here.", "", "article", id="generic-entry-one-word"),
    pytest.param(r"\mymacro{alpha}{line width=2pt} Some text here.", "", "width", id="setting"),
    pytest.param(r"\mymacro{alpha}{figs/plot.pdf} Some text here.", "", "plot", id="file-name"),
    pytest.param(r"\mymacro{alpha}{positioning, calc} Some text here.", "", "positioning", id="comma-list"),
]


@pytest.mark.parametrize(("body", "preamble", "hidden"), KEPT)
def test_names_keys_and_code_are_never_sent(tmp_path, body, preamble, hidden):
    shown = masked_texts(make_tree(tmp_path, body, preamble))
    assert hidden not in shown, shown
    assert "here" in shown, shown  # the sentence around it still is


def test_template_macros_end_to_end(tmp_path, monkeypatch):
    """Through the pipeline with the pseudo engine: the short arguments are translated in place, every
    other byte of the call (symbol, sort key, colour, weight, ``~`` separator) is kept."""
    body = ("\\nomenclature[g$\\Delta$]{$\\Delta x$}{Jacobian Matrix}\n"
            "\\ccsdesc[300]{Computer systems organization~Robotics}\n\n"
            "Legend: \\circlegend{{green!20}}{Dual potentials} for the plot.")
    root = make_tree(tmp_path, body, CIRCLEGEND)
    out = tmp_path / "out"
    report = run(Job(source=root, settings=Settings(engine="pseudo", compile=False), out=out))
    text = (out / "source" / "main.tex").read_text(encoding="utf-8")
    for kept in ("\\nomenclature[g$\\Delta$]{$\\Delta x$}{", "\\ccsdesc[300]{", "~", "\\circlegend{{green!20}}{"):
        assert kept in text
    for english in ("Jacobian Matrix", "systems organization", "Dual potentials"):
        assert english not in text, text
    assert report["segments"]["failed"] == 0
    rows = [json.loads(line) for line in (out / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any("Jacobian" in row["source"] for row in rows)


def test_the_papers_own_verbatim_environments_and_short_verbs(tmp_path):
    """``\\lstnewenvironment{code}`` and ``\\DefineShortVerb{\\|}`` (fancyvrb): what is quoted in them is code,
    even ``\\end{document}`` or an unbalanced brace; the prose after them is still read."""
    preamble = "\\usepackage{listings,fancyvrb}\n\\lstnewenvironment{code}{}{}\n\\DefineShortVerb{\\|}"
    body = ("The class is loaded like this:\n\\begin{code}\n\\documentclass{scrreprt}\n\\begin{document} { \n"
            "\\end{document}\n\\end{code}\n\nWrite |\\end{document}| and |{| at the end of the file.\n\n"
            "\\section{Later section}\nThis paragraph is still translated.")
    root = make_tree(tmp_path, body, preamble)
    doc = LatexReader().read(root)
    mask_document(doc)
    sources = [seg.source for seg in doc.segments()]
    assert "Later section" in sources and "This paragraph is still translated." in sources, sources
    assert not any("documentclass" in s or "scrreprt" in s for s in sources), sources
    line = next(seg for seg in doc.segments() if seg.source.startswith("Write"))
    assert "\\end{document}" not in line.masked and "at the end of the file." in line.masked, line.masked
    assert not doc.kept, doc.kept


def test_inline_code_with_any_delimiter_is_code(tmp_path):
    """``\\lstinline|..|``, ``\\lstinline[..]!..!``, ``\\mintinline{lang}|..|``, ``\\Verb|..|``: the code (even an
    unbalanced brace or ``\\end{document}``) is protected whole, the sentence around it is prose."""
    body = ("Headings from level \\lstinline|chapter{| until \\lstinline[language=C]!x}! are set, "
            "as \\mintinline{python}|f(x)| and \\Verb|\\end{document}| show here.\n\nThe next paragraph.\n\n"
            "A brace in code \\lstinline[language=C]!if (x) {! costs nothing.\n\nThe last paragraph.")
    shown = masked_texts(make_tree(tmp_path, body))
    assert "chapter" not in shown and "x}" not in shown and "f(x)" not in shown, shown
    assert "Headings from level" in shown and "show here." in shown and "The next paragraph." in shown, shown
    assert "costs nothing." in shown and "The last paragraph." in shown, shown
