"""``papago``: Naver Cloud Papago NMT (``POST /nmt/v1/translation``), one text per call.

Papago has no markup mode and does not promise to keep tags, so
placeholders travel as brace tokens (``{1}``, ``{2}``..``{/2}``, see
:mod:`arxiv_translator.engines.markup`) that an NMT model copies like
numbers.  Segments are joined one per line into calls of at most 5,000
characters (split between segments, never inside one that fits; a longer
segment is split between sentences).  When the answer has another number
of lines, each segment is sent alone; when a segment's tokens come back
changed, that segment is translated again run by run -- the prose between
its protected spans -- and reassembled, so no span can be lost.
``honorific`` is off for the academic register (on for ``--style formal``).
429 with code 400 (quota exceeded) stops the run, 410/420 (rate limits) are
retried.  The key pair is checked with one tiny call before anything is
written (Papago has no free endpoint for that).
"""

from __future__ import annotations

import re

from arxiv_translator.lean import httpx

from arxiv_translator.errors import BadAnswerError, ConfigError, EngineError
from arxiv_translator.engines.base import BatchContext, Capabilities, Engine, EngineResult
from arxiv_translator.llm.http import HttpService
from arxiv_translator.engines.markup import braces_safe, from_braces, join_runs, same_tags, split_runs, to_braces

DEFAULT_BASE_URL = "https://papago.apigw.ntruss.com"
MAX_CHARS = 5000
#: USD per million characters (NCP lists KRW 20,000 per million; about USD 15).
PRICES: dict[str, tuple[float, float]] = {"papago": (15.00, 0.0)}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
PING = "Hello."


def _code(response: httpx.Response) -> str:
    try:
        data = response.json()
        err = data.get("error") if isinstance(data.get("error"), dict) else data
        return str(err.get("errorCode", ""))
    except (ValueError, AttributeError):
        return ""


def classify(response: httpx.Response) -> None:
    """NCP's quota code (429 / 400) stops the run; its rate codes (410, 420) stay retryable."""
    if response.status_code == 429 and _code(response) == "400":
        raise EngineError("engine papago: quota exceeded (HTTP 429, code 400); answers so far are kept in the "
                          "translation cache: run the same command again when the quota allows, or check "
                          "that Papago Text Translation is enabled for this application")


def pack(lengths: list[int], limit: int = MAX_CHARS) -> list[list[int]]:
    """Indexes grouped so that each group's lengths (plus one newline each) stay within ``limit``."""
    groups: list[list[int]] = []
    size = 0
    for i, length in enumerate(lengths):
        if groups and groups[-1] and size + 1 + length <= limit:
            groups[-1].append(i)
            size += 1 + length
        else:
            groups.append([i])
            size = length
    return groups


def sentences(text: str, limit: int = MAX_CHARS) -> list[str]:
    """``text`` cut between sentences (or, for a giant sentence, between words) into pieces within ``limit``."""
    pieces: list[str] = []
    for sentence in _SENTENCE.split(text):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        pieces.append(sentence)
    return [" ".join(pieces[i] for i in group) for group in pack([len(p) for p in pieces], limit)]


class PapagoEngine(Engine):
    """Naver's NMT, strong on Korean; placeholders as brace tokens with a per-segment fallback."""

    name = "papago"
    version = "braces-1"
    capabilities = Capabilities(max_items=60, max_chars=MAX_CHARS, concurrency=4, keeps_tags=False,
                                unit="characters")
    needs = "NCP_APIGW_API_KEY_ID and NCP_APIGW_API_KEY (Naver Cloud Platform); optional glossaryKey"

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.base_url = (settings.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.http = HttpService("papago", self.base_url, settings.timeout, max_answer_bytes=settings.max_answer_bytes, classify=classify)
        self._carry = (0, 0)  # (calls, characters) of batches that failed part-way

    @property
    def model(self) -> str:
        """Always ``papago`` (NMT has no model choice)."""
        return "papago"

    def options(self) -> dict[str, str]:
        """Glossary key (honorific follows the style, already in the signature)."""
        return {"glossary": self.settings.glossary_id} if self.settings.glossary_id else {}

    @classmethod
    def missing(cls, settings) -> str | None:
        """Both halves of the NCP key pair."""
        if not settings.api_key_id or not settings.api_key:
            return "no API key pair (set NCP_APIGW_API_KEY_ID and NCP_APIGW_API_KEY)"
        return None

    def _headers(self) -> dict[str, str]:
        key_id = self.settings.api_key_id.get_secret_value() if self.settings.api_key_id else ""
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        return {"X-NCP-APIGW-API-KEY-ID": key_id, "X-NCP-APIGW-API-KEY": key, "User-Agent": "arxiv-translator"}

    def check(self) -> None:
        """Key pair accepted: one call translating a single word."""
        problem = self.missing(self.settings)
        if problem:
            raise ConfigError(f"engine papago: {problem}")
        body = {"source": "en", "target": "ko", "text": PING}
        try:
            response = httpx.post(f"{self.base_url}/nmt/v1/translation", json=body, headers=self._headers(),
                                  timeout=min(30.0, self.settings.timeout))
        except httpx.HTTPError as exc:
            raise ConfigError(f"engine papago: cannot reach {self.base_url} ({type(exc).__name__}); "
                              "check --base-url and the network") from None
        self.http.preflight_response(response, expect=lambda p: _answer_of(p) is not None)

    def cost_usd(self, prompt_tokens: int, completion_tokens: int, billed_chars: int = 0) -> float:
        """Characters sent, at the price table's rate."""
        price = self.settings.prices.get("papago") or PRICES["papago"]
        return billed_chars * price[0] / 1_000_000

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        """Translate the batch in as few calls as the 5,000-character limit allows."""
        call = _Calls(self, ctx)
        try:
            texts = await self._translate(items, call)
        except EngineError:
            # calls that succeeded before the failure were billed: report them with the next answer
            self._carry = (self._carry[0] + call.count, self._carry[1] + call.chars)
            raise
        count, chars = call.count + self._carry[0], call.chars + self._carry[1]
        self._carry = (0, 0)
        return EngineResult(texts=texts, prompt_chars=chars, billed_chars=chars, requests=count, notes=call.notes)

    async def _translate(self, items: list[str], call: _Calls) -> list[str | None]:
        texts: list[str | None] = [None] * len(items)
        encoded = {i: to_braces(t) for i, t in enumerate(items) if braces_safe(t) and "\n" not in t}
        redo = [i for i in range(len(items)) if i not in encoded]
        order = sorted(encoded)
        for group in pack([len(encoded[i]) for i in order]):
            idx = [order[g] for g in group]
            answers = await call.lines([encoded[i] for i in idx])
            for i, answer in zip(idx, answers):
                decoded = from_braces(answer, items[i])
                if same_tags(items[i], decoded):
                    texts[i] = decoded
                else:
                    redo.append(i)
        for i in sorted(redo):
            pieces = split_runs(items[i])
            runs = [" ".join(text.split()) for text, prose in pieces if prose]
            texts[i] = join_runs(pieces, await call.lines(runs)) if runs else items[i]
            if i in encoded:
                call.notes.append("papago: placeholders changed; segment translated between protected spans")
        return texts

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self.http.aclose()


def _answer_of(payload: object) -> str | None:
    try:
        text = payload["message"]["result"]["translatedText"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    return text if isinstance(text, str) else None


class _Calls:
    """The calls of one batch: counts requests and characters, keeps lines aligned."""

    def __init__(self, engine: PapagoEngine, ctx: BatchContext) -> None:
        self.engine, self.ctx = engine, ctx
        self.count = 0
        self.chars = 0
        self.notes: list[str] = []

    async def one(self, text: str) -> str:
        """One call (``text`` within the limit)."""
        body: dict = {"source": "en", "target": self.ctx.target, "text": text,
                      "honorific": self.ctx.style == "formal"}
        if self.engine.settings.glossary_id:
            body["glossaryKey"] = self.engine.settings.glossary_id
        response = await self.engine.http.post("/nmt/v1/translation", json=body, headers=self.engine._headers())
        self.count += 1
        self.chars += len(text)
        answer = _answer_of(self.engine.http.read_json(response))
        if answer is None:
            raise BadAnswerError("malformed Papago response")
        return answer

    async def lines(self, texts: list[str]) -> list[str]:
        """Each text translated, one per line in calls within the limit; alone when lines do not match."""
        out: list[str] = []
        for group in pack([len(t) for t in texts]):
            if len(group) == 1 and len(texts[group[0]]) > MAX_CHARS:
                parts = [await self.one(piece) for piece in sentences(texts[group[0]])]
                out.append(" ".join(p.strip() for p in parts))
                continue
            answer = await self.one("\n".join(texts[i] for i in group)) if len(group) > 1 else None
            got = answer.split("\n") if answer is not None else []
            if len(got) != len(group):
                if answer is not None:
                    self.notes.append("papago: lines merged or split; segments sent alone")
                got = [await self.one(texts[i]) for i in group]
            out.extend(got)
        return out
