"""Prose inside the code blocks of OCR'd Markdown.

Mathpix and nougat turn boxed prompts, chat examples and pseudo-code into
code blocks (fenced, or Mathpix's one-line "``` text").  Their sentences
are prose a reader wants translated; code stays code.  :func:`prose_line`
tells them apart, line by line.
"""

from __future__ import annotations

import re

from arxiv_translator.prose import PROSE_WORD

#: Signs of code in a line: assignments, statements, blocks, calls, comments.
_CODE_SIGN = re.compile(r"[;{}]|[A-Za-z_]\w*\(|^\s*(?:def|class|import|from|return|for|while|if|elif|else)\b|"
                        r"#include|//|/\*")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?(?:\{[^{}]*\})*")
_MATH_INLINE = re.compile(r"\\\(.*?\\\)|\\\[.*?\\\]|\$[^$]*\$")


def prose_line(line: str) -> bool:
    """A line of a code block that is prose: four prose words or more, making up at least 40 % of it.

    OCR (Mathpix, nougat) turns boxed prompts, chat examples and pseudo-code
    into code blocks; their sentences are translated, code stays (it is
    mostly symbols and short identifiers).
    """
    plain = _TEX_COMMAND.sub(" ", _MATH_INLINE.sub(" ", line))
    if _CODE_SIGN.search(plain):
        return False
    words = PROSE_WORD.findall(plain)  # OCR runs words together: every letter run counts
    return len(words) >= 4 and sum(map(len, words)) >= 0.4 * len("".join(plain.split()))
