"""Helpers for the web-library tests: an in-process service and a real ``serve`` process.

(Helpers live here, not in a conftest.py, so they never shadow ``tests/conftest.py``.)
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from fake_arxiv import FakeArxiv  # noqa: E402

INTERVAL = 0.3


def arxiv_env(fake: FakeArxiv, data: Path, interval: float = INTERVAL) -> dict[str, str]:
    """Environment pointing the product at the fake arXiv with a download cache under ``data``."""
    return {**fake.env(interval, data / "downloads"), "ARXIV_TRANSLATOR_ARXIV_RETRIES": "1"}


def make_service(data: Path, **settings: Any) -> Any:
    """An in-process Service (pseudo engine unless told otherwise, no compile)."""
    from arxiv_translator.web.serve import service_from_options

    return service_from_options({"data": str(data), "engine": settings.pop("engine", "pseudo"),
                                 "no_compile": True, **settings})


def run_queue(service: Any) -> list[dict]:
    """Run every queued job in this process (a worker that stops when the queue is empty)."""
    from arxiv_translator.web import queue
    from arxiv_translator.web.worker import Worker

    worker, ran = Worker(service), []
    while (job := queue.claim(service.db, worker.name)) is not None:
        worker.run_one(job)
        ran.append(queue.get_job(service.db, job["id"]))
    return ran


def claim_all(db: Any, threads: int = 4) -> list[str]:
    """Drain the queue from ``threads`` threads at once; the ids each claim returned, in claim order."""
    import threading

    from arxiv_translator.web import queue

    got: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while (job := queue.claim(db, name)) is not None:
            with lock:
                got.append(job["id"])

    running = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(threads)]
    for t in running:
        t.start()
    for t in running:
        t.join()
    return got


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    """``arxiv-translator serve`` as a real process, with PYTHONPATH set to this checkout."""

    def __init__(self, data: Path, env: dict[str, str], *args: str, workers: int = 1) -> None:
        self.data, self.port = data, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
        self.args = ["--data", str(data), "--port", str(self.port), "--workers", str(workers), *args]
        self.proc: subprocess.Popen | None = None
        self.log = data / "serve.log"

    def start(self) -> ServeProcess:
        self.data.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen([sys.executable, "-m", "arxiv_translator.cli", "serve", *self.args],
                                     env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=open(self.log, "ab"))  # noqa: SIM115 - closed with the process
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"serve did not start: {self.log.read_text()[-2000:]}")

    def worker_pids(self) -> list[int]:
        return json.loads((self.data / "run" / "workers.json").read_text())

    def kill9(self) -> None:
        """SIGKILL the server (its workers notice and stop)."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def sse(url: str, timeout: float = 120.0) -> list[tuple[str, dict]]:
    """Read a job's event stream to its end: (event name, data) pairs."""
    events, name = [], "message"
    with httpx.stream("GET", url, timeout=timeout) as resp:
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
        for line in resp.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[6:])))
                if name == "end":
                    break
    return events


def wait_job(base: str, job_id: str, timeout: float = 120.0) -> dict:
    """Poll ``GET /api/jobs/{id}`` until done or failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = httpx.get(f"{base}/api/jobs/{job_id}", timeout=10).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout} s")
