"""arxiv-translator: an arXiv paper (LaTeX source) in, a faithful Korean paper out.

The public facade: build :class:`Settings` (or :func:`load_settings`), make a
:class:`Job`, call :func:`run`.  See :mod:`arxiv_translator.pipeline` for the
stages.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import Settings, load_settings  # noqa: E402
from .document import Block, Document, Protected, Segment, Status  # noqa: E402
from .errors import TranslatorError  # noqa: E402
from .pipeline import Job, run  # noqa: E402

__all__ = ["__version__", "Settings", "load_settings", "Document", "Block", "Segment", "Protected", "Status",
           "TranslatorError", "Job", "run"]
