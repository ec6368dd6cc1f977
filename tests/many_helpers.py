"""Helpers for the many-paper tests: small pseudo translations made once per module."""

from __future__ import annotations

import json
from pathlib import Path

from arxiv_translator import Settings
from arxiv_translator.pipeline import Job, run
from conftest import CORPUS, SAMPLE

#: A small Mathpix Markdown paper of the corpus (with its reference translation beside it).
SMALL_MMD = CORPUS / "arxiv" / "2402.14714v1" / "paper.mmd"


def translate_pseudo(source: Path, out: Path, cache: Path) -> dict:
    """Translate ``source`` with ``pseudo`` (no compile) into ``out``; returns the report."""
    settings = Settings(engine="pseudo", compile=False, cache=cache)
    return run(Job(source=source, settings=settings, out=out))


def segments(folder: Path) -> list[dict]:
    """The rows of ``folder/segments.jsonl``."""
    return [json.loads(line) for line in (folder / "segments.jsonl").read_text(encoding="utf-8").splitlines()]


__all__ = ["SAMPLE", "SMALL_MMD", "translate_pseudo", "segments"]
