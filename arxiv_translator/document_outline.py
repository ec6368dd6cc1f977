"""The section tree of a document, built from its headings, and finding a section by name or number.

:func:`outline` walks the segments in reading order: each ``heading``
segment opens a :class:`Section` at its ``attrs.level`` (nested under the
nearest open section of a lower level), and every other segment belongs to
the innermost open section (segments before the first heading belong to no
section).  A section's ``number`` is the paper's own numbering when the
heading prints it (``3.2 Results``, ``II. Method``, ``A.1 Proofs``, as arXiv
HTML, Markdown and PDF do); LaTeX headings do not print theirs, so numbered
levels are counted (``\\section*`` cannot be told apart and is counted too).

:func:`find_section` finds ``"introduction"`` / ``"conclusion"`` by the
heading's English words (a "Conclusion" heading before a "Discussion" one),
the introduction also by the paper's numbering (section 1, or I, before the
references), or any section by its number (``"3.2"``) or title.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from arxiv_translator.document_attrs import SegmentKind

if TYPE_CHECKING:
    from arxiv_translator.document import Document

_NUMBER = re.compile(r"^\s*(?P<n>(?:\d+|[IVX]+|[A-Z](?=[.:]|\.\d))(?:\.\d+)*)(?:[.:])?\s+(?=\S)")
#: Heading words of each role, strongest first: a "Conclusion" heading wins over a "Discussion" one.
_ROLES: dict[str, tuple[re.Pattern[str], ...]] = {
    "introduction": (re.compile(r"^(introduction|intro\b)", re.I),
                     re.compile(r"^(overview|motivation|background and motivation)\s*$", re.I)),
    "conclusion": (re.compile(r"^(conclusions?\b|concluding|final remarks)", re.I),
                   re.compile(r"^(discussions?|summary|outlook)\b", re.I)),
}
_APPENDIX_HEADING = re.compile(r"^(?i:appendix)\s+(?P<n>[A-Z](?:\.\d+)*)[.:]?\s+(?=\S)")
_LETTER = re.compile(r"^(?P<n>[A-Z](?:\.\d+)*)\.?\s+(?=[A-Z0-9])")
_TAG = re.compile(r"<[^>]*>")
_APPENDIX = re.compile(r"(?m)^[^%\n]*?\\appendix\b")
_BACK_MATTER = re.compile(r"^(references|bibliography|appendi(x|ces)|acknowledge?ments?|supplementary)", re.I)


class Section(BaseModel):
    """One heading and what it covers: its own segments and its subsections."""

    model_config = ConfigDict(extra="forbid")

    heading: str  # id of the heading segment
    title: str  # the heading's text, without its number
    level: int
    number: str | None = None  # as the paper prints it ("3.2", "II", "A.1"), or counted for LaTeX
    segments: list[str] = Field(default_factory=list)  # ids of the segments directly in it (heading excluded)
    children: list[Section] = Field(default_factory=list)

    def walk(self) -> list[Section]:
        """This section and all below it, depth first."""
        out = [self]
        for child in self.children:
            out += child.walk()
        return out

    def segment_ids(self, skip: Callable[[Section], bool] | None = None) -> list[str]:
        """Every segment of the section and its subsections (their headings included), in order.

        ``skip``: subsections for which it is true are left out with everything below them.
        """
        out = list(self.segments)
        for child in self.children:
            if skip is None or not skip(child):
                out += [child.heading, *child.segment_ids(skip)]
        return out


def split_number(text: str, back_matter: bool = False) -> tuple[str | None, str]:
    """``("3.2", "Results")`` for ``"3.2 Results"``; ``(None, text)`` when the heading prints no number.

    ``"Appendix B Details"`` is ``("B", "Details")``; a bare letter (``"A Proofs"``) counts as a number only
    in the back matter (after the references), where it cannot be the article "A".
    """
    text = text.strip()
    m = _APPENDIX_HEADING.match(text) or _NUMBER.match(text) or \
        (_LETTER.match(text) if back_matter else None)
    if m is None or not text[m.end():].strip():
        return None, text
    return m.group("n"), text[m.end():].strip()


def heading_text(source: str, source_kind: str) -> str:
    """A heading's words: markup and emphasis marks removed, white space collapsed."""
    if source_kind == "html":
        source = html.unescape(_TAG.sub("", source))
    elif source_kind == "markdown":
        source = re.sub(r"[*_#]", "", source)
    return " ".join(source.split())


def _appendix_at(doc: Document) -> dict[str, int]:
    """LaTeX: where ``\\appendix`` stands in each file (headings after it are appendices, lettered)."""
    out = {}
    for rel, file in doc.files.items():
        m = _APPENDIX.search(file.text) if doc.source_kind == "latex" else None
        if m is not None:
            out[rel] = m.start()
    return out


def outline(doc: Document) -> list[Section]:
    """The top-level sections of ``doc`` (see the module docstring)."""
    roots: list[Section] = []
    stack: list[Section] = []
    counters: list[int] = []
    count = doc.source_kind == "latex"  # LaTeX headings do not print their numbers
    headings = [s for s in doc.segments() if s.kind == SegmentKind.HEADING]
    levels = [s.attrs.level or 2 for s in headings]
    top = min((lv for lv in levels if levels.count(lv) > 1), default=min(levels, default=2))
    appendix, after = _appendix_at(doc), False
    back = False  # past the references or an appendix heading: "A Proofs" is appendix A, not an article
    for seg in doc.segments():
        if seg.kind != SegmentKind.HEADING:
            if stack and seg.kind != SegmentKind.TITLE:
                stack[-1].segments.append(seg.id)
            continue
        level = seg.attrs.level or 2
        number, title = split_number(heading_text(seg.source, doc.source_kind), back)
        back = back or bool(_BACK_MATTER.match(title))
        if count and number is None and top <= level <= top + 2:
            if not after and seg.locator.file in appendix and (seg.locator.start or 0) > appendix[seg.locator.file]:
                after, counters = True, []
            depth = level - top
            counters = (counters + [0] * (depth + 1))[: depth + 1]
            counters[depth] += 1
            number = ".".join([chr(64 + counters[0]) if after and counters[0] <= 26 else str(counters[0])]
                              + [str(n) for n in counters[1:]])
        section = Section(heading=seg.id, title=title, level=level, number=number)
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)
    return roots


def find_section(doc: Document, query: str) -> Section | None:
    """``"introduction"``, ``"conclusion"``, a number as the paper prints it (``"3.2"``) or a title; else None."""
    sections = outline(doc)
    every = sorted((s for top in sections for s in top.walk()), key=lambda s: s.level)  # stable: top level first
    key = query.strip().lower()
    roles = _ROLES.get(key)
    if roles is not None:
        hit = next((s for role in roles for s in every if role.match(s.title)), None)
        if hit is not None or key != "introduction":
            return hit  # the last numbered section is too often an appendix to stand for a missing conclusion
        body = []  # numbered top-level sections before the references / appendices
        for section in sections:
            if _BACK_MATTER.match(section.title):
                break
            if section.number and (section.number[0].isdigit() or set(section.number) <= set("IVX")):
                body.append(section)  # appendix letters are not the body
        first = "I" if body and all(set(s.number or "") <= set("IVX") for s in body) else "1"
        return next((s for s in body if s.number == first), None)
    return next((s for s in every if (s.number or "").lower() == key), None) or \
        next((s for s in every if s.title.lower().rstrip(".") == key), None)
