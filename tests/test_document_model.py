"""The typed document model: enums and attrs validation, JSON round trips on the corpus, the section tree,
element spans, and carrying assets so that outputs are written after the input folder is gone."""

from __future__ import annotations

import shutil

import pytest
from pydantic import ValidationError

from arxiv_translator.assets import carry_assets
from arxiv_translator.document import Document, ElementKind, Locator, Segment, SegmentKind, Status
from arxiv_translator.readers import reader_for
from conftest import CORPUS

ARXIV = CORPUS / "arxiv"
LATEX = CORPUS / "latex"
ONE = "2305.18290v2"  # DPO: introduction and "Discussion" as numbered sections in every format


def _read(kind: str, paper: str) -> Document:
    if kind == "latex":
        return reader_for("latex").read(LATEX / paper)
    name = {"html": "paper.html", "markdown": "paper.mmd", "pdf": "paper.pdf"}[kind]
    return reader_for(kind).read(ARXIV / paper, name)


needs_corpus = pytest.mark.skipif(not ARXIV.is_dir() or not LATEX.is_dir(), reason="no corpus")


# -- validation ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [
    {"attrs": {"level": "2"}},  # a string where an int belongs
    {"attrs": {"levle": 2}},  # a typo
    {"attrs": {"float": "figure"}},  # the old key
    {"locator": {"start": "10"}},
    {"locator": {"bbox": "1,2,3,4"}},  # PDF geometry is no longer a string
    {"locator": {"layout": "[]"}},
    {"kind": "paragraf"},
])
def test_wrong_attr_type_or_unknown_field_is_rejected(bad):
    fields = {"id": "s1", "kind": "paragraph", "source": "Some text.", **bad}
    with pytest.raises(ValidationError):
        Segment(**fields)


def test_assignment_is_validated_and_kinds_stay_strings():
    seg = Segment(id="s1", kind="heading", source="Intro", attrs={"level": 2})
    assert seg.kind is SegmentKind.HEADING and seg.kind == "heading" and f"k-{seg.kind}" == "k-heading"
    with pytest.raises(ValidationError):
        seg.attrs.level = "3"
    with pytest.raises(ValueError):
        seg.attrs.levle = 3
    with pytest.raises(ValidationError):
        seg.locator.page = "2"
    assert '"kind":"heading"' in seg.model_dump_json()


def test_locator_span_raises_without_offsets():
    assert Locator(file="a.tex", start=1, end=4).span() == ("a.tex", 1, 4)
    with pytest.raises(ValueError):
        Locator(page=2).span()


# -- round trip ------------------------------------------------------------------------------------------
def _corpus_inputs() -> list[tuple[str, str]]:
    if not ARXIV.is_dir() or not LATEX.is_dir():
        return []
    out = [("latex", p.name) for p in sorted(LATEX.iterdir()) if p.is_dir()]
    for d in sorted(ARXIV.iterdir())[:4]:
        out += [(k, d.name) for k, f in (("html", "paper.html"), ("markdown", "paper.mmd"), ("pdf", "paper.pdf"))
                if (d / f).is_file()]
    return out


@needs_corpus
@pytest.mark.parametrize("kind,paper", _corpus_inputs())
def test_every_reader_output_round_trips_through_json(kind, paper):
    doc = _read(kind, paper)
    for seg in doc.segments():
        seg.settle(Status.KEPT, "test")
    again = Document.model_validate_json(doc.model_dump_json())
    assert again == doc and again.model_dump_json() == doc.model_dump_json()
    assert all(isinstance(s.kind, SegmentKind) for s in again.segments())


# -- structure -------------------------------------------------------------------------------------------
@needs_corpus
@pytest.mark.parametrize("kind", ["latex", "html", "markdown", "pdf"])
def test_section_tree_finds_introduction_and_conclusion(kind):
    doc = _read(kind, "apg-samplers" if kind == "latex" else ONE)
    tree = doc.outline()
    assert len(tree) >= 5 and any(s.children for s in tree)  # sections with subsections
    intro, conclusion = doc.find_section("introduction"), doc.find_section("conclusion")
    assert intro is not None and intro.number == "1" and intro.title.lower() == "introduction"
    assert conclusion is not None and conclusion.title.lower().startswith(("conclusion", "discussion"))
    assert doc.find_section("1") == intro  # by the paper's own numbering
    text = doc.section_text(intro)
    assert len(text) > 500 and text not in doc.section_text(conclusion)
    levels = [(s.level, c.level) for top in tree for s in top.walk() for c in s.children]
    assert levels and all(child > parent for parent, child in levels)


@needs_corpus
def test_latex_element_spans_are_the_environment_source():
    doc = _read("latex", "apg-samplers")
    kinds = {e.kind for e in doc.elements}
    assert {ElementKind.EQUATION, ElementKind.FIGURE, ElementKind.TABLE, ElementKind.ALGORITHM} <= kinds
    for el in doc.elements:
        src = doc.source_of(el)
        if el.kind is ElementKind.FIGURE:
            assert src.startswith("\\begin{") and "figure" in src[:20] and src.rstrip().endswith("}")
        elif el.kind is ElementKind.EQUATION:
            assert src.startswith(("\\begin{", "\\[", "$$")), src[:30]
    figure = next(e for e in doc.elements if e.kind is ElementKind.FIGURE and doc.inside(e, SegmentKind.CAPTION))
    caption = doc.inside(figure, SegmentKind.CAPTION)[0]
    assert caption.source in doc.source_of(figure)


@needs_corpus
@pytest.mark.parametrize("kind", ["html", "markdown"])
def test_html_and_markdown_element_spans(kind):
    doc = _read(kind, ONE)
    eqs = [e for e in doc.elements if e.kind is ElementKind.EQUATION]
    tables = [e for e in doc.elements if e.kind is ElementKind.TABLE]
    assert eqs and tables
    if kind == "html":
        assert all(doc.source_of(e).startswith("<table") and "ltx_equation" in doc.source_of(e)[:80] for e in eqs)
        assert all(doc.source_of(e).startswith("<figure") and doc.source_of(e).endswith("</figure>") for e in tables)
    else:
        assert all(doc.source_of(e).startswith(("$$", "\\[", "\\begin")) for e in eqs)
        assert all(doc.source_of(e).lstrip().startswith(("\\begin{tab", "|")) for e in tables)


@needs_corpus
def test_pdf_elements_are_regions():
    doc = _read("pdf", ONE)
    assert {e.kind for e in doc.elements} == {ElementKind.FIGURE, ElementKind.TABLE}
    assert all(e.locator.page and e.locator.bbox and doc.source_of(e) == "" for e in doc.elements)


# -- assets ----------------------------------------------------------------------------------------------
def test_carry_assets_checks_hashes(tmp_path, sample_paper):
    doc = reader_for("latex").read(sample_paper)
    assert {a.path for a in doc.assets} >= set(doc.files)
    dest = tmp_path / "carried"
    carry_assets(doc.assets, sample_paper, dest)
    assert all((dest / a.path).read_bytes() == (sample_paper / a.path).read_bytes() for a in doc.assets)
    src = tmp_path / "src"
    shutil.copytree(sample_paper, src)
    (src / doc.assets[0].path).write_bytes(b"changed")
    with pytest.raises(Exception, match="changed since it was read"):
        carry_assets(doc.assets, src, tmp_path / "again")


def _translate_all(doc: Document) -> None:
    for seg in doc.segments():
        seg.translation, seg.status = seg.source, Status.TRANSLATED


@needs_corpus
@pytest.mark.parametrize("kind", ["latex", "pdf"])
def test_outputs_are_written_after_the_input_folder_is_deleted(tmp_path, kind, sample_paper):
    from arxiv_translator.config import Settings
    from arxiv_translator.writers.base import WriteJob
    from arxiv_translator.writers.bilingual.writer import BilingualOutput

    src = tmp_path / "input"
    if kind == "latex":
        shutil.copytree(sample_paper, src)
        doc = reader_for("latex").read(src)
    else:
        src.mkdir()
        shutil.copyfile(ARXIV / ONE / "paper.pdf", src / "paper.pdf")
        doc = reader_for("pdf").read(src, "paper.pdf")
    _translate_all(doc)
    carried = tmp_path / "job" / "assets"
    carry_assets(doc.assets, src, carried)
    shutil.rmtree(src)
    out = tmp_path / "out"
    out.mkdir()
    job = WriteJob(doc=doc, out=out, source_root=src, work=tmp_path / "work", logs=tmp_path / "logs", pseudo=True,
                   settings=Settings(), assets_root=carried)
    result = BilingualOutput().write(job)
    page = (out / result.files[0]).read_text(encoding="utf-8")
    assert "data:image/" in page  # figures came from the carried assets, not the deleted input
    if kind == "latex":
        from arxiv_translator.writers.latex.output import LatexOutput

        job.settings = Settings(compile=False)
        LatexOutput().write(job)  # the translated tree, beside every file of the original
        assert all((out / "source" / a.path).is_file() for a in doc.assets)
        assert (out / "source" / "main.tex").read_text(encoding="utf-8") != \
            (carried / "main.tex").read_text(encoding="utf-8")  # the Korean preamble
    if kind == "pdf":
        from arxiv_translator.writers.pdf.output import PdfOutput

        pdf = PdfOutput().write(job)
        assert any(f.endswith(".pdf") and (out / f).stat().st_size > 10_000 for f in pdf.files)


@pytest.mark.parametrize("kind", ["html", "markdown"])
def test_local_images_are_assets(tmp_path, kind):
    """A saved page's or a Markdown file's local images are recorded (hash and size); remote ones and links out
    of the folder are not."""
    (tmp_path / "figs").mkdir()
    (tmp_path / "figs" / "a.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "secret.png").write_bytes(b"no")
    if kind == "markdown":
        name = "paper.md"
        (tmp_path / name).write_text("# T\n\nText here.\n\n![](figs/a.png)\n\nFigure 1: A caption.\n\n"
                                     "![](https://example.org/b.png) ![](../secret.png)\n", encoding="utf-8")
        doc = reader_for("markdown").read(tmp_path, name)
    else:
        shutil.copytree(tmp_path / "figs", tmp_path / "p" / "figs")
        page = tmp_path / "p" / "paper.html"
        page.write_text('<html><head><base href="https://arxiv.org/html/2401.00001v1/"></head><body><article '
                        'class="ltx_document"><p class="ltx_p">Some text here.</p><figure class="ltx_figure" id="F1">'
                        '<img src="figs/a.png"><img src="../secret.png"><img src="https://example.org/b.png">'
                        '<figcaption class="ltx_caption">Figure 1: A caption.</figcaption></figure></article>'
                        '</body></html>', encoding="utf-8")
        doc = reader_for("html").read(page.parent, page.name)
        assert [e.kind for e in doc.elements] == [ElementKind.FIGURE]
    assert [(a.path, a.size) for a in doc.assets] == [("figs/a.png", 9)]
    assert len(doc.assets[0].sha256) == 64


def test_document_json_validates_against_its_schema(sample_paper):
    """The job state embeds the document: its JSON must match the schema pydantic prints for it."""
    jsonschema = pytest.importorskip("jsonschema")
    import json

    doc = reader_for("latex").read(sample_paper)
    schema = Document.model_json_schema(mode="serialization")
    jsonschema.validate(json.loads(doc.model_dump_json()), schema)
    data = json.loads(doc.model_dump_json())
    data["blocks"][0]["segments"][0]["attrs"]["level"] = "2"  # a string where the schema says integer
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
