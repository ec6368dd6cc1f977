"""One structured-output chat request (``response_format`` with a JSON schema), with retries.

The request goes through the engine's own HTTP path: the ``openai`` engine's ``http``
(:class:`arxiv_translator.engines.http.HttpService`, branch *engines*) when it has one, so the
status mapping (429/5xx retryable, 401/403 refused key, 404 wrong model) is the engine's.  Until
that lands, :class:`_PlainPost` does the same few mappings with httpx; it goes when it has.
Transient failures are retried with the engine settings' backoff (``Retry-After`` honoured).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Any

import httpx

from ..engines.base import Engine
from ..errors import BadAnswerError, EngineError, TransientEngineError

MAX_DELAY = 60.0


@dataclass
class Reply:
    """The model's JSON text and what it cost."""

    content: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class _PlainPost:
    """The engine's endpoint and headers over httpx, for engines without a shared HTTP service."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.base_url = str(getattr(engine, "base_url", "")).rstrip("/")
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(engine.settings.timeout, connect=30.0))

    async def post(self, path: str, *, headers: dict[str, str], json: Any) -> httpx.Response:
        try:
            response = await self._client.post(f"{self.base_url}{path}", headers=headers, json=json)
        except httpx.TimeoutException:
            raise TransientEngineError("timeout") from None
        except httpx.HTTPError as exc:
            raise TransientEngineError(f"connection error ({type(exc).__name__})") from None
        status = response.status_code
        if status == 429 or status >= 500:
            retry = response.headers.get("retry-after")
            raise TransientEngineError(f"http {status}", retry_after=float(retry) if retry and retry.isdigit()
                                       else None)
        if status in (401, 403, 404):
            raise EngineError(f"engine {self.engine.name}: {self.base_url} answered HTTP {status} "
                              "(check the key, --model and --base-url)")
        if status != 200:
            raise BadAnswerError(f"http {status}")
        return response

    @staticmethod
    def read_json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise BadAnswerError("the answer is not JSON") from None

    async def aclose(self) -> None:
        await self._client.aclose()


class StructuredChat:
    """Sends system + user messages with a JSON schema to an OpenAI-compatible engine."""

    def __init__(self, engine: Engine) -> None:
        if not hasattr(engine, "_headers"):
            raise EngineError(f"engine {engine.name}: digests need an OpenAI-compatible chat engine "
                              "(--engine openai) or --engine pseudo")
        self.engine = engine
        shared = getattr(engine, "http", None)
        self._own = shared is None
        self.http = shared if shared is not None else _PlainPost(engine)

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
        """Close what this client opened (the engine closes its own service)."""
        if self._own:
            await self.http.aclose()
        else:
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
