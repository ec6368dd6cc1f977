"""Benchmark the core on the corpus papers with a local stand-in engine.

The stand-in speaks the OpenAI chat-completions protocol on 127.0.0.1 and
answers after a fixed latency (default 200 ms); the translator runs at
concurrency 8 with a fresh cache.  Compilation is excluded.  Prints, per paper:

* cpu_s: non-engine CPU seconds (parse + protect + restore + write),
* xlat_cpu_s: CPU seconds of the translation stage (batching, validation, HTTP client),
* wall/ideal: translation wall time / (sum of engine latencies / concurrency),
* prompt/src: prompt characters sent / source characters of the segments sent,
* requests.

Usage: python3 bench/bench_core.py [--latency 0.2] [--concurrency 8] [CORPUS_LATEX_DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import subprocess  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from arxiv_translator.translation.memory import TranslationCache  # noqa: E402
from arxiv_translator.config import EngineSettings  # noqa: E402
from arxiv_translator.engines import create_engine  # noqa: E402
from arxiv_translator.glossary import Glossary  # noqa: E402
from arxiv_translator.protect import mask_document  # noqa: E402
from arxiv_translator.readers.latex import LatexReader  # noqa: E402
from arxiv_translator.translation.translator import TranslateOptions, Translator  # noqa: E402
from arxiv_translator.writers.latex.tree import write_tree  # noqa: E402
from arxiv_translator.writers.report import write_segments  # noqa: E402


SERVER = """
import sys, time
sys.path.insert(0, {tests!r})
from fake_openai import FakeOpenAI
server = FakeOpenAI(latency={latency}).start()
print(server.base_url, flush=True)
sys.stdin.read()
"""


@contextmanager
def stand_in_engine(latency: float):
    """The fake OpenAI server in its own process, so that its CPU does not count as ours."""
    code = SERVER.format(tests=str(ROOT / "tests"), latency=latency)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def bench_paper(paper: Path, base_url: str, latency: float, concurrency: int, tmp: Path) -> dict:
    """Run one paper through read -> protect -> translate -> write and measure it."""
    cpu0 = time.process_time()
    doc = LatexReader().read(paper)
    mask_document(doc)
    cpu_read = time.process_time() - cpu0
    engine = create_engine("openai", EngineSettings(base_url=base_url, api_key="sk-test", model="bench",
                                                    timeout=60))
    glossary = Glossary.builtin().prepare()  # as the pipeline does before translating
    cache = TranslationCache(tmp / f"{paper.name}.sqlite3", {"bench": paper.name})
    translator = Translator(engine, glossary, TranslateOptions(concurrency=concurrency, force=True), cache)
    wall0, cpu1 = time.monotonic(), time.process_time()
    usage = translator.run(doc)
    wall = time.monotonic() - wall0
    cpu_translate = time.process_time() - cpu1
    cache.close()
    cpu2 = time.process_time()
    out = tmp / paper.name
    write_tree(doc, paper, out / "source", pseudo=False)
    write_segments(doc, out / "segments.jsonl")
    cpu_write = time.process_time() - cpu2
    requests = usage.requests
    ideal = requests * latency / concurrency
    return {"paper": paper.name, "segments": sum(1 for _ in doc.segments()), "cpu_s": round(cpu_read + cpu_write, 3),
            "read_cpu_s": round(cpu_read, 3), "write_cpu_s": round(cpu_write, 3),
            "xlat_cpu_s": round(cpu_translate, 3), "wall_s": round(wall, 3),
            "wall/ideal": round(wall / ideal, 3) if ideal else None,
            "prompt/src": round(usage.prompt_chars / max(1, usage.source_chars), 3), "requests": requests,
            "status": doc.status_counts()}


def main() -> None:
    """Run the benchmark and print one line per paper plus a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus" / "latex")
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    papers = sorted(p for p in args.corpus.iterdir() if p.is_dir())
    rows = []
    with stand_in_engine(args.latency) as base_url, tempfile.TemporaryDirectory() as tmp:
        for paper in papers:
            row = bench_paper(paper, base_url, args.latency, args.concurrency, Path(tmp))
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    n = len(rows)
    print(f"\nsummary over {n} papers (latency {args.latency} s, concurrency {args.concurrency}):")
    for key in ("cpu_s", "xlat_cpu_s", "wall/ideal", "prompt/src", "requests"):
        values = [r[key] for r in rows if r[key] is not None]
        if not values:
            continue
        print(f"  {key:11s} mean {sum(values) / len(values):7.3f}   max {max(values):7.3f}")


if __name__ == "__main__":
    main()
