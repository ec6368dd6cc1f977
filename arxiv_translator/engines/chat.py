"""What every LLM engine shares: the JSON prompt, answer parsing and token prices.

A chat engine only implements :meth:`ChatEngine.complete` -- one request to
its service with a system and a user message -- and returns a
:class:`~arxiv_translator.llm.client.ChatReply`.  The prompt (:mod:`arxiv_translator.engines.prompt`), the JSON
batching, the cut-off rule (a reply that stopped for length is never parsed)
and the price table are here, once, for ``openai`` and ``anthropic`` alike.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from arxiv_translator.llm.client import ChatReply, cost_usd
from arxiv_translator.engines.prompt import PROMPT_VERSION, parse_answer, system_message, user_message
from arxiv_translator.engines.base import BatchContext, Engine, EngineResult

__all__ = ["ChatEngine", "ChatReply"]


class ChatEngine(Engine):
    """An LLM behind a chat API, prompted with JSON in and JSON out."""

    version = PROMPT_VERSION
    #: the model used when none is configured
    default_model: ClassVar[str] = ""
    #: USD per million tokens (prompt, completion); the ``prices`` setting overrides it.
    prices: ClassVar[dict[str, tuple[float, float]]] = {}

    @property
    def model(self) -> str:
        """The configured model, else the engine's default."""
        return self.settings.model or self.default_model

    def cost_usd(self, prompt_tokens: int, completion_tokens: int, billed_chars: int = 0) -> float:
        """Cost from the price table (settings override the built-in one); 0 for unknown models."""
        return cost_usd(self.model, prompt_tokens, completion_tokens, self.settings.prices, self.prices)

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        """One chat request for the batch; a cut-off reply is returned unparsed (``truncated``)."""
        system, user = system_message(ctx), user_message(items)
        reply = await self.complete(system, user)
        result = EngineResult(texts=[None] * len(items), prompt_tokens=reply.prompt_tokens,
                              completion_tokens=reply.completion_tokens, prompt_chars=len(system) + len(user),
                              truncated=reply.truncated)
        if not reply.truncated:
            result.texts, result.notes = parse_answer(reply.content, len(items))
        return result

    @abstractmethod
    async def complete(self, system: str, user: str) -> ChatReply:
        """Send one system + user message pair; raise the errors of :mod:`arxiv_translator.errors`."""
