"""The last stage's work: warnings, the coverage audit and ``report.json`` of a job."""

from __future__ import annotations

import time
from typing import Any

from arxiv_translator.version import __version__
from arxiv_translator.audit.coverage import audit, audit_job, audit_warning
from arxiv_translator.translation.memory import signature_hash
from arxiv_translator.document import Document
from arxiv_translator.engines import Engine
from arxiv_translator.events import Event
from arxiv_translator.config import Settings
from arxiv_translator.translation.style import register_warning
from arxiv_translator.translation.translator import Usage
from arxiv_translator.writers.report import write_report
from arxiv_translator.jobs.context import Context
from arxiv_translator.report import Report, make_report
from arxiv_translator.jobs.state import JobState


def build_job_report(state: JobState, ctx: Context) -> Report:
    """Audit the outputs, build the :class:`Report` and write ``report.json``."""
    assert ctx.prepared is not None and state.document is not None
    doc, prepared, engine = state.document, ctx.prepared, ctx.engine
    results = ctx.written
    warnings = list(doc.warnings) + [w for r in results.values() for w in r.warnings]
    warnings += job_warnings(doc, state.usage, engine, ctx.settings)
    compile_info = results["latex"].info.get("compile") if "latex" in results else None
    coverage = _audit(state, ctx, warnings)
    sig = dict(state.signature)
    report = make_report(
        doc=doc, tool={"name": "arxiv-translator", "version": __version__},
        signature={**sig, "hash": signature_hash(sig)},
        source={"kind": prepared.kind, "path": state.source.given, "origin": prepared.origin,
                "main": doc.main_file, "main_reason": doc.meta.get("main_reason", ""), **prepared.info},
        target=ctx.settings.target, engine={"name": engine.name, "model": engine.model,
                                            "unit": engine.capabilities.unit}, usage=state.usage,
        seconds=_seconds(state, ctx, compile_info), compile_info=compile_info,
        outputs={name: r.files for name, r in results.items()},
        output_info={name: r.info for name, r in results.items() if r.info and name != "latex"},
        warnings=warnings, real=engine.real, audit=coverage,
        job={"runs": state.runs, "restored_segments": ctx.restored,
             "sent_segments": ctx.extra.get("sent_segments", 0), "outputs": state.outputs or "all"})
    if state.outputs is None or "jsonl" in state.outputs:
        report.outputs.setdefault("segments", ["segments.jsonl"])
    state.warnings = list(report.warnings)
    write_report(report, ctx.out / "report.json")
    ctx.emit(Event(stage="done", message=str(ctx.out)))
    return report


def _seconds(state: JobState, ctx: Context, compile_info: dict[str, Any] | None) -> dict:
    """The report's ``seconds`` from the stage times of every run of the job (see ``stage_seconds``)."""

    sec = state.seconds
    probed = float(ctx.extra.get("original_seconds", 0.0))  # the source-choice probe (prepare stage)
    checked = 0.0 if ctx.extra.get("probe_is_check") else float(state.checks.get("original_seconds", 0.0) or 0.0)
    compiled = float((compile_info or {}).get("seconds", 0.0))
    total = sec.get("total", 0.0) + (time.monotonic() - ctx.started)
    return stage_seconds(total=total, engine=state.usage.engine_seconds,
                         read=sec.get("prepare", 0.0) + sec.get("read", 0.0) + sec.get("protect", 0.0) - probed,
                         check=sec.get("precheck", 0.0) - checked, translate=sec.get("translate", 0.0),
                         write=sec.get("write", 0.0) - compiled, compile=probed + checked + compiled)


def _audit(state: JobState, ctx: Context, warnings: list[str]) -> dict:
    """The coverage audit of the written outputs (audit.py); a warning when too much English is left."""
    assert ctx.prepared is not None and state.document is not None
    ctx.emit(Event(stage="audit", message="auditing the outputs for English prose left"))
    doc = state.document
    section = audit(audit_job(ctx.prepared.kind, ctx.prepared.root, doc.main_file, ctx.out, doc.meta.get("pages", "")))
    warning = audit_warning(section)
    if warning:
        warnings.append(warning)
        ctx.emit(Event(stage="audit", message=f"warning: {warning}"))
    return section


def job_warnings(doc: Document, usage: Usage, engine: Engine, settings: Settings) -> list[str]:
    """Warnings about the translation as a whole (pseudo engine, failures, glossary, register)."""
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
