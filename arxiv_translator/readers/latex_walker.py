"""A faster pylatexenc tokenizer.

pylatexenc reads prose one character per token, which dominates parsing time.
:class:`ProseWalker` returns a whole run of plain characters (letters, digits,
common punctuation), words and the spaces and single line ends between them, as
one ``char`` token -- which the walker concatenates into chars nodes exactly as
before -- except where the run could be a macro's argument (right after a macro
name, a closing brace or bracket), where the stock tokenizer is used.

The other common tokens -- braces, ``$``, ASCII-named macros, and single
characters that start no "specials" -- are made here directly, the same
:class:`LatexToken` the stock :meth:`LatexWalker.get_token` makes (white space
and paragraph breaks before them included); everything else (comments,
environments, ``$$``, ``\\(``, specials, non-ASCII macro names, the end of the
text, extra brace characters) goes to the stock tokenizer.  The node tree is
the same (tests/readers/test_latex_walker.py compares both on the corpus).

:class:`MathAtomWalker`, the reader's, also leaves the inside of math unparsed
(the reader keeps math whole): the same nodes around it, the same Document
(tests/readers/test_latex_math_atoms.py), about half the parsing of a
mathematical paper.
"""

from __future__ import annotations

import re

from pylatexenc.latexwalker import LatexCharsNode, LatexToken, LatexWalker

from arxiv_translator.readers.latex_specs import MATH_ENVS

#: a run of plain words: white space before it (one line end at most), then words separated by such white space
_RUN = re.compile(r"([ \t]*\n?[ \t]*)([A-Za-z0-9.,;:!?/=+*@|'\"-]+(?:[ \t]*\n?[ \t]*[A-Za-z0-9.,;:!?/=+*@|'\"-]+)*)")
_RUN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,;:!?/=+*@|'\"-"
_new_token = object.__new__
_FIELDS = ("tok", "arg", "pos", "len", "pre_space")
_MACRO_FIELDS = (*_FIELDS, "post_space")
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@")
_SPACE = re.compile(r"\s*")  # the same characters as str.isspace()
_ASCII_NAME = re.compile(r"[A-Za-z]+")
#: what the stock tokenizer reads after ``\begin`` and ``\end``: the environment's name in braces
_ENV_NAME = re.compile(r"\s*\{([\w* ._-]+)\}")
#: characters the stock tokenizer treats specially before it looks for specials
_NOT_PLAIN = frozenset("\\%{}$")


#: id(context db) -> (the db, its specials' first characters, the run pattern without them)
_CONTEXT_FACTS: dict[int, tuple[object, frozenset[str], re.Pattern[str]]] = {}


def _run_without(starts: frozenset[str]) -> re.Pattern[str]:
    """:data:`_RUN` whose runs hold none of the characters ``starts``."""
    plain = [c for c in _RUN_CHARS if c not in starts]
    if len(plain) == len(_RUN_CHARS):
        return _RUN
    chars = "[" + "".join(re.escape(c) for c in plain) + "]+"
    return re.compile(r"([ \t]*\n?[ \t]*)(" + chars + r"(?:[ \t]*\n?[ \t]*" + chars + ")*)")


def _token(tok: str, arg: str, pos: int, length: int, pre_space: str, post_space: str = "") -> LatexToken:
    """``LatexToken(tok, arg, pos, length, pre_space, post_space)`` made without its ``__init__`` (the same
    attributes; a token is made per word or macro, and its keyword-argument constructor showed in profiles)."""
    token = _new_token(LatexToken)
    token.__dict__ = {"tok": tok, "arg": arg, "pos": pos, "len": length, "pre_space": pre_space,
                      "post_space": post_space, "_fields": _MACRO_FIELDS if tok == "macro" else _FIELDS}
    return token


class ProseWalker(LatexWalker):
    """LatexWalker with fast paths for the common tokens (see the module docstring)."""

    def get_token(self, pos, include_brace_chars=None, environments=True, keep_inline_math=None,
                  parsing_state=None, **kwargs):
        """Like :meth:`LatexWalker.get_token`, faster for plain character runs and common tokens."""
        if not include_brace_chars and not kwargs:
            # a macro's argument without braces is one token: pylatexenc reads it with environments=False
            if pos > 0 and environments:
                # a character that starts a specials (a paper's short \verb character: |) ends the run
                m = (_RUN if parsing_state is None else self._run_pattern(parsing_state)).match(self.s, pos)
                if m is not None and self._after_plain_text(pos):
                    space, run = m.group(1), m.group(2)
                    return _token("char", run, pos + len(space), len(run), space)
            if parsing_state is not None:
                tok = self._common_token(pos, parsing_state, environments)
                if tok is not None:
                    return tok
        return super().get_token(pos, include_brace_chars=include_brace_chars, environments=environments,
                                 keep_inline_math=keep_inline_math, parsing_state=parsing_state, **kwargs)

    def _common_token(self, pos: int, parsing_state, environments: bool = True) -> LatexToken | None:
        """The stock tokenizer's token at ``pos`` for the common cases; None for the others."""
        s = self.s
        space = _SPACE.match(s, pos).group()
        if space:
            brk = space.find("\n\n")
            if brk >= 0:  # a paragraph break
                return _token("char", "\n\n", pos + brk, 2, space[:brk])
            pos += len(space)
        if pos >= len(s):
            return None  # the end of the stream: the stock tokenizer raises it
        c = s[pos]
        if c == "{":
            return _token("brace_open", "{", pos, 1, space)
        if c == "}":
            return _token("brace_close", "}", pos, 1, space)
        if c == "$":
            if s.startswith("$$", pos):
                return None
            return _token("mathmode_inline", "$", pos, 1, space)
        if c == "\\":
            return self._macro_token(pos, space, environments)
        if c in _NOT_PLAIN or c in self._specials_starts(parsing_state):
            return None
        return _token("char", c, pos, 1, space)

    def _macro_token(self, pos: int, space: str, environments: bool = True) -> LatexToken | None:
        s = self.s
        if pos + 1 >= len(s):
            return None
        name = _ASCII_NAME.match(s, pos + 1)
        if name is None:
            nxt = s[pos + 1]
            if nxt.isalpha() or nxt in "[]()":  # a non-ASCII name, or \( \) \[ \]
                return None
            return _token("macro", nxt, pos, 2, space, "")
        end = name.end()
        macro = name.group()
        if end < len(s) and s[end].isalpha():
            return None
        if macro in ("begin", "end"):
            # \begin{name}: the stock tokenizer's token, its name matched in place (the stock one copies the rest)
            env = _ENV_NAME.match(s, end) if environments else None
            if env is None:
                return None  # a plain macro, or the stock tokenizer's error
            return _token("begin_environment" if macro == "begin" else "end_environment", env.group(1), pos,
                          env.end() - pos, space)
        post = _SPACE.match(s, end).group()
        brk = post.find("\n\n")
        if brk >= 0:  # a paragraph break is not the macro's space
            post = post[:brk]
        return _token("macro", macro, pos, 1 + len(macro) + len(post), space, post)

    def _specials_starts(self, parsing_state) -> frozenset[str]:
        """The first characters of the specials that ``parsing_state``'s context knows (cached per context)."""
        return self._context_facts(parsing_state)[1]

    def _run_pattern(self, parsing_state) -> re.Pattern[str]:
        """:data:`_RUN` without the characters that start the context's specials (cached per context)."""
        return self._context_facts(parsing_state)[2]

    def _context_facts(self, parsing_state) -> tuple[object, frozenset[str], re.Pattern[str]]:
        db = parsing_state.latex_context
        mine = self.__dict__.get("_facts")  # the last context this walker saw: nearly always the same
        if mine is not None and mine[0] is db:
            return mine
        hit = _CONTEXT_FACTS.get(id(db))
        if hit is None or hit[0] is not db:  # the context is kept with its entry, so its id is not reused
            starts = frozenset(k[:1] for cat in db.category_list for k in db.d[cat]["specials"])
            hit = _CONTEXT_FACTS[id(db)] = (db, starts, _run_without(starts))
            while len(_CONTEXT_FACTS) > 64:  # contexts of papers read long ago
                del _CONTEXT_FACTS[next(iter(_CONTEXT_FACTS))]
        self._facts = hit
        return hit

    def _after_plain_text(self, pos: int) -> bool:
        s = self.s
        prev = s[pos - 1]
        if prev in "}]" or (pos >= 2 and s[pos - 2] == "\\" and not prev.isalpha()):
            return False  # after a group, or after a one-character macro such as \" (an accent)
        if prev.isspace() or prev.isalpha() or prev == "@":
            start = pos - 1
            while start >= 0 and s[start] in " \t\n":
                start -= 1
            if start < 0:
                return True
            # the ASCII word (letters, @) that ends at ``start``, at most 40 characters back: ``s[before + 1 : start + 1]``
            before, stop = start, max(0, start - 40)
            while before >= stop and s[before] in _NAME_CHARS:
                before -= 1
            if before < start and before >= 0 and s[before] == "\\":
                return False  # right after a macro name: the run may be its argument
            if s[start] in "}]":
                return False
        return True


#: Where a math body might end, or need a closer look: a command, a brace, a comment, a dollar, a line end.
_MATH_STOP = re.compile(r"[\\{}%$\n]")
_CONTROL_WORD = re.compile(r"[A-Za-z]+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
#: Commands whose argument is read verbatim: a ``$`` or ``}`` in it is no delimiter (left to the stock parser).
_VERBATIM_COMMANDS = re.compile(r"\\(?:verb|lstinline|Verb|mintinline|url|path)(?![A-Za-z])")


def math_body_end(s: str, pos: int, closer: str) -> int | None:
    """Where the math body that starts at ``pos`` ends: the offset of its ``closer`` (``$``, ``$$``, ``\\)``,
    ``\\]`` or ``\\end{NAME}``) outside braces, comments and escapes; None when that is not plain to see (an
    unbalanced brace, a blank line, a dollar that does not pair up, a verbatim command...): the stock parser
    then reads it."""
    depth, dollars, i, n = 0, 0, pos, len(s)
    env = closer.startswith("\\end{")
    while True:
        m = _MATH_STOP.search(s, i)
        if m is None:
            return None
        i = m.start()
        c = s[i]
        if c == "\\":
            if depth == 0 and s.startswith(closer, i) and (env or closer in ("\\)", "\\]")):
                return i if dollars % 2 == 0 else None
            word = _CONTROL_WORD.match(s, i + 1)
            i = word.end() if word is not None else i + 2
        elif c == "%":
            nl = s.find("\n", i)
            if nl < 0:
                return None
            i = nl + 1
        elif c == "{":
            depth += 1
            i += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return None
            i += 1
        elif c == "$":
            if depth == 0 and closer in ("$", "$$"):
                if closer == "$" and not s.startswith("$$", i):
                    return i
                if closer == "$$" and s.startswith("$$", i):
                    return i
                return None  # "$$" inside "$...$", or "$" inside "$$...$$": as the stock parser has it
            dollars += 1  # inline math inside \text{...}: must pair up
            i += 1
        else:  # a line end: a blank line ends a paragraph, whatever the math says
            if _BLANK_LINE.match(s, i):
                return None
            i += 1
        if i >= n:
            return None


class MathAtomWalker(ProseWalker):
    """:class:`ProseWalker` that does not parse the inside of math: ``$...$``, ``\\(...\\)``, ``$$...$$``,
    ``\\[...\\]`` and the environments :attr:`atom_envs` (display math) come out as their node
    (:class:`LatexMathNode`, :class:`LatexEnvironmentNode`) with the same position and length, whose
    content is one chars node.

    The LaTeX reader keeps math as it is, an atom it never looks into, and parsing math (a group per
    ``_{...}``, an argument per ``\\frac``) was most of the parsing of a mathematical paper.  Where the end of
    the math is not plain to see (:func:`math_body_end`) it is parsed as before.
    """

    #: the display-math environments the reader keeps whole (:data:`.latex_specs.MATH_ENVS`)
    atom_envs: frozenset[str] = frozenset(MATH_ENVS)

    def get_latex_nodes(self, pos=0, stop_upon_closing_brace=None, stop_upon_end_environment=None,
                        stop_upon_closing_mathmode=None, read_max_nodes=None, parsing_state=None):
        """Math bodies as one chars node (see the class docstring); everything else as pylatexenc reads it."""
        if (parsing_state is not None and parsing_state.in_math_mode and read_max_nodes is None
                and stop_upon_closing_brace is None):
            if stop_upon_closing_mathmode in ("$", "$$", "\\)", "\\]"):
                closer = stop_upon_closing_mathmode
            elif stop_upon_end_environment is not None and stop_upon_end_environment in self.atom_envs:
                closer = "\\end{" + stop_upon_end_environment + "}"
            else:
                closer = ""
            found = self._math_atom(pos, closer, parsing_state) if closer else None
            if found is not None:
                return found
        return super().get_latex_nodes(pos, stop_upon_closing_brace=stop_upon_closing_brace,
                                       stop_upon_end_environment=stop_upon_end_environment,
                                       stop_upon_closing_mathmode=stop_upon_closing_mathmode,
                                       read_max_nodes=read_max_nodes, parsing_state=parsing_state)

    def _math_atom(self, pos: int, closer: str, parsing_state) -> tuple[list, int, int] | None:
        end = math_body_end(self.s, pos, closer)
        if end is None:
            return None
        body = self.s[pos:end]
        odd = self._specials_starts(parsing_state) - {"&", "~"}  # a paper's short \verb characters
        if _VERBATIM_COMMANDS.search(body) or any(c in body for c in odd):
            return None
        if closer.startswith("\\end{"):  # \end{name}: checked as the stock tokenizer reads it
            tok = LatexWalker.get_token(self, end, parsing_state=parsing_state)
            if tok.pos != end or tok.tok != "end_environment" or tok.arg != closer[5:-1]:
                return None
        # else $, $$, \) or \]: right at ``end`` (math_body_end saw it there), the stock token is the closer itself
        nodes = [self.make_node(LatexCharsNode, parsing_state=parsing_state, chars=body, pos=pos, len=end - pos)]
        return (nodes if body else []), pos, end + len(closer) - pos
