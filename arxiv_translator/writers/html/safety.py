"""Make a translated HTML page safe to open: nothing in it runs, redirects or reaches out by itself.

An input page is untrusted (a hostile page can be saved and translated like
any other).  :func:`sanitise_page` walks the page's tags once, left to right,
and removes only what could act:

* ``<script>``, ``<iframe>``, ``<object>``, ``<applet>``, ``<frameset>``,
  ``<noembed>``, ``<portal>`` (with their content), ``<embed>``, ``<frame>``, ``<base>``;
* ``<meta http-equiv>`` that refreshes, sets cookies or redirects;
* ``<link>`` that imports or preloads scripts or prerenders pages;
* event-handler attributes (``onload``, ``onerror``...), ``srcdoc``, ``formaction``;
* attributes whose value is a ``javascript:``/``vbscript:`` URL (entities and
  white space as a browser reads them), and ``data:`` URLs in URL attributes
  except images (``<img src="data:image/png...">``);

and adds a Content-Security-Policy ``<meta>`` as the first thing in ``<head>``
(a ``<head>`` start tag the walk met as markup, not one in a comment) that forbids scripts, frames, plugins, forms and ``<base>``.  Every other byte
(structure, styles, MathML, ids, citations) stays as it was.  The walk is
linear: a tag or comment that never closes ends the scan, as it ends a
browser's parse.
"""

from __future__ import annotations

import html
import re
from collections import Counter

#: Styles, images, fonts and media load (arXiv's, or a saved page's own files); nothing else does.
CSP = ("default-src 'none'; img-src 'self' file: https: http: data:; "
       "style-src 'self' file: https: http: 'unsafe-inline'; font-src 'self' file: https: http: data:; "
       "media-src 'self' file: https: http:; script-src 'none'; object-src 'none'; "
       "frame-src 'none'; child-src 'none'; worker-src 'none'; connect-src 'none'; base-uri 'none'; "
       "form-action 'none'")
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'

#: Removed with everything up to their end tag.
DROPPED_WITH_CONTENT = frozenset({"script", "iframe", "object", "applet", "frameset", "noembed", "portal"})
#: Removed (start tags without content, or their end tags are harmless).
DROPPED_TAGS = frozenset({"embed", "frame", "base"})
#: Raw text: no tags inside, skipped to their end tag.
RAW_TEXT = frozenset({"style", "textarea", "title", "xmp", "noframes", "noscript"})
URL_ATTRS = frozenset({"href", "src", "srcset", "action", "formaction", "poster", "data", "background", "cite",
                       "codebase", "lowsrc", "dynsrc", "longdesc", "manifest", "ping", "xlink:href", "icon",
                       "archive", "classid", "usemap", "profile"})
DROPPED_ATTRS = frozenset({"srcdoc", "formaction"})
IMAGE_TAGS = frozenset({"img", "source", "image", "picture", "input"})
BAD_EQUIV = frozenset({"refresh", "set-cookie", "location", "default-style"})
BAD_LINK_RELS = frozenset({"import", "modulepreload", "prerender", "serviceworker"})

_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
_ATTR_NAME = re.compile(r"[^\s/>][^\s/>=]*")
_UNQUOTED = re.compile(r"[^\s>]*")
_SPACE = re.compile(r"[\s/]*")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_DOCTYPE = re.compile(r"\s*<!doctype\b[^>]*>", re.I)
Attr = tuple[str, str | None, str]  # (lower-case name, raw value with its quotes or None, raw text)


def sanitise_page(page: str) -> tuple[str, Counter[str]]:
    """``page`` without active content (see the module docstring), and what was removed, by kind."""
    removed: Counter[str] = Counter()
    out: list[str] = []
    pos = i = 0
    foreign = 0  # depth inside <svg>/<math>, where <style> and <title> are not raw text
    head: int | None = None  # where in ``out`` the <head> start tag ends
    lower = page.lower()
    while (lt := page.find("<", i)) >= 0:
        special = _special_end(page, lt, foreign)
        if special is not None:
            if special < 0:
                break
            i = special
            continue
        m = _NAME.match(page, lt)
        if m is None:
            i = lt + 1
            continue
        name = m.group(1).lower()
        end, attrs = _tag_end(page, m.end())
        if end is None:
            break  # a tag that never closes: a browser drops the rest of the page
        if page[lt + 1] == "/":
            foreign = max(0, foreign - 1) if name in ("svg", "math") else foreign
            i = end
            continue
        if name in DROPPED_WITH_CONTENT:
            close = lower.find(f"</{name}", end)
            stop = len(page) if close < 0 else (page.find(">", close) + 1 or len(page))
            out.append(page[pos:lt])
            pos = i = stop
            removed[name] += 1
            continue
        if name in DROPPED_TAGS or _bad_meta_or_link(name, attrs):
            out.append(page[pos:lt])
            pos = i = end
            removed[name] += 1
            continue
        kept = _safe_attrs(name, attrs, removed)
        if kept is not None:
            out.append(page[pos:lt])
            out.append(page[lt:m.end()] + "".join(kept) + ">")
            pos = end
        i = end
        if name == "head" and head is None:
            out.append(page[pos:end])
            pos, head = end, len(out)
        self_closing = page[end - 2] == "/"
        if name in ("svg", "math") and not self_closing:
            foreign += 1
        elif name in RAW_TEXT and not foreign:
            close = lower.find(f"</{name}", end)
            if close < 0:
                break
            i = close
    out.append(page[pos:])
    if head is not None:
        out.insert(head, CSP_META)
        return "".join(out), removed
    return _with_csp("".join(out)), removed


def _special_end(page: str, lt: int, foreign: int) -> int | None:
    """End of a comment, doctype, processing instruction, CDATA or bogus end tag at ``lt`` (-1: never ends).

    None when ``lt`` starts something else.  Comments end as HTML5 says (``<!-->``, ``--!>`` included).
    """
    if page.startswith("<!--", lt):
        if page.startswith(("<!-->", "<!--->"), lt):
            return page.index(">", lt + 4) + 1
        ends = [e for e in (page.find("-->", lt + 4), page.find("--!>", lt + 4)) if e >= 0]
        return (min(ends) + (3 if page.startswith("-->", min(ends)) else 4)) if ends else -1
    if foreign and page.startswith("<![CDATA[", lt):
        close = page.find("]]>", lt + 9)
        return close + 3 if close >= 0 else -1
    nxt = page[lt + 1 : lt + 2]
    if nxt in ("!", "?") or (nxt == "/" and not page[lt + 2 : lt + 3].isalpha()):
        close = page.find(">", lt + 1)
        return close + 1 if close >= 0 else -1
    return None


def _tag_end(page: str, pos: int) -> tuple[int | None, list[Attr]]:
    """Where the tag whose attributes start at ``pos`` ends (after ``>``), and its attributes.

    Attributes are read as a browser's tokeniser reads them; None when the tag never closes (a quote
    or the tag left open at the end of the page).
    """
    attrs: list[Attr] = []
    n = len(page)
    while pos < n:
        space = _SPACE.match(page, pos).end()
        if space > pos:
            attrs.append(("", None, page[pos:space]))
            pos = space
        if pos >= n:
            break
        if page[pos] == ">":
            return pos + 1, attrs
        name = _ATTR_NAME.match(page, pos)
        if name is None:  # "=" where a name should start: part of the name
            name = _ATTR_NAME.match(page, pos + 1)
            after = name.end() if name else pos + 1
        else:
            after = name.end()
        j = _skip_space(page, after)
        value = None
        if j < n and page[j] == "=":
            j = _skip_space(page, j + 1)
            if j < n and page[j] in "\"'":
                close = page.find(page[j], j + 1)
                if close < 0:
                    return None, attrs
                value, after = page[j : close + 1], close + 1
            else:
                unquoted = _UNQUOTED.match(page, j)
                value, after = unquoted.group(0), unquoted.end()
        attrs.append((page[pos:name.end() if name else pos + 1].lower(), value, page[pos:after]))
        pos = after
    return None, attrs


def _skip_space(page: str, pos: int) -> int:
    while pos < len(page) and page[pos] in " \t\n\r\f":
        pos += 1
    return pos


def _value(raw: str | None) -> str:
    if raw is None:
        return ""
    if raw[:1] in "\"'":
        raw = raw[1:-1]
    return _INVISIBLE.sub("", html.unescape(raw)).lower()


def _bad_meta_or_link(name: str, attrs: list[Attr]) -> bool:
    values = {a: _value(v) for a, v, _ in attrs if a}
    if name == "meta":
        return values.get("http-equiv", "") in BAD_EQUIV
    if name == "link":
        rels = set(values.get("rel", "").replace(",", " ").split())
        return bool(rels & BAD_LINK_RELS) or values.get("as") == "script"
    return False


def _safe_attrs(name: str, attrs: list[Attr], removed: Counter[str]) -> list[str] | None:
    """The attributes' raw text without the dangerous ones; None when nothing had to go."""
    kept: list[str] = []
    changed = False
    for attr, raw_value, raw in attrs:
        value = _value(raw_value)
        bad = attr and (attr.startswith("on") or attr in DROPPED_ATTRS or "javascript:" in value
                        or value.startswith("vbscript:")
                        or (attr in URL_ATTRS and value.startswith("data:")
                            and not (name in IMAGE_TAGS and value.startswith("data:image/"))))
        if bad:
            removed["attribute " + (attr if attr.startswith("on") else attr + "=" + value.split(":")[0])] += 1
            changed = True
            continue
        kept.append(raw)
    return kept if changed else None


def _with_csp(page: str) -> str:
    """A page without ``<head>``: the CSP ``<meta>`` first thing after the doctype."""
    m = _DOCTYPE.match(page)
    cut = m.end() if m else 0
    return page[:cut] + CSP_META + page[cut:]
