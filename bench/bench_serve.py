"""The web library's speed: pages and API with 1,000 papers, and submission-to-progress latency.

    python3 bench/bench_serve.py [--papers 1000] [--seconds 5] [--clients 4]

1. Fills a fresh SQLite library with ``--papers`` synthetic papers (English and
   Korean titles and abstracts, FTS5 index), starts ``arxiv-translator serve
   --workers 0`` and measures requests per second for ``/papers`` (first page),
   ``/papers?q=...`` (a search), ``/api/papers/{id}`` and ``/api/papers``, with
   ``--clients`` concurrent clients.
2. Starts ``serve --workers 1`` against the local fake arXiv (pseudo engine) and
   measures, for a few submissions, the time from ``POST /api/jobs`` to the first
   SSE event and to the first event of a running job.
3. Prints the resident memory of the server and the worker.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "web"))

from arxiv_translator.web.db import database_url, open_engine, upsert_paper  # noqa: E402
from fake_arxiv import SAMPLE, FakePaper, tar_gz  # noqa: E402
from webkit import FakeArxiv, ServeProcess, arxiv_env  # noqa: E402

WORDS = "model learning adapter sparse transformer graph quantum kernel bound proof energy field".split()
KO = "모델 학습 어댑터 희소 변환기 그래프 양자 커널 경계 증명 에너지 장".split()
CATS = ["cs.CL", "cs.LG", "math.AG", "hep-th", "quant-ph", "stat.ML"]


def fill(data: Path, n: int, database: str | None = None) -> list[str]:
    """``n`` synthetic papers in the library at ``data`` (or in ``database``)."""
    engine = open_engine(database_url(data, database))
    rng = random.Random(7)
    ids = []
    with engine.begin() as conn:
        for i in range(n):
            pid = f"2401.{i:05d}v1"
            ids.append(pid)
            words = rng.sample(range(len(WORDS)), 5)
            upsert_paper(conn, {
                "id": pid, "arxiv_id": pid[:-2], "version": 1, "signature": "bench",
                "title": " ".join(WORDS[w] for w in words).title(), "title_ko": " ".join(KO[w] for w in words),
                "authors": [f"Author {rng.randint(1, 300)}", f"Author {rng.randint(1, 300)}"],
                "abstract": " ".join(rng.choice(WORDS) for _ in range(150)),
                "abstract_ko": " ".join(rng.choice(KO) for _ in range(150)),
                "categories": [rng.choice(CATS)], "primary_category": rng.choice(CATS),
                "published": f"2024-{rng.randint(1, 12):02d}-01T00:00:00Z", "out_dir": f"papers/{pid}",
                "summary": {"engine": {"name": "pseudo", "model": "pseudo"}, "real": False, "cost_usd": 0.0,
                            "segments": {"total": 100, "translated": 100, "cached": 0, "kept": 0, "failed": 0},
                            "outputs": ["bilingual", "ko.md"], "warnings": [], "source_kind": "latex"}})
    return ids


def rate(url: str, paths: list[str], seconds: float, clients: int) -> float:
    """Requests per second over ``seconds`` with ``clients`` threads, cycling through ``paths``."""
    count, stop, errors = [0], time.monotonic() + seconds, []
    lock = threading.Lock()

    def run(k: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as c:
            i = k
            while time.monotonic() < stop:
                r = c.get(paths[i % len(paths)])
                if r.status_code != 200:
                    errors.append(r.status_code)
                i += clients
                with lock:
                    count[0] += 1
    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} failed requests ({errors[:3]})")
    return count[0] / seconds


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def latency(tmp: Path, submissions: int) -> None:
    """Submission -> first SSE event, and -> first event of a running job."""
    with FakeArxiv() as fake:
        for i in range(submissions):
            fake.add(FakePaper(f"2502.{i:05d}", title=f"Bench paper {i}", eprint=tar_gz(SAMPLE)))
        env = {**os.environ, **arxiv_env(fake, tmp, 0.0)}
        with ServeProcess(tmp / "lat", env, "--engine", "pseudo", "--no-compile") as srv:
            firsts, runs = [], []
            for i in range(submissions):
                t0 = time.monotonic()
                job = httpx.post(srv.url + "/api/jobs", json={"source": f"2502.{i:05d}"})
                job_id = job.json()["id"]
                first = None
                with httpx.stream("GET", f"{srv.url}/api/jobs/{job_id}/events", timeout=120) as resp:
                    for line in resp.iter_lines():
                        if line.startswith("data: "):
                            now = time.monotonic() - t0
                            first = first if first is not None else now
                            if '"status": "queued"' not in line:
                                runs.append(now)
                                break
                firsts.append(first)
                if i == 0:
                    print(f"memory: server {rss_mb(srv.proc.pid):.0f} MiB, worker {rss_mb(srv.worker_pids()[0]):.0f} "
                          f"MiB (idle after start)")
            print(f"submission -> first SSE event: median {sorted(firsts)[len(firsts) // 2] * 1000:.0f} ms; "
                  f"-> first event of the running job: median {sorted(runs)[len(runs) // 2] * 1000:.0f} ms "
                  f"({submissions} submissions, worker polling every 0.5 s, SSE polling every 0.5 s)")


def main() -> None:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--papers", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--postgres", action="store_true", help="also measure against a throwaway PostgreSQL cluster")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_serve.") as tmp_name:
        tmp = Path(tmp_name)
        pages(tmp / "lib", args, None)
        if args.postgres:
            from pgkit import start_cluster

            url, stop = start_cluster()
            try:
                pages(tmp / "pglib", args, url)
            finally:
                stop()
        latency(tmp, 5)


def pages(data: Path, args: argparse.Namespace, database: str | None) -> None:
    """Requests per second for the library and paper pages and API."""
    t0 = time.monotonic()
    ids = fill(data, args.papers, database)
    kind = "PostgreSQL, tsvector + GIN" if database else "SQLite WAL, FTS5 trigram"
    print(f"filled {args.papers} papers in {time.monotonic() - t0:.1f} s ({kind})")
    extra = ("--database", database) if database else ()
    with ServeProcess(data, dict(os.environ), "--engine", "pseudo", *extra, workers=0) as srv:
        rng = random.Random(1)
        cases = {"/papers (page 1)": ["/papers"],
                 "/papers?q= (search, en+ko)": [f"/papers?q={w}" for w in WORDS[:6] + KO[:6]],
                 "/papers/{id} (paper page)": [f"/papers/{rng.choice(ids)}" for _ in range(50)],
                 "/api/papers/{id}": [f"/api/papers/{rng.choice(ids)}" for _ in range(50)],
                 "/api/papers?page=N": [f"/api/papers?page={p}" for p in range(1, 51)]}
        for name, paths in cases.items():
            print(f"{name:30s} {rate(srv.url, paths, args.seconds, args.clients):7.1f} req/s "
                  f"({args.clients} clients, {args.papers} papers)")
        print(f"memory: server {rss_mb(srv.proc.pid):.0f} MiB after the runs")


if __name__ == "__main__":
    main()
