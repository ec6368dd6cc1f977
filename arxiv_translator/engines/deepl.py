"""``deepl``: the DeepL API (``POST /v2/translate``), placeholders as XML tags.

Placeholders travel as the XML tags they already are, with
``tag_handling=xml`` (DeepL keeps tags and moves them with the words they
belong to); the prose is XML-escaped on the way out and decoded on the way
back (:mod:`arxiv_translator.engines.markup`).  The paper's title and
abstract go as ``context`` (not billed).  Keys ending in ``:fx`` are Free API
keys and use ``api-free.deepl.com``.  A request holds at most 50 texts and
128 KiB; 429 is retried with backoff; 456 (quota exceeded) stops the run --
answers so far are in the translation memory, so the same command resumes.
The key and the quota are checked with ``GET /v2/usage`` before anything is
written.
"""

from __future__ import annotations

import json

from arxiv_translator.errors import BadAnswerError, ConfigError
from arxiv_translator.engines.base import BatchContext, Capabilities, Engine, EngineResult
from arxiv_translator.llm.http import HttpService
from arxiv_translator.engines.markup import from_xml, to_xml

FREE_BASE_URL = "https://api-free.deepl.com"
PRO_BASE_URL = "https://api.deepl.com"
MAX_REQUEST_BYTES = 128 * 1024
MODEL_TYPES = ("quality_optimized", "latency_optimized", "prefer_quality_optimized")
#: USD per million characters (DeepL API Pro); Free API keys cost nothing.
PRICES: dict[str, tuple[float, float]] = {"deepl": (25.00, 0.0)}
QUOTA = "character quota exceeded; answers so far are kept in the translation cache: run the same command " \
        "again after the quota resets (or with a Pro key) to resume"


class DeepLEngine(Engine):
    """DeepL's neural MT: fast and cheap, no prompt control; glossaries by id."""

    name = "deepl"
    version = "xml-1"
    capabilities = Capabilities(max_items=50, max_chars=30_000, concurrency=4, unit="characters")
    needs = "DEEPL_AUTH_KEY (Free keys end in :fx); optional --deepl-glossary ID"

    def __init__(self, settings) -> None:
        super().__init__(settings)
        key = settings.api_key.get_secret_value() if settings.api_key else ""
        self.free = key.endswith(":fx")
        default = FREE_BASE_URL if self.free else PRO_BASE_URL
        self.base_url = (settings.base_url or default).rstrip("/")
        self.http = HttpService("deepl", self.base_url, settings.timeout, max_answer_bytes=settings.max_answer_bytes, busy=(529,), quota={456: QUOTA})

    @property
    def model(self) -> str:
        """``deepl``, or the ``model_type`` asked for (``quality_optimized``...); other names are not DeepL's."""
        return self.settings.model if self.settings.model in MODEL_TYPES else "deepl"

    def options(self) -> dict[str, str]:
        """The glossary id changes the answers."""
        return {"glossary": self.settings.glossary_id} if self.settings.glossary_id else {}

    @classmethod
    def missing(cls, settings) -> str | None:
        """The auth key."""
        return None if settings.api_key else "no API key (set DEEPL_AUTH_KEY)"

    def _headers(self) -> dict[str, str]:
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        return {"Authorization": f"DeepL-Auth-Key {key}", "User-Agent": "arxiv-translator"}

    def check(self) -> None:
        """Key accepted and quota left (``GET /v2/usage``)."""
        problem = self.missing(self.settings)
        if problem:
            raise ConfigError(f"engine deepl: {problem}")
        usage = self.http.preflight("GET", "/v2/usage", headers=self._headers(),
                                    expect=lambda p: isinstance(p, dict) and "character_count" in p)
        if usage and usage.get("character_limit") and usage["character_count"] >= usage["character_limit"]:
            raise ConfigError(f"engine deepl: character quota exhausted ({usage['character_count']:,} of "
                              f"{usage['character_limit']:,}); wait for the quota to reset or use a Pro key")

    def cost_usd(self, prompt_tokens: int, completion_tokens: int, billed_chars: int = 0) -> float:
        """Characters billed at the Pro price (0 with a Free key unless ``prices`` says otherwise)."""
        price = self.settings.prices.get(self.model) or self.settings.prices.get("deepl")
        if price is None:
            price = (0.0, 0.0) if self.free else PRICES["deepl"]
        return billed_chars * price[0] / 1_000_000

    def body(self, items: list[str], ctx: BatchContext) -> dict:
        """The JSON request for a batch."""
        body: dict = {"text": [to_xml(i) for i in items], "source_lang": "EN", "target_lang": ctx.target.upper(),
                      "tag_handling": "xml", "show_billed_characters": True}
        context = " ".join(p for p in (ctx.title, ctx.abstract) if p)
        if context:
            body["context"] = context[:4000]
        if self.settings.glossary_id:
            body["glossary_id"] = self.settings.glossary_id
        if self.model in MODEL_TYPES:
            body["model_type"] = self.model
        return body

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        """One ``/v2/translate`` request for the batch."""
        body = self.body(items, ctx)
        size = len(json.dumps(body, ensure_ascii=False).encode("utf-8"))
        if size > MAX_REQUEST_BYTES:
            raise BadAnswerError(f"request of {size} bytes is over DeepL's 128 KiB limit")
        response = await self.http.post("/v2/translate", json=body, headers=self._headers())
        payload = self.http.read_json(response)
        try:
            rows = payload["translations"]
            texts: list[str | None] = [from_xml(r["text"]) if isinstance(r.get("text"), str) else None
                                       for r in rows]
            billed = sum(int(r.get("billed_characters") or 0) for r in rows)
        except (KeyError, TypeError, AttributeError, ValueError):
            raise BadAnswerError("malformed DeepL response") from None
        if len(texts) != len(items):
            raise BadAnswerError(f"DeepL answered {len(texts)} texts for {len(items)}")
        sent = sum(len(t) for t in body["text"])
        return EngineResult(texts=texts, prompt_chars=sent, billed_chars=billed or sent)

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self.http.aclose()
