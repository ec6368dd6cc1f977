"""A faster pylatexenc tokenizer.

pylatexenc reads prose one character per token, which dominates parsing time.
:class:`ProseWalker` returns a whole run of plain characters (letters, digits,
common punctuation) as one ``char`` token -- which the walker concatenates
into chars nodes exactly as before -- except where the run could be a macro's
argument (right after a macro name, a closing brace or bracket), where the
stock tokenizer is used.

The other common tokens -- braces, ``$``, ASCII-named macros, and single
characters that start no "specials" -- are made here directly, the same
:class:`LatexToken` the stock :meth:`LatexWalker.get_token` makes (white space
and paragraph breaks before them included); everything else (comments,
environments, ``$$``, ``\\(``, specials, non-ASCII macro names, the end of the
text, extra brace characters) goes to the stock tokenizer.  The node tree is
the same (tests/readers/test_latex_walker.py compares both on the corpus).
"""

from __future__ import annotations

import re

from pylatexenc.latexwalker import LatexToken, LatexWalker

_RUN = re.compile(r"([ \t]*\n?[ \t]*)([A-Za-z0-9.,;:!?/=+*@|'\"-]+)")
_LETTERS_BACK = re.compile(r"[A-Za-z@]*$")
_SPACE = re.compile(r"\s*")  # the same characters as str.isspace()
_ASCII_NAME = re.compile(r"[A-Za-z]+")
#: characters the stock tokenizer treats specially before it looks for specials
_NOT_PLAIN = frozenset("\\%{}$")


class ProseWalker(LatexWalker):
    """LatexWalker with fast paths for the common tokens (see the module docstring)."""

    def get_token(self, pos, include_brace_chars=None, environments=True, keep_inline_math=None,
                  parsing_state=None, **kwargs):
        """Like :meth:`LatexWalker.get_token`, faster for plain character runs and common tokens."""
        if not include_brace_chars and not kwargs:
            if pos > 0:
                m = _RUN.match(self.s, pos)
                if m is not None and self._after_plain_text(pos):
                    space, run = m.group(1), m.group(2)
                    if parsing_state is not None:  # a paper's short \verb character (|) ends the run
                        starts = self._specials_starts(parsing_state)
                        run = run[: next((k for k, ch in enumerate(run) if ch in starts), len(run))]
                    if run:
                        return LatexToken(tok="char", arg=run, pos=pos + len(space), len=len(run), pre_space=space)
            if parsing_state is not None:  # \begin and \end (environments or not) go to the stock tokenizer
                tok = self._common_token(pos, parsing_state)
                if tok is not None:
                    return tok
        return super().get_token(pos, include_brace_chars=include_brace_chars, environments=environments,
                                 keep_inline_math=keep_inline_math, parsing_state=parsing_state, **kwargs)

    def _common_token(self, pos: int, parsing_state) -> LatexToken | None:
        """The stock tokenizer's token at ``pos`` for the common cases; None for the others."""
        s = self.s
        space = _SPACE.match(s, pos).group()
        if space:
            brk = space.find("\n\n")
            if brk >= 0:  # a paragraph break
                return LatexToken(tok="char", arg="\n\n", pos=pos + brk, len=2, pre_space=space[:brk])
            pos += len(space)
        if pos >= len(s):
            return None  # the end of the stream: the stock tokenizer raises it
        c = s[pos]
        if c == "{":
            return LatexToken(tok="brace_open", arg="{", pos=pos, len=1, pre_space=space)
        if c == "}":
            return LatexToken(tok="brace_close", arg="}", pos=pos, len=1, pre_space=space)
        if c == "$":
            if s.startswith("$$", pos):
                return None
            return LatexToken(tok="mathmode_inline", arg="$", pos=pos, len=1, pre_space=space)
        if c == "\\":
            return self._macro_token(pos, space)
        if c in _NOT_PLAIN or c in self._specials_starts(parsing_state):
            return None
        return LatexToken(tok="char", arg=c, pos=pos, len=1, pre_space=space)

    def _macro_token(self, pos: int, space: str) -> LatexToken | None:
        s = self.s
        if pos + 1 >= len(s):
            return None
        name = _ASCII_NAME.match(s, pos + 1)
        if name is None:
            nxt = s[pos + 1]
            if nxt.isalpha() or nxt in "[]()":  # a non-ASCII name, or \( \) \[ \]
                return None
            return LatexToken(tok="macro", arg=nxt, pos=pos, len=2, pre_space=space, post_space="")
        end = name.end()
        macro = name.group()
        if (end < len(s) and s[end].isalpha()) or macro in ("begin", "end"):
            return None
        post = _SPACE.match(s, end).group()
        brk = post.find("\n\n")
        if brk >= 0:  # a paragraph break is not the macro's space
            post = post[:brk]
        return LatexToken(tok="macro", arg=macro, pos=pos, len=1 + len(macro) + len(post), pre_space=space,
                          post_space=post)

    def _specials_starts(self, parsing_state) -> frozenset[str]:
        """The first characters of the specials that ``parsing_state``'s context knows (cached per context)."""
        db = parsing_state.latex_context
        cache = self.__dict__.setdefault("_specials_first", {})
        hit = cache.get(id(db))
        if hit is None or hit[0] is not db:  # the context is kept with its entry, so its id is not reused
            hit = cache[id(db)] = (db, frozenset(k[:1] for cat in db.category_list for k in db.d[cat]["specials"]))
        return hit[1]

    def _after_plain_text(self, pos: int) -> bool:
        prev = self.s[pos - 1]
        if prev in "}]" or (pos >= 2 and self.s[pos - 2] == "\\" and not prev.isalpha()):
            return False  # after a group, or after a one-character macro such as \" (an accent)
        if prev.isspace() or prev.isalpha() or prev == "@":
            start = pos - 1
            while start >= 0 and self.s[start] in " \t\n":
                start -= 1
            if start < 0:
                return True
            word = _LETTERS_BACK.search(self.s, max(0, start - 40), start + 1)
            before = word.start() - 1 if word else start
            if before >= 0 and self.s[before] == "\\" and word and word.group():
                return False  # right after a macro name: the run may be its argument
            if self.s[start] in "}]":
                return False
        return True
