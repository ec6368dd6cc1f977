"""The translation core with an engine that dies half-way: nothing translated is lost."""

from __future__ import annotations

import pytest

from arxiv_translator.translation.memory import TranslationCache
from arxiv_translator.config import EngineSettings
from arxiv_translator.engines.base import BatchContext, EngineResult
from arxiv_translator.engines.pseudo import PseudoEngine, pseudo_translate
from arxiv_translator.errors import EngineError
from arxiv_translator.glossary import Glossary
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.latex import LatexReader
from arxiv_translator.translation.translator import TranslateOptions, Translator


class DyingEngine(PseudoEngine):
    """Answers ``lives`` requests, then fails for good (a revoked key)."""

    def __init__(self, settings, lives: int) -> None:
        super().__init__(settings)
        self.lives = lives
        self.calls = 0

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        self.calls += 1
        if self.calls > self.lives:
            raise EngineError("engine openai: key revoked")
        return EngineResult(texts=[pseudo_translate(i, ctx.glossary) for i in items])


def read(path):
    doc = LatexReader().read(path)
    mask_document(doc)
    return doc


def test_answers_survive_an_engine_failure(tmp_path, sample_paper):
    options = TranslateOptions(concurrency=1, batch_tokens=200)
    cache = TranslationCache(tmp_path / "tm.sqlite3", {"engine": "dying"})
    dying = DyingEngine(EngineSettings(), lives=3)
    with pytest.raises(EngineError):
        Translator(dying, Glossary.builtin(), options, cache).run(read(sample_paper))
    saved = len(cache)
    assert saved > 0
    again = DyingEngine(EngineSettings(), lives=1000)
    doc = read(sample_paper)
    usage = Translator(again, Glossary.builtin(), options, cache).run(doc)
    counts = doc.status_counts()
    assert counts["cached"] == saved and counts["failed"] == 0
    assert counts["translated"] + counts["cached"] + counts["kept"] == sum(1 for _ in doc.segments())
    assert usage.requests < 20 and again.calls == usage.requests
