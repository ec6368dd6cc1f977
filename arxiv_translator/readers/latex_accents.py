"""Accent commands inside words (``na\\"ive``, ``G\\"{o}del``, ``gar\\c{c}on``) as the characters they typeset.

An accent command is markup, so a segmenter would protect it; but a
placeholder in the middle of a word (``na<x1/>ve``) hides the word from the
model, and ``naive`` stays English.  When the command sits inside a word
(a letter right before or right after it) and its argument is one letter,
the segment gets a ``char`` span instead (see :class:`~arxiv_translator.document.Protected`):
the model sees the Unicode character (``naïve``) and the translation carries
it as text, which XeLaTeX and pdfLaTeX (UTF-8 input) both typeset.

Only prose reaches this module: math, verbatim, code, keys and author blocks
are protected whole before the segmenter looks inside them.  A combination
without a precomposed Unicode character (NFC gives more than one character)
keeps its placeholder.

A drop cap (IEEEtran's ``\\IEEEPARstart{T}{his}``, lettrine's
``\\lettrine[..]{T}{his}``) splits the paragraph's first word across two
arguments; Korean has no drop cap of a split word, so the Korean version drops
it: the command becomes a ``char`` span whose text is the whole word
(``This``), which joins its sentence for the model (:func:`typeset_span`).
"""

from __future__ import annotations

import re
import unicodedata

from pylatexenc.latexwalker import LatexCharsNode, LatexGroupNode, LatexMacroNode

#: Accent command -> the Unicode combining mark it puts on its argument.
ACCENTS: dict[str, str] = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307",
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323",
    "b": "\u0331",
}
#: Letters written as commands without an argument (``\\o``, ``\\ss``), and the dotless ``\\i`` / ``\\j``
#: that accents take (``\\"{\\i}``).
LETTERS: dict[str, str] = {
    "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "l": "ł", "L": "Ł", "i": "i", "j": "j",
}


def _argument_letter(arg: object) -> str | None:
    """The one letter an accent's argument stands for (``i``, ``{o}``, ``{\\i}``), else None."""
    if isinstance(arg, LatexGroupNode):
        inner = [n for n in arg.nodelist if not (isinstance(n, LatexCharsNode) and not n.chars.strip())]
        if len(inner) != 1:
            return None
        arg = inner[0]
    if isinstance(arg, LatexCharsNode):
        return arg.chars if len(arg.chars) == 1 and arg.chars.isascii() and arg.chars.isalpha() else None
    if isinstance(arg, LatexMacroNode) and arg.macroname in ("i", "j") and not arg.macro_post_space:
        return arg.macroname
    return None


def typeset_char(node: object) -> str | None:
    """The character an accent command (or a letter command) typesets, None when it is anything else."""
    if not isinstance(node, LatexMacroNode):
        return None
    name = node.macroname
    if name in ACCENTS:
        args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
        letter = _argument_letter(args[0]) if len(args) == 1 else None
        if letter is None:
            return None
        char = unicodedata.normalize("NFC", letter + ACCENTS[name])
        return char if len(char) == 1 else None
    if name in LETTERS and name not in ("i", "j") and not (node.nodeargd and node.nodeargd.argnlist):
        return LETTERS[name]
    return None


#: Drop caps: macro -> its number of arguments, joined into the first word.
DROP_CAPS: dict[str, int] = {"IEEEPARstart": 2, "lettrine": 2}
_OPTIONS = re.compile(r"\s*\[[^\[\]{}\n]*\]\s*")
_PLAIN_WORD = re.compile(r"[A-Za-z'\u00c0-\u024f-]+")


def _group_text(node: object) -> str | None:
    """The text of a ``{...}`` group of plain letters (``""`` for ``{}``), None for anything else."""
    if isinstance(node, LatexGroupNode) and node.delimiters == ("{", "}"):
        if not node.nodelist:
            return ""
        chars = [n for n in node.nodelist if isinstance(n, LatexCharsNode)]
        if len(chars) == len(node.nodelist) == 1 and _PLAIN_WORD.fullmatch(chars[0].chars.strip()):
            return chars[0].chars.strip()
    return None


def typeset_span(text: str, nodes: list, i: int) -> tuple[str, int, int, str, int] | None:
    """``(kind, start, end, text, nodes used)`` when ``nodes[i]`` typesets plain text the model should read as such:
    an accent inside a word (:func:`accent_in_word`) or a drop cap (:data:`DROP_CAPS`) of plain letters."""
    node = nodes[i]
    if isinstance(node, LatexMacroNode) and node.macroname in DROP_CAPS:
        count = DROP_CAPS[node.macroname]
        args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if isinstance(a, LatexGroupNode)]
        used = 0
        if len(args) != count:  # the reader does not know its arguments: the groups that follow are
            first = i + 1  # (after options: \lettrine[lines=2]{T}{his})
            after = nodes[first] if first < len(nodes) else None
            if isinstance(after, LatexCharsNode) and _OPTIONS.fullmatch(after.chars):
                first += 1
            args = list(nodes[first : first + count])
            used = first - i - 1 + count
        words = [_group_text(a) for a in args]
        if len(words) == count and words[0] and None not in words and all(isinstance(a, LatexGroupNode) for a in args):
            return "dropcap", node.pos, args[-1].pos + args[-1].len, "".join(w or "" for w in words), used
        return None
    found = accent_in_word(text, node)
    if found is None:
        return None
    start, end, char = found
    return "accent", start, end, char, int(i + 1 < len(nodes) and nodes[i + 1].pos < end)  # the "{}" of "\AA{}ngstr"


def in_word(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` has a letter right before or right after it (it is inside a word)."""
    return (start > 0 and text[start - 1].isalpha()) or (end < len(text) and text[end].isalpha())


def accent_in_word(text: str, node: object) -> tuple[int, int, str] | None:
    """``(start, end, char)`` when ``node`` is an accent command (or a ``{\\"o}`` group of one) inside a word.

    A letter command (``\\o``, ``\\ss``) takes the blank TeX eats after it
    (``Stra\\ss e``), or a ``{}`` that follows it (``\\AA{}ngstr\\"om``).
    """
    if isinstance(node, LatexGroupNode) and node.delimiters == ("{", "}"):
        inner = [n for n in node.nodelist if not (isinstance(n, LatexCharsNode) and not n.chars.strip())]
        if len(inner) != 1 or not isinstance(inner[0], LatexMacroNode) or inner[0].macroname not in ACCENTS:
            return None
        char = typeset_char(inner[0])
        start, end = node.pos, node.pos + node.len
        return (start, end, char) if char and in_word(text, start, end) else None
    char = typeset_char(node)
    if char is None or not isinstance(node, LatexMacroNode):
        return None
    start, end = node.pos, node.pos + node.len
    if node.macroname in LETTERS and not node.macro_post_space and text.startswith("{}", end):
        end += 2
    return (start, end, char) if in_word(text, start, end) else None
