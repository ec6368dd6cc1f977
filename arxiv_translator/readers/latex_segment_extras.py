"""The long tail of LaTeX prose, as a mixin of :class:`~.latex_segments.Segmenter`.

* Pseudo-code stays as it is, but its captions and comments are prose:
  ``\\caption``, ``\\Comment{...}`` (algorithmicx), ``\\tcc``/``\\tcp``/``\\KwIn``...
  (algorithm2e) inside ``algorithm``/``algorithmic`` become segments.
* A macro the reader does not know, or one the paper defines, whose last
  argument is plainly a sentence (``\\added{This cost function is ...}``,
  ``\\todo{not sure this helps}``) is translated as a wrapper: the macro and its
  other arguments are protected, the sentence is translated in place.
  Keyword lists (``\\keywords``, ``\\icmlkeywords``) are prose however short.
* Author blocks (``\\author``, ``\\icmlauthor``, ``\\affiliation`` ...) stay as
  they are, protected as ``metadata`` (names, addresses and e-mail), but a
  ``\\thanks`` or ``\\footnote`` inside them is prose and becomes a segment of
  its own.
* Drawings that are not code (``forest`` trees) keep their markup, but the
  last argument of a macro there that reads as a sentence (a file tree's
  ``\\fname{train.py}{Train the model on ...}``) is translated.

It also holds the small node helpers the segmenter shares (last/optional
argument, graphics of a figure, leading environment arguments).
"""

from __future__ import annotations

import re

from pylatexenc.latexwalker import (
    LatexCharsNode,
    LatexEnvironmentNode,
    LatexGroupNode,
    LatexMacroNode,
)

from arxiv_translator.document_attrs import SegmentAttrs
from arxiv_translator.brackets import scan_close
from arxiv_translator.readers.latex_prose_args import (PROSE_WORD, argument_is_prose, is_prose, plain_text,
                                                      plain_words)

#: Environments whose body is pseudo-code.
CODE_ENVS = {"algorithmic", "algorithm", "algorithm2e", "algorithmicx", "algpseudocode", "pseudocode", "procedure",
             "function"}
#: Macros inside pseudo-code whose last argument is prose -> segment kind.
CODE_PROSE = {"Comment": "paragraph", "tcc": "paragraph", "tcp": "paragraph", "KwIn": "paragraph",
              "KwOut": "paragraph", "KwData": "paragraph", "KwResult": "paragraph", "caption": "caption",
              "textit": "paragraph"}
#: Pseudo-code keywords whose line is prose up to its end (algorithmicx ``\\Require training data $D$``).
CODE_LINE_PROSE = {"Require", "Ensure", "REQUIRE", "ENSURE", "Input", "Output", "INPUT", "OUTPUT"}
#: Macros whose ``{..}`` arguments are text -> which ones (0-based; None: all): hyperref's text on the page (its
#: PDF bookmark text stays: the Markdown and HTML writers would show both), diagbox's corner heads, an
#: epigraph's quotation (its source, a name, stays).
TEXT_ARGS: dict[str, tuple[int, ...] | None] = {"texorpdfstring": (0,), "diagbox": None, "slashbox": None,
                                                 "backslashbox": None, "epigraph": (0,)}
#: Macros whose arguments are never prose, whatever they look like.
NEVER_PROSE = {
    "hypersetup", "usepackage", "definecolor", "newcommand", "renewcommand", "providecommand", "def", "gdef",
    "edef", "xdef", "setlength", "addtolength", "setcounter", "lstset", "pgfplotsset", "tikzset", "captionsetup",
    "setlist", "newenvironment", "renewenvironment", "newtheorem", "theoremstyle", "email", "affiliation",
    "affil", "address", "institute", "institution", "author", "authors", "orcid", "path",
    "lstinputlisting", "inputminted", "tikz", "pgfmathsetmacro", "graphicspath", "DeclareMathOperator",
    "PassOptionsToPackage", "RequirePackage", "documentclass", "bibliographystyle", "icmlauthor",
    "icmlaffiliation", "icmlcorrespondingauthor", "ead", "fnref", "corref", "affaddr",
    # TeX primitives and driver/package hooks: their arguments are instructions, never prose
    "special", "pdfinfo", "pdfcatalog", "pdfobj", "pdfliteral", "message", "typeout", "write", "immediate",
    "errmessage", "PackageWarning", "PackageError", "PackageInfo", "ClassWarning", "ClassError", "GenericWarning",
    "GenericError", "hypertarget", "pdfbookmark", "csname", "AtBeginDocument", "AtEndDocument", "AddToHook",
    # package set-up: libraries, styles and keys
    "usetikzlibrary", "usepgfplotslibrary", "tcbuselibrary", "pgfkeys", "sisetup", "tcbset", "lstdefinestyle",
    "setminted", "usemintedstyle",
}
#: Author blocks: kept as metadata (names, addresses), but the notes inside them are prose.
METADATA = {"author", "authors", "affiliation", "affil", "address", "institute", "institution", "icmlauthor",
            "icmlaffiliation", "icmlcorrespondingauthor", "affaddr", "IEEEauthorblockN",
            "IEEEauthorblockA", "aistatsauthor", "aistatsaddress", "email",
            "authorrunning", "shortauthors", "runningauthor", "headauthor",  # running heads of author names
            "markboth", "markright"}  # \markboth{Journal of .. Vol. 14}{Shell et al.: Bare Demo}: venue and names
#: Notes inside an author block (-> segment kind).
METADATA_NOTES = {"thanks": "footnote", "footnote": "footnote", "tnote": "footnote",
                  "IEEEcompsocitemizethanks": "footnote"}
#: Macros whose last argument is prose however short it is (a keyword list: "Machine Learning, ICML").
ALWAYS_PROSE = {"keywords", "icmlkeywords", "keyword", "kwd", "keywordname"}
#: Environments drawn as markup (not code) where a macro's sentence-like last argument is prose.
PROSE_ARG_ENVS = {"forest"}
_PARBREAK = re.compile(r"\n[ \t]*\n\s*")


def last_group(node: LatexMacroNode) -> LatexGroupNode | None:
    """The last ``{...}`` argument of a macro node."""
    args = node.nodeargd.argnlist if node.nodeargd is not None else []
    for arg in reversed(args or []):
        if isinstance(arg, LatexGroupNode) and arg.delimiters[0] == "{":
            return arg
    return None


def glued_groups(nodes: list, i: int) -> list:
    """The ``{...}`` groups that directly follow ``nodes[i]`` (the arguments of a macro the parser does not know)."""
    out, end = [], nodes[i].pos + nodes[i].len
    for node in nodes[i + 1:]:
        if not isinstance(node, LatexGroupNode) or node.pos != end:
            break
        out.append(node)
        end = node.pos + node.len
    return out


def optional_group(node) -> LatexGroupNode | None:
    """The first ``[...]`` argument of a macro or environment node, if it was given."""
    argd = getattr(node, "nodeargd", None)
    for arg in (argd.argnlist if argd is not None else None) or []:
        if isinstance(arg, LatexGroupNode) and arg.delimiters[0] == "[":
            return arg
    return None


#: Boxes whose arguments hold a caption and the content it captions: name -> (argspec, the indexes of the
#: caption arguments, the index of the content). ``\subcaptionbox[list]{caption}[width][pos]{content}``,
#: subfig's ``\subfloat[list][caption]{content}``.
CAPTION_BOXES = {"subcaptionbox": ("*[{[[{", (1, 2), 5), "subfloat": ("[[{", (0, 1), 2),
                 "sidesubfloat": ("[[{", (0, 1), 2)}


#: Keys of an environment's options whose value is a title the reader sees (tcolorbox, mdframed, framed boxes).
_TITLE_KEY = re.compile(r"(?:^|,)\s*(?:title|subtitle|frametitle|adjusted title|caption)\s*=\s*")
_UNBRACED_VALUE = re.compile(r"[^,=\[\]{}]*")


#: Code listings whose options may hold a caption (``\begin{lstlisting}[caption={..}, label=..]``).
LISTING_ENVS = {"lstlisting", "minted"}
_LISTING_CAPTION = re.compile(r"(?:\[|,)\s*(?:caption|title)\s*=\s*")


class ExtrasMixin:
    """Methods of :class:`~.latex_segments.Segmenter` for pseudo-code, prose arguments and stolen headings."""

    def _listing_caption(self, node: LatexEnvironmentNode) -> None:
        """A caption segment for ``caption=`` in a code listing's options; the code and the other options stay."""
        from arxiv_translator.readers.latex_specs import make_context_db  # noqa: PLC0415 - only for listings
        from arxiv_translator.readers.latex_walker import ProseWalker  # noqa: PLC0415

        args = node.nodeargd.argnlist if node.nodeargd is not None else []
        if not args or not isinstance(args[0], LatexCharsNode) or not args[0].chars.lstrip().startswith("["):
            return
        chars = args[0]
        opening = chars.pos + chars.chars.index("[")
        close = scan_close(self.text, opening, min(len(self.text), opening + 2000), "[", "]", blank_line_stops=True)
        m = _LISTING_CAPTION.search(self.text, opening, close) if close is not None else None
        if m is None:
            return
        if self.text.startswith("{", m.end()):
            walker = ProseWalker(self.text, latex_context=make_context_db({}), tolerant_parsing=True)
            value = walker.get_latex_braced_group(m.end())[0].nodelist
        else:
            end = m.end()
            while end < close and self.text[end] not in ",]":
                end += 1
            text = self.text[m.end():end].rstrip()
            if not text or "\\" in text or "$" in text:
                return
            value = [LatexCharsNode(chars=text, pos=m.end(), len=len(text), parsing_state=chars.parsing_state)]
        if PROSE_WORD.search(plain_text(value)):
            self._own_segments(value, "caption")

    def _option_titles(self, group: LatexGroupNode) -> None:
        """Heading segments for the ``title=..`` values in an environment's options (``title={Prompt}`` or
        ``title=Prompt for the model``, up to the next comma); every other key and value stays."""
        nodes = group.nodelist
        for idx, node in enumerate(nodes):
            if not isinstance(node, LatexCharsNode):
                continue
            for m in _TITLE_KEY.finditer(node.chars):
                rest = node.chars[m.end():]
                if not rest.strip() and idx + 1 < len(nodes) and isinstance(nodes[idx + 1], LatexGroupNode):
                    value = nodes[idx + 1].nodelist  # title={...}
                else:
                    raw = _UNBRACED_VALUE.match(rest).group()
                    after, text = rest[len(raw):], raw.rstrip()
                    cut = (after and not after.startswith(",")) or (not after and idx + 1 < len(nodes))
                    if not text.strip() or cut:
                        continue  # the value goes on past this text (a macro, math, a group): left as it is
                    value = [LatexCharsNode(chars=text, pos=node.pos + m.end(), len=len(text),
                                            parsing_state=node.parsing_state)]
                if PROSE_WORD.search(plain_text(value)):
                    self._own_segments(value, "heading", SegmentAttrs(level=6))

    def _caption_box(self, node: LatexMacroNode, kind: str) -> bool:
        """A :data:`CAPTION_BOXES` call: its captions are caption segments, its content is walked as usual."""
        _spec, captions, content = CAPTION_BOXES[node.macroname]
        args = node.nodeargd.argnlist if node.nodeargd is not None else []
        if len(args) <= content:
            return False
        self._flush(kind)
        for k in captions:
            if isinstance(args[k], LatexGroupNode):
                self._own_segments(args[k].nodelist, "caption")
        if isinstance(args[content], LatexGroupNode):
            self._walk(args[content].nodelist, kind, tabular=False)
            self._flush(kind)
        return True

    def _stolen_heading(self, node: LatexMacroNode, nodes: list, i: int, kind: str) -> int | None:
        """A macro whose guessed arity took a heading command as its argument (``\\todo`` defined with one
        argument, used bare before ``\\section{Title}``): the title that follows is still a heading.
        Returns the index of the title group, or None when nothing was stolen."""
        from arxiv_translator.readers.latex_segments import HEADING_LEVELS  # noqa: PLC0415 - the segmenter imports this module

        args = node.nodeargd.argnlist if node.nodeargd is not None else []
        stolen = next((a for a in args or [] if isinstance(a, LatexMacroNode) and a.macroname in HEADING_LEVELS), None)
        if stolen is None:
            return None
        j = i + 1
        while j < len(nodes) and isinstance(nodes[j], LatexCharsNode) and not nodes[j].chars.strip():
            j += 1
        if j >= len(nodes) or not isinstance(nodes[j], LatexGroupNode) or nodes[j].delimiters[0] != "{":
            return None
        self._atom("command", node.pos, node.pos + 1 + len(node.macroname))
        self._flush(kind)
        self._own_segments(nodes[j].nodelist, "heading", SegmentAttrs(level=HEADING_LEVELS[stolen.macroname]))
        return j

    def _code_prose(self, nodes: list) -> None:
        """Segments for the captions and comments inside pseudo-code; the code itself stays."""
        for idx, node in enumerate(nodes):
            if (isinstance(node, LatexMacroNode) and node.macroname in CODE_LINE_PROSE
                    and not (node.nodeargd and node.nodeargd.argnlist)):
                self._code_line(nodes, idx)
            elif isinstance(node, LatexMacroNode):
                kind = CODE_PROSE.get(node.macroname)
                if kind is None and node.macroname in self.prose_keywords:  # \SetKwInOut{Input}{..}
                    kind = "paragraph"
                args = node.nodeargd.argnlist if node.nodeargd is not None else []
                groups = [a for a in args or [] if isinstance(a, LatexGroupNode) and a.delimiters[0] == "{"]
                if kind is not None and groups:
                    self._own_segments(groups[-1].nodelist, kind)
                else:
                    for group in groups:
                        self._code_prose(group.nodelist)
            elif isinstance(node, LatexGroupNode):
                self._code_prose(node.nodelist)
            elif isinstance(node, LatexEnvironmentNode):
                self._code_prose(node.nodelist)

    def _code_line(self, nodes: list, idx: int) -> None:
        """A segment for the rest of the line after ``nodes[idx]`` (``\\Require``), up to the next keyword."""
        line: list = []
        for node in nodes[idx + 1:]:
            if isinstance(node, LatexCharsNode) and "\n" in node.chars.strip(" \t") and line:
                cut = node.chars.index("\n")
                line.append(LatexCharsNode(chars=node.chars[:cut], pos=node.pos, len=cut,
                                           parsing_state=node.parsing_state))
                break
            if isinstance(node, LatexMacroNode) and (node.macroname[:1].isupper() or node.macroname == "\\"):
                break  # \State, \Ensure, \For: the next line of code
            line.append(node)
        if PROSE_WORD.search(plain_text(line)):
            self._own_segments(line, "paragraph")

    def _metadata_notes(self, nodes: list) -> None:
        """Segments for the ``\\thanks``/``\\footnote`` notes inside an author block; the block stays."""
        for node in nodes:
            if node is None:
                continue
            if isinstance(node, LatexMacroNode):
                note = METADATA_NOTES.get(node.macroname)
                arg = last_group(node)
                if note is not None and arg is not None:
                    saved, self._run = self._run, type(self._run)()
                    self._own_segments(arg.nodelist, note)
                    self._run = saved
                    continue
                self._metadata_notes(list(node.nodeargd.argnlist or []) if node.nodeargd is not None else [])
            elif isinstance(node, (LatexGroupNode, LatexEnvironmentNode)):
                self._metadata_notes(node.nodelist)

    def _prose_args_in_drawing(self, nodes: list) -> None:
        """Segments for the sentence-like last arguments of macros inside a drawing (``forest``)."""
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if isinstance(node, LatexMacroNode):
                args = node.nodeargd.argnlist if node.nodeargd is not None else []
                groups = [a for a in args or [] if isinstance(a, LatexGroupNode) and a.delimiters[0] == "{"]
                end = node.pos + node.len
                while not args and i + 1 < len(nodes) and isinstance(nodes[i + 1], LatexGroupNode) \
                        and nodes[i + 1].pos == end:  # an unknown macro: the groups glued to it are its arguments
                    i += 1
                    groups.append(nodes[i])
                    end = nodes[i].pos + nodes[i].len
                if groups and node.macroname not in NEVER_PROSE and is_prose(groups[-1].nodelist):
                    self._own_segments(groups[-1].nodelist, "paragraph")
            elif isinstance(node, (LatexGroupNode, LatexEnvironmentNode)):
                self._prose_args_in_drawing(node.nodelist)
            i += 1

    def _environment_titles(self, nodes: list, which: frozenset[int]) -> list:
        """Heading segments for the arguments of a paper's own environment that its definition sets as text
        (``\\begin{promptbox}{System prompt for summarization}``, see
        :func:`~arxiv_translator.texdefs.environment_text_args`) when they are words; the body after them."""
        groups, rest = leading_groups(nodes, max(which) + 1)
        for k, group in enumerate(groups):
            if k in which and (is_prose(group.nodelist) or plain_words(group.nodelist, 2)):
                self._own_segments(group.nodelist, "heading", SegmentAttrs(level=6))
        return rest

    def _texts(self, node: LatexMacroNode, kind: str, tabular: bool) -> bool:
        """A macro whose ``{..}`` arguments are text (:data:`TEXT_ARGS`): each one with words is translated
        with its sentence, the others stay (``\\texorpdfstring{$\\ell_1$}{l1}`` keeps ``l1``); True when done."""
        args = node.nodeargd.argnlist if node.nodeargd is not None else []
        groups = [a for a in args or [] if isinstance(a, LatexGroupNode) and a.delimiters[0] == "{"]
        if not groups or not all(self._inline(g.nodelist, tabular) for g in groups):
            return False
        which = TEXT_ARGS.get(node.macroname)
        groups = groups if which is None else [g for n, g in enumerate(groups) if n in which]
        worded = [g for g in groups if PROSE_WORD.search(plain_text(g.nodelist))] or groups[:1]  # {$\ell_1$}: math
        start, end = node.pos, node.pos + node.len
        if not worded:
            self._atom("command", start, end)
        for n, group in enumerate(worded):
            close = end if n == len(worded) - 1 else group.pos + group.len
            self._wrap(start, group.pos + 1, group.pos + group.len - 1, close, group.nodelist, kind, tabular)
            start = close
        return True

    def _prose_argument(self, node: LatexMacroNode, glued: list, kind: str, tabular: bool) -> bool:
        """Translate the last argument of an unknown or user macro when it is a sentence; True when done."""
        if node.macroname in NEVER_PROSE:
            return False
        if glued:
            arg = glued[-1]
        else:
            args = node.nodeargd.argnlist if node.nodeargd is not None else []
            groups = [a for a in args or [] if isinstance(a, LatexGroupNode) and a.delimiters[0] == "{"]
            if not groups or groups[-1] is not args[-1]:
                return False
            arg = groups[-1]
        if not isinstance(arg, LatexGroupNode) or arg.delimiters[0] != "{":
            return False
        definition = self.definitions.get(node.macroname)
        if definition is not None and definition.count in definition.nonprose:
            return False  # the paper's definition uses it as a key, code, a name or an option
        if any(isinstance(n, LatexEnvironmentNode) for n in arg.nodelist):  # \mybox{\begin{itemize}..}: a block
            self._flush(kind)
            self._walk(arg.nodelist, kind, tabular)
            self._flush(kind)
            return True
        short_prose = node.macroname in ALWAYS_PROSE and PROSE_WORD.search(plain_text(arg.nodelist))
        n_args = len(glued) if glued else len([a for a in node.nodeargd.argnlist or [] if a is not None])
        if not (short_prose or argument_is_prose(node.macroname, arg.nodelist, n_args, definition)):
            return False
        if self._inline(arg.nodelist, tabular):
            self._wrap(node.pos, arg.pos + 1, arg.pos + arg.len - 1, arg.pos + arg.len, arg.nodelist, kind, tabular)
        else:  # a block of paragraphs: translated where it stands, the macro around it untouched
            self._flush(kind)
            self._walk(arg.nodelist, kind, tabular)
            self._flush(kind)
        return True


def leading_groups(nodes: list, count: int) -> tuple[list[LatexGroupNode], list]:
    """The first ``count`` ``{..}`` groups at the start of an environment's body (blanks between them skipped), and
    the body after them."""
    groups, i = [], 0
    while i < len(nodes) and len(groups) < count:
        node = nodes[i]
        if isinstance(node, LatexCharsNode) and not node.chars.strip():
            i += 1
        elif isinstance(node, LatexGroupNode) and node.delimiters[0] == "{":
            groups.append(node)
            i += 1
        else:
            break
    return groups, nodes[i:]


def skip_leading_args(nodes: list) -> list:
    """Drop an unparsed ``[..]``/``{..}`` environment argument at the start of a body."""
    out = list(nodes)
    while out:
        first = out[0]
        if isinstance(first, LatexCharsNode) and not first.chars.strip():
            out.pop(0)
            continue
        if isinstance(first, LatexGroupNode) and first.delimiters[0] in "[{" and not _PARBREAK.search(
            "".join(getattr(c, "chars", "") for c in first.nodelist)
        ) and len(first.nodelist) <= 3 and all(not isinstance(c, LatexEnvironmentNode) for c in first.nodelist):
            # only short option-like groups, e.g. {0.5\textwidth} or [t]
            if all(isinstance(c, (LatexCharsNode, LatexMacroNode)) for c in first.nodelist) and first.len < 60:
                out.pop(0)
                continue
        break
    return out
