"""Writer registry: name -> "module:Class", and which outputs each input kind gets.

Adding an output format is one new module in this package and one line in
``WRITERS`` (plus its name in ``OUTPUTS`` for the input kinds that allow it).
"""

from __future__ import annotations

from importlib import import_module

from arxiv_translator.writers.base import WriteJob, WriteResult, Writer

WRITERS: dict[str, str] = {
    "latex": "arxiv_translator.writers.latex.output:LatexOutput",
    "html": "arxiv_translator.writers.html.output:HtmlOutput",
    "bilingual": "arxiv_translator.writers.bilingual.writer:BilingualOutput",
    "markdown": "arxiv_translator.writers.markdown.output:MarkdownOutput",
    "pdf": "arxiv_translator.writers.pdf.output:PdfOutput",
}

#: Outputs per input kind, in the order they are written.
OUTPUTS: dict[str, list[str]] = {
    "latex": ["latex", "html", "bilingual", "markdown"],
    "html": ["html", "bilingual", "markdown"],
    "markdown": ["markdown", "bilingual"],
    "pdf": ["pdf", "bilingual", "markdown"],
}

__all__ = ["WRITERS", "OUTPUTS", "WriteJob", "WriteResult", "Writer", "writers_for"]


def writers_for(kind: str) -> list[Writer]:
    """Instances of the registered writers for an input kind, in order."""
    out = []
    for name in OUTPUTS.get(kind, []):
        if name in WRITERS and (name != "html" or kind == "html"):
            module, cls = WRITERS[name].split(":")
            out.append(getattr(import_module(module), cls)())
    return out
