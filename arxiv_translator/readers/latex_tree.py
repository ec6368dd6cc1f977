"""A LaTeX source tree: find the main file, follow inclusions, decode safely.

Nothing here reads outside the tree: every ``\\input``-like path is resolved
inside the root (symbolic links included) or the tree is refused.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from arxiv_translator.encoding import decode_text
from arxiv_translator.errors import InputError, UnsafeInputError
from arxiv_translator.readers.latex_specs import FORBIDDEN, INCLUDES

_COMMENT = re.compile(r"%(?<!\\%).*")  # "%" first, then "not after a backslash": the engine jumps from % to %
_DOCCLASS = re.compile(r"\\documentclass\s*(\[[^\]]*\])?\s*\{([^}]*)\}")
_BEGIN_DOC = re.compile(r"\\begin\s*\{document\}")
_INCLUDE = re.compile(
    r"\\(" + "|".join(sorted(INCLUDES, key=len, reverse=True)) + r")\*?(?![A-Za-z@])\s*"
    r"(?:\{([^{}]*)\}\s*)?(?:\{([^{}]*)\}|(?<=\\input)\s+([^\s{}\\%]+))"
)
MAX_README = 100_000  # characters of a 00README read
PREFERRED_NAMES = ("main.tex", "ms.tex", "paper.tex", "article.tex", "manuscript.tex")


def strip_comments(text: str) -> str:
    """The text with ``%`` comments removed (line structure kept)."""
    return _COMMENT.sub("", text)


@dataclass
class TexTree:
    """The decoded ``.tex`` files of a source tree and how they include each other."""

    root: Path
    main: str
    texts: dict[str, str] = field(default_factory=dict)  # relative path -> decoded text
    encodings: dict[str, str] = field(default_factory=dict)
    main_reason: str = ""
    warnings: list[str] = field(default_factory=list)

    def read(self, rel: str) -> str:
        """Decode (once) and return the ``.tex`` file at ``rel``."""
        if rel not in self.texts:
            path = self.root / rel
            text, encoding = decode_text(path.read_bytes(), str(path))
            self.texts[rel] = text
            self.encodings[rel] = encoding
        return self.texts[rel]

    def resolve(self, name: str, including: str, base_dir: str | None = None) -> str | None:
        """Resolve an ``\\input`` argument to a relative path inside the tree.

        Returns None (with a warning) when the file does not exist; raises
        :class:`UnsafeInputError` when the path would leave the tree.
        """
        name = name.strip()
        if not name:
            return None
        where = f"{self.root / including}"
        if os.path.isabs(name) or name.startswith("~") or re.match(r"^[A-Za-z]:", name):
            raise UnsafeInputError(f"{where}: \\input{{{name}}} points outside the source tree")
        base = base_dir if base_dir is not None else ""
        rel = os.path.normpath(os.path.join(base, name))
        if rel.startswith("..") or os.path.isabs(rel):
            raise UnsafeInputError(f"{where}: \\input{{{name}}} points outside the source tree")
        root_real = os.path.realpath(self.root)
        for candidate in (rel, rel + ".tex") if not rel.endswith(".tex") else (rel,):
            full = self.root / candidate
            real = os.path.realpath(full)
            if not (real == root_real or real.startswith(root_real + os.sep)):
                raise UnsafeInputError(f"{where}: \\input{{{name}}} points outside the source tree")
            if full.is_file():
                return candidate
        self.warnings.append(f"{including}: included file {name!r} not found")
        return None


def includes_of(text: str) -> list[tuple[str, str, str]]:
    """``(macro, base_dir, name)`` for every inclusion in ``text`` (comments ignored)."""
    found = []
    for m in _INCLUDE.finditer(strip_comments(text)):
        macro = m.group(1)
        if INCLUDES[macro] == 2:
            base, name = m.group(2) or "", m.group(3) or ""
        else:
            base, name = "", m.group(2) if m.group(2) is not None else (m.group(3) or m.group(4) or "")
            if m.group(2) is not None and m.group(3) is not None:  # \input{a} followed by a group
                name = m.group(2)
        found.append((macro, base, name))
    return found


def check_forbidden(rel: str, text: str, root: Path) -> None:
    """Refuse shell-escape and Lua code execution anywhere in a file."""
    m = FORBIDDEN.search(strip_comments(text))
    if m:
        line = text.count("\n", 0, text.find(m.group(0))) + 1 if m.group(0) in text else 0
        raise UnsafeInputError(f"{root / rel}:{line}: {m.group(0).strip()} (shell escape) is not allowed")


def _is_main(text: str) -> bool:
    bare = strip_comments(text)
    return bool(_DOCCLASS.search(bare) and _BEGIN_DOC.search(bare))


def _class_in_includes(root: Path, rel: str, text: str) -> bool:
    """True when a file included before ``\\begin{document}`` holds the ``\\documentclass``."""
    head = strip_comments(text).split("\\begin{document}")[0]
    for _macro, base, name in includes_of(head):
        target = os.path.normpath(os.path.join(os.path.dirname(rel), base, name))
        for candidate in (target, target + ".tex"):
            path = root / candidate
            if not candidate.startswith("..") and path.is_file() and b"\\documentclass" in path.read_bytes():
                return True
    return False


def main_candidates(root: Path, tree_files: list[str]) -> tuple[list[str], dict[str, str]]:
    """The files that could be the main file (``\\documentclass`` and ``\\begin{document}``), and their texts."""
    candidates = []
    texts: dict[str, str] = {}
    for rel in tree_files:
        if not rel.endswith(".tex"):
            continue
        data = (root / rel).read_bytes()
        if b"\\documentclass" not in data and b"\\begin{document}" not in data:
            continue
        text, _ = decode_text(data, str(root / rel))
        texts[rel] = text
        if "{subfiles}" in strip_comments(text).split("\\begin{document}")[0]:
            continue
        if _is_main(text) or (_BEGIN_DOC.search(strip_comments(text)) and _class_in_includes(root, rel, text)):
            candidates.append(rel)
    return candidates, texts


def readme_toplevel(root: Path, tree_files: list[str]) -> str | None:
    """The main file the author named for arXiv's own build, when the tree says so: ``00README.json``
    (``{"sources": [{"filename": "ms.tex", "usage": "toplevel"}]}``) or the older ``00README.XXX``
    (a line ``ms.tex toplevelfile``). None when there is no such file, or it names no ``.tex`` of the tree
    with a ``\\documentclass``."""
    files = set(tree_files)
    named: list[str] = []
    if "00README.json" in files:
        try:
            data = json.loads((root / "00README.json").read_text(encoding="utf-8", errors="replace")[:MAX_README])
            named = [s.get("filename", "") for s in data.get("sources", [])
                     if isinstance(s, dict) and s.get("usage") == "toplevel"]
        except (ValueError, AttributeError):
            named = []
    elif "00README.XXX" in files:
        for line in (root / "00README.XXX").read_text(encoding="utf-8", errors="replace")[:MAX_README].splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].lower() == "toplevelfile":
                named.append(parts[0])
    for name in named:
        rel = os.path.normpath(str(name)).replace(os.sep, "/") if isinstance(name, str) else ""
        if rel.endswith(".tex") and rel in files and b"\\documentclass" in (root / rel).read_bytes():
            return rel
    return None


def find_main(root: Path, tree_files: list[str]) -> tuple[str, str]:
    """Pick the main file among ``tree_files``; return ``(relative path, reason)``."""
    named = readme_toplevel(root, tree_files)
    if named is not None:
        return named, "named the toplevel file in the paper's 00README"
    candidates, texts = main_candidates(root, tree_files)
    if not candidates:  # \begin{document} may sit in an included file: a file with the class will do
        classed = [rel for rel, text in texts.items() if _DOCCLASS.search(strip_comments(text))]
        included = {os.path.normpath(os.path.join(os.path.dirname(rel), base, name)) for rel in classed
                    for _m, base, name in includes_of(texts[rel])}
        roots = [rel for rel in classed if rel not in included and rel[:-4] not in included]
        if not roots:
            raise InputError(f"{root}: no main .tex file (none has \\documentclass and \\begin{{document}})"
                             f"{_other_kinds_hint(root, tree_files)}")
        best = max(sorted(roots), key=lambda rel: (os.path.basename(rel) in PREFERRED_NAMES, len(texts[rel])))
        return best, "has \\documentclass; \\begin{document} is in an included file"
    if len(candidates) == 1:
        return candidates[0], "the only file with \\documentclass and \\begin{document}"
    included = set()
    for rel in candidates:
        for _macro, base, name in includes_of(texts[rel]):
            target = os.path.normpath(os.path.join(os.path.dirname(rel), base, name))
            included.update({target, target + ".tex"})
    roots = [c for c in candidates if c not in included] or candidates

    def reach(rel: str) -> int:
        seen, todo = set(), [rel]
        while todo:
            cur = todo.pop()
            if cur in seen or not (root / cur).is_file():
                continue
            seen.add(cur)
            try:
                text = texts.get(cur) or decode_text((root / cur).read_bytes(), cur)[0]
            except InputError:
                continue
            for _m, base, name in includes_of(text):
                target = os.path.normpath(os.path.join(base, name))
                todo.append(target if target.endswith(".tex") else target + ".tex")
        return len(seen)

    reached = {rel: reach(rel) for rel in roots}
    most = max(reached.values())

    def score(rel: str) -> tuple:
        has_bbl = (root / (rel[:-4] + ".bbl")).is_file()
        preferred = os.path.basename(rel) in PREFERRED_NAMES
        return (reached[rel] >= 0.8 * most, has_bbl, preferred, reached[rel], len(texts[rel]))

    best = max(sorted(roots), key=score)
    others = ", ".join(c for c in sorted(candidates) if c != best)
    return best, f"chosen among {len(candidates)} candidates by the \\input graph ({reached[best]} files reached; others: {others})"


def list_tree(root: Path) -> list[str]:
    """Every regular file below ``root`` as a relative POSIX path (links skipped)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if os.path.islink(full) or not os.path.isfile(full):
                continue
            out.append(os.path.relpath(full, root).replace(os.sep, "/"))
    return out


def _other_kinds_hint(root: Path, tree_files: list[str]) -> str:
    """A hint naming an HTML/Markdown/PDF file of the folder to pass instead, or ''."""
    kinds = (".html", ".htm", ".mmd", ".md", ".pdf")  # most structure first
    others = sorted((rel for rel in tree_files if rel.lower().endswith(kinds)),
                    key=lambda rel: (".ko." in rel, kinds.index("." + rel.lower().rsplit(".", 1)[1]), rel))
    if not others:
        return ""
    return (f"; it holds {', '.join(others[:3])}: pass that file instead (arxiv-translator translate "
            f"{root / others[0]})")
