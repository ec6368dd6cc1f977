"""One segment's text, in its source format, -> safe HTML for the bilingual page.

``segment_html(text, source_kind)`` picks the converter for the document's
``source_kind``:

* ``latex``: :func:`~arxiv_translator.writers.bilingual.latex_html.latex_to_html`;
* ``html``: arXiv (LaTeXML) inner HTML, sanitised, MathML kept;
* ``markdown``: Mathpix Markdown (``**``, ``_``, math, links; raw HTML is text);
* ``pdf`` (and anything else): plain text.

Whatever the converter, the result goes through :func:`clean` (nh3) with a
fixed allow-list: no script, no event handler, no style, links http(s) only.
Math for KaTeX is ``<span class="tex">`` (``tex display``) holding escaped TeX.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from html import escape
from typing import Any

import nh3

from arxiv_translator.writers.bilingual.html_atoms import RefLookup, link_html, math_html
from arxiv_translator.writers.bilingual.latex_html import latex_to_html

INLINE_TAGS = {"a", "b", "strong", "em", "i", "u", "s", "sub", "sup", "small", "code", "cite", "span", "br",
               "q", "abbr", "kbd", "var", "mark", "del", "ins", "bdi", "tt", "big"}
MATHML_TAGS = {"math", "semantics", "annotation", "mrow", "mi", "mo", "mn", "ms", "mtext",
               "mspace", "msup", "msub", "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder",
               "munderover", "mtable", "mtr", "mtd", "mlabeledtr", "mstyle", "mpadded", "mphantom",
               "menclose", "merror", "mmultiscripts", "mprescripts", "none", "mfenced", "maction",
               "maligngroup", "malignmark"}
TABLE_TAGS = {"table", "tbody", "thead", "tr", "td", "th"}
#: Removed with everything inside (content MathML is never shown, and large).
DROPPED_WITH_CONTENT = {"script", "style", "textarea", "noscript", "template", "iframe", "object", "embed",
                        "annotation-xml"}
MATHML_ATTRS = {"display", "alttext", "mathvariant", "mathsize", "mathcolor", "stretchy", "fence", "separator",
                "separators", "lspace", "rspace", "columnalign", "rowalign", "columnspacing", "rowspacing",
                "columnlines", "rowlines", "frame", "displaystyle", "scriptlevel", "largeop", "movablelimits",
                "accent", "accentunder", "symmetric", "minsize", "maxsize", "width", "height", "depth",
                "voffset", "linethickness", "encoding", "form", "notation", "open", "close", "columnspan",
                "rowspan", "intent", "arg", "equalrows", "equalcolumns", "align", "xmlns", "bevelled",
                "numalign", "denomalign", "subscriptshift", "superscriptshift", "selection", "actiontype"}
_COMMON = {"class", "title", "lang", "dir"}


def _fragment_only(url: str) -> str | None:
    """Relative URLs: only this page's own anchors (footnotes, rows, reference list) survive."""
    return url if re.fullmatch(r"#(?:fn|s|t|bib|eq)-[\w.-]+", url) else None


def clean(fragment: str, mathml: bool = False, tables: bool = False) -> str:
    """Sanitise an HTML fragment with the page's allow-list (MathML, tables too when asked)."""
    cleaner = _cleaner(mathml, tables)
    if cleaner is not None:
        return cleaner.clean(fragment)
    return nh3.clean(fragment, **_allow_list(mathml, tables))  # nh3 before 0.2.19: no reusable cleaner


@lru_cache(maxsize=4)
def _cleaner(mathml: bool, tables: bool) -> Any:
    """nh3's sanitiser for this allow-list, built once (building it costs more than most fragments do)."""
    return nh3.Cleaner(**_allow_list(mathml, tables)) if hasattr(nh3, "Cleaner") else None


def _allow_list(mathml: bool, tables: bool) -> dict[str, Any]:
    """The keyword arguments of nh3 for the page's allow-list."""
    tags = INLINE_TAGS | MATHML_TAGS if mathml else set(INLINE_TAGS)
    attributes: dict[str, set[str]] = {"*": _COMMON, "a": {"href"}}
    if mathml:
        attributes.update({tag: MATHML_ATTRS for tag in MATHML_TAGS})
        attributes["*"] = _COMMON | {"mathvariant", "displaystyle", "scriptlevel"}
        attributes["a"] = {"href"}
    if tables:
        tags |= TABLE_TAGS
        attributes.update({tag: _COMMON | {"colspan", "rowspan"} for tag in ("td", "th")})
    return {"tags": tags, "clean_content_tags": DROPPED_WITH_CONTENT, "attributes": attributes,
            "url_schemes": {"http", "https"}, "url_relative": _fragment_only, "strip_comments": True}


def sanitise_html(fragment: str) -> str:
    """arXiv (LaTeXML) inner HTML: inline markup and MathML kept, everything else removed."""
    return clean(fragment, mathml=True)


def plain_to_html(text: str) -> str:
    """Plain text (PDF input): escaped; blank lines become breaks."""
    return re.sub(r"\n\s*\n", "<br><br>", escape(text.strip(), quote=False))


#: Inline code, and ``$..$`` (it cannot cross another ``$``); the other math delimiters are found by
#: :func:`_verbatim_spans`, which searches each closer once (a lazy ``\\[.+?\\]`` is quadratic on openers).
_MD_CODE_DOLLAR = re.compile(r"(?<![\\$])\$(?=[^\s$])(?:\\.|[^$\\])+?(?<=\S)\$(?![\d$])|`[^`]+`", re.S)
_MD_OPENERS = re.compile(r"\\\[|\$\$|\\\(|\$|`")
_MD_CLOSERS = {"\\[": "\\]", "$$": "$$", "\\(": "\\)"}
#: Every repetition is bounded or cannot run past the next opener, so no pattern backtracks
#: catastrophically (``[a](`` x 4000 was cubic).
_MD_TOKEN = re.compile(
    r"(?P<image>!\[(?P<alt>[^\[\]]{0,1000})\]\((?P<src>[^()\s\[\]]*)(?:\s[^()\[\]]{0,300})?\))"
    r"|(?P<link>\[(?P<ltext>[^\[\]]{1,1000})\]\((?P<href>[^()\s\[\]]+)(?:\s[^()\[\]]{0,300})?\))"
    r"|(?P<auto><https?://[^<>\s]+>)"
    r"|(?P<note>\[\^(?P<nid>[^\[\]]+)\])"
    r"|(?P<bold>\*\*(?=\S)(?P<btext>.{1,2000}?)(?<=\S)\*\*|__(?=\S)(?P<btext2>.{1,2000}?)(?<=\S)__)"
    r"|(?P<em>(?<![\w*])\*(?=[^\s*])(?P<etext>.{1,2000}?)(?<=[^\s*])\*(?!\w)"
    r"|(?<!\w)_(?=\S)(?P<etext2>.{1,2000}?)(?<=\S)_(?!\w))"
    r"|(?P<esc>\\[\\`*_{}\[\]()#+\-.!|~<>$%&])",
    re.S,
)


def _verbatim_spans(text: str) -> list[tuple[int, int]]:
    """Math and code spans, leftmost first, as ``\\[.+?\\]|$$.+?$$|\\(.+?\\)|$..$|`..``` would find them."""
    spans: list[tuple[int, int]] = []
    memo: dict[str, tuple[int, int]] = {}

    def find(needle: str, start: int) -> int:
        known = memo.get(needle)
        if known is not None and known[0] <= start and (known[1] < 0 or known[1] >= start):
            return known[1]
        found = text.find(needle, start)
        memo[needle] = (start, found)
        return found

    i = 0
    while (m := _MD_OPENERS.search(text, i)) is not None:
        tok, at = m.group(0), m.start()
        closer = _MD_CLOSERS.get(tok)
        if closer is not None and not (tok == "$$" and at > 0 and text[at - 1] == "\\"):
            close = find(closer, at + len(tok) + 1)
            if close >= 0:
                spans.append((at, close + len(closer)))
                i = close + len(closer)
                continue
        if tok in ("$", "`") or tok == "$$":
            code = _MD_CODE_DOLLAR.match(text, at)
            if code:
                spans.append((at, code.end()))
                i = code.end()
                continue
        i = at + 1
    return spans
_STASHED = re.compile("\x00(\\d+)\x00")


def markdown_to_html(text: str, notes: Iterator[str] | None = None) -> str:
    """Mathpix Markdown inline text -> HTML; raw HTML in the text stays text.

    Math and code are taken out first, so emphasis never reaches into a formula.
    """
    stash: list[str] = []

    def keep(tok: str) -> str:
        if tok.startswith("`"):
            stash.append(f"<code>{escape(tok[1:-1], quote=False)}</code>")
        else:
            display = tok.startswith(("\\[", "$$"))
            stash.append(math_html(tok[2:-2] if tok.startswith(("\\", "$$")) else tok[1:-1], display))
        return f"\x00{len(stash) - 1}\x00"

    text = text.replace("\x00", "")
    parts, pos = [], 0
    for a, b in _verbatim_spans(text):
        parts.append(text[pos:a])
        parts.append(keep(text[a:b]))
        pos = b
    parts.append(text[pos:])
    html = _md_inline("".join(parts))
    html = _STASHED.sub(lambda m: stash[int(m.group(1))], html)
    return re.sub(r"\n\s*\n", "<br><br>", html)


def _md_inline(text: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _MD_TOKEN.finditer(text):
        out.append(escape(text[pos : m.start()], quote=False))
        pos = m.end()
        out.append(_md_token(m))
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def _md_token(m: re.Match[str]) -> str:
    tok = m.group(0)
    kind = next(k for k in ("image", "link", "auto", "note", "bold", "em", "esc") if m.group(k) is not None)
    if kind == "image":
        alt = m.group("alt") or "figure"
        return link_html(m.group("src"), f"[{escape(alt, quote=False)}]")
    if kind == "link":
        return link_html(m.group("href"), _md_inline(m.group("ltext")))
    if kind == "auto":
        return link_html(tok[1:-1], escape(tok[1:-1], quote=False))
    if kind == "note":
        return f'<sup class="fnref">{escape(m.group("nid"))}</sup>'
    if kind == "bold":
        return f"<b>{_md_inline(m.group('btext') or m.group('btext2'))}</b>"
    if kind == "em":
        return f"<em>{_md_inline(m.group('etext') or m.group('etext2'))}</em>"
    return escape(tok[1:], quote=False)


def segment_html(text: str, source_kind: str, macros: Mapping[str, str] | None = None,
                 notes: Iterator[str] | None = None, refs: RefLookup | None = None, lang: str = "en") -> str:
    """Safe HTML for one segment's text (source or translation) of a ``source_kind`` document.

    ``refs`` (LaTeX) resolves citations and references, with names in ``lang``.
    """
    if source_kind == "latex":
        raw = latex_to_html(text, macros, notes, refs, lang)
    elif source_kind == "html":
        return sanitise_html(text)
    elif source_kind == "markdown":
        raw = markdown_to_html(text, notes)
    else:
        raw = plain_to_html(text)
    return clean(raw)


def html_to_text(fragment: str) -> str:
    """The visible text of a fragment produced here (for the TOC and ``<title>``)."""
    from html import unescape

    text = re.sub(r"<annotation[^>]*>.*?</annotation>", "", fragment, flags=re.S)
    text = re.sub(r"<br\s*/?>", " ", text)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", text))).strip()
