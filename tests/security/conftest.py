"""Helpers for the hostile-input tests: run the CLI as a user would, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(tmp_path):
    """Run ``arxiv-translator ARGS`` in a subprocess with HOME and the cache inside ``tmp_path``."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("ARXIV_TRANSLATOR_", "OPENAI_"))}
        full_env.update(PYTHONPATH=str(ROOT), HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                        ARXIV_TRANSLATOR_CACHE=str(tmp_path / "cache.sqlite3"), COLUMNS="200")
        full_env.update(env or {})
        return subprocess.run([sys.executable, "-m", "arxiv_translator.cli", "translate", *args, "--quiet"],
                              capture_output=True, text=True, env=full_env, timeout=timeout, cwd=tmp_path)

    run.home = home  # type: ignore[attr-defined]
    return run
