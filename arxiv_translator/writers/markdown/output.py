"""``paper.ko.md``: the translation as Markdown, for people who post-edit.

* Markdown input: the translations are spliced into the original text at the
  segments' offsets, so everything outside translated prose (math, tables'
  structure, code, links, the reference list) stays byte-identical, and every
  segment keeps the number of lines it had (a translation's line breaks are
  redistributed over its prose), so the file keeps its line structure.
* Any other input (LaTeX, arXiv HTML, PDF): Markdown is built from the
  document model in reading order (see :mod:`arxiv_translator.writers.markdown.segments`).
* Either way, raw HTML that could act and ``javascript:``/``data:`` links are
  defused (:mod:`~arxiv_translator.writers.markdown.safety`).
"""

from __future__ import annotations

import bisect
import re

from arxiv_translator.document import Document, Segment, Status
from arxiv_translator.protect import PLACEHOLDER_RE, normalise_tags, slots, unmask
from arxiv_translator.writers.latex_xref import latex_xref_for
from arxiv_translator.writers.markdown.document import document_markdown
from arxiv_translator.writers.base import WriteJob, WriteResult, Writer
from arxiv_translator.writers.markdown.safety import safe_markdown

TRANSLATED = (Status.TRANSLATED, Status.CACHED)
OUTPUT = "paper.ko.md"
_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")


class MarkdownOutput(Writer):
    """Writes ``paper.ko.md``."""

    name = "markdown"

    def write(self, job: WriteJob) -> WriteResult:
        """Splice (Markdown input) or build (other inputs) the Markdown and write it."""
        doc = job.doc
        if doc.source_kind == "markdown":
            text = splice_markdown(doc)
        else:
            xref = latex_xref_for(job) if doc.source_kind == "latex" else None
            text = document_markdown(doc, target=job.settings.target, pseudo=job.pseudo, out=job.out, xref=xref)
        (job.out / OUTPUT).write_text(safe_markdown(text), encoding="utf-8")
        return WriteResult(files=[OUTPUT])


def splice_markdown(doc: Document) -> str:
    """The main file's text with every translated segment spliced in (same lines)."""
    rel = doc.main_file or next(iter(doc.files), "")
    text = doc.files[rel].text
    segs = sorted((s for s in doc.segments() if s.locator.file == rel),
                  key=lambda s: s.locator.start or 0)
    out: list[str] = []
    pos = 0
    for seg in segs:
        start, end = (seg.locator.start or 0), (seg.locator.end or 0)
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(fit_lines(seg))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def fit_lines(seg: Segment) -> str:
    """The segment's translation with exactly as many line breaks as its source prose had.

    Line breaks inside protected spans come back with the spans; the others
    (a paragraph wrapped over several lines) are put back at spaces spread
    evenly over the translation.  Untranslated segments give their source.
    """
    if seg.status not in TRANSLATED or seg.target_masked is None:
        return seg.source
    newline = "\r\n" if "\r\n" in seg.source else "\n"
    inside = sum(seg.source.count("\n", slot.start, slot.end) for slot in slots(seg))
    need = seg.source.count("\n") - inside
    target = _BREAK.sub(" ", normalise_tags(seg.target_masked).strip())
    if need > 0:
        target = _insert_breaks(target, need, newline)
    return unmask(seg, target)


def _insert_breaks(text: str, need: int, newline: str) -> str:
    """Replace ``need`` spaces of ``text`` (outside placeholders) by line breaks, evenly spread."""
    inside = bytearray(len(text) + 1)  # 1 where a break would split a placeholder
    for m in PLACEHOLDER_RE.finditer(text):
        inside[m.start() + 1 : m.end()] = b"\x01" * (m.end() - m.start() - 1)

    def free(i: int) -> bool:
        return not inside[i]

    spaces = [i for i, c in enumerate(text) if c == " " and free(i) and 0 < i < len(text) - 1]
    if len(spaces) < need:  # too few spaces (a short answer): break between characters too
        space_set = set(spaces)
        gaps = [i for i in range(1, len(text)) if free(i) and i not in space_set]
        chosen = sorted(spaces + _spread(gaps, need - len(spaces), len(text)))
        pieces, pos = [], 0
        for i in chosen:
            pieces.append(text[pos:i])
            pieces.append(newline)
            pos = i + 1 if i in space_set else i
        return "".join(pieces) + text[pos:]
    chosen = set(_spread(spaces, need, len(text)))
    return "".join(newline if i in chosen else c for i, c in enumerate(text))


def _spread(candidates: list[int], count: int, length: int) -> list[int]:
    """``count`` of ``candidates`` (sorted offsets) closest to evenly spaced marks over ``length``.

    Each mark takes the nearest candidate not taken yet (the left one on a tie).  The nearest
    untaken candidates on either side come from two union-find chains, so a paragraph of
    thousands of lines costs O(n log n), not a search of every candidate per mark.
    """
    n = len(candidates)
    right = list(range(n + 1))  # right[i]: towards the first untaken index >= i (n: none)
    left = list(range(n + 1))  # left[i]: towards 1 + the last untaken index < i (0: none)

    def find(chain: list[int], x: int) -> int:
        root = x
        while chain[root] != root:
            root = chain[root]
        while chain[x] != root:
            chain[x], x = root, chain[x]
        return root

    chosen: list[int] = []
    for k in range(1, min(count, n) + 1):
        mark = length * k / (count + 1)
        j = bisect.bisect_left(candidates, mark)
        b = find(right, j) if j <= n else n
        a = find(left, j) - 1
        if a < 0 or (b < n and abs(candidates[b] - mark) < abs(candidates[a] - mark)):
            best = b
        else:
            best = a
        chosen.append(candidates[best])
        right[best] = best + 1
        left[best + 1] = best
    return sorted(chosen)
