"""One structured-output chat request (``response_format`` with a JSON schema), with retries.

The request goes through the engine's own HTTP path (the ``openai`` engine's ``http``,
:class:`arxiv_translator.engines.http.HttpService`), so the status mapping (429/5xx retryable,
401/403 refused key, 404 wrong model), the answer-size cap and the defensive decoding are the engines'.
Transient failures are retried with the engine settings' backoff (``Retry-After`` honoured).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Any

from ..engines.base import Engine
from ..errors import BadAnswerError, EngineError, TransientEngineError

MAX_DELAY = 60.0


@dataclass
class Reply:
    """The model's JSON text and what it cost."""

    content: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class StructuredChat:
    """Sends system + user messages with a JSON schema to an OpenAI-compatible engine."""

    def __init__(self, engine: Engine) -> None:
        if not hasattr(engine, "_headers") or getattr(engine, "http", None) is None:
            raise EngineError(f"engine {engine.name}: digests need an OpenAI-compatible chat engine "
                              "(--engine openai) or --engine pseudo")
        self.engine = engine
        self.http = engine.http  # type: ignore[attr-defined]

    async def ask(self, system: str, user: str, name: str, schema: dict) -> Reply:
        """One answer, retrying transient failures up to the engine's ``max_retries``."""
        settings = self.engine.settings
        body: dict = {"model": self.engine.model,
                      "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
                      "response_format": {"type": "json_schema",
                                          "json_schema": {"name": name, "strict": True, "schema": schema}}}
        if settings.temperature is not None:
            body["temperature"] = settings.temperature
        for attempt in range(settings.max_retries + 1):
            try:
                response = await self.http.post("/chat/completions", json=body,
                                                headers=self.engine._headers())  # type: ignore[attr-defined]
                return _reply(self.http.read_json(response))
            except TransientEngineError as exc:
                if attempt >= settings.max_retries:
                    raise
                delay = exc.retry_after if exc.retry_after is not None else (
                    settings.backoff * 2**attempt * (0.5 + random.random()))
                await asyncio.sleep(min(MAX_DELAY, delay))
        raise AssertionError("unreachable")

    async def aclose(self) -> None:
        """Close the engine's connections."""
        await self.engine.aclose()


def _reply(payload: Any) -> Reply:
    try:
        choice = payload["choices"][0]
        content = choice["message"].get("content") or ""
    except (KeyError, IndexError, TypeError, AttributeError):
        raise BadAnswerError("malformed chat-completions response") from None
    if choice.get("finish_reason") == "length":
        raise BadAnswerError("the answer was cut off (finish_reason length)")
    usage = payload.get("usage") or {}
    return Reply(content if isinstance(content, str) else "", int(usage.get("prompt_tokens") or 0),
                 int(usage.get("completion_tokens") or 0))
