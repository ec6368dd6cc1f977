"""arXiv HTML: cross-references (``Section 3``, ``(2)``, ``Figure 1``) pointed at this page's own rows.

LaTeXML links a reference to the element with the label, by id, often through
the paper's absolute URL (``https://arxiv.org/html/2305.18290v2#S3.E1``).  On
the bilingual page that element is a row: the segment holding or following
the target (a section, figure, table, theorem), or the display equation
(whose row carries ``eq-<id>``).  Links to anything else (the bibliography,
which the page does not show) stay as they were.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict

from arxiv_translator.document import Document, Segment
from arxiv_translator.writers.bilingual.equations import equation_anchor
from arxiv_translator.writers.bilingual.latex_refs import table_anchor

_HREF = re.compile(r'href="[^"#]*#([^"]+)"')
_TARGET_CLASSES = re.compile(r"\bltx_(?:section|subsection|subsubsection|appendix|paragraph|figure|table|float|"
                             r"theorem|proof|equation|equationgroup|chapter|part)\b")


class HtmlLinks:
    """Maps LaTeXML element ids that segments link to onto the page's row anchors."""

    def __init__(self, doc: Document, segments: list[Segment]) -> None:
        self.targets: dict[str, str] = {}
        if doc.source_kind != "html":
            return
        wanted = {m.group(1) for seg in segments for m in _HREF.finditer(seg.source)}
        in_table = {sid: table_anchor(t.id) for t in doc.tables for row in t.rows for c in row for sid in c.segments}
        by_file: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for seg in segments:
            if seg.locator.start is not None:
                by_file[seg.locator.file or ""].append(((seg.locator.start or 0),
                                                              (seg.locator.end or 0), seg.id))
        for name, rows in by_file.items():
            rows.sort()
            text = doc.files[name].text if name in doc.files else ""
            starts = [r[0] for r in rows]
            for target in wanted - set(self.targets):
                m = re.search(r'<([a-z]+)\b[^>]*\bid="' + re.escape(target) + r'"[^>]*>', text)
                if m is None or not _TARGET_CLASSES.search(m.group(0)):
                    continue
                if "ltx_equation" in m.group(0) and m.group(1) == "table":
                    self.targets[target] = equation_anchor(target)
                    continue
                k = bisect.bisect_left(starts, m.start())
                inside = k > 0 and rows[k - 1][0] <= m.start() < rows[k - 1][1]
                pick = rows[k - 1] if inside else rows[k] if k < len(rows) else None
                if pick is not None:
                    self.targets[target] = in_table.get(pick[2]) or "s-" + re.sub(r"[^\w.-]", "-", pick[2])

    def rewrite(self, fragment: str) -> str:
        """Point the links of a segment's HTML at this page's rows where their targets are shown."""
        if not self.targets:
            return fragment
        return _HREF.sub(lambda m: f'href="#{self.targets[m.group(1)]}"' if m.group(1) in self.targets
                         else m.group(0), fragment)
