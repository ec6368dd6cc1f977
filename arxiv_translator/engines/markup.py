"""How placeholders travel through services that are not chat models.

Masked strings carry ``<x1/>`` (one protected span) and ``<g2>..</g2>`` (an
inline wrapper) tags, see :mod:`arxiv_translator.protect`.  Each service gets
them in the form it leaves alone, and the answer is turned back:

* XML (DeepL ``tag_handling=xml``): the tags as they are; ``& < >`` of the
  prose escaped, so the text is well-formed XML; entities decoded on return.
* HTML (Google ``format=html``): ``<x1/>`` becomes an empty
  ``<span translate="no" id="x1"></span>`` and ``<g2>..</g2>`` a
  ``<span id="g2">..</span>``; the answer's spans are matched back by id.
* Braces (Papago, which has no markup mode): ``{1}`` for ``<x1/>``, ``{2}`` ..
  ``{/2}`` for ``<g2>..</g2>`` -- plain tokens that an NMT model copies.
* Runs (the fallback, and the local ``hf`` engine): the prose between
  placeholders is translated piece by piece and the tags are put back
  between the pieces, so no span can ever be lost (at the cost of the
  sentence's word order across a formula).
"""

from __future__ import annotations

import html
import re

from collections.abc import Callable

from arxiv_translator.placeholders import PLACEHOLDER_RE, atom, group_close, group_open
from arxiv_translator.protect import normalise_tags

_ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_LETTERS = re.compile(r"[A-Za-z]{2,}")


def tags_of(masked: str) -> list[str]:
    """The placeholders of a masked string, in order."""
    return [m.group(0) for m in PLACEHOLDER_RE.finditer(masked)]


def same_tags(masked: str, answer: str) -> bool:
    """True when ``answer`` holds exactly the placeholders of ``masked`` (any order)."""
    return sorted(tags_of(masked)) == sorted(tags_of(normalise_tags(answer)))


def _escape_prose(masked: str, tag: Callable[[re.Match[str]], str]) -> str:
    out, pos = [], 0
    for m in PLACEHOLDER_RE.finditer(masked):
        out.append(html.escape(masked[pos : m.start()], quote=False))
        out.append(tag(m))
        pos = m.end()
    out.append(html.escape(masked[pos:], quote=False))
    return "".join(out)


def unescape(text: str) -> str:
    """Decode the few entities an XML/HTML service writes (not every HTML name)."""

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in _NAMED:
            return _NAMED[name]
        try:
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else m.group(0)
        except ValueError:
            return m.group(0)

    return _ENTITY.sub(one, text)


# -- XML -------------------------------------------------------------------
def to_xml(masked: str) -> str:
    """The masked string as well-formed XML text with the placeholder tags."""
    return _escape_prose(masked, lambda m: m.group(0))


def from_xml(answer: str) -> str:
    """An XML answer back to a masked string."""
    return unescape(normalise_tags(answer))


# -- HTML ------------------------------------------------------------------
_SPAN = re.compile(r"<\s*(/?)\s*span\b([^>]*)>", re.I)
_ID = re.compile(r"""\bid\s*=\s*["']?([xg])(\d+)""", re.I)


def to_html(masked: str) -> str:
    """The masked string as HTML with placeholders as spans (see the module docstring)."""

    def span(m: re.Match[str]) -> str:
        slash, letter, num, _ = m.groups()
        if letter.lower() == "x":
            return f'<span translate="no" id="x{int(num)}"></span>'
        return "</span>" if slash else f'<span id="g{int(num)}">'

    return _escape_prose(masked, span)


def from_html(answer: str) -> str:
    """An HTML answer back to a masked string: spans matched to their ids."""
    out, stack, pos = [], [], 0
    for m in _SPAN.finditer(answer):
        out.append(answer[pos : m.start()])
        pos = m.end()
        if m.group(1):  # a closing span
            closing = stack.pop() if stack else None
            if closing and closing[0] == "g":
                out.append(group_close(closing[1]))
            continue
        ident = _ID.search(m.group(2))
        if ident is None:
            stack.append(None)
            continue
        letter, num = ident.group(1).lower(), int(ident.group(2))
        stack.append((letter, num))
        out.append(atom(num) if letter == "x" else group_open(num))
    out.append(answer[pos:])
    return unescape("".join(out))


# -- braces ------------------------------------------------------------------
_BRACE = re.compile(r"[{｛]\s*(/?)\s*(\d+)\s*[}｝]")


def braces_safe(masked: str) -> bool:
    """True when the prose holds nothing that reads as a brace token already."""
    return _BRACE.search(PLACEHOLDER_RE.sub(" ", masked)) is None


def to_braces(masked: str) -> str:
    """Placeholders as ``{n}`` / ``{/n}`` tokens."""

    def token(m: re.Match[str]) -> str:
        slash, _letter, num, _ = m.groups()
        return f"{{/{int(num)}}}" if slash else f"{{{int(num)}}}"

    return PLACEHOLDER_RE.sub(token, masked)


def from_braces(answer: str, masked: str) -> str:
    """Brace tokens back to the placeholders of ``masked`` (unknown numbers stay visible)."""
    kinds = {int(m.group(3)): m.group(2).lower() for m in PLACEHOLDER_RE.finditer(masked)}

    def tag(m: re.Match[str]) -> str:
        slash, num = m.group(1), int(m.group(2))
        kind = kinds.get(num)
        if kind == "x" and not slash:
            return atom(num)
        if kind == "g":
            return group_close(num) if slash else group_open(num)
        return m.group(0)

    return _BRACE.sub(tag, answer)


# -- runs --------------------------------------------------------------------
def split_runs(masked: str) -> list[tuple[str, bool]]:
    """``masked`` as (piece, is_prose_to_translate) pairs; tags and bare punctuation are kept as is."""
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for m in PLACEHOLDER_RE.finditer(masked):
        if m.start() > pos:
            text = masked[pos : m.start()]
            pieces.append((text, bool(_LETTERS.search(text))))
        pieces.append((m.group(0), False))
        pos = m.end()
    if pos < len(masked):
        pieces.append((masked[pos:], bool(_LETTERS.search(masked[pos:]))))
    return pieces


def join_runs(pieces: list[tuple[str, bool]], translated: list[str]) -> str:
    """Put translated prose runs back between the kept pieces, keeping each run's outer spaces."""
    answers = iter(translated)
    out = []
    for text, prose in pieces:
        if not prose:
            out.append(text)
            continue
        new = next(answers).strip()
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        out.append(lead + new + trail)
    return "".join(out)
