"""The coverage audit: how much English prose the written outputs still hold.

After the writers are done, every translated output (the LaTeX tree
``source/``, ``paper.ko.html``, ``paper.ko.md``, and ``paper.ko.pdf`` for PDF
input) is scanned from the outside by :mod:`.audit_scan`, the way a reader
sees it and without the reader that produced the document: the English prose
words left, per file (or page), and the ten largest leftover passages with
their location.  The share is taken of the prose words of the input, scanned
the same way.  More than :data:`MAX_SHARE` left is a warning on the terminal
and in the report; this is how a user sees the long tail.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arxiv_translator.audit.scan import SCANNERS, Passage

#: Share of the input's prose words that may be left in English without a warning.
MAX_SHARE = 0.005
#: Leftover passages listed per output.
LARGEST = 10
#: What is audited, in order: output path in the output folder -> scanner kind.
OUTPUTS: dict[str, str] = {"source": "latex", "paper.ko.html": "html", "paper.ko.md": "markdown",
                           "paper.ko.pdf": "pdf"}
#: Input kind -> the output that corresponds to it (audited first: the report's headline figures).
PRIMARY = {"latex": "source", "html": "paper.ko.html", "markdown": "paper.ko.md", "pdf": "paper.ko.pdf"}
#: Input kind (as the pipeline names it) -> scanner kind for the input's prose words.
INPUT_SCANNER = {"latex": "latex", "html": "html", "markdown": "markdown", "pdf": "pdf"}


@dataclass
class AuditInput:
    """What the audit needs to know about the job."""

    kind: str  # the input kind: latex, html, markdown, pdf
    source: Path  # the input file, or the LaTeX tree
    main: str  # the main file, relative to the tree (LaTeX), else ""
    out: Path  # the output folder
    pages: list[int] | None = None  # PDF input: the 0-based pages translated (the output has only those)


def audit_job(kind: str, root: Path, main_file: str | None, out: Path, pages: str = "") -> AuditInput:
    """The audit's view of a job: ``root`` is the input tree or folder, ``main_file`` the document's main file.

    ``pages``: for PDF input, the translated pages as the reader records them
    (0-based, comma-separated; empty: all).
    """
    main = main_file or ""
    chosen = [int(p) for p in pages.split(",") if p.strip().isdigit()] or None
    if kind == "latex":
        return AuditInput(kind=kind, source=Path(root), main=main, out=Path(out))
    return AuditInput(kind=kind, source=Path(root) / main if main else Path(root), main="", out=Path(out),
                      pages=chosen)


def scan(kind: str, path: Path, name: str, main: str = "", like: Path | None = None,
         pages: list[int] | None = None, labels: list[int] | None = None) -> list[Passage]:
    """The passages of one file (or LaTeX tree) with English prose left.

    ``main``: a LaTeX tree's main file; ``like``: the Markdown source of a
    Markdown output (where its reference list is); ``pages`` / ``labels``: a
    PDF's pages to read and the page numbers to name them by.
    """
    scanner = SCANNERS[kind]
    if kind == "latex":
        return scanner(path, name, main)
    if kind == "pdf":
        return scanner(path, name, pages, labels)
    return scanner(path, name, like) if kind == "markdown" and like is not None else scanner(path, name)


def audit_output(kind: str, path: Path, name: str, source_words: int, main: str = "",
                 like: Path | None = None, labels: list[int] | None = None) -> dict[str, Any]:
    """The audit of one output: words left, share, per file or page, the largest passages."""
    passages = scan(kind, path, name, main, like, labels=labels)
    left = sum(p.words for p in passages)
    per_file: Counter[str] = Counter()
    for p in passages:
        per_file[p.location.rsplit(":", 1)[0] if kind != "pdf" else p.location] += p.words
    largest = sorted(passages, key=lambda p: -p.words)[:LARGEST]
    share = left / max(1, source_words)
    return {"output": name, "kind": kind, "words_left": left, "source_words": source_words,
            "share": round(share, 5), "ok": share <= MAX_SHARE,
            "per_file": dict(per_file.most_common()), "largest": [p.as_dict() for p in largest]}


def source_words(job: AuditInput) -> int:
    """The prose words of the input, scanned as its outputs are."""
    kind = INPUT_SCANNER.get(job.kind)
    if kind is None or not job.source.exists():
        return 0
    return sum(p.words for p in scan(kind, job.source, job.source.name, job.main, pages=job.pages))


def audit(job: AuditInput) -> dict[str, Any]:
    """The ``audit`` section of ``report.json`` (see the module docstring).

    ``outputs`` holds one entry per audited output; the headline figures are
    the first one's (the output that corresponds to the input: the LaTeX tree,
    the HTML page, the Markdown file, the PDF).
    """
    total = source_words(job)
    results = []
    primary = PRIMARY.get(job.kind)
    for name, kind in sorted(OUTPUTS.items(), key=lambda item: item[0] != primary):
        path = job.out / name
        if name == "paper.ko.pdf" and job.kind != "pdf":
            continue  # a compiled LaTeX paper: its source tree is audited instead
        if (kind == "latex" and path.is_dir()) or (kind != "latex" and path.is_file()):
            like = job.source if kind == "markdown" and job.kind == "markdown" else None
            labels = [p + 1 for p in job.pages] if kind == "pdf" and job.pages else None
            results.append(audit_output(kind, path, name, total, job.main if kind == "latex" else "", like, labels))
    head = results[0] if results else {"words_left": 0, "share": 0.0, "ok": True, "output": ""}
    return {"max_share": MAX_SHARE, "source_words": total, "output": head["output"],
            "words_left": head["words_left"], "share": head["share"], "ok": head["ok"], "outputs": results}


def audit_warning(section: dict[str, Any]) -> str | None:
    """A one-line warning when an audited output keeps more than :data:`MAX_SHARE` of English prose."""
    bad = [o for o in section.get("outputs", []) if not o["ok"]]
    if not bad:
        return None
    first = bad[0]
    where = f"; largest at {first['largest'][0]['location']}" if first["largest"] else ""
    return (f"coverage audit: {first['share']:.2%} of the prose words left in English in {first['output']} "
            f"({first['words_left']} of {first['source_words']}{where})"
            + (f"; also {', '.join(o['output'] for o in bad[1:])}" if len(bad) > 1 else ""))
