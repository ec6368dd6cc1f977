"""The coverage audit counts English prose, not what it can name as something else (``audit/tex_nonprose.py``).

Option lists, lengths, colours, the author block, definitions, keys and code
are left out; sentences, theorem titles and the text of ``\\textcolor`` stay counted.
"""

from __future__ import annotations

import json

import pytest
from conftest import CORPUS
from standin import Standin, tools_available

from arxiv_translator.audit.scan import scan_latex
from arxiv_translator.audit.tex_nonprose import blank_arguments, blank_options, key_macros, option_like
from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run
from arxiv_translator.prose import prose_words


@pytest.mark.parametrize("content, braces, options", [
    ("nolistsep, noitemsep, leftmargin=*", False, True),
    ("labelwidth=2em,leftmargin=!", False, True),
    ("nosep", False, True),
    ("htbp!", False, True),
    ("nolistsep,noitemsep,label= {F. },leftmargin=0.3in", False, True),
    ("sec:exp:foo", False, True),
    ("folder, grow'=0, inner sep=0pt,", False, True),
    ("basicstyle=\\ttfamily, keywordstyle=\\bfseries, showstringspaces=false", True, True),
    ("Lower bound", False, False),  # a theorem title
    ("lifting, unary", False, False),  # a theorem title of two words
    ("Informal", False, False),
    ("Proof of Theorem 1", False, False),
    ("nolistsep, noitemsep", True, False),  # a {...} group needs a key=value
    ("some prose words here", True, False),
])
def test_option_like(content, braces, options):
    assert option_like(content, braces) is options


def _words(text: str, keys: dict[str, set[int]] | None = None) -> list[str]:
    return prose_words(blank_options(blank_arguments(text, keys)))


@pytest.mark.parametrize("source, left", [
    ("\\begin{itemize}[nolistsep, noitemsep, leftmargin=*] \\item real words here", ["real", "words", "here"]),
    ("\\titlespacing*{\\section}{0pt}{8pt plus 4pt minus 2pt}{5pt plus 1pt minus 1pt}", []),
    ("\\rowcolors{2}{white}{gray!25} \\cellcolor{white} cell text", ["cell", "text"]),
    ("\\textcolor{red}{this stays counted} and \\color{blue}", ["this", "stays", "counted", "and"]),
    ("\\icmlauthor{Hao Wu}{neu} \\icmlaffiliation{neu}{Northeastern University, USA}", []),
    ("\\author{Niels Bantilan\\\\ \\affaddr{Arena}\\thanks{Work done while visiting the lab}}",
     ["Work", "done", "while", "visiting", "the", "lab"]),
    ("\\email{someone@example.org} \\affiliation{\\institution{Some University}\\city{New York}}", []),
    ("see \\Secref{sec:exp:sym_teacher} and \\figurename", ["see", "and"]),
    ("see \\figureref{fig:image,fig:teximage} or \\tableref{tab:a, tab:b}", ["see"]),
    ("\\typeout{If you have trouble with the next line} \\PackageWarning{mine}{Loaded twice} shown", ["shown"]),
    ("\\lstdefinestyle{cstyle}{basicstyle=\\small, language={C}, breaklines=false}", []),
    ("\\counterwithin{theorem}{section} \\theoremstyle{plain}", []),
    ("\\def\\Secref#1{Section~\\ref{#1}} prose", ["prose"]),
    ("we call \\mintinline[breaklines]{python}{train(model, data)} and \\inputminted{python}{code.py}",
     ["call", "and"]),
    ("the \\gls{cnn}, \\glspl{latent} and \\acrlong{rnn} stay", ["the", "and", "stay"]),
    ("\\addcontentsline{toc}{section}{Broader impact}", ["Broader", "impact"]),
    ("\\begin{definition}[lifting, unary] body text", ["lifting", "unary", "body", "text"]),
    ("\\texttt{torch.gather} gathers values", ["gathers", "values"]),
])
def test_not_prose_is_blanked_and_prose_stays(tmp_path, source, left):
    blanked = blank_options(blank_arguments(source))
    assert len(blanked) == len(source) and blanked.count("\n") == source.count("\n")
    document = f"\\documentclass{{article}}\n\\begin{{document}}\n{source}\n\\end{{document}}\n"
    (tmp_path / "main.tex").write_text(document, encoding="utf-8")
    assert prose_words(" ".join(p.text for p in scan_latex(tmp_path, "src", "main.tex"))) == left


def test_the_papers_own_key_and_code_macros(tmp_path):
    (tmp_path / "defs.tex").write_text("\\newcommand{\\secc}[1]{Section \\ref{sec:#1}}\n"
                                       "\\newcommand{\\Code}[1]{\\lstinline[style=inline]@#1@}\n"
                                       "\\def\\twofig#1#2{figures \\ref{#1} and \\ref{#2}}\n"
                                       "\\newcommand{\\fname}[2]{\\texttt{#1} \\quad #2}\n"
                                       "\\newcommand{\\emphx}[1]{\\emph{#1}}\n", encoding="utf-8")
    keys = key_macros(tmp_path)
    assert keys == {"secc": {1}, "Code": {1}, "twofig": {1, 2}, "fname": {1}}
    assert _words("as \\secc{model} shows, \\Code{mmap} maps, \\fname{train}{Train the model}", keys) == [
        "shows", "maps", "Train", "the", "model"]



def test_a_style_files_definition_adds_to_the_known_arguments(tmp_path):
    """icml2020.sty's \\def\\icmlauthor#1#2{..} uses only #2 as a key: the author names in #1 stay not prose."""
    (tmp_path / "icml.sty").write_text("\\def\\icmlauthor#1#2{#1\\textsuperscript{\\ref{#2}}}\n", encoding="utf-8")
    keys = key_macros(tmp_path)
    assert keys == {"icmlauthor": {2}}
    assert _words("\\icmlauthor{Hao Wu}{neu} and more words", keys) == ["and", "more", "words"]

CLUSTER = CORPUS / "latex" / "cluster-noise-alt2016"


def test_corpus_enumitem_options_are_not_prose():
    if not CLUSTER.is_dir():
        pytest.skip("the corpus is not beside the checkout")
    words = [w for p in scan_latex(CLUSTER, "src", "clusteringNoise.tex") for w in p.text.split()]
    assert words and not {"nolistsep", "noitemsep", "leftmargin=*]"} & {w.strip("[],") for w in words}


@pytest.mark.slow
def test_corpus_audit_after_the_standin(tmp_path, monkeypatch):
    """cluster-noise-alt2016 through the stand-in: the audit finds nothing left (it reported 0.59 % of options)."""
    if not tools_available() or not CLUSTER.is_dir():
        pytest.skip("../shared/tools or the corpus is not beside the checkout")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with Standin(FAKE_SLOPPY="0.3") as llm:
        settings = Settings(engine="openai", base_url=llm.base_url, model="standin", compile=False)
        report = run(Job(source=CLUSTER, settings=settings, out=tmp_path / "out"))
    section = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["audit"]
    assert section == report["audit"] and section["source_words"] > 3000
    assert section["ok"] and section["share"] < 0.002, section["outputs"][0]["largest"]
