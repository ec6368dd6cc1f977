"""The Python API (``import arxiv_translator as at``): translate, translate_async and read, with the
pseudo engine and with a local OpenAI-compatible server; the sync call also from inside a running loop."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLE
from standin import Standin, tools_available

import arxiv_translator as at
from arxiv_translator.errors import ConfigError, InputError


def _check(report, out, outputs=("paper.ko.md", "segments.jsonl")) -> None:
    assert isinstance(report, at.Report)
    assert report.segments.total == 50 and report.segments.translated + report.segments.kept == 50
    assert report.schema_version >= 1 and report.target == "ko"
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["segments"] == report.segments.model_dump()
    for name in outputs:
        assert (out / name).is_file(), name


def test_translate_sync_with_pseudo(tmp_path):
    events = []
    report = at.translate(SAMPLE, out=tmp_path / "out", engine="pseudo", no_compile=True, outputs="md,jsonl",
                          listener=events.append)
    _check(report, tmp_path / "out")
    assert report.real_translation is False and report.cost_usd == 0.0
    assert not (tmp_path / "out" / "source").exists() and not (tmp_path / "out" / "paper.bilingual.html").exists()
    stages = {e.stage for e in events}
    assert {"read", "translate", "write", "done"} <= stages
    assert report["segments"]["total"] == 50  # the old dictionary view still answers


def test_translate_async_with_pseudo(tmp_path):
    async def main():
        return await at.translate_async(str(SAMPLE), out=tmp_path / "out", engine="pseudo", no_compile=True,
                                        outputs=["md", "jsonl"])

    _check(asyncio.run(main()), tmp_path / "out")


def test_sync_translate_from_inside_a_running_loop(tmp_path):
    async def handler():  # a Jupyter cell or a web handler calling the plain function
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.ensure_future(ticker())
        report = at.translate(SAMPLE, out=tmp_path / "out", engine="pseudo", no_compile=True, outputs="md,jsonl")
        task.cancel()
        return report

    _check(asyncio.run(handler()), tmp_path / "out")


def test_async_does_not_block_the_loop(tmp_path):
    """While the job runs (reading, writing in threads) the caller's loop keeps ticking."""
    async def main():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.005)
                ticks += 1

        task = asyncio.ensure_future(ticker())
        report = await at.translate_async(SAMPLE, out=tmp_path / "out", engine="pseudo", no_compile=True,
                                          outputs="md,jsonl,bilingual")
        task.cancel()
        return report, ticks

    report, ticks = asyncio.run(main())
    _check(report, tmp_path / "out", ("paper.ko.md", "paper.bilingual.html"))
    assert ticks >= 5


@pytest.mark.skipif(not tools_available(), reason="needs ../shared/tools (the stand-in model)")
def test_translate_with_a_local_openai_compatible_server(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with Standin() as llm:
        report = at.translate(SAMPLE, out=tmp_path / "a", engine="openai", base_url=llm.base_url, model="standin",
                              no_compile=True, outputs="pdf,md,jsonl", concurrency=4)

        async def main():
            return await at.translate_async(SAMPLE, out=tmp_path / "b", engine="openai", base_url=llm.base_url,
                                            model="standin", no_compile=True, outputs="pdf,md,jsonl", force=True)

        again = asyncio.run(main())
    _check(report, tmp_path / "a", ("paper.ko.md", "segments.jsonl", "source/main.tex"))
    assert report.real_translation and report.requests > 0 and report.engine["model"] == "standin"
    assert again.requests > 0 and again.segments.translated == report.segments.translated
    assert (tmp_path / "a" / "paper.ko.md").read_text(encoding="utf-8") == \
        (tmp_path / "b" / "paper.ko.md").read_text(encoding="utf-8")


def test_read_gives_the_document_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    doc = at.read(SAMPLE)
    assert isinstance(doc, at.Document) and doc.source_kind == "latex"
    segs = list(doc.segments())
    assert len(segs) == 50 and all(s.masked is not None for s in segs)
    assert any(s.kind == "title" for s in segs) and list(tmp_path.iterdir()) == []
    with pytest.raises(InputError, match="no-such-paper"):
        at.read(tmp_path / "no-such-paper")


def test_bad_keywords_are_clear_errors(tmp_path):
    with pytest.raises(ConfigError, match="--outputs"):
        at.translate(SAMPLE, out=tmp_path / "x", engine="pseudo", outputs="pdf,docx")
    with pytest.raises(ConfigError, match="--to fr"):
        at.translate(SAMPLE, out=tmp_path / "y", engine="pseudo", target="fr")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_import_is_cheap_and_all_is_guarded():
    code = ("import sys, arxiv_translator as at; heavy = [m for m in ('arxiv_translator.pipeline', 'httpx', "
            "'pydantic', 'rich', 'arxiv_translator.readers.latex') if m in sys.modules]; "
            "assert not heavy, heavy; assert all(hasattr(at, n) for n in at.__all__); print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
    with pytest.raises(AttributeError):
        at.no_such_name  # noqa: B018


def test_no_subpackage_shadows_a_public_name():
    """``at.translate`` is the function even after every subpackage has been imported."""
    import pkgutil

    for info in pkgutil.iter_modules(at.__path__):
        assert info.name not in at.__all__, f"arxiv_translator.{info.name} would shadow at.{info.name}"
    import arxiv_translator.translation  # noqa: F401 - the translator core, imported by every job
    assert callable(at.translate) and callable(at.read)
