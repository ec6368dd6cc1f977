"""Benchmark the Markdown path: non-engine CPU seconds per paper.

For every ``paper.mmd`` of the corpus: read (decode + blocks + inline spans),
protect (mask), restore (unmask every answer) and write (splice
``paper.ko.md``).  The engine is stood in for by the ``pseudo`` function, whose
time is not counted.  With ``--html``, also the time to build ``paper.ko.md``
from the model of each ``paper.html`` (the writer alone, reading excluded).

Usage: python3 bench/bench_markdown.py [--html] [--repeat 3] [CORPUS_ARXIV_DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from arxiv_translator.document import Document, Status  # noqa: E402
from arxiv_translator.engines.pseudo import pseudo_translate  # noqa: E402
from arxiv_translator.protect import mask_document, unmask  # noqa: E402
from arxiv_translator.readers.markdown import MarkdownReader  # noqa: E402
from arxiv_translator.prose import needs_translation  # noqa: E402
from arxiv_translator.writers.markdown.output import splice_markdown  # noqa: E402


def answers(doc: Document) -> dict[str, str]:
    """The stand-in engine's answers (not timed)."""
    return {s.id: pseudo_translate(s.masked or "") for s in doc.segments()
            if s.status is Status.PENDING and needs_translation(s.masked or "")}


def one_mmd(path: Path) -> dict[str, float]:
    """CPU seconds of each non-engine stage for one paper."""
    t0 = time.process_time()
    doc = MarkdownReader().read(path.parent, path.name)
    t1 = time.process_time()
    mask_document(doc, collapse_space=False)
    t2 = time.process_time()
    answer = answers(doc)
    t3 = time.process_time()
    for seg in doc.segments():
        if seg.id in answer:
            seg.target_masked = answer[seg.id]
            seg.translation = unmask(seg, seg.target_masked)
            seg.status = Status.TRANSLATED
    out = splice_markdown(doc)
    t4 = time.process_time()
    return {"bytes": path.stat().st_size, "segments": sum(1 for _ in doc.segments()), "read": t1 - t0,
            "mask": t2 - t1, "write": t4 - t3, "cpu": (t2 - t0) + (t4 - t3), "lines_ok": float(
                out.count("\n") == doc.files[doc.main_file].text.count("\n"))}


def one_html(path: Path) -> float:
    """CPU seconds to build ``paper.ko.md`` from an arXiv HTML page's (pseudo-translated) model."""
    from arxiv_translator.readers import reader_for
    from arxiv_translator.writers.markdown.document import document_markdown

    doc = reader_for("html").read(path.parent, path.name)
    mask_document(doc)
    for seg_id, text in answers(doc).items():
        seg = next(s for s in doc.segments() if s.id == seg_id)
        seg.target_masked, seg.status = text, Status.TRANSLATED
    t0 = time.process_time()
    document_markdown(doc)
    return time.process_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "arxiv"))
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per paper")
    parser.add_argument("--html", action="store_true", help="also time paper.ko.md from arXiv HTML")
    args = parser.parse_args()
    papers = sorted(Path(args.corpus).glob("*/paper.mmd"))
    if not papers:
        sys.exit(f"no */paper.mmd under {args.corpus}")
    print(f"{'paper':16} {'KB':>6} {'segs':>5} {'read_s':>7} {'mask_s':>7} {'write_s':>7} {'cpu_s':>7} lines")
    rows = []
    for path in papers:
        runs = [one_mmd(path) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r["cpu"])
        rows.append((path.parent.name, best))
        print(f"{path.parent.name:16} {best['bytes'] / 1024:6.0f} {best['segments']:5d} {best['read']:7.3f} "
              f"{best['mask']:7.3f} {best['write']:7.3f} {best['cpu']:7.3f} {'same' if best['lines_ok'] else 'DIFF'}")
    cpu = [r["cpu"] for _, r in rows]
    largest = max(rows, key=lambda r: r[1]["bytes"])
    print(f"\n{len(rows)} papers: total {sum(cpu):.2f} s, mean {statistics.mean(cpu):.3f} s, "
          f"median {statistics.median(cpu):.3f} s, max {max(cpu):.3f} s; "
          f"largest ({largest[0]}, {largest[1]['bytes'] / 1024:.0f} KB) {largest[1]['cpu']:.3f} s")
    if args.html:
        pages = sorted(Path(args.corpus).glob("*/paper.html"))
        times = [(p.parent.name, min(one_html(p) for _ in range(args.repeat))) for p in pages]
        for name, seconds in times:
            print(f"html -> paper.ko.md {name:16} {seconds:7.3f} s")
        print(f"\n{len(times)} HTML pages: paper.ko.md writer mean {statistics.mean(s for _, s in times):.3f} s, "
              f"max {max(s for _, s in times):.3f} s")


if __name__ == "__main__":
    main()
