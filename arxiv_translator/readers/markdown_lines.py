"""The line rules of Markdown / Mathpix Markdown: which line opens a heading, an item, a footnote,
a caption, a code fence, a LaTeX environment or table, the reference list or the abstract.

The block parser (:mod:`.markdown`) tries them line by line; each is one regular expression,
anchored at the start of a line.
"""

from __future__ import annotations

import re

HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
TEX_HEADING = re.compile(r"^\\(title|section|subsection|subsubsection|paragraph)\*?\{(.*)\}[ \t]*$")
TEX_LEVELS = {"title": 1, "section": 2, "subsection": 3, "subsubsection": 4, "paragraph": 5}
ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+")
FOOTNOTE = re.compile(r"^(?:Footnote[ \t]*[^\s:]{1,4}:|(\[\^[^\]\s]+\]:))[ \t]*")
CAPTION = re.compile(r"^(?:\*\*|_)?(?:Figure|Fig\.|Table|Algorithm|Listing)[ \t]*[A-Z]?\d+(?:\.\d+)?\s*"
                     r"(?:\*\*|_)?[:.|]")
FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})(.*)$")
ENV_LINE = re.compile(r"^\\(begin|end)\{([A-Za-z*]+)\}(?:\[[^\]]*\])?(?:\{[^}]*\})?[ \t]*$")
TABULAR = re.compile(r"\\begin\{(tabular[*x]?|array)\}")
REFERENCES = re.compile(r"^(?:[\dA-Z]+\.?[ \t]+)?(references?|bibliography|works cited|literature cited)\W*$", re.I)
ABSTRACT_HEADING = re.compile(r"^\W*abstract\W*$", re.I)
ABSTRACT_LEAD = re.compile(r"^(?:\*\*|_|\*)?abstract(?:\*\*|_|\*)?\s*[:.\u2014-]", re.I)
LETTER = re.compile(r"[A-Za-z]")
