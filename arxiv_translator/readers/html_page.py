"""An arXiv (LaTeXML) page as a light element tree with offsets into the page text.

The page is tokenised once; each :class:`Node` records where its start tag,
content and end tag lie in the text, so that a reader can hand out the exact
content of an element and a writer can splice text back at those offsets,
leaving every other byte as it was.  LaTeXML pages are well formed (every
element closed, as served or as saved by a browser), which is what the
tokeniser relies on: a stray end tag is ignored, an element left open is
closed by its parent's end tag, and unclosed elements end at the end of the
page; a comment never closed (``<!--`` without ``-->``) runs to the end of the page, as in a
browser.  ``<math>`` and raw-text elements (``<script>``, ``<style>``...) are
skipped whole: nothing inside them is ever looked at.

Why not a library (``bench/bench_reader_libs.py``, 33 corpus pages): lxml, html5lib and
selectolax give no source offsets (lxml a line number), so nothing could be spliced back; the
stdlib ``html.parser`` does (``getpos()``) and builds the same tree on every page, but is 3.5x
slower (26 vs 7.5 ms a page), needs its private ``set_cdata_mode`` to skip ``<math>``, and
keeps what follows an unclosed ``<!--`` as markup where a browser does not.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlparse

from arxiv_translator.errors import InputError
from arxiv_translator.readers import html_specs as spec

ARXIV = "https://arxiv.org"
_TOKEN = re.compile(r"<(?:!--(?:-?>|.*?--!?>|.*)|!\[CDATA\[.*?\]\]>|[!?][^>]*>|(/)?([A-Za-z][^\s/>]*)"
                    r"((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>)", re.S)
_ATTR = re.compile(r"""\s([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_CLASS = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)
_SPACE = re.compile(r"\s+")
_ARXIV_ID = re.compile(r"(?:arxiv\.org/(?:html|abs|pdf)/)((?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?)")
_CLOSE: dict[str, re.Pattern[str]] = {}
#: Deeper nesting is refused: LaTeXML pages nest a few dozen levels, and the tree is walked recursively.
MAX_DEPTH = 400


class Node:
    """One element: its name, raw attributes and offsets (start tag, content, end tag)."""

    __slots__ = ("name", "raw", "start", "inner_start", "inner_end", "end", "children", "parent", "_attrs",
                 "_classes", "_block")

    def __init__(self, name: str, raw: str, start: int, inner_start: int, parent: Node | None) -> None:
        self.name, self.raw, self.start, self.inner_start = name, raw, start, inner_start
        self.inner_end = self.end = inner_start
        self.children: list[Node] = []
        self.parent = parent
        self._attrs: dict[str, str] | None = None
        self._classes: list[str] | None = None
        self._block: bool | None = None

    @property
    def attrs(self) -> dict[str, str]:
        """The attributes, unescaped (parsed on first use)."""
        if self._attrs is None:
            self._attrs = {}
            if self.raw.strip(" \t\n/"):
                for m in _ATTR.finditer(self.raw):
                    value = next((v for v in m.groups()[1:] if v is not None), "")
                    self._attrs.setdefault(m.group(1).lower(), html.unescape(value))
        return self._attrs

    @property
    def classes(self) -> list[str]:
        """The class names."""
        if self._classes is None:
            m = _CLASS.search(self.raw) if "class" in self.raw else None
            self._classes = next((v for v in m.groups() if v is not None), "").split() if m else []
        return self._classes

    def has_class(self, names: frozenset[str] | dict) -> bool:
        """Whether one of the element's classes is in ``names``."""
        return any(c in names for c in self.classes)

    def iter(self) -> Iterator[Node]:
        """This element and all its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.iter()

    def find(self, name: str, cls: str | None = None) -> Node | None:
        """The first element (depth first) with this tag (and class)."""
        return next((n for n in self.iter() if n.name == name and (cls is None or cls in n.classes)), None)


def parse_page(text: str) -> Node:
    """Tokenise ``text`` into a tree of :class:`Node` (the root is ``#root``)."""
    root = Node("#root", "", 0, 0, None)
    stack = [root]
    pos, search = 0, _TOKEN.search
    while (m := search(text, pos)) is not None:
        pos = m.end()
        name = m.group(2)
        if name is None:
            continue  # comment, doctype, processing instruction
        name = name.lower()
        if m.group(1):
            _close(stack, name, m.start(), m.end())
            continue
        raw = m.group(3)
        node = Node(name, raw, m.start(), pos, stack[-1])
        stack[-1].children.append(node)
        if name in spec.VOID_TAGS or raw.endswith("/"):
            continue
        if name in spec.RAW_TAGS:
            close = _CLOSE.setdefault(name, re.compile(rf"</{name}\s*>", re.I)).search(text, pos)
            node.inner_end, node.end = (close.start(), close.end()) if close else (len(text), len(text))
            pos = node.end
            continue
        stack.append(node)
        if len(stack) > MAX_DEPTH:
            line = text.count("\n", 0, m.start()) + 1
            raise InputError(f"line {line}: elements nested deeper than {MAX_DEPTH} (<{name}> left open?)")
    for node in stack[1:]:
        node.inner_end = node.end = len(text)
    root.inner_end = root.end = len(text)
    return root


def _close(stack: list[Node], name: str, start: int, end: int) -> None:
    for i in range(len(stack) - 1, 0, -1):
        if stack[i].name == name:
            break
    else:
        return  # a stray end tag
    while len(stack) > i:
        node = stack.pop()
        node.inner_end = start
        node.end = end if len(stack) == i else start


def contains_block(node: Node) -> bool:
    """Whether a block-level element lies inside ``node`` (memoised)."""
    if node._block is None:
        node._block = any(is_block(c) or contains_block(c) for c in node.children if c.name not in spec.RAW_TAGS)
    return node._block


def is_block(node: Node) -> bool:
    """Block-level by tag or by LaTeXML class."""
    return node.name in spec.BLOCK_TAGS or node.has_class(spec.BLOCK_CLASSES)


def plain_text(text: str, node: Node) -> str:
    """The readable text of ``node`` (math as its TeX ``alttext``), white space collapsed."""
    out: list[str] = []

    def walk(n: Node) -> None:
        pos = n.inner_start
        for child in n.children:
            out.append(text[pos:child.start])
            if child.name == "math":
                out.append(child.attrs.get("alttext", ""))
            elif child.name == "br":
                out.append(" ")
            elif child.name not in ("script", "style", "button") and "ltx_note" not in child.classes:
                walk(child)
            pos = child.end
        out.append(text[pos:n.inner_end])

    walk(node)
    return _SPACE.sub(" ", html.unescape("".join(out))).strip()


def page_base(tree: Node) -> tuple[str | None, str | None]:
    """The absolute base URL for the page's relative links, and its arXiv id (each may be None).

    From the page's ``<base>`` (resolved against arxiv.org; only when it stays on arxiv.org), else from a
    canonical link or ``og:url``/``citation_arxiv_id`` meta naming an arXiv
    id (``https://arxiv.org/html/<id>/``).
    """
    head = tree.find("head") or tree
    arxiv_id = None
    for node in head.iter():
        a = node.attrs if node.name in ("link", "meta") else {}
        if node.name == "link" and "canonical" in a.get("rel", "").split():
            arxiv_id = arxiv_id or _id_in(a.get("href", ""))
        elif node.name == "meta" and a.get("name", a.get("property", "")) in ("og:url", "citation_arxiv_id",
                                                                               "citation_pdf_url"):
            content = a.get("content", "")
            named = a.get("name") == "citation_arxiv_id"
            arxiv_id = arxiv_id or _id_in(f"arxiv.org/abs/{content.strip()}" if named else content)
    base_node = head.find("base")
    if base_node is not None and base_node.attrs.get("href"):
        base = urljoin(ARXIV + "/", base_node.attrs["href"].strip())
        if _on_arxiv(base):  # a <base> elsewhere would send every asset request to that site
            return base, arxiv_id or _id_in(base)
    return (f"{ARXIV}/html/{arxiv_id}/" if arxiv_id else None), arxiv_id


def _on_arxiv(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return urlparse(url).scheme in ("http", "https") and (host == "arxiv.org" or host.endswith(".arxiv.org"))


def _id_in(url: str) -> str | None:
    m = _ARXIV_ID.search(url)
    return m.group(1) if m else None


__all__ = ["ARXIV", "Node", "parse_page", "contains_block", "is_block", "plain_text", "page_base"]
