"""Reader registry: input kind -> "module:Class" (format -> Document).

A reader has ``read(root: Path, main: str | None) -> Document`` and a
``collapse_space`` flag (whether runs of white space in prose are
insignificant, as in LaTeX and HTML, or meaningful, as in Markdown).
Adding an input format is one new module here and one line in ``READERS``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from arxiv_translator.errors import InputError

READERS: dict[str, str] = {
    "latex": "arxiv_translator.readers.latex:LatexReader",
    "html": "arxiv_translator.readers.html:HtmlReader",
    "markdown": "arxiv_translator.readers.markdown:MarkdownReader",
    "pdf": "arxiv_translator.readers.pdf:PdfReader",
}

__all__ = ["READERS", "reader_for"]


def reader_for(kind: str) -> Any:
    """An instance of the reader for an input kind."""
    if kind not in READERS:
        raise InputError(f"no reader for {kind!r} input yet (available: {', '.join(sorted(READERS))})")
    module, cls = READERS[kind].split(":")
    return getattr(import_module(module), cls)()
