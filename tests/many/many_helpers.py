"""Helpers for the many-paper tests: small pseudo translations made once per module."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def pseudo_outputs(tmp_path_factory):
    """``(base, reports)``: ``base/papers/{sample.ko,mmd.ko}`` translated once with pseudo."""
    base = tmp_path_factory.mktemp("pseudo-outputs")
    cache = base / "cache.sqlite3"
    reports = {"sample": translate_pseudo(SAMPLE, base / "papers" / "sample.ko", cache),
               "mmd": translate_pseudo(SMALL_MMD, base / "papers" / "mmd.ko", cache)}
    return base, reports


__all__ = ["SAMPLE", "SMALL_MMD", "translate_pseudo", "segments", "pseudo_outputs"]
