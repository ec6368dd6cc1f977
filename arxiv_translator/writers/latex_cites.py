"""Citations as the paper prints them: numbers or author-year, from the ``.bbl`` or the ``.bib`` files.

* A ``.bbl`` in the source tree (arXiv e-prints often ship one) is what BibTeX
  made for the paper: natbib's ``\\bibitem[Author et~al.(2009)...]{key}``
  gives author and year, a plain ``\\bibitem{key}`` its number (in order).
* Otherwise the ``.bib`` files named by ``\\bibliography{..}`` (or any in the
  tree): author last names and year; numbers in citation order for ``unsrt``-like
  styles, else in the alphabetical order of ``plain``.
* The style: natbib's ``numbers``/``super`` options, biblatex's ``style=``,
  or the ``\\bibliographystyle`` (``plainnat``, ``apalike``, ``icml``... are
  author-year).

``Bibliography.cite(command, keys, pre, post)`` -> the text LaTeX would print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from arxiv_translator.document import Document
from arxiv_translator.readers.latex_tree import strip_comments
from arxiv_translator.texscan import match_brace

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

AUTHOR_YEAR_STYLES = re.compile(r"(nat$|^apalike|^acl|^iclr|^icml|^tmlr|^neurips|^named|^agsm|^chicago|^apa|"
                                r"harv|^aaai|^jmlr|^colm|^aistats|^cvpr_nat|^elsarticle-harv|^ecta|^econ)", re.I)
CITATION_ORDER_STYLES = re.compile(r"^(unsrt|ieee|elsarticle-num|splncs|acm|naturemag|vancouver|IEEE|aipnum|"
                                   r"apsrev|nature|science|spbasic|sn-mathphys)", re.I)

_BIBITEM = re.compile(r"\\bibitem\s*(?:\[(?P<opt>(?:[^\[\]{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\])?\s*\{(?P<key>[^{}]+)\}")
_BIB_ENTRY = re.compile(r"@(\w+)\s*\{\s*([^,\s{}]+)\s*,")
_FIELD = re.compile(r"(\w+)\s*=\s*")
_CITE_KEYS = re.compile(r"\\[A-Za-z]*cite[A-Za-z]*\*?\s*(?:\[[^\]]*\]\s*)*\{([^{}]*)\}")
_BBL_MARKUP = re.compile(r"\\(?:newblock|BibitemOpen|urlprefix)\b|\\penalty\s*-?\d+|\\end\s*\{thebibliography\}"
                         r"|\\(?:bibinfo|bibfield|BibitemShut)\s*\{[^{}]*\}")
_NATBIB_LABEL = re.compile(r"(?s)[^()]*\([^()]*\).*")
_NATEXLAB = re.compile(r"\{\\natexlab\{([^{}]*)\}\}")
MAX_BIB_BYTES = 5_000_000
MAX_ENTRY_CHARS = 2000


@dataclass
class Entry:
    """One bibliography entry: its short author text, year, title and number."""

    key: str
    author: str = ""
    year: str = ""
    title: str = ""
    number: int = 0
    label: str = ""  # a style's own label ([ABC+20]) when it is not a number
    tex: str = ""  # the whole entry as a .bbl typesets it (its \\bibitem's body), when read from one

    def full_text(self) -> str:
        """The whole entry as plain text (from the ``.bbl``), else "": converted only when a list is printed."""
        return _text(_BBL_MARKUP.sub(" ", self.tex)).strip() if self.tex else ""


@lru_cache(maxsize=1)
def _l2t() -> LatexNodes2Text:
    from pylatexenc.latex2text import LatexNodes2Text  # its macro tables cost ~40 ms to import

    return LatexNodes2Text(math_mode="verbatim")


#: text that LaTeX-to-text conversion leaves as it is (no command, group, math, ligature or special)
_PLAIN = re.compile(r"[^\\{}$~%&#^_`'\"]*")


def _text(tex: str) -> str:
    """``tex`` as plain text, white space collapsed (most names and titles need no conversion at all)."""
    if "--" not in tex and _PLAIN.fullmatch(tex):
        return " ".join(tex.split())
    try:
        return " ".join(_l2t().latex_to_text(tex).split())
    except Exception:  # pylatexenc on odd input
        return " ".join(re.sub(r"[{}\\]", "", tex).split())


class Bibliography:
    """The cited works of a LaTeX paper and how its citations look (see the module docstring)."""

    def __init__(self, entries: dict[str, Entry], author_year: bool, square: bool = True) -> None:
        self.entries, self.author_year, self.square = entries, author_year, square

    def cite(self, command: str, keys: list[str], pre: str = "", post: str = "") -> str:
        """The text of ``\\command[pre][post]{keys}``."""
        found = [self.entries.get(k) for k in keys]
        cmd = command.rstrip("*").lower()
        if cmd in ("citeauthor", "citefullauthor"):
            return "; ".join(e.author or "?" if e else "?" for e in found)
        if cmd in ("citeyear", "citeyearpar"):
            years = ", ".join(e.year or "?" if e else "?" for e in found)
            return f"({years})" if cmd == "citeyearpar" else years
        textual = cmd in ("citet", "textcite", "citealt") or (cmd == "cite" and self.author_year)
        bare = cmd in ("citealp", "citealt", "citenum")
        if self.author_year:
            if textual:
                parts = [f"{e.author} ({e.year})" if e else "?" for e in found]
                if cmd == "citealt":
                    parts = [f"{e.author} {e.year}" if e else "?" for e in found]
                text = "; ".join(parts)
                return text if not post else f"{text[:-1]}, {post})" if text.endswith(")") else f"{text}, {post}"
            inner = "; ".join(f"{e.author}, {e.year}" if e else "?" for e in found)
        else:
            nums = [str(e.label or e.number) if e else "?" for e in found]
            if textual and cmd != "cite":
                return "; ".join(f"{e.author} [{e.label or e.number}]" if e else "?" for e in found)
            inner = ", ".join(nums)
        inner = " ".join(p for p in (pre, inner) if p)
        if post:
            inner += ", " + post
        if bare:
            return inner
        if self.author_year:
            return f"({inner})"
        return f"[{inner}]" if self.square else f"({inner})"

    def listing(self) -> list[Entry]:
        """The cited entries in the order of the paper's reference list."""
        if self.author_year:
            return sorted(self.entries.values(), key=lambda e: (e.author.lower(), e.year))
        return sorted(self.entries.values(), key=lambda e: e.number)


def bibliography(doc: Document, root: Path | None, build: Path | None = None) -> Bibliography:
    """The bibliography of a LaTeX document whose tree is at ``root`` (``build``: where a compile left its ``.bbl``)."""
    text = "\n".join(f.text for f in doc.files.values())
    style = re.search(r"\\bibliographystyle\s*\{([^{}]*)\}", text)
    style_name = style.group(1).strip().split("/")[-1] if style else ""
    natbib = re.search(r"\\usepackage\s*(?:\[([^\]]*)\])?\s*\{[^{}]*natbib[^{}]*\}", text)
    biblatex = re.search(r"\\usepackage\s*(?:\[([^\]]*)\])?\s*\{biblatex\}", text)
    options = (natbib.group(1) or "") if natbib else ""
    cited = _cited_order(doc)
    entries: dict[str, Entry] = {}
    from_bbl = _read_bbl(build, doc.main_file) if build is not None else None
    if from_bbl is None and root is not None:
        from_bbl = _read_bbl(root, doc.main_file)
    if biblatex:
        author_year = bool(re.search(r"style\s*=\s*(authoryear|apa|chicago|ext-authoryear)", biblatex.group(1) or ""))
    elif natbib and re.search(r"\b(numbers|super)\b", options):
        author_year = False
    elif from_bbl:  # natbib's [Author(Year)Long] labels (natbib may come with a venue's .sty: icml, neurips)
        author_year = all(e.year for e in from_bbl.values())
    else:
        author_year = bool(AUTHOR_YEAR_STYLES.search(style_name)) or (bool(natbib) and not style_name.startswith(
            ("plain", "unsrt", "abbrv", "alpha", "ieee", "IEEE")) and "round" in options)
    if from_bbl:
        entries = from_bbl
    elif root is not None:
        bib = _read_bibs(root, text)
        order = cited if CITATION_ORDER_STYLES.search(style_name) or "nocite{*}" in text else sorted(
            (k for k in cited if k in bib), key=lambda k: (bib[k].author.lower(), bib[k].year, bib[k].title))
        for k in order:
            if k in bib:
                entries[k] = bib[k]
    if not entries:  # no bibliography at all: number the works in the order they are cited
        entries = {k: Entry(key=k, author=k) for k in cited}
        author_year = False
    for n, key in enumerate(entries, 1):  # inserted in listing order (the .bbl's, sorted or citation order)
        entries[key].number = entries[key].number or n
    square = not (natbib and re.search(r"\bround\b", options))
    return Bibliography({k: e for k, e in entries.items() if k in cited or from_bbl}, author_year, square)


def _cited_order(doc: Document) -> list[str]:
    seen: dict[str, None] = {}
    for seg in doc.segments():
        for m in _CITE_KEYS.finditer(seg.source):
            for key in m.group(1).split(","):
                if key.strip():
                    seen.setdefault(key.strip(), None)
    return list(seen)


def _read_bbl(root: Path, main: str | None) -> dict[str, Entry] | None:
    root = Path(root)
    if not root.is_dir():
        return None
    stem = Path(main).stem if main else ""
    files = sorted(root.rglob("*.bbl"), key=lambda p: (p.stem != stem, len(str(p))))[:3]
    for path in files:
        if not path.is_file() or path.stat().st_size > MAX_BIB_BYTES:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        entries: dict[str, Entry] = {}
        items = list(_BIBITEM.finditer(text))
        for n, m in enumerate(items, 1):
            key = m.group("key").strip()
            opt = (m.group("opt") or "").strip()
            if opt.startswith("{") and opt.endswith("}"):
                opt = opt[1:-1]
            opt = _NATEXLAB.sub(r"\1", opt)  # (2021{\natexlab{b}}): the year 2021b
            body = text[m.end() : items[n].start() if n < len(items) else len(text)]
            entry = Entry(key=key, number=n, tex=strip_comments(body).strip()[:MAX_ENTRY_CHARS])
            ay = re.match(r"(?s)(.*?)\((\s*[^()]*?\d{4}[a-z]?|n\.d\.)\)", opt)
            if ay:
                entry.author, entry.year = _text(ay.group(1)), _text(ay.group(2))
            elif opt and not _NATBIB_LABEL.fullmatch(opt):  # natbib's "cld()" (no year) is no printed label
                entry.label = _text(opt)
            entries.setdefault(key, entry)
        if entries:
            return entries
    return None


def _read_bibs(root: Path, text: str) -> dict[str, Entry]:
    root = Path(root).resolve()
    names = [n.strip() for m in re.finditer(r"\\(?:bibliography|addbibresource)\s*(?:\[[^\]]*\])?\s*\{([^{}]*)\}",
                                            text) for n in m.group(1).split(",") if n.strip()]
    paths = []
    for name in names:
        path = (root / (name if name.endswith(".bib") else name + ".bib")).resolve()
        if root in path.parents and path.is_file():
            paths.append(path)
    if not paths:
        paths = sorted(p for p in root.rglob("*.bib") if p.is_file())[:20]
    entries: dict[str, Entry] = {}
    for path in paths:
        if path.stat().st_size <= MAX_BIB_BYTES:
            for entry in parse_bib(path.read_text(encoding="utf-8", errors="replace")):
                entries.setdefault(entry.key, entry)
    return entries


def parse_bib(text: str) -> list[Entry]:
    """Entries of a ``.bib`` file: key, short author text ("A", "A and B", "A et al."), year, title."""
    found = []
    for m in _BIB_ENTRY.finditer(text):
        if m.group(1).lower() in ("string", "preamble", "comment"):
            continue
        close = match_brace(text, text.index("{", m.start()), len(text))
        body = text[m.end() : close if close is not None else len(text)]
        fields = _fields(body)
        names = [n.strip() for n in re.split(r"\s+and\s+", fields.get("author") or fields.get("editor", "")) if n.strip()]
        last = [_last_name(n) for n in names]
        author = last[0] if len(last) == 1 else f"{last[0]} and {last[1]}" if len(last) == 2 else \
            f"{last[0]} et al." if last else m.group(2)
        year = re.search(r"\d{4}", fields.get("year", "") or fields.get("date", ""))
        found.append(Entry(key=m.group(2), author=author, year=year.group(0) if year else "n.d.",
                           title=_text(fields.get("title", ""))))
    return found


def _fields(body: str) -> dict[str, str]:
    out: dict[str, str] = {}
    pos = 0
    while (m := _FIELD.search(body, pos)) is not None:
        i = m.end()
        if i < len(body) and body[i] == "{":
            j = match_brace(body, i, len(body))
            j = len(body) if j is None else j
            value, pos = body[i + 1 : j], j + 1
        elif i < len(body) and body[i] == '"':
            j = body.find('"', i + 1)
            j = len(body) if j < 0 else j
            value, pos = body[i + 1 : j], j + 1
        else:
            end = re.compile(r"[,}\n]").search(body, i)
            j = end.start() if end else len(body)
            value, pos = body[i:j], j
        out.setdefault(m.group(1).lower(), value.strip())
    return out


def _last_name(name: str) -> str:
    name = name.strip()
    if name.lower() == "others":
        return "others"
    if "," in name:
        return _text(name.split(",")[0])
    if name.startswith("{") and name.endswith("}"):
        return _text(name)
    words = re.findall(r"\{[^{}]*\}|\S+", name)
    return _text(words[-1]) if words else name
