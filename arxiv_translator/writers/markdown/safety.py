"""``paper.ko.md`` holds no live raw HTML and no ``javascript:``/``data:`` links.

Markdown viewers render raw HTML and follow link destinations, and both the
source (a hostile ``.mmd``) and a model answer may carry them.  Outside code
and math (fences, backtick spans, ``$..$``, ``$$..$$``, ``\\(..\\)``, ``\\[..\\]``,
which are left byte-identical):

* an HTML tag stays only when it is harmless layout (``<sup>``, ``<br>``,
  ``<table>``...) without event handlers or script URLs; any other tag,
  comment or autolink to a script URL gets its ``<`` escaped as ``&lt;``
  and shows as text;
* a link or image destination (``[text](url)``, ``[ref]: url``) with a
  ``javascript:``/``vbscript:``/``data:`` URL (``data:image/`` for images
  excepted; entities decoded as a renderer would) becomes ``#``.

The walk is linear: every search moves forward.
"""

from __future__ import annotations

import html
import re

SAFE_TAGS = frozenset({
    "a", "b", "big", "blockquote", "br", "center", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt",
    "u", "ul", "var", "caption", "col", "colgroup", "figure", "figcaption",
})
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)([^<>]*)>")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
_DEST = re.compile(r"[ \t]*<?((?:[^\s()<>]|\([^\s()<>]*\))*)")
_REF_DEF = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s<>]+)", re.M)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_OPENERS = re.compile(r"```|~~~|`+|\$\$|\$|\\\(|\\\[|<|\]\(")
_CLOSER = {"$$": "$$", "\\(": "\\)", "\\[": "\\]"}


def bad_url(url: str, image: bool = False) -> bool:
    """Whether a link destination would run script or carry a document (entities and white space decoded)."""
    value = _INVISIBLE.sub("", html.unescape(url)).lower()
    if value.startswith(("javascript:", "vbscript:")):
        return True
    return value.startswith("data:") and not (image and value.startswith("data:image/"))


def safe_markdown(text: str) -> str:
    """``text`` with raw HTML and script links defused (see the module docstring)."""
    out: list[str] = []
    pos = i = 0
    memo: dict[str, tuple[int, int]] = {}

    def find(needle: str, start: int) -> int:  # text.find, remembered: a later search reuses the answer
        known = memo.get(needle)
        if known is not None and known[0] <= start and (known[1] < 0 or known[1] >= start):
            return known[1]
        found = text.find(needle, start)
        memo[needle] = (start, found)
        return found

    while (m := _OPENERS.search(text, i)) is not None:
        tok, at = m.group(0), m.start()
        if tok in ("```", "~~~"):
            close = find("\n" + tok, m.end())
            i = len(text) if close < 0 else close + 1 + len(tok)
        elif tok.startswith("`"):
            close = find(tok, m.end())
            i = m.end() if close < 0 else close + len(tok)
        elif tok == "$":
            line_end = text.find("\n", m.end())
            close = text.find("$", m.end(), len(text) if line_end < 0 else line_end)
            i = m.end() if close < 0 else close + 1
        elif tok in _CLOSER:
            close = find(_CLOSER[tok], m.end())
            i = m.end() if close < 0 else close + len(_CLOSER[tok])
        elif tok == "<":
            auto = _AUTOLINK.match(text, at)
            tag = None if auto else _TAG.match(text, at)
            if auto and not bad_url(auto.group(1)):
                i = auto.end()
            elif tag is None or not _safe_tag(tag):
                if auto or tag is not None or text.startswith(("<!", "<?"), at) or text[at + 1 : at + 2].isalpha():
                    out.append(text[pos:at] + "&lt;")
                    pos = at + 1
                i = at + 1
            else:
                i = tag.end()
        else:  # "](": a link or image destination
            dest = _DEST.match(text, m.end())
            image = text.rfind("![", max(0, at - 2000), at) > text.rfind("]", max(0, at - 2000), at)
            if bad_url(dest.group(1), image):
                out.append(text[pos : dest.start(1)] + "#")
                pos = dest.end(1)
            i = dest.end()
    out.append(text[pos:])
    return _REF_DEF.sub(lambda d: d.group(0)[: d.start(1) - d.start()] + "#" if bad_url(d.group(1)) else d.group(0),
                        "".join(out))


def _safe_tag(tag: re.Match[str]) -> bool:
    name, attrs = tag.group(2).lower(), tag.group(3)
    if name not in SAFE_TAGS:
        return False
    if re.search(r"(?:^|[\s/\"'])on[a-z]+\s*=", attrs, re.I) or re.search(r"\bsrcdoc\b|\bformaction\b", attrs, re.I):
        return False
    for value in re.findall(r"""(?:href|src|action|xlink:href|srcset|poster|background)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""",
                            attrs, re.I):
        if bad_url(value.strip("\"'"), image=name == "img"):
            return False
    return True
