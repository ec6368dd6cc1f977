"""Segments with nothing to translate are kept (with the reason), cached, and never sent again.

A good model returns a table cell such as ``VAE on MNIST (\\ref{..})`` or a code-like ``max_len``
unchanged; that is not a failed translation.  Echoed prose still fails.  A second run of a paper
makes no engine request at all, counted at the server (the stand-in's ``FAKE_STATS`` file).
"""

from __future__ import annotations

import json
import os

import pytest
from conftest import CORPUS
from standin import Standin, tools_available

from arxiv_translator.translation.memory import TranslationCache
from arxiv_translator.config import EngineSettings, Settings
from arxiv_translator.document import Block, Document, Protected, Segment, Status
from arxiv_translator.engines.base import BatchContext, Engine, EngineResult
from arxiv_translator.glossary import Glossary
from arxiv_translator.pipeline import Job, run
from arxiv_translator.protect import mask_document
from arxiv_translator.translation.translator import TranslateOptions, Translator


class EchoEngine(Engine):
    """A model that returns every item unchanged, and counts what it was sent."""

    name = "echo"

    def __init__(self) -> None:
        super().__init__(EngineSettings())
        self.items: list[str] = []

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        self.items += items
        return EngineResult(texts=list(items))


def document() -> Document:
    cell = "VAE on MNIST (\\ref{tab:x})"
    segments = [
        Segment(id="t/c1", kind="cell", source=cell,
                spans=[Protected(kind="ref", start=cell.index("\\ref"), end=len(cell) - 1)]),
        Segment(id="t/c2", kind="cell", source="split_by_number"),
        Segment(id="t/c3", kind="cell", source="LLaMA-2-13b-chat-hf"),
        Segment(id="t/p1", kind="paragraph", source="We show that the method works on MNIST."),
    ]
    doc = Document(source_kind="latex", source_path="x", blocks=[Block(id="t", kind="file", segments=segments)])
    mask_document(doc)
    return doc


def test_echo_of_a_segment_without_prose_is_kept_and_cached(tmp_path):
    cache = TranslationCache(tmp_path / "tm.sqlite3", {"engine": "echo"})
    engine = EchoEngine()
    doc = document()
    usage = Translator(engine, Glossary.builtin(), TranslateOptions(concurrency=2, backoff=0.0), cache).run(doc)
    by_id = {s.id: s for s in doc.segments()}
    assert by_id["t/c1"].status is Status.KEPT and by_id["t/c1"].reason == "no prose words (acronym, reference)"
    assert by_id["t/c2"].status is Status.KEPT and "code" in by_id["t/c2"].reason
    assert by_id["t/c3"].status is Status.KEPT
    assert by_id["t/p1"].status is Status.FAILED and "untranslated source" in by_id["t/p1"].reason
    assert usage.fallbacks == {"untranslated source": 1}
    assert by_id["t/c1"].output == by_id["t/c1"].source
    # the second run: the kept cells come from the translation memory, only the failed prose is sent again
    again, doc2 = EchoEngine(), document()
    Translator(again, Glossary.builtin(), TranslateOptions(concurrency=2, backoff=0.0), cache).run(doc2)
    assert set(again.items) == {"We show that the method works on MNIST."}
    assert [s.status for s in doc2.segments()][:3] == [Status.KEPT] * 3
    assert [s.reason for s in doc2.segments()][:3] == [s.reason for s in doc.segments()][:3]
    cache.close()


PAGE = CORPUS / "arxiv" / "2310.04799v2" / "paper.html"  # table cells like "llama2 -> FT", code-like names


@pytest.mark.skipif(not PAGE.is_file() or not tools_available(), reason="no shared corpus or tools")
def test_second_run_of_a_paper_makes_no_engine_request(tmp_path, monkeypatch):
    stats = tmp_path / "stats.json"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with Standin(FAKE_SLOPPY="0.3", FAKE_STATS=str(stats)) as llm:
        settings = Settings(engine="openai", base_url=llm.base_url, model="standin", concurrency=16, compile=False)
        first = run(Job(source=PAGE, settings=settings, out=tmp_path / "one"))
        sent = json.loads(stats.read_text())["requests"]
        second = run(Job(source=PAGE, settings=settings, out=tmp_path / "two"))
        assert json.loads(stats.read_text())["requests"] == sent  # the server saw nothing new
    assert sent > 0 and first["requests"] >= sent and second["requests"] == 0
    assert first["segments"]["failed"] == second["segments"]["failed"] == 0
    assert first["segments"]["kept"] == second["segments"]["kept"] > 0
    kept = [json.loads(line) for line in (tmp_path / "two" / "segments.jsonl").read_text().splitlines()]
    reasons = {row["reason"] for row in kept if row["status"] == "kept"}
    assert any(r.startswith("no prose words") for r in reasons), reasons
    assert os.path.getsize(tmp_path / "two" / "paper.ko.html") == os.path.getsize(tmp_path / "one" / "paper.ko.html")
