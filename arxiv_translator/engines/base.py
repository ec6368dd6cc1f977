"""The one interface every translation engine implements.

An engine turns a batch of *masked* strings (prose with ``<x1/>`` / ``<g2>``
placeholders, see :mod:`arxiv_translator.protect`) into the same number of
target-language strings.  It never sees a file format.

Everything around the call -- batching, the translation memory, retries with
backoff, concurrency limits, answer validation and fallbacks -- lives in
:mod:`arxiv_translator.translator`, so an engine is only the call to its
service.  Engines signal retryable failures with
:class:`~arxiv_translator.errors.TransientEngineError` and unusable answers
with :class:`~arxiv_translator.errors.BadAnswerError`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from ..config import EngineSettings


@dataclass
class BatchContext:
    """What an engine may know besides the strings: never the file format."""

    target: str = "ko"
    style: str = "academic"  # "academic" (-다) or "formal" (-습니다)
    title: str = ""
    abstract: str = ""
    section: str = ""
    glossary: list[tuple[str, str]] = field(default_factory=list)  # (en, ko); ko == "" keeps en


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


class Engine(ABC):
    """Base class of every engine; subclasses implement :meth:`translate`."""

    name: ClassVar[str]
    #: False for engines whose output is not a real translation (``pseudo``).
    real: ClassVar[bool] = True
    #: Prompt/format version: part of the cache signature.
    version: ClassVar[str] = "1"

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings

    @property
    def model(self) -> str:
        """The model name this engine uses (engine name when it has none)."""
        return self.settings.model or self.name

    def signature(self) -> dict[str, str]:
        """What identifies this engine's output, for the cache key and the report."""
        return {"engine": self.name, "model": self.model, "prompt": self.version}

    def cost_usd(self, prompt_tokens: int, completion_tokens: int) -> float:
        """Price of the given usage in US dollars (0 for free engines)."""
        return 0.0

    def check(self) -> None:
        """Raise :class:`~arxiv_translator.errors.ConfigError` if unusable (no key...)."""

    @abstractmethod
    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        """Translate ``items`` (masked strings) into ``ctx.target``."""

    async def aclose(self) -> None:
        """Release connections."""
