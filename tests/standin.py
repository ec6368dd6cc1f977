"""The shared measuring tools (``../shared/tools``), wrapped for tests.

* :class:`Standin` starts ``standin_llm.py`` (an OpenAI-compatible stand-in model) as its own
  process with the fault/hostility settings given as environment variables, and gives its
  ``base_url``; the product talks to it over real HTTP, as to any endpoint.
* :func:`fidelity` runs ``fidelity.py KIND SOURCE TRANSLATION`` and returns its figures as
  ``{name: (count, total)}``; :func:`fidelity_problems` lists what breaks the product's
  promises (anything lost, more than 0.5 % of prose left).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import TracebackType

TOOLS = Path(os.environ.get("ARXIV_TRANSLATOR_TOOLS", Path(__file__).resolve().parents[2] / "shared" / "tools"))
STANDIN = TOOLS / "standin_llm.py"
FIDELITY = TOOLS / "fidelity.py"
MAX_LEFT = 0.005
_FIGURE = re.compile(r"^(.+?): (\d+) / (\d+) ")


def tools_available() -> bool:
    """True when ``../shared/tools`` is beside the checkout."""
    return STANDIN.is_file() and FIDELITY.is_file()


class Standin:
    """``with Standin(FAKE_SLOPPY="0.3") as llm: ... llm.base_url``"""

    hard_stop = False  # stop with SIGKILL instead of SIGTERM

    def __init__(self, port: int = 0, **env: str) -> None:
        self.env = {k: str(v) for k, v in env.items()}
        self.proc: subprocess.Popen[str] | None = None
        self.port = port  # 0: any free port; a restart after stop() reuses the one it had

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL (``.../v1``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> Standin:
        """Start the server and wait for its port."""
        env = {**os.environ, "FAKE_LATENCY_S": "0", **self.env}
        self.proc = subprocess.Popen([sys.executable, str(STANDIN), str(self.port)], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=env)
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline().strip())
        return self

    def stop(self) -> None:
        """Stop the server (its port is free again)."""
        if self.proc is not None:
            if self.hard_stop:
                self.proc.kill()
            else:
                self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def requests(self) -> int:
        """Chat requests started so far, from the ``FAKE_STATS`` file (0 before the first, or without one)."""
        return stats_requests(self.env.get("FAKE_STATS"))

    def __enter__(self) -> Standin:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def stats_requests(stats: str | Path | None) -> int:
    """The ``requests`` count of a stand-in's ``FAKE_STATS`` file (0 while there is none)."""
    if not stats:
        return 0
    try:
        return int(json.loads(Path(stats).read_text(encoding="utf-8"))["requests"])
    except (OSError, ValueError, KeyError):
        return 0


def fidelity(kind: str, source: Path, translation: Path) -> dict[str, tuple[int, int]]:
    """``fidelity.py``'s figures for a translation: ``{"math lost": (0, 812), "prose left": (3, 9120), ...}``."""
    proc = subprocess.run([sys.executable, str(FIDELITY), kind, str(source), str(translation)],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise AssertionError(f"fidelity.py failed: {proc.stderr[-2000:]}")
    figures = {}
    for line in proc.stdout.splitlines():
        m = _FIGURE.match(line)
        if m:
            figures[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return figures


def fidelity_problems(figures: dict[str, tuple[int, int]], max_left: float = MAX_LEFT) -> list[str]:
    """What breaks the promises: anything lost, or more than ``max_left`` of the prose left in English."""
    bad = []
    for name, (n, total) in figures.items():
        if ("lost" in name and n > 0) or (name == "prose left" and n > max_left * max(1, total)):
            bad.append(f"{name}: {n} / {total}")
    return bad
