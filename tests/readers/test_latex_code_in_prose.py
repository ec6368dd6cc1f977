"""Inline TikZ pictures, package set-up and the options of unknown macros in the body are code, never prose.

``\\tikz[baseline]{\\draw (0,0) -- (1,0) node[right] {label};}`` is a drawing: before, pylatexenc gave
``\\tikz`` no arguments, so ``baseline``, ``node[right]`` and the rest were read as text and sent to the
model, whose answer broke the build (the compile repair then put the whole paragraph back in English).
``\\usetikzlibrary{calc, decorations, patterns}`` read as a three-word sentence the same way, and the
options of a macro the reader has no spec for (``\\todo[inline]{..}``, ``\\fancyhead[L]{..}``) were words of
the sentence: ``\\todo[인라인]`` stops the build.
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

PICTURES = [
    r"\tikz[baseline]{\draw[->] (0,0) -- (1,0) node[right] {some label text};}",
    r"\tikz \draw[fill=red] (0,0) circle (2pt);",
    r"\tikz[baseline=-0.5ex] \node[draw, circle] {new state label};",
    r"\tikz{\fill[blue] (0,0) rectangle (1ex,1ex);}",
]
SETUP = [
    r"\usetikzlibrary{calc, decorations, patterns}",
    r"\usepgfplotslibrary{groupplots, fillbetween, statistics}",
    r"\tcbuselibrary{skins, breakable, theorems}",
    r"\pgfkeys{/my family/.cd, color of the line/.initial=red}",
    r"\sisetup{round mode = places, round precision = two digits}",
]


def _tree(tmp_path: Path, body: str) -> Path:
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.tex").write_text(
        "\\documentclass{article}\n\\usepackage{tikz}\n\\usepackage{siunitx}\n\\usepackage{tcolorbox}\n"
        "\\usepackage{pgfplots}\n\\usepackage{todonotes}\n\\usepackage{fancyhdr}\n\\usepackage{mdframed}\n"
        "\\begin{document}\n" + body + "\n\\end{document}\n", encoding="utf-8")
    return root


def _masked(root: Path) -> list[str]:
    doc = LatexReader().read(root)
    mask_document(doc)
    return [seg.masked or "" for seg in doc.segments()]


@pytest.mark.parametrize("code", PICTURES + SETUP)
def test_code_in_a_sentence_is_one_placeholder(tmp_path, code):
    masked = _masked(_tree(tmp_path, f"We place the first marker {code} and then explain the rest of the method."))
    assert masked == ["We place the first marker <x1/> and then explain the rest of the method."], masked


@pytest.mark.parametrize("options", ["[inline]", "[L]", "[inline, noline]", "[color=green!40]"])
def test_options_of_an_unknown_macro_stay_with_it(tmp_path, options):
    masked = _masked(_tree(tmp_path, f"We train it \\todo{options}{{Fix this paragraph later please}} and report."))
    assert masked == ["We train it <g1>Fix this paragraph later please</g1> and report."], masked


@pytest.mark.parametrize("opening", ["\\begin{mdframed}[backgroundcolor=gray!10, linewidth=1pt]",
                                     "\\begin{notebox}[innertopmargin=4pt, inner]", "\\begin{mdframed}[nobreak]"])
def test_options_of_an_environment_it_has_no_spec_for_stay_out_of_the_body(tmp_path, opening):
    name = opening[7:opening.index("}")]
    body = f"{opening}\nA framed remark about the method and its limits.\n\\end{{{name}}}"
    masked = _masked(_tree(tmp_path, "\\newenvironment{notebox}[1][]{}{}\n" + body))
    assert masked == ["A framed remark about the method and its limits."], masked


def test_a_title_opening_an_environment_it_has_no_spec_for_is_a_heading(tmp_path):
    body = ("\\newenvironment{sproof}[1][Proof sketch]{\\noindent\\textit{#1}}{}\n"
            "\\begin{sproof}[Proof sketch (for the complete proof see the appendix).]\n"
            "The bound follows from the lemma.\n\\end{sproof}")
    doc = LatexReader().read(_tree(tmp_path, body))
    mask_document(doc)
    assert [(s.kind, s.masked) for s in doc.segments()] == [
        ("heading", "Proof sketch (for the complete proof see the appendix)."),
        ("theorem", "The bound follows from the lemma.")]


def test_a_stacked_cell_is_translated_with_its_options(tmp_path):
    masked = _masked(_tree(tmp_path, "\\begin{tabular}{l}\\shortstack[l]{\\textbf{Existing} \\\\ "
                                     "\\textbf{mapping}} \\\\\n\\end{tabular}"))
    assert masked == ["<g1>Existing</g1>", "<g1>mapping</g1>"], masked  # the cell's lines, each with its bold


def test_a_path_without_its_semicolon_costs_only_the_options(tmp_path):
    masked = _masked(_tree(tmp_path, "A marker \\tikz[baseline] and the sentence goes on without a path.\n\n"
                                     "Next paragraph with more words."))
    assert masked[0].endswith("and the sentence goes on without a path."), masked
    assert "baseline" not in masked[0]
    assert masked[1] == "Next paragraph with more words."


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="needs XeLaTeX")
def test_the_korean_pdf_builds_with_every_sentence_translated(tmp_path):
    body = "\n\n".join(f"Paragraph {i} shows a marker {code} inside its running text." for i, code in
                       enumerate(PICTURES + SETUP[:2] + [r"\todo[inline]{a note for the authors}"]))
    body += "\n\n\\begin{mdframed}[backgroundcolor=gray!10]\nA framed remark about the method.\n\\end{mdframed}"
    out = tmp_path / "out"
    report = run(Job(source=_tree(tmp_path, body), settings=Settings(engine="pseudo"), out=out))
    assert report["compile"]["ok"] and report["compile"].get("reverted") in ([], None, 0), report["compile"]
    rows = [json.loads(line) for line in (out / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 8 and all(r["status"] == "translated" for r in rows), rows
    written = (out / "source" / "main.tex").read_text(encoding="utf-8")
    assert all(code in written for code in PICTURES + SETUP[:2])
    assert (out / "paper.ko.pdf").stat().st_size > 1000


def test_acm_concepts_xml_is_no_prose(tmp_path):
    """acmart's CCSXML block is a comment for TeX; its XML was translated and shown in the Korean Markdown."""
    body = ("\\begin{CCSXML}\n<ccs2012>\n <concept>\n  <concept_id>10010520.10010553</concept_id>\n"
            "  <concept_desc>Computer systems organization~Embedded systems</concept_desc>\n </concept>\n"
            "</ccs2012>\n\\end{CCSXML}\n\\ccsdesc[500]{Computer systems organization~Embedded systems}\n\n"
            "The paper starts here with a sentence.")
    masked = _masked(_tree(tmp_path, body))
    assert masked == ["<g1>Computer systems organization<x2/>Embedded systems</g1>",
                      "The paper starts here with a sentence."], masked
