"""Turn what the user named (a folder, a ``.tex`` file, an e-print archive) into a source tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .archive import detect_kind, extract
from .errors import InputError


@dataclass
class PreparedSource:
    """A source tree on disk, and the main file when the user named it."""

    kind: str  # "latex"
    root: Path
    main: str | None
    origin: str  # "directory", "tex", "tar", "zip", "gzip-single", ...
    info: dict[str, str] = field(default_factory=dict)  # extra facts for the report (arXiv id, why this source)


def prepare_source(source: Path, workdir: Path) -> PreparedSource:
    """Check ``source`` and, for archives, extract it safely below ``workdir``."""
    source = Path(source)
    if not source.exists():
        raise InputError(f"{source}: no such file or directory")
    kind = detect_kind(source)
    if kind == "directory":
        return PreparedSource("latex", source, None, kind)
    if kind == "tex":
        suffix = source.suffix.lower()
        if suffix in (".html", ".htm", ".xhtml") or _looks_like_html(source):
            return PreparedSource("html", source.parent, source.name, "html")
        if suffix in (".md", ".mmd", ".markdown"):
            return PreparedSource("markdown", source.parent, source.name, "markdown")
        if suffix != ".tex":
            raise InputError(f"{source}: a text file, but not .tex, .html, .md or .mmd")
        return PreparedSource("latex", source.parent, source.name, kind)
    if kind == "pdf":
        return PreparedSource("pdf", source.parent, source.name, "pdf")
    root = workdir / "input"
    extract(source, root)
    return PreparedSource("latex", root, None, kind)


def _looks_like_html(path: Path) -> bool:
    head = path.read_bytes()[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml"))
