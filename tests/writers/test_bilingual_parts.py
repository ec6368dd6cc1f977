"""The bilingual reader's parts: table grids, label numbers, citations, figures (no browser)."""

from __future__ import annotations

import shutil

import pymupdf
import pytest
from conftest import CORPUS
from test_bilingual_corpus import latex_cells

from arxiv_translator.document import Block, Document, Segment, SourceFile
from arxiv_translator.readers.html_page import parse_page
from arxiv_translator.readers.latex import LatexReader
from arxiv_translator.readers.latex_graphics import _loop_specs, width_fraction
from arxiv_translator.readers.latex_labels import label_numbers, latex_info
from arxiv_translator.readers.tables import html_tables, latex_table, pipe_table
from arxiv_translator.writers.bilingual.figure_rows import figure_inliner
from arxiv_translator.writers.latex_cites import bibliography, parse_bib
from arxiv_translator.writers.bilingual.latex_refs import LatexRefs
from arxiv_translator.writers.latex_xref import LatexXref
from arxiv_translator.writers.tables import rectangular

TABLES = [
    # (tabular, rows as (text, colspan, rowspan))
    ("\\begin{tabular}{lcc}\\toprule A & B & C \\\\ \\midrule 1 & 2 & 3 \\\\ \\bottomrule\\end{tabular}",
     [[("A", 1, 1), ("B", 1, 1), ("C", 1, 1)], [("1", 1, 1), ("2", 1, 1), ("3", 1, 1)]]),
    ("\\begin{tabular}{lcc} & \\multicolumn{2}{c}{Acc} \\\\ \\cmidrule(lr){2-3} x & 1 & 2\\\\[2mm] \\end{tabular}",
     [[("", 1, 1), ("Acc", 2, 1)], [("x", 1, 1), ("1", 1, 1), ("2", 1, 1)]]),
    ("\\begin{tabular}{ll}\\multirow{2}{*}{M} & a \\\\ & b \\\\ \\hline N & c \\end{tabular}",
     [[("M", 1, 2), ("a", 1, 1)], [("b", 1, 1)], [("N", 1, 1), ("c", 1, 1)]]),
    ("\\begin{tabular}{ll}\\cellcolor{white} & a \\\\ \\multirow{-2}{*}{M} & b \\\\ % x & y \\\\\n N & c \\end{tabular}",
     [[("M", 1, 2), ("a", 1, 1)], [("b", 1, 1)], [("N", 1, 1), ("c", 1, 1)]]),
    ("\\begin{tabular*}{\\linewidth}{@{}ll@{}} {a & b} & \\begin{tabular}{c} x \\\\ y \\end{tabular} \\\\ 50\\% & $a\\&b$"
     " \\end{tabular*}", [[("{a & b}", 1, 1), ("\\begin{tabular}{c} x \\\\ y \\end{tabular}", 1, 1)],
                          [("50\\%", 1, 1), ("$a\\&b$", 1, 1)]]),
]


@pytest.mark.parametrize("source, rows", TABLES)
def test_latex_table_grid(source, rows):
    table = latex_table("t", "f", source, 0, len(source))
    assert table is not None
    assert [[(c.text, c.colspan, c.rowspan) for c in row] for row in table.rows] == rows


def test_cells_link_to_their_segments_and_other_grids():
    text = "| Model | Acc |\n|---|:-:|\n| **Ours** | 9 \\| 1 |\n| $a|b$ | 2 |"
    seg = Segment(id="c1", kind="cell", source="**Ours**", locator={"file": "f", "start": text.index("**Ours"),
                                                                    "end": text.index("**Ours") + 8})
    table = pipe_table("t", "f", text, 0, len(text), [seg])
    assert [[c.text for c in row] for row in table.rows] == [["Model", "Acc"], ["**Ours**", "9 \\| 1"],
                                                             ["$a|b$", "2"]]
    assert table.rows[1][0].segments == ["c1"] and table.rows[0][0].header and table.cell_count() == 6
    page = ('<article><table class="ltx_tabular"><thead><tr><th class="ltx_td">A</th><th colspan="2">B</th></tr>'
            '</thead><tbody><tr><td rowspan="2">1</td><td>2</td><td>3</td></tr><tr><td>4</td><td>5</td></tr>'
            '</tbody></table></article>')
    tables = html_tables("p.html", page, parse_page(page), [])
    assert [[(c.text, c.colspan, c.rowspan, c.header) for c in r] for r in tables[0].rows] == [
        [("A", 1, 1, True), ("B", 2, 1, True)], [("1", 1, 2, False), ("2", 1, 1, False), ("3", 1, 1, False)],
        [("4", 1, 1, False), ("5", 1, 1, False)]]


MAIN = r"""\documentclass{article}
\usepackage[round]{natbib}
\newtheorem{theorem}{Theorem}[section]
\newtheorem{lemma}[theorem]{Lemma}
\begin{document}
\section{Intro}\label{sec:intro}
As \citet{b} and \citep[see][p.~2]{a,b} show.
\begin{align} x &= 1 \label{eq:one}\\ y &= 2 \nonumber \\ z &= 3 \label{eq:three} \end{align}
\begin{figure}\caption{F}\label{fig:f}\end{figure}
\subsection{More}\label{sec:more}
\begin{lemma}\label{lem:l}L\end{lemma}
\input{app}
\end{document}
"""
APP = r"""\appendix
\section{Extra}\label{app:extra}
\begin{equation}e\label{eq:app}\end{equation}
\begin{table}\caption{T}\label{tab:t}\end{table}
"""
BIB = """@article{a, author = {Zed, Ann and Young, Bob and Xu, Cy}, title = {Alpha}, year = 2019}
@inproceedings{b, author = "Bea Able", title = {{Beta}}, year = {2020}}
@misc{c, author = {Never Cited}, year = {2001}}
"""


def _latex_doc(tmp_path, bib: str = BIB) -> Document:
    (tmp_path / "refs.bib").write_text(bib)
    paras = [Segment(id="main.tex/p1", kind="paragraph", source="As \\citet{b} and \\citep[see][p.~2]{a,b} show.",
                     locator={"file": "main.tex", "start": MAIN.index("As "), "end": MAIN.index("As ") + 30})]
    doc = Document(source_kind="latex", source_path=str(tmp_path), main_file="main.tex",
                   files={"main.tex": SourceFile(path="main.tex", encoding="utf-8", text=MAIN + "\\bibliography{refs}"),
                          "app.tex": SourceFile(path="app.tex", encoding="utf-8", text=APP)},
                   blocks=[Block(id="main.tex", kind="file", segments=paras)])
    doc.latex = latex_info(doc)  # as the LaTeX reader records it
    return doc


def test_label_numbers_follow_latex_counters(tmp_path):
    numbers = {k: (v.kind, v.number) for k, v in label_numbers(_latex_doc(tmp_path)).items()}
    assert numbers == {"sec:intro": ("section", "1"), "eq:one": ("equation", "1"), "eq:three": ("equation", "2"),
                       "fig:f": ("figure", "1"), "sec:more": ("section", "1.1"), "lem:l": ("theorem", "1.1"),
                       "app:extra": ("section", "A"), "eq:app": ("equation", "3"), "tab:t": ("table", "1")}


def test_citations_and_references_as_the_paper_prints_them(tmp_path):
    doc = _latex_doc(tmp_path)
    bib = bibliography(doc, tmp_path)
    assert bib.author_year and set(bib.entries) == {"a", "b"}  # only cited works
    assert bib.cite("citet", ["b"]) == "Able (2020)"
    assert bib.cite("citep", ["a", "b"], "see", "p. 2") == "(see Zed et al., 2019; Able, 2020)"[:-1] + ", p. 2)"
    refs = LatexRefs(doc, list(doc.segments()), LatexXref(doc, tmp_path))
    assert ">Eq. (2)</a>" in refs.ref_html("cref", ["eq:three"], "en")
    assert ">식 (2)</a>" in refs.ref_html("cref", ["eq:three"], "ko")
    assert ">1.1절</a>" in refs.ref_html("cref", ["sec:more"], "ko") and ">A<" in refs.ref_html(
        "ref", ["app:extra"], "en")
    assert ">보조정리 1.1</a>" in refs.ref_html("cref", ["lem:l"], "ko")
    assert "??" in refs.ref_html("ref", ["nope"], "en")
    assert 'href="#eq-eq-three"' in refs.ref_html("eqref", ["eq:three"], "en")
    numeric = bibliography(_latex_doc(tmp_path).model_copy(update={"files": {
        "main.tex": SourceFile(path="main.tex", encoding="utf-8",
                               text=MAIN.replace("[round]{natbib}", "[numbers]{natbib}") + "\\bibliographystyle{plain}")
    }}), tmp_path)
    assert not numeric.author_year and numeric.cite("citep", ["a", "b"]) == "[2, 1]"  # plain: sorted by author


def test_bib_parser_and_widths():
    entries = {e.key: e for e in parse_bib(BIB + "@string{x = {y}}\n@book{d, editor={Q, R}, year={1999}}")}
    assert (entries["a"].author, entries["a"].year, entries["b"].author, entries["d"].author) == (
        "Zed et al.", "2019", "Able", "Q")
    assert width_fraction("0.5\\linewidth") == 0.5 and width_fraction("\\textwidth") == 1.0
    assert width_fraction("200pt") == 0.5 and width_fraction("scale") is None
    text = "\\def\\photos{01, 02}\\foreach \\I in \\photos {\\includegraphics{val/\\I_a.jpg}}"
    assert _loop_specs("val/\\I_a.jpg", text, len(text) - 5) == ["val/01_a.jpg", "val/02_a.jpg"]


def test_figures_found_whatever_the_path_form(tmp_path):
    (tmp_path / "figs" / "world").mkdir(parents=True)
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 30), False)
    pix.clear_with(200)
    pix.save(tmp_path / "figs" / "world" / "truth.0.png")
    doc = Document(source_kind="latex", source_path=str(tmp_path), main_file="main.tex", files={
        "main.tex": SourceFile(path="main.tex", encoding="utf-8", text="\\graphicspath{{figs/}}"),
        "plot.tex": SourceFile(path="plot.tex", encoding="utf-8", text="\\begin{tikzpicture}\\end{tikzpicture}"),
        "alg.tex": SourceFile(path="alg.tex", encoding="utf-8", text="\\begin{algorithmic}\\end{algorithmic}")})
    doc.latex = latex_info(doc)  # as the LaTeX reader records it
    inliner = figure_inliner(doc, tmp_path)
    for name in ("{world/truth.0}.png", "world/truth.0", "figs/world/truth.0.png"):
        assert inliner.figure(name).kind == "img", name
    assert inliner.figure("tikz:plot.tex").kind == "note" and inliner.figure("tikz:alg").kind == "none"
    assert inliner.figure("../etc/passwd").kind == "missing"
    if shutil.which("gs"):
        (tmp_path / "figs" / "box.eps").write_text(
            "%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 50\nnewpath 0 0 moveto 100 50 lineto stroke\nshowpage\n")
        fig = inliner.figure("box")
        assert fig.kind == "img" and fig.src.startswith("data:image/png")


@pytest.mark.parametrize("paper", ["datacomp", "muse"])
def test_every_cell_of_corpus_tables_in_its_grid(paper):
    """Negative \\multirow counts, \\cellcolor, \\noalign, comments: every cell segment sits in a grid cell."""
    root = CORPUS / "latex" / paper
    if not root.is_dir():
        pytest.skip("corpus not available")
    doc = LatexReader().read(root)
    linked = {sid for t in doc.tables for row in t.rows for cell in row for sid in cell.segments}
    assert [s.id for s in doc.segments() if s.kind == "cell" and s.id not in linked] == []
    counted = 0
    for table in doc.tables:
        region = doc.files[str(table.locator.file)].text[table.locator.start : table.locator.end]
        if table.id != "main.tex/table4":  # datacomp's \multirow{-8} over 7 rows: the simple count is off by one
            assert table.cell_count() == latex_cells(region), table.id
            counted += 1
    assert counted >= 10


def test_rectangular_grid_for_pipe_tables():
    src = r"\begin{tabular}{lll}\multirow{2}{*}{M} & \multicolumn{2}{c}{X} \\ & a & b \\ N & \multirow{2}{*}{c} & d \\ O & & e \end{tabular}"
    grid = rectangular(latex_table("t", "f", src, 0, len(src)))
    assert [[c.text if c else None for c in row] for row in grid] == [
        ["M", "X", None], [None, "a", "b"], ["N", "c", "d"], ["O", None, "e"]]


def test_the_original_compile_wins_where_it_left_aux_and_bbl(tmp_path):
    doc = _latex_doc(tmp_path)
    build = tmp_path / "build"
    build.mkdir()
    (build / "main.aux").write_text("\\newlabel{eq:three}{{7}{2}{Intro}{equation.0.7}{}}\n"
                                    "\\newlabel{eq:three@cref}{{[equation][7][]7}{[1][2][]2}}\n")
    (build / "main.bbl").write_text("\\begin{thebibliography}{2}\n\\bibitem{b} B. Able.\n\\bibitem{a} A. Zed.\n"
                                    "\\end{thebibliography}\n")
    refs = LatexRefs(doc, list(doc.segments()), LatexXref(doc, tmp_path, build))
    assert ">Eq. (7)</a>" in refs.ref_html("cref", ["eq:three"], "en")
    assert ">Section 1.1</a>" in refs.ref_html("cref", ["sec:more"], "en")  # not in the .aux: computed
    assert refs.bib.cite("citep", ["a", "b"]) == "(2, 1)"  # the .bbl: numbered, in its order; natbib [round]


def test_the_original_compile_keeps_aux_and_bbl(tmp_path, sample_paper):
    if shutil.which("xelatex") is None:
        pytest.skip("no TeX")
    from arxiv_translator.writers.latex.build import CompileContext, compile_original
    from arxiv_translator.writers.latex.compiler import Budget
    from arxiv_translator.writers.latex.jail import Sandbox

    (tmp_path / "logs").mkdir()
    ctx = CompileContext(Sandbox("auto"), Budget(600), 300)
    result = compile_original(ctx, sample_paper, "main.tex", tmp_path / "work", tmp_path / "logs")
    assert result.ok
    kept = tmp_path / "work" / "original-refs"
    assert "\\newlabel{" in (kept / "main.aux").read_text() and "\\bibitem" in (kept / "main.bbl").read_text()
    assert not (tmp_path / "work" / "original").exists()


def test_plain_bib_text_shortcut_equals_the_conversion():
    """Names and titles without LaTeX skip the LaTeX-to-text conversion, with the same result (corpus .bib files)."""
    from arxiv_translator.writers import latex_cites

    values = ["Data-driven models", "O'Neil", "A -- B", "{GAN}s", "$\\alpha$-nets", "J.~Smith", "Zoë  Müller"]
    for bib in sorted((CORPUS / "latex").rglob("*.bib"))[:8]:
        text = bib.read_text(encoding="utf-8", errors="replace")
        for m in latex_cites._FIELD.finditer(text):
            values.append(text[m.end():m.end() + 80].split("}")[0].lstrip("{\""))
    fast = 0
    for value in values:
        try:
            slow = " ".join(latex_cites._l2t().latex_to_text(value).split())
        except Exception:  # noqa: BLE001 - pylatexenc's own failures take the module's fallback
            continue
        assert latex_cites._text(value) == slow, value
        fast += bool(latex_cites._PLAIN.fullmatch(value) and "--" not in value)
    assert fast > 100 and latex_cites._text("Zoë  Müller") == "Zoë Müller"
