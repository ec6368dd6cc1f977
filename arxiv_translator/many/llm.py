"""One structured-output chat request (``response_format`` with a JSON schema), with retries.

The request goes through the ``openai`` engine's :class:`~arxiv_translator.llm.client.ChatClient`,
the same client translations use: the status mapping (429/5xx retryable, 401/403 refused key,
404 wrong model), the answer-size cap, the usage and the prices are the engines'.  Transient
failures are retried by :meth:`~arxiv_translator.llm.client.ChatClient.complete_retrying` with the
engine settings' backoff (``Retry-After`` honoured).
"""

from __future__ import annotations

from arxiv_translator.engines.base import Engine
from arxiv_translator.errors import BadAnswerError, EngineError
from arxiv_translator.llm.client import ChatClient, ChatReply, json_schema_format


class StructuredChat:
    """Sends system + user messages with a JSON schema to an OpenAI-compatible engine."""

    def __init__(self, engine: Engine) -> None:
        client = getattr(engine, "client", None)
        if not isinstance(client, ChatClient):
            raise EngineError(f"engine {engine.name}: digests need an OpenAI-compatible chat engine "
                              "(--engine openai) or --engine pseudo")
        self.engine = engine
        self.client = client

    async def ask(self, system: str, user: str, name: str, schema: dict) -> ChatReply:
        """One answer, retrying transient failures up to the engine's ``max_retries``; a cut-off answer
        is a :class:`BadAnswerError`."""
        reply = await self.client.complete_retrying(system, user, json_schema_format(name, schema))
        if reply.truncated:
            raise BadAnswerError("the answer was cut off (finish_reason length)")
        return reply

    async def aclose(self) -> None:
        """Close the engine's connections."""
        await self.engine.aclose()
