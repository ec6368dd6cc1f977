"""What a paper's own macro definitions say about their arguments.

``\\newcommand{\\secc}[1]{Section~\\ref{sec:#1}}`` makes ``\\secc{vqgan}``'s
argument a key; ``\\newcommand{\\Code}[1]{\\lstinline@#1@}`` makes it code;
``\\newcommand{\\circlegend}[2]{... \\node[fill={#1}] ... {#2};}`` makes the
first a colour (an option) and the second text set on the page.  The coverage
audit blanks the arguments that are not prose; the LaTeX reader translates a
short argument only when the definition sets it as text.

A parameter is **not prose** when any use of it in the body is a key
(``\\ref``, ``\\label``, ``\\cite``...), code (``\\texttt``, ``\\lstinline``,
``\\verb``, ``\\url``, anything set in typewriter type), a colour, a file or an environment name, part of an
option list ``[...]``, a setting (``key=#1``) or a control-sequence name
(``\\csname #1``); it is **text** when it is used and none of its uses is one of
those.  Pure text scanning: nothing is expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arxiv_translator.texscan import match_brace

DEFINITION = re.compile(r"\\(?:re)?newcommand\*?\s*\{?\s*\\([A-Za-z@]+)\s*\}?\s*\[(\d)\]\s*(?:\[[^\]]*\]\s*)?\{"
                        r"|\\[gex]?def\s*\\([A-Za-z@]+)((?:#\d)+)\s*\{"
                        r"|\\(?:New|Renew|Provide|Declare)(?:Expandable)?DocumentCommand\s*\{?\s*\\([A-Za-z@]+)\s*\}?"
                        r"\s*\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\s*\{")
#: xparse argument types (each one a parameter ``#n``; ``O{..}``/``D<>{..}`` defaults and delimiters are not)
XPARSE_TYPES = frozenset("mrRvoOdDsteEgGlub")
KEY_COMMANDS = r"\\(?:ref|eqref|autoref|Autoref|cref|Cref|label|cite[A-Za-z]*|pageref|nameref|vref|hyperref)\*?"
CODE_COMMANDS = r"\\(?:texttt|lstinline|mintinline|verb|path|url)(?![A-Za-z])[^#]{0,60}"
#: Commands whose first ``{}`` argument is a colour, a file, a name or a length (``\\textcolor{#1}{..}``).
NAME_COMMANDS = (r"\\(?:color|textcolor|colorbox|fcolorbox|cellcolor|rowcolor|columncolor|pagecolor|includegraphics"
                 r"|input|include|includepdf|lstinputlisting|inputminted|begin|end|usepackage|hyperlink|hypertarget"
                 r"|href|setlength|addtolength|setcounter|addtocounter|value|arabic|roman|alph|fontfamily"
                 r"|hspace|vspace|rule|url|nolinkurl|doi|bibliography|bibliographystyle|newlabel)\*?")
MAX_BODY = 2000
_DEFINES = re.compile(r"\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand|[gex]?def|(?:re)?newenvironment)(?![A-Za-z])")
_COMMENT = re.compile(r"%(?<!\\%)[^\n]*")


@dataclass(frozen=True)
class Definition:
    """A macro's parameter count and which of its (1-based) parameters are not prose / are set as text."""

    count: int
    nonprose: frozenset[int]
    text: frozenset[int]


def xparse_types(spec: str) -> list[str] | None:
    """The argument types of an xparse argument specification, in order (``s O{x} +m`` -> ``['s', 'O', 'm']``);
    None when it holds something else."""
    while (bare := re.sub(r"\{[^{}]*\}", "", spec)) != spec:  # defaults and processors: O{..}, >{..}
        spec = bare
    spec = re.sub(r"([rRdDt])(\S\S?)", r"\1", spec)  # delimiters: r(), d<>, t+
    types = [c for c in spec if c not in " \t\n+!>="]
    return types if all(c in XPARSE_TYPES for c in types) else None


def _nonprose(body: str, k: int) -> bool:
    """True when some use of ``#k`` in ``body`` is a key, code, a name, an option or a setting."""
    if k > 9 or _MARK in body:
        return _nonprose_per_parameter(body, k)
    digit = str(k)
    marked = _PARAM.sub(lambda m: _MARK if m.group(1) == digit else m.group(0), body)
    if marked == body:  # not used
        return False
    return any(pattern.search(marked) for pattern in _MARKED_USES) or any(
        not m.group(1).startswith("pdf") for m in _MARKED_SETTING.finditer(marked))


#: ``#k`` (one parameter; ``#12`` is ``#1`` then ``2`` for TeX, and for :func:`_nonprose_per_parameter`: no use)
_PARAM = re.compile(r"#(\d)(?!\d)")
#: What :func:`_nonprose` writes for the uses of the parameter it asks about, so that one compiled regex per
#: kind of use serves every parameter.  Each class around it that leaves out ``#`` leaves it out too; the
#: others hold ``#``, the digit and it alike: the regexes match where :func:`_nonprose_per_parameter`'s do.
_MARK = "\x00"
_MARKED_USES = tuple(re.compile(pattern.replace("{p}", _MARK)) for pattern in (
    KEY_COMMANDS + r"(?:\[[^\]]*{p}[^\]]*\]|(?:\[[^\]]*\])?\{[^{}]*{p}[^{}]*\})",
    CODE_COMMANDS.replace("[^#]", "[^#\x00]") + "{p}",
    NAME_COMMANDS + r"\s*(?:\[[^\]]*\]\s*)*\{[^{}]*{p}",
    r"\\[A-Za-z@]+\*?\s*(?:\{[^{}]*\}\s*)?\[[^\[\]]*{p}[^\[\]]*\]",  # options: \node[#1]
    r"\\csname\s*[^{}]*{p}",
    r"\\[A-Za-z]*tt[A-Za-z]*(?![A-Za-z])[^{}#\x00]*{p}",  # typewriter: \ttfamily #1, \ntt\bslash#1
    r"\\(?:bslash|textbackslash|string|char)(?![A-Za-z])\s*{p}",  # a command's name
    r"{p}\s*(?:pt|em|ex|cm|mm|in|bp)\b",  # a length: \hspace{#1pt}
))
_MARKED_SETTING = re.compile(r"([A-Za-z]*)\s*=\s*\{?\s*" + _MARK)  # fill={#1}; PDF metadata (pdfkeywords={#1}) is text


def _nonprose_per_parameter(body: str, k: int) -> bool:
    """:func:`_nonprose` with regexes written for ``#k`` (bodies that hold :data:`_MARK`, or ``k`` over 9)."""
    p = f"#{k}(?!\\d)"
    return bool(
        re.search(KEY_COMMANDS + rf"(?:\[[^\]]*{p}[^\]]*\]|(?:\[[^\]]*\])?\{{[^{{}}]*{p}[^{{}}]*\}})", body)
        or re.search(CODE_COMMANDS + p, body)
        or re.search(NAME_COMMANDS + rf"\s*(?:\[[^\]]*\]\s*)*\{{[^{{}}]*{p}", body)
        or re.search(rf"\\[A-Za-z@]+\*?\s*(?:\{{[^{{}}]*\}}\s*)?\[[^\[\]]*{p}[^\[\]]*\]", body)  # options: \node[#1]
        or any(not m.group(1).startswith("pdf")  # a setting (fill={#1}); PDF metadata (pdfkeywords={#1}) is text
               for m in re.finditer(rf"([A-Za-z]*)\s*=\s*\{{?\s*{p}", body))
        or re.search(rf"\\csname\s*[^{{}}]*{p}", body)
        or re.search(rf"\\[A-Za-z]*tt[A-Za-z]*(?![A-Za-z])[^{{}}#]*{p}", body)  # typewriter: \ttfamily #1, \ntt\bslash#1
        or re.search(rf"\\(?:bslash|textbackslash|string|char)(?![A-Za-z])\s*{p}", body)  # a command's name
        or re.search(rf"#{k}\s*(?:pt|em|ex|cm|mm|in|bp)\b", body)  # a length: \hspace{#1pt}
    )


def _after_head(body: str, j: int) -> int:
    """Offset of a definition's body after its command at ``j``: the name (``{\\foo}``, ``\\foo``, ``\\@foo``,
    ``#1``), then ``[n][default]`` or ``#1#2`` (a ``\\def``'s delimited parameters as far as the first ``{``)."""
    while j < len(body) and body[j] in " \t\n*":
        j += 1
    if body.startswith("{", j):  # the name: {\foo} or {#1}
        close = match_brace(body, j, len(body))
        j = len(body) if close is None else close + 1
    else:  # \foo, \@foo or #1
        j += 1
        while j < len(body) and (body[j].isalpha() or body[j] == "@" or body[j].isdigit()):
            j += 1
    while True:  # [n][default] or #1#2
        while j < len(body) and body[j] in " \t\n":
            j += 1
        if body.startswith("[", j) and body.find("]", j) > 0:
            j = body.find("]", j) + 1
        elif body.startswith("#", j):
            j += 2
        else:
            break
    return j


def _inner_definitions(body: str) -> list[tuple[int, int]]:
    """Spans of the definitions inside a macro's body (name, parameters and body of each)."""
    spans = []
    for m in _DEFINES.finditer(body):
        j = _after_head(body, m.end())
        close = match_brace(body, j, len(body)) if body.startswith("{", j) else None
        spans.append((m.start(), j if close is None else close + 1))
    return spans


_DELIMITED = re.compile(r"[^{}\n%]{0,120}(?=\{)")


def definition_end(text: str, pos: int, end: int, command: str | None = None) -> int | None:
    """Where the definition at ``pos`` ends (``\\def\\@fnsymbol#1{..}``, ``\\newcommand{\\x}[1]{..}``,
    ``\\newenvironment{x}{..}{..}``, ``\\def\\foo#1.{..}``): after its (last) body; None when no body follows
    before ``end``.  With ``command`` (``def``, ``newenvironment`` ..), ``pos`` is right after that command's name."""
    if command is None:
        m = _DEFINES.match(text, pos)
        if m is None:
            return None
        command, pos = m.group()[1:], m.end()
    j = _after_head(text, pos)
    if not text.startswith("{", j) and command.endswith("def") and (d := _DELIMITED.match(text, j)) is not None:
        j = d.end()  # \def\foo#1.{..}: parameter text up to the body
    close = None
    for _ in range(2 if command.endswith("environment") else 1):
        while j < end and text[j] in " \t\n":
            j += 1
        close = match_brace(text, j, end) if text.startswith("{", j) else None
        if close is None:
            return None
        j = close + 1
    return j


def definitions(text: str) -> dict[str, Definition]:
    """The ``\\newcommand``/``\\def`` definitions with parameters in ``text``, read as :class:`Definition`."""
    found: dict[str, Definition] = {}
    for m in DEFINITION.finditer(text):
        close = match_brace(text, m.end() - 1, min(len(text), m.end() + MAX_BODY))
        if close is None:
            continue
        body = _COMMENT.sub("", text[m.end() : close])
        if m.group(5):
            types = xparse_types(m.group(6))
            if types is None:
                continue
            count = len(types)
        else:
            count = int(m.group(2)) if m.group(2) else len(m.group(4)) // 2
        inner = _inner_definitions(body)  # \ndef{\ax}{ax} -> \newcommand{#1}{\name{#2}}: names, not prose
        nonprose = frozenset(k for k in range(1, count + 1)
                             if _nonprose(body, k) or any(re.search(f"#{k}(?!\\d)", body[a:b]) for a, b in inner))
        used = frozenset(k for k in range(1, count + 1) if re.search(f"#{k}(?!\\d)", body))
        found[m.group(1) or m.group(3) or m.group(5)] = Definition(count, nonprose, used - nonprose)
    return found


_ENV_DEFINITION = re.compile(r"\\(?:(?:re)?newenvironment|(?:Re)?NewTColorBox|(?:re)?newtcolorbox)\s*\*?\s*"
                             r"(?:\[[^\]]*\]\s*)?\{\s*([A-Za-z@][\w@-]*\*?)\s*\}\s*\[(\d)\]\s*(\[[^\]]*\])?\s*\{")
_TITLE_PARAM = r"(?:title|subtitle|adjusted title)\s*=\s*\{?\s*#"


def environment_text_args(text: str) -> dict[str, frozenset[int]]:
    """Environments ``text`` defines with arguments that are set as text, -> which of the ``{..}`` arguments
    after ``\\begin{name}`` (0-based) those are: ``\\newtcolorbox{promptbox}[1]{title=#1}`` -> ``{0}``,
    ``\\newenvironment{ex}[2][]{\\textbf{Example: #2}}{}`` -> ``{0}`` (its ``#1`` is the optional ``[..]``).
    A parameter used as a key, code, a name or a setting (other than a title) is not text."""
    found: dict[str, frozenset[int]] = {}
    for m in _ENV_DEFINITION.finditer(text):
        close = match_brace(text, m.end() - 1, min(len(text), m.end() + MAX_BODY))
        if close is None:
            continue
        body = _COMMENT.sub("", text[m.end() : close])
        count, optional = int(m.group(2)), m.group(3) is not None
        box = "olorbox" in text[m.start() : m.start() + 16] or "ColorBox" in text[m.start() : m.start() + 16]
        args = set()
        for k in range(2 if optional else 1, count + 1):
            title = re.search(_TITLE_PARAM + f"{k}(?!\\d)", body) is not None
            used = re.search(f"#{k}(?!\\d)", body) is not None
            if title or (used and not box and not _nonprose(body, k)):
                args.add(k - (2 if optional else 1))
        if args:
            found[m.group(1)] = frozenset(args)
    return found


_VERBATIM_ENV = re.compile(r"\\(?:lstnewenvironment|DefineVerbatimEnvironment|newtcblisting|renewtcblisting|NewTCBListing"
                           r"|DeclareTCBListing|ProvideTCBListing)\s*\*?\s*\{\s*([A-Za-z@]+\*?)\s*\}")
_VERBATIM_NEWENV = re.compile(r"\\(?:re)?newenvironment\s*\*?\s*\{\s*([A-Za-z@]+\*?)\s*\}\s*(?:\[\d\]\s*)?"
                              r"\{[^{}]{0,80}?\\(?:verbatim|Verbatim|lstlisting|minted)(?![A-Za-z])")
_MINTED = re.compile(r"\\newminted\s*(?:\[\s*([A-Za-z@]+)\s*\])?\s*\{\s*([A-Za-z0-9+#-]+)\s*\}")
_SHORT_VERB = re.compile(r"\\(?:MakeShortVerb|DefineShortVerb|lstMakeShortInline)\*?\s*(?:\[[^\]\n]*\]\s*)?"
                         r"\{?\s*\\?([^\sA-Za-z0-9{}\\%])")


def verbatim_declarations(text: str) -> tuple[set[str], set[str]]:
    """Environments ``text`` declares verbatim (``\\lstnewenvironment{code}``, ``\\DefineVerbatimEnvironment``,
    ``\\newtcblisting``, ``\\newminted{python}`` -> ``pythoncode``, a ``\\newenvironment`` that opens
    ``\\verbatim``), and the characters it makes short ``\\verb`` delimiters (``\\DefineShortVerb{\\|}``)."""
    text = _COMMENT.sub("", text)
    envs = {m.group(1) for m in _VERBATIM_ENV.finditer(text)} | {m.group(1) for m in _VERBATIM_NEWENV.finditer(text)}
    envs |= {m.group(1) or m.group(2) + "code" for m in _MINTED.finditer(text)}
    return envs, {m.group(1) for m in _SHORT_VERB.finditer(text)}
