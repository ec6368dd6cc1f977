"""``openai``: any OpenAI-compatible chat-completions endpoint.

Works with OpenAI, vLLM, Ollama (``http://localhost:11434/v1``), llama.cpp
server, LM Studio and SGLang.  The endpoint is :class:`~arxiv_translator.llm.client.ChatClient`'s
(the same client the digests use: headers, body, usage, prices, the answer cap); the prompt and
JSON batching are :class:`~arxiv_translator.engines.chat.ChatEngine`'s; retries of failed
batches are the translation core's, as for every engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from arxiv_translator.llm.client import DEFAULT_BASE_URL, DEFAULT_MODEL, PRICES, ChatClient, ChatReply
from arxiv_translator.engines.base import Capabilities
from arxiv_translator.engines.chat import ChatEngine

if TYPE_CHECKING:
    from arxiv_translator.config import EngineSettings

__all__ = ["OpenAIChatEngine", "DEFAULT_BASE_URL", "DEFAULT_MODEL", "PRICES"]


class OpenAIChatEngine(ChatEngine):
    """Chat completions with a JSON-in, JSON-out prompt (see :mod:`arxiv_translator.engines.prompt`)."""

    name = "openai"
    default_model = DEFAULT_MODEL
    prices = PRICES
    #: a request is bounded by --batch-tokens; local servers take as many requests as --concurrency says
    capabilities = Capabilities(max_items=80)
    needs = "OPENAI_API_KEY, or OPENAI_BASE_URL / --base-url for a local server (vLLM, Ollama, llama.cpp)"

    def __init__(self, settings: EngineSettings) -> None:
        super().__init__(settings)
        self.client = ChatClient(settings, name=self.name, prices=self.prices)
        self.base_url = self.client.base_url
        self.http = self.client.http

    @classmethod
    def missing(cls, settings: EngineSettings) -> str | None:
        """A key is needed for api.openai.com only."""
        return ChatClient.missing(settings)

    def check(self) -> None:
        """Refuse to start without a key for api.openai.com; verify the key with ``GET /models``."""
        self.client.check()

    async def complete(self, system: str, user: str) -> ChatReply:
        """One chat-completions request."""
        return await self.client.complete(system, user)

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self.client.aclose()
