"""A small scanner shared by the TeX-aware renderers and readers: balanced braces, and the end of a statement."""

from __future__ import annotations

import re

_BRACE_OR_ESCAPE = re.compile(r"[\\{}]")


def match_brace(text: str, pos: int, end: int) -> int | None:
    """Offset of the ``}`` closing the ``{`` at ``pos`` (backslash escapes skipped), or None before ``end``."""
    depth, i = 0, pos
    search = _BRACE_OR_ESCAPE.search
    while i < end:
        m = search(text, i, end)  # jump to the next character that matters
        if m is None:
            return None
        i = m.start()
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def scan_to(text: str, pos: int, end: int, stops: str) -> int | None:
    """Offset of the first character of ``stops`` at or after ``pos``, outside ``{..}`` groups and backslash
    escapes (``\\draw .. {a;b} ..;`` ends at the last ``;``); None before ``end`` or at a paragraph break.
    Brackets: :func:`arxiv_translator.brackets.scan_close`."""
    i = pos
    while i < end:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            close = match_brace(text, i, end)
            if close is None:
                return None
            i = close + 1
            continue
        if c in stops:
            return i
        if c == "\n" and text.startswith("\n", i + 1):
            return None
        i += 1
    return None
