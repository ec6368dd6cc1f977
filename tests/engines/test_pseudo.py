"""The pseudo engine: deterministic, Hangul, placeholders and glossary honoured."""

from __future__ import annotations

import asyncio

from arxiv_translator.config import EngineSettings
from arxiv_translator.engines import create_engine
from arxiv_translator.engines.base import BatchContext
from arxiv_translator.engines.pseudo import pseudo_translate


def test_pseudo_is_deterministic_and_keeps_placeholders():
    text = "We fine-tune the <g1>Transformer</g1> on <x2/> tokens, 3.5 times."
    out = pseudo_translate(text, [("fine-tune", "미세 조정"), ("Transformer", "")])
    assert out == pseudo_translate(text, [("fine-tune", "미세 조정"), ("Transformer", "")])
    assert "<g1>Transformer</g1>" in out and "<x2/>" in out and "3.5" in out and "미세 조정" in out
    assert not any(c.isascii() and c.isalpha() for c in out.replace("Transformer", "").replace("<g1>", "")
                   .replace("</g1>", "").replace("<x2/>", ""))


def test_pseudo_engine_batch():
    engine = create_engine("pseudo", EngineSettings())
    assert engine.real is False
    result = asyncio.run(engine.translate(["Hello world", "Good <x1/> day"], BatchContext()))
    assert len(result.texts) == 2 and result.texts[1].count("<x1/>") == 1
