"""Keep a translated segment on as many lines as its source had, so ``diff`` against the English reads well.

Readers mask a paragraph's line breaks as spaces, so a translation comes back
as one long line.  :func:`reflow` puts the line breaks back: the source's
breaks that lie in prose (not inside a protected span, whose text comes back
with its own breaks) are mapped to the same relative positions in the
translation and placed at the nearest space there.  A break is never put

* inside a protected span (marked by :data:`OPEN` ... :data:`CLOSE` in the
  spliced text: math, commands, citations, nested segments...),
* next to another space or line break (a blank line would start a new
  paragraph in LaTeX),
* after a backslash (``\\ `` is a control space), or on a line that already
  has an unescaped ``%`` before it (that would un-comment the rest).

A newline and a space are the same to TeX in these places, so the output
typesets exactly as the one-line version does.  When the translation has
fewer spaces than the source had line breaks, it gets as many as it can.
"""

from __future__ import annotations

import bisect
import re

#: Private-use characters that bracket protected text while a segment is spliced.
OPEN, CLOSE = "\ue000", "\ue001"
_MARK = re.compile(f"[{OPEN}{CLOSE}]")
_BREAKS = re.compile(r"[ \n%]")


def strip_marks(marked: str) -> tuple[str, list[bool]]:
    """The text without the marks, and for each character whether it lies inside a protected span."""
    if OPEN not in marked and CLOSE not in marked:
        return marked, [False] * len(marked)
    chars: list[str] = []
    inside: list[bool] = []
    depth = pos = 0
    for m in _MARK.finditer(marked):  # the text between two marks, all inside or all outside
        chars.append(marked[pos : m.start()])
        inside += [depth > 0] * (m.start() - pos)
        depth = depth + 1 if m.group() == OPEN else max(0, depth - 1)
        pos = m.end()
    chars.append(marked[pos:])
    inside += [depth > 0] * (len(marked) - pos)
    return "".join(chars), inside


def prose_breaks(source: str, protected: list[tuple[int, int]]) -> list[float]:
    """Where the source's prose lines end, as fractions of its trimmed body (breaks in protected spans excluded)."""
    lead = len(source) - len(source.lstrip())
    end = len(source.rstrip())
    span = max(1, end - lead)
    return [(i - lead) / span for i in range(lead, end) if source[i] == "\n"
            and not any(a <= i < b for a, b in protected)]


def _candidates(text: str, inside: list[bool]) -> list[int]:
    """Spaces of ``text`` where a line break changes nothing for TeX."""
    found = []
    comment = False  # an unescaped % earlier on this line
    last = len(text) - 1
    for m in _BREAKS.finditer(text):  # only spaces, new lines and % matter
        i, ch = m.start(), m.group()
        if ch == "\n":
            comment = False
        elif ch == "%":
            if i == 0 or text[i - 1] != "\\":
                comment = True
        elif (not comment and not inside[i] and 0 < i < last
              and text[i - 1] not in " \t\n\\" and text[i + 1] not in " \t\n"):
            found.append(i)
    return found


def reflow(source: str, marked: str, protected: list[tuple[int, int]]) -> str:
    """``marked`` (a spliced translation with protected spans marked) on as many lines as ``source``.

    ``protected`` holds the ranges of ``source`` whose text comes back verbatim.
    Lines are only added, never removed; the marks are always stripped.
    """
    text, inside = strip_marks(marked)
    wanted = prose_breaks(source, protected)
    missing = source.count("\n") - text.count("\n")
    if missing <= 0 or not wanted:
        return text
    cands = _candidates(text, inside)
    if not cands:
        return text
    count = min(missing, len(cands))
    if count < len(wanted):  # the translation kept some breaks itself, or has few spaces: spread them evenly
        wanted = [wanted[round(k * (len(wanted) - 1) / max(1, count - 1))] for k in range(count)]
    lead = len(text) - len(text.lstrip())
    span = max(1, len(text.rstrip()) - lead)
    chosen: list[int] = []
    lo = 0
    for k, fraction in enumerate(wanted):
        hi = len(cands) - (len(wanted) - k)  # leave one candidate for each later break
        if lo > hi:
            break
        target = lead + fraction * span
        j = min(max(bisect.bisect_left(cands, target, lo, hi + 1), lo), hi)
        if j > lo and abs(cands[j - 1] - target) <= abs(cands[j] - target):
            j -= 1
        chosen.append(cands[j])
        lo = j + 1
    out = list(text)
    for i in chosen:
        out[i] = "\n"
    return "".join(out)
