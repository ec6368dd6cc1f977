"""The PDF writer: Korean in the English boxes, formulas and furniture untouched, dual PDF, bookmarks, links."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pymupdf
import pytest
from conftest import CORPUS

from arxiv_translator.cli import main
from arxiv_translator.config import Settings
from arxiv_translator.engines import create_engine
from arxiv_translator.errors import InputError
from arxiv_translator.glossary import Glossary
from arxiv_translator.pipeline import Job, run
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.pdf import PdfReader
from arxiv_translator.readers.pdf_classify import HeuristicClassifier, ReadState, collect_stats
from arxiv_translator.readers.pdf_layout import extract_page
from arxiv_translator.readers.pdf_math import is_math_font
from arxiv_translator.translation.translator import TranslateOptions, Translator
from arxiv_translator.writers.base import WriteJob
from arxiv_translator.writers.pdf.output import PdfOutput

PDFS = sorted((CORPUS / "arxiv").glob("*/paper.pdf")) if (CORPUS / "arxiv").is_dir() else []
#: Two small papers run whole through the pipeline (references and page numbers included).
WHOLE = [p for p in PDFS if p.parent.name in ("2402.14714v1", "2404.03414v1")]
WORD = re.compile(r"^[A-Za-z]{3,}$")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def translate_pdf(pdf: Path, out: Path, pages: str | None = None, dual: str = "side"):
    """Reader, pseudo engine and PDF writer, without the other writers of the pipeline."""
    settings = Settings(engine="pseudo", compile=False, pages=pages, dual=dual)
    reader = PdfReader(pages=pages)
    doc = reader.read(pdf.parent, pdf.name)
    mask_document(doc, collapse_space=reader.collapse_space)
    Translator(create_engine("pseudo", settings.engine_settings()), Glossary.load(None, "ko"),
               TranslateOptions()).run(doc)
    out.mkdir(parents=True)
    writer = PdfOutput()
    result = writer.write(WriteJob(doc=doc, out=out, source_root=pdf.parent, work=out / ".work", logs=out,
                                   pseudo=True, settings=settings))
    return doc, result, writer


def _words(page: pymupdf.Page, boxes: list) -> list[str]:
    found = []
    for x0, y0, x1, y1, word, *_ in page.get_text("words"):
        word = word.strip(".,;:()[]“”\"'’‘")
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if WORD.match(word) and any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes):
            found.append(word)
    return found


def _math_glyphs(page: pymupdf.Page) -> Counter:
    found: Counter = Counter()
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", ()):
            for span in line["spans"]:
                if is_math_font(span["font"]):
                    found.update((span["font"], c) for c in span["text"] if c.strip())
    return found


def check_output(doc, writer: PdfOutput, out: Path) -> None:
    """The checks of issue 4 on one translated PDF."""
    selection = [int(p) for p in doc.meta["pages"].split(",")]
    original, ko = pymupdf.open(doc.source_path), pymupdf.open(out / "paper.ko.pdf")
    assert ko.page_count == len(selection)
    total = left = 0
    kept_english = {w.strip(".,;:()[]") for seg in doc.segments() if seg.translation  # glossary terms, acronyms
                    for w in re.sub(r"<[^>]+>", " ", seg.target_masked or "").split()}
    for i, pno in enumerate(selection):
        prose_boxes, atom_words = [], set()
        for seg in doc.segments():
            if seg.kind in ("paragraph", "abstract", "item"):
                prose_boxes += [p.box for p in seg.locator.layout if p.page == pno]
                atom_words.update(w.strip(".,;:()[]") for sp in seg.spans for w in seg.source[sp.start:sp.end].split())
        before = [w for w in _words(original[pno], prose_boxes) if w not in atom_words]
        after = [w for w in _words(ko[i], prose_boxes) if w not in atom_words and w not in kept_english]
        total, left = total + len(before), left + len(after)
        assert _math_glyphs(ko[i]) == _math_glyphs(original[pno]), f"page {pno + 1}: formula glyphs changed"
        boxes = writer.boxes.get(i, [])
        rect = ko[i].rect
        for n, b in enumerate(boxes):
            assert rect.x0 <= b[0] < b[2] <= rect.x1 and rect.y0 <= b[1] < b[3] <= rect.y1
            for other in boxes[n + 1:]:
                assert min(b[2], other[2]) - max(b[0], other[0]) <= 2 or min(b[3], other[3]) - max(b[1], other[1]) <= 2
        native = {w[4] for w in original[pno].get_text("words") if HANGUL.search(w[4])}  # papers about Korean
        for x0, y0, x1, y1, word, *_ in ko[i].get_text("words"):
            if HANGUL.search(word) and word not in native:
                cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
                assert any(b[0] - 2 <= cx <= b[2] + 2 and b[1] - 2 <= cy <= b[3] + 2 for b in boxes), (pno, word)
    assert total > 200 and 1 - left / total >= 0.95, (total, left)
    dual = pymupdf.open(out / "paper.dual.pdf")
    assert dual.page_count == ko.page_count
    for i in (0, ko.page_count - 1):
        page, w = dual[i], ko[i].rect.width
        assert abs(page.rect.width - 2 * w) < 0.5 and abs(page.rect.height - ko[i].rect.height) < 0.5
        assert HANGUL.search(page.get_text(clip=pymupdf.Rect(w, 0, 2 * w, page.rect.height)))
        left_text = page.get_text(clip=pymupdf.Rect(0, 0, w - 1, page.rect.height))
        assert len(HANGUL.findall(left_text)) == len(HANGUL.findall(original[selection[i]].get_text()))


def not_blank(pdf: Path, page: int, tmp: Path) -> float:
    """Share of non-white pixels of a page rendered by pdftoppm (poppler)."""
    prefix = f"r-{pdf.stem}-{page}"
    subprocess.run(["pdftoppm", "-gray", "-r", "30", "-f", str(page), "-l", str(page), str(pdf), str(tmp / prefix)],
                   check=True, capture_output=True)
    data = next(tmp.glob(prefix + "*.pgm")).read_bytes()
    pixels = data.split(b"\n", 3)[3]
    return sum(1 for b in pixels if b < 200) / max(1, len(pixels))


@pytest.mark.skipif(not PDFS, reason="shared corpus not available")
@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.parent.name)
def test_corpus_pdf_first_pages(tmp_path, pdf):
    doc, result, writer = translate_pdf(pdf, tmp_path / "out", pages="1-2")
    check_output(doc, writer, tmp_path / "out")
    info = result.info["pdf"]
    assert [p["page"] for p in info["pages"]] == [1, 2]
    assert sum(p["translated"] for p in info["pages"]) >= 8
    assert sum(len(s.spans) for s in doc.segments()) > 0


@pytest.mark.skipif(not WHOLE, reason="shared corpus not available")
@pytest.mark.parametrize("pdf", WHOLE, ids=lambda p: p.parent.name)
def test_whole_paper_through_the_pipeline(tmp_path, pdf):
    out = tmp_path / "out"
    report = run(Job(source=pdf, settings=Settings(engine="pseudo", compile=False), out=out))
    assert "paper.ko.pdf" in report["outputs"]["pdf"] and (out / "paper.dual.pdf").is_file()
    assert report["protected"].get("math", 0) + report["protected"].get("cite", 0) > 20
    original, ko = pymupdf.open(pdf), pymupdf.open(out / "paper.ko.pdf")
    assert ko.page_count == original.page_count
    assert all("not a real translation" in page.get_text() for page in ko)  # the pseudo banner
    stats = collect_stats(original, list(range(original.page_count)))
    state, kept = ReadState(), 0
    for pno in range(original.page_count):  # the reference list and page numbers are untouched
        layout = extract_page(original[pno], stats.body_font, stats.body_size)
        HeuristicClassifier().classify(layout, stats, state)
        before, after = original[pno].get_text("words"), ko[pno].get_text("words")
        for row in layout.rows:
            if row.role in ("reference", "furniture") and not row.rotated:
                assert _inside(after, row.bbox) == _inside(before, row.bbox), (pno, row.text)
                kept += 1
    assert kept > 20
    for pno in (0, original.page_count // 2):
        assert not_blank(out / "paper.ko.pdf", pno + 1, tmp_path) > 0.02


def _inside(words: list, box: tuple) -> list[str]:
    return [w[4] for w in words if box[0] <= (w[0] + w[2]) / 2 <= box[2] and box[1] <= (w[1] + w[3]) / 2 <= box[3]]


def make_outlined(path: Path) -> Path:
    """Two pages with headings, paragraphs, a link on a citation and bookmarks."""
    doc = pymupdf.open()
    regular, bold = pymupdf.Font("tiro"), pymupdf.Font("tibo")
    for n in range(2):
        page = doc.new_page(width=612, height=792)
        tw = pymupdf.TextWriter(page.rect)
        tw.append((72, 90), f"{n + 1} Heading Number {n + 1}", font=bold, fontsize=12)
        y = 115
        for line in ("The method is described in a section of ordinary prose that runs over lines and",
                     "cites earlier work [7] before it ends with a full stop."):
            tw.append((72, y), line, font=regular, fontsize=10)
            y += 12
        tw.write_text(page)
    hit = doc[0].search_for("[7]")[0]
    doc[0].insert_link({"kind": pymupdf.LINK_GOTO, "from": hit, "page": 1, "to": pymupdf.Point(72, 90)})
    doc.set_toc([[1, "1 Heading Number 1", 1], [1, "2 Heading Number 2", 2]])
    doc.save(path)
    return path


def test_bookmarks_links_and_alternate_dual(tmp_path):
    pdf = make_outlined(tmp_path / "outlined.pdf")
    doc, result, _writer = translate_pdf(pdf, tmp_path / "out", dual="alternate")
    ko = pymupdf.open(tmp_path / "out" / "paper.ko.pdf")
    toc = ko.get_toc()
    assert [entry[2] for entry in toc] == [1, 2]
    assert all(HANGUL.search(title) for _lvl, title, _page in toc)
    links = ko[0].get_links()
    assert len(links) == 1 and links[0]["page"] == 1
    assert "7" in ko[0].get_textbox(links[0]["from"] + (-1, -1, 1, 1))
    assert HANGUL.search(ko[0].get_text())
    dual = pymupdf.open(tmp_path / "out" / "paper.dual.pdf")
    assert dual.page_count == 4 and not HANGUL.search(dual[0].get_text()) and HANGUL.search(dual[1].get_text())
    assert result.info["pdf"]["dual"] == "alternate"


def test_long_pdf_with_a_page_selection(tmp_path):
    pdf = tmp_path / "long.pdf"
    doc = pymupdf.open()
    for n in range(300):
        doc.new_page(width=612, height=792).insert_text(
            (72, 100), f"Page {n + 1} carries one sentence of ordinary prose for the test.", fontsize=10)
    doc.save(pdf)
    _doc, result, _writer = translate_pdf(pdf, tmp_path / "out", pages="1-5")
    assert pymupdf.open(tmp_path / "out" / "paper.ko.pdf").page_count == 5
    assert pymupdf.open(tmp_path / "out" / "paper.dual.pdf").page_count == 5
    assert [p["translated"] for p in result.info["pdf"]["pages"]] == [1, 1, 1, 1, 1]


def test_pages_option_through_the_cli(tmp_path):
    pdf = tmp_path / "long.pdf"
    doc = pymupdf.open()
    for n in range(300):
        doc.new_page(width=612, height=792).insert_text((72, 100), f"Page {n + 1} has one sentence.", fontsize=10)
    doc.save(pdf)
    code = main(["translate", str(pdf), "--engine", "pseudo", "--no-compile", "--out", str(tmp_path / "o"),
                 "--pages", "2-4", "--dual", "alternate", "--quiet"])
    assert code == 0
    assert pymupdf.open(tmp_path / "o" / "paper.ko.pdf").page_count == 3
    assert pymupdf.open(tmp_path / "o" / "paper.dual.pdf").page_count == 6


def test_overflow_keeps_the_english_and_is_reported(tmp_path):
    pdf = tmp_path / "tight.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 100), "Short words fit.", fontsize=10)
    page.insert_text((72, 140), "Another line here.", fontsize=10)
    doc.save(pdf)
    reader = PdfReader()
    read = reader.read(pdf.parent, pdf.name)
    mask_document(read)
    for seg in read.segments():  # a translation far longer than the box
        seg.target_masked = seg.translation = "아주 긴 번역문" * 60
        seg.status = seg.status.TRANSLATED
    out = tmp_path / "out"
    out.mkdir()
    result = PdfOutput().write(WriteJob(doc=read, out=out, source_root=tmp_path, work=out, logs=out, pseudo=True,
                                        settings=Settings(engine="pseudo")))
    assert len(result.info["pdf"]["overflow"]) == 2 and result.warnings
    assert "Short words fit." in pymupdf.open(out / "paper.ko.pdf")[0].get_text()


@pytest.mark.parametrize("content", [b"", b"%PDF-1.4 broken"])
def test_bad_pdf_through_the_cli(tmp_path, content, capsys):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    code = main(["translate", str(bad), "--engine", "pseudo", "--no-compile", "--out", str(tmp_path / "o"),
                 "--quiet"])
    assert code == InputError.exit_code
    assert "bad.pdf" in capsys.readouterr().err


def test_scanned_pdf_through_the_pipeline(tmp_path):
    pdf = tmp_path / "scan.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=200, height=200)
    pixmap = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 8, 8), 0)
    page.insert_image(pymupdf.Rect(10, 10, 190, 190), pixmap=pixmap)
    doc.save(pdf)
    with pytest.raises(InputError, match="OCR is not available"):
        run(Job(source=pdf, settings=Settings(engine="pseudo", compile=False), out=tmp_path / "o"))
    assert not (tmp_path / "o").exists()


@pytest.mark.skipif(shutil.which("pdftoppm") is None or not PDFS, reason="needs poppler and the corpus")
def test_rendered_pages_are_not_blank(tmp_path):
    pdf = next(p for p in PDFS if p.parent.name == "2305.18290v2")
    translate_pdf(pdf, tmp_path / "out", pages="1-4")
    for page in (1, 4):
        assert not_blank(tmp_path / "out" / "paper.ko.pdf", page, tmp_path) > 0.02
    assert not_blank(tmp_path / "out" / "paper.dual.pdf", 2, tmp_path) > 0.02
