"""Small HTML pieces every bilingual renderer makes, and the reference lookup they share.

* :func:`math_html`: a KaTeX placeholder (the TeX as escaped text, ``\\label`` removed);
* :func:`link_html`: a link only for http(s) URLs, else the text alone;
* :class:`RefLookup`: what resolves ``\\cite``/``\\ref`` as the paper prints them
  (implemented by :class:`~arxiv_translator.writers.bilingual.latex_refs.LatexRefs`).
"""

from __future__ import annotations

import re
from html import escape
from typing import Protocol

from arxiv_translator.writers.latex_macros import katex_tex
from arxiv_translator.writers.latex_xref import RefMacro

__all__ = ["LABEL_RE", "RefLookup", "link_html", "math_html"]

LABEL_RE = re.compile(r"\\label\s*\{[^{}]*\}")
SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.I)


def math_html(tex: str, display: bool) -> str:
    """A KaTeX placeholder: the TeX as escaped text, rendered by the page's script."""
    tex = katex_tex(LABEL_RE.sub("", tex).strip())
    cls = "tex display" if display else "tex"
    return f'<span class="{cls}">{escape(tex, quote=False)}</span>'


def link_html(url: str, inner_html: str) -> str:
    """A link when ``url`` is http(s), else just the text."""
    url = url.strip()
    if SAFE_URL.match(url):
        return f'<a href="{escape(url)}" rel="noopener noreferrer">{inner_html}</a>'
    return inner_html


class RefLookup(Protocol):
    """Resolves citations and references (see :class:`~arxiv_translator.writers.bilingual.latex_refs.LatexRefs`)."""

    def ref_html(self, command: str, keys: list[str], lang: str) -> str: ...

    def ref_text(self, command: str, keys: list[str], lang: str) -> str: ...

    def ref_macro(self, name: str) -> RefMacro | None: ...

    def macro_html(self, macro: RefMacro, arg: str, lang: str) -> str: ...

    def term(self, command: str, text: str, at: int, lang: str) -> str | None: ...

    def cite_html(self, command: str, keys: list[str], pre: str, post: str) -> str: ...
