"""The LaTeX reader: what is translated, what is protected, how the tree is walked."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxiv_translator.errors import InputError, UnsafeInputError
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.latex import LatexReader


def make_tree(tmp_path: Path, body: str, preamble: str = "", files: dict[str, str] | None = None) -> Path:
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.tex").write_text(
        "\\documentclass{article}\n" + preamble + "\n\\begin{document}\n" + body + "\n\\end{document}\n",
        encoding="utf-8")
    for rel, text in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def read(root: Path):
    doc = LatexReader().read(root)
    mask_document(doc)
    return doc


# (body, text that must be sent to the engine, text that must never be sent)
CASES = [
    ("We use $x^2$ and \\(y\\) here.", "We use <x1/> and <x2/> here.", "x^2"),
    ("As shown in \\citep{vaswani} and Figure~\\ref{fig:a}.", "As shown in <x1/> and Figure<x2/>.", "vaswani"),
    ("A \\textbf{bold} and \\emph{italic} word.", "A <g1>bold</g1> and <g2>italic</g2> word.", "textbf"),
    ("Visit \\url{http://a.b/c} now.", "Visit <x1/> now.", "http"),
    ("Text \\begin{equation}a=b\\label{eq}\\end{equation} more text.", "Text <x1/> more text.", "label"),
    ("Our \\method{} is fast.", "Our <x1/> is fast.", "method"),
    ("Use {\\em this} one.", "Use <g1>this</g1> one.", "\\em"),
    ("Code \\verb|a_b %c| here.", "Code <x1/> here.", "a_b"),
    ("Fifty \\% of runs.", "Fifty <x1/> of runs.", "\\%"),
    ("Link \\href{http://x.y}{project page} here.", "Link <g1>project page</g1> here.", "x.y"),
]


@pytest.mark.parametrize("body,masked,hidden", CASES)
def test_inline_protection(tmp_path, body, masked, hidden):
    doc = read(make_tree(tmp_path, body))
    texts = [s.masked for s in doc.segments()]
    assert masked in texts
    assert all(hidden not in t for t in texts)


@pytest.mark.parametrize("body", [
    "\\begin{verbatim}\nDo not translate this code.\n\\end{verbatim}",
    "\\begin{lstlisting}\nprint('hello world')\n\\end{lstlisting}",
    "\\begin{tikzpicture}\\node {Some label text};\\end{tikzpicture}",
    "\\begin{algorithmic}\\STATE Compute the gradient\\end{algorithmic}",
    "% A comment line with words\n",
    "\\begin{thebibliography}{1}\\bibitem{a} Some Author. A title. 2020.\\end{thebibliography}",
])
def test_protected_blocks_make_no_segments(tmp_path, body):
    doc = read(make_tree(tmp_path, body))
    assert list(doc.segments()) == []


def test_kinds_and_structure(tmp_path):
    body = r"""\begin{abstract}We study things.\end{abstract}
\section{Introduction}\label{sec:intro}
First paragraph with a footnote\footnote{A note with $z$.} inside.

Second paragraph.
\begin{itemize}\item One item here. \item Another item.\end{itemize}
\begin{figure}[t]\centering\includegraphics[width=0.5\linewidth]{fig.pdf}\caption{A caption here.}\label{f}\end{figure}
\begin{tabular}{lc}\toprule Method & Score \\ \midrule Ours & 1.0 \\ \bottomrule\end{tabular}
\begin{theorem}Every thing holds.\end{theorem}"""
    doc = read(make_tree(tmp_path, body, preamble="\\title{A Great Title}\n\\newtheorem{theorem}{Theorem}"))
    by_kind: dict[str, list[str]] = {}
    for s in doc.segments():
        by_kind.setdefault(s.kind, []).append(s.masked)
    assert by_kind["title"] == ["A Great Title"]
    assert by_kind["abstract"] == ["We study things."]
    assert by_kind["heading"] == ["Introduction"]
    assert "First paragraph with a footnote<x1/> inside." in by_kind["paragraph"]
    assert by_kind["footnote"] == ["A note with <x1/>."]
    assert by_kind["item"] == ["One item here.", "Another item."]
    assert by_kind["caption"] == ["A caption here."]
    assert by_kind["cell"] == ["Method", "Score", "Ours"]
    assert by_kind["theorem"] == ["Every thing holds."]
    assert doc.title == "A Great Title"
    ids = [s.id for s in doc.segments()]
    assert len(ids) == len(set(ids))


def test_follows_inputs_in_order(tmp_path):
    root = make_tree(tmp_path, "Intro text.\n\\input{sec/a}\n\\include{sec/b.tex}",
                     preamble="\\input{macros}", files={"sec/a.tex": "Alpha text.", "sec/b.tex": "Beta text.",
                                                        "macros.tex": "\\newcommand{\\foo}{Foo words}"})
    doc = read(root)
    assert [s.masked for s in doc.segments()] == ["Intro text.", "Alpha text.", "Beta text."]
    assert doc.files["macros.tex"].role == "preamble"
    assert doc.files["sec/a.tex"].role == "body"


def test_main_file_is_found_among_several(tmp_path):
    root = make_tree(tmp_path, "Body text.\n\\input{part}", files={
        "part.tex": "Part text.", "other.tex": "\\documentclass{article}\\begin{document}Hi.\\end{document}"})
    doc = LatexReader().read(root)
    assert doc.main_file == "main.tex"
    assert "candidates" in doc.meta["main_reason"]


@pytest.mark.parametrize("readme", [
    ("00README.json", '{"spec_version": 1, "sources": [{"filename": "ms.tex", "usage": "toplevel"}, '
                      '{"filename": "main.tex", "usage": "ignore"}]}'),
    ("00README.XXX", "main.tex ignore\nms.tex toplevelfile\n"),
])
def test_the_toplevel_file_the_00readme_names_is_the_main_file(tmp_path, readme):
    """arXiv builds the file its 00README names; a draft main.tex beside it (more files reached) is not the paper."""
    root = make_tree(tmp_path, "Draft text.\n\\input{part}", files={
        "part.tex": "Part text.", "ms.tex": "\\documentclass{article}\\begin{document}Final text.\\end{document}",
        readme[0]: readme[1]})
    doc = LatexReader().read(root)
    assert doc.main_file == "ms.tex" and "00README" in doc.meta["main_reason"]
    assert [s.source for s in doc.segments() if s.locator.file == "ms.tex"] == ["Final text."]


@pytest.mark.parametrize("readme", ['{"sources": [{"filename": "gone.tex", "usage": "toplevel"}]}', "not json {",
                                    '{"sources": [{"filename": "part.tex", "usage": "toplevel"}]}', '["a list"]'])
def test_a_00readme_that_names_nothing_usable_is_ignored(tmp_path, readme):
    root = make_tree(tmp_path, "Body text.\n\\input{part}", files={"part.tex": "Part text.", "00README.json": readme})
    assert LatexReader().read(root).main_file == "main.tex"


@pytest.mark.parametrize("body,files,error,words", [
    ("\\input{/etc/passwd}", {}, UnsafeInputError, "outside the source tree"),
    ("\\input{../../secret}", {}, UnsafeInputError, "outside the source tree"),
    ("\\input{a}", {"a.tex": "\\input{b}", "b.tex": "\\input{a}"}, InputError, "loop"),
    ("\\immediate\\write18{rm -rf /}", {}, UnsafeInputError, "shell escape"),
])
def test_hostile_sources(tmp_path, body, files, error, words):
    root = make_tree(tmp_path, body, files=files)
    with pytest.raises(error) as info:
        LatexReader().read(root)
    assert words in str(info.value)
    assert str(root) in str(info.value)


def test_no_main_file(tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    (root / "part.tex").write_text("Just a part.", encoding="utf-8")
    with pytest.raises(InputError, match="no main .tex"):
        LatexReader().read(root)


def test_latin1_source_is_decoded(tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    text = "\\documentclass{article}\\begin{document}Caf\u00e9 na\u00efve r\u00e9sum\u00e9 text.\\end{document}"
    (root / "main.tex").write_bytes(text.encode("latin-1"))
    doc = read(root)
    assert [s.masked for s in doc.segments()] == ["Caf\u00e9 na\u00efve r\u00e9sum\u00e9 text."]
    assert doc.files["main.tex"].encoding.lower().replace("-", "").replace("_", "") in ("latin1", "iso88591", "cp1252")


def test_sample_paper(sample_paper):
    doc = read(sample_paper)
    counts = doc.protected_counts()
    assert counts["math"] >= 30 and counts["cite"] >= 5 and counts["footnote"] >= 2
    kinds = {s.kind for s in doc.segments()}
    assert {"title", "abstract", "heading", "paragraph", "caption", "footnote", "item", "cell"} <= kinds
