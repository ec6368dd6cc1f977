"""Structural elements of a Markdown / Mathpix Markdown file: display equations, tables, figures, code.

* tables: the regions the parser already found (pipe tables, ``\\begin{tabular}``);
* code: fenced blocks, fence to fence, as the parser walked them;
* equations: ``$$...$$``, ``\\[...\\]`` and numbered math environments outside code (one linear pass);
* figures: image references ``![alt](path)``; local paths are the assets an output may need.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from arxiv_translator.document import Element
from arxiv_translator.document_attrs import ElementKind, Locator

_OPENER = re.compile(r"\$\$|\\\[|\\begin\{(?:equation|align|gather|multline|eqnarray)\*?\}")
_IMAGE = re.compile(r"!\[[^\]\n]{0,1000}+\]\(\s*<?([^)\s>]{1,1000}+)>?(?:\s+\"[^\"\n]{0,1000}\")?\s*\)")


def markdown_elements(rel: str, text: str, tables: list[tuple[int, int]],
                      code: list[tuple[int, int]]) -> tuple[list[Element], list[str]]:
    """Elements of the file in source order, and the paths of the images it shows."""
    found: list[tuple[int, int, ElementKind]] = [(a, b, ElementKind.TABLE) for a, b in tables]
    found += [(a, b, ElementKind.CODE) for a, b in code]

    code = sorted(code)
    starts = [a for a, _b in code]

    def in_code(pos: int) -> bool:
        k = bisect_right(starts, pos) - 1
        return k >= 0 and pos < code[k][1]

    found += [(a, b, ElementKind.EQUATION) for a, b in _display_math(text) if not in_code(a)]
    images = [m for m in _IMAGE.finditer(text) if not in_code(m.start())]
    found += [(m.start(), m.end(), ElementKind.FIGURE) for m in images]
    counts: dict[str, int] = {}
    out = []
    for a, b, kind in sorted(found):
        counts[kind] = counts.get(kind, 0) + 1
        out.append(Element(id=f"{rel}/{kind.value[:3]}{counts[kind]}", kind=kind,
                           locator=Locator(file=rel, start=a, end=b)))
    return out, [m.group(1) for m in images]


def _display_math(text: str) -> list[tuple[int, int]]:
    """Spans of display math, opener to closer, in one pass (an opener never closed is skipped, once)."""
    out: list[tuple[int, int]] = []
    missing: set[str] = set()  # closers that do not occur after some point: not after any later one either
    pos = 0
    while (m := _OPENER.search(text, pos)) is not None:
        opener = m.group(0)
        closer = "$$" if opener == "$$" else "\\]" if opener == "\\[" else opener.replace("\\begin", "\\end", 1)
        end = -1 if closer in missing else text.find(closer, m.end())
        if end < 0:
            missing.add(closer)
            pos = m.end()
            continue
        out.append((m.start(), end + len(closer)))
        pos = end + len(closer)
    return out
