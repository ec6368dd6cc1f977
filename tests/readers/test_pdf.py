"""The PDF reader: segments, protected math, what is left alone, bad input."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from conftest import CORPUS

from arxiv_translator.errors import ConfigError, InputError
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.pdf import PdfReader, parse_pages

SENTENCES = (
    "Large language models learn broad knowledge of the world, but steering their behaviour remains hard. "
    "We study a simple method that aligns a model with human preferences without reinforcement learning. "
    "The method fits the policy directly with a classification loss over pairs of answers. "
    "Our experiments show that the approach is stable, fast and competitive with strong baselines. "
)


def _justified(tw: pymupdf.TextWriter, words: list[tuple[str, pymupdf.Font]], x0: float, x1: float, y: float,
               size: float, last: bool) -> None:
    widths = [font.text_length(w, size) for w, font in words]
    space = pymupdf.Font("tiro").text_length(" ", size)
    gap = space if last or len(words) < 2 else (x1 - x0 - sum(widths)) / (len(words) - 1)
    x = x0
    for (word, font), width in zip(words, widths):
        tw.append((x, y), word, font=font, fontsize=size)
        x += width + gap


def write_paragraph(tw: pymupdf.TextWriter, text: str, x0: float, x1: float, y: float, size: float = 10,
                    math: str | None = None) -> float:
    """Justified lines of ``text`` (the word MATH becomes ``math`` in the Symbol font); returns the next y."""
    regular, symbol = pymupdf.Font("tiro"), pymupdf.Font("symb")
    words = [(math, symbol) if w == "MATH" and math else (w, regular) for w in text.split()]
    line: list[tuple[str, pymupdf.Font]] = []
    space = regular.text_length(" ", size)
    for word in words:
        width = sum(f.text_length(w, size) for w, f in line + [word]) + space * len(line)
        if line and width > x1 - x0:
            _justified(tw, line, x0, x1, y, size, last=False)
            line, y = [], y + 1.2 * size
        line.append(word)
    _justified(tw, line, x0, x1, y, size, last=True)
    return y + 1.2 * size


def make_paper(path: Path, pages: int = 2, references: bool = True) -> Path:
    """A small one-column paper: title, headings, justified paragraphs, inline math, page numbers, references."""
    doc = pymupdf.open()
    bold = pymupdf.Font("tibo")
    for n in range(pages):
        page = doc.new_page(width=612, height=792)
        tw = pymupdf.TextWriter(page.rect)
        y = 90.0
        if n == 0:
            title = "A Study of Synthetic Documents"
            tw.append(((612 - bold.text_length(title, 17)) / 2, y), title, font=bold, fontsize=17)
            y += 40
        tw.append((72, y), f"{n + 1} Section Number {n + 1}", font=bold, fontsize=12)
        y += 22
        y = write_paragraph(tw, SENTENCES + "The loss uses MATH as the temperature of the policy. " + SENTENCES,
                            72, 540, y, math="β") + 8
        y = write_paragraph(tw, "The second paragraph starts here and explains the setting in a few more "
                            "words so that it spans several lines. " + SENTENCES, 72, 540, y)
        if n == pages - 1 and references:
            y += 14
            tw.append((72, y), "References", font=bold, fontsize=12)
            y += 20
            for i in range(3):
                tw.append((72, y), f"[{i + 1}] A. Author and B. Writer. A paper title number {i}. In Proceedings, "
                          "2023.", font=pymupdf.Font("tiro"), fontsize=9)
                y += 12
        tw.append((300, 750), str(n + 1), font=pymupdf.Font("tiro"), fontsize=10)
        tw.write_text(page)
    doc.save(path)
    return path


def read(path: Path, pages: str | None = None):
    doc = PdfReader(pages=pages).read(path.parent, path.name)
    mask_document(doc)
    return doc


@pytest.mark.parametrize("spec,count,expected", [
    (None, 4, [0, 1, 2, 3]), ("1-2", 4, [0, 1]), ("2,4", 4, [1, 3]), ("3-", 5, [2, 3, 4]), ("-2", 5, [0, 1]),
    ("2-9", 3, [1, 2]), (" 1 - 1 ", 3, [0]),
])
def test_parse_pages(spec, count, expected):
    assert parse_pages(spec, count) == expected


@pytest.mark.parametrize("spec", ["a-b", "5-3", "0", "9", "1;2"])
def test_parse_pages_rejects(spec):
    with pytest.raises(ConfigError, match="--pages"):
        parse_pages(spec, 4)


def test_segments_of_a_synthetic_paper(tmp_path):
    doc = read(make_paper(tmp_path / "paper.pdf", pages=2))
    kinds = [s.kind for s in doc.segments()]
    assert kinds.count("title") == 1 and doc.title == "A Study of Synthetic Documents"
    headings = [s for s in doc.segments() if s.kind == "heading"]
    assert [s.source for s in headings] == ["1 Section Number 1", "2 Section Number 2", "References"]
    assert headings[0].attrs.level == 2
    paragraphs = [s for s in doc.segments() if s.kind == "paragraph"]
    assert len(paragraphs) == 4  # two per page, each merged over its lines
    assert all(s.source.startswith(("Large language", "The second")) for s in paragraphs)
    math = [s for s in paragraphs if "β" in s.source]
    assert len(math) == 2 and all(s.source[sp.start:sp.end] == "β" and sp.kind == "math"
                                  for s in math for sp in s.spans)
    assert all("<x1/> as the temperature" in s.masked for s in math)
    everything = " ".join(s.source for s in doc.segments())
    assert "Proceedings" not in everything  # the reference list is left alone
    assert not any(s.source.strip() in ("1", "2") for s in doc.segments())  # page numbers too
    for seg in doc.segments():
        layout = seg.locator.layout
        assert seg.locator.page == layout[0].page + 1 and layout[0].rows
        assert seg.locator.bbox is not None and all(isinstance(v, float) for v in seg.locator.bbox)


def test_linked_title_is_prose_and_linked_reference_an_atom(tmp_path):
    """A table of contents line is one internal link; so is "Section 2". The line is translated (it was kept
    whole as a reference: "no text to translate"), the reference stays byte-identical."""
    path = make_paper(tmp_path / "plain.pdf", pages=2, references=False)
    with pymupdf.open(path) as doc:
        page = doc[0]
        tw = pymupdf.TextWriter(page.rect)
        toc = "1.1 Overview of the synthetic documents . . . . . . . 2"
        tw.append((72, 640), toc, font=pymupdf.Font("tiro"), fontsize=10)
        write_paragraph(tw, "The setting is described in Section 2 and we explain it again with more words here.",
                        72, 540, 680)
        tw.write_text(page)
        for text in ("1.1 Overview of the synthetic documents", "Section 2"):
            rect = page.search_for(text)[0]
            page.insert_link({"kind": pymupdf.LINK_GOTO, "from": rect, "page": 1, "to": pymupdf.Point(72, 90)})
        doc.save(tmp_path / "paper.pdf")
    segments = read(tmp_path / "paper.pdf").segments()
    line = next(s for s in segments if "Overview" in s.source)
    assert "Overview of the synthetic documents" in line.masked and not any(sp.kind == "ref" for sp in line.spans)
    prose = next(s for s in segments if "described in" in s.source)
    refs = [prose.source[sp.start:sp.end].strip() for sp in prose.spans if sp.kind == "ref"]
    assert refs == ["Section 2"], refs


def test_paragraph_runs_over_a_page_break_and_is_dehyphenated(tmp_path):
    path = tmp_path / "paper.pdf"
    doc = pymupdf.open()
    font = pymupdf.Font("tiro")
    for n, text in enumerate(["The first page ends in the middle of a sentence that goes on to the next page with "
                              "a hyphen-", "ated word and then the sentence ends here."]):
        page = doc.new_page(width=612, height=792)
        tw = pymupdf.TextWriter(page.rect)
        words = [(w, font) for w in text.split()]
        _justified(tw, words, 72, 540, 700 if n == 0 else 90, 10, last=n == 1)
        tw.write_text(page)
    doc.save(path)
    segs = list(read(path).segments())
    assert len(segs) == 1
    assert "hyphenated word" in segs[0].source
    assert [p.page for p in segs[0].locator.layout] == [0, 1]


def test_page_selection_reads_only_those_pages(tmp_path):
    path = tmp_path / "long.pdf"
    doc = pymupdf.open()
    for n in range(300):
        page = doc.new_page(width=612, height=792)
        page.insert_text((72, 100), f"Page {n + 1} holds a sentence of ordinary prose to translate.", fontsize=10)
    doc.save(path)
    result = read(path, pages="1-5")
    assert {s.locator.page for s in result.segments()} == {1, 2, 3, 4, 5}
    assert result.pdf.selection == [0, 1, 2, 3, 4] and result.pdf.page_count == 300 and result.meta["pages"] == "0,1,2,3,4"


def _image_only(path: Path) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=300, height=300)
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 60), 0)
    pix.set_rect(pix.irect, (200, 30, 30))
    page.insert_image(pymupdf.Rect(20, 20, 280, 280), pixmap=pix)
    doc.save(path)
    return path


def _encrypted(path: Path, user_pw: str) -> Path:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "A secret sentence that nobody may read.")
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw=user_pw)
    return path


@pytest.mark.parametrize("build,message", [
    (lambda p: (p.write_bytes(b""), p)[1], "empty file"),
    (lambda p: (p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8), p)[1], "not a readable PDF|no pages"),
    (lambda p: (p.write_bytes(b"this is not a pdf at all"), p)[1], "not a readable PDF|no pages"),
    (lambda p: _encrypted(p, "secret"), "encrypted PDF"),
    (_image_only, r"no text layer \(OCR is not available\)"),
])
def test_bad_input(tmp_path, build, message):
    path = build(tmp_path / "bad.pdf")
    with pytest.raises(InputError, match=message):
        PdfReader().read(path.parent, path.name)


def test_owner_password_only_opens_with_an_empty_password(tmp_path):
    path = _encrypted(tmp_path / "locked.pdf", "")
    segs = list(PdfReader().read(path.parent, path.name).segments())
    assert segs and "secret sentence" in segs[0].source


def test_layout_classifier_can_be_replaced(tmp_path):
    class Everything:
        def classify(self, layout, stats, state):
            for row in layout.rows:
                row.role = "footnote" if not row.rotated else "furniture"

    path = make_paper(tmp_path / "paper.pdf", pages=1)
    doc = PdfReader(classifier=Everything()).read(path.parent, path.name)
    assert {s.kind for s in doc.segments()} == {"footnote"}


CORPUS_PDFS = sorted((CORPUS / "arxiv").glob("*/paper.pdf")) if (CORPUS / "arxiv").is_dir() else []


@pytest.mark.skipif(not CORPUS_PDFS, reason="shared corpus not available")
def test_corpus_first_pages():
    """Every corpus PDF: a title, an abstract, headings and paragraphs with protected spans; no crash."""
    for pdf in CORPUS_PDFS:
        doc = read(pdf, pages="1-2")
        kinds = {s.kind for s in doc.segments()}
        assert {"heading", "paragraph"} <= kinds, pdf
        assert doc.title or pdf.parent.name in ("2401.01055v2", "2401.08417v3", "2401.10225v1", "2402.05120v1",
                                                 "2403.10131v1"), pdf
        prose = sum(len(s.source) for s in doc.segments() if s.kind in ("paragraph", "abstract"))
        assert prose > 3000, pdf
        for seg in doc.segments():
            assert seg.masked and all(0 <= sp.start < sp.end <= len(seg.source) for sp in seg.spans), seg.id
