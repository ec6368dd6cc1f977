"""Bracket matching in linear time, for scanners that look for many closers in one text.

:func:`arxiv_translator.texscan.match_brace` scans forward from one opener;
a scanner that calls it for every opener of a paragraph is quadratic on a
paragraph of openers that never close (``[a](`` x 4000, ``\\footnote{`` x
5000).  :class:`BracketIndex` answers the same question for every opener of
``text[start:end]`` from one left-to-right pass with a stack.

The answers equal a forward scan's (backslash escapes skipped; optionally a
blank line ends every open ``[``) for every opener the pass sees unescaped;
for one it sees as escaped (the scan started at a different alignment) the
index falls back to the forward scan.
"""

from __future__ import annotations

import re


def scan_close(text: str, pos: int, end: int, open_: str, close: str, blank_line_stops: bool = False) -> int | None:
    """Offset of the ``close`` matching the ``open_`` at ``pos`` (forward scan), or None before ``end``."""
    depth, i = 0, pos
    while i < end:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if blank_line_stops and c == "\n" and i + 1 < end and text[i + 1] == "\n":
            return None
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


class BracketIndex:
    """Closers of every ``open_`` in ``text[start:end]``, computed once (see the module docstring)."""

    def __init__(self, text: str, start: int, end: int, open_: str, close: str,
                 blank_line_stops: bool = False) -> None:
        self.text, self.end, self.open, self.close = text, end, open_, close
        self.blank_line_stops = blank_line_stops
        self.closers: dict[int, int] = {}
        self.escaped: set[int] = set()
        chars = re.escape(open_ + close) + ("\\n" if blank_line_stops else "")
        stack: list[int] = []
        skip = start
        for m in re.compile(rf"\\|[{chars}]").finditer(text, start, end):
            i = m.start()
            if i < skip:
                self.escaped.add(i)
                continue
            c = m.group()
            if c == "\\":
                skip = i + 2
            elif c == "\n":
                if i + 1 < end and text[i + 1] == "\n":
                    stack.clear()
            elif c == open_:
                stack.append(i)
            elif stack:
                self.closers[stack.pop()] = i

    def match(self, pos: int) -> int | None:
        """Offset of the closer of the opener at ``pos``, or None when it has none before the end."""
        if pos in self.escaped:
            return scan_close(self.text, pos, self.end, self.open, self.close, self.blank_line_stops)
        return self.closers.get(pos)
