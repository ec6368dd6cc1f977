"""Hand-written readers against libraries that could replace them (issue 9, requirement 10).

Markdown: the hand-written Mathpix Markdown reader (:mod:`arxiv_translator.readers.markdown`) against a
markdown-it-py block reader (:mod:`reader_libs_mdit`, two variants), on every ``paper.mmd`` of the corpus:
segments, fidelity (the stand-in's translation of every pending segment, ``FAKE_SLOPPY=0.3`` on what is
shown raw, spliced back, measured by ``fidelity.py mmd``), reading CPU ms per paper, lines of code.

HTML: the hand-written tokeniser (:func:`arxiv_translator.readers.html_page.parse_page`) against
stdlib ``html.parser`` (positions from ``getpos()``), lxml, html5lib and selectolax on every
``paper.html``: parse ms per paper, whether each gives the byte offsets the writer splices at
(start tag, content, end tag of every element), and agreement with the hand-written tree; plus
malformed-input cases.  A library that is not installed is skipped.

Usage: python3 bench/bench_reader_libs.py [--only markdown|html] [--repeat 3] [--papers N] [CORPUS_ARXIV_DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT.parent / "shared" / "tools"
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(TOOLS)]
os.environ.setdefault("FAKE_SLOPPY", "0.3")

from arxiv_translator.document import Document, Status  # noqa: E402
from arxiv_translator.protect import mask_document, unmask  # noqa: E402
from arxiv_translator.readers.markdown import MarkdownReader  # noqa: E402
from arxiv_translator.prose import needs_translation  # noqa: E402
from arxiv_translator.writers.markdown.output import splice_markdown  # noqa: E402
from codesize import PKG, function_loc, loc  # noqa: E402

HAND_MD = ("markdown.py", "markdown_inline.py", "markdown_code.py")


def translate_mmd(doc: Document, out: Path) -> None:
    """Mask, answer with the stand-in (sloppy on raw markup), unmask, splice ``paper.ko.md``."""
    import standin_llm

    standin_llm.RNG.seed(7)
    mask_document(doc, collapse_space=False)
    for seg in doc.segments():
        if seg.status is Status.PENDING and needs_translation(seg.masked or ""):
            seg.target_masked = standin_llm.answer_for(seg.masked or "")
            seg.translation = unmask(seg, seg.target_masked)
            seg.status = Status.TRANSLATED
    out.write_text(splice_markdown(doc), encoding="utf-8")


def bench_markdown(papers: list[Path], repeat: int) -> None:
    """Print segments, fidelity, ms/paper and LOC per Markdown reader variant."""
    import fidelity

    if importlib.util.find_spec("markdown_it") is None or importlib.util.find_spec("mdit_py_plugins") is None:
        variants = ["hand"]
        print("markdown-it-py / mdit-py-plugins not installed: the hand-written reader only")
    else:
        from reader_libs_mdit import VARIANTS

        variants = list(VARIANTS)
    from reader_libs_mdit import parser

    hand_loc = sum(loc(PKG / f) for f in HAND_MD)
    proto_loc = loc(ROOT / "bench" / "reader_libs_mdit.py")
    replaced = function_loc(PKG / "markdown.py", {"run", "_fence", "_pipe_table"})
    print(f"\nMarkdown: {len(papers)} papers; LOC hand-written {hand_loc} ({', '.join(HAND_MD)}); the prototype "
          f"is {proto_loc} on top of the hand-written segment maker and inline scanner it reuses, and makes "
          f"{replaced} of them unneeded (the line loop, fences, pipe tables)")
    print(f"{'variant':16} {'segs':>6} {'kept':>5} {'ms/paper':>9} {'ms max':>7} {'math lost':>9} "
          f"{'heads lost':>10} {'left worst':>10} {'left median':>11} {'over 0.5%':>9} {'same as hand':>12}")
    hand_segments: dict[Path, list[tuple]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for variant in variants:
            segs = kept = 0
            ms: list[float] = []
            lost = heads = 0
            left: list[float] = []
            same = 0
            with parser(variant):
                for path in papers:
                    best, doc = float("inf"), None
                    for _ in range(repeat):
                        t0 = time.process_time()
                        doc = MarkdownReader().read(path.parent, path.name)
                        best = min(best, time.process_time() - t0)
                    ms.append(best * 1000)
                    segments = list(doc.segments())
                    keys = [(s.locator.start, s.locator.end, s.kind, s.status, s.attrs) for s in segments]
                    same += hand_segments.setdefault(path, keys) == keys
                    segs += len(segments)
                    kept += sum(s.status is not Status.PENDING for s in segments)
                    out = Path(tmp) / f"{variant}-{path.parent.name}.ko.md"
                    translate_mmd(doc, out)
                    fig = fidelity.measure_mmd(path, out)
                    lost += fig["math lost"][0]
                    heads += fig["headings lost"][0]
                    left.append(fig["prose left"][0] / max(1, fig["prose left"][1]) * 100)
            print(f"{variant:16} {segs:6d} {kept:5d} {statistics.mean(ms):9.1f} {max(ms):7.1f} {lost:9d} "
                  f"{heads:10d} {max(left):9.2f}% {statistics.median(left):10.3f}% "
                  f"{sum(x > 0.5 for x in left):9d} {f'{same}/{len(papers)}':>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "arxiv"))
    parser.add_argument("--repeat", type=int, default=3, help="best of N timed reads per paper")
    parser.add_argument("--papers", type=int, default=0, help="only the first N papers")
    parser.add_argument("--only", choices=("markdown", "html"))
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if args.only != "html":
        papers = sorted(corpus.glob("*/paper.mmd"))[: args.papers or None]
        if not papers:
            sys.exit(f"no */paper.mmd under {corpus}")
        bench_markdown(papers, args.repeat)
    if args.only != "markdown":
        from bench_reader_libs_html import bench_html

        pages = sorted(corpus.glob("*/paper.html"))[: args.papers or None]
        if not pages:
            sys.exit(f"no */paper.html under {corpus}")
        bench_html(pages, args.repeat)


if __name__ == "__main__":
    main()
