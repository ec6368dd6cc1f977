"""The ``cli`` fixture and assertions shared by the hostile-input tests.

(Not a ``conftest.py``: other test modules import ``conftest`` by name.)
"""

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


def assert_one_line_error(proc: subprocess.CompletedProcess) -> None:
    """A non-zero exit with one ``error:`` line and no traceback."""
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("arxiv-translator: error: "), proc.stderr


def all_output_text(out: Path) -> bytes:
    """Every byte a user could read in ``out``: files as they are, plus every PDF stream decompressed."""
    import pymupdf

    chunks = []
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        chunks.append(path.read_bytes())
        if path.suffix == ".pdf":
            with pymupdf.open(path) as pdf:
                for xref in range(1, pdf.xref_length()):
                    try:
                        chunks.append(pdf.xref_object(xref).encode("utf-8", "replace"))
                        if pdf.xref_is_stream(xref):
                            chunks.append(pdf.xref_stream(xref) or b"")
                    except Exception:  # noqa: BLE001 - a broken object is not a leak
                        continue
    return b"\n".join(chunks)
