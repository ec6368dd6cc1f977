"""Scanners for the coverage audit: the English prose words in a written file, by passage.

Each scanner reads an *output* file (or tree) the way a reader of the paper
sees it, independently of the readers that produced the document, and
returns its :class:`Passage` s: a paragraph, a table cell, a line or a PDF
text block, with its location (``file:line`` or ``page N``) and the prose
words (:data:`~arxiv_translator.prose.PROSE_WORD`) still in English.
What a perfect translator leaves is not counted: math, code, citations,
references, URLs, the bibliography, the author block and markup.

The same scanner run over the *input* gives the number of prose words the
share is taken of.  Registry: :data:`SCANNERS` (kind -> function).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from arxiv_translator.audit.tex_nonprose import blank_arguments, blank_options, key_macros
from arxiv_translator.prose import prose_words

#: Longest passage text kept in the report.
MAX_TEXT = 240


@dataclass
class Passage:
    """A stretch of an output file and the English prose words in it."""

    location: str  # "paper.ko.html:812", "source/sec/intro.tex:14", "page 3"
    words: int
    text: str

    def as_dict(self) -> dict[str, str | int]:
        """The report's form."""
        return {"location": self.location, "words": self.words, "text": self.text}


def passage(location: str, text: str) -> Passage | None:
    """A :class:`Passage` for ``text``, None when it has no English prose word."""
    words = prose_words(text)
    if not words:
        return None
    flat = " ".join(text.split())
    return Passage(location, len(words), flat if len(flat) <= MAX_TEXT else flat[: MAX_TEXT - 1] + "…")


def _spaces(text: str) -> str:
    """``text`` as spaces, its new lines kept."""
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(line) for line in text.split("\n"))


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every match of ``pattern`` replaced by spaces, new lines kept (line numbers stay)."""
    return pattern.sub(lambda m: _spaces(m.group(0)), text)


def _reading(text: str) -> str:
    """Text as a reader reads it: words broken by ``-\\n`` or entities joined, white space plain."""
    return text.replace("\u00ad", "")


# --- HTML (any page; arXiv's LaTeXML pages in particular) --------------------------------------
_HTML_SKIP_TAGS = frozenset({"math", "script", "style", "code", "pre", "annotation", "annotation-xml", "nav",
                             "header", "footer", "cite", "button", "svg", "textarea", "template", "noscript",
                             "kbd", "samp", "tt", "head", "title"})
_HTML_SKIP_CLASSES = frozenset({"ltx_bibliography", "ltx_authors", "ltx_page_footer", "ltx_role_affiliation",
                                "ltx_personname", "ltx_listing", "ltx_verbatim", "ltx_lstlisting",
                                "ltx_page_navbar", "ltx_TOC", "ltx_ERROR", "sr-only", "arxiv-translator-pseudo"})
_HTML_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                        "track", "wbr", "param", "keygen"})
_HTML_BLOCKS = frozenset({"p", "div", "td", "th", "li", "dt", "dd", "figcaption", "caption", "h1", "h2", "h3",
                          "h4", "h5", "h6", "section", "article", "table", "tr", "blockquote", "figure", "ul",
                          "ol", "dl", "body"})
_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+")


class _HtmlScan(HTMLParser):
    """Collects passages (text between block boundaries) outside skipped subtrees."""

    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name = name
        self.stack: list[tuple[str, bool]] = []
        self.skipping = 0
        self.buffer: list[str] = []
        self.line = 0
        self.passages: list[Passage] = []

    def flush(self) -> None:
        if self.buffer:
            found = passage(f"{self.name}:{self.line}", _URL.sub(" ", "".join(self.buffer)))
            if found:
                self.passages.append(found)
        self.buffer = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_BLOCKS or tag == "br":
            self.flush()
        if tag in _HTML_VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        skip = tag in _HTML_SKIP_TAGS or bool(classes & _HTML_SKIP_CLASSES)
        if skip and not self.skipping and self.buffer:
            self.buffer.append(" ")  # a formula or a citation separates the words around it
        self.stack.append((tag, skip))
        self.skipping += skip

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_BLOCKS:
            self.flush()
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                self.skipping -= sum(skip for _, skip in self.stack[i:])
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if not self.buffer:
            self.line = self.getpos()[0]
        self.buffer.append(data)


def scan_html(path: Path, name: str) -> list[Passage]:
    """Passages of an HTML page: inside ``<article>`` when there is one."""
    text = path.read_text(encoding="utf-8", errors="replace")
    start, end = text.find("<article"), text.rfind("</article>")
    offset_line = 0
    if 0 <= start < end:
        offset_line = text.count("\n", 0, start)
        text = text[start:end]
    scan = _HtmlScan(name)
    scan.feed(text)
    scan.close()
    scan.flush()
    for p in scan.passages:
        file, line = p.location.rsplit(":", 1)
        p.location = f"{file}:{int(line) + offset_line}"
    return scan.passages


# --- Markdown / Mathpix Markdown ------------------------------------------------------------------
_MD_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,}).*?^[ \t]{0,3}\1[ \t]*$", re.S | re.M)
#: (``\$(?<!\\\$)`` is ``(?<!\\)\$``, written so that every alternative starts with a character: the search then
#: jumps from ``$`` to ``\`` instead of trying each position; the possessive run matches what the lazy one did,
#: as the dollar that ends it can be neither an escape nor a plain character)
_MD_MATH = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]|\$(?<!\\\$)(?:[^$\\\n]++|\\.)++\$|\\\((?:(?!\n\n).)*?\\\)", re.S)
_MD_CODE = re.compile(r"`[^`\n]*`")
_MD_NOISE = re.compile(r"\]\([^)\s]*\)|\[[A-Za-z]+:[^\]\s]+\]|<[^<>\n]+>|https?://\S+|www\.\S+|"
                       r"\\(?:begin|end|ref|eqref|cite[a-z]*|label|url|includegraphics|href)\*?(?:\[[^\]]*\])?"
                       r"\{[^}]*\}(?:\{[^}]*\})?|\\[A-Za-z@]+\*?")
_MD_SURNAME = r"(?:(?:von|van|de|der|den|da|di|du|le|la|dos|del)\s)*[A-Z][\w'\u2019-]+"
_MD_NAME = rf"{_MD_SURNAME}(?:\s(?:and|&)\s{_MD_SURNAME}|\set\sal\.)?"
_MD_YEAR = r"(?:\d{4}[a-z]?|n\.d\.)"
#: an author-year citation as the Markdown writer prints it: "(Chang and Smith, 2020; Yu et al., 2022a)",
#: "Chang and Smith (2020)" (names are kept by a perfect translator)
_MD_CITATION = re.compile(rf"\((?:{_MD_NAME},?\s{_MD_YEAR}(?:,\s{_MD_YEAR})*(?:;\s*)?)+\)|{_MD_NAME}\s\({_MD_YEAR}\)")
_MD_REFS = re.compile(r"^#{1,6}\s*(?:[\dA-Z.]+\s+)?(?:references?|bibliography|works cited|literature cited|"
                      r"참고\s*문헌)\W*$", re.I)
_MD_HEADING = re.compile(r"^#{1,6}\s")


def _reference_lines(lines: list[str]) -> list[bool]:
    """Per line: inside the reference list (a References heading up to the next heading)."""
    flags, in_refs = [], False
    for line in lines:
        if _MD_HEADING.match(line):
            in_refs = bool(_MD_REFS.match(line))
        flags.append(in_refs)
    return flags


def scan_markdown(path: Path, name: str, like: Path | None = None) -> list[Passage]:
    """Passages of a Markdown file, one per line; code, math, markup and the reference list left out.

    ``like``: the Markdown source the file was translated from; when it has
    the same lines, the reference list is found there (its heading may be
    translated in the output).
    """
    text = path.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    source = like.read_text(encoding="utf-8", errors="replace").splitlines() if like is not None else []
    refs = _reference_lines(source if len(source) == len(lines) else lines)
    for pattern in (_MD_FENCE, _MD_MATH, _MD_CODE, _MD_NOISE, _MD_CITATION):
        text = _blank(text, pattern)
    out: list[Passage] = []
    for number, (line, in_refs) in enumerate(zip(text.splitlines(), refs), 1):
        if in_refs or lines[number - 1].startswith("> PSEUDO-TRANSLATION"):  # (the pseudo engine's banner)
            continue
        found = passage(f"{name}:{number}", line)
        if found:
            out.append(found)
    return out


# --- LaTeX trees ---------------------------------------------------------------------------------
_TEX_COMMENT = re.compile(r"%(?<!\\%)[^\n]*")
_TEX_MATH_ENVS = r"(?:equation|align|gather|multline|eqnarray|flalign|alignat|displaymath|math|split)\*?"
_TEX_MATH = re.compile(r"\\begin\{(" + _TEX_MATH_ENVS + r")\}.*?\\end\{\1\}|\$\$.*?\$\$|\$(?<!\\\$)(?:[^$\\]++|\\.)++\$|"
                       r"\\\(.*?\\\)|\\\[.*?\\\]", re.S)
_TEX_CODE = re.compile(r"\\begin\{(verbatim|lstlisting|minted|tikzpicture|algorithmic|algorithm|comment|filecontents|"
                       r"CCSXML)"
                       r"\*?\}.*?\\end\{\1\*?\}|\\(?:verb|lstinline)\*?([^A-Za-z\s{]).*?\2", re.S)
_TEX_KEYS = re.compile(r"\\(?:cite[a-zA-Z]*|ref|eqref|autoref|cref|Cref|label|url|includegraphics|input|include|"
                       r"subfile|import|href|bibliography|bibliographystyle|usepackage|graphicspath|hypersetup|"
                       r"newcommand|renewcommand|providecommand|def|definecolor|setlength|"
                       r"vspace|hspace|begin|end)(?![A-Za-z@])\*?(?:\[[^\]]*\])*(?:\{[^{}]*\})*|\\begin\{(?:tabular|tabularx|array)"
                       r"\*?\}(?:\{[^}]*\})+|https?://\S+|www\.\S+")
_TEX_MACRO = re.compile(r"\\[A-Za-z@]+\*?")
_TEX_INCLUDE = re.compile(r"\\(?:input|include|subfile)\*?\s*\{([^}]+)\}|\\input\s+([^\s{}\\]+)")
_TEX_BIB = re.compile(r"\\begin\{thebibliography\}.*?\\end\{thebibliography\}", re.S)


def _tex_files(root: Path, main: str) -> Iterator[tuple[str, str]]:
    """(file, text) of the document in reading order: the main file's body and what it includes."""
    seen: set[str] = set()

    def visit(rel: str, text: str) -> Iterator[tuple[str, str]]:
        if rel in seen or len(seen) > 500:
            return
        seen.add(rel)
        yield rel, text
        for m in _TEX_INCLUDE.finditer(_TEX_COMMENT.sub("", text)):
            name = (m.group(1) or m.group(2)).strip()
            for cand in (Path(rel).parent / name, Path(name)):
                for c in (cand, cand.with_name(cand.name + ".tex")):
                    path = root / c
                    if path.is_file() and root.resolve() in path.resolve().parents:
                        yield from visit(str(c), path.read_text(encoding="utf-8", errors="replace"))
                        break
                else:
                    continue
                break

    main_text = (root / main).read_text(encoding="utf-8", errors="replace")
    cut = main_text.find("\\begin{document}")
    body = main_text if cut < 0 else "\n" * main_text.count("\n", 0, cut) + main_text[cut:]
    yield from visit(main, body)


def scan_latex(root: Path, name: str, main: str = "") -> list[Passage]:
    """Passages (paragraphs) of a LaTeX tree, from the main file's ``\\begin{document}`` on."""
    root = Path(root)
    if not main:
        mains = sorted(p for p in root.rglob("*.tex") if "\\documentclass" in p.read_text(errors="replace"))
        if not mains:
            return []
        main = str(mains[0].relative_to(root))
    out: list[Passage] = []
    keys = key_macros(root)
    for rel, text in _tex_files(root, main):
        for pattern in (_TEX_COMMENT, _TEX_CODE, _TEX_BIB, _TEX_MATH):
            text = _blank(text, pattern)
        text = blank_options(_blank(blank_arguments(text, keys), _TEX_KEYS))  # not prose: see .tex_nonprose
        text = _TEX_MACRO.sub(" ", text)  # the last step: from here on only words and lines count, not columns
        out.extend(_paragraphs(text, f"{name}/{rel}"))
    return out


def _paragraphs(text: str, name: str) -> Iterator[Passage]:
    """Passages of blank-line separated paragraphs, located at their first line."""
    lines: list[str] = []
    first = 1
    for number, line in enumerate(text.splitlines() + [""], 1):
        if line.strip():
            if not lines:
                first = number
            lines.append(line)
        elif lines:
            found = passage(f"{name}:{first}", "\n".join(lines))
            if found:
                yield found
            lines = []


# --- PDF -----------------------------------------------------------------------------------------
_PDF_REFS = re.compile(r"^\s*(?:\d+\.?\s*)?(?:references|bibliography|참고\s*문헌)\s*$", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PDF_APPENDIX = re.compile(r"^\s*(?:[A-Z](?:\.\d+)*\.?\s+\S|appendix\b|부록)", re.I)


def scan_pdf(path: Path, name: str, pages: list[int] | None = None, labels: list[int] | None = None) -> list[Passage]:
    """Passages (text blocks) of a PDF, by page; the reference list (up to an appendix) left out.

    ``pages``: the 0-based pages to read (default all); ``labels``: the page
    numbers to report for the pages read, in order (an output of selected
    pages is labelled with the original's page numbers).  Blocks with an
    e-mail address (author blocks) and the pseudo engine's banner are not prose.
    """
    from arxiv_translator.mupdf import pymupdf  # heavy: only when a PDF is audited

    out: list[Passage] = []
    in_refs = False
    with pymupdf.open(path) as pdf:
        for index, label in _pages_read(pdf.page_count, pages, labels):
            for block in pdf[index].get_text("blocks", sort=True):
                text = _reading(str(block[4]))
                in_refs, skip = _pdf_skip(text, in_refs)
                if skip:
                    continue
                found = passage(f"page {label}", _URL.sub(" ", re.sub(r"-\n(?=[a-z])", "", text)))
                if found:
                    out.append(found)
    return out


def _pages_read(count: int, pages: list[int] | None, labels: list[int] | None) -> list[tuple[int, int]]:
    """``(0-based page, label)`` of every page to read: ``pages`` that exist (default all), labelled by
    ``labels`` in order, else by their 1-based number."""
    chosen = [p for p in (pages if pages is not None else range(count)) if 0 <= p < count]
    return [(index, labels[n] if labels is not None and n < len(labels) else index + 1)
            for n, index in enumerate(chosen)]


@dataclass
class PdfLine:
    """One text line of a PDF page with English prose words (see :func:`scan_pdf_lines`)."""

    index: int  # 0-based page of the file read
    bbox: tuple[float, float, float, float]
    found: Passage


def scan_pdf_lines(path: Path, name: str, pages: list[int] | None = None,
                   labels: list[int] | None = None) -> list[PdfLine]:
    """Every text line of a PDF with English prose words left, by page, skipped as :func:`scan_pdf` skips.

    The line-level view of the same audit: the reference list (up to an
    appendix), author blocks (an e-mail address) and the pseudo banner are not prose.
    """
    from arxiv_translator.mupdf import pymupdf  # heavy: only when a PDF is audited

    out: list[PdfLine] = []
    in_refs = False
    with pymupdf.open(path) as pdf:
        for index, label in _pages_read(pdf.page_count, pages, labels):
            blocks = [b for b in pdf[index].get_text("dict", sort=True)["blocks"] if b.get("type") == 0]
            for block in blocks:
                lines = [("".join(s["text"] for s in ln["spans"]), tuple(ln["bbox"])) for ln in block["lines"]]
                text = _reading("\n".join(t for t, _ in lines))
                in_refs, skip = _pdf_skip(text, in_refs)
                if skip:
                    continue
                for line, bbox in lines:
                    found = passage(f"page {label}", _URL.sub(" ", _reading(line)))
                    if found:
                        out.append(PdfLine(index=index, bbox=bbox, found=found))
    return out


Scanner = Callable[..., list[Passage]]
#: Output kind -> scanner.
SCANNERS: dict[str, Scanner] = {"html": scan_html, "markdown": scan_markdown, "latex": scan_latex, "pdf": scan_pdf}


def _pdf_skip(text: str, in_refs: bool) -> tuple[bool, bool]:
    """``(in_refs, skip)`` for one PDF text block: the reference list (until an appendix heading),
    author blocks with an e-mail and the pseudo banner are not prose a translator changes."""
    if _PDF_REFS.match(text):
        return True, True
    if in_refs and _PDF_APPENDIX.match(text) and len(text) < 80:
        in_refs = False
    return in_refs, in_refs or bool(_EMAIL.search(text)) or text.startswith("PSEUDO-TRANSLATION")
