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
        if source.suffix.lower() != ".tex":
            raise InputError(f"{source}: a text file, but not a .tex file (Markdown and HTML input come later)")
        return PreparedSource("latex", source.parent, source.name, kind)
    if kind == "pdf":
        raise InputError(f"{source}: a PDF; the PDF path is not available yet (give the LaTeX source)")
    root = workdir / "input"
    extract(source, root)
    return PreparedSource("latex", root, None, kind)
