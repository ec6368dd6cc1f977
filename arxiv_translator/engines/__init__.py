"""Engine registry: name -> "module:Class", imported only when used.

Adding an engine is one new module in this package and one line here.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from arxiv_translator.errors import ConfigError

if TYPE_CHECKING:
    from arxiv_translator.config import EngineSettings
    from arxiv_translator.engines.base import BatchContext, Capabilities, Engine, EngineResult

ENGINES: dict[str, str] = {
    "openai": "arxiv_translator.engines.openai_chat:OpenAIChatEngine",
    "pseudo": "arxiv_translator.engines.pseudo:PseudoEngine",
    "deepl": "arxiv_translator.engines.deepl:DeepLEngine",
    "papago": "arxiv_translator.engines.papago:PapagoEngine",
    "google": "arxiv_translator.engines.google:GoogleEngine",
    "anthropic": "arxiv_translator.engines.anthropic:AnthropicEngine",
    "hf": "arxiv_translator.engines.hf:HFEngine",
}

__all__ = ["ENGINES", "BatchContext", "Capabilities", "Engine", "EngineResult", "engine_class", "create_engine"]


def __getattr__(name: str) -> Any:
    """``BatchContext``, ``Capabilities``, ``Engine``, ``EngineResult`` from :mod:`.base`, imported on first use
    (the registry itself is read by ``--help``, which should not pay for pydantic)."""
    if name in ("BatchContext", "Capabilities", "Engine", "EngineResult"):
        from arxiv_translator.engines import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def engine_class(name: str) -> type[Engine]:
    """The engine class registered under ``name``."""
    try:
        module, cls = ENGINES[name].split(":")
    except KeyError:
        raise ConfigError(f"unknown engine {name!r} (known: {', '.join(sorted(ENGINES))})") from None
    return getattr(import_module(module), cls)


def create_engine(name: str, settings: EngineSettings) -> Engine:
    """Instantiate the engine ``name`` with ``settings``."""
    return engine_class(name)(settings)
