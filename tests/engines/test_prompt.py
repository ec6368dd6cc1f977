"""The chat prompt and answer parsing."""

from __future__ import annotations

import json

import pytest

from arxiv_translator.engines.base import BatchContext
from arxiv_translator.errors import BadAnswerError
from arxiv_translator.engines.prompt import parse_answer, system_message, user_message


def test_system_message_carries_style_glossary_and_context():
    ctx = BatchContext(style="formal", title="A Paper", section="Method",
                       glossary=[("fine-tuning", "미세 조정"), ("LoRA", "")])
    text = system_message(ctx)
    assert "-습니다" in text and "fine-tuning=미세 조정" in text and "LoRA=(keep English)" in text
    assert "Paper: A Paper" in text and "Section: Method" in text
    assert "-다 (e.g." in system_message(BatchContext())
    assert "Glossary" not in system_message(BatchContext())


def test_user_message_is_compact_json():
    msg = user_message(["a <x1/>", "한국어"])
    assert json.loads(msg) == {"1": "a <x1/>", "2": "한국어"} and " " not in msg.replace("a <x1/>", "")


@pytest.mark.parametrize("content,texts,note", [
    ('{"1": "가", "2": "나"}', ["가", "나"], None),
    ('```json\n{"1": "가", "2": "나"}\n```', ["가", "나"], "chatter around the answer stripped"),
    ('Sure! {"1": "가"} hope it helps', ["가", None], "chatter around the answer stripped"),
    ('{"1": "가", "2": "나", "9": "x"}', ["가", "나"], "unknown ids in answer: 9"),
])
def test_parse_answer(content, texts, note):
    got, notes = parse_answer(content, 2)
    assert got == texts
    assert (note in notes) if note else notes == []


@pytest.mark.parametrize("content", ["", "I cannot help with that.", "[1, 2]", '{"1": "가"'])
def test_unusable_answers(content):
    with pytest.raises(BadAnswerError):
        parse_answer(content, 1)
