"""LaTeX source tree -> :class:`~arxiv_translator.document.Document`.

Parsing uses pylatexenc's LatexWalker (a real tokenizer/parser with macro
argument specs), fed with the macros the paper defines itself.  The main file
is found by content; ``\\input``/``\\include``/``\\subfile``/``\\import`` are
followed inside the tree only, in document order; a loop is an error.
"""

from __future__ import annotations

import os
from pathlib import Path

from pylatexenc.latexwalker import LatexEnvironmentNode

from ..document import Block, Document, SourceFile
from ..errors import InputError
from .latex_segments import Segmenter
from .latex_specs import make_context_db, user_macro_specs
from .latex_walker import ProseWalker
from .latex_tree import TexTree, check_forbidden, find_main, list_tree, strip_comments
from .latex_shell import may_escape, unobfuscate

MAX_INCLUDE_DEPTH = 32


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
        for rel in files:
            if rel.endswith((".tex", ".sty")) and not rel.startswith(".."):
                data = (root / rel).read_bytes()
                if b"command" in data or b"\\def" in data or b"DeclareMathOperator" in data:
                    macros.update(user_macro_specs(data.decode("utf-8", errors="replace")))
        self._db = make_context_db(macros)
        doc = Document(source_kind="latex", source_path=str(root), main_file=main)
        doc.meta["main_reason"] = reason
        self._doc, self._tree = doc, tree
        self._visit(main, role="main", stack=[])
        for rel, text in tree.texts.items():
            role = doc.files[rel].role if rel in doc.files else "other"
            doc.files[rel] = SourceFile(path=rel, encoding=tree.encodings[rel], text=text, role=role)
        doc.warnings.extend(tree.warnings)
        doc.fill_title_abstract()
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
        nodes = self._parse(rel, text)
        seg = Segmenter(rel, text)
        preamble_includes: list[tuple[str, str, str]] = []
        if role == "main":
            doc_env = next((n for n in nodes if isinstance(n, LatexEnvironmentNode)
                            and n.environmentname == "document"), None)
            if doc_env is None:
                raise InputError(f"{tree.root / rel}: \\begin{{document}} could not be parsed")
            pre = nodes[: nodes.index(doc_env)]
            seg.preamble(pre)
            pre_seg = Segmenter(rel, text)
            pre_seg.body(pre)  # only to learn the preamble's inclusions
            preamble_includes = pre_seg.includes
            seg.body(doc_env.nodelist)
        else:
            seg.body(nodes)
        main_dir = os.path.dirname(tree.main)
        for _macro, base, name in preamble_includes:
            target = tree.resolve(name, rel, os.path.join(main_dir, base) if base else main_dir)
            if target is not None:
                self._visit_preamble(target, stack + [rel])
        # Blocks in reading order: this file's segments up to each \input, then the included file.
        pending = sorted(seg.segments, key=lambda s: int(s.locator["start"]))  # a footnote after its paragraph
        part = 0
        for (_macro, base, name), pos in zip(seg.includes, seg.include_pos):
            before = [s for s in pending if int(s.locator["start"]) < pos]
            pending = pending[len(before):]
            part = self._add_block(rel, part, before)
            target = tree.resolve(name, rel, os.path.join(main_dir, base) if base else main_dir)
            if target is not None:
                self._visit(target, "body", stack + [rel])
        self._add_block(rel, part, pending)

    def _add_block(self, rel: str, part: int, segments: list) -> int:
        """Append a block of ``rel``'s segments (ids ``rel``, ``rel#2``, ...); returns the next part number."""
        if not segments and part > 0:
            return part
        self._doc.blocks.append(Block(id=rel if part == 0 else f"{rel}#{part + 1}", kind="file",
                                      segments=segments, attrs={"file": rel}))
        return part + 1

    def _visit_preamble(self, rel: str, stack: list[str]) -> None:
        """Preamble files are kept as they are, but decoded and checked for loops."""
        if rel in stack:
            raise InputError(f"{self._tree.root / rel}: \\input loop ({' -> '.join(stack + [rel])})")
        if rel not in self._doc.files:
            text = self._tree.read(rel)
            self._doc.files[rel] = SourceFile(path=rel, encoding=self._tree.encodings[rel], text=text,
                                              role="preamble")

    def _parse(self, rel: str, text: str) -> list:
        try:
            walker = ProseWalker(text, latex_context=self._db, tolerant_parsing=True)
            nodes, _pos, _len = walker.get_latex_nodes()
        except Exception as exc:  # pylatexenc raises its own error types on hopeless input
            raise InputError(f"{self._tree.root / rel}: cannot parse LaTeX ({exc})") from None
        if "\\begin{document}" in strip_comments(text) and rel != self._tree.main:
            self._doc.warnings.append(f"{rel}: has its own \\begin{{document}} (subfile); translated as a body file")
        return nodes
