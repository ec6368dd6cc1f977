"""arxiv-translator: an arXiv paper (LaTeX source, HTML, Markdown or PDF) in, a faithful Korean paper out.

The public facade::

    import arxiv_translator as at
    report = at.translate("paper-src/", out="paper.ko", engine="openai", model="gpt-4o-mini")
    report = await at.translate_async("2402.18563", out="x.ko", engine="pseudo")
    doc = at.read("paper.html")

:func:`translate` / :func:`translate_async` return a :class:`Report` (``report.json`` as a model);
:func:`read` a :class:`Document`.  Lower down: :class:`Settings`, :class:`Job` and :func:`run`
(:mod:`arxiv_translator.pipeline`).  Names are imported when first used, so ``import arxiv_translator``
stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from arxiv_translator.version import __version__

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "translate": "api", "translate_async": "api", "read": "api",
    "Report": "report", "CompileInfo": "report", "JobState": "jobs.state", "Usage": "translation.translator",
    "Settings": "config", "load_settings": "config",
    "Document": "document", "Block": "document", "Segment": "document", "Protected": "document", "Status": "document",
    "TranslatorError": "errors", "Job": "pipeline", "run": "pipeline",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'arxiv_translator' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
