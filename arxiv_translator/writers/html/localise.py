"""Korean labels for a translated arXiv (LaTeXML) page, and no hidden feedback buttons.

LaTeXML writes the labels of captions, headings and cross-references itself,
outside the prose the engine sees: ``<span class="ltx_tag ltx_tag_figure">Figure 3: </span>``,
``<span class="ltx_tag ltx_tag_appendix">Appendix A </span>``, and in reference links
``<span class="ltx_text ltx_ref_tag">Fig.</span>&nbsp;<span ...>4</span>`` or
``Table&nbsp;2``.  A Korean paper says 그림 3, 표 2, 부록 A: :func:`localise_page`
replaces the English label words (:data:`LABELS`) in the text of those spans only,
never anywhere else (:mod:`arxiv_translator.writers.labels`, shared with the
Markdown rendering of such a page).

Links that show a section's title (``\\nameref``, LaTeXML's ``ltx_ref_title``: "2 Related
Work") take the translated title of the heading they point to, from the page itself.

arXiv adds a hidden "Report issue for preceding element" button after every block
(for its accessibility feedback form); a translated copy has no use for them, and
they are removed.
"""

from __future__ import annotations

import re
from typing import Any

from arxiv_translator.writers.labels import localise_tags, span_end

_TITLE_OPEN = re.compile(r"""<span\s+class\s*=\s*["']ltx_text\s+ltx_ref_title["'][^>]*>""")
_REF_LINK = re.compile(r"""<a\s+[^>]*\bclass\s*=\s*["']ltx_ref\b[^"']*["'][^>]*\bhref\s*=\s*["'][^"'#]*#([^"']+)["']"""
                       r"""[^>]*>|<a\s+[^>]*\bhref\s*=\s*["'][^"'#]*#([^"']+)["'][^>]*\bclass\s*=\s*["']ltx_ref\b"""
                       r"""[^"']*["'][^>]*>""")
_FEEDBACK = re.compile(r"<button\b[^>]*>\s*Report issue for preceding element\s*</button\s*>", re.I)
_TAG_SPAN = re.compile(r"""^\s*<span\s+class\s*=\s*["']ltx_tag\b[^>]*>.*?</span\s*>""", re.S)
_TITLE_HEAD = re.compile(r"""<h[1-6]\b[^>]*\bclass\s*=\s*["']ltx_title\b[^>]*>(.*?)</h[1-6]\s*>""", re.S)
#: Markup a copied title may not hold: elements other than plain inline formatting, or any id.
_IDS = re.compile(r"<(?!/?(?:span|em|i|b|strong|sup|sub)\b)[A-Za-z/]|\sid\s*=", re.I)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


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
    page, labels = localise_tags(page)
    page, titles = _ref_titles(page)
    if info is not None:
        info.update(labels_localised=labels, reference_titles=titles, feedback_buttons_removed=buttons)
    return page
