"""``arxiv-translator resume DIR``, ``status DIR`` and ``schema report|segments|job``.

Subcommands over the job state (``DIR/.job``); errors are TranslatorErrors that the CLI turns
into one line and an exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from arxiv_translator.errors import TranslatorError

COMMANDS = ("resume", "status", "schema")
SCHEMAS = ("report", "segments", "job")


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``resume``, ``status`` and ``schema`` to the CLI."""
    r = sub.add_parser("resume", help="continue a failed or killed translation job from its output folder",
                       description="Continue the job saved in DIR/.job from the last finished stage; "
                                   "the engine is asked only for the segments still missing.")
    r.add_argument("dir", type=Path, help="the job's output folder (--out of the translate command)")
    r.add_argument("--base-url", default=None, help="the engine's endpoint, when it moved")
    r.add_argument("--concurrency", type=int, default=None, help="engine requests in flight")
    r.add_argument("--config", type=Path, default=None, help="TOML config file")
    r.add_argument("--quiet", action="store_true", help="no progress display")
    s = sub.add_parser("status", help="how far the job in an output folder got: stage, segments, requests, cost",
                       description="Print the stage, segments done/total, requests, cost so far and errors of "
                                   "the job saved in DIR/.job.")
    s.add_argument("dir", type=Path, help="the job's output folder")
    s.add_argument("--json", action="store_true", help="print the figures as JSON")
    c = sub.add_parser("schema", help="the JSON Schema of report.json, a segments.jsonl line or the job state",
                       description="Print the JSON Schema of report.json (report), one segments.jsonl line "
                                   "(segments) or the saved job state (job).")
    c.add_argument("name", choices=SCHEMAS)


def dispatch(args: argparse.Namespace, run_job: Callable[[Any, bool], int]) -> int:
    """Run one of :data:`COMMANDS`; ``run_job(job, quiet)`` runs a translation job as ``translate`` does."""
    try:
        if args.command == "schema":

            print(json.dumps(schemas()[args.name], indent=2, ensure_ascii=False))
            return 0
        if args.command == "status":
            return _status(args.dir, args.json)
        return run_job(resume_job(args.dir, args.config, base_url=args.base_url, concurrency=args.concurrency),
                       args.quiet)
    except TranslatorError as exc:
        print(f"arxiv-translator: error: {exc}", file=sys.stderr)
        return exc.exit_code


def resume_job(out: Path, config: Path | None = None, **overrides: Any) -> Any:
    """The :class:`~arxiv_translator.pipeline.Job` that continues the job saved in ``out``, with its settings."""
    from arxiv_translator.config import load_settings
    from arxiv_translator.errors import OutputError
    from arxiv_translator.pipeline import Job
    from arxiv_translator.jobs.store import JobStore, has_job

    if not has_job(out):
        raise OutputError(f"{out}: holds no translation job to resume (no {out / '.job' / 'state.json'})")
    state = JobStore(out).load()
    saved = {k: v for k, v in state.settings.items() if v is not None}
    settings = load_settings(config, **{**saved, **{k: v for k, v in overrides.items() if v is not None}})
    source = state.source.given if state.source.identity.startswith("arxiv:") else state.source.identity
    return Job(source=source, settings=settings, out=out, main=state.source.main, source_choice=state.source.choice)


def _status(out: Path, as_json: bool) -> int:
    from arxiv_translator.errors import OutputError
    from arxiv_translator.jobs.store import JobStore, has_job

    if not has_job(out):
        raise OutputError(f"{out}: holds no translation job (no {out / '.job' / 'state.json'})")
    state = JobStore(out).load()
    progress = state.progress()
    figures = {"source": state.source.given, "stage": state.stage.value, "finished": state.finished,
               "segments": progress, "requests": state.usage.requests, "cost_usd": round(state.usage.cost_usd, 6),
               "runs": state.runs, "errors": [e.model_dump() for e in state.errors]}
    if as_json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    where = "finished" if state.finished else f"last finished stage: {state.stage.value}"
    print(f"{out}: {state.source.given} · {where} · segments {progress['done']}/{progress['total']} · "
          f"requests {state.usage.requests} · ${state.usage.cost_usd:.4f} · runs {state.runs}")
    for error in state.errors[-5:]:
        print(f"error in {error.stage}: {error.message}")
    if not state.finished:
        print(f"to continue: arxiv-translator resume {out}")
    return 0


def schemas() -> dict[str, dict]:
    """The JSON Schemas ``arxiv-translator schema`` prints, by name."""
    from arxiv_translator.jobs.state import JobState
    from arxiv_translator.report import Report, SegmentLine

    return {"report": Report.model_json_schema(), "segments": SegmentLine.model_json_schema(),
            "job": JobState.model_json_schema()}
