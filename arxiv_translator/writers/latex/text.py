"""Model text is text: a translation's prose escaped as LaTeX text before it is spliced.

A model answers with masked text: placeholders (``<x1/>``, ``<g2>``...``</g2>``)
for the source's protected spans, and prose around them.  The placeholders
become the source's own bytes again (:func:`~arxiv_translator.protect.unmask`);
the prose is the model's, and in a ``.tex`` file it must never become markup.
So every LaTeX special character the model wrote comes out as the character
it stands for (``\\`` -> ``\\textbackslash{}``, ``%`` -> ``\\%``, ``{`` -> ``\\{`` ...),
and a blank line (a ``\\par``) becomes a single line break: a hostile or
prompt-injected model can add text, never a command (``\\special``,
``\\write18``, ``\\input``...).

Honest translations come back unchanged: in the masked source, ``\\``, ``{``,
``}``, ``$``, ``%``, ``&`` and ``~`` are always inside placeholders (commands,
groups, math, comments, ``&`` and ``~`` are protected spans), so an honest
answer's prose has none of them; ``#``, ``^`` and ``_`` can stand raw in a
source's prose (inside macro definitions, algorithm lines), so as many of each
as the segment's masked source holds are kept raw (never a ``^^`` pair, TeX's
character-code notation).
"""

from __future__ import annotations

import re
from collections import Counter

from arxiv_translator.document import Segment
from arxiv_translator.protect import PLACEHOLDER_RE, prose_of

ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
    "^": r"\textasciicircum{}", "_": r"\_", "~": r"\textasciitilde{}",
}
#: Specials that may stand raw in a source's prose; kept raw up to the source's count.
MAY_BE_RAW = "#^_"
_SPECIALS = re.compile(r"[\\{}$&#%^_~]")
_BLANK_LINE = re.compile(r"[ \t]*\r?\n(?:[ \t\r]*\n)+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_latex_prose(answer: str, source_masked: str) -> str:
    """``answer`` (masked) with everything outside its placeholders escaped as LaTeX text."""
    allowance = Counter(c for c in prose_of(source_masked) if c in MAY_BE_RAW)
    out: list[str] = []
    pos = 0
    for m in PLACEHOLDER_RE.finditer(answer):
        out.append(_escape(answer[pos : m.start()], allowance))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape(answer[pos:], allowance))
    return "".join(out)


def _escape(text: str, allowance: Counter[str]) -> str:
    text = _BLANK_LINE.sub("\n", _CONTROL.sub("", text))

    def one(m: re.Match[str]) -> str:
        c, i = m.group(0), m.start()
        if allowance[c] > 0 and not (c == "^" and "^" in text[max(0, i - 1) : i] + text[i + 1 : i + 2]):
            allowance[c] -= 1
            return c
        return ESCAPES[c]

    return _SPECIALS.sub(one, text)


def latex_safe(segments: list[Segment]) -> list[Segment]:
    """Copies of ``segments`` whose translations are safe to splice into a ``.tex`` file."""
    return [latex_safe_segment(s) for s in segments]


def latex_safe_segment(segment: Segment) -> Segment:
    """A copy of ``segment`` whose ``target_masked`` prose is escaped (the segment itself is unchanged)."""
    if segment.target_masked is None:
        return segment
    escaped = escape_latex_prose(segment.target_masked, segment.masked or "")
    if escaped == segment.target_masked:
        return segment
    return segment.model_copy(update={"target_masked": escaped})
