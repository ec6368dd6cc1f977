"""arXiv's HTML (a LaTeXML page) -> :class:`~arxiv_translator.document.Document`.

A segment's ``source`` is the exact content (inner HTML) of a translatable
element as written in the page: paragraphs (``ltx_p``), the title, section
headings, the abstract, captions, footnotes, list items, table cells and
theorem bodies.  Its spans are, as offsets into that content:

* atoms kept whole: every ``<math>``, ``<cite>``, reference link, footnote,
  number tag ("Figure 1:", "2.1"), code, image, entity (``&nbsp;``...) and any
  block nested in the element;
* ``open``/``close`` pairs for the start and end tags of inline formatting
  (``<em>``, ``<span class="ltx_text ltx_font_bold">``, links with text), whose
  content is translated with the sentence.

A footnote (or a table inside a paragraph) is an atom of its paragraph *and*
holds segments of its own, which the writer splices back recursively.  The
author block, the bibliography (all but its title), code listings, equations
and everything outside ``<article>`` (arXiv's own page chrome) are not
translated.  See :mod:`.html_page` for the tokeniser and
:mod:`arxiv_translator.writers.html.output` for the way back.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin

from arxiv_translator.assets import image_candidates, make_assets
from arxiv_translator.document import Block, Document, Protected, Segment, SourceFile
from arxiv_translator.document_attrs import GraphicRef, Locator, SegmentAttrs
from arxiv_translator.encoding import decode_text
from arxiv_translator.errors import InputError
from arxiv_translator.prose import PROSE_WORD
from arxiv_translator.readers import html_specs as spec
from arxiv_translator.readers.html_elements import html_elements
from arxiv_translator.readers.tables import html_tables
from arxiv_translator.readers.html_page import Node, contains_block, is_block, page_base, parse_page, plain_text

_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
#: Kept whole inside prose: entities (``&nbsp;``...) and bare URLs (group 1).
_URL_END = r"[^\s<>\"'&.,;:!?)\]]"  # a URL does not end with punctuation
_INLINE_ATOM = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|"
                          rf"((?:https?|ftp)://(?:[^\s<>\"'&]|&amp;)*{_URL_END}|"
                          rf"www\.[a-z0-9-]+\.[^\s<>\"'&]*{_URL_END})")
_LETTER = re.compile(r"[A-Za-z]")
_LTX = re.compile(r"""class\s*=\s*["']?[^"'>]*\bltx_""")
_STRICT_CLASSES = frozenset({"ltx_p"})
#: A plain word token (for telling prose set in typewriter type from code).
_PLAIN_WORD = re.compile(r"[(\"'“‘]*(?:[A-Za-z][a-z]*(?:['’-][A-Za-z][a-z]*)*|[a-z]|\d{1,4}[.,]?)"
                         r"[.,;:!?)\"'”’]*")
_CODE_CHAR = re.compile(r"[_/\\=(){}\[\];@<>|^~`#*+$%&]")
_NEVER_HOST = frozenset({"#root", "html", "body", "article", "section", "main"})

_Span = tuple[str, int, int, str, "int | None"]  # kind, start, end, role, pair (absolute offsets)


def context_kind(node: Node, kind: str) -> str:
    """The segment kind for prose inside ``node`` (innermost context wins)."""
    for name in node.classes:
        if name in spec.CONTEXT_BY_CLASS:
            return spec.CONTEXT_BY_CLASS[name]
    return spec.CONTEXT_BY_TAG.get(node.name, kind)


def _is_term(node: Node) -> bool:
    """The label of a description list item (``\\item[Term]``): prose, unlike other item labels."""
    return node.parent is not None and node.parent.name == "dt" and "ltx_tag_item" in node.classes


def is_title(node: Node) -> bool:
    """A LaTeXML title element (``<h2 class="ltx_title ltx_title_section">``...)."""
    return node.name in spec.HEADING_TAGS and "ltx_title" in node.classes


class PageSegmenter:
    """Finds the segments of one page; see the module docstring."""

    def __init__(self, text: str, rel: str, base: str | None) -> None:
        self.text, self.rel, self.base = text, rel, base
        self.segments: list[Segment] = []
        self.counts: dict[str, int] = {}
        self.section = ""
        self.title = ""
        self.abstract: list[str] = []

    def walk(self, node: Node, kind: str) -> None:
        """Find segments in ``node`` and below; ``kind`` is the enclosing context's."""
        if node.name == "svg":  # a picture: only the HTML it embeds (tcolorbox, tikz nodes) is prose
            for child in _foreign_content(node):
                self.walk(child, kind)
            return
        if node.name in spec.SKIP_TAGS or node.has_class(spec.SKIP_CLASSES) and not (
                _is_term(node) or self.typewriter_prose(node)):
            if "ltx_bibliography" in node.classes:  # its title ("References") only
                for child in node.children:
                    if is_title(child):
                        self.walk(child, kind)
            return
        kind = kind if kind == "title" else context_kind(node, kind)  # a title laid out as a table stays a title
        if self._is_host(node):
            self._host(node, kind)
            return
        for child in node.children:
            self.walk(child, kind)

    def _is_host(self, node: Node) -> bool:
        if node.name in _NEVER_HOST or node.name == "dt" or node.has_class(spec.RECURSE_CLASSES):
            return False  # (a description list's term is in its label, a host of its own)
        if node.name in ("p", "figcaption") or is_title(node) or node.has_class(_STRICT_CLASSES):
            return True
        return not contains_block(node) or self._direct_letters(node)

    def _direct_letters(self, node: Node) -> bool:
        pos = node.inner_start
        for child in node.children + [None]:
            end = child.start if child is not None else node.inner_end
            if _LETTER.search(_ENTITY.sub("", self.text[pos:end])):
                return True
            pos = child.end if child is not None else pos
        return False

    def _host(self, node: Node, kind: str) -> None:
        kind, attrs = self._kind_attrs(node, kind)
        if kind == "title" and not self.title and is_title(node):
            self.title = plain_text(self.text, node)
        segment, nested = self.build(node, kind, attrs)
        if segment is not None:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            segment.id = f"{self.rel}/{spec.ID_PREFIX.get(kind, kind[:3])}{self.counts[kind]}"
            segment.context = self.section
            self.segments.append(segment)
            if kind == "abstract":
                self.abstract.append(plain_text(self.text, node))
            elif kind == "heading":
                self.section = plain_text(self.text, node)
        for child in nested:
            self.walk(child, kind)

    def _kind_attrs(self, node: Node, kind: str) -> tuple[str, SegmentAttrs]:
        if is_title(node):
            classes = node.classes
            if any(c in spec.RUNIN_TITLES for c in classes):
                return kind, SegmentAttrs()
            level = next((spec.TITLE_LEVELS[c] for c in classes if c in spec.TITLE_LEVELS), int(node.name[1]))
            return ("title" if "ltx_title_document" in classes else "heading"), SegmentAttrs(level=level)
        if node.name == "figcaption":
            figure = node.parent
            while figure is not None and figure.name != "figure":
                figure = figure.parent
            images = [n.attrs.get("src", "") for n in figure.iter() if n.name == "img"] if figure else []
            images = [urljoin(self.base, src) if self.base else src for src in images if src]
            return "caption", SegmentAttrs(graphics=[GraphicRef(path=src) for src in images])
        return kind, SegmentAttrs(level=1 if kind == "title" else None)

    def build(self, node: Node, kind: str, attrs: SegmentAttrs | None = None) -> tuple[Segment | None, list[Node]]:
        """The segment for the content of ``node`` (None if it has no prose) and its nested containers."""
        spans: list[_Span] = []
        nested: list[Node] = []
        if not self._collect(node, spans, nested):
            return None, nested
        start, end = node.inner_start, node.inner_end
        locator = Locator(file=self.rel, start=start, end=end, tag=node.name, id=node.attrs.get("id") or None)
        if is_title(node) and node.parent is not None and node.parent.attrs.get("id"):
            locator.anchor = node.parent.attrs["id"]
        protected = [Protected(kind=k, start=a - start, end=b - start, role=r, pair=p)  # type: ignore[arg-type]
                     for k, a, b, r, p in spans]
        return Segment(id="", kind=kind, attrs=attrs or SegmentAttrs(), source=self.text[start:end], spans=protected,
                       locator=locator), nested

    def _collect(self, node: Node, spans: list[_Span], nested: list[Node]) -> bool:
        """Spans of the content of ``node``; True when it holds prose (letters outside atoms)."""
        letters = False
        pos = node.inner_start
        for child in node.children:
            letters = self._gap(pos, child.start, spans) or letters
            pos = child.end
            if self._is_atom(child):
                self._atom(child, spans, nested)
                continue
            mark = len(spans)
            spans.append(("format", child.start, child.inner_start, "open", mark))
            if self._collect(child, spans, nested):
                spans.append(("format", child.inner_end, child.end, "close", mark))
                letters = True
            else:  # formatting around no prose: one atom
                del spans[mark:]
                spans.append((_span_kind(child), child.start, child.end, "atom", None))
        return self._gap(pos, node.inner_end, spans) or letters

    def typewriter_prose(self, node: Node) -> bool:
        """True for ``\\texttt`` text that is prose, not code (a prompt, a quoted sentence, a model name).

        It holds a word of 3+ letters, and either most of its white-space
        separated tokens are plain words (letters, inner hyphens, sentence
        punctuation) or it has no character of code at all; identifiers
        (``max_len``), calls, paths, URLs and e-mail addresses stay code.
        A model keeps what is a name (``EEVE-Korean-10.8B``) as it is.
        """
        if "ltx_font_typewriter" not in node.classes:
            return False
        text = plain_text(self.text, node)
        if PROSE_WORD.search(text) is None:
            return False
        tokens = text.split()
        words = sum(1 for t in tokens if _PLAIN_WORD.fullmatch(t))
        return words >= 0.6 * len(tokens) or _CODE_CHAR.search(text) is None

    def _is_atom(self, node: Node) -> bool:
        if "ltx_font_typewriter" in node.classes and self.typewriter_prose(node):
            return not (node.name == "span" and not contains_block(node))  # translated with its sentence
        return (node.name in spec.ATOM_TAGS or node.inner_start == node.end or node.has_class(spec.ATOM_CLASSES)
                or is_block(node))

    @staticmethod
    def _atom(node: Node, spans: list[_Span], nested: list[Node]) -> None:
        spans.append((_span_kind(node), node.start, node.end, "atom", None))
        if node.name not in spec.RAW_TAGS and (node.has_class(spec.CONTAINER_CLASSES) or is_block(node)
                                               or contains_block(node) or _has_foreign(node)):
            nested.append(node)

    def _gap(self, start: int, end: int, spans: list[_Span]) -> bool:
        """Entities and bare URLs in ``text[start:end]`` become atoms; True when the rest has letters."""
        text = self.text
        if start >= end:
            return False
        letters, pos = False, start
        for m in _INLINE_ATOM.finditer(text, start, end):
            letters = letters or _LETTER.search(text, pos, m.start()) is not None
            spans.append(("url" if m.group(1) else "entity", m.start(), m.end(), "atom", None))
            pos = m.end()
        return letters or _LETTER.search(text, pos, end) is not None


def _foreign_content(node: Node) -> list[Node]:
    """The prose of an SVG picture: its ``<text>`` labels and what its outermost ``<foreignObject>`` s hold."""
    out: list[Node] = []
    for child in node.children:
        if child.name == "text":
            out.append(child)
        else:
            out += child.children if child.name == "foreignobject" else _foreign_content(child)
    return out


def _has_foreign(node: Node) -> bool:
    """An SVG picture with prose in it: text labels, or HTML it embeds."""
    return node.name == "svg" and any(n.name in ("foreignobject", "text") for n in node.iter())


def _span_kind(node: Node) -> str:
    if node.name in spec.SPAN_KIND_BY_TAG:
        return spec.SPAN_KIND_BY_TAG[node.name]
    return next((spec.SPAN_KIND_BY_CLASS[c] for c in node.classes if c in spec.SPAN_KIND_BY_CLASS), "element")


def make_segment(text: str, node: Node, kind: str, seg_id: str, rel: str = "") -> Segment | None:
    """A stand-alone segment for the content of ``node`` (None when it has no prose)."""
    segment, _nested = PageSegmenter(text, rel, None).build(node, kind)
    if segment is not None:
        segment.id = seg_id
    return segment


class HtmlReader:
    """Reads one arXiv HTML page (LaTeXML output, as served or as saved by a browser)."""

    name = "html"
    collapse_space = True

    def read(self, root: Path, main: str | None = None) -> Document:
        """Read ``root / main`` (``main`` defaults to the only ``.html`` file in ``root``)."""
        root = Path(root)
        main = main or _only_page(root)
        path = root / main
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        text, encoding = decode_text(data, str(path))
        if not _LTX.search(text):
            raise InputError(f"{path}: not an arXiv (LaTeXML) HTML page")
        try:
            tree = parse_page(text)
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from None
        base, arxiv_id = page_base(tree)
        article = tree.find("article") or tree.find("body") or tree
        seg = PageSegmenter(text, main, base)
        seg.walk(article, "paragraph")
        doc = Document(source_kind="html", source_path=str(path), main_file=main,
                       files={main: SourceFile(path=main, encoding=encoding, text=text, role="main")})
        doc.blocks.append(Block(id=main, kind="file", segments=sorted(seg.segments, key=_start)))
        doc.tables = html_tables(main, text, article, seg.segments)
        doc.elements, images = html_elements(main, article)
        folder = posixpath.dirname(main)
        doc.assets = make_assets(root, (p for src in images for p in image_candidates(src, [folder], base)))
        doc.meta["main_reason"] = "the HTML page"
        if base:
            doc.meta["base_url"] = base
        if arxiv_id:
            doc.meta["arxiv_id"] = arxiv_id
        doc.title = seg.title
        doc.abstract = " ".join(seg.abstract)
        if not seg.segments:
            doc.warnings.append(f"{main}: no translatable text found in the page")
        return doc


def _start(segment: Segment) -> int:
    return segment.locator.start or 0


def _only_page(root: Path) -> str:
    pages = sorted(p.name for p in root.iterdir() if p.suffix.lower() in (".html", ".htm", ".xhtml"))
    if len(pages) != 1:
        raise InputError(f"{root}: name the HTML page to read ({len(pages)} candidates)")
    return pages[0]


__all__ = ["HtmlReader", "PageSegmenter", "make_segment", "context_kind", "is_title"]
