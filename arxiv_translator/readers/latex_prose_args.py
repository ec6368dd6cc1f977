"""Which short arguments of macros the reader has no table entry for are prose.

A false positive costs more than a false negative here: a translated key,
colour, length, file name, option or piece of code breaks the compile or a
reference, a word left in English only costs the reader a word.  So an
argument is sent to the translator only when it is clearly natural language:

* three or more words with nothing key-like in them (:func:`is_prose`), for any
  macro whose definition does not use that argument as a key, code, a name or
  an option (:mod:`arxiv_translator.texdefs`);
* two or more words of letters and spaces only (:func:`plain_words`:
  ``\\nomenclature{$J$}{Jacobian Matrix}``, ``\\circlegend{{green!20}}{Dual potentials}``)
  when the call has other arguments (the short one is then a description, not
  a name: ``\\usebeamertemplate{frame title}`` has one argument and stays), or
  whatever the call when the paper's own definition sets the argument as text (one word,
  ``\\pkg{amsmath}``, ``\\method{Ours}``, is too often a name and stays);
* any words at all for the macros of publishers' classes whose last argument is
  text by definition (:data:`TEMPLATE_PROSE`: AASTeX's ``\\colhead{Common}``,
  ACM's ``\\ccsdesc[300]{Computer systems organization~Robotics}``, nomencl's
  ``\\nomenclature``), which the reader also gives argument specs (``\\entry`` of asmeconf only a spec: a
  generic name, its description must pass the two-word test)
  (:data:`TEMPLATE_MACROS`; a paper's own definition of the same name wins).
"""

from __future__ import annotations

import re

from pylatexenc.latexwalker import LatexCharsNode, LatexGroupNode, LatexMacroNode, LatexMathNode, LatexSpecialsNode

from arxiv_translator.texdefs import Definition

#: Argument specs of publishers' macros whose last argument is text (name -> pylatexenc argspec).
TEMPLATE_MACROS = {
    # AASTeX deluxetable: column heads, caption, notes and comments
    "colhead": "{", "nocolhead": "{", "tablecaption": "{", "tablecomments": "{", "tablenotetext": "{{",
    "tablerefs": "{", "tablehead": "{",
    # ACM CCS concepts, nomencl / asmeconf nomenclature entries and headings
    "ccsdesc": "[{", "nomenclature": "[{{", "entry": "{{", "EntryHeading": "{",
    # running heads (LNCS, AASTeX, elsarticle ...): a short title set at the top of each page
    "titlerunning": "{", "shorttitle": "{", "runningtitle": "{",
}
#: Of those, the macros whose last argument is prose however short it is.
TEMPLATE_PROSE = {"colhead", "nocolhead", "tablecaption", "tablecomments", "tablenotetext", "tablerefs", "ccsdesc",
                  "nomenclature", "EntryHeading", "titlerunning", "shorttitle", "runningtitle",
                  "icmltitlerunning"}
#: Of those, the macros whose argument is walked as a block of table cells (``\\tablehead{\\colhead{..} & ..}``).
TEMPLATE_CONTAINERS = {"tablehead"}
#: Prefixes of macro families whose arguments are names, never prose (beamer templates, algorithm2e keywords,
#: fonts, languages): ``\\setbeamertemplate{frame title}``, ``\\SetKwIF{If}{..}{end if}``, ``\\setmainfont{Times New Roman}``.
NAME_PREFIXES = ("setbeamer", "usebeamer", "SetKw", "SetAlgo", "setmainfont", "setsansfont", "setmonofont", "newfont",
                 "setCJK", "fontspec", "babelfont", "selectlanguage", "tikzstyle", "pgfdeclare", "hyphenation",
                 "excludecomment", "includecomment", "specialcomment", "DeclareDocument", "NewDocument",
                 "RenewDocument", "ProvideDocument", "definecolor", "colorlet", "newglossary", "newacronym",
                 "DeclareOption", "Provides")
_WORD2 = re.compile(r"[A-Za-z]{2}")
PROSE_WORD = re.compile(r"(?<![\\A-Za-z@])[A-Za-z][a-z]{2,}(?![A-Za-z])")
_NOT_PROSE = re.compile(r"[=_@]|<<|>>|\b(?:pdf|ps|dvipdfmx|x):|\w/\w+/|\.(?:tex|pdf|png|jpe?g|eps|sty|cls|txt)\b|://")
#: Words of letters (a hyphen or apostrophe inside), separated by blanks: nothing else.
#: A bracketed annotation or a final mark after the words (``Thermal diffusivity [m$^2$ s$^{-1}$]``,
#: ``Prandtl number, $\\nu/\\alpha$``), left aside.
_UNITS = re.compile(r"\s*(?:\[[^\[\]]*\]|\([^()]*\)|[,;:.])\s*$")
_PLAIN = re.compile(r"\s*[A-Za-z]+(?:['-][A-Za-z]+)*(?:\s+[A-Za-z]+(?:['-][A-Za-z]+)*)*\s*")


def plain_text(nodes: list) -> str:
    """The characters of ``nodes`` outside math and macro names (a ``~`` is a blank)."""
    out = []
    for node in nodes:
        if isinstance(node, LatexCharsNode):
            out.append(node.chars)
        elif isinstance(node, LatexGroupNode):
            out.append(plain_text(node.nodelist))
        elif isinstance(node, (LatexMathNode, LatexMacroNode, LatexSpecialsNode)):
            out.append(" ")
    return "".join(out)


def is_prose(nodes: list) -> bool:
    """True when ``nodes`` read as a sentence: three or more words, no key-like characters."""
    text = plain_text(nodes)
    return len(PROSE_WORD.findall(text)) >= 3 and " " in text.strip() and not _NOT_PROSE.search(text)


def plain_words(nodes: list, least: int) -> bool:
    """True when ``nodes`` hold only words of letters (math aside), at least ``least`` of them and one a
    lower-case word of three letters or more: ``Jacobian Matrix``, ``Dual potentials``, not ``Force, N``."""
    parts = []
    for node in nodes:
        if isinstance(node, LatexCharsNode):
            parts.append(node.chars)
        elif isinstance(node, (LatexSpecialsNode, LatexMathNode)):
            parts.append(" ")
        else:  # a command or a group inside: not plain words
            return False
    text = _UNITS.sub(" ", "".join(parts))
    return bool(_PLAIN.fullmatch(text)) and len(text.split()) >= least and bool(PROSE_WORD.search(text))


def names_only(name: str) -> bool:
    """True for a macro family whose arguments are names (fonts, templates, keywords): never prose."""
    return name.startswith(NAME_PREFIXES)


def argument_is_prose(name: str, nodes: list, n_args: int, definition: Definition | None) -> bool:
    """Whether the last argument (``nodes``) of a call of ``name`` with ``n_args`` arguments is prose.

    ``definition`` is the paper's own definition of ``name``, if any; the argument is its last parameter.
    """
    if names_only(name):
        return False
    if definition is not None and definition.count in definition.nonprose:
        return False  # \secc{vqgan} -> \ref{sec:#1}: a key, however it reads
    if name in TEMPLATE_PROSE and definition is None:
        return bool(_WORD2.search(plain_text(nodes)))
    if is_prose(nodes):
        return True
    if definition is not None and definition.count in definition.text:
        return plain_words(nodes, 2)  # one word (\pkg{amsmath}, \method{Ours}) is too often a name
    return n_args >= 2 and plain_words(nodes, 2)
