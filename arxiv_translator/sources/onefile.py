"""A single ``.tex`` named on the command line is a one-file paper.

Only that file and the files it references (``\\input``, ``\\include``,
``\\includegraphics``, ``\\bibliography``, ``\\bibliographystyle``,
``\\addbibresource``, local ``.sty``/``.cls``, its own ``.bbl``...), found
recursively in the ``.tex``/``.sty``/``.cls`` files it references, are copied
into the job's work folder; nothing else of the file's folder is read or
listed.  A reference must stay inside the file's folder tree: no absolute
path, no ``..``, no dotfile or dot folder, no link that leaves the tree.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from arxiv_translator.encoding import decode_text
from arxiv_translator.errors import InputError

MAX_FILES = 2000
MAX_BYTES = 200 * 1024 * 1024

_COMMENT = re.compile(r"%(?<!\\%).*")
_ARG = r"\*?\s*(?:\[[^\]]*\]\s*)*\{([^{}]*)\}"
_REF = re.compile(r"\\(input|include|subfile|includeonly|includegraphics|includepdf|includesvg|lstinputlisting|"
                  r"verbatiminput|inputminted|bibliography|bibliographystyle|addbibresource|addglobalbib|"
                  r"usepackage|RequirePackage|documentclass|LoadClass|import|subimport|"
                  r"subincludefrom|inputfrom|includefrom|subinputfrom)(?![A-Za-z@])" + _ARG)
_GRAPHICSPATH = re.compile(r"\\graphicspath\s*\{((?:\s*\{[^{}]*\})*)\s*\}")
_SECOND = re.compile(r"\s*\{([^{}]*)\}")
_BARE_INPUT = re.compile(r"\\input\s+([^\s{}\\%]+)")
_GRAPHICS = ("", ".pdf", ".png", ".jpg", ".jpeg", ".eps", ".ps", ".pgf", ".tikz", ".svg", ".mps", ".jbig2")
#: Extensions tried for each macro's argument ("" first: the name as written).
_EXTENSIONS = {
    "input": ("", ".tex"), "include": (".tex",), "subfile": ("", ".tex"), "includegraphics": _GRAPHICS,
    "includepdf": ("", ".pdf"), "includesvg": ("", ".svg", ".pdf"), "lstinputlisting": ("",),
    "verbatiminput": ("",), "inputminted": ("",), "bibliography": (".bib", ""), "bibliographystyle": (".bst",),
    "addbibresource": ("",), "addglobalbib": ("",), "usepackage": (".sty",), "RequirePackage": (".sty",),
    "documentclass": (".cls",), "LoadClass": (".cls",), "import": ("", ".tex"), "subimport": ("", ".tex"),
}
_TWO_ARGS = {"import", "subimport", "subincludefrom", "inputfrom", "includefrom", "subinputfrom"}
_LIST_ARGS = {"bibliography", "usepackage", "RequirePackage", "addbibresource"}
_SCANNED = (".tex", ".sty", ".cls", ".ltx", ".def", ".cfg", ".clo")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class OneFilePaper:
    """Collects the files a single ``.tex`` references, inside its folder tree."""

    def __init__(self, tex: Path) -> None:
        self.root = tex.parent
        self.root_real = os.path.realpath(self.root)
        self.main = tex.name
        self.found: list[str] = []
        self.graphics_dirs: list[str] = [""]

    def _resolve(self, name: str, extensions: tuple[str, ...]) -> str | None:
        """The in-tree relative path ``name`` (+ an extension) names, or None."""
        name = name.strip().strip('"')
        if not name or os.path.isabs(name) or name.startswith("~") or "\0" in name:
            return None
        for ext in extensions:
            rel = os.path.normpath(name + ext if not name.endswith(ext) else name)
            parts = rel.split(os.sep)
            if rel.startswith("..") or any(p.startswith(".") for p in parts):
                continue
            full = self.root / rel
            real = os.path.realpath(full)
            if _inside(real, self.root_real) and os.path.isfile(real):
                return rel.replace(os.sep, "/")
        return None

    def _names(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """``(name, extensions)`` for every file reference in ``text``."""
        text = _COMMENT.sub("", text)
        out: list[tuple[str, tuple[str, ...]]] = []
        for m in _GRAPHICSPATH.finditer(text):
            self.graphics_dirs += [d for d in re.findall(r"\{([^{}]*)\}", m.group(1)) if d not in self.graphics_dirs]
        for m in _REF.finditer(text):
            macro, arg = m.group(1), m.group(2)
            if macro in _TWO_ARGS:
                second = _SECOND.match(text, m.end())
                if second:
                    out.append((os.path.join(arg, second.group(1)), ("", ".tex")))
                continue
            if macro == "includeonly":
                continue
            names = arg.split(",") if macro in _LIST_ARGS else [arg]
            exts = _EXTENSIONS.get(macro, ("",))
            for name in names:
                if macro == "includegraphics":
                    out.extend((os.path.join(d, name.strip()), exts) for d in self.graphics_dirs)
                else:
                    out.append((name, exts))
        out.extend((m.group(1), ("", ".tex")) for m in _BARE_INPUT.finditer(text))
        return out

    def collect(self) -> list[str]:
        """Every referenced in-tree file, the main file first."""
        todo, seen = [self.main], {self.main}
        stem = self.main[:-4] if self.main.endswith(".tex") else self.main
        for extra in (f"{stem}.bbl", f"{stem}.ind"):
            if self._resolve(extra, ("",)):
                seen.add(extra)
                self.found.append(extra)
        while todo:
            rel = todo.pop(0)
            self.found.append(rel)
            if len(self.found) > MAX_FILES:
                raise InputError(f"{self.root / self.main}: references more than {MAX_FILES} files")
            if not rel.endswith(_SCANNED):
                continue
            text, _ = decode_text((self.root / rel).read_bytes(), str(self.root / rel))
            for name, exts in self._names(text):
                found = self._resolve(name, exts)
                if found and found not in seen:
                    seen.add(found)
                    todo.append(found)
        return self.found

    def copy_to(self, dest: Path) -> Path:
        """Copy the collected files into ``dest`` (created); return ``dest``."""
        total = 0
        dest.mkdir(parents=True, exist_ok=False)
        for rel in self.collect():
            source = os.path.realpath(self.root / rel)
            total += os.path.getsize(source)
            if total > MAX_BYTES:
                raise InputError(f"{self.root / self.main}: referenced files larger than {MAX_BYTES >> 20} MB")
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        return dest


def stage_single_tex(tex: Path, workdir: Path) -> Path:
    """Copy the one-file paper ``tex`` and what it references into ``workdir/input``; return that folder."""
    try:
        return OneFilePaper(tex).copy_to(workdir / "input")
    except OSError as exc:
        raise InputError(f"{tex}: cannot read ({exc.strerror or exc})") from exc
