"""Cut a LaTeX file into independently parsed chunks, so that damage stays local.

TeX reads a file token by token; a parser that reads the whole file as one
tree lets a single wrong guess (a macro arity, an unbalanced brace, an
environment opened inside a definition) swallow everything after it.  This
scanner does not parse: it only tracks brace depth and open environments
(ignoring comments, ``\\verb`` and verbatim environments) and cuts the text at
blank lines where both are closed.  Each chunk is then parsed on its own, so a
construct the parser misreads costs at most its own chunk.

* ``\\iffalse ... \\fi`` needs nothing special: its text is cut and read like
  any other (translating text TeX skips is harmless), and what is broken inside
  it costs only its paragraph.
* A brace or environment that never closes makes the paragraph where it opens
  a ``kept`` chunk (left as source and reported), and scanning resumes after
  that paragraph with everything closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arxiv_translator.readers.latex_specs import VERBATIM_ENVS

_SPECIAL = re.compile(r"[\\{}%\n\]]")
_BLANK_RUN = re.compile(r"\n[ \t]*\n[ \t\n]*")
_ENV_NAME = re.compile(r"\s*\{([A-Za-z@*]+)\}")
_WORD = re.compile(r"[A-Za-z@]+")
_URLS = {"url", "href", "nolinkurl", "path"}
_BRACKETED = {"twocolumn"}
_VERB = re.compile(r"(verb|lstinline|mintinline|Verb)\*?")
_VERB_OPTIONS = re.compile(r"(\[[^\]\n]*\])?(\{\w*\})?")


@dataclass
class Chunk:
    """A piece of a file: ``text`` is parsed, ``kept`` is left as source (``reason`` says why)."""

    start: int
    end: int
    kind: str = "text"
    reason: str = ""


def line_of(text: str, pos: int) -> int:
    """1-based line number of offset ``pos``."""
    return text.count("\n", 0, pos) + 1


def chunks(text: str, start: int = 0, end: int | None = None, verbatim: frozenset[str] = frozenset(),
           short_verbs: frozenset[str] = frozenset()) -> list[Chunk]:
    """Cut ``text[start:end]`` into chunks (see the module docstring).  ``verbatim``: environments the paper
    declares verbatim (``\\lstnewenvironment{code}``); ``short_verbs``: its short ``\\verb`` characters (``|``)."""
    end = len(text) if end is None else end
    out: list[Chunk] = []
    pos = start
    while pos < end:
        scan = _Scan(text, pos, end, VERBATIM_ENVS | verbatim, short_verbs)
        out.extend(scan.run())
        pos = scan.resume
    return [c for c in out if c.end > c.start]


class _Scan:
    """One pass from ``pos``; stops at the end or at the first construct that never closes."""

    def __init__(self, text: str, pos: int, end: int, verbatim: set[str] | frozenset[str] = frozenset(VERBATIM_ENVS),
                 short_verbs: frozenset[str] = frozenset()) -> None:
        self.text, self.pos, self.end = text, pos, end
        self.verbatim, self.short_verbs = verbatim, short_verbs
        self.special = re.compile(_SPECIAL.pattern[:-1] + "".join(re.escape(c) for c in sorted(short_verbs)) + "]")
        self.resume = end
        self.opens: list[int] = []  # offsets of open braces
        self.envs: list[tuple[str, int, int]] = []  # (name, brace depth, offset)
        self.brackets: list[int] = []  # brace depth of an open \twocolumn[ (ICML puts the title block there)

    def run(self) -> list[Chunk]:
        text, end = self.text, self.end
        out: list[Chunk] = []
        chunk_start = i = self.pos
        while i < end:
            m = self.special.search(text, i, end)
            if m is None:
                break
            i, c = m.start(), m.group(0)
            if c in self.short_verbs:  # |\begin{document}| after \DefineShortVerb{\|}: code, to the next | on the line
                close, nl = text.find(c, i + 1, end), text.find("\n", i + 1, end)
                i = close + 1 if close >= 0 and (nl < 0 or close < nl) else i + 1
                continue
            if c == "%":
                nl = text.find("\n", i, end)
                i = end if nl < 0 else nl
                continue
            if c == "\n":
                blank = _BLANK_RUN.match(text, i, end)
                if blank and not self.opens and not self.envs and not self.brackets:
                    out.append(Chunk(chunk_start, blank.end()))
                    chunk_start = i = blank.end()
                else:
                    i += 1
                continue
            if c == "]":
                if self.brackets and self.brackets[-1] == len(self.opens):
                    self.brackets.pop()
                i += 1
                continue
            if c == "{":
                self.opens.append(i)
                i += 1
                continue
            if c == "}":
                if self.opens:
                    self.opens.pop()
                    self.envs = [e for e in self.envs if e[1] <= len(self.opens)]
                i += 1
                continue
            # a backslash
            word = _WORD.match(text, i + 1, end)
            if word is None:
                i += 2
                continue
            name, after = word.group(0), word.end()
            if name in ("begin", "end"):
                env = _ENV_NAME.match(text, after, end)
                if env is not None:
                    i = self._environment(name, env.group(1), i, env.end())
                    if i < 0:  # a verbatim environment that never ends
                        out.append(Chunk(chunk_start, end, "kept", "verbatim environment without \\end"))
                        return out
                    continue
            if name in _BRACKETED and text.startswith("[", after):
                self.brackets.append(len(self.opens))
                i = after + 1
                continue
            if name in _URLS and text.startswith("{", after):  # a URL: % and # are not special
                close = text.find("}", after, end)
                i = after if close < 0 else close + 1
                continue
            if _VERB.fullmatch(name):  # \lstinline[style=x]|..|, \mintinline{lang}!..!: skip the options first
                opts = _VERB_OPTIONS.match(text, after, end)
                if opts is not None and (opts.group(1) or name == "mintinline"):
                    after = opts.end() if name == "mintinline" else opts.end(1)
            if _VERB.fullmatch(name) and after < end and text[after] not in " \t\n{[":
                close = text.find(text[after], after + 1, end)
                nl = text.find("\n", after + 1, end)
                i = close + 1 if close >= 0 and (nl < 0 or close < nl) else after + 1
                continue
            i = after
        if self.opens or self.envs:
            return out + self._unclosed(chunk_start)
        out.append(Chunk(chunk_start, end))
        return out

    def _environment(self, which: str, name: str, at: int, after: int) -> int:
        if which == "begin":
            if name in self.verbatim:
                close = self.text.find("\\end{" + name + "}", after, self.end)
                return -1 if close < 0 else close + len(name) + 6
            self.envs.append((name, len(self.opens), at))
            return after
        for k in range(len(self.envs) - 1, -1, -1):
            if self.envs[k][0] == name and self.envs[k][1] == len(self.opens):
                del self.envs[k:]
                break
        return after

    def _unclosed(self, chunk_start: int) -> list[Chunk]:
        """The paragraph holding the first construct that never closes is kept; resume after it."""
        first = min(self.opens[:1] + [e[2] for e in self.envs])
        what = "{" if self.opens and self.opens[0] == first else f"\\begin{{{self.envs[0][0]}}}"
        out = []
        para = _BLANK_RUN.search(self.text, first, self.end)
        before = self.text.rfind("\n\n", chunk_start, first)
        cut = chunk_start if before < 0 else before + 2
        if cut > chunk_start:
            out.append(Chunk(chunk_start, cut))
        stop = para.end() if para else self.end
        out.append(Chunk(cut, stop, "kept", f"{what} at line {line_of(self.text, first)} is never closed"))
        self.resume = stop
        return out
