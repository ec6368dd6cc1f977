"""Splice segment translations back into a source text at their recorded offsets.

Shared by the writers of offset-based formats (LaTeX, arXiv HTML).  A segment
nested inside another one's protected span (a footnote inside a paragraph) is
spliced recursively.  With ``keep_lines`` a translated segment keeps its
source's line breaks (see :mod:`.line_structure`).
"""

from __future__ import annotations

from collections.abc import Callable

from arxiv_translator.document import Segment, Status
from arxiv_translator.protect import Slot, slots, unmask
from arxiv_translator.writers.line_structure import CLOSE, OPEN, reflow

TRANSLATED = (Status.TRANSLATED, Status.CACHED)


def render_file(text: str, segments: list[Segment], reverted: set[str] | None = None,
                keep_lines: bool = False, atom_text: Callable[[str], str] | None = None) -> str:
    """``text`` with the translations of ``segments`` (all of this file) spliced in.

    ``keep_lines``: each translated segment on as many lines as its source, where it can be.
    ``atom_text``: rewrites the text of a protected span inside a translated segment (the LaTeX
    writer's citation notes in Korean); it must keep the span's line count.
    """
    reverted = reverted or set()
    keep_lines = keep_lines and OPEN not in text and CLOSE not in text
    segs = sorted(segments, key=lambda s: ((s.locator.start or 0), -(s.locator.end or 0)))
    children: dict[str | None, list[Segment]] = {}
    stack: list[Segment] = []
    for seg in segs:
        start = seg.locator.start or 0
        while stack and (stack[-1].locator.end or 0) <= start:
            stack.pop()
        children.setdefault(stack[-1].id if stack else None, []).append(seg)
        stack.append(seg)

    def rng(start: int, end: int, kids: list[Segment]) -> str:
        out, pos = [], start
        for kid in kids:
            a, b = (kid.locator.start or 0), (kid.locator.end or 0)
            if a < start or b > end:
                continue
            out.append(text[pos:a])
            out.append(seg_text(kid))
            pos = b
        out.append(text[pos:end])
        return "".join(out)

    def seg_text(seg: Segment) -> str:
        start, end = (seg.locator.start or 0), (seg.locator.end or 0)
        kids = children.get(seg.id, [])
        if seg.status not in TRANSLATED or seg.target_masked is None or seg.id in reverted:
            return rng(start, end, kids)

        def resolve(slot: Slot) -> str:
            inner = rng(start + slot.start, start + slot.end, kids)
            return atom_text(inner) if atom_text is not None and slot.tag.startswith("<x") else inner

        if not keep_lines:
            return unmask(seg, seg.target_masked, resolve)
        marked = unmask(seg, seg.target_masked, lambda slot: OPEN + resolve(slot) + CLOSE)
        return reflow(text[start:end], marked, [(slot.start, slot.end) for slot in slots(seg)])

    return rng(0, len(text), children.get(None, []))
