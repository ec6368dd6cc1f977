"""A LaTeX paper's cross-references as text: label numbers, citations, and the paper's own reference macros.

Shared by the writers that print references themselves (the bilingual page, the Korean Markdown):

* label numbers come from the document (``doc.latex.labels``, computed by the LaTeX reader); the
  ``.aux`` of the original's compile wins where the build left one (:mod:`.latex_numbers`);
* citations come from :mod:`.latex_cites` (that compile's ``.bbl`` first, else the tree's ``.bbl``/``.bib``);
* a paper's own reference macros (``\\newcommand{\\secref}[1]{Section~\\ref{sec:#1}}``,
  ``\\def\\Figref#1{Figure~\\ref{#1}}``) are read from its files (:class:`RefMacro`), so that
  ``\\secref{intro}`` prints "Section 2" / "2절" as LaTeX would, not the key;
* glossary terms: ``\\gls{cnn}`` prints the short form (``CNN``) or the entry's name, in Korean where the
  name was translated (the definitions are segments of their own), not the key;
* keys are compared as LaTeX compares them: a line break inside ``\\ref{fig:<newline>data}`` is a
  space, so it names ``\\label{fig: data}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from arxiv_translator.document import Document
from arxiv_translator.document_attrs import LatexLabel
from arxiv_translator.readers.latex_tree import strip_comments
from arxiv_translator.texscan import match_brace
from arxiv_translator.writers.latex_cites import Bibliography, bibliography
from arxiv_translator.writers.latex_numbers import merge_aux

if TYPE_CHECKING:
    from arxiv_translator.writers.base import WriteJob

#: Where the original's compile leaves its ``.aux``/``.bbl`` (under the job's work folder), when it keeps them.
ORIGINAL_REFS = "original-refs"
NAMES = {"section": ("Section", "절"), "figure": ("Figure", "그림"), "table": ("Table", "표"),
         "equation": ("Eq.", "식"), "algorithm": ("Algorithm", "알고리즘")}
THEOREM_KO = {"theorem": "정리", "lemma": "보조정리", "definition": "정의", "proposition": "명제",
              "corollary": "따름정리", "remark": "비고", "example": "예", "assumption": "가정", "conjecture": "추측",
              "claim": "주장", "fact": "사실", "observation": "관찰", "problem": "문제", "hypothesis": "가설",
              "property": "성질", "condition": "조건", "exercise": "연습문제", "question": "질문", "note": "참고"}
#: Reference commands that print the referenced thing's name with its number.
NAMED = {"cref", "Cref", "autoref", "Autoref", "vref", "Vref"}
REF_COMMANDS = ("ref", "eqref", "autoref", "Autoref", "cref", "Cref", "vref", "Vref", "pageref", "nameref")

_DEFINITION = re.compile(r"\\(?:(?:re)?newcommand\*?|providecommand\*?|DeclareRobustCommand\*?)\s*"
                         r"(?:\{\s*\\([A-Za-z@]+)\s*\}|\\([A-Za-z@]+))\s*\[\s*1\s*\]\s*\{"
                         r"|\\(?:g|e|x)?def\s*\\([A-Za-z@]+)\s*#1\s*\{")
_BODY = re.compile(r"\s*((?:[A-Za-z.]+(?:~|\\,|\\ |\s)+)?)\\(" + "|".join(REF_COMMANDS) + r")\s*\{([^{}#]*)#1([^{}#]*)\}\s*")
_TERM_DEF = re.compile(r"\\(?:newacronym|newabbreviation)\s*(?:\[[^\]]*\])?\s*\{([^{}]+)\}\s*\{([^{}]*)\}"
                       r"|\\(?:newglossaryentry|DeclareAcronym)\s*\{([^{}]+)\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_TERM_NAME = re.compile(r"(?:^|,)\s*(?:name|short)\s*=\s*(\{[^{}]*\}|[^,]*)")
#: glossaries/acro commands that print a term (-> plural, capitalised)
TERM_COMMANDS = {"gls": (False, False), "Gls": (False, True), "GLS": (False, False), "glspl": (True, False),
                 "Glspl": (True, True), "acrshort": (False, False), "Acrshort": (False, True),
                 "acrshortpl": (True, False), "glsentryshort": (False, False), "glsentryname": (False, False),
                 "ac": (False, False), "acs": (False, False), "acp": (True, False), "Ac": (False, True),
                 "glssymbol": (False, False), "glsname": (False, False), "Glsname": (False, True)}


def label_key(key: str) -> str:
    """A label key as LaTeX compares it (runs of spaces and line breaks are one space)."""
    return " ".join(key.split())


@dataclass(frozen=True)
class RefMacro:
    """A paper's own one-argument macro that prints a reference: ``words`` + ``\\command{prefix#1suffix}``."""

    command: str
    prefix: str = ""
    suffix: str = ""
    words: str = ""  # what the macro prints before the number ("Section"), "" when nothing

    def keys(self, arg: str) -> list[str]:
        """The label keys a call with argument ``arg`` names."""
        return [f"{self.prefix}{arg.strip()}{self.suffix}"]


def reference_macros(texts: list[str]) -> dict[str, RefMacro]:
    """The reference macros the given LaTeX sources define (comments skipped; a later definition wins)."""
    found: dict[str, RefMacro] = {}
    for text in texts:
        if "#1" not in text:
            continue
        text = strip_comments(text)
        for m in _DEFINITION.finditer(text):
            name = m.group(1) or m.group(2) or m.group(3)
            end = match_brace(text, m.end() - 1, min(len(text), m.end() + 400))
            if end is None:
                continue
            body = _BODY.fullmatch(text[m.end() : end])
            if body is not None:
                words = " ".join(re.sub(r"~|\\,|\\ ", " ", body.group(1)).split())
                found[name] = RefMacro(body.group(2), body.group(3), body.group(4), words)
    return found


def glossary_terms(texts: list[str]) -> dict[str, str]:
    """Glossary key -> the text ``\\gls{key}`` prints after its first use (short form, or the entry's name)."""
    terms: dict[str, str] = {}
    for text in texts:
        if "\\new" not in text and "\\Declare" not in text:
            continue
        for m in _TERM_DEF.finditer(text):
            if m.group(1):
                terms[m.group(1).strip()] = m.group(2).strip()
            elif (name := _TERM_NAME.search(m.group(4))) is not None:
                terms[m.group(3).strip()] = name.group(1).strip().strip("{}").strip()
    return terms


def latex_xref_for(job: WriteJob) -> LatexXref:
    """The :class:`LatexXref` of a write job's LaTeX document (its files, and what the original's compile
    left in ``work/ORIGINAL_REFS``), built once for the writers that print references."""
    found = job.shared.get("latex_xref")
    if found is None:
        found = job.shared["latex_xref"] = LatexXref(job.doc, job.assets, job.work / ORIGINAL_REFS)
    return found


class LatexXref:
    """Label numbers, the bibliography and the reference macros of one LaTeX document."""

    def __init__(self, doc: Document, root: Path | None, build: Path | None = None) -> None:
        labels: dict[str, LatexLabel] = dict(doc.latex.labels) if doc.latex else {}  # the reader's numbers
        stem = Path(doc.main_file or "main").stem
        if build is not None and build.is_dir():  # what the original's compile left: exact numbers and entries
            labels = merge_aux(labels, [p for p in (build / f"{stem}.aux",) if p.is_file()])
        self.labels: dict[str, LatexLabel] = {label_key(k): v for k, v in labels.items()}
        self.bib: Bibliography = bibliography(doc, root, build)
        self.macros: dict[str, RefMacro] = reference_macros([f.text for f in doc.files.values()])
        self.terms: dict[str, str] = glossary_terms([f.text for f in doc.files.values()])
        self._translated = {seg.source.strip(): seg.output for seg in doc.segments()
                            if seg.kind == "item" and seg.source.strip() in self.terms.values()}

    def label(self, key: str) -> LatexLabel | None:
        """The label ``key`` names, when it has a number."""
        found = self.labels.get(label_key(key))
        return found if found is not None and found.number else None

    def ref_text(self, command: str, keys: list[str], lang: str) -> str:
        """The plain text of a reference (``??`` for an unknown label)."""
        return ", ".join(self.label_text(command, label, lang) if (label := self.label(k)) else "??" for k in keys)

    def label_text(self, command: str, label: LatexLabel, lang: str) -> str:
        """What ``\\command{key}`` prints for ``label``: its number, with its name for the named commands."""
        number = f"({label.number})" if command == "eqref" or (command in NAMED and label.kind == "equation") \
            else label.number
        if command not in NAMED:
            return number
        en, ko = NAMES.get(label.kind, (label.title or "", THEOREM_KO.get(label.title.lower(), label.title)))
        if label.kind == "section" and re.fullmatch(r"[A-Z](\.\d+)*", label.number):
            en, ko = "Appendix", "부록"
        if lang == "ko":
            return f"{label.number}{ko}" if ko == "절" else f"{ko} {number}".strip()
        return f"{en} {number}".strip()

    def macro_text(self, macro: RefMacro, arg: str, lang: str) -> str:
        """What a reference macro's call prints: in English its own words, in Korean the label's name."""
        keys = macro.keys(arg)
        if not macro.words:
            return self.ref_text(macro.command, keys, lang)
        if lang == "ko":  # the label's Korean name ("Section~\\ref" -> "3절", "Equation~\\eqref" -> "식 (2)")
            return self.ref_text("cref", keys, lang)
        return f"{macro.words} {self.ref_text(macro.command, keys, lang)}"

    def cite_text(self, command: str, keys: list[str], pre: str = "", post: str = "") -> str:
        """The text of ``\\command[pre][post]{keys}`` as the paper prints it."""
        return self.bib.cite(command, keys, pre, post)

    def term_text(self, command: str, key: str, lang: str) -> str | None:
        """What ``\\command{key}`` of glossaries/acro prints (short form or name; Korean where translated)."""
        term = self.terms.get(key.strip())
        if term is None or command not in TERM_COMMANDS:
            return None
        plural, capital = TERM_COMMANDS[command]
        text = self._translated.get(term, term) if lang == "ko" else term
        if plural and lang != "ko":
            text += "s"
        return text[:1].upper() + text[1:] if capital else text
