"""Benchmark the arXiv HTML path: non-engine CPU seconds per paper.

For every ``paper.html`` of the corpus: read (decode + tokenise + segments),
protect (mask), restore and write (escape every answer, splice the page,
the TOC, URLs and head: ``render_page``) and write ``paper.ko.html`` to disk.
The engine is stood in for by the ``pseudo`` function, whose time is not
counted.  Times are process CPU seconds, best of ``--repeat`` runs.

Usage: python3 bench/bench_html.py [--repeat 3] [CORPUS_ARXIV_DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from arxiv_translator.document import Document, Status  # noqa: E402
from arxiv_translator.engines.pseudo import pseudo_translate  # noqa: E402
from arxiv_translator.protect import mask_document  # noqa: E402
from arxiv_translator.readers.html import HtmlReader  # noqa: E402
from arxiv_translator.prose import needs_translation  # noqa: E402
from arxiv_translator.writers.html.output import render_page  # noqa: E402

TARGET_S = 0.5


def translate(doc: Document) -> None:
    """The stand-in engine's answers (not timed)."""
    for seg in doc.segments():
        if needs_translation(seg.masked or ""):
            seg.target_masked = pseudo_translate(seg.masked or "")
            seg.translation, seg.status = seg.target_masked, Status.TRANSLATED
        else:
            seg.settle(Status.KEPT, "no text to translate")


def one(path: Path, out: Path) -> dict[str, float]:
    """CPU seconds of each non-engine stage for one page."""
    t0 = time.process_time()
    doc = HtmlReader().read(path.parent, path.name)
    t1 = time.process_time()
    mask_document(doc)
    t2 = time.process_time()
    translate(doc)
    t3 = time.process_time()
    page, _info = render_page(doc, pseudo=True)
    out.write_text(page, encoding="utf-8")
    t4 = time.process_time()
    return {"bytes": path.stat().st_size, "segments": sum(1 for _ in doc.segments()), "read": t1 - t0,
            "mask": t2 - t1, "write": t4 - t3, "cpu": (t2 - t0) + (t4 - t3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "arxiv"))
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per paper")
    args = parser.parse_args()
    papers = sorted(Path(args.corpus).glob("*/paper.html"))
    if not papers:
        sys.exit(f"no */paper.html under {args.corpus}")
    print(f"{'paper':<16} {'MB':>5} {'segs':>5} {'read':>6} {'mask':>6} {'write':>6} {'cpu_s':>6}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in papers:
            runs = [one(path, Path(tmp) / "paper.ko.html") for _ in range(args.repeat)]
            row = min(runs, key=lambda r: r["cpu"])
            rows.append((path.parent.name, row))
            print(f"{path.parent.name:<16} {row['bytes'] / 1e6:5.2f} {row['segments']:5d} {row['read']:6.3f} "
                  f"{row['mask']:6.3f} {row['write']:6.3f} {row['cpu']:6.3f}")
    cpu = sorted(r["cpu"] for _, r in rows)
    name, largest = max(rows, key=lambda r: r[1]["bytes"])
    total_mb = sum(r["bytes"] for _, r in rows) / 1e6
    print(f"\n{len(rows)} pages, {total_mb:.1f} MB: total {sum(cpu):.2f} s, median {cpu[len(cpu) // 2]:.3f} s, "
          f"max {cpu[-1]:.3f} s, {total_mb / sum(cpu):.1f} MB/s")
    print(f"largest page {name} ({largest['bytes'] / 1e6:.2f} MB): {largest['cpu']:.3f} s "
          f"(target <= {TARGET_S} s: {'met' if largest['cpu'] <= TARGET_S else 'NOT met'})")


if __name__ == "__main__":
    main()
