"""The Python API: ``translate``, ``translate_async`` and ``read``.

    import arxiv_translator as at
    report = at.translate("paper-src/", out="paper.ko", engine="openai", model="gpt-4o-mini")
    report = await at.translate_async("2402.18563", out="x.ko", engine="pseudo")
    doc = at.read("paper.html")

Keyword arguments mirror the CLI's options; settings not given come from the config file and
the environment as for the CLI.  ``translate`` blocks, also when called from code running inside
an event loop (a Jupyter cell, a web handler): the job then runs on a worker thread with a loop
of its own.  ``translate_async`` runs on the caller's loop; its CPU-heavy stages run in threads.
Errors are :class:`~arxiv_translator.errors.TranslatorError` s.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from arxiv_translator.document import Document
    from arxiv_translator.events import Listener
    from arxiv_translator.report import Report

__all__ = ["translate", "translate_async", "read"]


def _job(source: str | Path, *, out: str | Path | None, engine: str | None, model: str | None,
         base_url: str | None, target: str | None, concurrency: int | None, glossary: str | Path | None,
         no_compile: bool, outputs: str | Sequence[str] | None, source_kind: str, main: str | None,
         restart: bool, config: str | Path | None, listener: Listener | None, settings: dict[str, Any]) -> Any:
    from arxiv_translator.config import load_settings
    from arxiv_translator.events import ignore
    from arxiv_translator.jobs.outputs import parse_outputs
    from arxiv_translator.pipeline import Job

    chosen = parse_outputs(outputs if outputs is None or isinstance(outputs, str) else list(outputs))
    loaded = load_settings(Path(config) if config else None, engine=engine, model=model, base_url=base_url,
                           target=target, concurrency=concurrency, glossary=Path(glossary) if glossary else None,
                           compile=False if no_compile else None, outputs=chosen, **settings)
    return Job(source=source if isinstance(source, Path) else str(source), settings=loaded,
               out=Path(out) if out is not None else None, main=main, listener=listener or ignore,
               source_choice=source_kind, restart=restart)


async def translate_async(source: str | Path, *, out: str | Path | None = None, engine: str | None = None,
                          model: str | None = None, base_url: str | None = None, target: str | None = None,
                          concurrency: int | None = None, glossary: str | Path | None = None,
                          no_compile: bool = False, outputs: str | Sequence[str] | None = None,
                          source_kind: str = "auto", main: str | None = None, restart: bool = False,
                          config: str | Path | None = None, listener: Listener | None = None,
                          **settings: Any) -> Report:
    """Translate ``source`` (a path, an arXiv id or URL) into ``out``; the :class:`Report`.

    ``outputs``: "pdf,md" or ["pdf", "md"] (pdf, html, bilingual, md, jsonl; default all the source
    allows); ``source_kind``: the CLI's ``--source``; ``listener``: called with every progress
    :class:`~arxiv_translator.events.Event`; further keywords are :class:`~arxiv_translator.config.Settings`
    fields (``style``, ``batch_tokens``, ``cache``, ``pages``...).  A job left in ``out`` by a failed
    or killed run is continued (``restart=True`` discards it).
    """
    from arxiv_translator.pipeline import run_async

    job = _job(source, out=out, engine=engine, model=model, base_url=base_url, target=target,
               concurrency=concurrency, glossary=glossary, no_compile=no_compile, outputs=outputs,
               source_kind=source_kind, main=main, restart=restart, config=config, listener=listener,
               settings=settings)
    return await run_async(job)


def translate(source: str | Path, **options: Any) -> Report:
    """:func:`translate_async`, blocking; works from inside a running event loop too."""
    from arxiv_translator.sync import run_sync

    return run_sync(translate_async(source, **options))


def read(path: str | Path, *, source_kind: str = "auto", main: str | None = None) -> Document:
    """The :class:`~arxiv_translator.document.Document` of a local paper (LaTeX folder, .tex, archive,
    HTML, Markdown or PDF), masked as for translation; no engine is involved and nothing is written."""
    import tempfile

    from arxiv_translator.sources.inputs import prepare_source
    from arxiv_translator.protect import mask_document
    from arxiv_translator.readers import reader_for

    with tempfile.TemporaryDirectory(prefix="arxiv-translator-read-") as work:
        prepared = prepare_source(Path(path), Path(work), source_kind)
        reader = reader_for(prepared.kind)
        doc: Document = reader.read(prepared.root, main or prepared.main)
    mask_document(doc, collapse_space=reader.collapse_space)
    return doc
