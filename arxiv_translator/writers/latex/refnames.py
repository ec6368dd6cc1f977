"""The paper's own reference macros print Korean names: ``\\Secref{x}`` gives "절 3", not "Section 3".

Papers define reference macros that hard-code an English word before the
number, which the model never sees (definitions are not prose segments):

* ``\\newcommand{\\Secref}[1]{Section~\\ref{#1}}``, ``\\def\\figref#1{Figure~\\ref{#1}}``,
  ``\\newcommand{\\figg}[1]{Fig.~\\ref{fig:#1}}``, ``\\def\\twosecrefs#1#2{sections \\ref{#1} and \\ref{#2}}``;
* prettyref's ``\\newrefformat{sec}{\\hyperref[#1]{Section~\\ref*{#1}}}`` and
  cleveref's ``\\crefformat{section}{Section~#2#1#3}``;
* cleveref's ``\\crefname{figure}{Fig.}{Figs.}`` (and ``\\Crefname``);
* name macros set anywhere, also in the body, where they would override the
  Korean names the writer sets at ``\\begin{document}``
  (``\\renewcommand{\\sectionautorefname}{Section}``, ``\\def\\figurename{Fig.}``).

:func:`korean_ref_definitions` rewrites them in the written files: in a
definition's body, a reference word (:data:`REF_WORDS`: Section, Sec., Figure,
Fig., Table, Appendix, Equation, Eq., Algorithm, Theorem, Lemma ..., and
plurals) that stands right before a reference (``\\ref``, ``\\ref*``,
``\\eqref``, ``\\autoref``, ``\\hyperref``..., or cleveref's ``#2#1#3``) becomes
the Korean name the writer gives that counter (:data:`~.names.REF_NAMES`), in
the same place: Korean papers write ``그림~\\ref{..}`` as ``\\autoref`` prints
it; an "and" between two references becomes "및".  A name macro or a
``\\crefname`` argument that is one such word becomes the counter's Korean
name.  Words that are not reference words (``Patch~\\ref*{#1}``, an item named
``Attack``) stay as the paper wrote them.  Comments and verbatim are left
alone, and the line count never changes.
"""

from __future__ import annotations

import re

from arxiv_translator.texscan import match_brace
from arxiv_translator.writers.latex.names import REF_NAMES

#: Counter -> the English words a paper writes for it (singular, plural, abbreviations); the Korean name
#: is :data:`REF_NAMES` of the counter.
_FORMS: dict[str, tuple[str, ...]] = {
    "section": ("section", "sections", "sec.", "secs.", "sect.", "sects.", "subsection", "subsections"),
    "figure": ("figure", "figures", "fig.", "figs."),
    "table": ("table", "tables", "tab.", "tabs.", "tbl."),
    "appendix": ("appendix", "appendices", "app.", "apps.", "apx."),
    "equation": ("equation", "equations", "eq.", "eqs.", "eqn.", "eqns."),
    "algorithm": ("algorithm", "algorithms", "alg.", "algs.", "algo."),
    "theorem": ("theorem", "theorems", "thm.", "thms."),
    "lemma": ("lemma", "lemmas", "lemmata", "lem.", "lems."),
    "chapter": ("chapter", "chapters", "ch.", "chap.", "chaps."),
    "listing": ("listing", "listings", "lst."),
    "definition": ("definition", "definitions", "def.", "defs.", "defn.", "defns."),
    "corollary": ("corollary", "corollaries", "cor.", "cors."),
    "proposition": ("proposition", "propositions", "prop.", "props."),
    "remark": ("remark", "remarks", "rem."),
    "example": ("example", "examples", "ex."),
    "assumption": ("assumption", "assumptions", "assum.", "asm."),
    "claim": ("claim", "claims"),
    "conjecture": ("conjecture", "conjectures"),
    "part": ("part", "parts"),
    "line": ("line", "lines"),
    "footnote": ("footnote", "footnotes"),
}
#: An English reference word (lower case) -> Korean.
REF_WORDS: dict[str, str] = {form: REF_NAMES[counter] for counter, forms in _FORMS.items() for form in forms}

_WORD_ALT = "|".join(re.escape(w) for w in sorted(REF_WORDS, key=len, reverse=True))
_REF_CMD = r"\\(?:ref|eqref|autoref|Autoref|cref|Cref|pageref|hyperref|nameref|vref|Vref|labelcref|subref)(?![A-Za-z])"
#: A reference word right before a reference (``Section~\ref``, ``Eq.~(\ref``, ``Section~#2#1#3``).
_WORD_BEFORE_REF = re.compile(
    rf"(?<![\\A-Za-z@])({_WORD_ALT})(?![A-Za-z])(?=(?:[\s~]|\\[,; ])*\(?\s*(?:{_REF_CMD}|#2#1))", re.I)
#: "and" between two references (``\ref{#1} and \ref{#2}``).
_AND = re.compile(rf"(?<=[}})])([\s~,]*)and(?=[\s~]+{_REF_CMD})")
#: The head of a definition, up to its body's ``{``: group 1 is the defined macro's name.
_HEAD = re.compile(
    r"\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand)\*?\s*(?:\{\s*\\([A-Za-z@]+)\s*\}|\\([A-Za-z@]+))"
    r"\s*(?:\[\d\])?\s*(?:\[[^\]\n]*\])?\s*\{"
    r"|\\[gex]?def\s*\\([A-Za-z@]+)[^{}\n]{0,40}\{"
    r"|\\(?:newrefformat|[cC]ref(?:range|multi)?format)\s*\{[^{}\n]*\}\s*\{")
#: ``\crefname{type}{singular}{plural}``.
_CREFNAME = re.compile(r"\\[cC]refname\s*\{\s*([A-Za-z@]+)\s*\}\s*\{([^{}\n]*)\}\s*\{([^{}\n]*)\}")
#: Name macros (besides ``\<counter>autorefname``) whose body is a reference word: macro -> counter.
NAME_MACRO_COUNTERS: dict[str, str] = {
    "figurename": "figure", "tablename": "table", "appendixname": "appendix", "chaptername": "chapter",
    "partname": "part", "algorithmname": "algorithm", "algorithmcfname": "algorithm", "lstlistingname": "listing",
}
_SKIP = re.compile(r"%(?<!\\%)[^\n]*|\\begin\{(verbatim|lstlisting|minted|comment)\*?\}.*?\\end\{\1\*?\}", re.S)
MAX_BODY = 4000


def _korean(word: str, counter: str | None = None) -> str | None:
    """The Korean name for an English reference word (the counter's, when the counter has one)."""
    if word.strip().lower() not in REF_WORDS:
        return None
    return REF_NAMES.get(counter or "", REF_WORDS[word.strip().lower()])


def _name_counter(name: str) -> str | None:
    """The counter a name macro names (``sectionautorefname`` -> ``section``), else None."""
    if name.endswith("autorefname"):
        return name[: -len("autorefname")]
    return NAME_MACRO_COUNTERS.get(name)


def _body_edits(visible: str, start: int, end: int, name: str | None) -> list[tuple[int, int, str]]:
    """Edits ``(start, end, new)`` in one definition body ``visible[start:end]``."""
    body = visible[start:end]
    counter = _name_counter(name) if name else None
    if name and counter is not None:  # \renewcommand{\sectionautorefname}{Section}: the whole body
        ko = _korean(body, counter) if "\\" not in body else None
        lead = len(body) - len(body.lstrip())
        return [(start + lead, start + len(body.rstrip()), ko)] if ko and body.strip() else []
    if "#2#1" not in body and "ref" not in body.lower():  # what every reference command's name holds
        return []  # (the pattern, tried at each word, cost ~8 ms a paper on bodies without one)
    edits = [(start + m.start(1), start + m.end(1), REF_WORDS[m.group(1).lower()])
             for m in _WORD_BEFORE_REF.finditer(body)]
    if edits:
        edits += [(start + m.end(1), start + m.end(), "및") for m in _AND.finditer(body)]
    return edits


def korean_ref_definitions(text: str) -> str:
    """``text`` with the English words of its reference definitions in Korean (see the module docstring)."""
    if not any(k in text for k in ("ref", "name")):
        return text
    visible = _SKIP.sub(lambda m: " " * len(m.group(0)), text)  # same offsets, comments and verbatim blank
    edits: list[tuple[int, int, str]] = []
    for m in _HEAD.finditer(visible):
        close = match_brace(visible, m.end() - 1, min(len(visible), m.end() + MAX_BODY))
        if close is not None:
            edits += _body_edits(visible, m.end(), close, m.group(1) or m.group(2) or m.group(3))
    for m in _CREFNAME.finditer(visible):
        for group in (2, 3):
            ko = _korean(m.group(group), m.group(1))
            if ko:
                edits.append((m.start(group), m.end(group), ko))
    out, pos = [], 0
    for start, end, new in sorted(set(edits)):
        if start < pos:
            continue
        out += [text[pos:start], new]
        pos = end
    out.append(text[pos:])
    return "".join(out)
