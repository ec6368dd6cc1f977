"""The one HTTP path every remote engine goes through.

:class:`HttpService` owns the connection pool, sends a request, maps the
failures every API shares onto the exception tree and reads the JSON body:

* connection errors, timeouts, 429, 5xx (and the engine's own extra
  "busy" codes, such as Anthropic's 529) -> :class:`TransientEngineError`
  with the server's ``Retry-After`` hint, so the translator backs off;
* 401/403 -> :class:`EngineError` "refused the key" (the run stops; no
  retry can fix a key);
* the engine's quota codes (DeepL 456) -> :class:`EngineError` with the
  engine's advice; answers already received are in the translation memory,
  so running the same command again resumes;
* a body that is not JSON -> :class:`BadAnswerError` (or, in a preflight,
  "this is not the engine's API").

Reading the body happens in :meth:`HttpService.read_json` only, so a cap on
response size or a stricter decoder applies to every engine at once.
"""

from __future__ import annotations

import email.utils
import json
import ssl
import time
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from arxiv_translator.lean import httpx

from arxiv_translator.errors import BadAnswerError, ConfigError, EngineError, TransientEngineError
from arxiv_translator.network import unreachable




class HttpService:
    """A base URL, a timeout and the engine's name for its messages."""

    def __init__(self, engine: str, base_url: str, timeout: float, busy: tuple[int, ...] = (),
                 quota: Mapping[int, str] | None = None,
                 classify: Callable[[httpx.Response], None] | None = None,
                 max_answer_bytes: int | None = None) -> None:
        """``busy``: extra retryable codes; ``quota``: status -> advice that stops the run;
        ``classify``: the engine's own look at a failed response, raising before the common rules;
        ``max_answer_bytes``: the largest body read (None: a few times the request's size)."""
        self.engine = engine
        self.max_answer_bytes = max_answer_bytes
        self.classify = classify
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.busy = busy
        self.quota = dict(quota or {})
        self._client: httpx.AsyncClient | None = None

    async def post(self, path: str, *, headers: Mapping[str, str], json: Any = None,
                   data: Mapping[str, str] | None = None, params: Mapping[str, str] | None = None,
                   error_text: Callable[[httpx.Response], str] | None = None) -> httpx.Response:
        """POST and classify the status; returns a 2xx response, raises otherwise."""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(self.timeout, connect=30.0),
                                             verify=tls_for(self.base_url))
        request = self._client.build_request("POST", f"{self.base_url}{path}", headers=dict(headers), json=json,
                                             data=data, params=params)
        limit = answer_limit(self.max_answer_bytes, len(request.content or b""))
        try:
            response = await self._client.send(request, stream=True)
            try:
                raw = await _read_capped(response, limit)
            finally:
                await response.aclose()
        except httpx.TimeoutException:
            raise TransientEngineError(f"timeout after {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise TransientEngineError(f"connection error ({type(exc).__name__})") from None
        if raw is None:
            raise BadAnswerError(f"answer too large (over {limit} bytes; see the max_answer_bytes setting)")
        response = httpx.Response(response.status_code, headers=response.headers, content=raw, request=request)
        self.raise_for_status(response, error_text)
        return response

    def raise_for_status(self, response: httpx.Response,
                         error_text: Callable[[httpx.Response], str] | None = None) -> None:
        """Map a non-2xx status onto the exception tree (see the module docstring)."""
        status = response.status_code
        if 200 <= status < 300:
            return
        if self.classify is not None:
            self.classify(response)
        detail = (error_text or error_message)(response)
        if status in self.quota:
            raise EngineError(f"engine {self.engine}: {self.quota[status]} (HTTP {status}{_colon(detail)})")
        if status == 429 or status >= 500 or status in self.busy:
            raise TransientEngineError(f"http {status}", retry_after=retry_after(response))
        if status in (401, 403):
            raise EngineError(f"engine {self.engine}: {self.base_url} refused the API key (HTTP {status}"
                              f"{_colon(detail)}); check the key")
        if status == 404:
            raise EngineError(f"engine {self.engine}: {self.base_url}: model or endpoint not found (HTTP 404); "
                              "check --model and --base-url")
        raise BadAnswerError(f"http {status}{_colon(detail)}")

    @staticmethod
    def read_json(response: httpx.Response) -> Any:
        """The decoded JSON body; :class:`BadAnswerError` when it is not JSON.

        Invalid UTF-8 becomes U+FFFD (the validator then rejects the segments it lands in);
        JSON nested too deep to decode is a bad answer, not a crash.
        """
        try:
            return json.loads(response.content.decode("utf-8", errors="replace"))
        except (ValueError, RecursionError):
            raise BadAnswerError("the answer is not JSON") from None

    def preflight(self, method: str, path: str, *, headers: Mapping[str, str] | None = None,
                  params: Mapping[str, str] | None = None, expect: Callable[[Any], bool] = lambda _: True,
                  error_text: Callable[[httpx.Response], str] | None = None, strict: bool = True) -> Any:
        """A cheap synchronous call before anything is written; raises :class:`ConfigError`.

        ``expect`` tells the engine's API from any other server answering there;
        ``strict=False`` only refuses an unreachable server or a refused key
        (for OpenAI-compatible servers, some of which lack the endpoint).
        """
        url = f"{self.base_url}{path}"
        try:
            response = httpx.request(method, url, headers=dict(headers or {}), params=params, verify=tls_for(url),
                                     timeout=min(30.0, self.timeout))
        except httpx.HTTPError as exc:
            why = unreachable(exc)
            hint = f"{why}; no network? is the server running?" if why else type(exc).__name__
            raise ConfigError(f"engine {self.engine}: cannot reach {self.base_url} ({hint}); "
                              "check --base-url and the network") from None
        return self.preflight_response(response, expect=expect, error_text=error_text, strict=strict)

    def preflight_response(self, response: httpx.Response, *, expect: Callable[[Any], bool] = lambda _: True,
                           error_text: Callable[[httpx.Response], str] | None = None, strict: bool = True) -> Any:
        """Judge a preflight answer (see :meth:`preflight`); returns its JSON, or ``None`` when busy."""
        try:
            url = str(response.request.url).split("?")[0]
        except RuntimeError:
            url = self.base_url
        status = response.status_code
        detail = (error_text or error_message)(response)
        if self.classify is not None and not 200 <= status < 300:
            try:
                self.classify(response)
            except TransientEngineError:
                return None
            except EngineError as exc:
                raise ConfigError(str(exc)) from None
        if status in (401, 403):
            raise ConfigError(f"engine {self.engine}: {self.base_url} refused the API key (HTTP {status}"
                              f"{_colon(detail)}); check the key")
        if status in self.quota:
            raise ConfigError(f"engine {self.engine}: {self.quota[status]} (HTTP {status}{_colon(detail)})")
        if not strict or status == 429 or status >= 500 or status in self.busy:
            return None  # busy now, but the key was not refused: the run's retries will cope
        payload = None
        if 200 <= status < 300:
            try:
                payload = response.json()
            except (ValueError, UnicodeDecodeError):
                payload = None
        if payload is None or not expect(payload):
            raise ConfigError(f"engine {self.engine}: {url} does not answer like the {self.engine} API "
                              f"(HTTP {status}); check --base-url")
        return payload

    async def aclose(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """httpx's default verifying TLS context (certifi's roots), made once per process: loading the roots
    costs about 40 ms of CPU, which every new client would otherwise pay again."""
    return httpx.create_ssl_context()


@lru_cache(maxsize=1)
def _trusting_nothing() -> ssl.SSLContext:
    """A verifying TLS context with no trusted roots: any certificate is refused."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED and check_hostname, no roots loaded


def tls_for(url: str) -> ssl.SSLContext:
    """The TLS context for requests to ``url``: :func:`tls_context` for ``https``; for a plain ``http`` server
    (a local model) one that loads no roots -- it is never used, and were it used it would trust nothing --
    so a local engine does not pay the ~40 ms of loading certifi's roots."""
    return tls_context() if url.lower().startswith("https:") else _trusting_nothing()


def retry_after(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds (number or HTTP date), if any."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def error_message(response: httpx.Response) -> str:
    """The service's error message: ``error.message``, ``message`` or the start of the body."""
    try:
        data = response.json()
    except (ValueError, UnicodeDecodeError):
        return " ".join(response.text[:200].split())
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])[:200]
        for key in ("message", "error", "detail"):
            if isinstance(data.get(key), str):
                return data[key][:200]
    return ""


def _colon(detail: str) -> str:
    return f": {detail}" if detail else ""


#: Answers may be this many times the request's size (Korean UTF-8 and JSON escapes are wider than English) ...
ANSWER_FACTOR = 8
#: ... and never less than this (small batches, long system prompts).
MIN_ANSWER_BYTES = 256 * 1024


def answer_limit(configured: int | None, request_bytes: int) -> int:
    """Bytes of response body read before the answer is refused: the setting, else a few times the request."""
    if configured is not None:
        return configured
    return max(MIN_ANSWER_BYTES, ANSWER_FACTOR * request_bytes)


async def _read_capped(response: httpx.Response, limit: int) -> bytes | None:
    """At most ``limit`` bytes of the (streamed) body; ``None`` when it is larger."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
