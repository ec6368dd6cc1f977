"""Which LaTeX environments are structural elements (equations, figures, tables, code), for the document model.

The segmenter records ``(kind, start, end)`` for each such environment (and
each display-math group ``\\[...\\]``/``$$...$$``) as it walks the body;
:func:`elements_of` turns them into :class:`~arxiv_translator.document.Element`
with a span into the file, dropping an element nested in one of the same kind
(a ``tabular`` inside a ``table`` float, a ``subfigure`` inside a ``figure``).
"""

from __future__ import annotations

from arxiv_translator.document import Element
from arxiv_translator.document_attrs import ElementKind, Locator
from arxiv_translator.readers.latex_specs import MATH_ENVS, TABULAR_ENVS, VERBATIM_ENVS

_KINDS: dict[str, ElementKind] = {
    **{name: ElementKind.EQUATION for name in MATH_ENVS if name.rstrip("*") not in ("math", "split")},
    **{name: ElementKind.TABLE for name in TABULAR_ENVS | {"table", "table*", "wraptable", "sidewaystable"}},
    **{name: ElementKind.FIGURE for name in ("figure", "figure*", "wrapfigure", "SCfigure", "subfigure")},
    **{name: ElementKind.CODE for name in VERBATIM_ENVS - {"comment", "filecontents", "filecontents*", "CCSXML"}},
    **{name: ElementKind.CODE for name in ("code", "python", "lstinputlisting")},
    **{name: ElementKind.ALGORITHM for name in ("algorithm", "algorithm*", "algorithm2e", "algorithmic",
                                                  "algorithmic*", "algpseudocode", "pseudocode")},
}


def element_kind(env: str) -> ElementKind | None:
    """The element an environment is, or ``None`` for the rest."""
    return _KINDS.get(env)


def elements_of(rel: str, found: list[tuple[ElementKind, int, int]]) -> list[Element]:
    """Elements of file ``rel`` from the segmenter's records, outermost of each kind, in source order."""
    found = sorted(set(found), key=lambda f: (f[1], -f[2]))
    kept: list[tuple[ElementKind, int, int]] = []
    reach: dict[ElementKind, int] = {}  # the furthest end of a kept element of each kind (sorted by start)
    for kind, start, end in found:
        if end <= reach.get(kind, -1):
            continue  # inside an earlier element of the same kind
        kept.append((kind, start, end))
        reach[kind] = end
    counts: dict[str, int] = {}
    out = []
    for kind, start, end in kept:
        counts[kind] = counts.get(kind, 0) + 1
        out.append(Element(id=f"{rel}/{kind.value[:3]}{counts[kind]}", kind=kind,
                           locator=Locator(file=rel, start=start, end=end)))
    return out
