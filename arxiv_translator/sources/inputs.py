"""Turn what the user named into a source on disk: a folder, a ``.tex``, ``.html``, ``.md``/``.mmd`` or PDF
file, an e-print archive, or an arXiv id / URL (fetched into the job's work folder).

A single ``.tex`` is a one-file paper (:mod:`.onefile`): it and the files it
references are copied into the work folder, never the rest of its folder.

For an arXiv paper, ``choice`` (``--source``) picks the format; ``auto`` takes the
LaTeX e-print when it is TeX, else arXiv's HTML when it exists, else the PDF, and
says why in :attr:`PreparedSource.info` (it lands in the report).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from arxiv_translator.sources.arxiv_ids import ArxivId, looks_like_arxiv, parse_arxiv_id
from arxiv_translator.errors import InputError
from arxiv_translator.events import Event, Listener, ignore
from arxiv_translator.readers import READERS

if TYPE_CHECKING:  # the arXiv client (httpx) and the one-file stager are imported when used
    from arxiv_translator.sources.arxiv_client import ArxivClient, ArxivConfig
    from arxiv_translator.sources.arxiv_throttle import Throttle

SOURCE_CHOICES = ("auto", "latex", "html", "pdf", "markdown")
_TEXT_KINDS = ("latex", "html", "markdown")


@dataclass
class PreparedSource:
    """A source tree on disk, and the main file when the user named it."""

    kind: str  # "latex", "html", "markdown", "pdf"
    root: Path
    main: str | None
    origin: str  # "directory", "tex", "tar", "zip", "gzip-single", "arxiv:tar", "arxiv:html", ...
    info: dict[str, str] = field(default_factory=dict)  # extra facts for the report (arXiv id, why this source)


def prepare_source(source: Path | str, workdir: Path, choice: str = "auto",
                   emit: Listener = ignore) -> PreparedSource:
    """Check ``source`` and put it on disk: archives are extracted safely below ``workdir``;
    an arXiv id or URL (when no such path exists) is fetched there."""
    if choice not in SOURCE_CHOICES:
        raise InputError(f"--source {choice}: expected one of {', '.join(SOURCE_CHOICES)}")
    ref = arxiv_ref(source)
    if ref is not None:
        return prepare_arxiv(ref, workdir, choice, None, emit)
    if not _exists(source):
        raise InputError(f"{source}: no such file or directory (nor an arXiv id such as 2402.18563)")
    return _local(Path(source), workdir, choice)


def arxiv_ref(source: Path | str) -> ArxivId | None:
    """The arXiv paper ``source`` names, or None when it is an existing path or not meant as an arXiv id.

    A string that looks like an attempt at an arXiv id or URL but is malformed raises InputError.
    """
    if _exists(source) or not looks_like_arxiv(str(source)):
        return None
    from arxiv_translator.sources.arxiv_client import ArxivConfig

    return parse_arxiv_id(str(source), ArxivConfig.from_env().hosts())


def _exists(source: Path | str) -> bool:
    try:
        return Path(source).exists()
    except (OSError, ValueError):  # a name too long for a path, a NUL byte: not a file
        return False


def _local(source: Path, workdir: Path, choice: str) -> PreparedSource:
    """A path on disk; an explicit ``choice`` may name the format of a text file."""
    if source.is_dir():  # a LaTeX folder: the archive readers (tarfile, zipfile, lzma...) are not needed
        kind = "directory"
    else:
        from arxiv_translator.sources.archive import detect_kind

        kind = detect_kind(source)
    if kind == "directory":
        prepared = PreparedSource("latex", source, None, kind)
    elif kind == "tex":
        text_kind = choice if choice in _TEXT_KINDS else _text_kind(source)
        if text_kind == "latex":  # a one-file paper: only it and what it references, copied into the job
            from arxiv_translator.sources.onefile import stage_single_tex

            prepared = PreparedSource("latex", stage_single_tex(source, workdir), source.name, kind)
        else:
            prepared = PreparedSource(text_kind, source.parent, source.name, text_kind)
    elif kind == "pdf":
        prepared = PreparedSource("pdf", source.parent, source.name, "pdf")
    else:
        if choice not in ("auto", "latex"):
            raise InputError(f"{source}: an archive of LaTeX source, not {choice} (--source {choice})")
        from arxiv_translator.sources.archive import extract

        root = workdir / "input"
        extract(source, root)
        return PreparedSource("latex", root, None, kind)
    if choice not in ("auto", prepared.kind):
        raise InputError(f"{source}: {prepared.kind} input, not {choice} (--source {choice})")
    return prepared


def _text_kind(source: Path) -> str:
    """latex, html or markdown, from the suffix (and an HTML head)."""
    suffix = source.suffix.lower()
    if suffix in (".html", ".htm", ".xhtml") or _looks_like_html(source):
        return "html"
    if suffix in (".md", ".mmd", ".markdown"):
        return "markdown"
    if suffix != ".tex":
        raise InputError(f"{source}: a text file, but not .tex, .html, .md or .mmd "
                         "(or say --source latex|html|markdown)")
    return "latex"


def _looks_like_html(path: Path) -> bool:
    head = path.read_bytes()[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml"))


def prepare_arxiv(ref: ArxivId, workdir: Path, choice: str = "auto", config: ArxivConfig | None = None,
                  emit: Listener = ignore, throttle: Throttle | None = None) -> PreparedSource:
    """Fetch metadata and the chosen source of an arXiv paper into ``workdir`` (under ``throttle``: see
    :class:`~arxiv_translator.sources.arxiv_throttle.Throttle`; None: the process-wide one)."""
    if choice == "markdown":
        raise InputError(f"{ref}: arXiv serves no Markdown (use --source auto, latex, html or pdf)")
    from arxiv_translator.sources.arxiv_client import ArxivClient

    with ArxivClient(config, on_retry=lambda m: emit(Event(stage="read", message=m)), throttle=throttle) as client:
        emit(Event(stage="read", message=f"arXiv {ref}: metadata"))
        meta = client.metadata(ref)
        ref = meta.ref
        emit(Event(stage="read", message=f"arXiv {ref}: {meta.title}"))
        prepared = _choose(client, ref, workdir, choice, emit)
        prepared.info = {
            "arxiv_id": ref.versioned, "arxiv_version": str(ref.version), "title": meta.title,
            "authors": "; ".join(meta.authors), "categories": ", ".join(meta.categories),
            "published": meta.published, "abs_url": f"{client.config.url}/abs/{ref.versioned}",
            "source_choice": choice, "chosen": prepared.kind, **prepared.info,
            "arxiv_requests": str(client.requests)}
    emit(Event(stage="read", message=f"arXiv {ref}: using {prepared.kind} ({prepared.info['reason']})"))
    return prepared


def _choose(client: ArxivClient, ref: ArxivId, workdir: Path, choice: str, emit: Listener) -> PreparedSource:
    """The LaTeX e-print, else arXiv HTML, else the PDF (only the one asked for unless ``auto``)."""
    skipped: list[str] = []  # why earlier candidates were passed over
    eprint_pdf: Path | None = None
    if choice in ("auto", "latex"):
        emit(Event(stage="read", message=f"arXiv {ref}: e-print"))
        prepared, why_not, eprint_pdf = _latex_eprint(client, ref, workdir)
        if prepared is not None:
            prepared.info["reason"] = "--source latex" if choice == "latex" else "the e-print is LaTeX source"
            return prepared
        if choice == "latex":
            raise InputError(f"{ref}: {why_not} (try --source html or --source pdf)")
        skipped.append(why_not)
    if choice in ("auto", "html"):
        emit(Event(stage="read", message=f"arXiv {ref}: HTML"))
        page = client.html(ref)
        if page is not None:
            reason = "--source html" if choice == "html" else "; ".join(skipped + ["arXiv HTML is available"])
            _require_reader("html", ref, reason)
            prepared = _copy_in(page, workdir, "paper.html", "html", "arxiv:html")
            prepared.info.update(reason=reason, html_url=client.html_url(ref))
            return prepared
        if choice == "html":
            raise InputError(f"{ref}: arXiv has no HTML for this paper (try --source pdf)")
        skipped.append("arXiv has no HTML for this paper")
    reason = "--source pdf" if choice == "pdf" else "; ".join(skipped + ["using the PDF"])
    _require_reader("pdf", ref, reason)
    emit(Event(stage="read", message=f"arXiv {ref}: PDF"))
    prepared = _copy_in(eprint_pdf or client.pdf(ref), workdir, "paper.pdf", "pdf", "arxiv:pdf")
    prepared.info["reason"] = reason
    return prepared


def _latex_eprint(client: ArxivClient, ref: ArxivId,
                  workdir: Path) -> tuple[PreparedSource | None, str, Path | None]:
    """(LaTeX source extracted below workdir, "", None), or (None, why not, the e-print when it is a PDF)."""
    from arxiv_translator.sources.archive import detect_kind, extract

    path = client.eprint(ref)
    if path is None:
        return None, "arXiv has no e-print (source files) for this paper", None
    try:
        kind = detect_kind(path)
    except InputError:
        return None, "the e-print is neither TeX nor PDF", None
    if kind == "pdf":
        return None, "the e-print is a PDF, not LaTeX source", path
    root = workdir / "input"
    if kind == "tex":
        root.mkdir(parents=True)
        shutil.copyfile(path, root / "main.tex")
    else:
        extract(path, root)
    texs = list(root.rglob("*.tex"))
    if not texs or (len(texs) == 1 and texs[0].read_bytes()[:4] == b"%!PS"):
        shutil.rmtree(root)
        return None, "the e-print holds no LaTeX (.tex) file", None
    return PreparedSource("latex", root, None, f"arxiv:{kind}"), "", None


def _copy_in(path: Path, workdir: Path, name: str, kind: str, origin: str) -> PreparedSource:
    """A downloaded file copied into the job's work folder (the cache stays untouched)."""
    root = workdir / "arxiv"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, root / name)
    return PreparedSource(kind, root, name, origin)


def _require_reader(kind: str, ref: ArxivId, reason: str) -> None:
    """Fail early, naming the paper, when no reader for ``kind`` is registered yet."""
    if kind not in READERS:
        raise InputError(f"{ref}: {kind} source chosen ({reason}), but {kind} input is not supported yet "
                         f"(no reader for {kind!r})")
