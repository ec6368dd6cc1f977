"""Mask protected spans with placeholders, check answers, and restore spans.

Placeholders are short XML-like tags, which chat models copy faithfully:

* ``<x1/>`` stands for one protected span (a formula, a citation, a command);
  atoms separated only by white space share one placeholder;
* ``<g2>`` ... ``</g2>`` stand for the two ends of an inline wrapper such as
  ``\\textbf{`` ... ``}``, whose content is translated with its sentence.

Numbers are local to a segment and follow reading order, so the same paragraph
masks to the same string in every paper revision (that is what the translation
memory is keyed on).  Text in the source that already looks like a placeholder
is itself protected, so a masked string is never ambiguous.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from arxiv_translator.document import Document, Protected, Segment
from arxiv_translator.placeholders import PLACEHOLDER_RE, atom, group_close, group_open

_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Slot:
    """A placeholder and the source range it stands for."""

    tag: str  # "<x1/>", "<g2>" or "</g2>"
    start: int
    end: int


def _literal_spans(segment: Segment) -> list[Protected]:
    """Spans for source text that would be mistaken for a placeholder."""
    taken = [(s.start, s.end) for s in segment.spans]
    found = []
    for m in PLACEHOLDER_RE.finditer(segment.source):
        if not any(a <= m.start() < b for a, b in taken):
            found.append(Protected(kind="literal", start=m.start(), end=m.end()))
    return found


def slots(segment: Segment) -> list[Slot]:
    """The placeholders of ``segment`` in reading order (deterministic); ``char`` spans have none."""
    spans = sorted((s for s in segment.spans if s.role != "char"), key=lambda s: (s.start, s.end))
    merged: list[list] = []  # [role, start, end, pair]
    for span in spans:
        prev = merged[-1] if merged else None
        gap = segment.source[prev[2] : span.start] if prev else None
        if prev and prev[0] == "atom" and span.role == "atom" and gap is not None and gap.strip() == "":
            prev[2] = max(prev[2], span.end)
        else:
            merged.append([span.role, span.start, span.end, span.pair])
    out: list[Slot] = []
    numbers: dict[int, int] = {}
    n = 0
    for role, start, end, pair in merged:
        if role == "close":
            num = numbers.get(pair if pair is not None else -1)
            if num is None:  # a close without its open: treat as an atom
                n += 1
                out.append(Slot(atom(n), start, end))
            else:
                out.append(Slot(group_close(num), start, end))
            continue
        n += 1
        if role == "open":
            numbers[pair if pair is not None else -1] = n
            out.append(Slot(group_open(n), start, end))
        else:
            out.append(Slot(atom(n), start, end))
    return out


def mask(segment: Segment, collapse_space: bool = True) -> str:
    """Compute (and store) ``segment.masked``: the source with placeholders."""
    extra = _literal_spans(segment)
    if extra:
        segment.spans = sorted(segment.spans + extra, key=lambda s: (s.start, s.end))
    parts: list[str] = []
    pos = 0
    chars = [(s.start, s.end, s.text or "") for s in segment.spans if s.role == "char"]
    for start, end, tag in sorted([(s.start, s.end, s.tag) for s in slots(segment)] + chars):
        if start < pos:  # a character inside a protected span is the span's
            continue
        parts.append(_prose(segment.source[pos:start], collapse_space))
        parts.append(tag)
        pos = end
    parts.append(_prose(segment.source[pos:], collapse_space))
    masked = "".join(parts).strip()
    segment.masked = masked
    return masked


def _prose(text: str, collapse_space: bool) -> str:
    return _SPACE_RE.sub(" ", text) if collapse_space else text


def mask_document(doc: Document, collapse_space: bool = True) -> None:
    """Mask every segment of ``doc``."""
    for segment in doc.segments():
        mask(segment, collapse_space)


def prose_of(masked: str) -> str:
    """The masked text without its placeholders (what is left to translate)."""
    return PLACEHOLDER_RE.sub(" ", masked)


def normalise_tags(text: str) -> str:
    """Rewrite sloppy placeholder spellings (``< X1 />``) to the canonical form."""

    def canon(m: re.Match[str]) -> str:
        slash, letter, num, selfclose = m.groups()
        letter = letter.lower()
        if letter == "x":
            return atom(int(num))
        return group_close(int(num)) if slash else group_open(int(num))

    return PLACEHOLDER_RE.sub(canon, text)


def placeholder_problems(segment: Segment, answer: str) -> list[str]:
    """Why ``answer`` cannot be restored for ``segment`` (empty list: it can).

    Every placeholder must appear exactly once, no unknown one may appear, and
    wrapper tags must open before they close and nest properly.
    """
    expected = [slot.tag for slot in slots(segment)]
    found = [m.group(0) for m in PLACEHOLDER_RE.finditer(normalise_tags(answer))]
    problems: list[str] = []
    counts = Counter(found)  # (list.count per tag is quadratic in a segment of thousands of placeholders)
    for tag in expected:
        count = counts[tag]
        if count == 0:
            problems.append(f"dropped placeholder {tag}")
        elif count > 1:
            problems.append(f"repeated placeholder {tag}")
    for tag in sorted(set(found) - set(expected)):
        problems.append(f"invented placeholder {tag}")
    if not problems:
        stack: list[str] = []
        for tag in found:
            if tag.startswith("<g"):
                stack.append(tag[2:-1])
            elif tag.startswith("</g"):
                if not stack or stack.pop() != tag[3:-1]:
                    problems.append(f"misnested wrapper {tag}")
                    break
    return problems


def unmask(segment: Segment, answer: str, resolve: Callable[[Slot], str] | None = None) -> str:
    """Put the protected spans back into a validated ``answer``.

    ``resolve`` may supply a slot's text (a writer uses it to splice nested
    segments, such as a footnote inside a paragraph); by default it is the
    source text.  The source's leading and trailing white space is kept, so a
    writer can splice the result where the source was.
    """
    by_tag = {slot.tag: resolve(slot) if resolve else segment.source[slot.start : slot.end] for slot in slots(segment)}
    body = PLACEHOLDER_RE.sub(lambda m: by_tag[m.group(0)], normalise_tags(answer).strip())
    source = segment.source
    lead = source[: len(source) - len(source.lstrip())]
    trail = source[len(source.rstrip()) :]
    return lead + body + trail
