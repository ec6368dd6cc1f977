"""The placeholder pattern, defined once (stdlib only, so any module may import it cheaply).

``<x1/>`` stands for one protected span, ``<g2>`` ... ``</g2>`` for the two ends of an inline
wrapper (see :mod:`arxiv_translator.protect` for the protocol).  :data:`PLACEHOLDER_RE` is lenient
about what models do to tags -- spaces inside, upper case -- and captures
``(closing slash, letter, number, self-closing slash)``.
"""

from __future__ import annotations

import re

PLACEHOLDER_RE = re.compile(r"<\s*(/?)\s*([xXgG])\s*(\d+)\s*(/?)\s*>")


def atom(number: int) -> str:
    """The placeholder of protected span ``number``: ``<x{number}/>``."""
    return f"<x{number}/>"


def group_open(number: int) -> str:
    """The opening end of inline wrapper ``number``: ``<g{number}>``."""
    return f"<g{number}>"


def group_close(number: int) -> str:
    """The closing end of inline wrapper ``number``: ``</g{number}>``."""
    return f"</g{number}>"


__all__ = ["PLACEHOLDER_RE", "atom", "group_open", "group_close"]
