"""``openai``: any OpenAI-compatible chat-completions endpoint, over httpx.

Works with OpenAI, vLLM, Ollama (``http://localhost:11434/v1``), llama.cpp
server, LM Studio and SGLang.  httpx is used directly (not the ``openai``
SDK) so that retries, ``Retry-After`` and timeouts are handled once, in the
translation core, for every engine alike.  The prompt and JSON batching are
:class:`~arxiv_translator.engines.chat.ChatEngine`'s; the HTTP path is
:class:`~arxiv_translator.engines.http.HttpService`'s.
"""

from __future__ import annotations

from ..errors import BadAnswerError, ConfigError
from .chat import ChatEngine, ChatReply
from .http import HttpService

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"
#: USD per million tokens (prompt, completion); override with the ``prices`` setting.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
}


class OpenAIChatEngine(ChatEngine):
    """Chat completions with a JSON-in, JSON-out prompt (see :mod:`arxiv_translator.prompt`)."""

    name = "openai"
    default_model = DEFAULT_MODEL
    prices = PRICES
    needs = "OPENAI_API_KEY, or OPENAI_BASE_URL / --base-url for a local server (vLLM, Ollama, llama.cpp)"

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.base_url = (settings.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.http = HttpService("openai", self.base_url, settings.timeout, max_answer_bytes=settings.max_answer_bytes)

    @classmethod
    def missing(cls, settings) -> str | None:
        """A key is needed for api.openai.com only."""
        if settings.api_key is None and (settings.base_url or DEFAULT_BASE_URL).rstrip("/") == DEFAULT_BASE_URL:
            return "no API key (set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server)"
        return None

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "User-Agent": "arxiv-translator"}
        if self.settings.api_key is not None:
            headers["Authorization"] = f"Bearer {self.settings.api_key.get_secret_value()}"
        return headers

    def check(self) -> None:
        """Refuse to start without a key for api.openai.com; verify the key with ``GET /models``."""
        problem = self.missing(self.settings)
        if problem:
            raise ConfigError(f"engine openai: {problem}")
        self.http.preflight("GET", "/models", headers=self._headers(), strict=False)

    async def complete(self, system: str, user: str) -> ChatReply:
        """One chat-completions request."""
        body: dict = {"model": self.model, "messages": [{"role": "system", "content": system},
                                                         {"role": "user", "content": user}]}
        if self.settings.temperature is not None:
            body["temperature"] = self.settings.temperature
        response = await self.http.post("/chat/completions", json=body, headers=self._headers())
        payload = self.http.read_json(response)
        try:
            choice = payload["choices"][0]
            content = choice["message"].get("content") or ""
            if not isinstance(content, str):
                raise TypeError("content is not a string")
            truncated = choice.get("finish_reason") == "length"
        except (KeyError, IndexError, TypeError, AttributeError):
            raise BadAnswerError("malformed chat-completions response") from None
        usage = payload.get("usage") if isinstance(payload, dict) else None
        return ChatReply(content=content, prompt_tokens=_count(usage, "prompt_tokens"),
                         completion_tokens=_count(usage, "completion_tokens"), truncated=truncated)

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self.http.aclose()


def _count(usage: object, key: str) -> int:
    """A token count from the answer's ``usage`` (0 when it is missing or not a number)."""
    value = usage.get(key) if isinstance(usage, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e15:
        return 0
    return int(value)
