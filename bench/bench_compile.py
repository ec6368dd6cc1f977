"""Korean PDFs for every corpus LaTeX paper: one row per paper, with the ``pseudo`` engine.

    python3 bench/bench_compile.py [--plan xelatex,pdflatex] [--out DIR] [paper ...]

Prints, per paper: does the original compile, does the translation, the engine
used, pages of both PDFs, segments reverted by the compile repair, seconds.
``--plan`` forces the engines tried for the translation (default: the
product's :func:`engine_plan`, XeLaTeX then the original's engine), which is
how the engine choice was measured.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from arxiv_translator.config import Settings  # noqa: E402
from arxiv_translator.pipeline import Job, run  # noqa: E402
from arxiv_translator.writers.latex import build as latex_build  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "latex"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("papers", nargs="*")
    parser.add_argument("--plan", default=None, help="comma-separated engines to try for the translation")
    parser.add_argument("--out", type=Path, default=None, help="keep the outputs here (default: a temp folder)")
    args = parser.parse_args()
    if args.plan:
        plan = args.plan.split(",")
        latex_build.engine_plan = lambda original: plan  # type: ignore[assignment]
    base = args.out or Path(tempfile.mkdtemp(prefix="bench-compile-"))
    papers = args.papers or sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
    print(f"{'paper':28} {'orig':5} {'ko':5} {'engine':9} {'pages':>9} {'reverted':>8} {'seconds':>8}")
    rows = []
    for name in papers:
        out = base / name
        shutil.rmtree(out, ignore_errors=True)
        started = time.monotonic()
        settings = Settings(engine="pseudo", cache=base / f"{name}.sqlite3")
        try:
            comp = run(Job(source=CORPUS / name, settings=settings, out=out))["compile"]
        except Exception as exc:  # noqa: BLE001 - a bench reports every failure and goes on
            comp = {"original_ok": None, "ok": None, "engine": "-", "reverted": [], "message": str(exc)}
        seconds = time.monotonic() - started
        pages = comp.get("pages") or {}
        row = {"paper": name, **{k: comp.get(k) for k in ("original_ok", "ok", "engine", "message")},
               "pages": pages, "reverted": len(comp.get("reverted", [])), "seconds": round(seconds, 1)}
        rows.append(row)
        print(f"{name:28} {str(comp.get('original_ok')):5} {str(comp.get('ok')):5} {comp.get('engine', ''):9} "
              f"{pages.get('original')!s:>4}/{pages.get('translated')!s:<4} {row['reverted']:>8} {seconds:>8.1f}",
              flush=True)
    (base / "bench_compile.json").write_text(json.dumps(rows, indent=1))
    ok = [r for r in rows if r["original_ok"]]
    print(f"{sum(1 for r in ok if r['ok'])}/{len(ok)} Korean PDFs where the original compiles; "
          f"{sum(r['reverted'] for r in rows)} segments reverted; outputs in {base}")


if __name__ == "__main__":
    main()
