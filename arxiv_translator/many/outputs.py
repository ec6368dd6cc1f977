"""Read what ``translate`` wrote: an output folder is ``report.json`` + ``segments.jsonl``.

This is the only place that knows the on-disk layout of one paper's output, so the corpus,
evaluation and batch code keep working when the job internals change.  A *batch folder* is any
folder holding output folders (one level or more below it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from arxiv_translator.sources.arxiv_ids import id_in_path
from arxiv_translator.errors import InputError

REPORT, SEGMENTS = "report.json", "segments.jsonl"
MAX_DEPTH = 3


@dataclass
class PaperOutput:
    """One translate output folder, loaded."""

    folder: Path
    report: dict
    segments: list[dict] = field(default_factory=list)

    @property
    def paper(self) -> str:
        """The arXiv id with version when known, else a name for the source."""
        return paper_name(self.report, self.folder)

    @property
    def source_kind(self) -> str:
        """latex, html, markdown or pdf."""
        return str(self.report.get("source", {}).get("kind", ""))

    @property
    def engine(self) -> str:
        return str(self.report.get("engine", {}).get("name", ""))

    @property
    def model(self) -> str:
        return str(self.report.get("engine", {}).get("model", ""))

    @property
    def signature(self) -> str:
        return str(self.report.get("signature", {}).get("hash", ""))


def paper_name(report: dict, folder: Path) -> str:
    """``report.source.arxiv_id``, else an arXiv id in the source path, else the source's name."""
    source = report.get("source", {}) or {}
    if source.get("arxiv_id"):
        return str(source["arxiv_id"])
    path = Path(str(source.get("path") or folder.name))
    found = id_in_path(path)
    if found:
        return found
    name = path.name or folder.name
    for suffix in (".tar.gz", ".tgz", ".tar", ".gz", ".zip", ".tex", ".mmd", ".md", ".html", ".htm", ".pdf"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def is_output(folder: Path) -> bool:
    """True when ``folder`` holds a finished translate output."""
    return (folder / REPORT).is_file() and (folder / SEGMENTS).is_file()


def load_output(folder: Path) -> PaperOutput:
    """Load one output folder; InputError naming the file when it is damaged."""
    folder = Path(folder)
    try:
        report = json.loads((folder / REPORT).read_text(encoding="utf-8"))
        if not isinstance(report, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        raise InputError(f"{folder / REPORT}: cannot read the report ({exc})") from None
    return PaperOutput(folder, report, read_segments(folder / SEGMENTS))


def read_segments(path: Path) -> list[dict]:
    """The rows of a ``segments.jsonl``; InputError naming the file and line on a bad row."""
    rows = []
    try:
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError:
                    raise InputError(f"{path}:{number}: not a JSON line") from None
                if not isinstance(row, dict) or not isinstance(row.get("source"), str):
                    raise InputError(f"{path}:{number}: not a segment (needs at least a string 'source')")
                rows.append(row)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    return rows


def find_outputs(folder: Path) -> Iterator[Path]:
    """``folder`` itself when it is an output, else the output folders below it (sorted, a few levels deep)."""
    folder = Path(folder)
    if is_output(folder):
        yield folder
        return
    level = [folder]
    for _ in range(MAX_DEPTH):
        nxt = []
        for base in level:
            try:
                children = sorted(p for p in base.iterdir() if p.is_dir() and not p.is_symlink())
            except OSError:
                continue
            for child in children:
                if is_output(child):
                    yield child
                else:
                    nxt.append(child)
        level = nxt


def outputs_in(folders: list[Path]) -> list[PaperOutput]:
    """Every output under ``folders``; InputError for a missing folder or one with no translations."""
    found = []
    for folder in folders:
        if not Path(folder).is_dir():
            raise InputError(f"{folder}: no such folder")
        here = [load_output(p) for p in find_outputs(Path(folder))]
        if not here:
            raise InputError(f"{folder}: no translations here (no folder with {REPORT} and {SEGMENTS})")
        found += here
    return found
