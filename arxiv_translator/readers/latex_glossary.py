"""Definitions whose words the paper prints (glossaries, acronyms, reference names, box titles), as a mixin of
:class:`~.latex_segments.Segmenter`.

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
from the text around it; a box title is a ``heading``).  :data:`GLOSSARY_DEFS` is the registry: a new package's
definition command is one entry.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from pylatexenc.latexwalker import LatexCharsNode, LatexGroupNode, LatexMacroNode

from arxiv_translator.document_attrs import SegmentAttrs
from arxiv_translator.readers.latex_prose_args import PROSE_WORD, plain_text


class GlossaryDef(NamedTuple):
    """How a definition command is called: its ``{..}`` arguments, which of them are prose, and which keys of a
    ``key=value`` argument hold prose."""

    groups: int
    prose: tuple[int, ...] = ()
    keys: re.Pattern[str] | None = None
    kind: str = "item"
    level: int | None = None


#: glossaries keys printed as text (a name of lowercase words, "latent space", is printed by ``\\gls``).
_DESCRIPTION = re.compile(r"(?:^|,)\s*(?:description|descriptionplural|name|text|plural|first|firstplural)\s*=\s*")
_BOX_TITLE = re.compile(r"(?:^|,)\s*(?:title|subtitle|adjusted title)\s*=\s*")
_LONG = re.compile(r"(?:^|,)\s*(?:long|long-plural|long-indefinite|foreign|extra)\s*=\s*")

#: Definition command -> how its prose is found (0-based ``{..}`` arguments; ``[..]`` options are skipped).
GLOSSARY_DEFS: dict[str, GlossaryDef] = {
    "newacronym": GlossaryDef(3, (2,)),  # glossaries: {key}{short}{long}
    "newabbreviation": GlossaryDef(3, (2,)),  # glossaries-extra
    "newglossaryentry": GlossaryDef(2, (), _DESCRIPTION),  # {key}{name=.., description=..}
    "longnewglossaryentry": GlossaryDef(3, (2,)),  # {key}{name=..}{description}
    "acrodef": GlossaryDef(2, (1,)),  # acronym: {short}[list form]{long}
    "newacro": GlossaryDef(2, (1,)),
    "acrodefplural": GlossaryDef(2, (1,)),
    "DeclareAcronym": GlossaryDef(2, (), _LONG),  # acro: {key}{short=.., long=..}
    "crefname": GlossaryDef(3, (1, 2)),  # cleveref: {kind}{singular}{plural}
    "Crefname": GlossaryDef(3, (1, 2)),
    "newtcolorbox": GlossaryDef(2, (), _BOX_TITLE, "heading", 6),  # {name}[n][default]{options}
    "renewtcolorbox": GlossaryDef(2, (), _BOX_TITLE, "heading", 6),
    "newtcbtheorem": GlossaryDef(4, (1,), _BOX_TITLE),  # {name}{Display name}{options}{prefix}
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


class GlossaryMixin:
    """Methods of :class:`~.latex_segments.Segmenter` for glossary and acronym definitions."""

    def _glossary_definition(self, nodes: list, i: int) -> int:
        """Segments for the long forms and descriptions of the definition at ``nodes[i]`` (a
        :data:`GLOSSARY_DEFS` command); returns the index of the call's last node."""
        spec = GLOSSARY_DEFS[nodes[i].macroname]
        groups, last = definition_groups(nodes, i, spec.groups)
        for k in spec.prose:
            if k < len(groups) and PROSE_WORD.search(plain_text(groups[k].nodelist)):
                self._own_segments(groups[k].nodelist, "item")
        if spec.keys is not None:
            for group in groups:
                self._option_values(group, spec.keys, spec.kind, SegmentAttrs(level=spec.level))
        return last

    def _glossary_in_preamble(self, nodes: list, i: int) -> bool:
        """:meth:`_glossary_definition` for a preamble node; False when it is no definition."""
        node = nodes[i]
        if not isinstance(node, LatexMacroNode) or node.macroname not in GLOSSARY_DEFS:
            return False
        self._glossary_definition(nodes, i)
        return True
