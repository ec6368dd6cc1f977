"""The HTML half of ``bench_reader_libs.py``: the hand-written tokeniser against HTML parsing libraries.

What the HTML reader and writer need from a parser: for every element the offsets of its start tag,
its content and its end tag in the page text (segments are the exact inner HTML of elements and
translations are spliced back there), the raw attribute text, ``<math>``/``<script>``... skipped whole.

* hand: :func:`arxiv_translator.readers.html_page.parse_page`.
* stdlib: :class:`html.parser.HTMLParser` driving the same element stack (:func:`parse_page_stdlib`);
  offsets from ``getpos()`` (line, column) and ``get_starttag_text()``; the only library here that
  reports where a tag is.
* lxml, html5lib, selectolax (lexbor): trees without source offsets (lxml has ``sourceline``, a line
  number): timed for their parse, compared by element count, unusable for splicing.
"""

from __future__ import annotations

import importlib.util
import re
import statistics
import time
import warnings
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from arxiv_translator.readers import html_specs as spec
from arxiv_translator.readers.html_page import Node, _close, parse_page

from codesize import PKG, function_loc, loc


class _StdlibTokens(HTMLParser):
    """``html.parser`` events -> :class:`Node` tree with offsets (the hand-written stack rules)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.root = Node("#root", "", 0, 0, None)
        self.stack = [self.root]

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, closed=True)

    def _start(self, tag: str, closed: bool) -> None:
        raw = self.get_starttag_text() or ""
        start = self._offset()
        node = Node(tag, raw[1 + len(tag):-1], start, start + len(raw), self.stack[-1])
        self.stack[-1].children.append(node)
        if closed or tag in spec.VOID_TAGS:
            return
        self.stack.append(node)
        if tag in spec.RAW_TAGS:
            self.set_cdata_mode(tag)

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        end = self.text.find(">", start) + 1 or len(self.text)
        _close(self.stack, tag, start, end)


def parse_page_stdlib(text: str) -> Node:
    """The page's element tree from ``html.parser`` (see the module docstring)."""
    parser = _StdlibTokens(text)
    parser.feed(text)
    parser.close()
    for node in parser.stack[1:]:
        node.inner_end = node.end = len(text)
    parser.root.inner_end = parser.root.end = len(text)
    return parser.root


def _elements(root: Node) -> list[tuple[str, int, int, int, int]]:
    return [(n.name, n.start, n.inner_start, n.inner_end, n.end) for n in root.iter() if n.name != "#root"]


# -- libraries without offsets: parse, count elements outside <math> -------------------------------
def _lxml(text: str) -> int:
    import lxml.html

    tree = lxml.html.document_fromstring(text.encode("utf-8"))
    return _count_outside_math(tree)


def _count_outside_math(e) -> int:  # noqa: ANN001 (an lxml element)
    """Elements of an lxml tree, MathML inside ``<math>`` not counted (the hand-written tokeniser skips it)."""
    total = 0
    for c in e:
        if isinstance(c.tag, str):
            total += 1
            if c.tag.rsplit("}", 1)[-1] != "math":
                total += _count_outside_math(c)
    return total


def _html5lib(text: str) -> int:
    import html5lib

    with warnings.catch_warnings():  # "Coercing non-XML name": lxml's names are stricter than HTML's
        warnings.simplefilter("ignore")
        tree = html5lib.parse(text, treebuilder="lxml", namespaceHTMLElements=False)
    return 1 + _count_outside_math(tree.getroot())


def _selectolax(text: str) -> int:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(text)
    everything = sum(1 for _ in tree.root.traverse())
    return everything - sum(sum(1 for _ in m.traverse()) - 1 for m in tree.css("math"))


LIBRARIES: dict[str, tuple[str, Callable[[str], int]]] = {
    "lxml": ("lxml", _lxml), "html5lib": ("html5lib", _html5lib), "selectolax": ("selectolax", _selectolax)}


def _best_ms(fn: Callable[[str], object], text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fn(text)
        best = min(best, time.process_time() - t0)
    return best * 1000


# -- malformed pages: what each parser makes of them ------------------------------------------------
MALFORMED = {
    "quoted >": '<p title="a>b">x</p>',
    "unquoted attr": "<p class=ltx_p id=p1>x</p>",
    "stray end tag": "<p>a</span>b</p>",
    "unclosed p": "<div><p>a<p>b</div>",
    "lt in text": "<p>a < b and c<d</p>",
    "comment with tag": "<p>a<!-- <span> -->b</p>",
    "unclosed comment": "<p>a<!-- b</p><p>c</p>",
    "script with tag": '<script>if(a<b){x="</div>"}</script><p>c</p>',
    "math skipped": '<p>a<math alttext="x"><mi>x</mi><mo><</mo></math>b</p>',
    "upper case": "<P CLASS='ltx_p'>a</P>",
    "end tag space": "<p>a</p >",
    "self-closing span": "<p><span/>a</p>",
    "cdata": "<p><![CDATA[<b>]]>a</p>",
    "bogus tag": "<p><a/b>a</p>",
}


def _names(root: Node) -> list[str]:
    return [n.name for n in root.iter() if n.name != "#root"]


def _reference_names(text: str) -> list[str] | None:
    """Start-tag names in document order as a browser (html5lib) builds them, without implied elements."""
    if importlib.util.find_spec("html5lib") is None:
        return None
    import html5lib

    tree = html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=False)
    out: list[str] = []

    def walk(e, in_math: bool) -> None:  # noqa: ANN001
        for c in e:
            if isinstance(c.tag, str):
                name = c.tag.rsplit("}", 1)[-1].lower()
                if not in_math:
                    out.append(name)
                walk(c, in_math or name == "math")

    walk(tree, False)
    implied = {n for n in ("head", "body") if f"<{n}" not in text.lower()}
    return [n for n in out if n not in implied]


def bench_html(pages: list[Path], repeat: int) -> None:
    """Print ms/page, offsets agreement and malformed-input behaviour per HTML parser."""
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in pages]
    here = Path(__file__)
    std_loc = function_loc(here, {"__init__", "_offset", "handle_starttag", "handle_startendtag", "_start",
                                  "handle_endtag", "parse_page_stdlib"}) + 1  # + the class line
    print(f"\nHTML: {len(pages)} pages, {sum(map(len, texts)) / 1e6:.1f} M characters; LOC html_page.py "
          f"{loc(PKG / 'html_page.py')}, of which the tokeniser (parse_page, _close, 2 patterns) "
          f"{function_loc(PKG / 'html_page.py', {'parse_page', '_close'}) + 4}; the stdlib version "
          f"{std_loc} (it reuses _close)")
    hand = [_best_ms(parse_page, t, repeat) for t in texts]
    std = [_best_ms(parse_page_stdlib, t, repeat) for t in texts]
    same = sum(_elements(parse_page(t)) == _elements(parse_page_stdlib(t)) for t in texts)
    counts = [sum(1 for n in parse_page(t).iter()) - 1 for t in texts]
    print(f"{'parser':11} {'offsets':>7} {'ms/page':>8} {'ms max':>7} {'elements vs hand':>17}")
    print(f"{'hand':11} {'yes':>7} {statistics.mean(hand):8.1f} {max(hand):7.1f} {'-':>17}")
    print(f"{'stdlib':11} {'yes':>7} {statistics.mean(std):8.1f} {max(std):7.1f} "
          f"{f'{same}/{len(texts)} identical':>17}")
    for name, (module, count) in LIBRARIES.items():
        if importlib.util.find_spec(module) is None:
            print(f"{name:11} (not installed)")
            continue
        ms = [_best_ms(count, t, repeat) for t in texts]
        diff = [abs(count(t) - c) / max(1, c) for t, c in zip(texts, counts)]
        print(f"{name:11} {'no':>7} {statistics.mean(ms):8.1f} {max(ms):7.1f} "
              f"{f'median diff {statistics.median(diff) * 100:.1f}%':>17}")
    print("\nmalformed input: start tags in document order, as a browser (html5lib) reads them")
    print(f"{'case':18} {'hand':>5} {'stdlib':>6}  html5lib's reading")
    for case, text in MALFORMED.items():
        ref = _reference_names(text)
        names = [_names(fn(text)) for fn in (parse_page, parse_page_stdlib)]
        marks = ["=" if ref is None or n == ref else "DIFF" for n in names]
        print(f"{case:18} {marks[0]:>5} {marks[1]:>6}  {' '.join(ref or [])}"
              + "".join(f"; {who}: {' '.join(n)}" for who, n, m in zip(("hand", "stdlib"), names, marks) if m != "="))
