"""What the arXiv API says about a paper: :class:`Metadata`, read from its Atom feed by :func:`parse_atom`."""

from __future__ import annotations

from dataclasses import dataclass, field

from arxiv_translator.errors import InputError
from arxiv_translator.sources.arxiv_ids import ArxivId, parse_arxiv_id

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_NS = "{http://arxiv.org/schemas/atom}"


@dataclass
class Metadata:
    """What the arXiv API says about one version of a paper."""

    id: str  # versioned, e.g. "2402.18563v1"
    title: str
    authors: list[str] = field(default_factory=list)
    abstract: str = ""
    categories: list[str] = field(default_factory=list)
    primary_category: str = ""
    published: str = ""
    updated: str = ""

    @property
    def ref(self) -> ArxivId:
        """The versioned id."""
        return parse_arxiv_id(self.id)


def parse_atom(data: bytes, wanted: ArxivId) -> Metadata:
    """Metadata of ``wanted`` from an arXiv API Atom feed; InputError when the feed has no such paper."""
    import xml.etree.ElementTree as ET  # only when arXiv is asked (a local paper never is)

    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"{wanted}: the arXiv API answered something that is not Atom ({exc})") from None
    for entry in root.iter(f"{ATOM}entry"):
        ident = (entry.findtext(f"{ATOM}id") or "").strip()
        title = " ".join((entry.findtext(f"{ATOM}title") or "").split())
        if "/api/errors" in ident:
            why = " ".join((entry.findtext(f"{ATOM}summary") or "error").split())
            raise InputError(f"{wanted}: the arXiv API refused the id ({why})")
        try:
            ref = parse_arxiv_id(ident)
        except InputError:
            continue  # an empty entry: what the API sends for an id it does not have
        if ref.base != wanted.base or not title:
            continue
        primary = entry.find(f"{ARXIV_NS}primary_category")
        return Metadata(
            id=ref.with_version(wanted.version or ref.version or 1).versioned, title=title,
            authors=[" ".join((a.findtext(f"{ATOM}name") or "").split()) for a in entry.findall(f"{ATOM}author")],
            abstract=" ".join((entry.findtext(f"{ATOM}summary") or "").split()),
            categories=[c.get("term", "") for c in entry.findall(f"{ATOM}category") if c.get("term")],
            primary_category=primary.get("term", "") if primary is not None else "",
            published=(entry.findtext(f"{ATOM}published") or "").strip(),
            updated=(entry.findtext(f"{ATOM}updated") or "").strip())
    raise InputError(f"{wanted}: arXiv has no such paper" + (" version" if wanted.version else ""))
