"""Checks that a model answer adds no markup and holds only honest characters.

Model answers are untrusted: a hostile or prompt-injected model may append a
LaTeX command (``\\special{...}``, ``\\write18{...}``, ``\\input{...}``), an
HTML tag (``<script>``), a Markdown link or image, or a ``javascript:``/
``data:`` URL to an otherwise good translation.  Writers escape model prose
for their format anyway; this check makes such an answer *fail* like one
that dropped a placeholder, so the translator retries it smaller and in the
end keeps the source text, and the report says why.

Everything is counted in the prose (the answer and the masked source without
their placeholders): an answer may repeat what its source already had (a
``\\`` in Markdown prose, a ``<`` in "a < b"), never add to it.  Characters no
honest answer holds (NUL and other control characters, lone surrogates,
U+FFFD from undecodable bytes, noncharacters) fail the answer outright.
"""

from __future__ import annotations

import re
from collections import Counter

from arxiv_translator.document import Segment
from arxiv_translator.protect import prose_of

#: Markup an answer may not add: LaTeX commands and ``^^`` codes, HTML tags and comments, Markdown links and
#: images, dangerous URL schemes.
_MARKUP = re.compile(
    r"\\(?:[A-Za-z@]+|[^A-Za-z@])?"  # \special, \write, \\, \{, a lone backslash
    r"|\^\^"  # ^^5c: TeX's character-code notation
    r"|</?[A-Za-z][A-Za-z0-9:-]*|<!|<\?"  # <script, </div, <!--, <?xml
    r"|\]\(|\]\["  # Markdown [text](url), [text][ref]
    r"|\b(?:javascript|vbscript|data|file)\s*:",  # URL schemes
    re.I,
)
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffd\ufffe\uffff]")


def markup_problems(segment: Segment, answer: str | None) -> list[str]:
    """Why ``answer`` adds markup or bad characters to ``segment`` (empty: it adds none)."""
    if not answer:
        return []
    problems: list[str] = []
    bad = _BAD_CHARS.search(answer)
    if bad and bad.group(0) not in (segment.masked or ""):
        problems.append(f"invalid character U+{ord(bad.group(0)):04X} in the answer")
    source = Counter(kind for kind, _ in _tokens(prose_of(segment.masked or "")))
    tokens = _tokens(prose_of(answer))
    added = Counter(kind for kind, _ in tokens) - source
    if added:
        first = next(text for kind, text in tokens if kind in added)
        problems.append(f"markup added to the answer ({first[:40]!r})")
    return problems


def _tokens(prose: str) -> list[tuple[str, str]]:
    """(kind, text) of each markup token; every LaTeX command is of one kind, ``\\`` (what follows a
    backslash may be prose a model translates, as in a literal ``\\n``)."""
    out = []
    for m in _MARKUP.finditer(prose):
        text = m.group(0)
        out.append(("\\" if text.startswith("\\") else text.lower().replace(" ", ""), text))
    return out
