"""Markdown / Mathpix Markdown (``.mmd``, ``.md``) -> :class:`~arxiv_translator.document.Document`.

The form is what OCR models such as nougat and Mathpix write: one line per
paragraph, ``#`` headings, ``*``/``-``/``1.`` list items, ``Footnote N:``
lines, ``Figure N:``/``Table N:`` captions, ``\\(..\\)``/``\\[..\\]`` math,
tables as LaTeX ``tabular`` (inside ``\\begin{table}``), fenced code.  The
reader works line by line (blocks) and hands each stretch of prose to
:mod:`.markdown_inline` for its protected spans.

* Segments never cross a line they do not own: the Markdown writer splices
  translations back at the segments' offsets, so everything outside
  translated prose stays byte-identical and the file keeps its lines.
* Table cells (``tabular`` or ``| pipe |`` rows) are segments of their own
  (attrs ``table``, ``row``, ``col``); the table's structure is never touched.
* The reference list (from a ``References``/``Bibliography`` heading to the
  next heading) is read as ``bibliography`` segments already settled as
  ``kept``: shown by writers, never sent to an engine.
* Math must close in its paragraph.  A file where it does not is an
  :class:`~arxiv_translator.errors.InputError` naming the file and line,
  unless such paragraphs are rare (at most one in twenty of those holding
  math, as in OCR output that lost a delimiter): those paragraphs are then
  kept as they are, each with a warning naming its line.

Why not markdown-it-py (``bench/bench_reader_libs.py``): driven by its block tokens this reader
gives the same segments on all 33 corpus papers, ~35 % slower and with more code (it has line
ranges, no inline offsets, no Mathpix line rules); stock CommonMark opens a fence at Mathpix's
one-line "``` text" and swallows the rest of a paper, ``texmath`` takes prose after ``\\]`` as math.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from arxiv_translator.assets import image_candidates, make_assets
from arxiv_translator.document import Block, Document, Segment, SourceFile, Status
from arxiv_translator.document_attrs import Locator, SegmentAttrs
from arxiv_translator.encoding import decode_text
from arxiv_translator.errors import InputError
from arxiv_translator.readers.markdown_code import prose_line as _prose_line
from arxiv_translator.readers.markdown_inline import Scan, scan
from arxiv_translator.readers.markdown_inline import Span as InlineSpan
from arxiv_translator.readers.markdown_elements import markdown_elements
from arxiv_translator.readers.markdown_lines import (ABSTRACT_HEADING, ABSTRACT_LEAD, CAPTION, ENV_LINE, FENCE,
                                                     FOOTNOTE, HEADING, ITEM, LETTER, REFERENCES, TABULAR,
                                                     TEX_HEADING, TEX_LEVELS)
from arxiv_translator.readers.tables import markdown_tables

ID_PREFIX = {"title": "title", "abstract": "a", "heading": "h", "paragraph": "p", "item": "i", "cell": "t",
             "caption": "c", "footnote": "f", "bibliography": "b"}
#: At most one paragraph in this many (of those with math) may have unbalanced math.
BROKEN_MATH_RATIO = 20


@dataclass
class _Lines:
    """Line start offsets of a text, for offset -> line number."""

    starts: list[int]

    def number(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


@dataclass
class _Open:
    """A prose block being collected (paragraph, item, footnote, caption)."""

    kind: str
    start: int
    end: int
    attrs: SegmentAttrs = field(default_factory=SegmentAttrs)


class MarkdownReader:
    """Reads one Markdown / Mathpix Markdown file."""

    name = "markdown"
    collapse_space = False  # line structure matters

    def read(self, root: Path, main: str | None = None) -> Document:
        """Read ``root/main`` (``main`` defaults to the only ``.mmd``/``.md`` file in ``root``)."""
        root = Path(root)
        rel = main or _find_main(root)
        path = root / rel
        if not path.is_file():
            raise InputError(f"{path}: no such Markdown file")
        text, encoding = decode_text(path.read_bytes(), str(path))
        parsed = _Parser(rel, text).run()
        broken = parsed.broken
        if broken and len(broken) > parsed.math_blocks // BROKEN_MATH_RATIO:
            line, message = broken[0]
            more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
            raise InputError(f"{path}:{line}: unbalanced math: {message}{more}")
        doc = Document(source_kind="markdown", source_path=str(root), main_file=rel)
        doc.files[rel] = SourceFile(path=rel, encoding=encoding, text=text, role="main")
        doc.blocks.append(Block(id=rel, kind="file", segments=parsed.segments))
        doc.tables = markdown_tables(rel, text, parsed.table_regions, parsed.segments)
        doc.elements, images = markdown_elements(rel, text, [(a, b) for a, b, _m in parsed.table_regions],
                                                 parsed.code_regions)
        folder = posixpath.dirname(rel)
        doc.assets = make_assets(root, (p for src in images for p in image_candidates(src, [folder])))
        doc.warnings.extend(f"{rel}:{line}: unbalanced math ({message}); paragraph kept as in the source"
                            for line, message in broken)
        doc.warnings.extend(parsed.warnings)
        doc.fill_title_abstract()
        return doc


def _find_main(root: Path) -> str:
    found = sorted(p.name for p in root.iterdir() if p.suffix.lower() in (".mmd", ".md", ".markdown"))
    for name in ("paper.mmd", "paper.md"):
        if name in found:
            return name
    if len(found) != 1:
        raise InputError(f"{root}: name the Markdown file to translate ({len(found)} candidates)")
    return found[0]


class _Parser:
    """One pass over the lines; see the module docstring."""

    def __init__(self, rel: str, text: str) -> None:
        self.rel, self.text = rel, text
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.lines = _Lines(starts)
        self.segments: list[Segment] = []
        self.broken: list[tuple[int, str]] = []
        self.warnings: list[str] = []
        self.math_blocks = 0
        self.counts: dict[str, int] = {}
        self.section = ""
        self.mode = "body"  # "body" | "abstract" | "bibliography"
        self.open: _Open | None = None
        self.tables = 0
        self.table_regions: list[tuple[int, int, str]] = []  # (start, end, mode) of each table, for its grid
        self.code_regions: list[tuple[int, int]] = []  # fenced code blocks, fence to fence
        self.seen_block = False
        self.abstract_env = False

    def run(self) -> _Parser:
        text, starts = self.text, self.lines.starts
        i, n = 0, len(starts)
        while i < n:
            a = starts[i]
            b = starts[i + 1] - 1 if i + 1 < n else len(text)
            if b > a and text[b - 1] == "\r":
                b -= 1
            i = self._line(i, a, b)
        self._flush()
        return self

    # -- lines ----------------------------------------------------------------
    def _line(self, i: int, a: int, b: int) -> int:
        line = self.text[a:b]
        s = line.strip()
        if not s:
            self._flush()
            return i + 1
        if m := FENCE.match(line):
            self._flush()
            return self._fence(i, m)
        if m := HEADING.match(line):
            self._flush()
            self._heading(len(m.group(1)), a + m.start(2), a + m.end(2))
            return i + 1
        if m := TEX_HEADING.match(s):
            self._flush()
            off = a + line.index(s)
            self._heading(TEX_LEVELS[m.group(1)], off + m.start(2), off + m.end(2))
            return i + 1
        if self.mode == "bibliography" and not (CAPTION.match(s) or s.startswith(("\\begin{", "!["))):
            self._flush()
            item = ITEM.match(line)
            self._segment(a + (item.end() if item else 0), b, "bibliography")
            return i + 1
        if TABULAR.search(s) and (s.startswith("\\begin{tab") or s.startswith("\\begin{array")):
            self._flush()
            return self._tabular(i, a + line.index("\\begin{"))
        if m := ENV_LINE.match(s):
            self._flush()
            if m.group(2) == "abstract":
                self.abstract_env = m.group(1) == "begin"
                self.mode = "abstract" if self.abstract_env else "body"
            return i + 1
        if s.startswith("|"):
            self._flush()
            return self._pipe_table(i, a)
        self._prose(a, b, line, s)
        return i + 1

    def _prose(self, a: int, b: int, line: str, s: str) -> None:
        body = "abstract" if self.mode == "abstract" else "paragraph"
        if m := ITEM.match(line):
            self._flush()
            self.open = _Open("item", a + m.end(), b)
        elif m := FOOTNOTE.match(line):  # "Footnote 3:" is translated, a "[^3]:" label is not
            self._flush()
            self.open = _Open("footnote", a + (m.end() if m.group(1) else 0), b)
        elif self.open is None and CAPTION.match(s):
            self.open = _Open("caption", a, b)
        elif self.open is not None:
            self.open.end = b
        else:
            self.open = _Open("abstract" if ABSTRACT_LEAD.match(s) else body, a, b)
            if self.mode == "abstract" and not self.abstract_env:  # after an Abstract heading: one paragraph
                self.mode = "body"

    def _fence(self, i: int, m: re.Match[str]) -> int:
        """A code block: its lines stay as they are, except lines of prose (see :func:`_prose_line`)."""
        marker, info = m.group(1), m.group(2).strip()
        starts, text = self.lines.starts, self.text
        if info and (" " in info or marker[0] in info):  # Mathpix writes a one-line code block as "``` text"
            self._code_prose(starts[i] + m.start(2), starts[i] + m.end(2))
            return i + 1
        for j in range(i + 1, len(starts)):
            a = starts[j]
            b = starts[j + 1] - 1 if j + 1 < len(starts) else len(text)
            if text[a:b].strip().startswith(marker[0] * len(marker)) and not text[a:b].strip(marker[0] + " \t\r"):
                self.code_regions.append((starts[i], b))
                return j + 1
            if not info:  # OCR'd prompt boxes and pseudo-code; a labelled listing (```python) is all code
                self._code_prose(a, b)
        self.warnings.append(f"{self.rel}:{i + 1}: code block never closed; kept as it is to the end of the file")
        self.code_regions.append((starts[i], len(text)))
        return len(starts)

    def _code_prose(self, a: int, b: int) -> None:
        """Paragraphs for a line of a code block that is prose (:func:`_prose_line`).

        OCR leaves stray math closers (``\\)`` without ``\\(``) in such lines;
        the parts around them are read, the closer itself stays as it is.
        """
        if not _prose_line(self.text[a:b]):
            return
        pos = a
        while pos < b:
            found = scan(self.text, pos, b)
            if not found.problems:
                self._segment(pos, b, "paragraph", spans=found.spans)
                return
            offset, message = found.problems[0]
            if not message.startswith("\\) without") or offset <= pos:
                return
            part = scan(self.text, pos, offset)
            if not part.problems:
                self._segment(pos, offset, "paragraph", spans=part.spans)
            pos = offset + 2

    def _heading(self, level: int, a: int, b: int) -> None:
        title = self.text[a:b]
        plain = re.sub(r"[*_#]", "", title).strip()
        kind = "title" if level == 1 and not self.seen_block else "heading"
        self.mode = ("abstract" if ABSTRACT_HEADING.match(plain)
                     else "bibliography" if REFERENCES.match(plain) else "body")
        self._segment(a, b, kind, SegmentAttrs(level=level))
        self.section = plain
        self.seen_block = True

    def _tabular(self, i: int, a: int) -> int:
        text = self.text
        depth, end = 0, None
        for m in re.finditer(r"\\(begin|end)\{(?:tabular[*x]?|array)\}", text[a:]):
            depth += 1 if m.group(1) == "begin" else -1
            if depth == 0:
                end = a + m.end()
                break
        if end is None:  # never closed: the table runs to the end of its paragraph
            blank = re.compile(r"\n[ \t\r]*\n").search(text, a)
            end = blank.start() if blank else len(text)
            self.warnings.append(f"{self.rel}:{i + 1}: tabular never closed; read up to the next blank line")
        else:  # OCR output may go on after \end{tabular}: the rest of the line belongs to the table
            line_end = text.find("\n", end)
            end = len(text) if line_end < 0 else line_end
        self._table_rows(a, end, "latex")
        self.seen_block = True
        return self.lines.number(end - 1) if end > a else i + 1

    def _pipe_table(self, i: int, a: int) -> int:
        starts, text = self.lines.starts, self.text
        j, b = i, len(text)
        while j < len(starts):
            end = starts[j + 1] - 1 if j + 1 < len(starts) else len(text)
            if not text[starts[j]:end].lstrip().startswith("|"):
                break
            b, j = end, j + 1
        self._table_rows(a, b, "pipe")
        self.seen_block = True
        return j

    def _table_rows(self, a: int, b: int, mode: str) -> None:
        found = scan(self.text, a, b, mode)
        if self._broken(found):
            return
        self.table_regions.append((a, b, mode))
        self.tables += 1
        cuts = sorted(found.cuts) + [(b, b, "end")]
        first = -1 if mode == "pipe" else 0  # a pipe row starts with its "|"
        row, col = 0, first
        pos = a
        for c_start, c_end, kind in cuts:
            if c_start > pos:
                attrs = SegmentAttrs(table=self.tables, row=row, col=col)
                self._segment(pos, c_start, "cell", attrs, [s for s in found.spans if pos <= s.start < c_start])
            if kind == "col":
                col += 1
            elif kind == "row":
                row, col = row + 1, first
            pos = max(pos, c_end)

    # -- segments -------------------------------------------------------------
    def _flush(self) -> None:
        block, self.open = self.open, None
        if block is None:
            return
        text = self.text[block.start : block.end]
        label = block.kind == "paragraph" and ABSTRACT_HEADING.match(re.sub(r"[*_]", "", text)) is not None
        if block.kind == "paragraph" and not label and not self.seen_block and "\n" not in text:
            line = text.strip()
            if len(line) <= 200 and not line.endswith(".") and LETTER.search(line):
                block.kind, block.attrs = "title", SegmentAttrs(level=1)
        found = scan(self.text, block.start, block.end)
        if self._broken(found):
            self._segment(block.start, block.end, block.kind, block.attrs, [], Status.KEPT)
            return
        self._segment(block.start, block.end, block.kind, block.attrs, found.spans)
        if label:
            self.mode = "abstract"  # "**Abstract**" on a line of its own: the next paragraph is the abstract

    def _broken(self, found: Scan) -> bool:
        if found.math:
            self.math_blocks += 1
        if not found.problems:
            return False
        offset, message = found.problems[0]
        self.broken.append((self.lines.number(offset), message))
        return True

    def _segment(self, a: int, b: int, kind: str, attrs: SegmentAttrs | None = None,
                 spans: list[InlineSpan] | None = None, status: Status | None = None) -> None:
        text = self.text
        if spans is None:
            if kind == "bibliography":
                spans, status = [], Status.KEPT
            else:
                found = scan(text, a, b)
                if self._broken(found):
                    spans, status = [], Status.KEPT
                else:
                    spans = found.spans
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        spans = _whole_pairs([s for s in spans if a <= s.start and s.end <= b])
        if a >= b or not _has_words(text, a, b, spans):
            return
        self.seen_block = True
        prefix = ID_PREFIX.get(kind, kind[:3])
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        seg = Segment(id=f"{self.rel}/{prefix}{self.counts[prefix]}", kind=kind, source=text[a:b],
                      spans=[{"kind": s.kind, "start": s.start - a, "end": s.end - a, "role": s.role,
                              "pair": s.pair} for s in spans],
                      locator=Locator(file=self.rel, start=a, end=b, line=self.lines.number(a)),
                      attrs=attrs.model_copy() if attrs else SegmentAttrs(), context=self.section)
        if status is not None:
            seg.settle(status, "bibliography kept as in the source" if kind == "bibliography"
                       else "unbalanced math kept as in the source")
        self.segments.append(seg)


def _whole_pairs(spans: list[InlineSpan]) -> list[InlineSpan]:
    """An open or close whose partner is not in the same segment becomes an atom."""
    roles: dict[int, set[str]] = {}
    for s in spans:
        if s.pair is not None:
            roles.setdefault(s.pair, set()).add(s.role)
    out = []
    for s in spans:
        if s.pair is not None and roles[s.pair] != {"open", "close"}:
            s = InlineSpan(s.kind, s.start, s.end)
        out.append(s)
    return out


def _has_words(text: str, a: int, b: int, spans: list[InlineSpan]) -> bool:
    pos = a
    for s in spans:
        if LETTER.search(text, pos, max(pos, s.start)):
            return True
        pos = max(pos, s.end)
    return bool(LETTER.search(text, pos, b))
