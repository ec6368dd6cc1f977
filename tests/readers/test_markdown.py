"""The Markdown / Mathpix Markdown reader: what is translated, what is protected, what is kept."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import CORPUS

from arxiv_translator.document import Document, Status
from arxiv_translator.engines.pseudo import pseudo_translate
from arxiv_translator.errors import InputError
from arxiv_translator.protect import mask_document, placeholder_problems, unmask
from arxiv_translator.readers.markdown import MarkdownReader
from arxiv_translator.prose import needs_translation
from arxiv_translator.writers.markdown.output import splice_markdown

MMD_PAPERS = sorted((CORPUS / "arxiv").glob("*/paper.mmd")) if (CORPUS / "arxiv").is_dir() else []
#: Math spans found without the reader (Mathpix delimiters only).
MATH = re.compile(r"\\\(.*?\\\)|\\\[.*?\\\]", re.S)


def read_text(tmp_path: Path, text: str, name: str = "paper.mmd") -> Document:
    (tmp_path / name).write_text(text, encoding="utf-8")
    doc = MarkdownReader().read(tmp_path, name)
    mask_document(doc, collapse_space=False)
    return doc


def pseudo_fill(doc: Document) -> None:
    """What the pipeline does with ``--engine pseudo``, without its batching and cache."""
    mask_document(doc, collapse_space=False)
    for seg in doc.segments():
        if seg.status is Status.PENDING and needs_translation(seg.masked or ""):
            seg.target_masked = pseudo_translate(seg.masked or "")
            seg.translation = unmask(seg, seg.target_masked)
            seg.status = Status.TRANSLATED


# (one line of Markdown, what the engine must see)
INLINE = [
    ("We use \\(x^2\\) and \\[y=1\\] here.", "We use <x1/> and <x2/> here."),
    ("Shown before [82, 26] and in [5; 7-9].", "Shown before <x1/> and in <x2/>."),
    ("A **bold** and _italic_ and *other* word.", "A <g1>bold</g1> and <g2>italic</g2> and <g3>other</g3> word."),
    ("The snake_case_name stays prose.", "The snake_case_name stays prose."),
    ("See [the project page](https://a.b/c) now.", "See <g1>the project page</g1> now."),
    ("Link [https://a.b](https://a.b) only.", "Link <x1/> only."),
    ("An image ![a cat](figs/cat.png) inline.", "An image <x1/> inline."),
    ("Run `pip install x_y` first.", "Run <x1/> first."),
    ("Visit https://example.com/a_b. Then stop.", "Visit <x1/>. Then stop."),
    ("It cost $5 and then $6 more.", "It cost $5 and then $6 more."),
    ("Dollar math $x_1$ and $$y$$ too.", "Dollar math <x1/> and <x2/> too."),
    ("A \\textbf{Win} rate of 5\\% here.", "A <g1>Win</g1> rate of 5<x2/> here."),
    ("Write to a.b@c.edu today.", "Write to <x1/> today."),
    ("Note<sup>1</sup> here.", "Note<x1/> here."),
    ("Marker [MISSING_PAGE_FAIL:1] gone.", "Marker <x1/> gone."),
    ("Footnote ref[^3] here.", "Footnote ref<x1/> here."),
    ("GPT-4* is starred.", "GPT-4<x1/> is starred."),
    ("Mixed **bold [link** text](u) stays nested.", None),
]


@pytest.mark.parametrize("line,masked", INLINE)
def test_inline_protection(tmp_path, line, masked):
    doc = read_text(tmp_path, f"# Title\n\n{line}\n")
    seg = [s for s in doc.segments() if s.kind == "paragraph"][0]
    if masked is not None:
        assert seg.masked == masked
    assert placeholder_problems(seg, seg.masked or "") == []  # the source itself is a valid answer


SAMPLE = """# A Title

Jane Doe

###### Abstract

We study things with \\(x\\) and more.

## 1 Introduction

First paragraph [1].
It continues on a second line.

* An item with \\(y\\).
* Another item.

Footnote 1: A note about it.

\\begin{table}
\\begin{tabular}{l c} \\hline Method & **Score** \\\\ \\hline \\multicolumn{2}{c}{Held out} \\\\ Ours & 0.9 \\\\ \\end{tabular}
\\end{table}
Table 1: Results on the test set.

```
code block line
y = f(x); return code[i]
The prompt box says: translate every sentence of this line.
```

``` x = code(y) {z}

``` A one-line prompt box as Mathpix writes it, with its sentence.

| Name | Value |
|---|---|
| alpha rate | 1 |

## References

* Doe, J. A paper. 2020.

## Appendix A More

Appendix text.
"""


def test_structure_and_kinds(tmp_path):
    doc = read_text(tmp_path, SAMPLE)
    got = [(s.kind, s.source) for s in doc.segments()]
    assert got[:4] == [("title", "A Title"), ("paragraph", "Jane Doe"), ("heading", "Abstract"),
                       ("abstract", "We study things with \\(x\\) and more.")]
    assert doc.title == "A Title" and doc.abstract.startswith("We study")
    assert ("paragraph", "First paragraph [1].\nIt continues on a second line.") in got
    assert ("item", "An item with \\(y\\).") in got and ("item", "Another item.") in got
    assert ("footnote", "Footnote 1: A note about it.") in got
    assert ("caption", "Table 1: Results on the test set.") in got
    cells = {s.source: s.attrs for s in doc.segments() if s.kind == "cell"}
    assert cells["Method"].model_dump(exclude_defaults=True) == {"table": 1, "row": 0, "col": 0}
    assert cells["**Score**"].col == 1
    assert cells["Held out"].row == 1 and cells["Ours"].row == 2
    assert cells["Name"].table == cells["alpha rate"].table == 2
    assert cells["alpha rate"].row == 2 and cells["alpha rate"].col == 0
    assert not any("code" in src for _kind, src in got)  # code in code blocks stays
    assert ("paragraph", "The prompt box says: translate every sentence of this line.") in got  # prose is read
    assert ("paragraph", "A one-line prompt box as Mathpix writes it, with its sentence.") in got
    levels = {s.source: s.attrs.level for s in doc.segments() if s.kind in ("heading", "title")}
    assert levels == {"A Title": 1, "Abstract": 6, "1 Introduction": 2, "References": 2,
                      "Appendix A More": 2}
    bib = [s for s in doc.segments() if s.kind == "bibliography"]
    assert [s.source for s in bib] == ["Doe, J. A paper. 2020."] and bib[0].status is Status.KEPT
    assert ("paragraph", "Appendix text.") in got  # the reference list ends at the next heading
    assert all(s.locator.line >= 1 for s in doc.segments())


def test_unbalanced_math_is_an_error_naming_the_line(tmp_path):
    with pytest.raises(InputError, match=r"paper\.mmd:3: unbalanced math: \\\( without \\\)"):
        read_text(tmp_path, "# T\n\nText \\(x and more.\n\nOther \\(y\\) text.\n")
    with pytest.raises(InputError, match=r"paper\.mmd:1: unbalanced math: \\\] without \\\["):
        read_text(tmp_path, "Stray x\\] closer.\n")


def test_rare_unbalanced_math_is_kept_and_reported(tmp_path):
    lines = [f"Paragraph {i} with \\(x_{i}\\) inside." for i in range(25)]
    lines[10] = "Broken \\[ a + b with prose after it."
    doc = read_text(tmp_path, "\n\n".join(lines) + "\n")
    broken = [s for s in doc.segments() if s.source.startswith("Broken")]
    assert broken[0].status is Status.KEPT and broken[0].spans == []
    assert doc.warnings == ["paper.mmd:21: unbalanced math (\\[ without \\]); paragraph kept as in the source"]


def test_main_file_is_found_or_asked_for(tmp_path):
    (tmp_path / "notes.md").write_text("# Notes\n\nSome text.\n", encoding="utf-8")
    assert MarkdownReader().read(tmp_path).main_file == "notes.md"
    (tmp_path / "other.md").write_text("Other.\n", encoding="utf-8")
    with pytest.raises(InputError, match="name the Markdown file"):
        MarkdownReader().read(tmp_path)


def _bib_lines(text: str) -> set[int]:
    out, on = set(), False
    for i, line in enumerate(text.split("\n")):
        if line.startswith("#"):
            on = bool(re.match(r"^#+ *(References|Bibliography)\s*$", line, re.I))
        elif on:
            out.add(i)
    return out


def _english_words(text: str, skip: set[int]) -> int:
    kept = "\n".join(line for i, line in enumerate(text.split("\n")) if i not in skip and not line.startswith("```"))
    kept = re.sub(r"```.*?```|`[^`\n]*`", " ", kept, flags=re.S)
    kept = MATH.sub(" ", kept)
    kept = re.sub(r"https?://\S+|www\.\S+|\S+@\S+|\\[A-Za-z]+|\[MISSING_PAGE[^\]]*\]|\{[^{}\s]*\}", " ", kept)
    return len(re.findall(r"\b[A-Za-z]{2,}\b", kept))


@pytest.mark.skipif(not MMD_PAPERS, reason="shared corpus not available")
def test_corpus_papers_keep_math_lines_and_tables():
    """Every corpus .mmd, pseudo-translated: math, lines, headings and tables come back; little English stays."""
    english_before = english_after = 0
    for path in MMD_PAPERS:
        doc = MarkdownReader().read(path.parent, path.name)
        pseudo_fill(doc)
        for seg in doc.segments():
            assert placeholder_problems(seg, seg.masked or "") == [], (path, seg.id)
        source = doc.files[doc.main_file].text
        out = splice_markdown(doc)
        name = path.parent.name
        assert Counter(MATH.findall(out)) == Counter(MATH.findall(source)), name
        src_lines, out_lines = source.split("\n"), out.split("\n")
        assert len(out_lines) == len(src_lines), name
        for a, b in zip(src_lines, out_lines):  # headings, table skeletons and code stay on their lines
            assert a.startswith("#") == b.startswith("#"), (name, a[:60])
            for mark in ("\\begin{tabular}", "\\end{tabular}", "\\hline", "\\\\", "&", "\\multicolumn", "```"):
                assert a.count(mark) == b.count(mark), (name, mark, a[:60])
        skip = _bib_lines(source)
        before, after = _english_words(source, skip), _english_words(out, skip)
        assert after <= 0.05 * before, (name, after, before)
        english_before, english_after = english_before + before, english_after + after
    assert english_after <= 0.005 * english_before, (english_after, english_before)


@pytest.mark.skipif(not MMD_PAPERS, reason="shared corpus not available")
def test_corpus_untranslated_splice_is_byte_identical():
    for path in MMD_PAPERS:
        doc = MarkdownReader().read(path.parent, path.name)
        assert splice_markdown(doc) == doc.files[doc.main_file].text, path
