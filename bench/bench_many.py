"""Benchmark the many-paper commands.

1. Batch throughput: ``--papers`` small Markdown papers of the corpus through ``batch`` with the
   stand-in model at a fixed latency (``FAKE_LATENCY_S``), for each ``--workers`` count; a fresh
   translation memory each time.  Prints papers per minute, wall seconds and CPU seconds per paper
   (all processes: the batch and its workers).
   With Ray installed, the same batches as Ray tasks on a local Ray (``--skip-ray`` to leave out).
2. Corpus export: every Markdown paper of the shared corpus translated with ``pseudo`` (one batch,
   not timed), then ``corpus`` to Parquet and to JSONL: seconds, rows and file size.

Usage: python3 bench/bench_many.py [--latency 0.5] [--papers 4] [--workers 1 2 4] [--skip-corpus]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from standin import Standin  # noqa: E402

CORPUS = Path(os.environ.get("ARXIV_TRANSLATOR_CORPUS", ROOT.parent / "shared" / "corpus")) / "arxiv"


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "arxiv_translator.cli", *args], env=env, capture_output=True,
                          text=True, check=True)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def papers_by_size(n: int | None) -> list[Path]:
    found = sorted((p / "paper.mmd" for p in CORPUS.iterdir() if (p / "paper.mmd").is_file()),
                   key=lambda p: p.stat().st_size)
    return found[:n] if n else found


def bench_batch(latency: float, papers: list[Path], workers: list[int], tmp: Path) -> None:
    print(f"batch: {len(papers)} papers ({sum(p.stat().st_size for p in papers) // 1024} KiB of Markdown), "
          f"stand-in latency {latency} s")
    with Standin(FAKE_LATENCY_S=str(latency)) as llm:
        for n in workers:
            env = {**os.environ, "OPENAI_API_KEY": "sk-bench", "PYTHONPATH": str(ROOT),
                   "ARXIV_TRANSLATOR_CACHE": str(tmp / f"memory-{n}.sqlite3")}
            cpu0, t0 = children_cpu(), time.monotonic()
            cli("batch", *map(str, papers), "--out", str(tmp / f"batch-{n}"), "--workers", str(n), "--engine",
                "openai", "--base-url", llm.base_url, "--model", "standin", "--quiet", env=env)
            wall, cpu = time.monotonic() - t0, children_cpu() - cpu0
            print(f"  workers {n}: {len(papers) / wall * 60:6.1f} papers/min · {wall:6.1f} s wall · "
                  f"{cpu / len(papers):5.2f} CPU s/paper")


def bench_ray(latency: float, papers: list[Path], workers: list[int], tmp: Path) -> None:
    """The same batches as Ray tasks on a local Ray started here (wall time only: Ray's processes are not ours)."""
    try:
        import ray
    except ImportError:
        print("ray: not installed (pip install 'arxiv-translator[ray]'), skipped")
        return
    from arxiv_translator.many.batch import BatchOptions, run_batch

    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    t0 = time.monotonic()
    ray.init(num_cpus=max(workers), include_dashboard=False, log_to_driver=False)
    print(f"ray: local instance with {max(workers)} CPUs started in {time.monotonic() - t0:.1f} s")
    try:
        with Standin(FAKE_LATENCY_S=str(latency)) as llm:
            os.environ.update({"OPENAI_API_KEY": "sk-bench", "ARXIV_TRANSLATOR_CACHE": str(tmp / "ray.sqlite3")})
            for n in workers:
                os.environ["ARXIV_TRANSLATOR_CACHE"] = str(tmp / f"ray-memory-{n}.sqlite3")
                settings = {"engine": "openai", "base_url": llm.base_url, "model": "standin"}
                t0 = time.monotonic()
                run_batch([str(p) for p in papers], BatchOptions(out=tmp / f"ray-{n}", workers=n, settings=settings,
                                                                 ray="auto"), lambda line: None)
                wall = time.monotonic() - t0
                print(f"  ray, workers {n}: {len(papers) / wall * 60:6.1f} papers/min · {wall:6.1f} s wall")
    finally:
        ray.shutdown()


def bench_corpus(tmp: Path) -> None:
    papers = papers_by_size(None)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ARXIV_TRANSLATOR_CACHE": str(tmp / "pseudo.sqlite3")}
    t0 = time.monotonic()
    cli("batch", *map(str, papers), "--out", str(tmp / "corpus-batch"), "--workers", "2", "--engine", "pseudo",
        "--quiet", env=env)
    print(f"corpus: {len(papers)} Markdown papers of the shared corpus translated with pseudo in "
          f"{time.monotonic() - t0:.0f} s (not part of the figures)")
    for suffix in ("parquet", "jsonl"):
        out = tmp / f"corpus.{suffix}"
        t0 = time.monotonic()
        line = cli("corpus", str(tmp / "corpus-batch"), "--out", str(out), env=env).stdout.strip()
        seconds = time.monotonic() - t0
        rows = int(line.split(" rows")[0].split()[-1])
        print(f"  {suffix:7}: {seconds:5.2f} s (process start included) · {rows} rows · "
              f"{out.stat().st_size / 1e6:.2f} MB")
    t0 = time.monotonic()
    cli("corpus", str(tmp / "corpus-batch"), "--out", str(tmp / "corpus-md.parquet"), "--markdown", env=env)
    print(f"  parquet --markdown: {time.monotonic() - t0:5.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--papers", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--skip-corpus", action="store_true")
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-many-") as tmp:
        bench_batch(args.latency, papers_by_size(args.papers), args.workers, Path(tmp))
        if not args.skip_ray:
            bench_ray(args.latency, papers_by_size(args.papers), args.workers, Path(tmp))
        if not args.skip_corpus:
            bench_corpus(Path(tmp))


if __name__ == "__main__":
    main()
