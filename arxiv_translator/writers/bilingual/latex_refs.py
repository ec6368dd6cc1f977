"""Resolved ``\\cite`` and ``\\ref`` for the bilingual page of a LaTeX paper.

Numbers come from the document (``doc.latex.labels``, computed by the LaTeX reader; the
``.aux`` of the original's compile wins where the build left one: :mod:`.latex_numbers`), citations
from :mod:`.latex_cites` (that compile's ``.bbl`` first); each reference links to the row of the page that
holds its label (the segment at or before the ``\\label``), each citation to
its entry in the reference list the page adds at the end.  The Korean column
gets Korean names (그림 3, 표 1, 식 (2), 3절).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from html import escape
from pathlib import Path

from arxiv_translator.document import Document, Segment
from arxiv_translator.document_attrs import LatexLabel
from arxiv_translator.writers.bilingual.equations import equation_anchor
from arxiv_translator.writers.bilingual.latex_cites import Bibliography, Entry, bibliography
from arxiv_translator.writers.bilingual.latex_numbers import merge_aux

NAMES = {"section": ("Section", "절"), "figure": ("Figure", "그림"), "table": ("Table", "표"),
         "equation": ("Eq.", "식"), "algorithm": ("Algorithm", "알고리즘")}
THEOREM_KO = {"theorem": "정리", "lemma": "보조정리", "definition": "정의", "proposition": "명제",
              "corollary": "따름정리", "remark": "비고", "example": "예", "assumption": "가정", "conjecture": "추측",
              "claim": "주장", "fact": "사실", "observation": "관찰", "problem": "문제", "hypothesis": "가설",
              "property": "성질", "condition": "조건", "exercise": "연습문제", "question": "질문", "note": "참고"}
NAMED = {"cref", "Cref", "autoref", "Autoref", "vref", "Vref"}


def anchor_of(seg_id: str) -> str:
    """The page's element id of a segment's row."""
    return "s-" + re.sub(r"[^\w.-]", "-", seg_id)


def table_anchor(table_id: str) -> str:
    """The page's element id of a table grid's row."""
    return "t-" + re.sub(r"[^\w.-]", "-", table_id)


class LatexRefs:
    """Labels, their rows on the page, and the bibliography of one LaTeX document."""

    def __init__(self, doc: Document, root: Path | None, segments: list[Segment], build: Path | None = None) -> None:
        self.labels: dict[str, LatexLabel] = dict(doc.latex.labels) if doc.latex else {}  # the reader's numbers
        stem = Path(doc.main_file or "main").stem
        if build is not None and build.is_dir():  # what the original's compile left: exact numbers and entries
            self.labels = merge_aux(self.labels, [p for p in (build / f"{stem}.aux",) if p.is_file()])
        self.bib: Bibliography = bibliography(doc, root, build)
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
        parts = []
        for key in keys:
            label = self.labels.get(key)
            if label is None or not label.number:
                parts.append(f'<span class="ref" title="{escape(key)}">??</span>')
                continue
            text = self._ref_text(command, label, lang)
            href = self.anchors.get(key)
            parts.append(f'<a class="ref" href="#{escape(href)}">{escape(text)}</a>' if href else
                         f'<span class="ref">{escape(text)}</span>')
        return ", ".join(parts)

    def ref_text(self, command: str, keys: list[str], lang: str) -> str:
        """The plain text of a reference (``??`` for an unknown label), for places links cannot go (math)."""
        return ", ".join(self._ref_text(command, self.labels[k], lang) if k in self.labels and self.labels[k].number
                         else "??" for k in keys)

    def _ref_text(self, command: str, label: LatexLabel, lang: str) -> str:
        number = f"({label.number})" if command == "eqref" or (command in NAMED and label.kind == "equation") \
            else label.number
        if command not in NAMED:
            return number
        en, ko = NAMES.get(label.kind, (label.title or "", THEOREM_KO.get(label.title.lower(), label.title)))
        if label.kind == "section" and re.fullmatch(r"[A-Z](\.\d+)*", label.number):
            en, ko = "Appendix", "부록"
        if lang == "ko":
            return f"{label.number}{ko}" if ko == "절" else f"{ko} {number}".strip()
        return f"{en} {number}".strip()

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
        items = [self._entry_html(e) for e in self.bib.listing() if e.author or e.title]
        if not items:
            return ""
        return ('<section class="refs" aria-label="참고문헌 / References"><h2><span class="ko">참고문헌</span> '
                '<span class="en" lang="en">References</span></h2><ol>' + "".join(items) + "</ol></section>")

    def _entry_html(self, e: Entry) -> str:
        author = escape(e.author.rstrip(". "))
        title = f" <i>{escape(e.title.rstrip('. '))}</i>." if e.title else ""
        if self.bib.author_year:
            return f'<li id="bib-{e.number}" lang="en">{author} ({escape(e.year)}).{title}</li>'
        year = f" {escape(e.year)}." if e.year and e.year != "n.d." else ""
        return (f'<li id="bib-{e.number}" lang="en"><span class="bibmark">[{escape(e.label or str(e.number))}]</span> '
                f"{author}.{title}{year}</li>")
