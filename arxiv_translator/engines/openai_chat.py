"""``openai``: any OpenAI-compatible chat-completions endpoint, over httpx.

Works with OpenAI, vLLM, Ollama (``http://localhost:11434/v1``), llama.cpp
server, LM Studio and SGLang.  httpx is used directly (not the ``openai``
SDK) so that retries, ``Retry-After`` and timeouts are handled once, in the
translation core, for every engine alike.
"""

from __future__ import annotations

import email.utils
import json
import time

import httpx

from ..errors import BadAnswerError, ConfigError, EngineError, TransientEngineError
from ..prompt import PROMPT_VERSION, parse_answer, system_message, user_message
from .base import BatchContext, Engine, EngineResult

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


class OpenAIChatEngine(Engine):
    """Chat completions with a JSON-in, JSON-out prompt (see :mod:`arxiv_translator.prompt`)."""

    name = "openai"
    version = PROMPT_VERSION

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.base_url = (settings.base_url or DEFAULT_BASE_URL).rstrip("/")
        self._client: httpx.AsyncClient | None = None

    @property
    def model(self) -> str:
        """The model name (``gpt-4o-mini`` unless configured)."""
        return self.settings.model or DEFAULT_MODEL

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "User-Agent": "arxiv-translator"}
        if self.settings.api_key is not None:
            headers["Authorization"] = f"Bearer {self.settings.api_key.get_secret_value()}"
        return headers

    def check(self) -> None:
        """Refuse to start without a key for api.openai.com; verify the key with ``GET /models``."""
        if self.settings.api_key is None and self.base_url == DEFAULT_BASE_URL:
            raise ConfigError("engine openai: no API key (set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server)")
        try:
            response = httpx.get(f"{self.base_url}/models", headers=self._headers(), timeout=min(30.0, self.settings.timeout))
        except httpx.HTTPError as exc:
            raise ConfigError(f"engine openai: cannot reach {self.base_url} ({type(exc).__name__})") from None
        if response.status_code in (401, 403):
            raise ConfigError(f"engine openai: {self.base_url} refused the API key (HTTP {response.status_code}): "
                              f"{_error_message(response)}")

    def cost_usd(self, prompt_tokens: int, completion_tokens: int) -> float:
        """Cost from the price table (settings override the built-in one)."""
        price = self.settings.prices.get(self.model) or PRICES.get(self.model)
        if price is None:
            return 0.0
        return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        """One chat-completions request for the batch."""
        system, user = system_message(ctx), user_message(items)
        body: dict = {"model": self.model, "messages": [{"role": "system", "content": system},
                                                         {"role": "user", "content": user}]}
        if self.settings.temperature is not None:
            body["temperature"] = self.settings.temperature
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(self.settings.timeout, connect=30.0))
        limit = answer_limit(self.settings.max_answer_bytes, len(user.encode("utf-8", "surrogatepass")))
        try:
            response, raw = await _post_capped(self._client, f"{self.base_url}/chat/completions", body,
                                               self._headers(), limit)
        except httpx.TimeoutException:
            raise TransientEngineError(f"timeout after {self.settings.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise TransientEngineError(f"connection error ({type(exc).__name__})") from None
        if raw is None:
            raise BadAnswerError(f"answer too large (over {limit} bytes; see the max_answer_bytes setting)")
        status = response.status_code
        if status == 429 or status >= 500:
            raise TransientEngineError(f"http {status}", retry_after=_retry_after(response))
        if status in (401, 403):
            raise EngineError(f"engine openai: {self.base_url} refused the API key (HTTP {status})")
        if status == 404:
            raise EngineError(f"engine openai: {self.base_url}: model {self.model!r} or endpoint not found (HTTP 404)")
        if status != 200:
            raise BadAnswerError(f"http {status}: {_error_message(response, raw)}")
        try:
            payload = json.loads(raw.decode("utf-8", errors="replace"))
            choice = payload["choices"][0]
            content = choice["message"].get("content") or ""
            if not isinstance(content, str):
                raise TypeError("content is not a string")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError):
            raise BadAnswerError("malformed chat-completions response") from None
        usage = payload.get("usage") or {}
        truncated = isinstance(choice, dict) and choice.get("finish_reason") == "length"
        result = EngineResult(
            texts=[None] * len(items),
            prompt_tokens=_count(usage, "prompt_tokens"),
            completion_tokens=_count(usage, "completion_tokens"),
            prompt_chars=len(system) + len(user),
            truncated=truncated,
        )
        if truncated:
            return result
        result.texts, result.notes = parse_answer(content, len(items))
        return result

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None


#: Answers may be this many times the request's size (Korean UTF-8 and JSON escapes are wider than English) ...
ANSWER_FACTOR = 8
#: ... and never less than this (small batches, long system prompts).
MIN_ANSWER_BYTES = 256 * 1024


def answer_limit(configured: int | None, request_bytes: int) -> int:
    """Bytes of response body read before the answer is refused: the setting, else a few times the request."""
    if configured is not None:
        return configured
    return max(MIN_ANSWER_BYTES, ANSWER_FACTOR * request_bytes)


async def _post_capped(client: httpx.AsyncClient, url: str, body: dict, headers: dict[str, str],
                       limit: int) -> tuple[httpx.Response, bytes | None]:
    """POST and read at most ``limit`` bytes of the body; ``None`` for a body over the limit."""
    async with client.stream("POST", url, json=body, headers=headers) as response:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return response, None
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                return response, None
            chunks.append(chunk)
        return response, b"".join(chunks)


def _count(usage: object, key: str) -> int:
    """A token count from the answer's ``usage`` (0 when it is missing or not a number)."""
    value = usage.get(key) if isinstance(usage, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e15:
        return 0
    return int(value)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _error_message(response: httpx.Response, raw: bytes | None = None) -> str:
    text = (raw if raw is not None else response.read()).decode("utf-8", errors="replace")
    try:
        message = str(json.loads(text).get("error", {}).get("message", ""))
    except (ValueError, AttributeError, RecursionError):
        message = text
    return message[:200].encode("utf-8", errors="replace").decode("utf-8").replace("\n", " ")
