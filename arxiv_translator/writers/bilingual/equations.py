"""Display equations that sit between segments (in no segment), for the bilingual page.

Readers make segments of prose; an equation standing alone between two
paragraphs belongs to none of them, yet a reader of the page needs it.  The
readers record every display equation as an element with its source span
(``Document.elements``), so the page takes those that lie in no segment and
shows each before the next segment of its file.  A document without elements
(built by hand, or by an older reader) falls back on searching the text
between consecutive segments (their locators say where they are) for:

* LaTeX: equation/align/gather/... environments, ``\\[..\\]``, ``$$..$$``;
* arXiv HTML: LaTeXML's ``ltx_equation``/``ltx_equationgroup`` tables (MathML
  and equation numbers), sanitised like segment text;
* Markdown: ``\\[..\\]`` and ``$$..$$``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable

from arxiv_translator.document import Document, ElementKind, Segment
from arxiv_translator.writers.bilingual.segment_html import clean, segment_html
from arxiv_translator.writers.bilingual.html_atoms import RefLookup

_LATEX_DISPLAY = re.compile(
    r"\\begin\{(equation\*?|align\*?|gather\*?|multline\*?|eqnarray\*?|flalign\*?|alignat\*?|displaymath|"
    r"dmath\*?)\}.*?\\end\{\1\}|(?<!\\)\\\[.*?\\\]|(?<!\\)\$\$.*?\$\$", re.S)
_LABEL = re.compile(r"\\label\s*\{([^{}]+)\}")
_LATEX_COMMENT = re.compile(r"%(?<!\\%).*")
_MD_DISPLAY = re.compile(r"\\\[.*?\\\]|\$\$.*?\$\$", re.S)
_HTML_EQUATION = re.compile(r'<table\b[^>]*class="[^"]*\bltx_equation(?:group)?\b[^"]*"[^>]*>.*?</table>', re.S)


def display_equations(doc: Document, segments: list[Segment], refs: RefLookup | None = None,
                      ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Equations (safe HTML) between segments: (shown before a segment, shown after a segment) by segment id.

    Each equation is attached to the next segment of the same file, or, after
    the file's last segment, to that one.  ``refs`` resolves ``\\eqref``... in LaTeX equations.
    """
    before: dict[str, list[str]] = defaultdict(list)
    after: dict[str, list[str]] = defaultdict(list)
    finder = {"latex": lambda gap: _latex_equations(gap, refs), "html": _html_equations,
              "markdown": _markdown_equations}.get(doc.source_kind)
    if finder is None:
        return before, after
    by_file: dict[str, list[Segment]] = defaultdict(list)
    for seg in segments:
        if seg.locator.has_span:
            by_file[seg.locator.file or ""].append(seg)
    if doc.elements:
        _place_elements(doc, by_file, finder, before, after)
        return before, after
    for name, segs in by_file.items():
        if name not in doc.files:
            continue
        text = doc.files[name].text
        pos = max(0, text.find("\\begin{document}")) if doc.source_kind == "latex" else 0
        segs.sort(key=lambda s: s.locator.start or 0)
        for seg in segs:
            start = seg.locator.start or 0
            if start > pos:
                before[seg.id].extend(finder(text[pos:start]))
            pos = max(pos, (seg.locator.end or 0))
        end = text.find("\\end{document}") if doc.source_kind == "latex" else -1
        after[segs[-1].id].extend(finder(text[pos : end if end > pos else len(text)]))
    return before, after


def _place_elements(doc: Document, by_file: dict[str, list[Segment]], finder: Callable[[str], list[str]],
                    before: dict[str, list[str]], after: dict[str, list[str]]) -> None:
    """The reader's equation elements that lie in no segment, each before the next segment of its file."""
    for segs in by_file.values():
        segs.sort(key=lambda s: s.locator.start or 0)
    starts = {name: [s.locator.start or 0 for s in segs] for name, segs in by_file.items()}
    for element in doc.elements:
        if element.kind is not ElementKind.EQUATION or not element.locator.has_span:
            continue
        name, start, end = element.locator.span()
        segs = by_file.get(name)
        if not segs or name not in doc.files:
            continue
        k = bisect_right(starts[name], start)
        if k > 0 and (segs[k - 1].locator.end or 0) > start:
            continue  # inside a segment: shown with its sentence
        shown = finder(doc.files[name].text[start:end])
        if k < len(segs):
            before[segs[k].id].extend(shown)
        else:
            after[segs[-1].id].extend(shown)


def equation_anchor(label: str) -> str:
    """The page's element id of the display equation holding ``\\label{label}``."""
    return "eq-" + re.sub(r"[^\w.-]", "-", label)


def _latex_equations(gap: str, refs: RefLookup | None = None) -> list[str]:
    gap = _LATEX_COMMENT.sub("", gap)
    found = []
    for m in _LATEX_DISPLAY.finditer(gap):
        anchors = "".join(f'<span class="anchor" id="{equation_anchor(label)}"></span>'
                          for label in _LABEL.findall(m.group(0)))
        found.append(anchors + segment_html(m.group(0), "latex", refs=refs))
    return found


def _markdown_equations(gap: str) -> list[str]:
    return [segment_html(m.group(0), "markdown") for m in _MD_DISPLAY.finditer(gap)]


def _html_equations(gap: str) -> list[str]:
    found = []
    for m in _HTML_EQUATION.finditer(gap):
        ident = re.search(r'\bid="([^"]+)"', m.group(0)[: m.group(0).find(">") + 1])
        anchor = f'<span class="anchor" id="{equation_anchor(ident.group(1))}"></span>' if ident else ""
        found.append(anchor + clean(m.group(0), mathml=True, tables=True))
    return found
