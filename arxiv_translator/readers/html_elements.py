"""Structural elements of an arXiv (LaTeXML) page: equations, tables, figures, code listings, algorithms.

Each element's locator spans the whole HTML element (start tag to end tag),
so :meth:`Document.source_of` gives its markup (MathML with its TeX
``alttext`` for an equation, the ``<table>`` for a table...).  Nested
elements of the same kind (a ``ltx_equation`` inside an ``ltx_equationgroup``,
sub-figures) are left to their outermost one.  The local images the page
shows are the assets an output may need (see :mod:`arxiv_translator.assets`).
"""

from __future__ import annotations

from arxiv_translator.document import Element
from arxiv_translator.document_attrs import ElementKind, Locator
from arxiv_translator.readers.html_page import Node

#: (tag, LaTeXML class) -> kind; the first match wins, so a table figure is a table, not a figure.
_RULES: tuple[tuple[str, str, ElementKind], ...] = (
    ("table", "ltx_equationgroup", ElementKind.EQUATION),
    ("table", "ltx_equation", ElementKind.EQUATION),
    ("figure", "ltx_table", ElementKind.TABLE),
    ("figure", "ltx_float_algorithm", ElementKind.ALGORITHM),
    ("figure", "ltx_float_listing", ElementKind.CODE),
    ("div", "ltx_listing", ElementKind.CODE),
    ("figure", "ltx_figure", ElementKind.FIGURE),
)


def _kind(node: Node) -> ElementKind | None:
    classes = node.classes if node.name in ("table", "figure", "div") else []
    return next((kind for tag, cls, kind in _RULES if node.name == tag and cls in classes), None)


def html_elements(rel: str, root: Node) -> tuple[list[Element], list[str]]:
    """The elements under ``root`` (outermost of each kind) and the ``src`` of every image, in page order."""
    elements: list[Element] = []
    images: list[str] = []
    counts: dict[str, int] = {}

    def walk(node: Node, open_kinds: frozenset[ElementKind]) -> None:
        if node.name == "img" and node.attrs.get("src"):
            images.append(node.attrs["src"])
        kind = _kind(node)
        if kind is not None and kind not in open_kinds:
            counts[kind] = counts.get(kind, 0) + 1
            elements.append(Element(id=f"{rel}/{kind.value[:3]}{counts[kind]}", kind=kind,
                                    locator=Locator(file=rel, start=node.start, end=node.end, tag=node.name,
                                                    id=node.attrs.get("id") or None)))
            open_kinds = open_kinds | {kind}
        for child in node.children:
            walk(child, open_kinds)

    walk(root, frozenset())
    return elements, images
