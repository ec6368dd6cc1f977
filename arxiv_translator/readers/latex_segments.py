"""Cut one parsed LaTeX file into translatable segments with protected spans.

The walker goes through pylatexenc's node tree once.  Inline material
(prose, inline math, citations, ``\\textbf{...}``) accumulates in a *run*; a
paragraph break or a block-level construct (``\\section``, an environment,
``\\item``, a table cell separator) ends the run, which becomes a segment.

Offsets are absolute in the file; a segment's spans are stored relative to the
segment.  A footnote inside a paragraph is a protected span of the paragraph
*and* a segment of its own, which the LaTeX writer splices back recursively.
"""

from __future__ import annotations

import re

from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexCommentNode,
    LatexEnvironmentNode,
    LatexGroupNode,
    LatexMacroNode,
    LatexMathNode,
    LatexSpecialsNode,
)

from arxiv_translator.document import Segment
from arxiv_translator.document_attrs import ElementKind, GraphicRef, SegmentAttrs
from arxiv_translator.readers.latex_accents import typeset_span
from arxiv_translator.readers.latex_elements import element_kind
from arxiv_translator.readers.latex_graphics import graphics_in
from arxiv_translator.readers.latex_prose_args import TEMPLATE_CONTAINERS
from arxiv_translator.readers.latex_printed import LIST_ENVS, PRINTED_DEFS, PrintedMixin
from arxiv_translator.readers.latex_runs import Run, RunsMixin
from arxiv_translator.readers.latex_segment_extras import (CAPTION_BOXES, CODE_ENVS, LISTING_ENVS, METADATA,
                                                           PROSE_ARG_ENVS, TEXT_ARGS, ExtrasMixin, glued_groups,
                                                           optional_group, skip_leading_args)
from arxiv_translator.readers.latex_segment_extras import last_group as _last_group
from arxiv_translator.readers.latex_specs import (
    BOUNDARIES,
    INCLUDES,
    INLINE_SEGMENT_ARGS,
    KIND_OF_ENV,
    MATH_ENVS,
    OPTION_TITLE_MACROS,
    PREAMBLE_SEGMENT_ARGS,
    PROTECTED_ENVS,
    SEGMENT_ARGS,
    TABULAR_ENVS,
    THEOREM_ENVS,
    THEOREM_HINT,
    WRAPPERS,
)
from arxiv_translator.texdefs import Definition

_UNIT = r"(?:pt|in|cm|mm|em|ex|bp|pc|sp|dd|cc|mu|px|fil+)"
_DIMENSION = re.compile(rf"\s*=?\s*-?(?:\d*\.?\d+)?\s*(?:\\[A-Za-z]+|{_UNIT})"
                        rf"(?:\s+(?:plus|minus)\s+-?(?:\d*\.?\d+)?\s*(?:\\[A-Za-z]+|{_UNIT}))*")
#: Macros whose arguments are blocks of the page (etoc's contents heading: \etocsettocstyle{\section*{..}}{}).
CONTAINER_MACROS = {"twocolumn", "IEEEtitleabstractindextext", "IEEEraisesectionheading", "etocsettocstyle"}
#: Boxes whose last argument is content (inline text is wrapped, blocks are walked).
BOXES = {"resizebox", "scalebox", "adjustbox", "rotatebox", "parbox", "fbox", "framebox", "makebox",
         "raisebox", "centerline", "mbox"}
LOOP_MACROS = {"foreach", "pgfplotsforeachungrouped", "pgfplotsinvokeforeach"}
HEADING_LEVELS = {"title": 1, "subtitle": 2, "icmltitle": 1, "aistatstitle": 1, "part": 1, "chapter": 1, "section": 2,
                  "subsection": 3, "subsubsection": 4, "paragraph": 5, "subparagraph": 6}
FIGURE_ENVS = {"figure", "wrapfigure", "subfigure", "SCfigure", "minipage", "center"}
LENGTH_SUFFIXES = ("sep", "skip", "width", "height", "indent", "margin", "rule", "kern")
DIMENSION_COMMANDS = {"vskip", "hskip", "kern", "mskip", "vspace", "hspace", "baselineskip", "parskip",
                      "parindent", "textwidth", "columnsep", "abovedisplayskip", "belowdisplayskip"}
_BRACKET_DIM = re.compile(rf"\s*\[\s*-?\d*\.?\d+\s*(?:\\[A-Za-z]+|{_UNIT})\s*\]")
_PARBREAK = re.compile(r"\n[ \t]*\n\s*")
_WORD2 = re.compile(r"[A-Za-z]{2}")
#: Options glued to a macro the reader does not know: ``[key=value, ..]`` or a list of names (``\todo[inline]``,
#: ``\fancyhead[L]``): they belong to the macro, never to the sentence.
_KEY_OPTIONS = re.compile(r"\[\s*(?:[A-Za-z@][\w@\-\s]*=[^\[\]{}\n]*|[A-Za-z@][\w@\-]*(?:\s*,\s*[A-Za-z@][\w@\-]*)*)\s*\]")
_BARE_URL = re.compile(r"(?:https?://|www\.)(?:[^\s{}\\%]|\\[_#&%~])*[^\s{}\\%.,;:)]")
DECLARATIONS = {
    "em", "bf", "it", "sl", "sc", "sf", "rm", "up", "bfseries", "itshape", "scshape", "slshape", "sffamily",
    "rmfamily", "mdseries", "upshape", "normalfont", "small", "footnotesize", "scriptsize", "tiny", "large",
    "Large", "LARGE", "huge", "Huge", "normalsize",
}
CITE_RE = re.compile(r"^(cite|Cite|parencite|textcite|autocite|footcite|nocite)")
REF_RE = re.compile(r"^(ref|eqref|cref|Cref|autoref|Autoref|pageref|nameref|vref|Vref|cpageref|hyperref)$")


def _span_kind(name: str) -> str:
    if CITE_RE.match(name):
        return "cite"
    if REF_RE.match(name):
        return "ref"
    if name == "label":
        return "label"
    if name in ("url", "href", "nolinkurl", "doi"):
        return "url"
    if name == "includegraphics":
        return "graphics"
    if name in ("verb", "lstinline", "texttt", "mintinline"):
        return "code"
    return "command"


def _has_args(node: LatexMacroNode) -> bool:
    return bool(node.nodeargd and any(a is not None for a in (node.nodeargd.argnlist or [])))


class Segmenter(RunsMixin, ExtrasMixin, PrintedMixin):
    """Collects the segments of one file; see the module docstring."""

    def __init__(self, rel: str, text: str, theorem_envs: set[str] | frozenset[str] = frozenset(),
                 definitions: dict[str, Definition] | None = None, verbatim_envs: set[str] = frozenset(),
                 short_verbs: set[str] = frozenset(), prose_keywords: set[str] = frozenset(),
                 text_envs: dict[str, frozenset[int]] | None = None) -> None:
        self.theorem_envs = theorem_envs
        self.text_envs = text_envs or {}  # the paper's environments whose arguments are text (titles)
        self.prose_keywords = prose_keywords  # the paper's own prose macros in pseudo-code (\SetKwInOut{Input}{..})
        self.definitions = definitions or {}  # the paper's own macro definitions (what their arguments are)
        self.verbatim_envs, self.short_verbs = verbatim_envs, short_verbs  # \lstnewenvironment{code}, |code|
        self.rel = rel
        self.text = text
        self.segments: list[Segment] = []
        self.includes: list[tuple[str, str, str]] = []  # (macro, base, name) in body order
        self.include_pos: list[int] = []  # where each inclusion stands in the file
        self.section = ""
        self.counts: dict[str, int] = {}
        self._run = Run()
        self._eat_dimension: bool | str = False
        self._attrs = SegmentAttrs()
        self.elements: list[tuple[ElementKind, int, int]] = []  # equations, figures, tables, code (spans)
        self._graphics: list[tuple[str, float | None]] = []
        self._float = ""  # "figure" inside a figure environment: its text is figure text, not body text
        self.tables: list[tuple[int, int]] = []  # where each tabular stands (for the table grids)

    # -- entry points -----------------------------------------------------
    def body(self, nodes: list, kind: str = "paragraph") -> None:
        """Segment a list of body nodes."""
        self._walk(nodes, kind, tabular=False)
        self._flush(kind)

    def preamble(self, nodes: list) -> None:
        """Only the title block (title, date) and the notes of the author block are translated in the preamble."""
        for i, node in enumerate(nodes):
            if isinstance(node, LatexMacroNode) and node.macroname in PREAMBLE_SEGMENT_ARGS:
                arg = _last_group(node)
                if arg is not None:
                    self._own_segments(arg.nodelist, SEGMENT_ARGS[node.macroname],
                                       SegmentAttrs(level=HEADING_LEVELS.get(node.macroname)))
            elif isinstance(node, LatexMacroNode) and node.macroname in METADATA:
                self._metadata_notes([node] + glued_groups(nodes, i))
            else:
                self._printed_in_preamble(nodes, i)

    # -- walking ----------------------------------------------------------
    def _walk(self, nodes: list, kind: str, tabular: bool) -> None:
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if isinstance(node, LatexCharsNode):
                self._chars(node, kind)
            elif isinstance(node, LatexCommentNode):
                self._atom("comment", node.pos, node.pos + node.len)
            elif isinstance(node, LatexMathNode):
                self._atom("math", node.pos, node.pos + node.len)
                if node.displaytype == "display":
                    self.elements.append((ElementKind.EQUATION, node.pos, node.pos + node.len))
            elif isinstance(node, LatexSpecialsNode):
                if node.specials_chars == "&" and tabular:
                    self._flush(kind)
                elif node.specials_chars in self.short_verbs:  # |code| after \DefineShortVerb{\|}
                    self._atom("code", node.pos, node.pos + node.len)
                elif node.specials_chars in ("~", "&"):
                    self._atom("space" if node.specials_chars == "~" else "command", node.pos, node.pos + node.len)
                else:
                    self._run.extend(node.pos, node.pos + node.len)
            elif (typeset := typeset_span(self.text, nodes, i)) is not None:  # na\"ive: the model sees "naïve"
                self._run.extend(typeset[1], typeset[2])
                self._run.spans.append((typeset[0], typeset[1], typeset[2], "char", typeset[3]))
                i += typeset[4]
            elif isinstance(node, LatexGroupNode):
                self._group(node, kind, tabular)
            elif isinstance(node, LatexMacroNode):
                i = self._macro(nodes, i, kind, tabular)
            elif isinstance(node, LatexEnvironmentNode):
                self._environment(node, kind)
            i += 1

    def _chars(self, node: LatexCharsNode, kind: str) -> None:
        pos = node.pos
        if self._eat_dimension:  # "\vskip 0.3in plus 1fil", "\\ [2pt]": the dimension belongs to the command
            m = (_BRACKET_DIM if self._eat_dimension == "[" else _DIMENSION).match(node.chars)
            self._eat_dimension = False
            if m:
                self._atom("command", node.pos, node.pos + m.end())
                pos = node.pos + m.end()
        for m in _PARBREAK.finditer(node.chars):
            if m.start() > 0:
                self._bare_urls(pos, node.pos + m.start())
            self._flush(kind)
            pos = node.pos + m.end()
        if pos < node.pos + node.len:
            self._bare_urls(pos, node.pos + node.len)

    def _bare_urls(self, start: int, end: int) -> None:
        """Extend the run over ``text[start:end]``, protecting addresses written without ``\\url``."""
        for m in _BARE_URL.finditer(self.text, start, end):
            self._run.extend(start, m.start())
            self._atom("url", m.start(), m.end())
            start = m.end()
        if start < end:
            self._run.extend(start, end)

    def _group(self, node: LatexGroupNode, kind: str, tabular: bool) -> None:
        if node.delimiters != ("{", "}") or not self._inline(node.nodelist, tabular):
            self._flush(kind)
            self._walk(node.nodelist, kind, tabular)
            self._flush(kind)
            return
        children = list(node.nodelist)
        open_end = node.pos + 1
        first = next((c for c in children if not (isinstance(c, LatexCharsNode) and not c.chars.strip())), None)
        if isinstance(first, LatexMacroNode) and first.macroname in DECLARATIONS and not _has_args(first):
            open_end = first.pos + first.len
            children = children[children.index(first) + 1 :]
        self._wrap(node.pos, open_end, node.pos + node.len - 1, node.pos + node.len, children, kind, tabular)

    def _wrap(self, o1: int, o2: int, c1: int, c2: int, children: list, kind: str, tabular: bool) -> None:
        pair = len(self._run.spans)
        self._run.extend(o1, o2)
        self._run.spans.append(("format", o1, o2, "open", pair))
        self._walk(children, kind, tabular)
        self._run.extend(c1, c2)
        self._run.spans.append(("format", c1, c2, "close", pair))

    def _macro(self, nodes: list, i: int, kind: str, tabular: bool) -> int:
        node: LatexMacroNode = nodes[i]
        name, start, end = node.macroname, node.pos, node.pos + node.len
        if name in INCLUDES:
            self._flush(kind)
            args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
            parts = [self.text[a.pos + 1 : a.pos + a.len - 1] if isinstance(a, LatexGroupNode) else a.chars
                     for a in args if isinstance(a, (LatexGroupNode, LatexCharsNode))]
            if parts:
                base, target = (parts[0], parts[-1]) if INCLUDES[name] == 2 and len(parts) > 1 else ("", parts[-1])
                self.includes.append((name, base, target))
                self.include_pos.append(start)
            return i
        if name in CAPTION_BOXES and self._caption_box(node, kind):
            return i
        if name in PRINTED_DEFS:  # \newacronym{key}{ACR}{long form} in the body: the long form is a segment
            self._flush(kind)
            return self._printed_definition(nodes, i)
        if name in SEGMENT_ARGS and (arg := _last_group(node)) is not None:
            seg_kind = SEGMENT_ARGS[name]
            if name in INLINE_SEGMENT_ARGS:
                self._atom("footnote", start, end)
                saved, self._run = self._run, Run()
                self._own_segments(arg.nodelist, seg_kind)
                self._run = saved
            else:
                self._flush(kind)
                attrs = SegmentAttrs(level=HEADING_LEVELS.get(name, 1) if seg_kind in ("heading", "title") else None,
                                     apart=seg_kind == "toc")  # \addcontentsline: printed in the contents
                if seg_kind == "caption" and self._graphics:
                    attrs.graphics = [GraphicRef(path=spec, width=w) for spec, w in self._graphics]
                short = optional_group(node)  # \caption[short]{long}, \section[short]{long}
                if short is not None:
                    self._own_segments(short.nodelist, seg_kind, attrs)
                self._own_segments(arg.nodelist, seg_kind, attrs)
                if seg_kind == "heading":
                    self.section = self.text[arg.pos + 1 : arg.pos + arg.len - 1].strip()
            return i
        if name in TEXT_ARGS and self._texts(node, kind, tabular):
            return i
        if (name in WRAPPERS or name in BOXES) and (arg := _last_group(node)) is not None:
            if self._inline(arg.nodelist, tabular):
                self._wrap(start, arg.pos + 1, arg.pos + arg.len - 1, arg.pos + arg.len, arg.nodelist, kind,
                           tabular)
            else:  # \resizebox{..}{..}{\begin{tabular}...}: the content is a block of its own
                self._flush(kind)
                self._walk(arg.nodelist, kind, tabular)
                self._flush(kind)
            return i
        if name in CONTAINER_MACROS or name in TEMPLATE_CONTAINERS:  # \twocolumn[ \icmltitle{...} ]: a block
            self._flush(kind)
            grid = name in TEMPLATE_CONTAINERS  # \tablehead{\colhead{..} & ..}: a row of cells
            for arg in node.nodeargd.argnlist if node.nodeargd else []:
                if isinstance(arg, LatexGroupNode):
                    self._walk(arg.nodelist, "cell" if grid else kind, tabular=grid)
                    self._flush("cell" if grid else kind)
            return i
        if (name in DIMENSION_COMMANDS or name.endswith(LENGTH_SUFFIXES)) and not _has_args(node):
            self._eat_dimension = True
        if name == "\\" and not _has_args(node):
            self._eat_dimension = "["
        if name in OPTION_TITLE_MACROS:  # \printbibliography[title={Works Cited}]: the title is a heading
            self._flush(kind)
            if (options := optional_group(node)) is not None:
                self._option_titles(options)
            return i
        if name in BOUNDARIES or (name == "\\" and tabular):
            self._flush(kind)
            label = optional_group(node) if name == "item" else None
            if label is not None and _WORD2.search(self.text, label.pos, label.pos + label.len):  # \item[Word]
                self._own_segments(label.nodelist, "item")
            return i
        if name in LOOP_MACROS:  # \foreach \x in {a,b} {body}: everything up to the body is code
            while i + 1 < len(nodes):
                i += 1
                end = nodes[i].pos + nodes[i].len
                if isinstance(nodes[i], LatexGroupNode) and i + 1 < len(nodes) and not (
                        isinstance(nodes[i + 1], LatexGroupNode)
                        or (isinstance(nodes[i + 1], LatexCharsNode) and not nodes[i + 1].chars.strip()
                            and i + 2 < len(nodes) and isinstance(nodes[i + 2], LatexGroupNode))):
                    break
            self._atom("command", start, end)
            return i
        stolen = self._stolen_heading(node, nodes, i, kind) if _has_args(node) else None
        if stolen is not None:
            return stolen
        first = i
        if not _has_args(node) and name not in DECLARATIONS:  # unknown macro: glue the groups that follow it
            nxt = nodes[i + 1] if i + 1 < len(nodes) else None
            if isinstance(nxt, LatexCharsNode) and nxt.pos == end and _KEY_OPTIONS.fullmatch(nxt.chars):
                i, end = i + 1, nxt.pos + nxt.len  # its [key=value] options come with it
            while i + 1 < len(nodes):
                j, at = i + 1, end
                if (name in METADATA and isinstance(nodes[j], LatexCommentNode) and nodes[j].pos == end
                        and j + 1 < len(nodes) and isinstance(nodes[j + 1], LatexGroupNode)):
                    j, at = j + 1, nodes[j].pos + nodes[j].len  # \markboth{..}%<newline>{..}: the call goes on
                if not (isinstance(nodes[j], LatexGroupNode) and nodes[j].pos == at):
                    break
                i, end = j, nodes[j].pos + nodes[j].len
        span_kind = "metadata" if name in METADATA else _span_kind(name)
        if span_kind == "metadata":  # an author block stays (names, places, mail); the notes in it are prose
            self._metadata_notes([node] + nodes[first + 1 : i + 1])
        elif span_kind == "command" and self._prose_argument(node, nodes[first + 1 : i + 1], kind, tabular):
            return i
        self._atom(span_kind, start, end)
        return i

    def _environment(self, node: LatexEnvironmentNode, kind: str) -> None:
        name = node.environmentname
        start, end = node.pos, node.pos + node.len
        if (element := element_kind(name)) is not None:
            self.elements.append((element, start, end))
        if name in MATH_ENVS:
            self._atom("math", start, end)
            return
        self._flush(kind)
        if name.rstrip("*") in CODE_ENVS:  # pseudo-code stays; its captions and comments are prose
            self._code_prose(node.nodelist)
            return
        if name in PROSE_ARG_ENVS:  # a drawn tree stays; the sentences in its nodes are prose
            self._prose_args_in_drawing(node.nodelist)
            return
        if name in PROTECTED_ENVS or name in self.verbatim_envs:
            if name in LISTING_ENVS:
                self._listing_caption(node)
            return
        if name in TABULAR_ENVS:
            self.tables.append((start, end))
            if (options := optional_group(node)) is not None:  # \begin{longtblr}[caption={..}, label={..}]
                self._option_titles(options)
            self._walk(node.nodelist, "cell", tabular=True)
            self._flush("cell")
            return
        theorem = THEOREM_HINT.match(name) or name in self.theorem_envs or name in THEOREM_ENVS
        inner = KIND_OF_ENV.get(name) or ("theorem" if theorem else None) or kind
        title = optional_group(node) if theorem or name == "proof" else None
        options = optional_group(node) if title is None else None
        if title is not None:  # \begin{theorem}[Lower bound]
            self._own_segments(title.nodelist, "heading", SegmentAttrs(level=6))
        elif options is not None and name in LIST_ENVS:  # \begin{enumerate}[label=\textbf{Step \arabic*:}]
            self._list_labels(options)
        elif options is not None:  # \begin{tcolorbox}[colback=.., title=Prompt]
            self._option_titles(options)
        if inner == "cell":
            inner = "paragraph"
        saved, saved_float = self._graphics, self._float
        if name.rstrip("*") in FIGURE_ENVS:
            self._graphics = graphics_in(node.nodelist, self.text)
        if name.rstrip("*") in ("figure", "wrapfigure", "SCfigure"):
            self._float = "figure"
        body = node.nodelist
        if name in self.text_envs:  # \begin{promptbox}{System prompt}: a title the paper's definition sets
            body = self._environment_titles(body, self.text_envs[name])
        self._walk(skip_leading_args(body), inner, tabular=False)
        self._flush(inner)
        self._graphics, self._float = saved, saved_float

    def _own_segments(self, nodes: list, kind: str, attrs: SegmentAttrs | None = None) -> None:
        saved_section, saved_attrs = self.section, self._attrs
        self._flush(kind)
        self._attrs = attrs or SegmentAttrs()
        self._walk(nodes, kind, tabular=False)
        self._flush(kind)
        self.section, self._attrs = saved_section, saved_attrs
