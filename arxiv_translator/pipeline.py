"""The whole story of a translation job, in one place.

    read      source -> Document            (readers/: format -> model)
    protect   Document -> masked segments   (protect.py)
    check     does the original compile?    (before spending tokens)
    translate masked -> target              (translator.py: engine, cache, glossary, validation)
    write     Document -> outputs           (writers/: LaTeX tree + PDF, segments.jsonl, report.json)

Each stage emits :class:`~arxiv_translator.events.Event` s; the CLI draws them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .audit import audit, audit_job, audit_warning
from .cache import TranslationCache, signature_hash
from .config import Settings
from .document import Document, Status
from .engines import Engine, create_engine
from .errors import CompileError, ConfigError, InputError, OutputError, TranslatorError
from .events import Event, Listener, ignore
from .glossary import Glossary
from .inputs import PreparedSource, arxiv_ref, prepare_source
from .protect import mask_document
from .readers import reader_for
from .style import register_warning
from .translator import TranslateOptions, Translator, Usage
from .writers import WriteJob, WriteResult, writers_for
from .writers.report import build_report, write_report, write_segments

HOW_TO_CONFIGURE = (
    "no translation engine configured: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL "
    "(vLLM, Ollama, llama.cpp, LM Studio: e.g. http://localhost:11434/v1), or pass --engine openai "
    "--base-url URL --model NAME; for a dry run without any engine use --engine pseudo; "
    "'arxiv-translator engines' lists DeepL, Papago, Google, Anthropic and local models"
)


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


def choose_engine(settings: Settings) -> Engine:
    """The configured engine, else ``openai`` when OpenAI env vars are set, else an error."""
    name = settings.engine
    if name is None:
        if os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL") or settings.base_url:
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


def _claim_out(out: Path) -> None:
    if out.is_symlink() and not out.exists():
        raise OutputError(f"{out}: output folder is a dangling symbolic link (choose another --out or remove it)")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputError(f"{out}: output folder exists and is not empty (choose another --out or remove it)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output folder ({exc.strerror or exc})") from None


def run(job: Job) -> dict:
    """Run a job; returns the report (also written to ``report.json`` unless estimating)."""
    started = time.monotonic()
    settings, emit = job.settings, job.listener
    check_source(job.source)  # a wrong path is reported before any engine problem
    engine = estimate_engine(settings) if job.estimate else choose_engine(settings)
    glossary = Glossary.load(settings.glossary, settings.target).prepare()
    if job.estimate:  # reads the source in a scratch folder: no output folder is made
        with tempfile.TemporaryDirectory(prefix="arxiv-translator-estimate-") as scratch:
            return _run_in(job, engine, glossary, Path(scratch), Path(scratch) / ".work", started, emit)
    engine.check()
    out = Path(job.out) if job.out else default_out(Path(job.source))
    src = Path(job.source).resolve()
    if src.is_dir() and (out.resolve() == src or src in out.resolve().parents):
        raise OutputError(f"{out}: the output folder must not be inside the source folder {job.source}")
    _claim_out(out)
    work = out / ".work"
    ok = False
    try:
        report = _run_in(job, engine, glossary, out, work, started, emit)
        ok = True
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not ok or job.estimate:
            shutil.rmtree(out, ignore_errors=True)


def _run_in(job: Job, engine: Engine, glossary: Glossary, out: Path, work: Path, started: float,
            emit: Listener) -> dict:
    settings = job.settings
    prepared, doc = _read(job, work, job.source_choice, emit)
    if job.estimate:
        return estimate(doc, engine)
    read_done = time.monotonic()
    sig = {**signature(settings, engine, glossary), "tool": __version__}
    logs = out / "logs"
    logs.mkdir()
    wjob, writers = _prechecked(job, doc, prepared, out, work, logs, engine, emit)
    original_seconds = wjob.checks.get("original_seconds", 0.0)
    if _should_fall_back(prepared, wjob):
        # auto: a LaTeX e-print that does not compile gives way to arXiv's HTML, when there is one
        emit(Event(stage="check", message="the LaTeX source does not compile; trying arXiv's HTML"))
        try:
            html_prepared, html_doc = _read(job, work / "html", "html", emit)
        except TranslatorError as exc:
            prepared.info["fallback"] = f"arXiv HTML not usable either ({exc})"
        else:
            html_prepared.info["reason"] = ("the LaTeX e-print does not compile "
                                            f"({wjob.checks.get('original_message', '')}); arXiv HTML used")
            prepared, doc = html_prepared, html_doc
            wjob, writers = _prechecked(job, doc, prepared, out, work, logs, engine, emit)
            original_seconds += wjob.checks.get("original_seconds", 0.0)
    check_seconds = time.monotonic() - read_done
    _refuse_uncompilable(job, prepared, wjob, engine)
    cache = TranslationCache(settings.cache_path(), {k: v for k, v in sig.items() if k != "tool"})
    options = TranslateOptions(target=settings.target, style=settings.style, concurrency=settings.concurrency,
                               batch_tokens=settings.batch_tokens, max_retries=settings.max_retries,
                               backoff=settings.backoff, force=settings.force)
    t0 = time.monotonic()
    try:
        usage = Translator(engine, glossary, options, cache, emit).run(doc)
    finally:
        cache.close()
    translate_seconds = time.monotonic() - t0
    emit(Event(stage="write", message="writing the outputs"))
    t1 = time.monotonic()
    results: dict[str, WriteResult] = {writer.name: writer.write(wjob) for writer in writers}
    write_seconds = time.monotonic() - t1
    write_segments(doc, out / "segments.jsonl")
    warnings = list(doc.warnings) + [w for r in results.values() for w in r.warnings]
    warnings += _warnings(doc, usage, engine, settings)
    compile_info = results["latex"].info.get("compile") if "latex" in results else None
    coverage = _audit(prepared, doc, out, warnings, emit)
    report = build_report(
        doc=doc, tool={"name": "arxiv-translator", "version": __version__},
        signature={**sig, "hash": signature_hash(sig)},
        source={"kind": prepared.kind, "path": str(job.source), "origin": prepared.origin,
                "main": doc.main_file, "main_reason": doc.meta.get("main_reason", ""), **prepared.info},
        target=settings.target, engine={"name": engine.name, "model": engine.model,
                                        "unit": engine.capabilities.unit}, usage=usage,
        seconds=stage_seconds(total=time.monotonic() - started, engine=usage.engine_seconds, read=read_done - started,
                              check=check_seconds - original_seconds, translate=translate_seconds,
                              write=write_seconds - (compile_info or {}).get("seconds", 0.0),
                              compile=original_seconds + (compile_info or {}).get("seconds", 0.0)),
        compile_info=compile_info, outputs={name: r.files for name, r in results.items()},
        output_info={name: r.info for name, r in results.items() if r.info and name != "latex"},
        warnings=warnings, real=engine.real, audit=coverage)
    write_report(report, out / "report.json")
    emit(Event(stage="done", message=str(out)))
    return report


def _audit(prepared: PreparedSource, doc: Document, out: Path, warnings: list[str], emit: Listener) -> dict:
    """The coverage audit of the written outputs (audit.py); a warning when too much English is left."""
    emit(Event(stage="audit", message="auditing the outputs for English prose left"))
    section = audit(audit_job(prepared.kind, prepared.root, doc.main_file, out, doc.meta.get("pages", "")))
    warning = audit_warning(section)
    if warning:
        warnings.append(warning)
        emit(Event(stage="audit", message=f"warning: {warning}"))
    return section


def stage_seconds(total: float, engine: float, **stages: float) -> dict:
    """The report's ``seconds``: stages that do not overlap and add up to ``total``, and ``overlapping``.

    ``read`` includes the engine check and any download; ``check`` the checks of the
    untouched input but not its compile; ``write`` the outputs but not the TeX runs, which
    are all in ``compile`` (original and translation); ``other`` is the rest (the report
    itself, steps no stage names).  ``engine`` is request time summed over concurrent
    requests, inside ``translate``: it is listed under ``overlapping``.
    """
    out = {"total": round(total, 3), **{name: round(max(0.0, value), 3) for name, value in stages.items()}}
    out["other"] = round(max(0.0, total - sum(max(0.0, value) for value in stages.values())), 3)
    out["engine"] = round(engine, 3)
    out["overlapping"] = {"engine": "translate"}
    return out


def _read(job: Job, work: Path, choice: str, emit: Listener) -> tuple[PreparedSource, Document]:
    """Stages 1-2: put the source on disk, read it into a Document, mask it."""
    emit(Event(stage="read", message=f"reading {job.source}"))
    prepared = prepare_source(job.source, work, choice, emit)
    reader = reader_for(prepared.kind)
    if hasattr(reader, "configure"):  # readers with options of their own (PDF: --pages)
        reader.configure(job.settings)
    doc: Document = reader.read(prepared.root, job.main or prepared.main)
    mask_document(doc, collapse_space=reader.collapse_space)
    return prepared, doc


def _prechecked(job: Job, doc: Document, prepared: PreparedSource, out: Path, work: Path, logs: Path,
                engine: Engine, emit: Listener) -> tuple[WriteJob, list]:
    """The writers for this input kind, after their checks of the untouched input."""
    wjob = WriteJob(doc=doc, out=out, source_root=prepared.root, work=work, logs=logs, pseudo=not engine.real,
                    settings=job.settings, emit=emit)
    writers = writers_for(prepared.kind)
    for writer in writers:
        wjob.checks.update(writer.precheck(wjob))
    return wjob, writers


def _refuse_uncompilable(job: Job, prepared: PreparedSource, wjob: WriteJob, engine: Engine) -> None:
    """Spend no tokens on LaTeX that does not compile even untouched (``--no-compile`` translates anyway)."""
    if prepared.kind == "latex" and engine.real and wjob.checks.get("original_ok") is False:
        why = wjob.checks.get("original_message")
        raise CompileError(f"{job.source}: the original LaTeX does not compile ({why}); "
                           "nothing was sent to the engine (use --no-compile to translate it anyway)")


def _should_fall_back(prepared: PreparedSource, wjob: WriteJob) -> bool:
    return (prepared.kind == "latex" and prepared.info.get("source_choice") == "auto"
            and bool(prepared.info.get("arxiv_id")) and wjob.checks.get("original_ok") is False)


def _warnings(doc: Document, usage: Usage, engine: Engine, settings: Settings) -> list[str]:
    warnings = []
    if not engine.real:
        warnings.append("PSEUDO-TRANSLATION: engine 'pseudo' does not translate; the output is for dry runs only")
    counts = doc.status_counts()
    if counts["failed"]:
        warnings.append(f"{counts['failed']} segment(s) kept in English after engine failures (see 'failed')")
    if usage.glossary_violations:
        warnings.append(f"{len(usage.glossary_violations)} glossary violation(s)")
    style = register_warning(usage.style, settings.style) if engine.real else None
    if style:
        warnings.append(style)
    if usage.style.entities or usage.style.mojibake:
        warnings.append(f"fixed {usage.style.entities} HTML entities and {usage.style.mojibake} mojibake segment(s)")
    return warnings


def estimate(doc: Document, engine: Engine) -> dict:
    """Segments, characters, estimated tokens and cost, without calling the engine."""
    from .prose import needs_translation

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


__all__ = ["Job", "run", "estimate", "choose_engine", "TranslatorError"]
