"""Shared fixtures: corpus location, an isolated translation cache, the sample paper."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # fake_openai
CORPUS = Path(os.environ.get("ARXIV_TRANSLATOR_CORPUS", ROOT.parent / "shared" / "corpus"))
SAMPLE = ROOT / "examples" / "sample-paper"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No user config, cache or OpenAI variables leak into a test."""
    for name in list(os.environ):
        if name.startswith(("ARXIV_TRANSLATOR_", "OPENAI_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ARXIV_TRANSLATOR_CACHE", str(tmp_path / "cache.sqlite3"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    yield


@pytest.fixture
def sample_paper() -> Path:
    """The bundled sample paper."""
    return SAMPLE


def corpus_papers() -> list[Path]:
    """The LaTeX papers of the shared corpus (empty when it is not there)."""
    base = CORPUS / "latex"
    return sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory):
    """``run(paper)``: the pseudo translation of a corpus paper, compiled, made once per session.

    Returns ``(report, out folder)``; a paper the pipeline refuses raises its error each time.
    Tests that look at the same paper share the one run (compiling the corpus is slow).
    """
    from arxiv_translator.config import Settings
    from arxiv_translator.pipeline import Job, run

    done: dict[Path, tuple[dict | None, Path, Exception | None]] = {}

    def get(paper: Path) -> tuple[dict, Path]:
        if paper not in done:
            out = tmp_path_factory.mktemp(paper.name) / "out"
            try:
                done[paper] = (run(Job(source=paper, settings=Settings(engine="pseudo"), out=out)), out, None)
            except Exception as exc:  # noqa: BLE001 - re-raised for every test that asks
                done[paper] = (None, out, exc)
        report, out, error = done[paper]
        if error is not None:
            raise error
        return report, out

    return get
