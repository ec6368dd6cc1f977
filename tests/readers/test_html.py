"""The arXiv HTML (LaTeXML) reader: tokeniser offsets, segments, masks, kinds and attrs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS

from arxiv_translator.errors import InputError
from arxiv_translator.protect import mask_document
from arxiv_translator.readers import reader_for
from arxiv_translator.readers.html import HtmlReader
from arxiv_translator.readers.html_page import page_base, parse_page

MATH = '<math alttext="a&lt;b" class="ltx_Math" display="inline"><mi>a</mi><mo>&lt;</mo><mi>b</mi></math>'
PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>A Title</title>
<base href="/html/2401.00001v1/"><link href="/static/style.css" rel="stylesheet"></head>
<body><nav class="ltx_TOC"><ol class="ltx_toclist"><li class="ltx_tocentry"><a class="ltx_ref" href="#S1"><span
 class="ltx_text ltx_ref_title"><span class="ltx_tag ltx_tag_ref">1 </span>Introduction</span></a></li></ol></nav>
<article class="ltx_document">
<h1 class="ltx_title ltx_title_document">A Title with {MATH}</h1>
<div class="ltx_authors"><span class="ltx_personname">Ann Author</span></div>
<div class="ltx_abstract" id="abstract"><h6 class="ltx_title ltx_title_abstract">Abstract</h6>
<p class="ltx_p">We study things.</p></div>
<section class="ltx_section" id="S1"><h2 class="ltx_title ltx_title_section"><span class="ltx_tag ltx_tag_section">1 </span>Introduction</h2>
<div class="ltx_para" id="S1.p1"><p class="ltx_p" id="S1.p1.1">Models&nbsp;<cite class="ltx_cite">[<a class="ltx_ref"
 href="#bib.bib1">1</a>]</cite> are <em class="ltx_emph">very</em> good at {MATH} tasks<span class="ltx_note ltx_role_footnote"
 id="footnote1"><sup class="ltx_note_mark">1</sup><span class="ltx_note_outer"><span class="ltx_note_content"><sup
 class="ltx_note_mark">1</sup><span class="ltx_tag ltx_tag_note">1</span>See https://example.com/x for details.</span></span></span>.</p></div>
<figure class="ltx_figure" id="S1.F1"><img src="x1.png" class="ltx_graphics"><figcaption class="ltx_caption"><span
 class="ltx_tag ltx_tag_figure">Figure 1: </span>An overview.</figcaption></figure>
<div class="ltx_theorem ltx_theorem_theorem" id="Thm1"><h6 class="ltx_title ltx_runin ltx_title_theorem"><span
 class="ltx_tag ltx_tag_theorem"><span class="ltx_text ltx_font_bold">Theorem 1</span></span></h6>
<div class="ltx_para"><p class="ltx_p">Every thing holds.</p></div></div>
<ul class="ltx_itemize"><li class="ltx_item"><span class="ltx_tag ltx_tag_item">•</span><div class="ltx_para"><p
 class="ltx_p">First item.</p></div></li></ul>
<table class="ltx_tabular"><tr class="ltx_tr"><td class="ltx_td">Accuracy</td><td class="ltx_td">{MATH}</td></tr></table>
<div class="ltx_listing"><div class="ltx_listingline">print("hello world")</div></div>
<table class="ltx_equation" id="S1.E1"><tr><td class="ltx_eqn_cell">{MATH}</td><td class="ltx_eqn_cell"><span
 class="ltx_tag ltx_tag_equation">(1)</span></td></tr></table>
</section>
<section class="ltx_bibliography" id="bib"><h2 class="ltx_title ltx_title_bibliography">References</h2>
<ul class="ltx_biblist"><li class="ltx_bibitem" id="bib.bib1"><span class="ltx_bibblock">A. Author. A paper title.</span></li>
</ul></section>
</article>
<script>var s = "<p class='ltx_p'>not a tag</p>";</script></body></html>"""

EXPECTED = [  # (kind, masked, attrs) in page order
    ("title", "A Title with <x1/>", {"level": 1}),
    ("heading", "Abstract", {"level": 2}),
    ("abstract", "We study things.", {}),
    ("heading", "<x1/>Introduction", {"level": 2}),
    ("paragraph", "Models<x1/> are <g2>very</g2> good at <x3/> tasks<x4/>.", {}),
    ("footnote", "<x1/>See <x2/> for details.", {}),
    ("caption", "<x1/>An overview.", {"graphics": [{"path": "https://arxiv.org/html/2401.00001v1/x1.png"}]}),
    ("theorem", "Every thing holds.", {}),
    ("item", "First item.", {}),
    ("cell", "Accuracy", {}),
    ("heading", "References", {"level": 2}),
]


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "paper.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_segments_kinds_masks_and_attrs(page):
    doc = reader_for("html").read(page.parent, page.name)
    mask_document(doc)
    got = [(s.kind, s.masked, s.attrs.model_dump(exclude_defaults=True)) for s in doc.segments()]
    assert got == EXPECTED
    assert doc.title == "A Title with a<b" and doc.abstract == "We study things."
    assert doc.meta["base_url"] == "https://arxiv.org/html/2401.00001v1/" and doc.meta["arxiv_id"] == "2401.00001v1"
    assert doc.files["paper.html"].text == PAGE and doc.source_kind == "html"
    for seg in doc.segments():  # a segment is the exact content of its element
        start, end = seg.locator.span()[1:]
        assert PAGE[start:end] == seg.source
    para = next(s for s in doc.segments() if s.kind == "paragraph")
    assert [(sp.kind, sp.role) for sp in para.spans] == [
        ("entity", "atom"), ("cite", "atom"), ("format", "open"), ("format", "close"), ("math", "atom"),
        ("footnote", "atom")]
    assert para.span_text(para.spans[4]) == MATH
    assert para.span_text(para.spans[2]) == '<em class="ltx_emph">'
    ids = [s.id for s in doc.segments()]
    assert len(set(ids)) == len(ids) and ids[4] == "paper.html/p1" and ids[5] == "paper.html/f1"


@pytest.mark.parametrize("body, masked", [
    ('<p class="ltx_p">Plain <b>bold <i>both</i></b> text.</p>', "Plain <g1>bold <g2>both</g2></g1> text."),
    ('<p class="ltx_p">R&amp;D &lt;eos&gt; words</p>', "R<x1/>D <x2/>eos<x3/> words"),
    ('<p class="ltx_p">A <span class="ltx_text ltx_font_typewriter">code_name</span> here</p>', "A <x1/> here"),
    ('<p class="ltx_p">See <a class="ltx_ref" href="#S2">Section 2</a> and <a href="https://x.org">this site</a>.</p>',
     'See <x1/> and <g2>this site</g2>.'),
    ('<p class="ltx_p">Only <span class="ltx_text">(</span>math<span class="ltx_text">)</span></p>',
     "Only <x1/>math<x2/>"),
    ('<p class="ltx_p">Visit www.example.org/page, then stop.</p>', "Visit <x1/>, then stop."),
    ('<p class="ltx_p">x <x1/> literal</p>', None),  # not a tag the page could hold; still tokenised
    ('<div class="ltx_para">Loose text <span class="ltx_text ltx_font_bold">bold</span></div>',
     "Loose text <g1>bold</g1>"),
    ('<p class="ltx_p"><span class="ltx_ERROR undefined">\\xspace</span> word</p>', "<x1/> word"),
])
def test_inline_masks(tmp_path, body, masked):
    path = tmp_path / "p.html"
    path.write_text(f'<html><body><article class="ltx_document">{body}</article></body></html>', encoding="utf-8")
    doc = HtmlReader().read(tmp_path, "p.html")
    mask_document(doc)
    segs = list(doc.segments())
    if masked is not None:
        assert [s.masked for s in segs] == [masked]


def test_table_inside_paragraph_and_cell_paragraphs(tmp_path):
    body = ('<p class="ltx_p">Before <span class="ltx_inline-block"><span class="ltx_tabular"><span class="ltx_tr">'
            '<span class="ltx_td">Cell words</span></span></span></span> after.</p>'
            '<table class="ltx_tabular"><tr><td class="ltx_td"><span class="ltx_inline-block"><span class="ltx_p">'
            'First para</span><span class="ltx_p">Second para</span></span></td></tr></table>')
    (tmp_path / "p.html").write_text(f'<html><body><article class="ltx_document">{body}</article></body></html>')
    doc = HtmlReader().read(tmp_path, "p.html")
    mask_document(doc)
    assert [(s.kind, s.masked) for s in doc.segments()] == [
        ("paragraph", "Before <x1/> after."), ("cell", "Cell words"), ("cell", "First para"), ("cell", "Second para")]


def test_description_list_terms_are_items(tmp_path):
    body = ('<dl class="ltx_description"><dt class="ltx_item"><span class="ltx_tag ltx_tag_item"><span class="ltx_text '
            'ltx_font_bold">Key term:</span></span></dt><dd class="ltx_item"><div class="ltx_para"><p class="ltx_p">'
            'Its meaning.</p></div></dd></dl><ul class="ltx_itemize"><li class="ltx_item"><span class="ltx_tag '
            'ltx_tag_item">(a)</span><div class="ltx_para"><p class="ltx_p">Lettered.</p></div></li></ul>')
    (tmp_path / "p.html").write_text(f'<html><body><article class="ltx_document">{body}</article></body></html>')
    doc = HtmlReader().read(tmp_path, "p.html")
    mask_document(doc)
    assert [(s.kind, s.masked) for s in doc.segments()] == [
        ("item", "<g1>Key term:</g1>"), ("item", "Its meaning."), ("item", "Lettered.")]


def test_tokeniser_offsets():
    text = ('<!-- <p> --><div class="a" title="x > y"><p>one<br>two</p><img src="a.png"/><b>bold</i></b>'
            '<script>if (a < b) { x = "</div>"; }</script><span>open</div><p>tail')
    root = parse_page(text)
    div = root.children[0]
    assert div.name == "div" and div.attrs == {"class": "a", "title": "x > y"} and div.classes == ["a"]
    assert [c.name for c in div.children] == ["p", "img", "b", "script", "span"]
    p, img, b, script, span = div.children
    assert text[p.inner_start:p.inner_end] == "one<br>two" and text[p.start:p.end] == "<p>one<br>two</p>"
    assert img.end == img.inner_start and text[b.inner_start:b.inner_end] == "bold</i>"  # a stray </i> is ignored
    assert text[script.inner_start:script.inner_end] == 'if (a < b) { x = "</div>"; }'  # raw text, no tags
    assert text[span.inner_start:span.inner_end] == "open" and span.end == span.inner_end  # closed by </div>
    assert root.children[1].name == "p" and root.children[1].end == len(text)


def test_tokeniser_unclosed_comment_runs_to_the_end():
    """As in a browser (html5lib reads ``p`` alone): what follows a ``<!--`` that never closes is comment."""
    text = "<p>kept<!-- never closed</p><p>hidden</p>"
    root = parse_page(text)
    assert [n.name for n in root.iter()] == ["#root", "p"]
    p = root.children[0]
    assert text[p.inner_start:p.inner_end] == "kept<!-- never closed</p><p>hidden</p>" and p.end == len(text)
    closed = parse_page("<p>a<!-- b --></p><p>c</p>")  # a closed comment still ends where it closes
    assert [n.name for n in closed.iter()] == ["#root", "p", "p"]


def test_page_base_from_base_or_meta():
    assert page_base(parse_page('<head><base href="/html/2402.18563v1/"></head>')) == \
        ("https://arxiv.org/html/2402.18563v1/", "2402.18563v1")
    assert page_base(parse_page('<head><meta name="citation_arxiv_id" content="hep-th/9901001"></head>')) == \
        ("https://arxiv.org/html/hep-th/9901001/", "hep-th/9901001")
    assert page_base(parse_page('<head><link rel="canonical" href="https://arxiv.org/abs/2402.18563"></head>')) == \
        ("https://arxiv.org/html/2402.18563/", "2402.18563")
    assert page_base(parse_page("<head><title>x</title></head>")) == (None, None)


@pytest.mark.parametrize("content, message", [
    ("<html><body><p>Just a page.</p></body></html>", "not an arXiv (LaTeXML) HTML page"),
    ("", "not an arXiv (LaTeXML) HTML page"),
])
def test_not_latexml_is_an_input_error(tmp_path, content, message):
    (tmp_path / "page.html").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"{tmp_path / 'page.html'}: {message}")):
        HtmlReader().read(tmp_path, "page.html")


def test_main_file_is_found_or_asked_for(tmp_path, page):
    assert HtmlReader().read(page.parent).main_file == "paper.html"
    (tmp_path / "other.html").write_text(PAGE)
    with pytest.raises(InputError, match="name the HTML page"):
        HtmlReader().read(tmp_path)


def corpus_pages() -> list[Path]:
    """The arXiv HTML pages of the shared corpus (empty when it is not there)."""
    return sorted((CORPUS / "arxiv").glob("*/paper.html")) if (CORPUS / "arxiv").is_dir() else []


@pytest.mark.skipif(not corpus_pages(), reason="no shared corpus")
def test_corpus_segments_are_exact_and_math_is_atomic():
    kinds: set[str] = set()
    for path in corpus_pages():
        doc = HtmlReader().read(path.parent, path.name)
        text = doc.files["paper.html"].text
        assert doc.title, path
        assert len(list(doc.segments())) > 50, path
        for seg in doc.segments():
            kinds.add(seg.kind)
            assert text[seg.locator.start:seg.locator.end] == seg.source
            for span in seg.spans:
                piece = seg.span_text(span)
                if span.kind == "math":
                    assert piece.startswith("<math") and piece.endswith("</math>") and piece.count("<math") == 1
                elif span.kind == "cite":
                    assert piece.startswith("<cite") and piece.endswith("</cite>")
                elif span.role == "open":
                    assert piece.startswith("<") and not piece.startswith("</")
    assert kinds == {"title", "heading", "abstract", "paragraph", "caption", "footnote", "item", "cell", "theorem"}
