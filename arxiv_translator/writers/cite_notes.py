"""A citation's notes in Korean: ``\\citep[e.g.,][Chapter~2]{key}`` -> ``\\citep[예:][2장]{key}``.

The notes of natbib and biblatex citations (the optional arguments before the
keys) are prose the paper prints inside the citation: "(e.g., Smith, 2020)",
"(Smith, 2020, Chapter 2)".  The citation itself is an atom the model never
sees, so the writers turn the notes they know into Korean here, from a table,
and only inside translated segments:

* whole notes: ``e.g.,`` -> ``예:``, ``see`` -> ``참조:``, ``cf.`` -> ``비교:``,
  ``i.e.,`` -> ``즉,``, ``and references therein`` -> ``및 그 참고문헌``...;
* a numbered place: ``Chapter~2`` -> ``2장``, ``Sec.~3.1`` -> ``3.1절``,
  ``Theorem 4`` -> ``정리 4``, ``p.~12`` / ``pp.~3--5`` -> ``12쪽`` / ``3--5쪽``,
  ``Eq.~(3)`` -> ``식 (3)``, with ``see`` before it -> ``... 참조``.

A note the table does not know stays as the paper wrote it; the keys, the
command and the brackets never change (``fidelity.py`` compares citations
without their notes).  A note that spans lines is left alone, so a file keeps
its line count.
"""

from __future__ import annotations

import re

#: Whole notes (compared without surrounding space, ``~`` read as a space) -> Korean.
WHOLE_NOTES: dict[str, str] = {
    "e.g.,": "예:", "e.g.": "예:", "e.g.\\,": "예:", "eg.,": "예:", "for example,": "예:", "for example": "예:",
    "for instance,": "예:", "for instance": "예:", "see, e.g.,": "예:", "see e.g.,": "예:", "see e.g.": "예:",
    "see": "참조:", "See": "참조:", "see also": "참조:", "See also": "참조:", "cf.": "비교:", "cf.,": "비교:",
    "cf": "비교:", "Cf.": "비교:", "i.e.,": "즉,", "i.e.": "즉,", "and references therein": "및 그 참고문헌",
    "and the references therein": "및 그 참고문헌", "among others": "등", "inter alia": "등",
    "and others": "등", "etc.": "등", "e.g., see": "예:", "see the survey": "서베이 참조", "survey": "서베이",
    "for a survey": "서베이", "for a review": "리뷰", "for an overview": "개관", "for details": "자세한 내용",
    "for more details": "자세한 내용", "for further details": "자세한 내용", "for a discussion": "논의",
    "for a recent survey": "최근 서베이",
}
#: Numbered places: English name (lower case, without the final dot) -> Korean with ``{n}`` for the number.
PLACES: dict[str, str] = {
    "chapter": "{n}장", "chap": "{n}장", "ch": "{n}장", "section": "{n}절", "sec": "{n}절", "sect": "{n}절",
    "sections": "{n}절", "secs": "{n}절", "§": "{n}절", "\\s": "{n}절", "theorem": "정리 {n}", "thm": "정리 {n}",
    "lemma": "보조정리 {n}", "corollary": "따름정리 {n}", "cor": "따름정리 {n}", "proposition": "명제 {n}",
    "prop": "명제 {n}", "definition": "정의 {n}", "def": "정의 {n}", "appendix": "부록 {n}", "app": "부록 {n}",
    "figure": "그림 {n}", "fig": "그림 {n}", "table": "표 {n}", "tab": "표 {n}", "equation": "식 {n}",
    "eq": "식 {n}", "eqn": "식 {n}", "eqs": "식 {n}", "algorithm": "알고리즘 {n}", "alg": "알고리즘 {n}",
    "example": "예 {n}", "remark": "참고 {n}", "assumption": "가정 {n}", "exercise": "연습문제 {n}",
    "p": "{n}쪽", "pp": "{n}쪽", "page": "{n}쪽", "pages": "{n}쪽", "part": "제{n}부",
}
_NUMBER = r"\(?[A-Za-z]?[\d.]*\d[A-Za-z]?(?:\.\d+)*\)?|[A-Z](?:\.\d+)*|[IVXLC]+"
_PLACE = re.compile(r"(?P<see>(?:see|See|cf\.)\s+)?(?P<name>[A-Za-z]+|§|\\S)\.?\s*(?P<num>(?:" + _NUMBER + r")"
                    r"(?:\s*(?:--|-|–|,|and|&)\s*(?:" + _NUMBER + r"))*)")
#: A citation command with at least one optional argument, up to its keys' opening brace.
CITE_NOTES = re.compile(r"(\\(?:[cC]ite[a-zA-Z]*|[pP]arencite|[tT]extcite|[aA]utocite|[fF]ootcite|"
                        r"[sS]martcite|[sS]upercite)\*?)((?:\s*\[[^\]\n]*\]){1,2})(\s*\{)")
_OPTION = re.compile(r"\[([^\]\n]*)\]")


def korean_note(note: str) -> str:
    """One note in Korean when the table knows it, else ``note`` unchanged (its surrounding space kept)."""
    core = re.sub(r"(?:~|\\ |\s)+", " ", note).strip()
    if not core:
        return note
    lead, trail = note[: len(note) - len(note.lstrip())], note[len(note.rstrip()):]
    if core in WHOLE_NOTES:
        return lead + WHOLE_NOTES[core] + trail
    m = _PLACE.fullmatch(core)
    if m is None or m.group("name").lower() not in PLACES:
        return note
    number = re.sub(r"\s*(?:,|and|&)\s*", ", ", m.group("num"))  # "2 and 3" -> "2, 3"
    korean = PLACES[m.group("name").lower()].format(n=number)
    return lead + (korean + " 참조" if m.group("see") else korean) + trail


def korean_cite_notes(text: str) -> str:
    """``text`` (LaTeX) with the notes of its citation commands in Korean, where :func:`korean_note` knows them."""
    def notes(m: re.Match[str]) -> str:
        return m.group(1) + _OPTION.sub(lambda o: "[" + korean_note(o.group(1)) + "]", m.group(2)) + m.group(3)

    return CITE_NOTES.sub(notes, text) if "cite" in text.lower() else text


def korean_citation(atom: str) -> str:
    """A protected span that is a citation command, with its notes in Korean; any other span (code such as
    ``\\verb|\\citep[e.g.,]{x}|``, a footnote) unchanged."""
    return korean_cite_notes(atom) if CITE_NOTES.match(atom) else atom
