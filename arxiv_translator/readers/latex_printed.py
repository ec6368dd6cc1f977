"""Words a paper prints from places other than its running text, as a mixin of
:class:`~.latex_segments.Segmenter`: definitions (glossaries, acronyms, reference names, box titles) and the
labels of a list (enumitem's ``label=\\textbf{Step \\arabic*:}`` printed "Step 1:" in the Korean PDF).

A paper that defines its terms with glossaries (``\\newacronym{cnn}{CNN}{convolutional neural network}``),
glossaries-extra (``\\newabbreviation``), acronym (``\\acrodef{CNN}{..}`` in the preamble) or acro
(``\\DeclareAcronym{cnn}{short=CNN, long=..}``) prints the long forms and descriptions in its text:
``\\gls{cnn}`` first reads "convolutional neural network (CNN)", and ``\\printglossaries`` lists the
descriptions.  Those are prose, wherever the definitions stand (usually the preamble, which is otherwise not
translated); the key, the short form and every other option stay byte-identical.

The same holds for two more kinds of definition: cleveref's ``\\crefname{insight}{insight}{insights}`` for a
kind of the paper's own (``\\cref`` prints "insight 2"; the kinds LaTeX knows get Korean names from the Korean
preamble anyway), and the default title of a paper's own box
(``\\newtcolorbox{insight}[1][]{colback=blue!5, title={Key insight}, #1}``).

Each long form, description or name is a segment of its own (kind ``item``: a term of a list, translated apart
from the text around it; a box title is a ``heading``).  :data:`PRINTED_DEFS` is the registry: a new package's
definition command is one entry.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from pylatexenc.latexwalker import LatexCharsNode, LatexGroupNode, LatexMacroNode

from arxiv_translator.document_attrs import SegmentAttrs
from arxiv_translator.readers.latex_prose_args import PROSE_WORD, plain_text


class PrintedDef(NamedTuple):
    """How a definition command is called: its ``{..}`` arguments, which of them are prose, and which keys of a
    ``key=value`` argument hold prose."""

    groups: int
    prose: tuple[int, ...] = ()
    keys: re.Pattern[str] | None = None
    kind: str = "item"
    level: int | None = None


#: glossaries keys printed as text (a name of lowercase words, "latent space", is printed by ``\\gls``).
_DESCRIPTION = re.compile(r"(?:^|,)\s*(?:description|descriptionplural|name|text|plural|first|firstplural)\s*=\s*")
_LABEL_KEY = re.compile(r"(?:^|,)\s*label\s*=\s*")
_BOX_TITLE = re.compile(r"(?:^|,)\s*(?:title|subtitle|adjusted title)\s*=\s*")
_LONG = re.compile(r"(?:^|,)\s*(?:long|long-plural|long-indefinite|foreign|extra)\s*=\s*")

#: Definition command -> how its prose is found (0-based ``{..}`` arguments; ``[..]`` options are skipped).
PRINTED_DEFS: dict[str, PrintedDef] = {
    "newacronym": PrintedDef(3, (2,)),  # glossaries: {key}{short}{long}
    "newabbreviation": PrintedDef(3, (2,)),  # glossaries-extra
    "newglossaryentry": PrintedDef(2, (), _DESCRIPTION),  # {key}{name=.., description=..}
    "longnewglossaryentry": PrintedDef(3, (2,)),  # {key}{name=..}{description}
    "acrodef": PrintedDef(2, (1,)),  # acronym: {short}[list form]{long}
    "newacro": PrintedDef(2, (1,)),
    "acrodefplural": PrintedDef(2, (1,)),
    "DeclareAcronym": PrintedDef(2, (), _LONG),  # acro: {key}{short=.., long=..}
    "crefname": PrintedDef(3, (1, 2)),  # cleveref: {kind}{singular}{plural}
    "Crefname": PrintedDef(3, (1, 2)),
    "newtcolorbox": PrintedDef(2, (), _BOX_TITLE, "heading", 6),  # {name}[n][default]{options}
    "renewtcolorbox": PrintedDef(2, (), _BOX_TITLE, "heading", 6),
    "newtcbtheorem": PrintedDef(4, (1,), _BOX_TITLE),  # {name}{Display name}{options}{prefix}
    "setlist": PrintedDef(1, (), _LABEL_KEY),  # enumitem: \\setlist[enumerate]{label=Step \\arabic*.}
}


def definition_groups(nodes: list, i: int, wanted: int) -> tuple[list[LatexGroupNode], int]:
    """The first ``wanted`` ``{..}`` arguments of the call at ``nodes[i]`` and the index of its last node.

    The arguments are the macro's own (when the parser knew its arity) or the groups that follow it, with
    blanks and ``[..]`` options between them skipped; fewer than ``wanted`` when the call is cut short."""
    node = nodes[i]
    own = [a for a in (node.nodeargd.argnlist or []) if isinstance(a, LatexGroupNode) and a.delimiters[0] == "{"] \
        if node.nodeargd is not None else []
    if own:
        return own[:wanted], i
    groups: list[LatexGroupNode] = []
    last, j, in_option = i, i + 1, False
    while j < len(nodes) and len(groups) < wanted:
        nd = nodes[j]
        if isinstance(nd, LatexCharsNode):
            text = nd.chars
            if in_option:
                in_option = "]" not in text
            elif "\n\n" in text or (text.strip() and not text.lstrip().startswith("[")):
                break  # a blank line, or text: the call ended
            elif text.strip():
                in_option = "]" not in text
        elif isinstance(nd, LatexGroupNode) and nd.delimiters[0] == "{" and not in_option:
            groups.append(nd)
        elif not in_option:
            break
        last, j = j, j + 1
    return groups, last


#: List environments whose ``[label=..]`` option prints words before every item.
LIST_ENVS = {"enumerate", "itemize", "description", "enumerate*", "itemize*", "compactenum", "compactitem"}


def option_value(nodes: list, idx: int, at: int) -> list:
    """The nodes of the ``key=value`` value that starts at offset ``at`` of ``nodes[idx]`` (a chars node): a
    braced group's content, or everything up to the next comma (text, macros and their groups)."""
    first = nodes[idx]
    rest = first.chars[at:]
    if not rest.strip() and idx + 1 < len(nodes) and isinstance(nodes[idx + 1], LatexGroupNode):
        return list(nodes[idx + 1].nodelist)
    value: list = []
    for k, node in enumerate([first] + nodes[idx + 1:]):
        if not isinstance(node, LatexCharsNode):
            value.append(node)
            continue
        start = at if k == 0 else 0
        end = node.chars.find(",", start)
        text = node.chars[start:] if end < 0 else node.chars[start:end]
        if text:
            value.append(LatexCharsNode(chars=text, pos=node.pos + start, len=len(text),
                                        parsing_state=node.parsing_state))
        if end >= 0:
            break
    return value


def _text_with_arguments(nodes: list) -> str:
    """:func:`plain_text` of ``nodes`` and of the ``{..}`` arguments of their macros (``\\textbf{Step}``)."""
    parts = [plain_text(nodes)]
    for node in nodes:
        if isinstance(node, LatexMacroNode) and node.nodeargd is not None:
            parts += [_text_with_arguments(a.nodelist) for a in node.nodeargd.argnlist or []
                      if isinstance(a, LatexGroupNode)]
    return " ".join(parts)


class PrintedMixin:
    """Methods of :class:`~.latex_segments.Segmenter` for glossary and acronym definitions."""

    def _printed_definition(self, nodes: list, i: int) -> int:
        """Segments for the long forms and descriptions of the definition at ``nodes[i]`` (a
        :data:`PRINTED_DEFS` command); returns the index of the call's last node."""
        spec = PRINTED_DEFS[nodes[i].macroname]
        groups, last = definition_groups(nodes, i, spec.groups)
        for k in spec.prose:
            if k < len(groups) and PROSE_WORD.search(plain_text(groups[k].nodelist)):
                self._own_segments(groups[k].nodelist, "item", SegmentAttrs(apart=True))
        if spec.keys is not None:
            for group in groups:
                self._key_values(group, spec.keys, spec.kind, SegmentAttrs(level=spec.level, apart=True))
        return last

    def _list_labels(self, options: LatexGroupNode) -> None:
        """An ``item`` segment for a list's ``label=`` option when it holds words (``\\textbf{Step \\arabic*:}``);
        the counter and the other options stay."""
        self._key_values(options, _LABEL_KEY, "item", SegmentAttrs(apart=True))

    def _key_values(self, group: LatexGroupNode, keys: re.Pattern[str], kind: str, attrs: SegmentAttrs) -> None:
        """Segments for the values of ``keys`` in the ``key=value`` list ``group`` that hold words."""
        nodes = group.nodelist
        for idx, node in enumerate(nodes):
            if isinstance(node, LatexCharsNode):
                for m in keys.finditer(node.chars):
                    value = option_value(nodes, idx, m.end())
                    if PROSE_WORD.search(_text_with_arguments(value)):
                        self._own_segments(value, kind, attrs.model_copy())

    def _printed_in_preamble(self, nodes: list, i: int) -> bool:
        """:meth:`_printed_definition` for a preamble node; False when it is no definition."""
        node = nodes[i]
        if not isinstance(node, LatexMacroNode) or node.macroname not in PRINTED_DEFS:
            return False
        self._printed_definition(nodes, i)
        return True
