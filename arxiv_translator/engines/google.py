"""``google``: Google Cloud Translation v2 (``POST /language/translate/v2``) with an API key.

Requests use ``format=html``: the prose is HTML-escaped and each placeholder
becomes a span Google leaves alone -- ``<span translate="no" id="x1"></span>``
for a protected span, ``<span id="g2">..</span>`` around wrapped words that
are translated (:mod:`arxiv_translator.engines.markup`).  At most 128 texts
and 30,000 characters per request.  Google bills every character sent,
markup included, so the report counts those.  A refused key (400 "API key
not valid", 401, 403) is found by ``GET /language/translate/v2/languages``
(free) before anything is written; 403/429 rate and per-minute limits are
retried, a daily quota stops the run (answers so far stay in the translation
memory).
"""

from __future__ import annotations

from arxiv_translator.lean import httpx

from arxiv_translator.errors import BadAnswerError, ConfigError, EngineError, TransientEngineError
from arxiv_translator.engines.base import BatchContext, Capabilities, Engine, EngineResult
from arxiv_translator.llm.http import HttpService, error_message, retry_after
from arxiv_translator.engines.markup import from_html, to_html

DEFAULT_BASE_URL = "https://translation.googleapis.com"
#: USD per million characters (Cloud Translation, basic edition).
PRICES: dict[str, tuple[float, float]] = {"nmt": (20.00, 0.0), "base": (20.00, 0.0)}
_RATE = ("rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED")


def _reasons(response: httpx.Response) -> str:
    try:
        err = response.json().get("error", {})
        reasons = [e.get("reason", "") for e in err.get("errors", []) if isinstance(e, dict)]
        return " ".join([*reasons, str(err.get("status", "")), str(err.get("message", ""))])
    except (ValueError, AttributeError, TypeError):
        return ""


def classify(response: httpx.Response) -> None:
    """Google's own failure codes: bad key as 400, rate limits and quotas as 403."""
    status, reasons = response.status_code, _reasons(response)
    if status == 400 and "API key not valid" in reasons:
        raise EngineError("engine google: the API key is not valid (HTTP 400); check GOOGLE_API_KEY")
    if status in (403, 429) and ("dailyLimitExceeded" in reasons or "per day" in reasons):
        raise EngineError("engine google: daily quota exceeded; answers so far are kept in the translation "
                          "cache: run the same command again tomorrow to resume")
    if status == 403 and any(r in reasons for r in _RATE):
        raise TransientEngineError("http 403 (rate limit)", retry_after=retry_after(response))


class GoogleEngine(Engine):
    """Google's NMT: fast, broad, no prompt control; placeholders as HTML spans."""

    name = "google"
    version = "html-1"
    capabilities = Capabilities(max_items=128, max_chars=30_000, concurrency=8, unit="characters")
    needs = "GOOGLE_API_KEY (a Cloud Translation API key)"

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.base_url = (settings.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.http = HttpService("google", self.base_url, settings.timeout, max_answer_bytes=settings.max_answer_bytes, classify=classify)

    @property
    def model(self) -> str:
        """``nmt`` unless another Google model is asked for."""
        return self.settings.model if self.settings.model in PRICES else "nmt"

    @classmethod
    def missing(cls, settings) -> str | None:
        """The API key."""
        return None if settings.api_key else "no API key (set GOOGLE_API_KEY)"

    def _params(self) -> dict[str, str]:
        return {"key": self.settings.api_key.get_secret_value() if self.settings.api_key else ""}

    def check(self) -> None:
        """Key accepted (``GET /language/translate/v2/languages``)."""
        problem = self.missing(self.settings)
        if problem:
            raise ConfigError(f"engine google: {problem}")
        self.http.preflight("GET", "/language/translate/v2/languages", params={**self._params(), "target": "en"},
                            expect=lambda p: isinstance(p, dict) and isinstance(p.get("data"), dict))

    def cost_usd(self, prompt_tokens: int, completion_tokens: int, billed_chars: int = 0) -> float:
        """Characters sent, at the price table's rate."""
        price = self.settings.prices.get(self.model) or PRICES.get(self.model) or PRICES["nmt"]
        return billed_chars * price[0] / 1_000_000

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        """One ``translate/v2`` request for the batch."""
        q = [to_html(i) for i in items]
        body = {"q": q, "source": "en", "target": ctx.target, "format": "html", "model": self.model}
        response = await self.http.post("/language/translate/v2", json=body, params=self._params(),
                                        headers={"User-Agent": "arxiv-translator"}, error_text=error_message)
        payload = self.http.read_json(response)
        try:
            rows = payload["data"]["translations"]
            texts: list[str | None] = [from_html(r["translatedText"]) if isinstance(r.get("translatedText"), str)
                                       else None for r in rows]
        except (KeyError, TypeError, AttributeError):
            raise BadAnswerError("malformed Cloud Translation response") from None
        if len(texts) != len(items):
            raise BadAnswerError(f"Google answered {len(texts)} texts for {len(items)}")
        sent = sum(len(t) for t in q)
        return EngineResult(texts=texts, prompt_chars=sent, billed_chars=sent)

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self.http.aclose()
