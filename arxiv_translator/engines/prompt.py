"""The chat prompt for LLM engines, and parsing of their answers.

The system message carries the instructions, the glossary entries that occur
in the batch and a little context; the user message is a JSON object of
batch-local ids -> masked strings.  The model must answer with a JSON object
with the same ids.  Chatter around the JSON (code fences, "Sure! ...") is
stripped and noted; anything else unusable raises
:class:`~arxiv_translator.errors.BadAnswerError`.
"""

from __future__ import annotations

import json
import re

from arxiv_translator.engines.base import BatchContext
from arxiv_translator.errors import BadAnswerError

PROMPT_VERSION = "chat-json-1"

LANGUAGES = {"ko": "Korean (한국어)"}
STYLE_RULE = {
    "academic": "Write plain academic Korean ending sentences in -다 (e.g. 한다, 이다, 보인다), never -습니다.",
    "formal": "Write polite formal Korean ending sentences in -습니다/-ㅂ니다.",
}


def system_message(ctx: BatchContext) -> str:
    """Instructions for one batch."""
    lang = LANGUAGES.get(ctx.target, ctx.target)
    lines = [
        f"Translate sentences from an English machine-learning paper into {lang}.",
        "Input: JSON object id->text. Output: ONLY a JSON object with the same ids, each value translated.",
        "Tags like <x1/>, <g2>, </g2> are placeholders: copy each exactly once, unchanged; "
        "keep <gN>...</gN> around the words they wrap.",
        STYLE_RULE.get(ctx.style, STYLE_RULE["academic"]),
        "Translate all prose; keep names, code and numbers; add no notes.",
    ]
    if ctx.glossary:
        terms = "; ".join(f"{en}={ko}" if ko else f"{en}=(keep English)" for en, ko in ctx.glossary)
        lines.append(f"Glossary: {terms}")
    if ctx.title:
        lines.append(f"Paper: {ctx.title[:160]}")
    if ctx.section:
        lines.append(f"Section: {ctx.section[:80]}")
    return "\n".join(lines)


def user_message(items: list[str]) -> str:
    """The batch as a compact JSON object with ids 1..n."""
    return json.dumps({str(i + 1): text for i, text in enumerate(items)}, ensure_ascii=False, separators=(",", ":"))


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def parse_answer(content: str, count: int) -> tuple[list[str | None], list[str]]:
    """Map a model's answer back to ``count`` items; returns (texts, notes).

    Raises :class:`BadAnswerError` when no JSON object can be found.
    """
    notes: list[str] = []
    text = (content or "").strip()
    if not text:
        raise BadAnswerError("empty answer")
    data = _load_object(text)
    if data is None:
        fenced = _FENCE.search(text)
        candidate = fenced.group(1) if fenced else text[text.find("{") : text.rfind("}") + 1]
        data = _load_object(candidate.strip())
        if data is None:
            raise BadAnswerError("answer is not a JSON object")
        notes.append("chatter around the answer stripped")
    texts: list[str | None] = []
    for i in range(count):
        value = data.get(str(i + 1))
        texts.append(value if isinstance(value, str) else None)
    extra = set(data) - {str(i + 1) for i in range(count)}
    if extra:
        notes.append(f"unknown ids in answer: {', '.join(sorted(extra)[:5])}")
    return texts, notes


def _load_object(text: str) -> dict | None:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, ValueError, RecursionError):  # RecursionError: a hostile "[[[[...]]]]"
        return None
    return data if isinstance(data, dict) else None
