"""The English lines left in ``paper.ko.pdf``, each with its page and the reason it stayed English.

The finished PDF is read line by line with the coverage audit's scanner
(:func:`~arxiv_translator.audit.scan.scan_pdf_lines`: references, author
blocks with an e-mail address and the pseudo banner are left out, as the audit
leaves them out).  Every line with English prose words is matched with what
the reader and the writer know about the place it sits in:

* a segment the writer could not set: "would not fit" / "covers other content";
* a segment that was not translated: "not translated (<the translator's reason>)";
* a translated segment: "left by the translation" (names and terms the engine kept);
* a row the reader gave a role that is not translated (``Document.pdf.kept``):
  table, figure text, math, name (author block), code...;
* nothing: "not read as text".

The report gets the count, the words, the count per reason and the full list.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Protocol

from arxiv_translator.document_attrs import KeptRow, LayoutPart
from arxiv_translator.audit.scan import scan_pdf_lines

Rect4 = tuple[float, float, float, float]
#: Reader role -> the reason a row of that role stays English.
ROLE_REASON = {"table": "table", "tabular": "table", "figure": "figure text", "equation": "math",
               "front": "name (author block)", "furniture": "page furniture", "reference": "reference",
               "code": "code"}
#: Writer outcome -> reason.
OUTCOME_REASON = {"overflow": "would not fit", "blocked": "covers other content"}


class PlanLike(Protocol):
    """What the ledger reads of a writer plan."""

    outcome: str
    parts: list[LayoutPart]

    @property
    def segment(self) -> Any: ...


def _hit(line: Rect4, row: Rect4) -> bool:
    """Does the line's middle sit on the row (a point of tolerance)?"""
    cx, cy = (line[0] + line[2]) / 2, (line[1] + line[3]) / 2
    if row[0] - 1 <= cx <= row[2] + 1 and row[1] - 1 <= cy <= row[3] + 1:
        return True
    overlap = min(line[2], row[2]) - max(line[0], row[0])
    return overlap > 0.5 * max(1.0, line[2] - line[0]) and row[1] - 1 <= cy <= row[3] + 1


def _plan_reason(plan: PlanLike) -> str:
    if plan.outcome in OUTCOME_REASON:
        return OUTCOME_REASON[plan.outcome]
    if plan.outcome == "translated":
        return "left by the translation"
    seg = plan.segment
    why = getattr(seg, "reason", None) or getattr(getattr(seg, "status", None), "value", "kept")
    return f"not translated ({why})"


def reason_for(page: int, bbox: Rect4, plans: list[PlanLike], kept: dict[int, list[KeptRow]]) -> str:
    """Why the line ``bbox`` of the 0-based source ``page`` is English."""
    for plan in plans:
        for part in plan.parts:
            if part.page == page and any(_hit(bbox, box) for _p, box in part.row_boxes()):
                return _plan_reason(plan)
    for row in kept.get(page + 1, []):
        if _hit(bbox, row.bbox):
            return ROLE_REASON.get(row.role, row.role)
    return "not read as text"


def english_lines(path: Path, selection: list[int], plans: list[PlanLike],
                  kept: dict[int, list[KeptRow]]) -> dict[str, Any]:
    """The ledger of ``path`` (the written ``paper.ko.pdf``, whose pages are the source's ``selection``)."""
    by_page: dict[int, list[PlanLike]] = {}
    for plan in plans:
        for page in {p.page for p in plan.parts}:
            by_page.setdefault(page, []).append(plan)
    listed = []
    reasons: Counter[str] = Counter()
    for line in scan_pdf_lines(path, path.name, labels=[p + 1 for p in selection]):
        page = selection[line.index] if line.index < len(selection) else line.index
        reason = reason_for(page, line.bbox, by_page.get(page, []), kept)
        reasons[reason] += 1
        listed.append({"page": page + 1, "words": line.found.words, "reason": reason, "text": line.found.text})
    return {"lines": len(listed), "words": sum(item["words"] for item in listed),
            "by_reason": dict(reasons.most_common()), "list": listed}
