"""What the coverage audit can name as not prose in a LaTeX file, blanked before it counts words.

A translator leaves these as they are, so English words in them are not
English prose left:

* **option lists**: ``[nolistsep, noitemsep, leftmargin=*]``, ``[labelwidth=2em]``,
  ``[htbp!]``, and ``{key=value, ...}`` groups (``\\lstdefinestyle{c}{basicstyle=..}``):
  every item a key or ``key=value`` (:func:`option_like`);
* **lengths**: ``8pt plus 4pt minus 2pt``;
* **arguments that are not prose** (:data:`NONPROSE_ARGS`): colours
  (``\\rowcolors{2}{white}{gray!25}``, ``\\cellcolor{..}``, the first argument
  of ``\\textcolor{red}{..}``, whose second is prose), the author block
  (``\\icmlauthor``, ``\\author``, ``\\affiliation``, ``\\email`` ...; a
  ``\\thanks``/``\\footnote`` inside it is prose and stays), definitions,
  layout and counter settings;
* **keys and code**: a ``{...}`` argument that reads as a key (``sec:exp:foo``),
  ``\\texttt{..}``, and the arguments of the paper's own reference and code
  macros, found in its definitions (``\\newcommand{\\secc}[1]{Section \\ref{sec:#1}}``:
  ``\\secc{vqgan}``'s argument is a key; ``\\newcommand{\\Code}[1]{\\lstinline@#1@}``: code).

Everything else stays, so a sentence left in English is still counted.
Offsets never move (blanked text becomes spaces, new lines kept).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from arxiv_translator.texdefs import definitions
from arxiv_translator.texscan import match_brace

#: Command -> the (1-based) ``{}`` arguments that are never prose; ``0``: all of its first N (see below).
NONPROSE_ARGS: dict[str, tuple[int, ...]] = {
    # colours
    "color": (1,), "textcolor": (1,), "colorbox": (1,), "fcolorbox": (1, 2), "cellcolor": (1,), "rowcolor": (1,),
    "columncolor": (1,), "rowcolors": (1, 2, 3), "definecolor": (1, 2, 3), "colorlet": (1, 2), "pagecolor": (1,),
    # the author block (names, affiliations, addresses, mail)
    "author": (1,), "icmlauthor": (1, 2), "icmlaffiliation": (1, 2), "icmlcorrespondingauthor": (1, 2),
    "affiliation": (1,), "email": (1,), "affaddr": (1,), "institute": (1,), "institution": (1,), "address": (1,),
    "affil": (1,), "orcid": (1,), "IEEEauthorblockN": (1,), "IEEEauthorblockA": (1,), "ead": (1,),
    "aistatsauthor": (1,), "aistatsaddress": (1,), "authorrunning": (1,), "icmlequalcontribution": (1,),
    "shortauthors": (1,), "runningauthor": (1,), "headauthor": (1,), "markboth": (1, 2), "markright": (1,),
    # glossary and acronym keys (the printed long forms are translated where they are defined)
    **{name: (1,) for name in ("gls", "Gls", "GLS", "glspl", "Glspl", "GLSpl", "glsfirst", "glstext", "glsdesc",
                               "glsentryname", "glsentrytext", "glsentrydesc", "glsentrylong", "glsentryshort",
                               "acrshort", "acrlong", "acrfull", "Acrshort", "Acrlong", "Acrfull", "glsxtrshort",
                               "glsxtrlong", "glsxtrfull", "glslink", "glsreset", "glsunset")},
    # definitions, layout, counters and package settings
    "newcommand": (1, 2), "renewcommand": (1, 2), "providecommand": (1, 2), "newenvironment": (1, 2, 3),
    "renewenvironment": (1, 2, 3), "newrefformat": (1, 2), "crefname": (1, 2, 3), "Crefname": (1, 2, 3),
    "crefalias": (1, 2), "newtheorem": (1, 2), "theoremstyle": (1,), "titlespacing": (1, 2, 3, 4),
    "titleformat": (1, 2, 3, 4, 5), "setlist": (1,), "captionsetup": (1,), "lstset": (1,),
    "lstdefinestyle": (1, 2), "lstdefinelanguage": (1, 2), "BeforeBeginEnvironment": (1, 2),
    "AfterEndEnvironment": (1, 2), "AtBeginEnvironment": (1, 2), "AtEndEnvironment": (1, 2),
    "surroundwithmdframed": (1,), "mdfsetup": (1,), "tcbset": (1,), "tikzset": (1,), "pgfplotsset": (1,),
    "usetikzlibrary": (1,), "counterwithin": (1, 2), "counterwithout": (1, 2), "numberwithin": (1, 2),
    "setcounter": (1, 2), "addtocounter": (1, 2), "newcounter": (1,), "pagestyle": (1,), "thispagestyle": (1,),
    "hyphenation": (1,), "pagenumbering": (1,), "icmlsetsymbol": (1, 2), "setlength": (1, 2),
    "addtolength": (1, 2), "newlength": (1,), "bibliographystyle": (1,),
    "addcontentsline": (1, 2), "addtocontents": (1,),  # the contents file and level; the title is prose
    # code set inline (the reader protects it as code)
    "texttt": (1,), "path": (1,), "mintinline": (1, 2), "inputminted": (1, 2), "lstinputlisting": (1,),
    # messages to the terminal and the log, never typeset (the reader never sends them)
    "typeout": (1,), "message": (1,), "wlog": (1,), "PackageWarning": (1, 2), "PackageWarningNoLine": (1, 2),
    "PackageInfo": (1, 2), "PackageError": (1, 2, 3), "ClassWarning": (1, 2), "ClassWarningNoLine": (1, 2),
    "ClassInfo": (1, 2), "ClassError": (1, 2, 3), "GenericWarning": (1, 2), "GenericInfo": (1, 2),
}
#: Author-block commands: what is inside them is not prose, except these notes.
_METADATA = {"author", "icmlauthor", "affiliation", "IEEEauthorblockN", "IEEEauthorblockA", "aistatsauthor",
             "address", "institute", "institution"}
_NOTES = re.compile(r"\\(?:thanks|footnote)\s*\{")
#: Option words that stand without ``=`` (``[nosep]``, ``[nolistsep, noitemsep]``); a list with a ``key=value``
#: needs none.  Other words in brackets are prose (``\begin{definition}[lifting, unary]``).
OPTION_WORDS = {"nosep", "noitemsep", "nolistsep", "inline", "resume", "resume*", "nolinks", "noabbrev", "capitalise",
                "capitalize", "nameinlink", "numbers", "sort", "compress", "square", "round", "authoryear",
                "normalem", "tight", "shortlabels", "para", "flushleft", "flushright", "hidelinks", "final", "draft",
                "preprint", "mathescape", "keepspaces", "breaklines", "columns", "fragile", "noindent", "center",
                "centering", "raggedright", "nopar"}
_FLOAT_PLACEMENT = re.compile(r"[htbpH!]+")
_OPTION_KEY = re.compile(r"[A-Za-z@*!><-][\w@*!.:<>'-]*")  # one key, no spaces (nosep, leftmargin, >)
_OPTION_SETTING = re.compile(r"[A-Za-z@*!><-][\w@*!.:<>' -]*=.*", re.S)  # key=value (inner sep=0pt)
_BRACKETS = re.compile(r"\[([^\[\]\n]{1,400})\]")
_BRACES = re.compile(r"\{([^{}]{1,2000})\}")
_UNIT = r"(?:pt|in|cm|mm|em|ex|bp|pc|sp|dd|cc|mu|px|fil{1,3})"
_DIMENSION = rf"-?(?:\d+\.?\d*|\.\d+)\s*(?:{_UNIT}\b|\\[A-Za-z]+)"
_GLUE = re.compile(rf"{_DIMENSION}(?:\s*(?:plus|minus)\s*{_DIMENSION})+")
#: A key: letters, then a colon-separated path without spaces (``sec:exp:sym_teacher``, ``fig:teaser-v2``).
_KEY = re.compile(r"\s*[A-Za-z][\w.-]*(?::[\w.:/+-]+)+\s*")
_CALL_ARG = re.compile(r"\\[A-Za-z@]+\*?\s*(?:\[[^\]]*\]\s*)*\{")
MAX_STYLE_BYTES = 1_000_000


def option_like(content: str, braces: bool = False) -> bool:
    """True when ``content`` (of ``[...]``, or of ``{...}`` with ``braces``) is a list of options, not words.

    Each comma-separated item is a key or ``key=value`` (no spaces inside a
    key); a ``{...}`` group needs a ``key=value``, a ``[...]`` one needs a
    ``=`` or items that are all known option words (:data:`OPTION_WORDS`), float
    placements (``htbp!``) or keys (``sec:intro``).  ``[Lower bound]``, ``[Proof of Theorem 1]`` are titles.
    """
    items = [item.strip() for item in _split_items(content)]
    items = [item for item in items if item]
    if not items or not all(_OPTION_SETTING.fullmatch(item) or _OPTION_KEY.fullmatch(item) for item in items):
        return False
    if braces:
        return "=" in content
    if "=" in content:
        return True
    return all(item in OPTION_WORDS or _FLOAT_PLACEMENT.fullmatch(item) or _KEY.fullmatch(item) for item in items)


def _split_items(content: str) -> list[str]:
    """``content`` split at the commas outside ``{...}`` (``label={F. },leftmargin=0.3in``)."""
    items, depth, start = [], 0, 0
    for i, c in enumerate(content):
        depth += (c == "{") - (c == "}")
        if c == "," and depth == 0:
            items.append(content[start:i])
            start = i + 1
    items.append(content[start:])
    return items


def key_macros(root: Path) -> dict[str, set[int]]:
    """The paper's macros whose arguments are keys, code, names or options: ``\\secc`` -> {1} for
    ``\\newcommand{\\secc}[1]{.. \\ref{sec:#1}}``, ``\\Code`` -> {1} for ``\\newcommand{\\Code}[1]{\\lstinline@#1@}``
    (see :mod:`arxiv_translator.texdefs`).

    Read from every ``.tex`` and ``.sty`` file of the tree (definitions often sit in the preamble
    or in a file read there, such as ``math_commands.tex``).
    """
    found: dict[str, set[int]] = {}
    for path in sorted(Path(root).rglob("*")):
        if path.suffix not in (".tex", ".sty") or not path.is_file() or path.stat().st_size > MAX_STYLE_BYTES:
            continue
        for name, nonprose in _key_definitions(path.read_text(encoding="utf-8", errors="replace")):
            found[name] = set(nonprose)
    return found


@lru_cache(maxsize=64)
def _key_definitions(text: str) -> tuple[tuple[str, frozenset[int]], ...]:
    """The macros a file's text defines with parameters that are not prose, in order (the input tree and the
    translated tree share most files: each text is read once)."""
    return tuple((name, d.nonprose) for name, d in definitions(text).items() if d.nonprose)


def _space(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _blank_range(chars: list[str], text: str, start: int, end: int, keep_notes: bool) -> None:
    """Blank ``text[start:end]`` in ``chars``; with ``keep_notes``, the notes inside it stay."""
    keep: list[tuple[int, int]] = []
    if keep_notes:
        for m in _NOTES.finditer(text, start, end):
            close = match_brace(text, m.end() - 1, end)
            if close is not None:
                keep.append((m.end(), close))
    for i in range(start, end):
        if chars[i] != "\n" and not any(a <= i < b for a, b in keep):
            chars[i] = " "


_NAME = re.compile(r"[A-Za-z@]+")
_CALL = re.compile(r"\\([A-Za-z@]+)\*?")  # a command and its star: the same calls as an alternation of names


def _plain_names(commands: dict[str, tuple[int, ...]]) -> bool:
    """Whether every name is letters (and ``@``): then :data:`_CALL` finds their calls."""
    return all(n in NONPROSE_ARGS or _NAME.fullmatch(n) for n in commands)


def _blank_arguments(text: str, chars: list[str], commands: dict[str, tuple[int, ...]]) -> None:
    """Blank the listed ``{}`` arguments (and the ``[]`` options between them) of every call of ``commands``."""
    if not commands:
        return
    if _plain_names(commands):  # every command call, then a set lookup: no regex of the names to build
        calls = (m for m in _CALL.finditer(text) if m.group(1) in commands)
    else:
        names = "|".join(re.escape(n) for n in sorted(commands, key=len, reverse=True))
        calls = re.finditer(rf"\\({names})(?![A-Za-z@])\*?", text)
    for m in calls:
        wanted, pos, index = commands[m.group(1)], m.end(), 0
        while index < max(wanted):
            while pos < len(text) and text[pos] in " \t\n":
                pos += 1
            if text.startswith("[", pos) and (close := text.find("]", pos)) > 0 and "\n\n" not in text[pos:close]:
                _blank_range(chars, text, pos, close + 1, False)
                pos = close + 1
                continue
            if not text.startswith("{", pos) or (end := match_brace(text, pos, min(len(text), pos + 8000))) is None:
                break
            index += 1
            if index in wanted:
                _blank_range(chars, text, pos, end + 1, m.group(1) in _METADATA)
            pos = end + 1


_DEF = re.compile(r"\\[gex]?def\s*\\[A-Za-z@]+[^{}\n]{0,40}\{"
                  r"|\\(?:re)?newcommand\*?\s*\\[A-Za-z@]+\s*(?:\[\d\]\s*)?(?:\[[^\]\n]*\]\s*)?\{")


def blank_arguments(text: str, keys: dict[str, set[int]] | None = None) -> str:
    """``text`` with the arguments that are not prose (:data:`NONPROSE_ARGS`, the paper's key macros ``keys``,
    ``\\def`` bodies) turned into spaces; offsets unchanged.  Run before the commands are stripped."""
    chars = list(text)
    commands = dict(NONPROSE_ARGS)
    for name, k in (keys or {}).items():  # the paper's definitions add to what is known, never take away
        commands[name] = tuple(sorted(set(commands.get(name, ())) | set(k)))
    _blank_arguments(text, chars, commands)
    for m in _DEF.finditer(text):  # \def\Secref#1{Section~\ref{#1}}: a definition
        close = match_brace(text, m.end() - 1, min(len(text), m.end() + 8000))
        if close is not None:
            _blank_range(chars, text, m.start(), close + 1, False)
    return "".join(chars)


def blank_options(text: str) -> str:
    """``text`` with option lists, lengths and key arguments turned into spaces; offsets unchanged.
    Run after the key commands (``\\includegraphics[..]{..}``) are stripped whole."""
    text = _BRACKETS.sub(lambda m: _space(m.group(0)) if option_like(m.group(1)) else m.group(0), text)
    text = _BRACES.sub(lambda m: _space(m.group(0)) if option_like(m.group(1), braces=True) else m.group(0), text)
    if "plus" in text or "minus" in text:  # every glue holds one (the pattern tried at each digit cost ~5 ms a paper)
        text = _GLUE.sub(lambda m: _space(m.group(0)), text)
    for m in _CALL_ARG.finditer(text):  # \Secref{sec:exp:foo}, \figureref{fig:a,fig:b}: key arguments
        close = match_brace(text, m.end() - 1, min(len(text), m.end() + 200))
        if close is not None and all(_KEY.fullmatch(key) for key in text[m.end() : close].split(",")):
            text = text[: m.end()] + _space(text[m.end() : close]) + text[close:]  # one key or a list of keys
    return text
