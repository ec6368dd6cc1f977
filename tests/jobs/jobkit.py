"""Helpers for the job tests: the CLI as a subprocess, the stand-in model on a fixed port, state files."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from conftest import ROOT
from standin import Standin


def cli_cmd(*args: str) -> list[str]:
    """``python -m arxiv_translator.cli ARGS`` (this checkout's code)."""
    return [sys.executable, "-m", "arxiv_translator.cli", *args]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: this checkout first on the path, a test key."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "OPENAI_API_KEY": "sk-test", **extra}


class Model(Standin):
    """The stand-in model as a process on a chosen port (0: any), with latency and a stats file."""

    hard_stop = True

    def __init__(self, stats: Path, latency: float = 0.0, port: int = 0) -> None:
        super().__init__(port, FAKE_LATENCY_S=str(latency), FAKE_STATS=str(stats))
        self.stats, self.latency = stats, latency


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
