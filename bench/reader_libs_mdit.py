"""A markdown-it-py based block reader for Mathpix Markdown: the prototype that ``bench_reader_libs.py`` measures.

markdown-it-py (with mdit-py-plugins' ``texmath`` for ``\\[..\\]`` blocks and
``front_matter``) decides the blocks; its tokens carry line ranges (``.map``)
but no inline offsets, so each block's byte range comes from its lines and the
protected spans from :func:`arxiv_translator.readers.markdown_inline.scan` (the
same inline step as the hand-written reader: markdown-it's inline tokens know
neither offsets nor Mathpix's ``\\textbf{..}``, numeric citations or OCR
markers).  Two variants:

* ``pure``: the library's blocks only (heading, paragraph, list item, table,
  fence); every paragraph is prose of kind ``paragraph``/``item``.
* ``mmd``: the library's blocks, and inside each paragraph the Mathpix line
  rules of the hand-written reader (``Footnote N:``, captions, ``\\section{}``,
  ``tabular``, ``\\begin{abstract}``, the reference list): what a Mathpix
  reader needs that no plugin knows.

Not part of the package: it exists to be measured against
:mod:`arxiv_translator.readers.markdown`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.texmath import texmath_plugin

from arxiv_translator.readers import markdown as hand

_ONE_LINE_FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")


def _mathpix_one_line_code(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Mathpix writes a one-line code block as "```` ``` text ````"; CommonMark would open a fence to the end."""
    line = state.src[state.bMarks[start] + state.tShift[start]:state.eMarks[start]]
    m = _ONE_LINE_FENCE.match(line)
    if m is None or not (info := m.group(2).strip()) or not (" " in info or m.group(1)[0] in info):
        return False
    if not silent:
        token = state.push("mmd_code_line", "code", 0)
        token.map = [start, start + 1]
    state.line = start + 1
    return True


def markdown_it(texmath: bool = False, stock: bool = False) -> MarkdownIt:
    """The parser: CommonMark + GFM tables + front matter (+ ``texmath``'s ``\\[..\\]`` blocks), no inline pass.

    Unless ``stock``, fitted to OCR'd Markdown: no raw HTML blocks (OCR's ``<Summary A>`` would swallow
    the paragraph after it), no indented code (an indented OCR line is prose), Mathpix's one-line code
    blocks.  ``texmath`` is off by default: its block rule takes a whole line that starts with ``\\[`` as
    math, prose after the ``\\]`` included, and its tokens have no line map; the inline scanner protects
    display math anyway.
    """
    md = MarkdownIt("commonmark", {"html": stock}).enable("table").use(front_matter_plugin)
    if texmath:
        md.use(texmath_plugin, delimiters="brackets")
    if not stock:
        md.disable("code")
        md.block.ruler.before("fence", "mmd_code_line", _mathpix_one_line_code)
    md.core.ruler.disable("inline")
    return md


class MditParser(hand._Parser):
    """The hand-written reader's segment maker, driven by markdown-it's block tokens."""

    pure = False
    md = markdown_it()

    def run(self) -> MditParser:
        starts, text = self.lines.starts, self.text
        done = 0  # lines before this one are read (a tabular may run past its paragraph)
        in_item = 0
        for tok in self.md.parse(text):
            if tok.type == "list_item_open":
                in_item += 1
            elif tok.type == "list_item_close":
                in_item -= 1
            if tok.map is None or tok.map[1] <= done or tok.nesting == -1:
                continue
            first, last = max(tok.map[0], done), tok.map[1]
            if tok.type == "heading_open":
                self._flush()
                a, b = self._bounds(first)
                if m := hand.HEADING.match(text[a:b]):
                    self._heading(len(m.group(1)), a + m.start(2), a + m.end(2))
                done = last
            elif tok.type == "paragraph_open":
                self._flush()
                done = self._paragraph(first, last, "item" if in_item else "paragraph")
                self._flush()
            elif tok.type in ("fence", "mmd_code_line"):
                self._flush()
                self._code(tok, first, last)
                done = last
            elif tok.type == "table_open":
                self._flush()
                self._table_rows(starts[first], self._bounds(last - 1)[1], "pipe")
                self.seen_block = True
                done = last
        self._flush()
        return self

    def _bounds(self, i: int) -> tuple[int, int]:
        starts, text = self.lines.starts, self.text
        a = starts[i]
        b = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
        return a, b - 1 if b > a and text[b - 1] == "\r" else b

    def _paragraph(self, first: int, last: int, kind: str) -> int:
        if not self.pure:  # the Mathpix line rules, line by line inside the library's paragraph
            i = first
            while i < last:
                i = self._line(i, *self._bounds(i))
            return i
        a, b = self._bounds(first)[0], self._bounds(last - 1)[1]
        if kind == "item" and (m := hand.ITEM.match(self.text[a:b])):
            a += m.end()
        self.open = hand._Open(kind, a, b)
        return last

    def _code(self, tok, first: int, last: int) -> None:  # noqa: ANN001 (a markdown-it Token)
        if tok.type == "mmd_code_line":
            a, b = self._bounds(first)
            m = _ONE_LINE_FENCE.match(self.text[a:b])
            self._code_prose(a + m.start(2), a + m.end(2))
        elif not tok.info.strip():  # unlabelled: OCR'd prompt boxes; a labelled listing is all code
            closed = last - first >= 2 and self.text[slice(*self._bounds(last - 1))].strip().startswith(tok.markup)
            for i in range(first + 1, last - 1 if closed else last):
                self._code_prose(*self._bounds(i))


class PureMditParser(MditParser):
    """The library's blocks alone."""

    pure = True


class TexmathMditParser(MditParser):
    """With mdit-py-plugins' ``texmath`` for ``\\[..\\]`` blocks."""

    md = markdown_it(texmath=True)


class StockMditParser(MditParser):
    """markdown-it as it comes (CommonMark with HTML blocks and indented code) + ``texmath``."""

    md = markdown_it(texmath=True, stock=True)


@contextmanager
def parser(variant: str) -> Iterator[None]:
    """Within the block, :class:`~arxiv_translator.readers.markdown.MarkdownReader` parses with ``variant``
    (a key of :data:`VARIANTS`)."""
    cls = VARIANTS[variant]
    saved = hand._Parser
    hand._Parser = cls  # type: ignore[misc]
    try:
        yield
    finally:
        hand._Parser = saved  # type: ignore[misc]


#: The parsers measured, by name.
VARIANTS: dict[str, type[hand._Parser]] = {"hand": hand._Parser, "mdit-mmd": MditParser,
                                           "mdit-mmd+texmath": TexmathMditParser, "mdit-mmd-stock": StockMditParser,
                                           "mdit-pure": PureMditParser}
