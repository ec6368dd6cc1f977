"""The whole story of a translation job, in one place: :data:`STAGES`.

    prepare   what the user named -> a source on disk; which form of the paper (LaTeX, or arXiv's
              HTML when the LaTeX does not compile, ...)          jobs/stages.py PrepareSource, inputs.py
    read      source -> Document                                  readers/
    protect   Document -> masked segments                         protect.py
    precheck  the writers look at the untouched input (does the original compile?), before any token
    translate masked -> target (engine, memory, glossary, validation; the state saved as answers arrive)
    write     Document -> outputs                                 writers/
    report    coverage audit, report.json                         jobs/finish.py

Every stage is ``async def run(state, ctx) -> state`` over a :class:`~arxiv_translator.jobs.state.JobState`
(data, saved in ``<out>/.job/`` after every stage) and a :class:`~arxiv_translator.jobs.context.Context`
(engine, services, listeners).  A job that fails or is killed keeps its folder and state once it got past
the prechecks; running it again (same source, same ``--out``; or ``arxiv-translator resume DIR``) skips
what the state holds and asks the engine only for missing segments.  Progress goes out as
:class:`~arxiv_translator.events.Event` s.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from arxiv_translator.version import __version__
from arxiv_translator.config import Settings
from arxiv_translator.document import Document, Status
from arxiv_translator.engines import Engine, create_engine
from arxiv_translator.errors import ConfigError, InputError, OutputError, TranslatorError
from arxiv_translator.events import Listener, ignore
from arxiv_translator.glossary import Glossary
from arxiv_translator.sources.inputs import arxiv_ref
from arxiv_translator.jobs.context import Context, Services
from arxiv_translator.jobs.events import EventBus
from arxiv_translator.sync import run_sync
from arxiv_translator.jobs.outputs import check_target, parse_outputs
from arxiv_translator.report import Report
from arxiv_translator.jobs.stages import Finish, JobStage, Precheck, PrepareSource, Protect, Read, Translate, Write
from arxiv_translator.jobs.state import JobError, JobState, SourceSpec, Stage, reached
from arxiv_translator.jobs.store import JobStore, has_job, job_dir

#: The pipeline: the order of the stages of every job.
STAGES: tuple[JobStage, ...] = (PrepareSource(), Read(), Protect(), Precheck(), Translate(), Write(), Finish())

HOW_TO_CONFIGURE = (
    "no translation engine configured: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL "
    "(vLLM, Ollama, llama.cpp, LM Studio: e.g. http://localhost:11434/v1), or pass --engine openai "
    "--base-url URL --model NAME; for a dry run without any engine use --engine pseudo; "
    "'arxiv-translator engines' lists DeepL, Papago, Google, Anthropic and local models"
)
SECRET_SETTINGS = {"api_key", "api_key_id", "engines"}


@dataclass
class Job:
    """One translation job."""

    source: Path | str  # a path, or an arXiv id / URL
    settings: Settings
    out: Path | None = None
    estimate: bool = False
    main: str | None = None
    listener: Listener = ignore
    source_choice: str = "auto"  # --source: auto, latex, html, pdf, markdown
    restart: bool = False  # discard a saved state in ``out`` and start again


def choose_engine(settings: Settings) -> Engine:
    """The configured engine, else ``openai`` when OpenAI env vars are set, else an error."""
    name = settings.engine
    if name is None:
        if settings.openai_configured():
            name = "openai"
        else:
            raise ConfigError(HOW_TO_CONFIGURE)
    return create_engine(name, settings.engine_settings())


def estimate_engine(settings: Settings) -> Engine:
    """The engine whose prices an estimate uses: the configured one, else ``openai`` (``--model`` or its default).

    An estimate calls no engine, so it needs no key or server.
    """
    try:
        return choose_engine(settings)
    except ConfigError:
        return create_engine("openai", settings.engine_settings())


def check_source(source: Path | str) -> None:
    """Raise InputError when ``source`` is neither an existing path nor an arXiv id or URL."""
    if arxiv_ref(source) is None:
        try:
            exists = Path(source).exists()
        except (OSError, ValueError):
            exists = False
        if not exists:
            raise InputError(f"{source}: no such file or directory (nor an arXiv id such as 2402.18563)")


def signature(settings: Settings, engine: Engine, glossary: Glossary) -> dict[str, str]:
    """Everything that changes a translation: cache key and report signature."""
    return {**engine.signature(), "target": settings.target, "style": settings.style,
            "glossary": glossary.digest()}


def default_out(source: Path | str) -> Path:
    """``<name>.ko`` beside the input; ``<arXiv id>.ko`` in the current folder for an arXiv id or URL."""
    ref = arxiv_ref(source)
    if ref is not None:
        return Path.cwd() / f"{ref.folder_name}.ko"
    source = Path(source)
    name = source.name
    for suffix in (".tar.gz", ".tgz", ".tar", ".gz", ".zip", ".tex", ".mmd", ".md", ".markdown", ".html",
                   ".htm", ".pdf"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return source.resolve().parent / f"{name}.ko"


def _claim_out(out: Path) -> bool:
    """Make ``out`` (it must be missing or empty); True when this call created it."""
    if out.is_symlink() and not out.exists():
        raise OutputError(f"{out}: output folder is a dangling symbolic link (choose another --out or remove it)")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputError(f"{out}: output folder exists and is not empty (choose another --out or remove it)")
    existed = out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output folder ({exc.strerror or exc})") from None
    return not existed


def source_spec(job: Job) -> SourceSpec:
    """What identifies the job's source: the resolved path, or the arXiv id as typed."""
    given = str(job.source)
    identity = f"arxiv:{given}" if arxiv_ref(job.source) is not None else str(Path(job.source).resolve())
    return SourceSpec(given=given, identity=identity, choice=job.source_choice, main=job.main)


def _read_already(job: Job) -> bool:
    """True when ``job.out`` holds this kind of job past its reading (its Document and carried files saved)."""
    return (job.out is not None and not job.restart and has_job(Path(job.out))
            and (job_dir(Path(job.out)) / "document.json").is_file())


def resume_command(out: Path) -> str:
    """The command that continues the job whose folder is ``out``."""
    return f"arxiv-translator resume {out}"


def _open_job(job: Job, out: Path, sig: dict[str, str], outputs: list[str] | None,
              store: JobStore) -> tuple[JobState, bool]:
    """The job in ``out``: a saved one to continue, or a new one in a folder claimed for it.

    Returns (state, whether this call created the folder).  A folder holding another source's
    or another signature's job, or a finished job, is an OutputError naming both.
    """
    spec = source_spec(job)
    settings = job.settings.model_dump(mode="json", exclude=SECRET_SETTINGS)
    if has_job(out) and job.restart:
        for child in out.iterdir():  # the folder is a job's (it has .job/): its outputs go too
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    elif has_job(out):
        state = store.load()
        if state.source.identity != spec.identity:
            raise OutputError(f"{out}: holds the job of {state.source.given}, not of {spec.given} "
                              "(choose another --out, or --restart to discard that job)")
        old = {k: v for k, v in state.signature.items() if k != "tool"}
        new = {k: v for k, v in sig.items() if k != "tool"}
        if old != new:
            diff = "; ".join(f"{k} {old.get(k)!r} there, {new.get(k)!r} now" for k in sorted(set(old) | set(new))
                             if old.get(k) != new.get(k))
            raise OutputError(f"{out}: holds a job of {spec.given} with other settings ({diff}); "
                              "choose another --out, or --restart to discard that job")
        if state.finished:
            raise OutputError(f"{out}: holds a finished translation of {spec.given} (see its report.json); "
                              "choose another --out, or --restart to translate it again")
        state.settings, state.outputs, state.source.choice = settings, outputs, spec.choice
        state.source.main = spec.main or state.source.main
        return state, False
    created = _claim_out(out)
    return JobState(tool=__version__, source=spec, out=str(out), settings=settings, outputs=outputs,
                    signature=sig), created


async def run_async(job: Job, services: Services | None = None) -> Report | dict:
    """Run a job: the :class:`Report` (also in ``report.json``), or the estimate's dictionary."""
    started = time.monotonic()
    settings, emit = job.settings, EventBus(job.listener)  # the CLI's bar, a service's stream...
    check_target(settings.target)
    outputs = parse_outputs(settings.outputs)
    if not _read_already(job):  # a job that has read its source continues from its own folder
        check_source(job.source)  # a wrong path is reported before any engine problem
    engine = estimate_engine(settings) if job.estimate else choose_engine(settings)
    glossary = await asyncio.to_thread(Glossary.load, settings.glossary, settings.target)  # its regexes: per document
    services = services or Services.from_settings(settings)
    if job.estimate:  # reads the source in a scratch folder: no output folder is made
        with tempfile.TemporaryDirectory(prefix="arxiv-translator-estimate-") as scratch:
            state = JobState(source=source_spec(job), out=scratch, outputs=outputs)
            ctx = Context(settings, engine, glossary, emit, Path(scratch), Path(scratch) / ".work", services,
                          estimate=True, started=started)
            for stage in STAGES[:3]:
                if not stage.done(state, ctx):
                    state = await stage.run(state, ctx)
            assert state.document is not None
            return estimate(state.document, engine)
    await asyncio.to_thread(engine.check)
    out = Path(job.out) if job.out else default_out(Path(job.source))
    src = Path(job.source).resolve()
    if src.is_dir() and (out.resolve() == src or src in out.resolve().parents):
        raise OutputError(f"{out}: the output folder must not be inside the source folder {job.source}")
    sig = {**signature(settings, engine, glossary), "tool": __version__}
    store = JobStore(out)
    state, created = _open_job(job, out, sig, outputs, store)
    ctx = Context(settings, engine, glossary, emit, out, out / ".work", services, store=store, started=started)
    state.runs += 1
    store.save(state)
    try:
        for stage in STAGES:
            if stage.done(state, ctx):
                continue
            t0 = time.monotonic()
            state = await stage.run(state, ctx)
            state.add_seconds(stage.stage.value, time.monotonic() - t0)
            if not reached(state.stage, stage.stage):
                state.stage = stage.stage
            if stage is not STAGES[-1]:  # the last stage's state is saved once, below, with the total time
                store.save(state, with_document=stage.stage in (Stage.PREPARE, Stage.READ))  # see store.py
    except BaseException as exc:
        _failed(state, ctx, store, exc, created)
        raise
    state.add_seconds("total", time.monotonic() - started)
    store.save(state)
    return ctx.extra["report"]


def _failed(state: JobState, ctx: Context, store: JobStore, exc: BaseException, created: bool) -> None:
    """Keep a job that got past the prechecks (its state says how far); remove a folder made for nothing."""
    if created and not reached(state.stage, Stage.PRECHECK):
        shutil.rmtree(ctx.out, ignore_errors=True)
        return
    message = str(exc) or type(exc).__name__
    state.errors.append(JobError(stage=_next_stage(state.stage), message=message[:2000]))
    state.add_seconds("total", time.monotonic() - ctx.started)
    try:
        store.save(state)
    except OSError:
        pass
    if isinstance(exc, TranslatorError):
        done, total = _progress(state)
        exc.job_progress = f"stopped in stage {_next_stage(state.stage)} ({done} of {total} segments done)"
        exc.resume_hint = resume_command(ctx.out)


def _next_stage(stage: Stage) -> str:
    order = list(Stage)
    return order[min(order.index(stage) + 1, len(order) - 1)].value


def _progress(state: JobState) -> tuple[int, int]:
    doc = state.document
    if doc is None:
        return 0, 0
    segments = list(doc.segments())
    return sum(1 for s in segments if s.status is not Status.PENDING), len(segments)


def run(job: Job, services: Services | None = None) -> dict:
    """Run a job (blocking; also from inside a running event loop); the report as a dictionary."""
    result = run_sync(run_async(job, services))
    return result.model_dump(mode="json") if isinstance(result, Report) else result


def estimate(doc: Document, engine: Engine) -> dict:
    """Segments, characters, estimated tokens and cost, without calling the engine."""
    from arxiv_translator.prose import needs_translation

    todo = [s for s in doc.segments() if s.status is Status.PENDING and needs_translation(s.masked or "")]
    chars = sum(len(s.masked or "") for s in todo)
    guess = engine.estimate(chars)  # each engine knows how it counts and bills
    prompt_tokens, completion_tokens = guess["prompt_tokens"], guess["completion_tokens"]
    return {"estimate": True, "segments": sum(1 for _ in doc.segments()), "to_translate": len(todo),
            "characters": chars, "tokens": {"prompt": prompt_tokens, "completion": completion_tokens},
            "billed_characters": guess["billed_chars"], "unit": engine.capabilities.unit,
            "cost_usd": round(engine.cost_usd(prompt_tokens, completion_tokens, guess["billed_chars"]), 4),
            "priced": not engine.real or engine.cost_usd(10**6, 10**6, 10**6) > 0,
            "engine": {"name": engine.name, "model": engine.model}, "protected": doc.protected_counts(),
            "source": {"kind": doc.source_kind, "main": doc.main_file or ""}}


__all__ = ["STAGES", "Job", "run", "run_async", "estimate", "choose_engine", "resume_command", "TranslatorError"]
