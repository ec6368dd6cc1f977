"""Inline Markdown / Mathpix Markdown: the protected spans of one stretch of text.

:func:`scan` walks ``text[start:end]`` once, left to right, and returns the
spans a translation must give back byte-identical, as absolute offsets:

* atoms: math (``\\(..\\)``, ``\\[..\\]``, ``$$..$$``, ``$..$``), inline code,
  images, URLs, autolinks and HTML tags, numeric citations (``[82, 26]``),
  footnote references, OCR markers (``[MISSING_PAGE_FAIL:1]``), backslash
  escapes and LaTeX commands outside math;
* open/close pairs whose content is translated with the sentence:
  ``**bold**``, ``*italic*``, ``_italic_``, ``[link text](url)``,
  ``\\textbf{..}`` and friends.

In a table (``mode`` "latex" for a ``tabular``, "pipe" for a ``| a | b |``
row) it also returns *cuts*: the separators between cells (``&``, ``\\\\``,
``\\hline``, ``\\multicolumn{2}{c}{`` and its ``}``, ``|``, newlines), which
belong to no cell.

Math must close inside the stretch it starts in (a paragraph); an opener
without its closer, or a closer without its opener, is reported as a
*problem* ``(offset, message)`` and the scan stops there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from arxiv_translator.brackets import BracketIndex

_SPECIAL = re.compile(r"[\\`$*_\[!<&\n|@]|https?://|www\.")
_ESCAPED = re.compile(r"\\(.)", re.S)
_NAME = re.compile(r"[A-Za-z]+")
_CITE = re.compile(r"\[\s*\d{1,4}[a-z]?(?:\s*[-\u2013\u2014,;]\s*\d{1,4}[a-z]?)*\s*\](?!\()")
_MARKER = re.compile(r"\[(?:MISSING_PAGE[^\[\]\n]*|\^[^\[\]\s]+)\]")
_HTML_NAMES = ("a|abbr|b|big|blockquote|br|center|cite|code|dd|del|details|div|dl|dt|em|font|h[1-6]|hr|i|img|ins|"
               "kbd|li|mark|ol|p|pre|q|s|small|span|strike|strong|sub|summary|sup|table|tbody|td|tfoot|th|thead|"
               "tr|tt|u|ul|var")
_TAG = re.compile(rf"<(?:https?://[^<>\s]+|/?(?:{_HTML_NAMES})(?:\s[^<>]*)?/?)>", re.S)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+")
_URL_TRAIL = ".,;:!?'\"*_"
_EMAIL_BEFORE = re.compile(r"[\w.+-]+@$")
_EMAIL_LOCAL = re.compile(r"[\w.+{},-]+$")
_EMAIL_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")

#: LaTeX commands that separate the cells of a tabular (with their arguments).
TABLE_RULES = {"hline", "cline", "toprule", "midrule", "bottomrule", "cmidrule", "specialrule", "addlinespace",
               "hdashline", "cdashline", "rowcolor", "arrayrulecolor", "centering", "raggedright", "raggedleft",
               "small", "footnotesize", "scriptsize", "tiny", "begin", "end", "resizebox", "label", "caption"}
#: Commands whose last argument is a cell: ``\multicolumn{2}{c}{Cell}``.
TABLE_GROUPS = {"multicolumn": 3, "multirow": 3, "makecell": 1, "shortstack": 1}
#: Commands whose argument is translated with the sentence.
WRAPPERS = {"textbf", "textit", "emph", "underline", "textsc", "textsl", "mbox", "text", "textrm", "textsf"}


@dataclass
class Span:
    """A protected span (absolute offsets); see :class:`arxiv_translator.document.Protected`."""

    kind: str
    start: int
    end: int
    role: str = "atom"
    pair: int | None = None


@dataclass
class Scan:
    """What :func:`scan` found."""

    spans: list[Span] = field(default_factory=list)
    cuts: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, "col" | "row" | "rule")
    problems: list[tuple[int, str]] = field(default_factory=list)
    math: int = 0  # math spans (and math problems) seen


def scan(text: str, start: int, end: int, mode: str = "") -> Scan:
    """Protected spans (and, in a table ``mode``, cell separators) of ``text[start:end]``."""
    return _Scanner(text, start, end, mode).run()


_CLOSERS = {"{": "}", "[": "]", "(": ")"}


class _Scanner:
    def __init__(self, text: str, start: int, end: int, mode: str) -> None:
        self.t, self.start, self.end, self.mode = text, start, end, mode
        self.out = Scan()
        self.pending: dict[int, tuple[int, int, str]] = {}  # close start -> (close end, open index, kind)
        self.delims: list[tuple[int, str, bool, bool]] = []  # (offset, run, can open, can close)
        self.pairs = 0
        self._indexes: dict[str, BracketIndex] = {}
        self._found: dict[str, tuple[int, int]] = {}  # needle -> (searched from, first offset or -1)

    def _find(self, needle: str, i: int) -> int:
        """``text.find(needle, i, end)``, remembering the answer: a later search is free (linear overall)."""
        known = self._found.get(needle)
        if known is not None and known[0] <= i and (known[1] < 0 or known[1] >= i):
            return known[1]
        found = self.t.find(needle, i, self.end)
        found = found if found < 0 or found + len(needle) <= self.end else -1
        self._found[needle] = (i, found)
        return found

    def _match(self, pos: int) -> int | None:
        """The closer of the bracket at ``pos`` (``{``, ``[`` or ``(``), from a per-stretch index (linear)."""
        opener = self.t[pos]
        index = self._indexes.get(opener)
        if index is None:
            index = BracketIndex(self.t, self.start, self.end, opener, _CLOSERS[opener], blank_line_stops=opener == "[")
            self._indexes[opener] = index
        return index.match(pos)

    # -- driver -------------------------------------------------------------
    def run(self) -> Scan:
        i = self.start
        while i < self.end and not self.out.problems:
            m = _SPECIAL.search(self.t, i, self.end)
            stop = m.start() if m else self.end
            due = [q for q in self.pending if i <= q <= stop]
            if due:
                i = self._close(min(due))
                continue
            if m is None:
                break
            i = self._token(m.start(), m.group())
        for q in list(self.pending):
            self._demote(self.pending.pop(q)[1])
        self._pair_delims()
        self._fix_nesting()
        self.out.spans.sort(key=lambda s: (s.start, s.end))
        return self.out

    def _token(self, i: int, tok: str) -> int:
        c = tok[0]
        if c == "\\":
            return self._backslash(i)
        if c == "`":
            return self._code(i)
        if c == "$":
            return self._dollar(i)
        if c in "*_":
            return self._delim(i, c)
        if c == "[":
            return self._bracket(i)
        if c == "!":
            return self._image(i)
        if c == "<":
            if self.t.startswith("<!--", i):
                close = self._find("-->", i + 4)
                return self._atom("html", i, close + 3) if close >= 0 else i + 1
            m = _TAG.match(self.t, i, self.end)
            if m and m.group().startswith(("<sup", "<sub")):  # a marker such as <sup>1</sup>: one atom
                close = self._find("</" + m.group()[1:4] + ">", m.end())
                if close >= 0:
                    return self._atom("html", i, close + 6)
            if m:
                return self._atom("url" if m.group().startswith("<http") else "html", i, m.end())
            return i + 1
        if c == "&":
            return self._cut(i, i + 1, "col") if self.mode == "latex" else i + 1
        if c == "|":
            return self._cut(i, i + 1, "col") if self.mode == "pipe" else i + 1
        if c == "@":
            return self._email(i)
        if c == "\n":
            return self._cut(i, i + 1, "row" if self.mode == "pipe" else "rule") if self.mode else i + 1
        return self._url(i)

    # -- atoms and cuts -------------------------------------------------------
    def _atom(self, kind: str, a: int, b: int) -> int:
        for q in [q for q in self.pending if a <= q < b]:
            self._demote(self.pending.pop(q)[1])
        self.out.spans.append(Span(kind, a, b))
        if kind == "math":
            self.out.math += 1
        return b

    def _cut(self, a: int, b: int, kind: str) -> int:
        self.out.cuts.append((a, b, kind))
        return b

    def _demote(self, index: int) -> None:
        if index < 0:  # the end of a \multicolumn cell: nothing to demote
            return
        span = self.out.spans[index]
        span.role, span.pair = "atom", None

    def _problem(self, i: int, message: str) -> int:
        self.out.problems.append((i, message))
        self.out.math += 1
        return self.end

    def _math_closer(self, i: int, closer: str) -> int | None:
        for m in _ESCAPED.finditer(self.t, i, self.end):
            if m.group(1) == closer:
                return m.end()
        return None

    # -- tokens ---------------------------------------------------------------
    def _backslash(self, i: int) -> int:
        t = self.t
        nxt = t[i + 1] if i + 1 < self.end else ""
        if nxt in "([":
            close = ")" if nxt == "(" else "]"
            end = self._math_closer(i + 2, close)
            if end is None:
                return self._problem(i, f"\\{nxt} without \\{close}")
            return self._atom("math", i, end)
        if nxt in ")]":
            return self._problem(i, f"\\{nxt} without \\{'(' if nxt == ')' else '['}")
        if nxt == "\\":
            return self._cut(i, i + 2, "row") if self.mode == "latex" else self._atom("command", i, i + 2)
        m = _NAME.match(t, i + 1, self.end)
        if m is None:
            return self._atom("escape", i, min(i + 2, self.end)) if nxt and not nxt.isspace() else i + 1
        name = m.group()
        if name[0] == "n" and len(name) > 1 and name[1].isupper():  # a literal "\n" before a word
            return self._atom("escape", i, i + 2)
        if self.mode == "latex" and (name in TABLE_RULES or name in TABLE_GROUPS):
            return self._table_command(i, m.end(), name)
        if name in WRAPPERS and m.end() < self.end and t[m.end()] == "{":
            close = self._match(m.end())
            if close is not None:
                return self._open("format", i, m.end() + 1, close, close + 1)
        return self._atom("command", i, self._args_end(m.end(), "{"))

    def _args_end(self, pos: int, kinds: str) -> int:
        """End of the ``{..}`` (and, when asked, ``[..]``/``(..)``) groups glued to a command."""
        while pos < self.end and self.t[pos] in kinds:
            close = self._match(pos)
            if close is None:
                break
            pos = close + 1
        return pos

    def _table_command(self, i: int, name_end: int, name: str) -> int:
        if name not in TABLE_GROUPS:
            return self._cut(i, self._args_end(name_end, "{[("), "rule")
        pos, count = name_end, TABLE_GROUPS[name]
        for _ in range(count - 1):
            pos = self._args_end(pos, "[")
            if pos < self.end and self.t[pos] == "{" and (close := self._match(pos)) is not None:
                pos = close + 1
        pos = self._args_end(pos, "[")
        if pos < self.end and self.t[pos] == "{" and (close := self._match(pos)) is not None:
            self._cut(i, pos + 1, "rule")
            self.pending[close] = (close + 1, -1, "cut")
            return pos + 1
        return self._cut(i, pos, "rule")

    def _open(self, kind: str, a: int, b: int, close_a: int, close_b: int) -> int:
        self.out.spans.append(Span(kind, a, b, "open", self.pairs))
        self.pending[close_a] = (close_b, len(self.out.spans) - 1, kind)
        self.pairs += 1
        return b

    def _close(self, q: int) -> int:
        end, index, kind = self.pending.pop(q)
        if kind == "cut":
            return self._cut(q, end, "rule")
        self.out.spans.append(Span(kind, q, end, "close", self.out.spans[index].pair))
        return end

    def _code(self, i: int) -> int:
        n = len(self.t[i:self.end]) - len(self.t[i:self.end].lstrip("`"))
        j = self._find("`" * n, i + n)
        while j >= 0 and (self.t[j - 1] == "`" or self.t.startswith("`", j + n)):  # a longer run: not the closer
            k = j + n
            while k < self.end and self.t[k] == "`":
                k += 1
            j = self.t.find("`" * n, k, self.end)
        return self._atom("code", i, j + n if j >= 0 else i + n)

    def _dollar(self, i: int) -> int:
        t = self.t
        if t.startswith("$$", i):
            j = t.find("$$", i + 2, self.end)
            return self._atom("math", i, j + 2) if j >= 0 else self._atom("escape", i, i + 2)
        if i + 1 >= self.end or t[i + 1].isspace():
            return i + 1
        line_end = t.find("\n", i, self.end)
        line_end = self.end if line_end < 0 else line_end
        j = t.find("$", i + 1, line_end)
        while j >= 0:
            after = t[j + 1] if j + 1 < self.end else ""
            if not t[j - 1].isspace() and t[j - 1] != "\\" and not after.isdigit():
                return self._atom("math", i, j + 1)
            j = t.find("$", j + 1, line_end)
        return i + 1  # a dollar sign, not math

    def _delim(self, i: int, c: str) -> int:
        t, j = self.t, i
        while j < self.end and t[j] == c:
            j += 1
        run = t[i:j]
        if len(run) > 3:
            return self._atom("format", i, j) if c == "*" else j
        prev = t[i - 1] if i > self.start else " "
        nxt = t[j] if j < self.end else " "
        if c == "_" and prev.isalnum() and nxt.isalnum():
            return j  # snake_case
        can_open = not nxt.isspace() and (c == "*" or not prev.isalnum())
        can_close = not prev.isspace() and (c == "*" or not nxt.isalnum())
        if can_open or can_close:
            self.delims.append((i, run, can_open, can_close))
        return j

    def _bracket(self, i: int) -> int:
        for pattern, kind in ((_MARKER, "marker"), (_CITE, "cite")):
            m = pattern.match(self.t, i, self.end)
            if m:
                return self._atom(kind, i, m.end())
        close = self._match(i)
        if close is None or close + 1 >= self.end or self.t[close + 1] != "(":
            return i + 1
        paren = self._match(close + 1)
        if paren is None:
            return i + 1
        label = self.t[i + 1 : close]
        if re.search(r"[A-Za-z]", label) and not label.lstrip().startswith(("http", "www.")):
            return self._open("link", i, i + 1, close, paren + 1)
        return self._atom("url", i, paren + 1)

    def _image(self, i: int) -> int:
        if not self.t.startswith("![", i):
            return i + 1
        close = self._match(i + 1)
        if close is None or close + 1 >= self.end or self.t[close + 1] != "(":
            return i + 1
        paren = self._match(close + 1)
        return self._atom("image", i, paren + 1) if paren is not None else i + 1

    def _url(self, i: int) -> int:
        if i > self.start and (self.t[i - 1].isalnum() or _EMAIL_BEFORE.search(self.t, max(self.start, i - 64), i)):
            return i + 1
        m = _URL.match(self.t, i, self.end)
        if m is None:
            return i + 1
        url = m.group().rstrip(_URL_TRAIL)
        while url.endswith((")", "]")) and url.count(url[-1]) > url.count("(" if url[-1] == ")" else "["):
            url = url[:-1].rstrip(_URL_TRAIL)
        return self._atom("url", i, i + len(url)) if len(url) > 8 else i + 1

    def _email(self, i: int) -> int:
        floor = max(self.start, max((s.end for s in self.out.spans), default=self.start), i - 80)
        local = _EMAIL_LOCAL.search(self.t, floor, i)
        domain = _EMAIL_DOMAIN.match(self.t, i + 1, self.end)
        if local is None or domain is None:
            return i + 1
        return self._atom("url", local.start(), domain.end())

    # -- emphasis -------------------------------------------------------------
    def _pair_delims(self) -> None:
        stack: list[int] = []
        paired: set[int] = set()
        for k, (pos, run, can_open, can_close) in enumerate(self.delims):
            if can_close:
                j = next((x for x in range(len(stack) - 1, -1, -1) if self.delims[stack[x]][1] == run), None)
                if j is not None and self.delims[stack[j]][0] + len(run) < pos:
                    o = stack[j]
                    del stack[j:]
                    start = self.delims[o][0]
                    self.out.spans.append(Span("format", start, start + len(run), "open", self.pairs))
                    self.out.spans.append(Span("format", pos, pos + len(run), "close", self.pairs))
                    self.pairs += 1
                    paired.update((o, k))
                    continue
            if can_open:
                stack.append(k)
        for k, (pos, run, _o, _c) in enumerate(self.delims):
            if k not in paired and run[0] == "*":
                self.out.spans.append(Span("format", pos, pos + len(run)))

    def _fix_nesting(self) -> None:
        """Open/close pairs must nest (links, emphasis, wrappers); demote the ones that do not."""
        while True:
            stack: list[Span] = []
            bad = None
            for span in sorted((s for s in self.out.spans if s.role != "atom"), key=lambda s: s.start):
                if span.role == "open":
                    stack.append(span)
                elif stack and stack[-1].pair == span.pair:
                    stack.pop()
                else:
                    bad = span.pair
                    break
            if bad is None:
                return
            for span in self.out.spans:
                if span.pair == bad:
                    span.role, span.pair = "atom", None
