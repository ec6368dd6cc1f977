"""The arXiv HTML output: ``paper.ko.html``, arXiv's own page with the prose in Korean.

Translations are spliced into the page text at the offsets the reader
recorded (:func:`~arxiv_translator.writers.splice.render_file`, recursively for
footnotes), so every byte outside the translated prose is the original's:
``<math>``, ``<cite>``, reference links, ids, the bibliography, code, the
author block and styles.  Then the page is finished:

* the table of contents takes the translated section titles (when a TOC
  entry masks like its heading, it reuses the heading's translation with its
  own protected parts);
* relative URLs of images, stylesheets, scripts and links (outside
  ``<math>`` and ``<cite>``) become absolute arXiv URLs and ``<base>`` is
  dropped, so that the saved page loads its assets while its in-page links
  (``#S2``) stay in the page;
* the head: ``lang="ko"``, UTF-8, the translated title in ``<title>``; for
  the ``pseudo`` engine a banner says it is not a real translation;
* anything that could run or reach out by itself (scripts, event handlers,
  frames, ``javascript:`` URLs, refresh) is removed and a Content-Security-Policy
  added (:mod:`~arxiv_translator.writers.html.safety`): the page is safe to open.

Model text is never trusted as markup: in a translation, everything but the
placeholders is text, so ``<``, ``>`` and ``&`` are escaped before the
protected spans (the page's own bytes) are put back.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urljoin

from arxiv_translator.document import Document, Segment, Status
from arxiv_translator.protect import PLACEHOLDER_RE, mask
from arxiv_translator.readers.html import make_segment
from arxiv_translator.readers.html_page import Node, parse_page, plain_text
from arxiv_translator.writers.base import WriteJob, WriteResult, Writer
from arxiv_translator.writers.html.assets import offline_assets
from arxiv_translator.writers.html.localise import localise_page
from arxiv_translator.writers.html.safety import sanitise_page
from arxiv_translator.writers.splice import TRANSLATED, render_file

OUTPUT = "paper.ko.html"
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ATTRS = r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*"
#: Rewritten: start tags with URLs (group 1), and a script's start tag (group 2); kept: math, cite,
#: comments, styles and a script's content.
_URL_TAGS = re.compile(rf"<math\b.*?</math\s*>|<cite\b.*?</cite\s*>|<!--.*?-->|<style\b.*?</style\s*>|"
                       rf"(<(?:img|link|a|source|video|audio|track|embed|iframe|input|image|use)\b{_ATTRS}>)|"
                       rf"(<script\b{_ATTRS}>).*?</script\s*>", re.S | re.I)
_URL_ATTR = re.compile(r"""(\s(?:src|href|poster|xlink:href)\s*=\s*)("[^"]*"|'[^']*')""", re.I)
_ABSOLUTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|#)")  # "//host/x" is joined: a saved page is file:
_HTML_TAG = re.compile(r"<html\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.I)
_LANG = re.compile(r"""(\slang\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+)""", re.I)
_BASE = re.compile(r"<base\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.I)
_TITLE = re.compile(r"(<title\b[^>]*>)(.*?)(</title\s*>)", re.S | re.I)
_H1_TITLE = re.compile(r"<h1\b[^>]*\bltx_title_document\b.*?</h1\s*>", re.S | re.I)
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.I)
_BODY_TAG = re.compile(r"<body\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.I)
_CHARSET = re.compile(r"""(<meta\b[^>]*\bcharset\s*=\s*["']?)[A-Za-z0-9_-]+""", re.I)
PSEUDO_BANNER = ('<div class="arxiv-translator-pseudo" role="note" style="background:#fff3cd;color:#664d03;'
                 'padding:.5em 1em;text-align:center;font:14px sans-serif;">PSEUDO-TRANSLATION '
                 '(arxiv-translator --engine pseudo): not a real translation</div>')


def escape_prose(answer: str) -> str:
    """``answer`` with its text escaped as HTML; placeholders stay as they are.

    Entities the text already holds (``&nbsp;``) are decoded first, so they
    come out as the character, not as ``&amp;nbsp;``.
    """
    out, pos = [], 0
    for m in PLACEHOLDER_RE.finditer(answer):
        out.append(_text(answer[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_text(answer[pos:]))
    return "".join(out)


def _text(prose: str) -> str:
    return html.escape(_ENTITY.sub(lambda m: html.unescape(m.group(0)), prose), quote=False)


def _safe(segment: Segment) -> Segment:
    """A copy whose translation is safe to splice into HTML."""
    if segment.status not in TRANSLATED or segment.target_masked is None:
        return segment
    return segment.model_copy(update={"target_masked": escape_prose(segment.target_masked)})


def toc_segments(text: str, tree: Node, headings: dict[str, Segment]) -> list[Segment]:
    """Translated stand-ins for the TOC entries whose heading was translated."""
    out: list[Segment] = []
    for nav in (n for n in tree.iter() if "ltx_TOC" in n.classes):
        for link in (n for n in nav.iter() if n.name == "a" and "#" in n.attrs.get("href", "")):
            heading = headings.get(link.attrs["href"].rsplit("#", 1)[1])
            title = next((n for n in link.iter() if "ltx_ref_title" in n.classes), None)
            if heading is None or title is None:
                continue
            entry = make_segment(text, title, "toc", f"toc/{len(out) + 1}")
            if entry is None:
                continue
            mask(entry)
            target = _toc_target(entry, heading)
            if target is not None:
                entry.target_masked, entry.status = target, Status.TRANSLATED
                out.append(entry)
    return out


def _toc_target(entry: Segment, heading: Segment) -> str | None:
    """The heading's translation in terms of the TOC entry's placeholders, if they correspond."""
    if entry.masked == heading.masked:
        return heading.target_masked
    # Number tags only on both sides (the TOC's "Abstract" has an empty tag, the heading none).
    if not all(s.kind in ("tag", "entity") for s in entry.spans + heading.spans):
        return None
    words = PLACEHOLDER_RE.sub(" ", heading.target_masked or "").strip()
    masked = entry.masked or ""
    if not PLACEHOLDER_RE.search(masked):
        return words
    if masked.startswith("<x1/>") and len(PLACEHOLDER_RE.findall(masked)) == 1:
        return f"<x1/>{words}"
    return None


def render_page(doc: Document, pseudo: bool = False) -> tuple[str, dict[str, Any]]:
    """The translated page and counts for the report."""
    rel = doc.main_file or ""
    text = doc.files[rel].text
    segments = [_safe(s) for s in doc.segments()]
    headings = {s.locator.anchor: s for s in doc.segments()
                if s.locator.anchor is not None and s.status in TRANSLATED and s.target_masked is not None}
    toc = [_safe(s) for s in toc_segments(text, parse_page(text), headings)] if headings else []
    page = render_file(text, segments + toc)
    base = doc.meta.get("base_url")
    page, urls = absolute_urls(page, base) if base else (page, 0)
    page = korean_head(page, _title_text(doc, page), pseudo)
    page, removed = sanitise_page(page)
    counts = doc.status_counts()
    return page, {"segments": sum(counts.values()), **counts, "toc_entries": len(toc), "urls_rewritten": urls,
                  "base_url": base or "", "removed": dict(sorted(removed.items()))}


def _title_text(doc: Document, page: str) -> str | None:
    """The page's (translated) document title as plain text; None when no title segment was translated."""
    if not any(s.kind == "title" and s.status in TRANSLATED for s in doc.segments()):
        return None
    m = _H1_TITLE.search(page)
    return plain_text(m.group(0), parse_page(m.group(0)).children[0]) if m else None


def absolute_urls(page: str, base: str) -> tuple[str, int]:
    """Relative ``src``/``href`` outside ``<math>`` and ``<cite>`` made absolute against ``base``."""
    count = 0

    def attr(m: re.Match[str]) -> str:
        nonlocal count
        quote, value = m.group(2)[0], html.unescape(m.group(2)[1:-1])
        if not value.strip() or _ABSOLUTE.match(value.strip()):
            return m.group(0)
        count += 1
        return f"{m.group(1)}{quote}{html.escape(urljoin(base, value.strip()), quote=True)}{quote}"

    def tag(m: re.Match[str]) -> str:
        start = m.group(1) or m.group(2)
        if start is None:
            return m.group(0)  # math, a citation, a comment, a style
        return _URL_ATTR.sub(attr, start) + m.group(0)[len(start):]

    return _URL_TAGS.sub(tag, page), count


def korean_head(page: str, title: str | None, pseudo: bool = False) -> str:
    """``lang="ko"`` on ``<html>``, UTF-8, ``title`` (when given) in ``<title>``, no ``<base>``.

    Only the head is touched (up to ``</head>``); for the ``pseudo`` engine a
    banner right after ``<body>`` says the text is not a real translation.
    """
    end = _HEAD_END.search(page)
    cut = end.start() if end else 0
    head, body = page[:cut], page[cut:]
    m = _HTML_TAG.search(head)
    if m:
        tag = m.group(0)
        new = _LANG.sub(lambda a: f'{a.group(1)}"ko"', tag) if _LANG.search(tag) else f'{tag[:5]} lang="ko"{tag[5:]}'
        head = head[: m.start()] + new + head[m.end():]
    if title:
        head = _TITLE.sub(lambda t: t.group(1) + html.escape(title, quote=False) + t.group(3), head, count=1)
    head = _BASE.sub("", head, count=1)
    head = _CHARSET.sub(r"\1utf-8", head)
    if pseudo:
        body = _BODY_TAG.sub(lambda b: b.group(0) + PSEUDO_BANNER, body, count=1)
    return head + body


class HtmlOutput(Writer):
    """Writes ``paper.ko.html`` for arXiv HTML input."""

    name = "html"

    def write(self, job: WriteJob) -> WriteResult:
        """Splice the translations into the page and write it as UTF-8."""
        page, info = render_page(job.doc, job.pseudo)
        page = localise_page(page, info)  # Korean caption/reference labels, no feedback buttons
        page, fetched = offline_assets(page, job, info) if job.settings.offline_assets else (page, [])
        (job.out / OUTPUT).write_text(page, encoding="utf-8")
        warnings = fetched + ([] if info["base_url"] else [
            f"{OUTPUT}: the page names no arXiv base URL; relative image and stylesheet links are left as they are"])
        return WriteResult(files=[OUTPUT], info=info, warnings=warnings)
