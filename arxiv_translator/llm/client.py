"""One OpenAI-compatible chat-completions client, shared by the ``openai`` engine and the digests.

:class:`ChatClient` knows one endpoint (OpenAI, vLLM, Ollama, llama.cpp server, LM Studio, SGLang,
a proxy): the key and headers, the model and its price, the request body, how to read the answer
(content, ``finish_reason``, ``usage``) and the preflight ``GET /models``.  The HTTP path under it
is :class:`~arxiv_translator.llm.http.HttpService`: status mapping (429/5xx retryable with the
server's ``Retry-After``, 401/403 a refused key, 404 a wrong model), the answer-size cap
(``max_answer_bytes``) and defensive JSON decoding.

Two ways to ask:

* :meth:`ChatClient.complete` -- one request, no retry: the translator core retries (and bisects)
  failed batches itself, with the same :func:`~arxiv_translator.llm.retry.backoff_delay`;
* :meth:`ChatClient.complete_retrying` -- transient failures retried up to the settings'
  ``max_retries`` (for callers without a retry loop of their own, such as the digests).

A reply that stopped for length comes back with ``truncated`` set and is never parsed here; the
caller decides (the translator bisects the batch, a digest retries).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from arxiv_translator.errors import BadAnswerError, ConfigError, TransientEngineError
from arxiv_translator.llm.http import HttpService
from arxiv_translator.llm.retry import backoff_delay

if TYPE_CHECKING:
    from arxiv_translator.config import EngineSettings

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"
#: USD per million tokens (prompt, completion); the ``prices`` setting overrides it.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
}


@dataclass
class ChatReply:
    """One chat answer: its text, its token usage and whether it was cut off."""

    content: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    truncated: bool = False


def cost_usd(model: str, prompt_tokens: int, completion_tokens: int,
             configured: dict[str, tuple[float, float]], table: dict[str, tuple[float, float]]) -> float:
    """Price of the usage: the ``prices`` setting for ``model``, else ``table``; 0 for an unknown model."""
    price = configured.get(model) or table.get(model)
    if price is None:
        return 0.0
    return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000


def token_count(usage: object, key: str) -> int:
    """A token count from an answer's ``usage`` (0 when it is missing, not a number or absurd)."""
    value = usage.get(key) if isinstance(usage, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e15:
        return 0
    return int(value)


def read_reply(payload: Any) -> ChatReply:
    """A chat-completions answer body as a :class:`ChatReply`; :class:`BadAnswerError` when malformed."""
    try:
        choice = payload["choices"][0]
        content = choice["message"].get("content") or ""
        if not isinstance(content, str):
            raise TypeError("content is not a string")
        truncated = choice.get("finish_reason") == "length"
    except (KeyError, IndexError, TypeError, AttributeError):
        raise BadAnswerError("malformed chat-completions response") from None
    usage = payload.get("usage") if isinstance(payload, dict) else None
    return ChatReply(content=content, prompt_tokens=token_count(usage, "prompt_tokens"),
                     completion_tokens=token_count(usage, "completion_tokens"), truncated=truncated)


class ChatClient:
    """An OpenAI-compatible chat-completions endpoint, as the settings describe it."""

    def __init__(self, settings: EngineSettings, name: str = "openai", prices: dict[str, tuple[float, float]] | None = None,
                 http: HttpService | None = None) -> None:
        """``name`` is the engine's, for messages; ``prices`` the built-in table (default: :data:`PRICES`);
        ``http`` an HTTP path to use instead of a new one (tests)."""
        self.settings = settings
        self.name = name
        self.prices = PRICES if prices is None else prices
        self.base_url = (settings.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.http = http or HttpService(name, self.base_url, settings.timeout, max_answer_bytes=settings.max_answer_bytes)

    @property
    def model(self) -> str:
        """The configured model, else :data:`DEFAULT_MODEL`."""
        return self.settings.model or DEFAULT_MODEL

    @staticmethod
    def missing(settings: EngineSettings) -> str | None:
        """What is missing to call the endpoint: a key, for api.openai.com only."""
        if settings.api_key is None and (settings.base_url or DEFAULT_BASE_URL).rstrip("/") == DEFAULT_BASE_URL:
            return "no API key (set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server)"
        return None

    def headers(self) -> dict[str, str]:
        """Request headers, with the bearer key when one is configured."""
        headers = {"Content-Type": "application/json", "User-Agent": "arxiv-translator"}
        if self.settings.api_key is not None:
            headers["Authorization"] = f"Bearer {self.settings.api_key.get_secret_value()}"
        return headers

    def check(self) -> None:
        """Refuse to start without a key for api.openai.com; verify the key with ``GET /models``."""
        problem = self.missing(self.settings)
        if problem:
            raise ConfigError(f"engine {self.name}: {problem}")
        self.http.preflight("GET", "/models", headers=self.headers(), strict=False)

    def body(self, system: str, user: str, response_format: dict | None = None) -> dict:
        """The request body: model, the two messages, the temperature when set, an optional response format."""
        body: dict = {"model": self.model, "messages": [{"role": "system", "content": system},
                                                         {"role": "user", "content": user}]}
        if self.settings.temperature is not None:
            body["temperature"] = self.settings.temperature
        if response_format is not None:
            body["response_format"] = response_format
        return body

    async def complete(self, system: str, user: str, response_format: dict | None = None) -> ChatReply:
        """One chat-completions request (no retry); raises the errors of :mod:`arxiv_translator.errors`."""
        response = await self.http.post("/chat/completions", json=self.body(system, user, response_format),
                                        headers=self.headers())
        return read_reply(self.http.read_json(response))

    async def complete_retrying(self, system: str, user: str, response_format: dict | None = None,
                                on_retry: Callable[[str], None] | None = None) -> ChatReply:
        """:meth:`complete`, with transient failures retried up to ``max_retries`` times
        (``Retry-After`` honoured, else exponential backoff); ``on_retry`` hears each wait."""
        tries = self.settings.max_retries + 1
        for attempt in range(tries):
            try:
                return await self.complete(system, user, response_format)
            except TransientEngineError as exc:
                if attempt + 1 >= tries:
                    raise
                delay = backoff_delay(attempt, self.settings.backoff, exc.retry_after)
                if on_retry is not None:
                    on_retry(f"engine {self.name}: {exc}; attempt {attempt + 2} of {tries} in {delay:.1f} s")
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    def cost_usd(self, prompt_tokens: int, completion_tokens: int) -> float:
        """Price of the usage for this client's model (0 for a model without a price)."""
        return cost_usd(self.model, prompt_tokens, completion_tokens, self.settings.prices, self.prices)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()


def json_schema_format(name: str, schema: dict) -> dict:
    """``response_format`` asking for a JSON instance of ``schema`` (structured outputs, strict)."""
    return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}}
