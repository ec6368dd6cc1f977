"""One segment's text (its translation, else its source) -> Markdown, for any input format.

The conversion works on the *masked* text (the engine's answer, or the source
with placeholders), so prose and protected spans are handled apart: the prose
is the translation as it is (with a few typographic fixes), and each span is
rewritten by its kind and the source format:

* LaTeX: math kept as TeX (``$..$``; display math and equation environments
  as ``$$..$$`` on lines of their own, ``\\label`` dropped), ``\\cite{a,b}`` ->
  ``[a, b]``, ``\\ref{x}`` -> ``[x]``, ``\\textbf{..}`` -> ``**..**``,
  ``\\emph{..}`` -> ``*..*``, ``\\url{u}`` -> ``<u>``, ``\\href{u}{t}`` ->
  ``[t](u)``, ``~`` -> space, comments and labels dropped, the paper's own
  argument-less macros expanded, other commands reduced to their text by
  pylatexenc;
* arXiv HTML: ``<math alttext="..">`` -> ``$..$``, ``<em>``/italic spans ->
  ``*``, bold -> ``**``, links -> ``[t](u)``, other tags stripped, entities
  decoded;
* plain text (PDF) and Markdown: as they are.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from html import unescape
from typing import TYPE_CHECKING

from pylatexenc import latexwalker, macrospec

from arxiv_translator.document import Protected, Segment, Status
from arxiv_translator.protect import PLACEHOLDER_RE, mask, normalise_tags, slots
from arxiv_translator.writers.cite_notes import korean_note
from arxiv_translator.writers.labels import localise_tags
from arxiv_translator.writers.latex_xref import REF_COMMANDS, LatexXref

if TYPE_CHECKING:
    from pylatexenc import latex2text

TRANSLATED = (Status.TRANSLATED, Status.CACHED)
MATH_ENV = re.compile(r"^\\begin\{([A-Za-z]+)(\*?)\}(.*)\\end\{\1\*?\}$", re.S)
ALIGNED = {"align": "aligned", "flalign": "aligned", "alignat": "alignedat", "eqnarray": "aligned",
           "gather": "gathered", "multline": "gathered"}
_LABEL = re.compile(r"\\(?:label\{[^{}]*\}|nonumber\b|notag\b)")
_GROUP = re.compile(r"\{([^{}]*)\}")
BOLD_OPEN = re.compile(r"^(?:\\textbf\{|\\mathbf\{|\{\\bf(?:series)?\b|<b\b|<strong\b|.*ltx_font_bold)")
ITALIC_OPEN = re.compile(r"^(?:\\emph\{|\\textit\{|\\textsl\{|\{\\(?:em|it|itshape|sl)\b|<em\b|<i\b|.*ltx_font_italic)")
CODE_OPEN = re.compile(r"^(?:\\texttt\{|<code\b|.*ltx_font_typewriter)")
_HREF = re.compile(r"""href\s*=\s*["']([^"']*)["']""")
_ALT = re.compile(r"""alttext\s*=\s*"([^"]*)"|alttext\s*=\s*'([^']*)'""")
_MATH_EL = re.compile(r"<math\b[^>]*>.*?</math>", re.S)
_TAG = re.compile(r"<[^<>]*>")
_REF_USE = re.compile(r"\\(?:[a-zA-Z]*cite[a-z]*|[cC]?ref|autoref|Autoref|eqref|pageref|nameref)\*?"
                      r"(?:\s*\[[^\]]*\])*\s*\{([^{}]*)\}")
_URL_USE = re.compile(r"\\url\s*\{([^{}]*)\}")
_MACRO_USE = re.compile(r"\\([A-Za-z]+)(?:\s*\{\})?")
_CALL = re.compile(r"\\([A-Za-z]+)\*?((?:\s*\[[^\]]*\])*)\s*\{([^{}]*)\}")
_OPTION = re.compile(r"\[([^\]]*)\]")

#: How a footnote span becomes a marker: (segment, span) -> "[^n]".
NoteMarker = Callable[[Segment, Protected], str]


def tex_math(src: str) -> str:
    """TeX math in any of its forms -> ``$..$`` or a ``$$..$$`` display on lines of its own."""
    s = src.strip()
    display = True
    if s.startswith("$$") and s.endswith("$$") and len(s) >= 4:
        inner = s[2:-2]
    elif s.startswith("\\[") and s.endswith("\\]"):
        inner = s[2:-2]
    elif s.startswith("\\(") and s.endswith("\\)"):
        inner, display = s[2:-2], False
    elif s.startswith("$") and s.endswith("$") and len(s) >= 2:
        inner, display = s[1:-1], False
    elif m := MATH_ENV.match(s):
        name, inner = m.group(1), m.group(3)
        if name in ALIGNED:
            inner = f"\\begin{{{ALIGNED[name]}}}{inner}\\end{{{ALIGNED[name]}}}"
    else:
        return s
    inner = _LABEL.sub("", inner).strip()
    if not display:
        return f"${' '.join(inner.split())}$"
    return f"\n$$\n{inner}\n$$\n"


def math_alttext(element: str) -> str:
    """An HTML ``<math>`` element -> ``$alttext$`` (``$$..$$`` for display="block")."""
    m = _ALT.search(element[: element.find(">") + 1] if ">" in element else element)
    tex = unescape(m.group(1) if m and m.group(1) is not None else m.group(2) if m else _TAG.sub("", element))
    if 'display="block"' in element[:400]:
        return f"\n$$\n{tex.strip()}\n$$\n"
    return f"${' '.join(tex.split())}$"


def html_text(fragment: str) -> str:
    """An HTML fragment -> Markdown text: math by its alttext, tags stripped, entities decoded."""
    out, pos = [], 0
    for m in _MATH_EL.finditer(fragment):
        out.append(unescape(_TAG.sub("", fragment[pos:m.start()])))
        out.append(math_alttext(m.group()))
        pos = m.end()
    out.append(unescape(_TAG.sub("", fragment[pos:])))
    return "".join(out).replace("\xa0", " ")


@lru_cache(maxsize=1)
def _latex_converter() -> tuple[latex2text.LatexNodes2Text, object]:
    from pylatexenc import latex2text  # its macro tables cost ~40 ms to import: only when converting

    l2t_db = latex2text.get_default_latex_context_db()
    l2t_db.add_context_category("arxiv-translator", prepend=True, macros=[
        latex2text.MacroTextSpec("multicolumn", "%(3)s"), latex2text.MacroTextSpec("multirow", "%(4)s"),
        latex2text.MacroTextSpec("mbox", "%(1)s"), latex2text.MacroTextSpec("makecell", "%(2)s"),
    ])
    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category("arxiv-translator", prepend=True, macros=[
        macrospec.MacroSpec("multicolumn", "{{{"), macrospec.MacroSpec("multirow", "[{{{"),
        macrospec.MacroSpec("mbox", "{"), macrospec.MacroSpec("makecell", "[{"),
    ])
    return latex2text.LatexNodes2Text(latex_context=l2t_db, math_mode="verbatim"), walker_db


def latex_text(src: str, macros: Mapping[str, str] | None = None, depth: int = 0) -> str:
    """A LaTeX fragment -> plain Markdown text (math kept as ``$..$``), via pylatexenc."""
    macros = macros or {}
    if depth < 5 and "\\" in src and macros:
        expanded = _MACRO_USE.sub(lambda m: macros.get(m.group(1), m.group(0)), src)
        if expanded != src:
            return latex_text(expanded, macros, depth + 1)
    src = _REF_USE.sub(lambda m: "[" + ", ".join(k.strip() for k in m.group(1).split(",")) + "]", src)
    src = _URL_USE.sub(lambda m: f"<{m.group(1).strip()}>", src)
    if m := re.fullmatch(r"\\(?:paragraph|subparagraph)\*?\s*\{(.*)\}\s*", src.strip(), re.S):
        return f"**{latex_text(m.group(1), macros, depth + 1).strip()}**"
    l2t, walker_db = _latex_converter()
    try:
        nodes = latexwalker.LatexWalker(src, latex_context=walker_db, tolerant_parsing=True).get_latex_nodes()[0]
        text = l2t.nodelist_to_text(nodes)
    except Exception:  # pylatexenc gives up on hopeless input; keep the source then
        text = src
    text = re.sub(r"\\\((.+?)\\\)", lambda x: tex_math(x.group()), text, flags=re.S)
    return text.replace("\xa0", " ")


def _latex_atom(src: str, kind: str, macros: Mapping[str, str]) -> str:
    s = src.strip()
    if kind in ("comment", "label"):
        return ""
    if kind == "space":
        return " "
    if kind == "math" or s.startswith(("$", "\\(", "\\[")) or MATH_ENV.match(s):
        return tex_math(s)
    groups = _GROUP.findall(s)
    if kind == "cite" and groups:
        return "[" + ", ".join(k.strip() for k in groups[-1].split(",") if k.strip()) + "]"
    if kind == "ref" and groups:
        return "[" + ", ".join(k.strip() for k in groups[-1].split(",") if k.strip()) + "]"
    if kind == "url" and groups:
        if s.startswith("\\href") and len(groups) >= 2:
            return f"[{latex_text(groups[1], macros).strip()}]({groups[0].strip()})"
        return f"<{groups[0].strip()}>"
    if kind == "graphics" and groups:
        return f"![]({groups[-1].strip()})"
    if kind == "code":
        m = re.match(r"\\(?:verb|lstinline)\*?(.)(.*)\1$", s, re.S)
        body = m.group(2) if m else (groups[-1] if groups else s)
        return f"`{body}`"
    if s == "\\\\" or s.startswith("\\\\["):
        return " "
    return latex_text(s, macros)


def _xref_atom(xref: LatexXref, src: str, kind: str, lang: str) -> str | None:
    """A citation, reference or reference-macro call as the paper prints it; ``None``: not resolvable."""
    m = _CALL.fullmatch(src.strip())
    if m is None or kind not in ("cite", "ref", "command"):
        return None
    name, options, arg = m.groups()
    keys = [k.strip() for k in arg.split(",") if k.strip()]
    if kind == "cite":
        if not keys or not all(k in xref.bib.entries for k in keys):
            return None
        notes = [korean_note(n) if lang == "ko" else n for n in _OPTION.findall(options)]
        pre = latex_text(notes[0]).strip() if len(notes) == 2 else ""
        post = latex_text(notes[-1]).strip() if notes else ""
        return xref.cite_text(name, keys, pre, post)
    if kind == "ref" and name in REF_COMMANDS:
        return xref.ref_text(name, keys, lang) if keys and all(xref.label(k) for k in keys) else None
    macro = xref.macros.get(name)
    if macro is not None and all(xref.label(k) for k in macro.keys(arg)):
        return xref.macro_text(macro, arg, lang)
    return xref.term_text(name, arg, lang)


def _html_atom(src: str, kind: str) -> str:
    if src.lstrip().startswith("<math"):
        return math_alttext(src)
    if kind == "break":
        return " "
    if kind == "image" or src.lstrip().startswith("<img"):
        alt = re.search(r"""alt\s*=\s*["']([^"']*)["']""", src)
        url = re.search(r"""src\s*=\s*["']([^"']*)["']""", src)
        return f"![{unescape(alt.group(1)) if alt else ''}]({url.group(1) if url else ''})"
    return html_text(localise_tags(src)[0])  # LaTeXML's "Fig. 2" / "Table 3:" labels in Korean


def _marker(open_src: str, closing: bool) -> str:
    """The Markdown for an open/close pair, from its opening source text."""
    if open_src.startswith("[") or open_src.startswith("<a "):
        return "[" if not closing else ""
    if BOLD_OPEN.match(open_src):
        return "**"
    if ITALIC_OPEN.match(open_src):
        return "*"
    if CODE_OPEN.match(open_src):
        return "`"
    return ""


class SegmentMarkdown:
    """Converts segments of one document (``fmt`` is its ``source_kind``) to Markdown."""

    def __init__(self, fmt: str, macros: Mapping[str, str] | None = None,
                 note_marker: NoteMarker | None = None, xref: LatexXref | None = None) -> None:
        self.fmt = fmt
        self.macros = dict(macros or {})
        self.note_marker = note_marker
        self.xref = xref  # a LaTeX paper's numbers and bibliography: \ref and \cite as the paper prints them
        self.lang = "en"

    def __call__(self, seg: Segment) -> str:
        """The segment's output text as Markdown (one paragraph; may hold ``$$`` display lines)."""
        text = self._masked(seg)
        self.lang = "ko" if seg.status in TRANSLATED and seg.target_masked is not None else "en"
        by_tag = {slot.tag: slot for slot in slots(seg)}
        opens = {sp.pair: sp for sp in seg.spans if sp.role == "open"}
        out: list[str] = []
        pos = 0
        for m in PLACEHOLDER_RE.finditer(text):
            out.append(self.prose(text[pos : m.start()]))
            slot = by_tag.get(m.group())
            if slot is not None:
                out.append(self._slot(seg, slot.start, slot.end, opens))
            pos = m.end()
        out.append(self.prose(text[pos:]))
        joined = "".join(out)
        if "\n$$\n" in joined:  # no blanks around display lines (split, not a [ \t]* regex: long runs)
            parts = joined.split("\n$$\n")
            joined = "\n$$\n".join(p.rstrip(" \t") for p in parts[:-1]) + "\n$$\n" + parts[-1]
            parts = joined.split("\n$$\n")
            joined = parts[0] + "\n$$\n" + "\n$$\n".join(p.lstrip(" \t") for p in parts[1:])
        return joined.strip()

    def _xref(self, src: str, kind: str) -> str | None:
        assert self.xref is not None
        return _xref_atom(self.xref, src, kind, self.lang)

    def _ordered(self, seg: Segment) -> tuple[list[Protected], list[int]]:
        """The segment's spans by start, and their starts (computed once per segment: slots bisect them)."""
        if getattr(self, "_ordered_for", None) is not seg:
            spans = sorted(seg.spans, key=lambda sp: sp.start)
            self._ordered_for, self._ordered_spans = seg, (spans, [sp.start for sp in spans])
        return self._ordered_spans

    def _masked(self, seg: Segment) -> str:
        if seg.status in TRANSLATED and seg.target_masked is not None:
            return normalise_tags(seg.target_masked)
        if seg.masked is not None:
            return seg.masked
        return mask(seg.model_copy(deep=True), collapse_space=self.fmt != "markdown")

    def prose(self, text: str) -> str:
        """Translated or source prose between spans -> Markdown text."""
        if self.fmt == "latex":
            text = text.replace("~", " ").replace("``", "\u201c").replace("''", "\u201d")
            return text.replace("---", "\u2014").replace("--", "\u2013")
        if self.fmt == "html":
            return unescape(_TAG.sub("", text)).replace("\xa0", " ")
        return text

    def _slot(self, seg: Segment, start: int, end: int, opens: dict[int | None, Protected]) -> str:
        ordered = self._ordered(seg)
        first = bisect.bisect_left(ordered[1], start)
        last = bisect.bisect_left(ordered[1], end, first)
        spans = [sp for sp in ordered[0][first:last] if sp.end <= end]
        out: list[str] = []
        pos = start
        for sp in spans:
            if sp.start > pos and seg.source[pos : sp.start].strip() == "" and out:
                out.append(" ")
            text = self.span(seg, sp, opens)
            if text and seg.source[sp.end - 1 : sp.end].isspace() and not text[-1].isspace():
                text += " "  # "\\eg angular": the macro took the space after it
            out.append(text)
            pos = max(pos, sp.end)
        return "".join(out)

    def span(self, seg: Segment, sp: Protected, opens: dict[int | None, Protected]) -> str:
        """One protected span -> Markdown."""
        src = seg.span_text(sp)
        if self.fmt in ("markdown", "pdf"):
            return src
        if sp.role == "char" and sp.text is not None:  # an accent inside a word: the character it typesets
            return sp.text
        if sp.role in ("open", "close"):
            opener = opens.get(sp.pair)
            open_src = seg.span_text(opener) if opener is not None else src
            if sp.role == "close" and (open_src.startswith("<a ") or open_src.startswith("[")):
                href = _HREF.search(open_src)
                return f"]({href.group(1)})" if href else "]"
            return _marker(open_src.strip(), sp.role == "close")
        if sp.kind == "footnote" and self.note_marker is not None:
            return self.note_marker(seg, sp)
        if self.fmt == "latex":
            resolved = self._xref(src, sp.kind) if self.xref is not None else None
            return resolved if resolved is not None else _latex_atom(src, sp.kind, self.macros)
        if self.fmt == "html":
            if sp.kind == "tag" and seg.kind == "footnote":
                return ""
            return _html_atom(src, sp.kind)
        return src
