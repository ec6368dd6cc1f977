"""Pathological inputs of ~100 KB: every reader and renderer finishes in a bounded time.

Each case repeats a unit that once made a regex or a scanner backtrack or rescan (``[a](`` x 25,000
was cubic in the Markdown renderer; ``**a``, unclosed ``\\(``, ``<!--``, ``[^a``, ``<https://a``,
unclosed ``<span>`` were quadratic or recursed without bound).  A case may end in a one-line
:class:`~arxiv_translator.errors.InputError` (unbalanced math, nesting too deep), never in a hang
or another exception.  The bound is generous (shared CI machines); the fixed code takes well under
a second per case, the old code minutes.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from arxiv_translator.errors import InputError
from arxiv_translator.protect import mask_document
from arxiv_translator.readers import reader_for
from arxiv_translator.writers.bilingual.segment_html import segment_html
from arxiv_translator.writers.html.safety import sanitise_page
from arxiv_translator.writers.markdown.safety import safe_markdown

SIZE = 100_000
BOUND = 30.0  # seconds per case (pylatexenc alone takes ~7 s for 25,000 formulas on a busy CI core)

MARKDOWN = ["[a](", "![a](", "[", "![", "[^a", "**a", "__a", "*a", "_a", "`a", "$a", "$$a", "\\(a", "\\[a",
            "<https://a", "<!--", "<a ", "<sup>", "\\footnote{", "\\section{", "\\textbf{", "a\n", "# a\n",
            "| a | b |\n", "\\begin{tabular}{", "&#", "a  ", "[a](b ", "```\n"]
HTML = ['<table class="ltx_equation">', '<math alttext="a">', "<!--", "<", '<a href="', "&#", "</span>",
        '<span class="ltx_text">a', '<p a="', "<td>a", "<script>", "<math>a</math>", "word "]
LATEX = ["\\begin{equation}", "$a", "$$", "{", "}", "\\\\", "~", "&", "%a\n", "\\section{a}", "a\n\n", "\\cite{",
         "\\footnote{a ", "\\vskip 1pt plus "]
RENDER = ["[a](", "**a", "\\(a", "$$a", "<https://a", "[^a", "![a](x ", "{", "\\textbf{", "\\cite{", "<", "&#",
          "\\begin{equation}", "$a"]


def repeat(unit: str) -> str:
    return unit * (SIZE // len(unit) + 1)


def markdown_file(tmp_path: Path, unit: str) -> Path:
    path = tmp_path / "paper.mmd"
    path.write_text("# Title of the paper\n\nSome words of a paragraph here. " + repeat(unit) + "\n", encoding="utf-8")
    return path


def html_file(tmp_path: Path, unit: str) -> Path:
    path = tmp_path / "paper.html"
    path.write_text('<html><head><title>T</title></head><body><article class="ltx_document">'
                    '<h1 class="ltx_title ltx_title_document">The title of this paper</h1><div class="ltx_para">'
                    '<p class="ltx_p">Some words of the first paragraph are here. ' + repeat(unit) +
                    "</p></div></article></body></html>", encoding="utf-8")
    return path


def latex_tree(tmp_path: Path, unit: str) -> Path:
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.tex").write_text("\\documentclass{article}\n\\title{The title of the paper}\n\\begin{document}\n"
                                   "\\maketitle\nSome words of the first paragraph are here. " + repeat(unit) +
                                   "\n\\end{document}\n", encoding="utf-8")
    return root


MAKERS = {"markdown": markdown_file, "html": html_file, "latex": latex_tree}
CASES = [("markdown", u) for u in MARKDOWN] + [("html", u) for u in HTML] + [("latex", u) for u in LATEX]


@pytest.mark.parametrize("kind, unit", CASES, ids=[f"{k}:{u!r}" for k, u in CASES])
def test_reader_is_bounded(tmp_path, kind, unit):
    source = MAKERS[kind](tmp_path, unit)
    reader = reader_for(kind)
    started = time.monotonic()
    try:
        doc = reader.read(source, None) if source.is_dir() else reader.read(source.parent, source.name)
        mask_document(doc, reader.collapse_space)
    except InputError as exc:
        assert "\n" not in str(exc) and str(source.name) in str(exc)
    assert time.monotonic() - started < BOUND


@pytest.mark.parametrize("fmt", ["markdown", "latex", "html"])
@pytest.mark.parametrize("unit", RENDER)
def test_renderer_is_bounded(fmt, unit):
    started = time.monotonic()
    segment_html(repeat(unit), fmt)
    assert time.monotonic() - started < BOUND


@pytest.mark.parametrize("unit", RENDER + ["<a b=\"", "```", "`", "](", "<svg>"])
def test_output_sanitisers_are_bounded(unit):
    started = time.monotonic()
    safe_markdown(repeat(unit))
    sanitise_page(repeat(unit))
    assert time.monotonic() - started < BOUND


@pytest.mark.parametrize("kind, unit", [("markdown", "[a]("), ("markdown", "**a"), ("markdown", "a\n"),
                                        ("markdown", "\\footnote{"), ("html", '<table class="ltx_equation">'),
                                        ("html", '<span class="ltx_text">a'), ("latex", "\\begin{equation}"),
                                        ("latex", "$a")])
def test_whole_cli_is_bounded_and_fails_in_one_line(tmp_path, kind, unit):
    """The whole job (read, pseudo-translate, every writer) on a pathological file: done or one-line error."""
    source = MAKERS[kind](tmp_path, unit)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "arxiv_translator.cli", "translate", str(source), "--engine", "pseudo",
                           "--no-compile", "--quiet", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600, cwd=Path(__file__).resolve().parents[2])
    assert time.monotonic() - started < 4 * BOUND
    assert "Traceback" not in proc.stderr
    if proc.returncode != 0:
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr[-500:]
    else:
        assert (tmp_path / "out" / "report.json").is_file()
