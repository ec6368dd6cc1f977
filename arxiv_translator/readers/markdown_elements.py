"""Structural elements of a Markdown / Mathpix Markdown file: display equations, tables, figures, code.

* tables: the regions the parser already found (pipe tables, ``\\begin{tabular}``);
* code: fenced blocks, fence to fence, as the parser walked them;
* equations: ``$$...$$``, ``\\[...\\]`` and numbered math environments outside code;
* figures: image references ``![alt](path)``; local paths are the assets an output may need.
"""

from __future__ import annotations

import re

from ..document import Element
from ..document_attrs import ElementKind, Locator

_DISPLAY = re.compile(r"\$\$.+?\$\$|\\\[.+?\\\]|\\begin\{(equation|align|gather|multline|eqnarray)(\*?)\}.+?"
                      r"\\end\{\1\2\}", re.S)
_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")


def markdown_elements(rel: str, text: str, tables: list[tuple[int, int]],
                      code: list[tuple[int, int]]) -> tuple[list[Element], list[str]]:
    """Elements of the file in source order, and the paths of the images it shows."""
    found: list[tuple[int, int, ElementKind]] = [(a, b, ElementKind.TABLE) for a, b in tables]
    found += [(a, b, ElementKind.CODE) for a, b in code]

    def in_code(pos: int) -> bool:
        return any(a <= pos < b for a, b in code)

    found += [(m.start(), m.end(), ElementKind.EQUATION) for m in _DISPLAY.finditer(text) if not in_code(m.start())]
    images = [m for m in _IMAGE.finditer(text) if not in_code(m.start())]
    found += [(m.start(), m.end(), ElementKind.FIGURE) for m in images]
    counts: dict[str, int] = {}
    out = []
    for a, b, kind in sorted(found):
        counts[kind] = counts.get(kind, 0) + 1
        out.append(Element(id=f"{rel}/{kind.value[:3]}{counts[kind]}", kind=kind,
                           locator=Locator(file=rel, start=a, end=b)))
    return out, [m.group(1) for m in images]
