"""The input files the outputs use, recorded in the document so that writers need no input folder.

A reader records, in :attr:`Document.assets`, every file of the input the
writers may open after reading: the whole tree for LaTeX (the translated
tree is compiled beside its figures, styles and bibliography), the PDF
itself, and the local images an HTML page or a Markdown file shows.  Each
:class:`Asset` has its path relative to the input root, its size and SHA-256.

:func:`carry_assets` copies them into a folder (the job's own), checking each
hash, so that the job can be written from there after the input is gone:
``WriteJob(assets_root=folder)``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict

from arxiv_translator.errors import InputError

#: Extensions tried after an image path written without one (as LaTeX and the figure inliner do).
TRY_SUFFIXES = (".png", ".pdf", ".jpg", ".jpeg", ".svg", ".gif", ".webp", ".eps")
_CHUNK = 1 << 20


class Asset(BaseModel):
    """A file of the input that an output uses: path relative to the input root, size, SHA-256."""

    model_config = ConfigDict(extra="forbid", strict=True)

    path: str
    size: int
    sha256: str


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _inside(root: Path, rel: str) -> Path | None:
    """``root / rel`` when it is a regular file (not a link) that stays inside ``root``."""
    if not rel or rel.startswith("/") or "\\" in rel or any(p == ".." for p in PurePosixPath(rel).parts):
        return None
    path = root / rel
    if path.is_symlink() or not path.is_file():
        return None
    return path


def make_assets(root: Path, paths: Iterable[str]) -> list[Asset]:
    """Assets for the given relative paths that exist under ``root`` (others are skipped), sorted, unique."""
    root = Path(root)
    out: dict[str, Asset] = {}
    for rel in paths:
        rel = PurePosixPath(rel).as_posix()
        if rel in out or (path := _inside(root, rel)) is None:
            continue
        out[rel] = Asset(path=rel, size=path.stat().st_size, sha256=_digest(path))
    return [out[k] for k in sorted(out)]


def image_candidates(name: str, base_dirs: Iterable[str] = ("",), base_url: str = "") -> list[str]:
    """Relative paths an image reference may name: as written, under each folder, with each usual extension."""
    name = name.strip()
    if base_url and name.startswith(base_url):
        name = unquote(name[len(base_url):])
    if not name or "://" in name or name.startswith(("data:", "tikz:", "pdf-region:", "#")):
        return []
    name = name.split("#", 1)[0].split("?", 1)[0].replace("{", "").replace("}", "")
    out = []
    for folder in base_dirs:
        base = PurePosixPath(folder) / name if folder not in ("", ".") else PurePosixPath(name)
        text = os.path.normpath(base.as_posix()).replace(os.sep, "/")
        out += [text] + [text + s for s in TRY_SUFFIXES]
    return out


def carry_assets(assets: Iterable[Asset], src_root: Path, dest: Path) -> list[Path]:
    """Copy ``assets`` from ``src_root`` into ``dest`` (same relative paths), checking sizes and hashes.

    Raises :class:`~arxiv_translator.errors.InputError` when a file is missing
    or changed since it was read.  Returns the copied paths.
    """
    src_root, dest = Path(src_root), Path(dest)
    copied = []
    for asset in assets:
        src = _inside(src_root, asset.path)
        if src is None:
            raise InputError(f"{src_root / asset.path}: an input file the outputs use is missing")
        target = dest / asset.path
        if target.resolve() == src.resolve():
            copied.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        if target.stat().st_size != asset.size or _digest(target) != asset.sha256:
            target.unlink()
            raise InputError(f"{src}: changed since it was read (size or SHA-256 differ)")
        copied.append(target)
    return copied
