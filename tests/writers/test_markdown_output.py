"""``paper.ko.md``: spliced for Markdown input, built from the model for LaTeX, HTML and PDF input."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from conftest import CORPUS

from arxiv_translator.config import Settings
from arxiv_translator.document import Block, Document, Protected, Segment, Status
from arxiv_translator.document_attrs import GraphicRef
from arxiv_translator.engines.pseudo import pseudo_translate
from arxiv_translator.pipeline import Job, run
from arxiv_translator.protect import mask_document, unmask
from arxiv_translator.readers import READERS, reader_for
from arxiv_translator.writers.markdown.segments import latex_text, math_alttext, tex_math
from arxiv_translator.writers.markdown.document import document_markdown
from arxiv_translator.prose import needs_translation
from arxiv_translator.writers.markdown.output import fit_lines

PSEUDO = Settings(engine="pseudo", compile=False)


def translate(doc: Document, answer=pseudo_translate, collapse_space: bool = True) -> None:
    mask_document(doc, collapse_space=collapse_space)
    for seg in doc.segments():
        if seg.status is Status.PENDING and needs_translation(seg.masked or ""):
            seg.target_masked = answer(seg.masked or "")
            seg.translation = unmask(seg, seg.target_masked)
            seg.status = Status.TRANSLATED


@pytest.mark.parametrize("tex,markdown", [
    ("$x^2$", "$x^2$"),
    ("\\(a +\n b\\)", "$a + b$"),
    ("\\[ y \\]", "\n$$\ny\n$$\n"),
    ("$$z$$", "\n$$\nz\n$$\n"),
    ("\\begin{equation}a=b\\label{eq:1}\\end{equation}", "\n$$\na=b\n$$\n"),
    ("\\begin{align*}a&=b\\\\c&=d\\end{align*}", "\n$$\n\\begin{aligned}a&=b\\\\c&=d\\end{aligned}\n$$\n"),
])
def test_tex_math(tex, markdown):
    assert tex_math(tex) == markdown


def test_latex_text_and_alttext():
    assert latex_text("\\multicolumn{2}{c}{\\textbf{Win}} \\method{}", {"method": "\\textsc{Mix}"}) == "Win Mix"
    assert math_alttext('<math alttext="x&lt;1" display="inline"><mi>x</mi></math>') == "$x<1$"
    assert math_alttext('<math alttext="y" display="block"><mi>y</mi></math>') == "\n$$\ny\n$$\n"


def test_fit_lines_keeps_the_segment_lines(tmp_path):
    source = "First line of a wrapped paragraph with \\(a\n+b\\) math\nand a third line here."
    seg = Segment(id="p1", kind="paragraph", source=source,
                  spans=[Protected(kind="math", start=source.index("\\("), end=source.index("\\)") + 2)])
    seg.status, seg.target_masked = Status.TRANSLATED, "가나 다라 마바 <x1/> 사아 자차 카타 파하 거너 더러"
    out = fit_lines(seg)
    assert out.count("\n") == source.count("\n") and "\\(a\n+b\\)" in out
    seg.target_masked = "<x1/>가"  # hardly any room: breaks still go somewhere
    assert fit_lines(seg).count("\n") == 2


def test_markdown_input_end_to_end(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    text = ("# A Title\n\n###### Abstract\n\nWe study \\(x\\) here.\n\n## 1 Intro\n\nA wrapped\nparagraph line.\n\n"
            "\\begin{table}\n\\begin{tabular}{c c} Name & Value \\\\ \\end{tabular}\n\\end{table}\n\n"
            "## References\n\n* Doe. A paper. 2020.\n")
    (src / "paper.mmd").write_text(text, encoding="utf-8")
    report = run(Job(source=src / "paper.mmd", settings=PSEUDO, out=tmp_path / "out"))
    out = (tmp_path / "out" / "paper.ko.md").read_text(encoding="utf-8")
    assert "paper.ko.md" in report["outputs"]["markdown"]
    assert out.count("\n") == text.count("\n")
    assert "\\(x\\)" in out and "* Doe. A paper. 2020." in out and "A Title" not in out
    assert "\\begin{tabular}{c c}" in out and " & " in out and "Name" not in out


def test_latex_input_gives_readable_markdown(tmp_path, sample_paper):
    run(Job(source=sample_paper, settings=PSEUDO, out=tmp_path / "out"))
    out = (tmp_path / "out" / "paper.ko.md").read_text(encoding="utf-8")
    doc = reader_for("latex").read(sample_paper)
    headings = [s for s in doc.segments() if s.kind in ("heading", "title")]
    assert len(re.findall(r"^#{1,6} ", out, re.M)) == len(headings) + 2  # + the abstract's and the references' headings
    assert out.startswith("> PSEUDO-TRANSLATION")
    for seg in doc.segments():
        for span in seg.spans:
            tex = seg.span_text(span)
            if span.kind == "math" and tex.startswith("$") and not tex.startswith("$$"):
                assert "$" + " ".join(tex[1:-1].split()) + "$" in out, tex
    for raw in ("\\cite", "\\ref{", "\\textbf", "\\emph", "\\url", "\\label", "~"):
        assert raw not in out, raw
    assert "(Hu et al., 2022)" in out and "<https://github.com/example/sparsemix>" in out  # as the paper cites
    assert not re.search(r"\[(?:sec|tab|thm|fig|eq):", out)  # references print numbers, not their keys
    refs = out[out.index("\n## 참고문헌\n"):]  # the cited works, from the paper's .bib
    assert "- Edward J. Hu, Yelong Shen" in refs and "LoRA: Low-rank adaptation" in refs
    assert "[^1]" in out and "\n[^1]: " in out
    assert "| --- |" in out and "| 90.2 |" in out  # the table, numbers included
    assert "![](source/figures/overview" in out
    assert "\\begin{aligned}" in out and "\n$$\n" in out


@pytest.mark.skipif("html" not in READERS or not (CORPUS / "arxiv").is_dir(), reason="no HTML reader or corpus")
def test_html_input_gives_markdown_with_tex_math():
    page = CORPUS / "arxiv" / "2404.10198v1" / "paper.html"
    doc = reader_for("html").read(page.parent, page.name)
    translate(doc)
    out = document_markdown(doc)
    seen = Counter()
    for seg in doc.segments():
        for span in seg.spans:
            tex = seg.span_text(span)
            if tex.startswith("<math"):
                seen[math_alttext(tex).strip()] += 1
    assert seen and all(out.count(tex) >= n for tex, n in seen.items())
    assert "<math" not in out and "<cite" not in out and "&nbsp;" not in out
    assert out.count("\n# ") + out.startswith("# ") == 1


def test_plain_text_document(tmp_path):
    def seg(i: int, kind: str, source: str, **attrs: object) -> Segment:
        return Segment(id=f"s{i}", kind=kind, source=source, attrs=attrs, locator={"page": 1})

    doc = Document(source_kind="pdf", source_path=str(tmp_path), blocks=[Block(id="page1", kind="page", segments=[
        seg(1, "title", "A plain title", level=1), seg(2, "heading", "Method", level=2),
        seg(3, "paragraph", "Some text with x < 1."), seg(4, "item", "First"), seg(5, "item", "Second"),
        seg(6, "cell", "Name", table=1, row=0), seg(7, "cell", "Value", table=1, row=0),
        seg(8, "cell", "alpha", table=1, row=1),
        seg(9, "caption", "Figure 1: A figure.", graphics=[GraphicRef(path="f.png")]),
        seg(10, "footnote", "A note."),
    ])])
    translate(doc, answer=lambda masked: masked.upper())
    out = document_markdown(doc, target="ko")
    assert out.split("\n\n") == [
        "# A PLAIN TITLE", "## METHOD", "SOME TEXT WITH X < 1.", "- FIRST\n- SECOND",
        "| NAME | VALUE |\n| --- | --- |\n| ALPHA |  |", "![](f.png)", "FIGURE 1: A FIGURE.", "[^1]: A NOTE.\n"]


BOOKTABS = ("\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n"
            "\\begin{tabular}{lcc}\\toprule\n\\multirow{2}{*}{Method name} & \\multicolumn{2}{c}{Test accuracy} \\\\\n"
            "\\cmidrule(lr){2-3}\n & Clean data & Noisy data \\\\ \\midrule\nOurs & 1.0 & 2.0 \\\\ \\addlinespace[2pt]\n"
            "Strong baseline & 3.0 & 4.0 \\\\\n\\bottomrule\\end{tabular}\n\\end{document}\n")


def test_rules_between_rows_are_no_cells_and_every_cell_stays_in_its_table(tmp_path):
    (tmp_path / "main.tex").write_text(BOOKTABS, encoding="utf-8")
    doc = reader_for("latex").read(tmp_path)
    cells = [s.source for s in doc.segments() if s.kind == "cell"]
    assert cells == ["\\multirow{2}{*}{Method name}", "\\multicolumn{2}{c}{Test accuracy}", "Clean data",
                     "Noisy data", "Ours", "Strong baseline"], cells  # no "lr){2-3}", no "\addlinespace[2pt]"
    # a cell segment inside the table that no grid cell holds (text a rule left) does not split the table
    block = next(b for b in doc.blocks if any(s.kind == "cell" for s in b.segments))
    at = next(i for i, s in enumerate(block.segments) if s.source == "Clean data")
    start = block.segments[at].locator.start - 12
    stray = Segment(id="main.tex/stray", kind="cell", source="lr){2-3}",
                    locator=block.segments[at].locator.model_copy(update={"start": start, "end": start + 8}))
    block.segments.insert(at, stray)
    translate(doc, answer=lambda text: "KO " + text)
    tables = [part for part in document_markdown(doc).split("\n\n") if part.startswith("|")]
    assert len(tables) == 1, tables
    assert "KO Clean data" in tables[0] and "KO Strong baseline" in tables[0] and "lr)" not in tables[0]
