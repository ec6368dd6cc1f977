"""A small scanner shared by the TeX-aware renderers and readers: balanced braces."""

from __future__ import annotations


def match_brace(text: str, pos: int, end: int) -> int | None:
    """Offset of the ``}`` closing the ``{`` at ``pos`` (backslash escapes skipped), or None before ``end``."""
    depth, i = 0, pos
    while i < end:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None
