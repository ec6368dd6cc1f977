"""PDF path (issue 10, requirement 7): paragraphs over column and page breaks, multi-line captions and
footnotes are one segment each, translated in every box; every English line left is in the report."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from conftest import CORPUS
from standin import Standin, fidelity, tools_available

from arxiv_translator.readers.pdf import PdfReader
from arxiv_translator.prose import prose_words

TEXT = ("Preference learning aligns a language model with what people want from it, and the simplest methods "
        "avoid reinforcement learning altogether by fitting the policy to pairs of answers directly. "
        "We describe how such a method behaves when the data are noisy, when the model is small, and when "
        "the answers differ only in style rather than in substance, which is common in practice. ")
CAPTION = ("Figure 1: Accuracy of the policy against the number of training pairs, for three model sizes and "
           "two data sources; the shaded region shows the spread over five random seeds of every run.")
FOOTNOTE = ("1 The footnote explains where the training pairs come from and why the authors filtered "
            "the noisy ones before training.")
FIRST = " ".join(TEXT.split()[:60]) + "."
OVER_COLUMNS = " ".join((TEXT * 7).split())
OVER_PAGES = " ".join((TEXT * 4).split()[7:])
REGULAR = "tiro"
COLUMNS = ((72.0, 296.0), (316.0, 540.0))
TOP, BOTTOM = 90.0, 640.0


def _lines(words: list[str], width: float, size: float) -> list[list[str]]:
    font = pymupdf.Font(REGULAR)
    space = font.text_length(" ", size)
    lines: list[list[str]] = [[]]
    for word in words:
        if lines[-1] and font.text_length(" ".join(lines[-1] + [word]), size) + space > width:
            lines.append([])
        lines[-1].append(word)
    return lines


def _set(tw: pymupdf.TextWriter, line: list[str], x0: float, x1: float, y: float, size: float, last: bool) -> None:
    font = pymupdf.Font(REGULAR)
    widths = [font.text_length(w, size) for w in line]
    gap = font.text_length(" ", size) if last or len(line) < 2 else (x1 - x0 - sum(widths)) / (len(line) - 1)
    x = x0
    for word, w in zip(line, widths):
        tw.append((x, y), word, font=font, fontsize=size)
        x += w + gap


def _flow(frames: list[tuple[pymupdf.TextWriter, float, float, float, int]], text: str, size: float = 10) -> float:
    """Justified lines of ``text`` over frames (writer, x0, x1, first baseline, lines); returns the next baseline."""
    lines = _lines(text.split(), frames[0][2] - frames[0][1], size)
    n = y = 0
    for tw, x0, x1, y, count in frames:
        for _ in range(count):
            if n == len(lines):
                return y
            _set(tw, lines[n], x0, x1, y, size, last=n == len(lines) - 1)
            n, y = n + 1, y + 1.2 * size
    assert n == len(lines), "the frames hold too few lines"
    return y


def _room(y: float) -> int:
    """Lines of body text from baseline ``y`` down to the bottom margin."""
    return int((BOTTOM - y) / 12) + 1


def make_two_columns(path: Path) -> Path:
    """Two pages, two columns: a paragraph over the column break, one over the page break, a figure with a
    multi-line caption and a two-line footnote."""
    doc = pymupdf.open()
    for _ in range(2):
        doc.new_page(width=612, height=792)
    pages = [doc[0], doc[1]]
    writers = [pymupdf.TextWriter(p.rect) for p in pages]
    (a0, a1), (b0, b1) = COLUMNS
    y = _flow([(writers[0], a0, a1, TOP, 40)], FIRST) + 4
    # the rest of column 1: a paragraph that goes on at the top of column 2
    y = _flow([(writers[0], a0, a1, y, _room(y)), (writers[0], b0, b1, TOP, 60)], OVER_COLUMNS)
    # a figure (a drawn box) and its caption of several lines
    pages[0].draw_rect(pymupdf.Rect(b0 + 20, y + 4, b1 - 20, y + 80), color=(0, 0, 0), width=1)
    y = _flow([(writers[0], b0, b1, y + 94, 8)], CAPTION, size=9) + 8
    # a paragraph that runs to the bottom of column 2 and goes on on page 2
    _flow([(writers[0], b0, b1, y, _room(y)), (writers[1], a0, a1, TOP, 60)], OVER_PAGES)
    # a two-line footnote under column 1
    _flow([(writers[0], a0, a1, 700, 3)], FOOTNOTE, size=8)
    for n, tw in enumerate(writers):
        tw.append((300, 760), str(n + 1), font=pymupdf.Font(REGULAR), fontsize=9)
        tw.write_text(pages[n])
    doc.save(path)
    return path


def test_reader_makes_one_segment_per_paragraph_caption_and_footnote(tmp_path):
    doc = PdfReader().read(tmp_path, make_two_columns(tmp_path / "two.pdf").name)
    segments = list(doc.segments())
    by_start = {s.source[:40]: s for s in segments}
    paragraphs = [s for s in segments if s.kind == "paragraph"]
    assert [s.source for s in paragraphs] == [FIRST, OVER_COLUMNS, OVER_PAGES], [s.source[:60] for s in paragraphs]
    _, over_columns, over_pages = paragraphs
    parts = over_columns.locator.layout
    assert [p.page for p in parts] == [0, 0] and parts[0].box[0] < 300 < parts[1].box[0]
    parts = over_pages.locator.layout
    assert [p.page for p in parts] == [0, 1]
    captions = [s for s in segments if s.kind == "caption"]
    assert [c.source for c in captions] == [CAPTION], by_start.keys()
    footnotes = [s for s in segments if s.kind == "footnote"]
    assert [f.source for f in footnotes] == [FOOTNOTE]


def _translate(src: Path, out: Path, base_url: str, pages: str | None = None) -> dict:
    env = {**os.environ, "OPENAI_API_KEY": "sk-test", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    cmd = [sys.executable, "-m", "arxiv_translator.cli", "translate", str(src), "--engine", "openai",
           "--base-url", base_url, "--model", "standin", "--out", str(out)] + (["--pages", pages] if pages else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.mark.skipif(not tools_available(), reason="../shared/tools not available")
def test_every_box_is_translated_and_english_lines_are_listed(tmp_path):
    src = make_two_columns(tmp_path / "two.pdf")
    with Standin() as llm:
        report = _translate(src, tmp_path / "out", llm.base_url)
    ko = pymupdf.open(tmp_path / "out" / "paper.ko.pdf")
    left = [(n + 1, line) for n, page in enumerate(ko) for line in page.get_text().splitlines()
            if prose_words(line)]
    english = report["output_info"]["pdf"]["pdf"]["english"]
    # nothing of the paragraphs, the caption or the footnote is left in English, in either box
    assert not left, left
    assert english["lines"] == 0 and english["list"] == []
    assert report["output_info"]["pdf"]["pdf"]["translated"] == 5


def test_english_lines_left_are_listed_with_page_and_reason(tmp_path):
    """A table row and a formula's words stay English: each listed, on its page, with its reason."""
    src = tmp_path / "kept.pdf"
    doc = pymupdf.open()
    for n in range(2):
        page = doc.new_page(width=612, height=792)
        tw = pymupdf.TextWriter(page.rect)
        _flow([(tw, 72, 540, 100, 20)], TEXT.strip())
        for i, row in enumerate(("Method", "Accuracy", "Steps")):
            for j, cell in enumerate((row, "baseline", "tuned", "final")):
                tw.append((100 + 110 * j, 300 + 14 * i), cell, font=pymupdf.Font(REGULAR), fontsize=9)
        tw.write_text(page)
        page.draw_line((90, 290), (520, 290))
        page.draw_line((90, 345), (520, 345))
    doc.save(src)
    if not tools_available():
        pytest.skip("../shared/tools not available")
    with Standin() as llm:
        report = _translate(src, tmp_path / "out", llm.base_url)
    english = report["output_info"]["pdf"]["pdf"]["english"]
    ko = pymupdf.open(tmp_path / "out" / "paper.ko.pdf")
    expected = sorted((n + 1, " ".join(line.split())) for n, page in enumerate(ko)
                      for line in page.get_text().splitlines() if prose_words(line))
    assert expected, "the table should stay English"
    listed = sorted((item["page"], item["text"]) for item in english["list"])
    assert [t for _, t in listed] and {p for p, _ in listed} == {1, 2}
    assert english["lines"] == len(english["list"]) == sum(english["by_reason"].values())
    assert english["words"] == sum(len(prose_words(t)) for _, t in listed)
    assert all(item["reason"] for item in english["list"])
    assert all(re.search(r"baseline|tuned|final|Method|Accuracy|Steps", t) for _, t in listed)


#: Corpus PDFs -> the most English words (fidelity.py pdf, first 3 pages) left, as a share of the source's.
#: Measured with the stand-in on 2026-11-30: before this change 10.1 %, 2.7 %, 2.1 %; after 8.3 %, 2.6 %, 2.1 %
#: (2401.08417v3: its footnotes were read as one long citation link and kept whole).
CORPUS_BOUNDS = {"2401.08417v3": 0.09, "2401.01055v2": 0.027, "2305.18290v2": 0.025}


@pytest.mark.skipif(not tools_available() or not (CORPUS / "arxiv").is_dir(), reason="tools or corpus missing")
def test_corpus_pdfs_first_pages_words_left(tmp_path):
    with Standin() as llm:
        for name, bound in CORPUS_BOUNDS.items():
            src = CORPUS / "arxiv" / name / "paper.pdf"
            out = tmp_path / name
            report = _translate(src, out, llm.base_url, pages="1-3")
            left, total = fidelity("pdf", src, out / "paper.ko.pdf")["words left on the first pages"]
            assert total > 500 and left <= bound * total, (name, left, total)
            english = report["output_info"]["pdf"]["pdf"]["english"]
            assert english["lines"] == len(english["list"]) > 0
            assert {item["page"] for item in english["list"]} <= {1, 2, 3}
            assert all(item["reason"] != "not read as text" or item["words"] <= 3 for item in english["list"])


def test_layout_model_classifier_agrees_on_prose_and_rescues_only_running_words(tmp_path):
    from arxiv_translator.readers.pdf_model import ModelClassifier, _prose, page_regions

    src = make_two_columns(tmp_path / "two.pdf")
    model = ModelClassifier()
    with_model = PdfReader(classifier=model).read(tmp_path, src.name)
    plain = PdfReader().read(tmp_path, src.name)
    assert model.pdf is not None  # the reader handed it the document
    with pymupdf.open(src) as pdf:
        kinds = {r[4] for r in page_regions(pdf[0])}
    assert "text" in kinds
    assert [(s.kind, s.source) for s in with_model.segments()] == [(s.kind, s.source) for s in plain.segments()]
    assert _prose("we fit the policy to pairs of answers directly")
    assert not _prose("Rafael Rafailov Archit Sharma Eric Mitchell Stefano Ermon")
    assert not _prose("p(y | x) = exp (r(x, y1)) exp (r(x, y1)) + exp (r(x, y2)) exp")
