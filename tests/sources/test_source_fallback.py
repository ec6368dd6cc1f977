"""``--source auto``: a LaTeX e-print that does not compile gives way to arXiv's HTML."""

from __future__ import annotations

import json

import pytest
from fake_arxiv import CORPUS_ARXIV, FakeArxiv, FakePaper, gzipped

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run

BROKEN = (b"\\documentclass{article}\n\\begin{document}\nSome prose to translate.\n"
          b"\\undefinedcommandthatbreaks\n\\end{document}\n")


@pytest.mark.skipif(not CORPUS_ARXIV.is_dir(), reason="needs ../shared/corpus/arxiv")
def test_uncompilable_latex_falls_back_to_html(tmp_path, monkeypatch):
    html = min(CORPUS_ARXIV.glob("*/paper.html"), key=lambda p: p.stat().st_size)
    with FakeArxiv() as server:
        server.add(FakePaper("2501.00009", 1, "Broken LaTeX", eprint=gzipped(BROKEN, "main.tex"), html=html))
        for name, value in server.env(0.05, tmp_path / "downloads").items():
            monkeypatch.setenv(name, value)
        report = run(Job(source="2501.00009", settings=Settings(engine="pseudo"), out=tmp_path / "out"))
    assert report["source"]["kind"] == "html"
    assert "does not compile" in report["source"]["reason"]
    assert (tmp_path / "out" / "paper.ko.html").is_file()
    assert not (tmp_path / "out" / "source").exists()
    rows = [json.loads(line) for line in (tmp_path / "out" / "segments.jsonl").open(encoding="utf-8")]
    assert len(rows) > 20 and all("Some prose to translate" not in r["source"] for r in rows)
