"""A fragment of LaTeX prose (one segment's text) -> safe HTML for the bilingual page.

Not a TeX engine: it turns the inline constructs papers use in running text
into readable HTML and leaves math for KaTeX in the browser.

* math (``$..$``, ``$$..$$``, ``\\(..\\)``, ``\\[..\\]``, equation/align/...
  environments) -> ``<span class="tex">`` / ``<span class="tex display">``
  holding the TeX as escaped text (``\\label`` removed);
* ``\\textbf``/``\\emph``/``\\texttt``... and ``{\\bf ..}`` -> b/em/code;
* ``\\cite``/``\\ref``/``\\eqref``... as the paper prints them when a
  :class:`RefLookup` is given (:mod:`.latex_refs`: numbers or author-year,
  linked), else ``[a, b]``, ``[x]``, ``(x)``; references inside math too;
* ``\\url``/``\\href`` -> links (http/https only, else text);
* ``\\footnote{..}`` -> a numbered marker (the note is its own segment);
* the paper's own argument-less macros are expanded; other commands are
  reduced to their last argument, a symbol (pylatexenc) or nothing.

Everything that is not markup built here is escaped, so the output is safe
before any sanitiser sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING

from arxiv_translator.writers.cite_notes import korean_note
from arxiv_translator.writers.bilingual.html_atoms import RefLookup, link_html, math_html
from arxiv_translator.writers.latex_macros import user_macros
from arxiv_translator.writers.bilingual.latex_vocab import (CHAR_ESCAPES, CITES, DECLARATIONS, DROPS, ENV_ARGS, MATH_ENVS, NOTES, REFS, SKIP_BEFORE,
                          SYMBOLS, TEXT_PUNCT, WRAPS)
from arxiv_translator.texscan import match_brace

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

__all__ = ["latex_to_html", "user_macros"]  # user_macros: see latex_macros

_MATH_REF = re.compile(r"\\(ref|eqref|cref|Cref|autoref|Autoref)\*?\s*\{([^{}]*)\}")
MAX_DEPTH = 12
MAX_EXPANSIONS = 2000  # macro expansions per fragment (a macro may expand to itself twice...)
COMMAND_RE = re.compile(r"\\([A-Za-z@]+\*?|.|$)", re.S)
TOKEN_RE = re.compile(r"\\([A-Za-z]+|.)", re.S)
#: Where a run of plain text ends: a command, math, a comment, a group, or punctuation that may be a ligature.
_PLAIN_STOP = re.compile(r"[\\$%{}~\-`']")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _l2t() -> LatexNodes2Text:
    from pylatexenc.latex2text import LatexNodes2Text  # its macro tables cost ~40 ms to import

    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def latex_to_html(text: str, macros: Mapping[str, str] | None = None, notes: Iterator[str] | None = None,
                  refs: RefLookup | None = None, lang: str = "en") -> str:
    """Convert a LaTeX fragment to HTML (see the module docstring).

    ``macros`` maps a macro name (no backslash) to its replacement text, for
    the paper's own argument-less macros; ``notes`` yields footnote labels in
    order (``*`` when it runs out or is not given); ``refs`` resolves
    ``\\cite``/``\\ref`` as the paper prints them (else keys are shown), with
    names in ``lang``.
    """
    tex = _Tex(text, macros or {}, notes if notes is not None else iter(()), 0, [MAX_EXPANSIONS])
    tex.refs, tex.lang = refs, lang
    return tex.run()


class _Tex:
    def __init__(self, text: str, macros: Mapping[str, str], notes: Iterator[str], depth: int,
                 budget: list[int]) -> None:
        self.s, self.i, self.macros, self.notes, self.depth, self.budget = text, 0, macros, notes, depth, budget
        self.out: list[str] = []
        self.closers: list[str] = []
        self.refs: RefLookup | None = None
        self.lang = "en"

    def sub(self, text: str) -> str:
        if self.depth >= MAX_DEPTH:
            return escape(text, quote=False)
        inner = _Tex(text, self.macros, self.notes, self.depth + 1, self.budget)
        inner.refs, inner.lang = self.refs, self.lang
        return inner.run()

    def run(self) -> str:
        s = self.s
        while self.i < len(s):
            c = s[self.i]
            if c == "\\":
                self.command()
            elif c == "$":
                self.dollar()
            elif c == "%":
                end = s.find("\n", self.i)
                self.i = len(s) if end < 0 else end + 1
            elif c == "{":
                self.out.append(self.sub(self.group()))
            elif c == "}":
                self.i += 1
            else:
                self.plain()
        self.out.extend(reversed(self.closers))
        return "".join(self.out)

    def plain(self) -> None:
        s = self.s
        for punct, rep in TEXT_PUNCT.items():
            if s.startswith(punct, self.i):
                self.out.append(rep)
                self.i += len(punct)
                return
        stop = _PLAIN_STOP.search(s, self.i + 1)
        j = len(s) if stop is None else stop.start()
        self.out.append(escape(_SPACES.sub(" ", s[self.i : j]), quote=False))
        self.i = j

    # -- arguments -------------------------------------------------------------------------------
    def skip_space(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in " \t" or self.s.startswith("\n", self.i) and \
                not self.s.startswith("\n\n", self.i):
            self.i += 1

    def group(self) -> str:
        """The raw text of the balanced group at ``self.i`` (which is ``{``)."""
        s = self.s
        j = match_brace(s, self.i, len(s))
        if j is None:
            j = len(s)
        raw = s[self.i + 1 : j]
        self.i = j + 1
        return raw

    def arg(self) -> str | None:
        """The next mandatory argument (a group or one token), raw; None at the end."""
        save = self.i
        self.skip_space()
        if self.i >= len(self.s):
            self.i = save
            return None
        if self.s[self.i] == "{":
            return self.group()
        if self.s[self.i] == "\\":
            m = TOKEN_RE.match(self.s, self.i)
            self.i = m.end() if m else self.i + 1
            return m.group(0) if m else "\\"
        if self.s[self.i] in "}$%":
            self.i = save
            return None
        self.i += 1
        return self.s[self.i - 1]

    def opt(self) -> str | None:
        save = self.i
        self.skip_space()
        if self.s.startswith("[", self.i):
            end = self.s.find("]", self.i)
            if end > 0:
                raw = self.s[self.i + 1 : end]
                self.i = end + 1
                return raw
        self.i = save
        return None

    def opts(self) -> list[str]:
        found = []
        while (o := self.opt()) is not None:
            found.append(o)
        return found

    # -- math ------------------------------------------------------------------------------------
    def math_refs(self, tex: str) -> str:
        """``\\eqref{x}`` and friends inside math, as the numbers they print (KaTeX has no labels)."""
        if self.refs is None or "ref" not in tex:
            return tex
        refs = self.refs

        def number(m: re.Match[str]) -> str:
            text = refs.ref_text(m.group(1), [k.strip() for k in m.group(2).split(",") if k.strip()], self.lang)
            return "\\text{" + re.sub(r"[\\{}$&#^_%~]", "", text) + "}"

        return _MATH_REF.sub(number, tex)

    def dollar(self) -> None:
        s = self.s
        display = s.startswith("$$", self.i)
        delim = "$$" if display else "$"
        start = self.i + len(delim)
        j = start
        while True:
            j = s.find(delim, j)
            if j < 0 or s[j - 1] != "\\":
                break
            j += 1
        if j < 0:
            self.out.append("$")
            self.i += 1
            return
        self.out.append(math_html(self.math_refs(s[start:j]), display))
        self.i = j + len(delim)

    def delimited_math(self, close: str, display: bool) -> None:
        end = self.s.find(close, self.i + 2)
        if end < 0:
            self.out.append(escape(self.s[self.i : self.i + 2]))
            self.i += 2
            return
        self.out.append(math_html(self.math_refs(self.s[self.i + 2 : end]), display))
        self.i = end + 2

    def environment(self, name: str) -> None:
        close = f"\\end{{{name}}}"
        end = self.s.find(close, self.i)
        body_end = end if end >= 0 else len(self.s)
        after = body_end + len(close) if end >= 0 else len(self.s)
        if name in MATH_ENVS:
            body = self.s[self.i : body_end]
            target = MATH_ENVS[name]
            if target == "eqnarray":
                body = f"\\begin{{array}}{{rcl}}{body}\\end{{array}}"
            elif target:
                body = f"\\begin{{{target}}}{body}\\end{{{target}}}"
            self.out.append(math_html(self.math_refs(body), True))
            self.i = after
            return
        self.opts()
        for _ in range(ENV_ARGS.get(name, 0)):
            self.arg()
        inner = self.s[self.i : body_end]
        self.i = after
        if name in ("verbatim", "lstlisting", "minted", "comment"):
            if name != "comment":
                self.out.append(f"<code class=\"block\">{escape(inner, quote=False)}</code>")
            return
        self.out.append(self.sub(inner))

    # -- commands --------------------------------------------------------------------------------
    def command(self) -> None:
        s = self.s
        m = COMMAND_RE.match(s, self.i)
        assert m is not None
        name, self.i = m.group(1), m.end()
        if name == "(":
            self.i -= 2
            return self.delimited_math("\\)", False)
        if name == "[":
            self.i -= 2
            return self.delimited_math("\\]", True)
        if name in self.macros:
            return self.named(name)
        if name in "'`\"^~=.uvHtcbdrk" and len(name) == 1:
            arg = self.arg() or ""
            self.out.append(escape(_l2t().latex_to_text(f"\\{name}{{{arg}}}"), quote=False))
            return None
        if len(name) <= 1:
            if name == "\\":
                self.opt()  # \\[2mm]: the space after a line break is no text
            self.out.append(CHAR_ESCAPES.get(name, escape(name, quote=False)))
            return None
        if name[-1] == "*" and name[:-1] not in ("begin", "end"):
            name = name[:-1]
        self.named(name)
        return None

    def named(self, name: str) -> None:
        if name == "begin":
            env = self.arg() or ""
            return self.environment(env.strip())
        if name == "end":
            self.arg()
            return None
        if name in self.macros:
            if self.s.startswith("{}", self.i):
                self.i += 2
            self.budget[0] -= 1
            self.out.append(self.sub(self.macros[name]) if self.budget[0] > 0 else "")
            return None
        if name in WRAPS:
            inner = self.sub(self.arg() or "")
            tag = WRAPS.get(name)
            self.out.append(f"<{tag}>{inner}</{tag.split()[0]}>" if tag else inner)
            return None
        if name in DECLARATIONS:
            tag = DECLARATIONS[name]
            self.out.append(f"<{tag}>")
            self.closers.append(f"</{tag.split()[0]}>")
            return None
        if name == "ensuremath":
            self.out.append(math_html(self.arg() or "", False))
            return None
        if name in ("verb", "lstinline"):
            return self.verb()
        if CITES.match(name) and name not in ("citestyle",):
            return self.cite(name)
        if name in REFS and self.refs is not None:
            keys_list = [k.strip() for k in (self.arg() or "").split(",") if k.strip()]
            self.out.append(self.refs.ref_html(name, keys_list, self.lang))
            return None
        if name in REFS:
            keys = ", ".join(k.strip() for k in (self.arg() or "").split(","))
            self.out.append(f'<span class="ref">{escape(REFS[name].format(keys), quote=False)}</span>')
            return None
        return self.other(name)

    def other(self, name: str) -> None:
        if self.refs is not None and (macro := self.refs.ref_macro(name)) is not None:
            self.out.append(self.refs.macro_html(macro, self.arg() or "", self.lang))
            return None
        if self.refs is not None and (term := self.refs.term(name, self.s, self.i, self.lang)) is not None:
            self.arg()
            self.out.append(escape(term, quote=False))
            return None
        if name in NOTES:
            self.opts()
            if name != "footnotemark":
                self.arg()
            label = escape(next(self.notes, "*"))
            self.out.append(f'<sup class="fnref"><a href="#fn-{label}">{label}</a></sup>' if label != "*"
                            else "<sup class=\"fnref\">*</sup>")
            return None
        if name in ("url", "nolinkurl"):
            url = re.sub(r"\\([A-Za-z]+)", lambda m: self.macros.get(m.group(1), m.group(0)), self.arg() or "")
            self.out.append(link_html(url, f"<code>{escape(url, quote=False)}</code>") if name == "url"
                            else f"<code>{escape(url, quote=False)}</code>")
            return None
        if name in ("href", "doi"):
            url = self.arg() or ""
            if name == "doi":
                self.out.append(link_html("https://doi.org/" + url.strip(), escape(url, quote=False)))
            else:
                self.out.append(link_html(url, self.sub(self.arg() or "")))
            return None
        if name in ("paragraph", "subparagraph"):
            self.out.append(f'<b class="runin">{self.sub(self.arg() or "")}</b> ')
            return None
        if name in DROPS:
            self.opts()
            for _ in range(DROPS[name]):
                self.arg()
            return None
        if name in SYMBOLS:
            self.out.append(SYMBOLS[name])
            return None
        if name in SKIP_BEFORE:
            self.opts()
            for _ in range(SKIP_BEFORE[name]):
                self.arg()
            self.opts()
            self.out.append(self.sub(self.arg() or ""))
            return None
        return self.unknown(name)

    def unknown(self, name: str) -> None:
        self.opts()
        args = []
        while self.s.startswith("{", self.i):
            args.append(self.group())
        if args:
            if len(args) > 1 and re.fullmatch(r"[\d.,\s-]*", args[-1]):  # \cblock{52}{138}{189}: a swatch, no text
                return
            self.out.append(self.sub(args[-1]))
            return
        try:
            text = _l2t().latex_to_text(f"\\{name}")
        except (AttributeError, IndexError, TypeError):  # pylatexenc's spec wants the arguments (a bare \title)
            text = ""
        if text.strip() and "\\" not in text:
            self.out.append(escape(text, quote=False))
        if self.s.startswith(" ", self.i) and text.strip():
            self.out.append(" ")

    def verb(self) -> None:
        if self.i >= len(self.s):
            return
        delim = self.s[self.i]
        if delim == "{":
            code = self.group()
        else:
            end = self.s.find(delim, self.i + 1)
            end = len(self.s) if end < 0 else end
            code = self.s[self.i + 1 : end]
            self.i = end + 1
        self.out.append(f"<code>{escape(code, quote=False)}</code>")

    def cite(self, name: str) -> None:
        extra = [korean_note(n) for n in self.opts()] if self.lang == "ko" else self.opts()  # as the PDF prints
        keys = [k.strip() for k in (self.arg() or "").split(",") if k.strip()]
        if name in ("nocite",):
            return
        if self.refs is not None:
            pre = _l2t().latex_to_text(extra[0]).strip() if len(extra) == 2 else ""
            post = _l2t().latex_to_text(extra[-1]).strip() if extra else ""
            self.out.append(f"<cite>{self.refs.cite_html(name, keys, pre, post)}</cite>")
            return
        parts = []
        if len(extra) == 2 and extra[0].strip():
            parts.append(_l2t().latex_to_text(extra[0]).strip() + " ")
        parts.append(", ".join(keys))
        post = extra[-1] if extra else ""
        if post.strip():
            parts.append(", " + _l2t().latex_to_text(post).strip())
        text = "".join(parts)
        if name in ("citeauthor", "citeyear", "citetitle"):
            self.out.append(f"<cite>{escape(text, quote=False)}</cite>")
        else:
            self.out.append(f"<cite>[{escape(text, quote=False)}]</cite>")
