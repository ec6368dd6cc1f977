"""Engine registry: name -> "module:Class", imported only when used.

Adding an engine is one new module in this package and one line here.
"""

from __future__ import annotations

from importlib import import_module

from ..config import EngineSettings
from ..errors import ConfigError
from .base import BatchContext, Engine, EngineResult

ENGINES: dict[str, str] = {
    "openai": "arxiv_translator.engines.openai_chat:OpenAIChatEngine",
    "pseudo": "arxiv_translator.engines.pseudo:PseudoEngine",
}

__all__ = ["ENGINES", "BatchContext", "Engine", "EngineResult", "engine_class", "create_engine"]


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
