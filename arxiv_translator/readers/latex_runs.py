"""Runs: how inline material collected by :class:`~.latex_segments.Segmenter` becomes a segment.

A *run* gathers the extent of a sentence and its protected spans (math,
citations, formatting pairs ...) while the segmenter walks.  :meth:`RunsMixin._flush`
ends it: protected kinds that carry no meaning (comments, labels, spaces) are
trimmed off its ends, a span cut by an end is kept whole, and a run with no
letters outside its spans is dropped; what remains is a :class:`Segment` with
spans relative to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pylatexenc.latexwalker import LatexCharsNode, LatexEnvironmentNode, LatexGroupNode, LatexMacroNode, LatexSpecialsNode

from arxiv_translator.document import Protected, Segment
from arxiv_translator.document_attrs import Locator
from arxiv_translator.readers.latex_specs import BOUNDARIES, INCLUDES, INLINE_SEGMENT_ARGS, MATH_ENVS, SEGMENT_ARGS

#: Protected kinds cut off the ends of a segment (they carry no meaning for the sentence).
TRIMMED = {"comment", "label", "space"}
ID_PREFIX = {"paragraph": "p", "heading": "h", "caption": "c", "footnote": "f", "item": "i", "cell": "t",
             "abstract": "a", "title": "title", "theorem": "thm"}
_PARBREAK = re.compile(r"\n[ \t]*\n\s*")
_LETTER = re.compile(r"[A-Za-z]")


@dataclass
class Run:
    start: int | None = None
    end: int = 0
    spans: list[tuple[str, int, int, str, int | str | None]] = field(default_factory=list)  # (.., pair or char)

    def extend(self, start: int, end: int) -> None:
        if self.start is None:
            self.start = start
        self.end = max(self.end, end)


class RunsMixin:
    """Methods of :class:`~.latex_segments.Segmenter` that build and end runs."""

    def _atom(self, kind: str, start: int, end: int) -> None:
        if kind != "comment":  # pylatexenc counts the blank after "\\bi" in the macro; it is the sentence's
            while end > start + 1 and self.text[end - 1] in " \t\n" and self.text[end - 2] != "\\":
                end -= 1
        self._run.extend(start, end)
        self._run.spans.append((kind, start, end, "atom", None))

    def _inline(self, nodes: list, tabular: bool) -> bool:
        """True when ``nodes`` hold no paragraph break or block-level construct."""
        for node in nodes:
            if isinstance(node, LatexCharsNode) and _PARBREAK.search(node.chars):
                return False
            if isinstance(node, LatexEnvironmentNode) and node.environmentname not in MATH_ENVS:
                return False
            if isinstance(node, LatexSpecialsNode) and node.specials_chars == "&" and tabular:
                return False
            if isinstance(node, LatexMacroNode):
                if node.macroname in BOUNDARIES or node.macroname in INCLUDES or (node.macroname == "\\" and tabular):
                    return False
                if node.macroname in SEGMENT_ARGS and node.macroname not in INLINE_SEGMENT_ARGS:
                    return False
            if isinstance(node, LatexGroupNode) and not self._inline(node.nodelist, tabular):
                return False
        return True

    def _flush(self, kind: str) -> None:
        run, self._run = self._run, Run()
        if run.start is None:
            return
        start, end, text = run.start, run.end, self.text
        spans = sorted(run.spans, key=lambda s: (s[1], s[2]))
        changed = True
        while changed and start < end:
            changed = False
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if spans and spans[0][3] == "atom" and spans[0][0] in TRIMMED and spans[0][1] <= start:
                start = max(start, spans.pop(0)[2])
                changed = True
            if spans and spans[-1][3] == "atom" and spans[-1][0] in TRIMMED and spans[-1][2] >= end:
                end = min(end, spans.pop()[1])
                changed = True
        for span in spans:  # a span that swallowed trailing white space must stay whole
            if span[1] < end < span[2]:
                end = span[2]
            if span[1] < start < span[2]:
                start = span[1]
        spans = [s for s in spans if s[1] >= start and s[2] <= end]
        if start >= end or not self._has_words(text, start, end, spans):
            return
        prefix = ID_PREFIX.get(kind, kind[:3])
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        self.segments.append(
            Segment(
                id=f"{self.rel}/{prefix}{self.counts[prefix]}",
                kind=kind,
                attrs=self._attrs.model_copy(update={"float_env": self._float or None}),
                source=text[start:end],
                spans=[Protected(kind=k, start=a - start, end=b - start, role=r,
                                 pair=p if isinstance(p, int) else None, text=p if isinstance(p, str) else None) for k, a, b, r, p in spans],
                locator=Locator(file=self.rel, start=start, end=end),
                context=self.section,
            )
        )

    @staticmethod
    def _has_words(text: str, start: int, end: int, spans: list) -> bool:
        pos = start
        for _k, a, b, _r, _p in spans:
            if _LETTER.search(text, pos, max(pos, a)):
                return True
            pos = max(pos, b)
        return bool(_LETTER.search(text, pos, end))
