"""Korean for the labels LaTeXML writes: ``Figure 3:`` -> ``그림 3:``, ``Table&nbsp;2`` -> ``표&nbsp;2``.

LaTeXML sets the labels of captions, headings, theorems and the text of
cross-references itself, in spans outside the prose an engine sees
(``<span class="ltx_tag ltx_tag_figure">Figure 3: </span>``,
``<span class="ltx_text ltx_ref_tag">Fig.</span>``).  :func:`localise_tags`
replaces the English label words (:data:`LABELS`) in the text of those spans
only; the HTML writer applies it to the page, the Markdown rendering to the
reference atoms it shows.
"""

from __future__ import annotations

import re

#: English label word (as LaTeXML and hyperref's \autoref / cleveref write it) -> Korean.
LABELS: dict[str, str] = {
    "Figure": "그림", "Figures": "그림", "Fig.": "그림", "Figs.": "그림", "Fig": "그림",
    "Table": "표", "Tables": "표", "Tab.": "표", "Tab": "표",
    "Algorithm": "알고리즘", "Algorithms": "알고리즘", "Alg.": "알고리즘",
    "Section": "섹션", "Sections": "섹션", "Sec.": "섹션", "Secs.": "섹션", "section": "섹션",
    "subsection": "섹션", "subsubsection": "섹션", "Subsection": "섹션", "Chapter": "장", "Part": "부",
    "Appendix": "부록", "Appendices": "부록", "App.": "부록",
    "Equation": "식", "Equations": "식", "Eq.": "식", "Eqs.": "식", "Eqn.": "식", "equation": "식",
    "Theorem": "정리", "Lemma": "보조정리", "Corollary": "따름정리", "Proposition": "명제",
    "Definition": "정의", "Assumption": "가정", "Remark": "비고", "Example": "예", "Conjecture": "추측",
    "Claim": "주장", "Hypothesis": "가설", "Observation": "관찰", "Property": "성질", "Condition": "조건",
    "Problem": "문제", "Exercise": "연습문제", "Note": "참고", "Notation": "표기", "Fact": "사실",
    "Proof": "증명", "Step": "단계", "Footnote": "각주", "Line": "줄", "Listing": "코드", "Prompt": "프롬프트",
    "Box": "상자", "Case": "경우",
}
_WORDS = "|".join(re.escape(w) for w in sorted(LABELS, key=len, reverse=True))
#: A label word at the start of a text node or after a space, before a space, number, letter label or end.
_LABEL = re.compile(rf"(?<![A-Za-z])({_WORDS})(?=$|[\s\u00a0:(.]|&nbsp;|&#160;|\d|[A-Z]\b)")
#: Spans whose text LaTeXML writes: tags of captions, headings, theorems, references (bibliography labels excepted).
_TAG_OPEN = re.compile(r"""<span\s+class\s*=\s*["'](?:ltx_tag|ltx_text\s+ltx_ref_tag)\b[^"']*["'][^>]*>""")
_SPAN_EDGE = re.compile(r"<span\b|</span\s*>")
_TEXT = re.compile(r">([^<]+)(?=<)")


def span_end(page: str, inner: int) -> int:
    """Offset of the ``</span>`` that closes a span whose content starts at ``inner`` (-1 if none)."""
    depth = 1
    for m in _SPAN_EDGE.finditer(page, inner):
        depth += 1 if m.group(0) == "<span" else -1
        if depth == 0:
            return m.start()
    return -1


def localise_label(text: str) -> str:
    """English label words in one text node replaced by Korean (``Table&nbsp;2`` -> ``표&nbsp;2``)."""
    return _LABEL.sub(lambda m: LABELS[m.group(1)], text)


def localise_tags(page: str) -> tuple[str, int]:
    """``page`` (or a fragment) with the label words in LaTeXML's tag spans made Korean; and how many spans changed."""
    out, pos, count = [], 0, 0
    for m in _TAG_OPEN.finditer(page):
        if m.start() < pos or "ltx_tag_bibitem" in m.group(0):  # a bibliography label is a name
            continue
        end = span_end(page, m.end())
        if end < 0:
            continue
        inner = page[m.end():end]
        new = _TEXT.sub(lambda t: ">" + localise_label(t.group(1)), ">" + inner + "<")[1:-1]
        count += new != inner
        out += [page[pos:m.end()], new]
        pos = end
    out.append(page[pos:])
    return "".join(out), count
