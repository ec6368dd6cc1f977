"""The stages of a translation job, each ``async def run(state, ctx) -> state``.

The order lives in :data:`arxiv_translator.pipeline.STAGES`.  A stage whose work a
resumed state already holds returns at once (``done``); CPU-heavy work (reading,
prechecks that compile, writing) goes through :func:`asyncio.to_thread` so that the
event loop of a caller (a web server) is not blocked.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

from arxiv_translator.assets import carry_assets
from arxiv_translator.document import Document, Status
from arxiv_translator.errors import CompileError, TranslatorError
from arxiv_translator.events import Event
from arxiv_translator.sources.inputs import PreparedSource, prepare_source
from arxiv_translator.protect import mask_document
from arxiv_translator.readers import reader_for
from arxiv_translator.translation.translator import Usage
from arxiv_translator.writers import WriteJob, writers_for
from arxiv_translator.jobs.context import SAVE_EVERY_ANSWERS, SAVE_EVERY_SECONDS, Context
from arxiv_translator.jobs.outputs import writer_names
from arxiv_translator.jobs.store import job_dir
from arxiv_translator.jobs.state import JobState, PreparedInfo, Stage, collect_results, restore_results


class JobStage(ABC):
    """One step of the pipeline: one contract for all."""

    stage: Stage

    def done(self, state: JobState, ctx: Context) -> bool:
        """True when ``state`` already holds this stage's work (a resumed job skips it)."""
        return False

    @abstractmethod
    async def run(self, state: JobState, ctx: Context) -> JobState:
        """Do the stage's work on ``state``; return it."""


# -- source choice -----------------------------------------------------------------------------
class PrepareSource(JobStage):
    """Put the source on disk and decide which form of the paper is translated.

    Policy (``--source auto`` for an arXiv paper): the LaTeX e-print, else arXiv's HTML, else the
    PDF (inputs.py); and when the e-print is LaTeX that does not compile even untouched, arXiv's
    HTML instead: that probe is made here, so no later stage ever goes back to reading.
    """

    stage = Stage.PREPARE

    def done(self, state: JobState, ctx: Context) -> bool:
        if state.prepared is None:
            return False
        p, root = state.prepared, Path(state.prepared.root)
        if not root.exists():  # the input folder is gone: the files the job carried stand in for it
            root = job_dir(ctx.out) / "assets"
            if state.document is None or not root.is_dir():
                return False
        ctx.prepared = PreparedSource(p.kind, root, p.main, p.origin, dict(p.info))
        return True

    async def run(self, state: JobState, ctx: Context) -> JobState:
        state.document = None  # a fresh source means a fresh reading
        ctx.emit(Event(stage="read", message=f"reading {state.source.given}"))
        prepared = await asyncio.to_thread(_prepare, state, ctx, ctx.work, state.source.choice)
        if _may_fall_back(prepared, ctx):
            prepared = await self._latex_or_html(prepared, state, ctx)
        ctx.prepared = prepared
        state.prepared = PreparedInfo(kind=prepared.kind, root=str(prepared.root), main=prepared.main,
                                      origin=prepared.origin, info=dict(prepared.info))
        return state

    async def _latex_or_html(self, prepared: PreparedSource, state: JobState, ctx: Context) -> PreparedSource:
        """The LaTeX e-print when its original compiles, else arXiv's HTML when that can be read."""
        ctx.prepared = prepared
        doc = await asyncio.to_thread(_read, prepared, state, ctx)
        await asyncio.to_thread(mask_document, doc, reader_for(prepared.kind).collapse_space)
        state.document = doc
        await Precheck().check(state, ctx)
        ctx.extra["original_seconds"] = ctx.wjob.checks.get("original_seconds", 0.0) if ctx.wjob else 0.0
        if ctx.wjob is None or ctx.wjob.checks.get("original_ok") is not False:
            ctx.extra["probe_is_check"] = True  # the precheck stage has nothing left to do
            return prepared
        ctx.emit(Event(stage="check", message="the LaTeX source does not compile; trying arXiv's HTML"))
        try:
            html = await asyncio.to_thread(_prepare, state, ctx, ctx.work / "html", "html")
            ctx.prepared = html
            html_doc = await asyncio.to_thread(_read, html, state, ctx)
        except TranslatorError as exc:
            prepared.info["fallback"] = f"arXiv HTML not usable either ({exc})"
            return prepared
        html.info["reason"] = ("the LaTeX e-print does not compile "
                               f"({ctx.wjob.checks.get('original_message', '')}); arXiv HTML used")
        state.document, ctx.writers, ctx.wjob, state.checks = html_doc, None, None, {}  # masked by Protect
        return html


def carried_assets(doc: Document, root: Path, out: Path) -> Path:
    """Where the writers take the input files from.

    A source outside ``out`` has the files the outputs use copied once into
    ``OUT/.job/assets``, so that a resumed job needs no input folder; while the
    input folder is there the writers still read it (its staging reports the
    links and files it refuses).
    """
    root, out = Path(root).resolve(), Path(out).resolve()
    if root == out or out in root.parents:
        return root
    dest = job_dir(out) / "assets"
    if not all((dest / a.path).is_file() and (dest / a.path).stat().st_size == a.size for a in doc.assets):
        carry_assets(doc.assets, root, dest)
    return root


def _may_fall_back(prepared: PreparedSource, ctx: Context) -> bool:
    return (prepared.kind == "latex" and prepared.info.get("source_choice") == "auto"
            and bool(prepared.info.get("arxiv_id")) and ctx.settings.compile and not ctx.estimate)


def _prepare(state: JobState, ctx: Context, work: Path, choice: str) -> PreparedSource:
    from arxiv_translator.sources.inputs import arxiv_ref, prepare_arxiv

    ref = arxiv_ref(state.source.given)
    if ref is not None:
        return prepare_arxiv(ref, work, choice, ctx.services.arxiv, ctx.emit, throttle=ctx.services.throttle)
    return prepare_source(state.source.given, work, choice, ctx.emit)


# -- reading -----------------------------------------------------------------------------------
def _read(prepared: PreparedSource, state: JobState, ctx: Context) -> Document:
    reader = reader_for(prepared.kind)
    if hasattr(reader, "configure"):  # readers with options of their own (PDF: --pages)
        reader.configure(ctx.settings)
    return reader.read(prepared.root, state.source.main or prepared.main)


class Read(JobStage):
    """The chosen source -> a Document (readers/)."""

    stage = Stage.READ

    def done(self, state: JobState, ctx: Context) -> bool:
        return state.document is not None

    async def run(self, state: JobState, ctx: Context) -> JobState:
        assert ctx.prepared is not None
        state.document = await asyncio.to_thread(_read, ctx.prepared, state, ctx)
        return state


class Protect(JobStage):
    """Mask what must come back byte-identical (protect.py)."""

    stage = Stage.PROTECT

    def done(self, state: JobState, ctx: Context) -> bool:
        return state.document is not None and all(s.masked is not None for s in state.document.segments())

    async def run(self, state: JobState, ctx: Context) -> JobState:
        assert ctx.prepared is not None and state.document is not None
        reader = reader_for(ctx.prepared.kind)
        await asyncio.to_thread(mask_document, state.document, reader.collapse_space)
        return state


# -- checks ------------------------------------------------------------------------------------
class Precheck(JobStage):
    """The writers' checks of the untouched input (the LaTeX writer compiles the original), then the refusal
    to spend tokens on LaTeX that does not compile even untouched (``--no-compile`` translates anyway).

    Writers keep what their check found in memory, so a job resumed in a new process checks again.
    """

    stage = Stage.PRECHECK

    async def run(self, state: JobState, ctx: Context) -> JobState:
        assert ctx.prepared is not None and state.document is not None
        if ctx.estimate:
            return state
        if ctx.writers is None:
            await self.check(state, ctx)
        assert ctx.wjob is not None
        if ctx.prepared.kind == "latex" and ctx.engine.real and ctx.wjob.checks.get("original_ok") is False:
            raise CompileError(f"{state.source.given}: the original LaTeX does not compile "
                               f"({ctx.wjob.checks.get('original_message')}); nothing was sent to the engine "
                               "(use --no-compile to translate it anyway)")
        return state

    async def check(self, state: JobState, ctx: Context) -> None:
        """Make the writers (those ``--outputs`` asks for) and run their checks."""
        assert ctx.prepared is not None and state.document is not None
        ctx.logs.mkdir(parents=True, exist_ok=True)
        wjob = WriteJob(doc=state.document, out=ctx.out, source_root=ctx.prepared.root, work=ctx.work,
                        logs=ctx.logs, pseudo=not ctx.engine.real, settings=ctx.settings, emit=ctx.emit,
                        arxiv_throttle=ctx.services.throttle,
                        assets_root=await asyncio.to_thread(carried_assets, state.document, ctx.prepared.root, ctx.out))
        every = writers_for(ctx.prepared.kind)
        names = writer_names(ctx.prepared.kind, [w.name for w in every], state.outputs)
        writers = [w for w in every if w.name in names]
        for writer in writers:
            wjob.checks.update(await asyncio.to_thread(writer.precheck, wjob))
        ctx.wjob, ctx.writers = wjob, writers
        state.checks = {k: v for k, v in wjob.checks.items() if isinstance(v, (str, int, float, bool, type(None)))}


# -- translation -------------------------------------------------------------------------------
class Translate(JobStage):
    """Ask the engine for every segment the state does not hold yet (translator.py); the state is
    saved as answers arrive."""

    stage = Stage.TRANSLATE

    def done(self, state: JobState, ctx: Context) -> bool:
        return state.document is not None and all(s.status is not Status.PENDING for s in state.document.segments())

    async def run(self, state: JobState, ctx: Context) -> JobState:
        from arxiv_translator.translation.memory import TranslationCache
        from arxiv_translator.translation.translator import TranslateOptions, Translator
        from arxiv_translator.report import add_usage

        assert state.document is not None
        doc = state.document
        for seg in doc.segments():  # segments that failed in an earlier run are asked again
            if seg.status is Status.FAILED:
                seg.status, seg.reason = Status.PENDING, None
        restore_results(doc, {k: r for k, r in state.results.items() if r.status is not Status.FAILED})
        ctx.restored = sum(1 for seg in doc.segments() if seg.status is not Status.PENDING)
        if ctx.restored:
            ctx.emit(Event(stage="resume", message=f"resuming: {ctx.restored} answers kept from the last run"))
        memory = ctx.services.memory
        own = memory is None
        if own:
            sig = {k: v for k, v in state.signature.items() if k not in ("tool", "hash")}
            memory = TranslationCache(ctx.settings.cache_path(), sig)
        s = ctx.settings
        options = TranslateOptions(target=s.target, style=s.style, concurrency=s.concurrency,
                                   batch_tokens=s.batch_tokens, max_retries=s.max_retries, backoff=s.backoff,
                                   force=s.force)
        before = state.usage
        pending = [seg for seg in doc.segments() if seg.status is Status.PENDING]
        saver = _Saver(state, ctx, lambda: add_usage(before, translator.usage))
        translator = Translator(ctx.engine, ctx.glossary, options, memory, saver)
        try:
            await translator.translate(doc)
        finally:
            if own:
                memory.close()
            ctx.extra["sent_segments"] = sum(1 for seg in pending if seg.attempts)
            saver.collect()  # saved by the pipeline next: after the stage, or as the job fails
        return state


class _Saver:
    """A listener that passes events on and saves the state every few answers or seconds.

    The translator reports each answer of a batch as it settles it, all in one go; a save that is due
    is made once that batch is through (``call_soon``: after the answers of the batch and their
    translation-memory entries are all recorded), so a batch of 40 answers costs one save, not two.
    """

    def __init__(self, state: JobState, ctx: Context, usage: Callable[[], Usage]) -> None:
        self.state, self.ctx, self.usage = state, ctx, usage
        self.last_time, self.last_done, self.done = time.monotonic(), 0, 0
        self.due = False  # a save is scheduled

    def __call__(self, event: Event) -> None:
        self.ctx.emit(event)
        if event.stage != "translate" or self.ctx.store is None:
            return
        self.done = event.done
        if self.due:
            return
        if event.done - self.last_done >= SAVE_EVERY_ANSWERS or time.monotonic() - self.last_time >= SAVE_EVERY_SECONDS:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # called outside an event loop: save now
                self.save()
                return
            self.due = True
            loop.call_soon(self._due)

    def _due(self) -> None:
        if self.due:  # not saved in the meantime (the stage's last save)
            self.save()

    def collect(self) -> None:
        """Record the settled segments and the usage so far in the state (no save; no save due)."""
        self.due, self.last_done = False, self.done
        if self.state.document is not None:
            collect_results(self.state.document, self.state.results)
            self.state.usage = self.usage()

    def save(self) -> None:
        """Record the settled segments and the usage so far in the state, and save it."""
        self.collect()
        if self.state.document is None or self.ctx.store is None:
            return
        self.ctx.store.save(self.state)
        self.last_time = time.monotonic()


# -- outputs -----------------------------------------------------------------------------------
class Write(JobStage):
    """The writers (writers/), then ``segments.jsonl``."""

    stage = Stage.WRITE

    async def run(self, state: JobState, ctx: Context) -> JobState:
        from arxiv_translator.writers.report import write_segments

        assert ctx.wjob is not None and ctx.writers is not None and state.document is not None
        ctx.emit(Event(stage="write", message="writing the outputs"))
        ctx.written = {}
        for writer in ctx.writers:
            ctx.written[writer.name] = await asyncio.to_thread(writer.write, ctx.wjob)
        if state.outputs is None or "jsonl" in state.outputs:
            await asyncio.to_thread(write_segments, state.document, ctx.out / "segments.jsonl")
        return state


class Finish(JobStage):
    """The coverage audit, ``report.json``; the job is finished and its scratch folder removed."""

    stage = Stage.REPORT

    async def run(self, state: JobState, ctx: Context) -> JobState:
        from arxiv_translator.jobs.finish import build_job_report

        report = await asyncio.to_thread(build_job_report, state, ctx)
        ctx.extra["report"] = report
        state.finished = True
        shutil.rmtree(ctx.work, ignore_errors=True)
        return state
