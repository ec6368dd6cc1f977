"""Benchmark the PDF path (reader and writer) on the corpus PDFs, engine excluded.

For each ``paper.pdf`` the reader runs on every page, the ``pseudo`` engine
fills the translations (not timed), and the PDF writer writes
``paper.ko.pdf`` and ``paper.dual.pdf``.  Prints, per paper:

* pages, segments;
* read_s, read_s/page: wall seconds of the reader;
* write_s, write_s/page: wall seconds of the writer, font subsetting included;
* font_s: of which subsetting the Korean fonts (fontTools);
* total_s: read + write (the target: a 40-page paper in under 10 s on 2 cores);
* translated / overflow / blocked blocks.

Each paper runs in a child process, so the subset cache is cold and the
child's peak resident memory (ru_maxrss) is the paper's own; ``--synthetic N``
adds a generated N-page PDF (bounded memory on long documents).

Usage: python3 bench/bench_pdf.py [--papers ID ...] [--synthetic 1000] [CORPUS_ARXIV_DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one(pdf: Path, pages: str | None) -> dict:
    """Read, pseudo-translate and write one PDF; the timings as a dict."""
    from arxiv_translator.config import Settings
    from arxiv_translator.engines import create_engine
    from arxiv_translator.glossary import Glossary
    from arxiv_translator.protect import mask_document
    from arxiv_translator.readers.pdf import PdfReader
    from arxiv_translator.translation.translator import TranslateOptions, Translator
    from arxiv_translator.writers.pdf import fonts as pdf_fonts
    from arxiv_translator.writers.base import WriteJob
    from arxiv_translator.writers.pdf.output import PdfOutput

    settings = Settings(engine="pseudo", compile=False, pages=pages)
    t0 = time.perf_counter()
    doc = PdfReader(pages=pages).read(pdf.parent, pdf.name)
    mask_document(doc)
    read_s = time.perf_counter() - t0
    Translator(create_engine("pseudo", settings.engine_settings()), Glossary.load(None, "ko"),
               TranslateOptions()).run(doc)
    font_s = 0.0
    subset = pdf_fonts.subset_font

    def timed_subset(*args, **kwargs):
        nonlocal font_s
        t = time.perf_counter()
        try:
            return subset(*args, **kwargs)
        finally:
            font_s += time.perf_counter() - t

    pdf_fonts.subset_font = timed_subset
    import arxiv_translator.writers.pdf.output as output
    output.subset_font = timed_subset
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t1 = time.perf_counter()
        result = PdfOutput().write(WriteJob(doc=doc, out=out, source_root=pdf.parent, work=out, logs=out,
                                            pseudo=True, settings=settings))
        write_s = time.perf_counter() - t1
    info = result.info["pdf"]
    n = len(doc.meta["pages"].split(","))
    return {"pages": n, "segments": sum(1 for _ in doc.segments()), "read_s": read_s, "write_s": write_s,
            "font_s": font_s, "translated": info["translated"], "overflow": len(info["overflow"]),
            "blocked": len(info["blocked"]), "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def synthetic(path: Path, pages: int) -> Path:
    """A long PDF of ordinary prose pages (two paragraphs and a page number each)."""
    import pymupdf

    doc = pymupdf.open()
    text = ("This page of a long report holds ordinary prose about language models, their training data and "
            "their evaluation, written so that every line is a full line of text. ") * 6
    for n in range(pages):
        page = doc.new_page(width=612, height=792)
        page.insert_textbox(pymupdf.Rect(72, 72, 540, 400), text, fontsize=10, fontname="tiro", align=3)
        page.insert_textbox(pymupdf.Rect(72, 420, 540, 700), text, fontsize=10, fontname="tiro", align=3)
        page.insert_text((300, 750), str(n + 1), fontsize=10, fontname="tiro")
    doc.save(path)
    return path


def child(pdf: Path, pages: str | None) -> tuple[dict, float]:
    """Run :func:`one` in a child process; its result and its peak resident memory in MiB."""
    args = [sys.executable, __file__, "--one", str(pdf)] + (["--pages", pages] if pages else [])
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result, result["peak_mib"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus" / "arxiv")
    parser.add_argument("--papers", nargs="*", default=None, help="arXiv ids (folder names) to run")
    parser.add_argument("--pages", default=None, help="page selection, e.g. 1-10")
    parser.add_argument("--synthetic", type=int, default=0, help="also run a generated PDF of N pages")
    parser.add_argument("--one", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.pages)))
        return
    pdfs = sorted(args.corpus.glob("*/paper.pdf"))
    if args.papers:
        pdfs = [p for p in pdfs if p.parent.name in args.papers]
    header = f"{'paper':16} {'pages':>5} {'segs':>5} {'read_s':>7} {'/page':>6} {'write_s':>7} {'/page':>6} " \
             f"{'font_s':>6} {'total_s':>7} {'peakMiB':>7} {'ok':>4} {'ovf':>3} {'blk':>3}"
    print(header)
    rows, peaks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        if args.synthetic:
            pdfs.append(synthetic(Path(tmp) / f"synthetic-{args.synthetic}.pdf", args.synthetic))
        for pdf in pdfs:
            r, peak = child(pdf, args.pages)
            rows.append(r)
            peaks.append((peak, pdf))
            name = pdf.parent.name if pdf.name == "paper.pdf" else pdf.stem
            print(f"{name:16} {r['pages']:5d} {r['segments']:5d} {r['read_s']:7.2f} {r['read_s'] / r['pages']:6.3f} "
                  f"{r['write_s']:7.2f} {r['write_s'] / r['pages']:6.3f} {r['font_s']:6.2f} "
                  f"{r['read_s'] + r['write_s']:7.2f} {peak:7.0f} {r['translated']:4d} {r['overflow']:3d} "
                  f"{r['blocked']:3d}", flush=True)
    pages = sum(r["pages"] for r in rows)
    read = sum(r["read_s"] for r in rows)
    write = sum(r["write_s"] for r in rows)
    print(f"\nall: {len(rows)} PDFs, {pages} pages; read {read / pages:.3f} s/page, write {write / pages:.3f} s/page "
          f"(fonts {sum(r['font_s'] for r in rows):.1f} s in all); blocks translated "
          f"{sum(r['translated'] for r in rows)}, overflow {sum(r['overflow'] for r in rows)}, "
          f"blocked {sum(r['blocked'] for r in rows)}")
    biggest = max(peaks)
    print(f"peak memory: {biggest[0]:.0f} MiB ({biggest[1]})")


if __name__ == "__main__":
    main()
