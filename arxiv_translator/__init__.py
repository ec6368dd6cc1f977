"""arxiv-translator: an arXiv paper (LaTeX source) in, a faithful Korean paper out.

The public facade: build :class:`Settings` (or :func:`load_settings`), make a
:class:`Job`, call :func:`run`.  See :mod:`arxiv_translator.pipeline` for the
stages.
"""

from __future__ import annotations

__version__ = "0.1.0"

from importlib import import_module
from typing import TYPE_CHECKING, Any

#: public name -> the module that defines it, imported on first use (PEP 562), so that
#: ``import arxiv_translator.cli`` and ``--help`` do not pay for pydantic and the pipeline.
_LAZY: dict[str, str] = {
    "Settings": ".config", "load_settings": ".config",
    "Document": ".document", "Block": ".document", "Segment": ".document", "Protected": ".document",
    "Status": ".document",
    "TranslatorError": ".errors",
    "Job": ".pipeline", "run": ".pipeline",
}

__all__ = ["__version__", "Settings", "load_settings", "Document", "Block", "Segment", "Protected", "Status",
           "TranslatorError", "Job", "run"]

if TYPE_CHECKING:
    from .config import Settings, load_settings
    from .document import Block, Document, Protected, Segment, Status
    from .errors import TranslatorError
    from .pipeline import Job, run


def __getattr__(name: str) -> Any:
    """Import a public name's module when the name is first read."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
