"""Helpers for the job tests: the CLI as a subprocess, the stand-in model on a fixed port, state files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT
from standin import STANDIN


def cli_cmd(*args: str) -> list[str]:
    """``python -m arxiv_translator.cli ARGS`` (this checkout's code)."""
    return [sys.executable, "-m", "arxiv_translator.cli", *args]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: this checkout first on the path, a test key."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "OPENAI_API_KEY": "sk-test", **extra}


class Model:
    """The stand-in model as a process on a chosen port (0: any), with latency and a stats file."""

    def __init__(self, stats: Path, latency: float = 0.0, port: int = 0) -> None:
        self.stats, self.latency, self.port = stats, latency, port
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> Model:
        """Start it and wait for its port."""
        env = {**os.environ, "FAKE_LATENCY_S": str(self.latency), "FAKE_STATS": str(self.stats)}
        self.proc = subprocess.Popen([sys.executable, str(STANDIN), str(self.port)], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=env)
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline().strip())
        return self

    def stop(self) -> None:
        """Stop it (the port is free again)."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def requests(self) -> int:
        """Chat requests answered or started so far (0 before the first)."""
        try:
            return int(json.loads(self.stats.read_text(encoding="utf-8"))["requests"])
        except (OSError, ValueError, KeyError):
            return 0

    def __enter__(self) -> Model:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def saved_state(out: Path) -> dict:
    """``out/.job/state.json`` as data ({} while there is none)."""
    try:
        return json.loads((out / ".job" / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def wait_for(predicate, timeout: float = 60.0, step: float = 0.02) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds passed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return False


def rows(path: Path) -> list[dict]:
    """The lines of a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
