"""The one interface every translation engine implements.

An engine turns a batch of *masked* strings (prose with ``<x1/>`` / ``<g2>``
placeholders, see :mod:`arxiv_translator.protect`) into the same number of
target-language strings.  It never sees a file format.

Everything around the call -- batching, the translation memory, retries with
backoff, concurrency limits, answer validation and fallbacks -- lives in
:mod:`arxiv_translator.translation.translator`, so an engine is only the call to its
service.  Each engine declares its :class:`Capabilities` (items and
characters per request, requests in flight, whether it keeps XML tags, how
it bills) and the translator's batching follows them.  Engines signal retryable failures with
:class:`~arxiv_translator.errors.TransientEngineError` and unusable answers
with :class:`~arxiv_translator.errors.BadAnswerError`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from arxiv_translator.config import EngineSettings


@dataclass
class BatchContext:
    """What an engine may know besides the strings: never the file format."""

    target: str = "ko"
    style: str = "academic"  # "academic" (-다) or "formal" (-습니다)
    title: str = ""
    abstract: str = ""
    section: str = ""
    glossary: list[tuple[str, str]] = field(default_factory=list)  # (en, ko); ko == "" keeps en


@dataclass(frozen=True)
class Capabilities:
    """What one engine's service accepts; the translator batches within it.

    ``max_chars`` counts the characters of the masked items of one request
    (``None``: only ``batch_tokens`` limits it); ``concurrency`` caps the
    requests in flight whatever ``--concurrency`` says; ``keeps_tags`` is
    False for services that may mangle ``<x1/>`` tags (the engine then carries
    placeholders its own way); ``unit`` is what the service bills.
    """

    max_items: int = 80
    max_chars: int | None = None
    concurrency: int | None = None
    keeps_tags: bool = True
    unit: Literal["tokens", "characters", "free"] = "tokens"

    def describe(self) -> str:
        """One line for ``arxiv-translator engines``: the limits batching follows."""
        size = f"up to {self.max_items} items" + (f" and {self.max_chars:,} characters" if self.max_chars else "")
        flight = (f"at most {self.concurrency} request{'s' if self.concurrency != 1 else ''} in flight"
                  if self.concurrency else "--concurrency requests in flight")
        tags = "keeps placeholder tags" if self.keeps_tags else "carries placeholders its own way"
        return f"{size} a request; {flight}; {tags}"


@dataclass
class EngineResult:
    """An engine's answer to one batch.

    ``texts[i]`` answers ``items[i]``; ``None`` means the answer had nothing for
    that item.  ``truncated`` is set when the service stopped for length.
    """

    texts: list[str | None]
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prompt_chars: int = 0
    truncated: bool = False
    notes: list[str] = field(default_factory=list)
    #: characters the service bills for this batch (character-priced engines)
    billed_chars: int = 0
    #: HTTP requests (or model calls) this batch took; some engines split or fall back
    requests: int = 1


class Engine(ABC):
    """Base class of every engine; subclasses implement :meth:`translate`."""

    name: ClassVar[str]
    #: False for engines whose output is not a real translation (``pseudo``).
    real: ClassVar[bool] = True
    #: Prompt/format version: part of the cache signature.
    version: ClassVar[str] = "1"
    #: What the service accepts; batching follows it.
    capabilities: ClassVar[Capabilities] = Capabilities()
    #: One line for ``arxiv-translator engines``: what the engine needs.
    needs: ClassVar[str] = ""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings

    @property
    def model(self) -> str:
        """The model name this engine uses (engine name when it has none)."""
        return self.settings.model or self.name

    def signature(self) -> dict[str, str]:
        """What identifies this engine's output, for the cache key and the report."""
        sig = {"engine": self.name, "model": self.model, "prompt": self.version}
        options = self.options()
        if options:  # only engines with options get the key, so older signatures stay stable
            sig["options"] = ";".join(f"{k}={v}" for k, v in sorted(options.items()))
        return sig

    def options(self) -> dict[str, str]:
        """Settings besides the model that change the answers (glossary id, register...)."""
        return {}

    def cost_usd(self, prompt_tokens: int, completion_tokens: int, billed_chars: int = 0) -> float:
        """Price of the given usage in US dollars (0 for free engines)."""
        return 0.0

    def estimate(self, chars: int) -> dict[str, int]:
        """Expected usage for ``chars`` characters of masked text (for ``--estimate``).

        Token engines: the prompt repeats the text plus instructions, the
        answer is a little longer than the source in tokens.
        """
        if self.capabilities.unit == "characters":
            return {"prompt_tokens": 0, "completion_tokens": 0, "billed_chars": chars}
        return {"prompt_tokens": int(chars / 4 * 1.25), "completion_tokens": int(chars / 4 * 1.5), "billed_chars": 0}

    @classmethod
    def missing(cls, settings: EngineSettings) -> str | None:
        """What is missing to use this engine (``None``: ready), without any network call."""
        return None

    def check(self) -> None:
        """Raise :class:`~arxiv_translator.errors.ConfigError` if unusable (no key...)."""

    @abstractmethod
    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        """Translate ``items`` (masked strings) into ``ctx.target``."""

    async def aclose(self) -> None:
        """Release connections."""
