"""LaTeX source tree -> :class:`~arxiv_translator.document.Document`.

Parsing uses pylatexenc's LatexWalker (a real tokenizer/parser with macro
argument specs), fed with the macros the paper's ``.tex`` files define (style
and class files only declare theorem environments; they never change how a
standard command such as ``\\section`` is read).  Each file is cut into chunks
(:mod:`.latex_chunks`) parsed one by one, so a construct the parser cannot
understand costs only its chunk, which is kept as source and listed in
``Document.kept`` (file and line).  The main file is found by content;
``\\input``/``\\include``/``\\subfile``/``\\import`` are followed inside the
tree only, in document order; a loop is an error.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from arxiv_translator.assets import make_assets
from arxiv_translator.document import Block, Document, KeptConstruct, SourceFile
from arxiv_translator.document_attrs import BlockAttrs
from arxiv_translator.readers.latex_elements import elements_of
from arxiv_translator.readers.latex_labels import latex_info
from arxiv_translator.errors import InputError
from arxiv_translator.readers.latex_chunks import chunks, line_of
from arxiv_translator.readers.latex_segments import Segmenter
from arxiv_translator.readers.latex_specs import (keyword_io_names, make_context_db, option_env_names,
                                                 theorem_env_names, unknown_envs, user_macro_specs)
from arxiv_translator.texdefs import Definition, definitions, environment_text_args, verbatim_declarations
from arxiv_translator.readers.latex_walker import MathAtomWalker
from arxiv_translator.readers.latex_shell import may_escape, unobfuscate
from arxiv_translator.readers.latex_tree import TexTree, check_forbidden, find_main, includes_of, list_tree, main_candidates
from arxiv_translator.readers.tables import latex_tables

MAX_INCLUDE_DEPTH = 32
MAX_KEPT_WARNINGS = 20
_CLASS_LINE = re.compile(r"^[ \t]*\\documentclass\b", re.M)
_DOC_MARK = re.compile(r"\\(begin|end)\s*\{document\}")
#: Where ``\\end{document}`` is text, not the end: a verbatim environment or an inline ``\\verb|...|``.
_VERBATIM = re.compile(r"\\begin\{(verbatim|Verbatim|lstlisting|minted|comment)\*?\}.*?\\end\{\1\*?\}"
                       r"|\\(?:verb|lstinline|Verb|mintinline\{\w*\})\*?(?:\[[^\]\n]*\])?([^A-Za-z\s*\[{])[^\n]*?\2", re.S)


class LatexReader:
    """Reads a LaTeX source tree (a directory, already extracted)."""

    name = "latex"
    collapse_space = True

    def read(self, root: Path, main: str | None = None) -> Document:
        """Read the tree at ``root``; ``main`` forces the main file (relative path)."""
        root = Path(root)
        files = list_tree(root)
        if main is None:
            main, reason = find_main(root, files)
        else:
            reason = "given on the command line"
        tree = TexTree(root=root, main=main, main_reason=reason)
        for rel in files:
            if rel.endswith((".tex", ".sty", ".cls", ".def", ".cfg", ".ltx")):
                data = (root / rel).read_bytes()
                if may_escape(data):
                    check_forbidden(rel, unobfuscate(tree.read(rel) if rel.endswith(".tex") else data.decode("latin-1")),
                                    root)
        macros: dict[str, str] = {}
        theorems: set[str] = set()
        option_envs: set[str] = set()
        titled_envs: set[str] = set()
        self._definitions: dict[str, Definition] = {}
        self._verbatim_envs: set[str] = set()  # declared by the paper (\lstnewenvironment{code} ...)
        self._short_verbs: set[str] = set()  # \DefineShortVerb{\|}
        self._text_envs: dict[str, frozenset[int]] = {}  # \newtcolorbox{promptbox}[1]{title=#1}: {0}
        self._keyword_io: set[str] = set()  # algorithm2e's \SetKwInOut{Input}{..}: \Input{..} is prose
        for rel in files:
            if rel.endswith((".tex", ".sty", ".cls")):
                data = (root / rel).read_bytes()
                text = data.decode("utf-8", errors="replace")
                if b"theorem" in data:
                    theorems |= theorem_env_names(text)
                if rel.endswith(".tex") and (b"command" in data or b"\\def" in data or b"DeclareMathOperator" in data
                                          or b"DocumentCommand" in data or b"SetKw" in data):
                    macros.update(user_macro_specs(text))
                if b"SetKw" in data:
                    self._keyword_io |= keyword_io_names(text)
                if rel.endswith(".tex") and b"}[" in data:
                    with_options, with_title = option_env_names(text)
                    option_envs |= with_options
                    titled_envs |= with_title
                if rel.endswith((".tex", ".sty")) and b"#" in data:
                    self._definitions.update(definitions(text))
                    if b"environment" in data or b"olorbox" in data or b"ColorBox" in data:
                        self._text_envs.update(environment_text_args(text))
                if rel.endswith((".tex", ".sty")) and (b"Verb" in data or b"listing" in data or b"lstnew" in data
                                                      or b"minted" in data or b"verbatim" in data):
                    envs, shorts = verbatim_declarations(text)
                    self._verbatim_envs |= envs
                    self._short_verbs |= shorts
        theorems |= unknown_envs(titled_envs - self._verbatim_envs)  # a title opens them, as \begin{theorem}[..]
        self._db = make_context_db(macros, theorems, self._verbatim_envs, self._short_verbs, option_envs)
        self._db_theorems = theorems
        doc = Document(source_kind="latex", source_path=str(root), main_file=main)
        doc.meta["main_reason"] = reason
        self._doc, self._tree = doc, tree
        self._visit(main, role="main", stack=[])
        self._visit_other_mains(files)
        for rel, text in tree.texts.items():
            role = doc.files[rel].role if rel in doc.files else "other"
            doc.files[rel] = SourceFile(path=rel, encoding=tree.encodings[rel], text=text, role=role)
        doc.warnings.extend(tree.warnings)
        doc.assets = make_assets(root, files)  # the writers compile the translated tree beside all of it
        doc.warnings.extend(f"{k.file}:{k.line}: kept as source ({k.reason})" for k in doc.kept[:MAX_KEPT_WARNINGS])
        if len(doc.kept) > MAX_KEPT_WARNINGS:
            doc.warnings.append(f"... and {len(doc.kept) - MAX_KEPT_WARNINGS} more constructs kept as source")
        doc.fill_title_abstract()
        doc.latex = latex_info(doc)  # label numbers, \graphicspath, pictures: writers render from these
        return doc

    def _visit(self, rel: str, role: str, stack: list[str]) -> None:
        tree, doc = self._tree, self._doc
        if rel in stack:
            chain = " -> ".join(stack + [rel])
            raise InputError(f"{tree.root / rel}: \\input loop ({chain})")
        if len(stack) > MAX_INCLUDE_DEPTH:
            raise InputError(f"{tree.root / rel}: \\input nesting deeper than {MAX_INCLUDE_DEPTH}")
        if rel in doc.files and doc.files[rel].role in ("body", "main"):
            return  # the same file included twice: its segments exist already
        text = tree.read(rel)
        doc.files[rel] = SourceFile(path=rel, encoding=tree.encodings[rel], text=text, role=role)
        seg = Segmenter(rel, text, theorem_envs=self._db_theorems, definitions=self._definitions,
                        verbatim_envs=self._verbatim_envs, short_verbs=self._short_verbs,
                        prose_keywords=self._keyword_io, text_envs=self._text_envs)
        preamble_includes: list[tuple[str, str, str]] = []
        pre_end, begin, end = _document_span(text, self._verbatim_envs, self._short_verbs)
        if begin is not None and role != "main" and not _CLASS_LINE.search(text, 0, pre_end):
            begin = None  # \begin{document} in a body file without a class: a \verb or a macro, not a subfile
            pre_end, end = 0, len(text)
        if begin is not None and role != "main":
            doc.warnings.append(f"{rel}: has its own \\begin{{document}} (subfile); translated as a body file")
            begin_main = None
        else:
            begin_main = begin
        if begin_main is not None:
            pre_seg = Segmenter(rel, text)
            for nodes in self._parse(rel, text, 0, pre_end):
                seg.preamble(nodes)
                pre_seg.body(nodes)  # only to learn the preamble's inclusions
            preamble_includes = pre_seg.includes
            body_start, body_end = begin, end
        elif begin is not None:  # a subfile: its preamble is the main file's business
            body_start, body_end = begin, end
        else:
            if role == "main":
                doc.warnings.append(f"{rel}: no \\begin{{document}} found; the whole file is read as the body")
            body_start, body_end = 0, len(text)
        for nodes in self._parse(rel, text, body_start, body_end):
            seg.body(nodes)
        main_dir = os.path.dirname(tree.main)
        for _macro, base, name in preamble_includes:
            target = tree.resolve(name, rel, os.path.join(main_dir, base) if base else main_dir)
            if target is not None:
                self._visit_preamble(target, stack + [rel])
        doc.tables.extend(latex_tables(rel, text, seg.tables, seg.segments))
        # Blocks in reading order: this file's segments up to each \input, then the included file.
        doc.elements.extend(elements_of(rel, seg.elements))
        pending = sorted(seg.segments, key=lambda s: s.locator.start or 0)  # a footnote after its paragraph
        part = 0
        for (_macro, base, name), pos in zip(seg.includes, seg.include_pos):
            before = [s for s in pending if (s.locator.start or 0) < pos]
            pending = pending[len(before):]
            part = self._add_block(rel, part, before)
            target = tree.resolve(name, rel, os.path.join(main_dir, base) if base else main_dir)
            if target is not None:
                self._visit(target, "body", stack + [rel])
        self._add_block(rel, part, pending)

    def _visit_other_mains(self, files: list[str]) -> None:
        """Files that only another main candidate includes (an ``arxiv.tex`` beside ``main.tex``) are translated too."""
        candidates, _texts = main_candidates(self._tree.root, files)
        for other in candidates:
            if other == self._tree.main:
                continue
            text = self._tree.read(other)
            _pre, begin, end = _document_span(text, self._verbatim_envs, self._short_verbs)
            for _macro, base, name in includes_of(text[begin or 0 : end]):
                noted = len(self._tree.warnings)
                try:
                    target = self._tree.resolve(name, other, os.path.join(os.path.dirname(other), base))
                except InputError:
                    continue
                del self._tree.warnings[noted:]  # a file another main misses is not this paper's problem
                if target is not None and target not in self._doc.files and target not in candidates:
                    self._visit(target, "body", [other])

    def _add_block(self, rel: str, part: int, segments: list) -> int:
        """Append a block of ``rel``'s segments (ids ``rel``, ``rel#2``, ...); returns the next part number."""
        if not segments and part > 0:
            return part
        self._doc.blocks.append(Block(id=rel if part == 0 else f"{rel}#{part + 1}", kind="file",
                                      segments=segments, attrs=BlockAttrs(file=rel)))
        return part + 1

    def _visit_preamble(self, rel: str, stack: list[str]) -> None:
        """Preamble files are decoded and checked for loops; what the preamble translates (the title block,
        glossary and acronym definitions: ``\\input{acronyms}``) is read there too."""
        if rel in stack:
            raise InputError(f"{self._tree.root / rel}: \\input loop ({' -> '.join(stack + [rel])})")
        if rel not in self._doc.files:
            text = self._tree.read(rel)
            self._doc.files[rel] = SourceFile(path=rel, encoding=self._tree.encodings[rel], text=text,
                                              role="preamble")
            seg = Segmenter(rel, text)
            for nodes in self._parse(rel, text, 0, len(text)):
                seg.preamble(nodes)
            self._add_block(rel, 0, seg.segments)

    def _parse(self, rel: str, text: str, start: int, end: int):
        """Parsed node lists of the chunks of ``text[start:end]``; what cannot be parsed is recorded and kept."""
        for chunk in chunks(text, start, end, frozenset(self._verbatim_envs), frozenset(self._short_verbs)):
            piece = text[chunk.start : chunk.end]
            first = chunk.start + len(piece) - len(piece.lstrip())  # where the construct's text begins
            if chunk.kind != "text":
                self._keep(rel, text, first, chunk.reason)
                continue
            try:
                walker = MathAtomWalker(text[: chunk.end], latex_context=self._db, tolerant_parsing=True)
                nodes, _pos, _len = walker.get_latex_nodes(pos=chunk.start)
            except Exception as exc:  # pylatexenc raises its own error types on hopeless input
                self._keep(rel, text, first, f"cannot parse: {str(exc).splitlines()[0][:120]}")
                continue
            yield nodes

    def _keep(self, rel: str, text: str, pos: int, reason: str) -> None:
        self._doc.kept.append(KeptConstruct(file=rel, line=line_of(text, pos), reason=reason))


def _document_span(text: str, envs: set[str] = frozenset(), shorts: set[str] = frozenset()) -> tuple[int, int | None, int]:
    """Offsets at and just after ``\\begin{document}``, and at ``\\end{document}`` (comments skipped, and
    verbatim: also the paper's own verbatim environments ``envs`` and short ``\\verb`` characters ``shorts``)."""
    pre_end = begin = end = None
    quoted = [v.span() for v in _VERBATIM.finditer(text)] if "\\verb" in text or "\\begin{" in text else []
    if envs or shorts:
        names = "|".join(re.escape(e) for e in sorted(envs)) or "(?!)"
        chars = "".join(re.escape(c) for c in sorted(shorts)) or "(?!)"
        learned = rf"\\begin\{{({names})\}}.*?\\end\{{\1\}}|([{chars}])[^\n]*?\2" if shorts else \
            rf"\\begin\{{({names})\}}.*?\\end\{{\1\}}"
        quoted += [v.span() for v in re.finditer(learned, text, re.S)]
    for m in _DOC_MARK.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if re.search(r"%(?<!\\%)", text[line_start : m.start()]) or any(a <= m.start() < b for a, b in quoted):
            continue
        if m.group(1) == "begin" and begin is None:
            pre_end, begin = m.start(), m.end()
        elif m.group(1) == "end" and begin is not None:
            end = m.start()
            break
    if begin is None or pre_end is None:
        return 0, None, len(text)
    return pre_end, begin, len(text) if end is None else end
