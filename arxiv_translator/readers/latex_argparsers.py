"""Argument parsers pylatexenc lacks: verbatim environments by name, ``\\input file`` without braces, URLs,
inline code with any delimiter (``\\lstinline|..|``), booktabs' ``\\cmidrule(lr)`` and an inline TikZ
picture (``\\tikz[..]{..}`` or ``\\tikz[..] \\draw ..;``)."""

from __future__ import annotations

import re

from pylatexenc import latexwalker
from pylatexenc.macrospec import MacroStandardArgsParser, ParsedMacroArgs, ParsedVerbatimArgs, VerbatimArgsParser

from arxiv_translator.brackets import scan_close
from arxiv_translator.texdefs import definition_end
from arxiv_translator.texscan import match_brace, scan_to

_BARE_NAME = re.compile(r"[ \t]*([^\s{}\\%]+)")


class VerbatimEnvParser(VerbatimArgsParser):
    """The body of ``\\begin{NAME}`` up to ``\\end{NAME}`` (pylatexenc looks for ``\\end{verbatim}`` only)."""

    def __init__(self, name: str) -> None:
        super().__init__(verbatim_arg_type="verbatim-environment")
        self.env_name = name

    def parse_args(self, w, pos, parsing_state=None):  # noqa: D102 - pylatexenc's hook
        close = w.s.find("\\end{" + self.env_name + "}", pos)
        if close < 0:
            raise latexwalker.LatexWalkerParseError(s=w.s, pos=pos, msg=f"no \\end{{{self.env_name}}}")
        node = w.make_node(latexwalker.LatexCharsNode, parsing_state=parsing_state, chars=w.s[pos:close],
                           pos=pos, len=close - pos)
        return ParsedVerbatimArgs(verbatim_chars_node=node), pos, close - pos


class BareInputArgsParser(MacroStandardArgsParser):
    """``\\input{file}`` as usual, and TeX's ``\\input file`` (the name up to a space) as a chars argument."""

    def __init__(self) -> None:
        super().__init__(argspec="{")

    def parse_args(self, w, pos, parsing_state=None):  # noqa: D102 - pylatexenc's hook
        m = _BARE_NAME.match(w.s, pos)
        if m is None or w.s.startswith("{", pos + len(m.group(0)) - len(m.group(1))):
            return super().parse_args(w, pos, parsing_state=parsing_state)
        node = w.make_node(latexwalker.LatexCharsNode, parsing_state=parsing_state, chars=m.group(1),
                           pos=m.start(1), len=len(m.group(1)))
        return ParsedMacroArgs(argspec="{", argnlist=[node]), pos, m.end() - pos


class UrlArgsParser(MacroStandardArgsParser):
    """``\\url{...}``/``\\href{...}{text}``: the address is read verbatim (``%`` and ``#`` are not special there)."""

    def __init__(self, rest: str = "") -> None:
        super().__init__(argspec="{" + rest)
        self.rest = rest

    def parse_args(self, w, pos, parsing_state=None):  # noqa: D102 - pylatexenc's hook
        start = pos
        while start < len(w.s) and w.s[start] in " \t\n":
            start += 1
        close = w.s.find("}", start)
        if not w.s.startswith("{", start) or close < 0 or "\n\n" in w.s[start:close]:
            return super().parse_args(w, pos, parsing_state=parsing_state)
        chars = w.make_node(latexwalker.LatexCharsNode, parsing_state=parsing_state, chars=w.s[start + 1 : close],
                            pos=start + 1, len=close - start - 1)
        group = w.make_node(latexwalker.LatexGroupNode, parsing_state=parsing_state, nodelist=[chars],
                            delimiters=("{", "}"), pos=start, len=close + 1 - start)
        argnlist = [group]
        end = close + 1
        if self.rest:
            rest = MacroStandardArgsParser(argspec=self.rest)
            argd, rpos, rlen = rest.parse_args(w, end, parsing_state=parsing_state)
            argnlist += argd.argnlist
            end = rpos + rlen
        return ParsedMacroArgs(argspec="{" + self.rest, argnlist=argnlist), pos, end - pos


#: How far a definition may run to the end of its body (characters).
MAX_DEFINITION = 20000


class DefinitionArgsParser(MacroStandardArgsParser):
    """``\\def\\@fnsymbol#1{..}``, ``\\renewcommand\\@maketitle{..}``,
    ``\\newenvironment{x}{\\begin{center}}{\\end{center}}``: the name, parameters and body (bodies) as one chars
    argument: code, never prose.  pylatexenc's argspecs read ``\\@maketitle`` as ``\\@`` and text, and an
    environment opened in one body and closed in the other swallowed the paragraphs after it.  A definition
    without a readable body falls back to ``fallback``'s argspec."""

    def __init__(self, command: str, fallback: str = "") -> None:
        super().__init__(argspec=fallback)
        self.command = command

    def parse_args(self, w, pos, parsing_state=None):  # noqa: D102 - pylatexenc's hook
        end = definition_end(w.s, pos, min(len(w.s), pos + MAX_DEFINITION), self.command)
        if end is None:
            return super().parse_args(w, pos, parsing_state=parsing_state)
        node = w.make_node(latexwalker.LatexCharsNode, parsing_state=parsing_state, chars=w.s[pos:end], pos=pos,
                           len=end - pos)
        return ParsedMacroArgs(argspec="{", argnlist=[node]), pos, end - pos


#: How far an inline picture without braces may run to its ``;`` (characters).
MAX_TIKZ_PATH = 4000


class TikzArgsParser(MacroStandardArgsParser):
    """``\\tikz[options]{commands}`` or ``\\tikz[options] commands;``: the whole picture as one chars argument.

    TikZ code is never prose (``node[right] {label}`` is a drawing instruction to TikZ), so the reader
    keeps it whole; without this pylatexenc gives ``\\tikz`` no arguments and its options and path are
    read as text.  Unbalanced or endless input falls back to the options alone.
    """

    def __init__(self) -> None:
        super().__init__(argspec="{")

    def parse_args(self, w, pos, parsing_state=None):  # noqa: D102 - pylatexenc's hook
        s, i = w.s, pos
        while i < len(s) and s[i] in " \t\n":
            i += 1
        if s.startswith("[", i):
            close = scan_close(s, i, min(len(s), i + MAX_TIKZ_PATH), "[", "]", blank_line_stops=True)
            if close is None:
                return super().parse_args(w, pos, parsing_state=parsing_state)
            i = close + 1
        j = i
        while j < len(s) and s[j] in " \t\n":
            j += 1
        if s.startswith("{", j):
            close = match_brace(s, j, min(len(s), j + MAX_TIKZ_PATH))
            end = close + 1 if close is not None else i
        else:
            stop = scan_to(s, j, min(len(s), j + MAX_TIKZ_PATH), ";")
            end = i if stop is None else stop + 1
        node = w.make_node(latexwalker.LatexCharsNode, parsing_state=parsing_state, chars=s[pos:end], pos=pos,
                           len=end - pos)
        return ParsedMacroArgs(argspec="{", argnlist=[node]), pos, end - pos


_TRIM = re.compile(r"\s*(\[[^\]\n]*\])?\s*(\([^()\n]*\))?\s*(?=\{)")


class CmidruleArgsParser(MacroStandardArgsParser):
    """booktabs' ``\\cmidrule[width](trim){a-b}``: the ``(lr)`` trim is an argument too (pylatexenc's argspecs
    have no parentheses, so ``lr)`` was read as the text of a table cell)."""

    def __init__(self) -> None:
        super().__init__(argspec="[{")

    def parse_args(self, w, pos, parsing_state=None):  # noqa: D102 - pylatexenc's hook
        m = _TRIM.match(w.s, pos)
        if m is None or m.group(2) is None:
            return super().parse_args(w, pos, parsing_state=parsing_state)
        argd, rpos, rlen = MacroStandardArgsParser(argspec="{").parse_args(w, m.end(), parsing_state=parsing_state)
        trim = w.make_node(latexwalker.LatexCharsNode, parsing_state=parsing_state, chars=m.group(2),
                           pos=m.start(2), len=len(m.group(2)))
        return ParsedMacroArgs(argspec="({", argnlist=[trim] + list(argd.argnlist)), pos, rpos + rlen - pos


class ShortVerbParser(VerbatimArgsParser):
    """``|code|`` after ``\\DefineShortVerb{\\|}``: the characters up to the next ``|`` on the line, verbatim."""

    def __init__(self, char: str) -> None:
        super().__init__(verbatim_arg_type="verb-delimited-by-char")
        self.char = char

    def parse_args(self, w, pos, parsing_state=None):  # noqa: D102 - pylatexenc's hook
        close, nl = w.s.find(self.char, pos), w.s.find("\n", pos)
        if close < 0 or (0 <= nl < close):  # no closing character on the line: a lone character
            close = pos - 1
        node = w.make_node(latexwalker.LatexCharsNode, parsing_state=parsing_state, chars=w.s[pos:max(pos, close)],
                           pos=pos, len=max(0, close - pos))
        return ParsedVerbatimArgs(verbatim_chars_node=node), pos, max(0, close + 1 - pos)


class InlineCodeParser(VerbatimArgsParser):
    """``\\lstinline[opts]|code|``, ``\\lstinline{code}``, ``\\mintinline{lang}|code|``, ``\\Verb|code|``: the code is
    read verbatim, whatever its delimiter (pylatexenc knows only ``\\verb``)."""

    def __init__(self, language: bool = False) -> None:
        super().__init__(verbatim_arg_type="verb-delimited-by-char")
        self.language = language

    def parse_args(self, w, pos, parsing_state=None):  # noqa: D102 - pylatexenc's hook
        s, i = w.s, pos
        if s.startswith("[", i) and (close := s.find("]", i)) > 0 and "\n\n" not in s[i:close]:
            i = close + 1
        if self.language and s.startswith("{", i) and (close := s.find("}", i)) > 0:
            i = close + 1
        if i >= len(s) or s[i] in " \t\n%\\" or s[i].isalnum():  # no code follows (\lstinline used bare)
            empty = w.make_node(latexwalker.LatexCharsNode, parsing_state=parsing_state, chars="", pos=i, len=0)
            return ParsedVerbatimArgs(verbatim_chars_node=empty), pos, i - pos
        if s[i] == "{":
            depth, j = 0, i
            while j < len(s):
                depth += (s[j] == "{") - (s[j] == "}")
                if depth == 0:
                    break
                j += 1
        else:
            j = s.find(s[i], i + 1)
            nl = s.find("\n", i + 1)
            if j < 0 or (0 <= nl < j):
                j = i  # an unclosed delimiter: only the delimiter
        node = w.make_node(latexwalker.LatexCharsNode, parsing_state=parsing_state, chars=s[i + 1 : j],
                           pos=i + 1, len=max(0, j - i - 1))
        return ParsedVerbatimArgs(verbatim_chars_node=node), pos, min(len(s), j + 1) - pos
