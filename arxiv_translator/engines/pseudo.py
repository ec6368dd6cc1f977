"""``pseudo``: a deterministic offline pseudo-translation for dry runs and tests.

Every English word becomes Hangul syllables derived from its letters (the same
word always gives the same syllables); placeholders, digits and punctuation
are untouched.  Glossary terms are honoured: a term with a Korean entry is
replaced by it, a keep-in-English term stays English.  This is NOT a
translation, and the report and the PDF say so.
"""

from __future__ import annotations

import re

from arxiv_translator.glossary import Glossary, Term
from arxiv_translator.protect import PLACEHOLDER_RE
from arxiv_translator.engines.base import BatchContext, Capabilities, Engine, EngineResult

_WORD = re.compile(r"[A-Za-z]+")
_SYLLABLES = 11172


def hangulise(word: str) -> str:
    """Deterministic Hangul for an ASCII word: one syllable per two letters."""
    out = []
    lower = word.lower()
    for i in range(0, len(lower), 2):
        pair = lower[i : i + 2]
        code = sum((ord(c) - 96) * 27**k for k, c in enumerate(pair))
        out.append(chr(0xAC00 + (code * 2654435761) % _SYLLABLES))
    return "".join(out)


def pseudo_translate(text: str, glossary: list[tuple[str, str]] | Glossary | None = None) -> str:
    """Pseudo-translate one masked string (see the module docstring)."""
    if glossary and not isinstance(glossary, Glossary):
        glossary = Glossary([Term(en, ko) for en, ko in glossary])
    protected: list[str] = []

    def keep(value: str) -> str:
        protected.append(value)
        return f"\x00{len(protected) - 1}\x00"

    text = PLACEHOLDER_RE.sub(lambda m: keep(m.group(0)), text)
    if glossary:
        pieces, pos = [], 0
        for start, end, term in glossary.spans(text):
            pieces.append(text[pos:start])
            pieces.append(keep(term.ko or text[start:end]))
            pos = end
        text = "".join(pieces) + text[pos:]
    text = _WORD.sub(lambda m: hangulise(m.group(0)), text)
    return re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], text)


class PseudoEngine(Engine):
    """Offline, free, instant and deterministic; marked as not a real translation."""

    name = "pseudo"
    real = False
    version = "1"
    capabilities = Capabilities(unit="free")

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        """Pseudo-translate each item; usage counts characters, not tokens."""
        glossary = Glossary([Term(en, ko) for en, ko in ctx.glossary]) if ctx.glossary else None
        texts: list[str | None] = [pseudo_translate(item, glossary) for item in items]
        chars = sum(len(i) for i in items)
        return EngineResult(texts=texts, prompt_chars=chars)
