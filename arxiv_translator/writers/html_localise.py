"""Korean labels for a translated arXiv (LaTeXML) page, and no hidden feedback buttons.

LaTeXML writes the labels of captions, headings and cross-references itself,
outside the prose the engine sees: ``<span class="ltx_tag ltx_tag_figure">Figure 3: </span>``,
``<span class="ltx_tag ltx_tag_appendix">Appendix A </span>``, and in reference links
``<span class="ltx_text ltx_ref_tag">Fig.</span>&nbsp;<span ...>4</span>`` or
``Table&nbsp;2``.  A Korean paper says 그림 3, 표 2, 부록 A: :func:`localise_page`
replaces the English label words (:data:`LABELS`) in the text of those spans only,
never anywhere else.

Links that show a section's title (``\\nameref``, LaTeXML's ``ltx_ref_title``: "2 Related
Work") take the translated title of the heading they point to, from the page itself.

arXiv adds a hidden "Report issue for preceding element" button after every block
(for its accessibility feedback form); a translated copy has no use for them, and
they are removed.
"""

from __future__ import annotations

import re
from typing import Any

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
#: Spans whose text LaTeXML writes: tags of captions, headings, theorems (not bibliography items or notes).
_TAG_OPEN = re.compile(r"""<span\s+class\s*=\s*["'](?:ltx_tag(?:\s+ltx_tag_(?!bibitem)[\w-]+)?"""
                       r"""|ltx_text\s+ltx_ref_tag)\b[^"']*["'][^>]*>""")
_TITLE_OPEN = re.compile(r"""<span\s+class\s*=\s*["']ltx_text\s+ltx_ref_title["'][^>]*>""")
_REF_LINK = re.compile(r"""<a\s+[^>]*\bclass\s*=\s*["']ltx_ref\b[^"']*["'][^>]*\bhref\s*=\s*["'][^"'#]*#([^"']+)["']"""
                       r"""[^>]*>|<a\s+[^>]*\bhref\s*=\s*["'][^"'#]*#([^"']+)["'][^>]*\bclass\s*=\s*["']ltx_ref\b"""
                       r"""[^"']*["'][^>]*>""")
_SPAN_EDGE = re.compile(r"<span\b|</span\s*>")
_TEXT = re.compile(r">([^<]+)(?=<)")
_FEEDBACK = re.compile(r"<button\b[^>]*>\s*Report issue for preceding element\s*</button\s*>", re.I)
_TAG_SPAN = re.compile(r"""^\s*<span\s+class\s*=\s*["']ltx_tag\b[^>]*>.*?</span\s*>""", re.S)
_TITLE_HEAD = re.compile(r"""<h[1-6]\b[^>]*\bclass\s*=\s*["']ltx_title\b[^>]*>(.*?)</h[1-6]\s*>""", re.S)
#: Markup a copied title may not hold: elements other than plain inline formatting, or any id.
_IDS = re.compile(r"<(?!/?(?:span|em|i|b|strong|sup|sub)\b)[A-Za-z/]|\sid\s*=", re.I)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


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


def _labels(page: str) -> tuple[str, int]:
    out, pos, count = [], 0, 0
    for m in _TAG_OPEN.finditer(page):
        if m.start() < pos:
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


def _heading_titles(page: str, anchors: set[str]) -> dict[str, str]:
    """Anchor id -> the translated title of its heading (inner HTML, without its number tag)."""
    titles = {}
    for anchor in anchors:
        at = page.find(f'id="{anchor}"')
        if at < 0:
            continue
        head = _TITLE_HEAD.search(page, at, at + 2000)
        if head is None or "<" in page[at:head.start()]:  # the heading must open the anchored element
            continue
        title = _TAG_SPAN.sub("", head.group(1)).strip()
        if _HANGUL.search(title) and not _IDS.search(title):  # (plain text and formatting only)
            titles[anchor] = title
    return titles


def _ref_titles(page: str) -> tuple[str, int]:
    """``ltx_ref_title`` texts of links to translated headings replaced by the heading's translation."""
    links = [(m.group(1) or m.group(2), m.end()) for m in _REF_LINK.finditer(page)]
    if not links:
        return page, 0
    titles = _heading_titles(page, {a for a, _ in links})
    out, pos, count = [], 0, 0
    for anchor, after in links:
        title = _TITLE_OPEN.match(page, after)
        if title is None or anchor not in titles or after < pos:
            continue
        end = span_end(page, title.end())
        if end < 0:
            continue
        inner = page[title.end():end]
        tag = _TAG_SPAN.match(inner)
        number = tag.group(0).replace("ltx_tag_section", "ltx_tag_ref") if tag else ""
        out += [page[pos:title.end()], number + titles[anchor]]
        pos = end
        count += 1
    out.append(page[pos:])
    return "".join(out), count


def localise_page(page: str, info: dict[str, Any] | None = None) -> str:
    """The page with Korean labels and reference titles, without feedback buttons.

    The counts (``labels_localised``, ``reference_titles``,
    ``feedback_buttons_removed``) are added to ``info`` when given (the
    writer's report section).
    """
    page, buttons = _FEEDBACK.subn("", page)
    page, labels = _labels(page)
    page, titles = _ref_titles(page)
    if info is not None:
        info.update(labels_localised=labels, reference_titles=titles, feedback_buttons_removed=buttons)
    return page
