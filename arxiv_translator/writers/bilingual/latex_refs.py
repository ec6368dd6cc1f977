"""Resolved ``\\cite`` and ``\\ref`` for the bilingual page of a LaTeX paper.

Numbers, citations and the paper's own reference macros as text come from
:class:`~arxiv_translator.writers.latex_xref.LatexXref` (shared with the Markdown writer); each reference links to the row of the page that
holds its label (the segment at or before the ``\\label``), each citation to
its entry in the reference list the page adds at the end.  The Korean column
gets Korean names (그림 3, 표 1, 식 (2), 3절).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from html import escape

from arxiv_translator.document import Document, Segment
from arxiv_translator.writers.bilingual.equations import equation_anchor
from arxiv_translator.writers.latex_cites import Entry
from arxiv_translator.writers.latex_xref import TERM_COMMANDS, LatexXref, RefMacro, label_key

_KEY_ARG = re.compile(r"\s*\{([^{}]*)\}")


def anchor_of(seg_id: str) -> str:
    """The page's element id of a segment's row."""
    return "s-" + re.sub(r"[^\w.-]", "-", seg_id)


def table_anchor(table_id: str) -> str:
    """The page's element id of a table grid's row."""
    return "t-" + re.sub(r"[^\w.-]", "-", table_id)


class LatexRefs:
    """Labels, their rows on the page, and the bibliography of one LaTeX document."""

    def __init__(self, doc: Document, segments: list[Segment], xref: LatexXref) -> None:
        self.xref = xref
        self.labels, self.bib = self.xref.labels, self.xref.bib
        by_file: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
        for seg in segments:
            if seg.locator.file is not None and seg.locator.start is not None:
                by_file[seg.locator.file or ""].append(((seg.locator.start or 0), seg.id,
                                                          (seg.locator.end or 0)))
        for rows in by_file.values():
            rows.sort()
        self.anchors: dict[str, str] = {}
        in_table = {sid: table_anchor(t.id) for t in doc.tables for row in t.rows for c in row for sid in c.segments}
        for key, label in self.labels.items():
            rows = by_file.get(label.file, [])
            k = bisect.bisect_right(rows, (label.offset, "\uffff", 0)) - 1
            if not rows:
                continue
            inside = k >= 0 and rows[k][0] <= label.offset < rows[k][2]
            if label.kind == "equation" and not inside:  # a display equation between segments has its own id
                self.anchors[key] = equation_anchor(key)
            else:
                seg_id = rows[max(k, 0)][1]
                self.anchors[key] = in_table.get(seg_id) or anchor_of(seg_id)

    # -- references --------------------------------------------------------------------------------
    def ref_html(self, command: str, keys: list[str], lang: str) -> str:
        """``\\ref``/``\\eqref``/``\\cref``... as the number (with its name for the named ones), linked."""
        return ", ".join(self._linked(key, self.xref.label_text(command, label, lang) if (label := self.xref.label(key))
                                      else None) for key in keys)

    def macro_html(self, macro: RefMacro, arg: str, lang: str) -> str:
        """A call of the paper's own reference macro (``\\secref{intro}``) as it prints, linked."""
        keys = macro.keys(arg)
        return self._linked(keys[0], self.xref.macro_text(macro, arg, lang) if self.xref.label(keys[0]) else None)

    def ref_macro(self, name: str) -> RefMacro | None:
        """The paper's own reference macro ``name`` (``secref``), if it is one."""
        return self.xref.macros.get(name)

    def term(self, command: str, text: str, at: int, lang: str) -> str | None:
        """What a glossary command at ``text[at:]`` (its ``{key}`` argument) prints, None when it is none."""
        if command not in TERM_COMMANDS:
            return None
        m = _KEY_ARG.match(text, at)
        return self.xref.term_text(command, m.group(1), lang) if m else None

    def ref_text(self, command: str, keys: list[str], lang: str) -> str:
        """The plain text of a reference (``??`` for an unknown label), for places links cannot go (math)."""
        return self.xref.ref_text(command, keys, lang)

    def _linked(self, key: str, text: str | None) -> str:
        if text is None:
            return f'<span class="ref" title="{escape(key)}">??</span>'
        href = self.anchors.get(label_key(key))
        return (f'<a class="ref" href="#{escape(href)}">{escape(text)}</a>' if href else
                f'<span class="ref">{escape(text)}</span>')

    # -- citations ---------------------------------------------------------------------------------
    def cite_html(self, command: str, keys: list[str], pre: str, post: str) -> str:
        """A citation as the paper prints it, linked to the reference list (first work)."""
        text = escape(self.bib.cite(command, keys, pre, post), quote=False)
        entry = next((self.bib.entries[k] for k in keys if k in self.bib.entries), None)
        if entry is None:
            return text
        return f'<a class="cite" href="#bib-{entry.number}">{text}</a>'

    def references_html(self) -> str:
        """The reference list (cited works), one row per entry, each with its ``bib-N`` anchor."""
        items = [self._entry_html(e) for e in self.bib.listing() if e.author or e.title or e.tex]
        if not items:
            return ""
        return ('<section class="refs" aria-label="참고문헌 / References"><h2><span class="ko">참고문헌</span> '
                '<span class="en" lang="en">References</span></h2><ol>' + "".join(items) + "</ol></section>")

    def _entry_html(self, e: Entry) -> str:
        if full := e.full_text():  # the .bbl's whole entry, as the PDF prints it
            mark = "" if self.bib.author_year else f'<span class="bibmark">[{escape(e.label or str(e.number))}]</span> '
            return f'<li id="bib-{e.number}" lang="en">{mark}{escape(full)}</li>'
        author = escape(e.author.rstrip(". "))
        title = f" <i>{escape(e.title.rstrip('. '))}</i>." if e.title else ""
        if self.bib.author_year:
            return f'<li id="bib-{e.number}" lang="en">{author} ({escape(e.year)}).{title}</li>'
        year = f" {escape(e.year)}." if e.year and e.year != "n.d." else ""
        return (f'<li id="bib-{e.number}" lang="en"><span class="bibmark">[{escape(e.label or str(e.number))}]</span> '
                f"{author}.{title}{year}</li>")
