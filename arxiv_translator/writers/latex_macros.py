"""The paper's own macros, for prose (expanded by the converter) and for KaTeX (its ``macros`` option).

Only plain definitions are understood: ``\\newcommand``/``\\renewcommand``/
``\\providecommand`` (with an argument count), ``\\def\\name{..}`` and
``\\DeclareMathOperator``.  Macros that define macros are beyond this.
"""

from __future__ import annotations

import re
from pathlib import Path

from arxiv_translator.document import Document
from arxiv_translator.readers.latex_tree import strip_comments
from arxiv_translator.texscan import match_brace

#: Commands KaTeX lacks that papers use inside math; the paper's own definitions win.
DEFAULT_MATH_MACROS = {
    "\\ref": "\\text{[#1]}", "\\cref": "\\text{[#1]}", "\\Cref": "\\text{[#1]}", "\\autoref": "\\text{[#1]}",
    "\\eqref": "\\text{(#1)}", "\\cite": "\\text{[#1]}", "\\citep": "\\text{[#1]}", "\\citet": "\\text{[#1]}",
    "\\ensuremath": "#1", "\\xspace": "", "\\nicefrac": "{}^{#1}\\!/_{#2}", "\\mathbbold": "\\mathbb{#1}",
    "\\bm": "\\boldsymbol{#1}", "\\textsc": "\\text{#1}", "\\intertext": "\\text{#1}",
    "\\shortintertext": "\\text{#1}", "\\mathlarger": "#1", "\\qedhere": "", "\\nobreak": "",
    "\\allowbreak": "", "\\textsuperscript": "^{\\text{#1}}",
}
_DEFINITION = re.compile(
    r"\\(?:re|provide|new)command\*?\s*\{?\\([A-Za-z]+)\}?\s*(?:\[(\d)\])?\s*(?:\[[^\]]*\])?\s*\{"
    r"|\\DeclareMathOperator(\*?)\s*\{?\\([A-Za-z]+)\}?\s*\{|\\def\\([A-Za-z]+)\s*\{")
#: A macro that defines macros: ``\newcommand{\ndef}[2]{\newcommand{#1}{\name{#2}}}``.
_DEFINER = re.compile(r"^\s*\\(?:re|provide|new)command\*?\s*\{?#1\}?\s*\{(.*)\}\s*$", re.S)
#: Names a style file may redefine that KaTeX knows better.
KEEP_BUILTIN = {"large", "Large", "LARGE", "huge", "Huge", "small", "footnotesize", "scriptsize", "tiny",
                "normalsize", "rm", "bf", "it", "sf", "tt", "sc", "sl", "em", "cal", "mit", "vec", "hat", "bar"}
MAX_STY_BYTES = 1_000_000


def user_macros(source: str) -> tuple[dict[str, str], dict[str, str]]:
    """The macros defined in ``source``: (text macros without arguments, KaTeX math macros).

    Text macros expand in prose (``\\method`` -> ``\\textsc{SparseMix}``); math
    macros (with ``#1``.. arguments) go to KaTeX's ``macros`` option.
    """
    text: dict[str, str] = {}
    math: dict[str, str] = {}
    source = strip_comments(source) if "%" in source else source  # a commented-out definition defines nothing
    for m in _DEFINITION.finditer(source):
        body = _balanced(source, m.end() - 1)
        if body is None:
            continue
        if m.group(4):
            math["\\" + m.group(4)] = f"\\operatorname{'*' if m.group(3) else ''}{{{body}}}"
            continue
        name = m.group(1) or m.group(5)
        if "@" in body or name in KEEP_BUILTIN:  # package internals, font sizes: leave them to KaTeX
            continue
        math["\\" + name] = katex_tex(body)
        if not m.group(2):
            text[name] = body
    return text, math


def paper_macros(doc: Document, root: Path | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Macros of a LaTeX document: its files, and the ``.sty`` files of its tree (when ``root`` is given)."""
    text: dict[str, str] = {}
    math: dict[str, str] = dict(DEFAULT_MATH_MACROS)
    sources = []
    if root is not None and Path(root).is_dir():
        for sty in sorted(Path(root).rglob("*.sty"))[:50]:
            if sty.is_file() and sty.stat().st_size <= MAX_STY_BYTES:
                sources.append(sty.read_text(encoding="utf-8", errors="replace"))
    sources += [f.text for f in doc.files.values()]
    for source in sources:
        t, m = user_macros(source)
        text.update(t)
        math.update(m)
    for name, body in list(math.items()):
        if (definer := _DEFINER.match(body)) is None:
            continue
        call = re.compile(re.escape(name) + r"\s*\{?\\([A-Za-z]+)\}?\s*\{([^{}]*)\}")
        for source in sources:
            for m in call.finditer(source):
                made = definer.group(1).replace("#2", m.group(2))
                math["\\" + m.group(1)] = katex_tex(made)
                text.setdefault(m.group(1), made)
    return text, math


def katex_tex(tex: str) -> str:
    """Adjust TeX for KaTeX: arrays without a position or ``@{..}`` columns, no ``\\xspace``."""
    if "\\begin{array}" in tex:
        tex = re.sub(r"\\begin\{array\}\s*\[[a-z]\]", r"\\begin{array}", tex)
        tex = re.sub(r"(\\begin\{array\}\{)((?:[^{}]|\{[^{}]*\})*)\}",
                     lambda m: m.group(1) + re.sub(r"[@!]\{[^{}]*\}", "", m.group(2)) + "}", tex)
    return tex.replace("\\xspace", "")


def _balanced(s: str, i: int) -> str | None:
    """The text inside the group opening at ``s[i]`` (``{``), or None when it does not close soon."""
    j = match_brace(s, i, min(len(s), i + 4000))
    return s[i + 1 : j] if j is not None else None
