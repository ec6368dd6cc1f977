"""arXiv identifiers: every form a user may type, parsed into one :class:`ArxivId`.

Accepted::

    2402.18563   2402.18563v1   arXiv:2402.18563v2          new style (YYMM.NNNN before 2015, YYMM.NNNNN since)
    hep-th/9901001   hep-th/9901001v1   math.GT/0309136      old style (the subject class is dropped)
    https://arxiv.org/abs/2402.18563   .../pdf/2402.18563v1(.pdf)   .../html/2402.18563v1/   .../e-print/...
    http(s)://export.arxiv.org/...   (www.arxiv.org and configured mirror hosts too)

Anything else raises :class:`~arxiv_translator.errors.InputError` with a one-line reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import PurePath
from urllib.parse import urlsplit

from arxiv_translator.errors import InputError

ARXIV_HOSTS = ("arxiv.org", "www.arxiv.org", "export.arxiv.org")
URL_KINDS = ("abs", "pdf", "html", "e-print", "src", "format")
EXAMPLES = "e.g. 2402.18563, 2402.18563v1, arXiv:2402.18563, hep-th/9901001 or https://arxiv.org/abs/2402.18563"

_VERSION = r"(?:v(?P<version>[1-9][0-9]*))?"
_NEW = re.compile(r"(?P<yymm>[0-9]{4})\.(?P<number>[0-9]{4,5})" + _VERSION)
_OLD = re.compile(r"(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z]{2})?/(?P<number>[0-9]{7})" + _VERSION)
_PREFIX = re.compile(r"^arxiv:\s*", re.IGNORECASE)
_SCHEME = re.compile(r"^https?:/{1,2}", re.IGNORECASE)  # Path() squeezes "//" to "/"
_ATTEMPT = re.compile(r"^(arxiv:|https?:/|[a-z.-]*arxiv\.org/)|^[0-9]{4}\.[0-9]|^[a-z-]+(\.[A-Za-z]{2})?/[0-9]{7}",
                      re.IGNORECASE)


@dataclass(frozen=True)
class ArxivId:
    """A paper on arXiv: ``base`` ("2402.18563" or "hep-th/9901001") and an optional version."""

    base: str
    version: int | None = None

    @property
    def versioned(self) -> str:
        """``base`` with ``vN`` appended when the version is known."""
        return f"{self.base}v{self.version}" if self.version else self.base

    @property
    def folder_name(self) -> str:
        """A file-system safe name (``hep-th/9901001v1`` -> ``hep-th_9901001v1``)."""
        return self.versioned.replace("/", "_")

    def with_version(self, version: int | None) -> ArxivId:
        """The same paper at ``version``."""
        return replace(self, version=version)

    def __str__(self) -> str:
        return self.versioned


def looks_like_arxiv(text: str) -> bool:
    """True when ``text`` was probably meant as an arXiv id or URL (even a malformed one)."""
    return _ATTEMPT.match(str(text).strip()) is not None


def parse_arxiv_id(text: str, extra_hosts: tuple[str, ...] = ()) -> ArxivId:
    """Parse any accepted form (see the module docstring); raise InputError otherwise.

    ``extra_hosts`` are further host names (``host`` or ``host:port``) whose
    URLs count as arXiv URLs, for mirrors and test servers.
    """
    raw = str(text).strip()
    if not raw:
        raise InputError(f"empty arXiv id ({EXAMPLES})")
    if _SCHEME.match(raw) or re.match(r"^[a-z.-]*arxiv\.org/", raw, re.IGNORECASE):
        return _parse_url(raw, extra_hosts)
    return _parse_bare(_PREFIX.sub("", raw), raw)


def _parse_bare(ident: str, shown: str) -> ArxivId:
    """A bare identifier, ``arXiv:`` already removed."""
    m = _NEW.fullmatch(ident)
    if m:
        yymm, number = m["yymm"], m["number"]
        month = int(yymm[2:])
        if not 1 <= month <= 12:
            raise InputError(f"{shown!r}: not a valid arXiv id (month {yymm[2:]} in {yymm}; {EXAMPLES})")
        if int(yymm) < 704:
            raise InputError(f"{shown!r}: not a valid arXiv id (new-style ids start in 0704; {EXAMPLES})")
        want = 5 if int(yymm) >= 1501 else 4
        if len(number) != want:
            raise InputError(f"{shown!r}: not a valid arXiv id (ids from {yymm} have {want} digits after the dot)")
        return ArxivId(f"{yymm}.{number}", int(m["version"]) if m["version"] else None)
    m = _OLD.fullmatch(ident)
    if m:
        return ArxivId(f"{m['archive']}/{m['number']}", int(m["version"]) if m["version"] else None)
    raise InputError(f"{shown!r}: not an arXiv id or URL ({EXAMPLES})")


def _parse_url(url: str, extra_hosts: tuple[str, ...]) -> ArxivId:
    """An arXiv URL: /abs/, /pdf/ (with or without .pdf), /html/, /e-print/, /src/."""
    normal = _SCHEME.sub("https://", url) if _SCHEME.match(url) else "https://" + url
    parts = urlsplit(normal)
    host = (parts.hostname or "").lower()
    netloc = parts.netloc.lower()
    if host not in ARXIV_HOSTS and host not in extra_hosts and netloc not in extra_hosts:
        raise InputError(f"{url!r}: not an arXiv URL (host {netloc or '?'}; {EXAMPLES})")
    path = [p for p in parts.path.split("/") if p]
    if len(path) < 2 or path[0] not in URL_KINDS:
        raise InputError(f"{url!r}: not an arXiv paper URL (expected /abs/, /pdf/, /html/ or /e-print/ "
                         f"followed by an id)")
    size = 1 if re.match(r"[0-9]{4}\.", path[1]) else 2  # new style is one component, old style two
    ident, extra = "/".join(path[1:1 + size]), path[1 + size:]
    if extra and path[0] != "html":  # /html/<id>/ may go on to a file of the page
        raise InputError(f"{url!r}: not an arXiv paper URL (unexpected {'/'.join(extra)!r} after the id)")
    if path[0] == "pdf" and ident.endswith(".pdf"):
        ident = ident[: -len(".pdf")]
    try:
        return _parse_bare(ident, url)
    except InputError:
        raise InputError(f"{url!r}: the arXiv URL does not name a valid paper id ({EXAMPLES})") from None


def id_in_path(path: str | PurePath) -> str | None:
    """The versioned arXiv id named by a part of ``path`` (the last that is one), else None."""
    for part in reversed(PurePath(path).parts):
        try:
            return parse_arxiv_id(part).versioned
        except InputError:
            continue
    return None
