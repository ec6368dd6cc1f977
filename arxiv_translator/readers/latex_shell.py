"""What the shell-escape refusal looks at: a file's text as TeX will read its control words.

TeX turns ``^^xx`` (two hex digits) and ``^^c`` (a character 64 away) into
characters before it reads control words, so ``\\wr^^69te18`` is ``\\write18``.
:func:`unobfuscate` decodes them; :func:`may_escape` is the cheap byte
pre-check that decides whether a file needs the full check at all
(``\\write`` in any spelling, ``^^``, Lua).  The refusal itself is
:func:`arxiv_translator.readers.latex_tree.check_forbidden` with
``latex_specs.FORBIDDEN`` (``\\write18``, ``\\write 18``, ``\\immediate\\write18``,
``\\write"12``, ``\\write'22``...).  Shell escape is off in every compile anyway;
this refusal keeps such papers out of ``source/`` too.
"""

from __future__ import annotations

import re

_CARETS = re.compile(r"\^\^([0-9a-f]{2}|[\x00-\x7f])")
_NEEDLES = (b"write", b"^^", b"ShellEscape", b"directlua", b"luaexec", b"latelua")


def may_escape(data: bytes) -> bool:
    """Whether the bytes of a file could hold a shell escape or Lua code (then check them in full)."""
    return any(needle in data for needle in _NEEDLES)


def unobfuscate(text: str) -> str:
    """``text`` with TeX's ``^^`` character notation decoded (repeatedly, as TeX would)."""
    for _ in range(4):
        decoded = _CARETS.sub(_char, text)
        if decoded == text:
            break
        text = decoded
    return text


def _char(m: re.Match[str]) -> str:
    code = m.group(1)
    if len(code) == 2:
        return chr(int(code, 16))
    return chr((ord(code) + 64) % 128 if ord(code) < 64 else ord(code) - 64)
