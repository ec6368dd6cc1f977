"""``anthropic``: Claude through the Messages API (``POST /v1/messages``), over httpx.

The prompt and JSON batching are the chat engine's
(:class:`~arxiv_translator.engines.chat.ChatEngine`); this module is only the
request: ``x-api-key`` and ``anthropic-version: 2023-06-01`` headers, the
system prompt as ``system``, the batch as one user message.  A reply with
``stop_reason == "max_tokens"`` is a cut-off answer (re-sent smaller by the
translator); 429 and 529 (overloaded) are retried after ``retry-after``.
The key is verified with ``GET /v1/models`` (free) before anything is written.
"""

from __future__ import annotations

from arxiv_translator.lean import httpx

from arxiv_translator.errors import BadAnswerError, ConfigError, EngineError
from arxiv_translator.engines.base import Capabilities
from arxiv_translator.engines.chat import ChatEngine, ChatReply
from arxiv_translator.llm.http import HttpService, error_message

DEFAULT_BASE_URL = "https://api.anthropic.com"
DEFAULT_MODEL = "claude-sonnet-4-5"
API_VERSION = "2023-06-01"
#: answer budget per request; a batch of ~2,500 source tokens answers in well under it
MAX_TOKENS = 8192
#: USD per million tokens (input, output); override with the ``prices`` setting.
PRICES: dict[str, tuple[float, float]] = {
    "claude-sonnet-4-5": (3.00, 15.00),
    "claude-sonnet-4-0": (3.00, 15.00),
    "claude-sonnet-4": (3.00, 15.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-opus-4-5": (5.00, 25.00),
    "claude-opus-4-1": (15.00, 75.00),
    "claude-3-5-haiku-latest": (0.80, 4.00),
}


def classify(response: httpx.Response) -> None:
    """An empty credit balance (400) stops the run instead of failing every batch."""
    if response.status_code == 400 and "credit balance" in error_message(response).lower():
        raise EngineError("engine anthropic: the credit balance is too low; answers so far are kept in the "
                          "translation cache: add credits and run the same command again to resume")


class AnthropicEngine(ChatEngine):
    """Claude models with the shared JSON prompt."""

    name = "anthropic"
    default_model = DEFAULT_MODEL
    prices = PRICES
    capabilities = Capabilities(max_items=80, concurrency=8)
    needs = "ANTHROPIC_API_KEY (console.anthropic.com); --model claude-sonnet-4-5, claude-haiku-4-5, ..."

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.base_url = (settings.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.http = HttpService("anthropic", self.base_url, settings.timeout, max_answer_bytes=settings.max_answer_bytes, busy=(529,), classify=classify)

    @classmethod
    def missing(cls, settings) -> str | None:
        """The API key."""
        return None if settings.api_key else "no API key (set ANTHROPIC_API_KEY)"

    def _headers(self) -> dict[str, str]:
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        return {"x-api-key": key, "anthropic-version": API_VERSION, "content-type": "application/json",
                "user-agent": "arxiv-translator"}

    def check(self) -> None:
        """A key must be set and accepted (``GET /v1/models``)."""
        problem = self.missing(self.settings)
        if problem:
            raise ConfigError(f"engine anthropic: {problem}")
        self.http.preflight("GET", "/v1/models", headers=self._headers(),
                            expect=lambda p: isinstance(p, dict) and isinstance(p.get("data"), list))

    async def complete(self, system: str, user: str) -> ChatReply:
        """One Messages API request."""
        body: dict = {"model": self.model, "max_tokens": MAX_TOKENS, "system": system,
                      "messages": [{"role": "user", "content": user}]}
        if self.settings.temperature is not None:
            body["temperature"] = self.settings.temperature
        response = await self.http.post("/v1/messages", json=body, headers=self._headers())
        payload = self.http.read_json(response)
        try:
            blocks = payload["content"]
            text = "".join(b.get("text", "") for b in blocks if isinstance(b, dict) and b.get("type") == "text")
            usage = payload.get("usage") or {}
            stop = payload.get("stop_reason")
        except (KeyError, TypeError, AttributeError):
            raise BadAnswerError("malformed Messages API response") from None
        return ChatReply(content=text, prompt_tokens=int(usage.get("input_tokens") or 0),
                         completion_tokens=int(usage.get("output_tokens") or 0), truncated=stop == "max_tokens")

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self.http.aclose()
