"""Command line: ``arxiv-translator translate SOURCE [options]`` and the other commands.

A thin layer over :mod:`arxiv_translator.pipeline`: it parses options, draws
progress with rich, prints a summary, and is the only place that turns
:class:`~arxiv_translator.errors.TranslatorError` into an exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arxiv_translator.version import __version__
from arxiv_translator.engines import ENGINES
from arxiv_translator.errors import TranslatorError
from arxiv_translator.jobs.outputs import parse_outputs
from arxiv_translator.sources.inputs import SOURCE_CHOICES
from arxiv_translator import cli_jobs as job_cli
from arxiv_translator.many import cli as many_cli

if TYPE_CHECKING:
    from rich.console import Console

    from arxiv_translator.events import Event


INPUT_KINDS = ("an arXiv paper (id or URL), a LaTeX folder, .tex file or archive, an arXiv HTML page, "
               "a Markdown/.mmd file or a PDF into Korean")


WEB_COMMANDS = ("serve", "tokens", "library")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser (engine choices come from the registry).

    With ``argv`` whose first word names a command, only that command's group of subcommands is added (the
    parsers of all of them took ~10 ms, a tenth of them ``translate``'s): it parses ``argv`` as the whole
    parser does.  Anything else (``--help``, ``--version``, no command, an unknown one) gets the whole parser."""
    parser = argparse.ArgumentParser(prog="arxiv-translator", description=f"Translate {INPUT_KINDS}.")
    parser.add_argument("--version", action="version", version=f"arxiv-translator {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    groups: list[tuple[tuple[str, ...], Any]] = [
        (("translate",), _add_translate), (job_cli.COMMANDS, job_cli.add_commands), (("engines",), _add_engines),
        (many_cli.COMMANDS, many_cli.add_commands), (WEB_COMMANDS, _add_web_commands)]
    first = argv[0] if argv else None
    chosen = [add for names, add in groups if first in names]
    for add in chosen or [add for _names, add in groups]:
        add(sub)
    return parser


def _add_translate(sub: argparse._SubParsersAction) -> None:
    """``translate``: the main command."""
    t = sub.add_parser("translate", help=f"translate {INPUT_KINDS}", description=f"Translate {INPUT_KINDS}.")
    t.add_argument("source", help="arXiv id or URL (2402.18563, arXiv:2402.18563v1, https://arxiv.org/abs/...), "
                                  "LaTeX folder, .tex file, LaTeX archive (.tar.gz, .tgz, .tar, .gz, .zip), "
                                  "arXiv HTML page (.html), Markdown / Mathpix Markdown (.md, .mmd) or PDF (.pdf)")
    t.add_argument("--source", dest="source_kind", choices=list(SOURCE_CHOICES), default="auto",
                   help="which form of the paper to translate (auto: arXiv's LaTeX e-print when it is TeX, "
                        "else arXiv HTML, else the PDF; for a local file, its own kind)")
    t.add_argument("--to", dest="target", default=None, help="target language (default: ko)")
    t.add_argument("--engine", choices=sorted(ENGINES), default=None, help="translation engine")
    t.add_argument("--model", default=None, help="model name (openai, anthropic; hf: a local model folder)")
    t.add_argument("--base-url", default=None, help="the engine's endpoint, e.g. an OpenAI-compatible "
                                                    "http://localhost:8000/v1, a proxy or a mirror")
    t.add_argument("--deepl-glossary", default=None, metavar="ID", help="deepl: a DeepL glossary id (EN->KO)")
    t.add_argument("--papago-glossary", default=None, metavar="KEY", help="papago: a Papago glossaryKey")
    t.add_argument("--out", type=Path, default=None,
                   help="output folder (default: <source>.ko beside the input; <arXiv id>.ko here for an id)")
    t.add_argument("--glossary", type=Path, default=None, help="CSV en,ko (empty ko = keep English)")
    t.add_argument("--style", choices=["academic", "formal"], default=None, help="-다 (academic) or -습니다 (formal)")
    t.add_argument("--concurrency", type=int, default=None, help="engine requests in flight (default 8)")
    t.add_argument("--batch-tokens", type=int, default=None, help="approximate source tokens per request")
    t.add_argument("--no-compile", action="store_true", help="do not compile the original or the translation")
    t.add_argument("--estimate", action="store_true",
                   help="count segments, tokens and cost (prices of the configured engine or --model; "
                        "gpt-4o-mini when none); needs no engine, calls none, writes nothing")
    t.add_argument("--json", action="store_true", help="with --estimate: print the estimate as JSON")
    t.add_argument("--force", action="store_true", help="re-translate, ignoring the translation cache")
    t.add_argument("--cache", type=Path, default=None, help="translation cache file (env ARXIV_TRANSLATOR_CACHE)")
    t.add_argument("--config", type=Path, default=None, help="TOML config file")
    t.add_argument("--main", default=None, help="main .tex file, relative to the source folder")
    t.add_argument("--pages", default=None, help="PDF input: pages to translate, e.g. 1-10 or 2,5-7")
    t.add_argument("--dual", choices=["side", "alternate"], default=None,
                   help="PDF input: paper.dual.pdf with pages side by side (default) or alternating")
    t.add_argument("--offline-assets", action="store_true",
                   help="HTML input: download the page's images and stylesheets from arXiv beside paper.ko.html "
                        "(once, politely, cached) so that the page reads offline")
    t.add_argument("--outputs", default=None, metavar="LIST",
                   help="outputs to write, comma-separated: pdf, html, bilingual, md, jsonl "
                        "(default: all the source allows; report.json is always written)")
    t.add_argument("--restart", action="store_true",
                   help="discard the job saved in --out (a failed, killed or finished run) and start again")
    t.add_argument("--quiet", action="store_true", help="no progress display")


def _add_engines(sub: argparse._SubParsersAction) -> None:
    """``engines``: what is available and configured."""
    e = sub.add_parser("engines", help="list the engines: available, configured, and how to configure the rest")
    e.add_argument("--config", type=Path, default=None, help="TOML config file")


def engines_table(config: Path | None) -> list[dict[str, str]]:
    """One row per registered engine: name, state (ready / what is missing) and what it needs."""
    from arxiv_translator.config import load_settings
    from arxiv_translator.engines import engine_class

    settings = load_settings(config)
    rows = []
    for name in sorted(ENGINES):
        cls = engine_class(name)
        problem = cls.missing(settings.engine_settings(name))
        rows.append({"engine": name, "unit": cls.capabilities.unit, "state": problem or "ready",
                     "needs": cls.needs or "nothing", "limits": cls.capabilities.describe()})
    return rows


def show_engines(config: Path | None) -> int:
    """Print :func:`engines_table` (no network call)."""
    from arxiv_translator.config import load_settings

    default = load_settings(config).engine
    for row in engines_table(config):
        mark = "*" if row["engine"] == default else " "
        print(f"{mark} {row['engine']:<10} {row['state']}")
        print(f"  {'':<10} needs: {row['needs']}; billed in {row['unit']}")
        print(f"  {'':<10} limits: {row['limits']}")
    return 0


def _add_web_commands(sub: argparse._SubParsersAction) -> None:
    """``serve``, ``tokens`` and ``library``: the web library (arxiv_translator.web)."""
    from arxiv_translator.web.serve import add_commands

    add_commands(sub)


def _run_web(args: argparse.Namespace) -> int:
    """Run a web-library command; errors become a one-line message and an exit code."""
    from arxiv_translator.web.serve import run_command

    try:
        return run_command(args)
    except TranslatorError as exc:
        print(f"arxiv-translator: error: {exc}", file=sys.stderr)
        return exc.exit_code


class ProgressView:
    """Draws pipeline events on stderr: a rich progress bar on a terminal, plain lines elsewhere.

    Where stderr is not a terminal (a log file, a pipe, a batch job), the bar could not be redrawn in place
    anyway: each stage's message is one line, and the translation's figures one line when it ends, written
    without loading rich or starting its refresh thread.
    """

    def __init__(self, console: Console | None, quiet: bool) -> None:
        """``quiet``: draw nothing; no ``console`` (stderr is not a terminal): plain lines, without loading rich."""
        self.console, self.quiet = console, quiet
        self.task: Any = None
        self.plain = not quiet and console is None
        self.translated: Event | None = None  # plain lines: the last translation event, not written yet
        self.started = 0.0
        if self.quiet or self.plain:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("segments · {task.fields[in_flight]} in flight · "
                                            "{task.fields[tokens]} tokens"), TimeElapsedColumn(),
                                 console=console, transient=False, disable=quiet)

    def __call__(self, event: Event) -> None:
        if self.quiet:
            return
        if self.plain:
            self._line(event)
            return
        assert self.console is not None
        if event.stage == "translate":
            if self.task is None:
                self.progress.start()
                self.task = self.progress.add_task("translate", total=event.total or 1, in_flight=0, tokens=0)
            self.progress.update(self.task, completed=event.done, total=max(event.total, 1),
                                 in_flight=event.in_flight, tokens=event.tokens)
            return
        if event.stage == "retry" and self.task is not None:  # above the bar, which keeps running
            if not self.quiet:
                self.progress.console.print(f"[dim]retry:[/dim] {event.message}")
            return
        if self.task is not None and event.stage != "translate":
            self.progress.stop()
        if event.message and not self.quiet:
            self.console.print(f"[dim]{event.stage}:[/dim] {event.message}")

    def _line(self, event: Event) -> None:
        """Plain lines: ``stage: message``; the translation's figures once, when another stage begins."""
        if event.stage == "translate":
            if self.translated is None:
                self.started = time.monotonic()
            self.translated = event
            return
        if event.stage != "retry":
            self._flush()
        if event.message:
            print(f"{event.stage}: {event.message}", file=sys.stderr, flush=True)

    def _flush(self) -> None:
        if self.translated is not None:
            ev, self.translated = self.translated, None
            elapsed = int(time.monotonic() - self.started)
            print(f"translate: {ev.done}/{max(ev.total, 1)} segments · {ev.tokens} tokens · "
                  f"{elapsed // 3600}:{elapsed // 60 % 60:02d}:{elapsed % 60:02d}", file=sys.stderr, flush=True)

    def close(self) -> None:
        """Stop drawing."""
        if self.plain:
            self._flush()
        elif self.task is not None:
            self.progress.stop()


def _terminal_console(quiet: bool) -> Console | None:
    """A rich console on stderr when progress is drawn there and it is a terminal (or ``FORCE_COLOR`` asks for
    one, as rich itself would); None otherwise, and rich is not loaded."""
    if quiet or not (sys.stderr.isatty() or os.environ.get("FORCE_COLOR")):
        return None
    from rich.console import Console

    return Console(stderr=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``arxiv-translator`` command."""
    argv = sys.argv[1:] if argv is None else argv
    # The command loads no pydantic plugin (observability hooks other programs install): looking for them reads
    # every installed distribution's entry points, ~6 ms of start-up.  An explicit setting, even empty, is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = build_parser(argv).parse_args(argv)
    if args.command in WEB_COMMANDS:
        return _run_web(args)
    if args.command == "engines":
        try:
            return show_engines(args.config)
        except TranslatorError as exc:
            print(f"arxiv-translator: error: {exc}", file=sys.stderr)
            return exc.exit_code
    if args.command in many_cli.COMMANDS:
        return _many(args)
    import gc

    gc.disable()  # the imports make objects that live as long as the process: nothing for the collector to find
    from arxiv_translator.config import load_settings
    from arxiv_translator.pipeline import Job, run

    _collect_less()
    console = _terminal_console(getattr(args, "quiet", False))
    if args.command in job_cli.COMMANDS:
        return job_cli.dispatch(args, lambda job, quiet: run_job(job, quiet, console))
    try:
        outputs = parse_outputs(args.outputs)
        settings = load_settings(
            args.config, target=args.target, engine=args.engine, model=args.model, base_url=args.base_url,
            glossary=args.glossary, style=args.style, concurrency=args.concurrency, batch_tokens=args.batch_tokens,
            cache=args.cache, compile=False if args.no_compile else None, force=True if args.force else None,
            pages=args.pages, dual=args.dual, deepl_glossary=args.deepl_glossary,
            papago_glossary=args.papago_glossary, offline_assets=True if args.offline_assets else None,
            outputs=outputs)
    except TranslatorError as exc:
        print(f"arxiv-translator: error: {exc}", file=sys.stderr)
        return exc.exit_code
    job = Job(source=args.source, settings=settings, out=args.out, estimate=args.estimate, main=args.main,
              source_choice=args.source_kind, restart=args.restart)
    if args.estimate:
        view = ProgressView(console, args.quiet)
        job.listener = view
        try:
            report = run(job)
        except TranslatorError as exc:
            view.close()
            print(f"arxiv-translator: error: {exc}", file=sys.stderr)
            return exc.exit_code
        view.close()
        print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else estimate_summary(report, args.source))
        return 0
    return run_job(job, args.quiet, console)


def _collect_less() -> None:
    """Tune Python's cyclic garbage collector for one job in this process.

    A job builds large object trees that live until it ends (parsed sources, the document model,
    its state); full collections traverse all of them, and everything the imports made, again and
    again (some 0.15 s of CPU for a large paper).  The imported objects are frozen out of the
    collector's view, and full collections wait for far more garbage; young objects are still
    collected as often as before, so memory stays as it was (measured: the same peak).  The collector,
    off while the job's modules were imported, is on again.
    """
    import gc

    gc.freeze()
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, 10_000)
    gc.enable()


def run_job(job: Job, quiet: bool, console: Console | None) -> int:
    """Run a translation job with a progress bar; print its summary, or the error and how to continue."""
    from arxiv_translator.pipeline import run

    view = ProgressView(console, quiet)
    job.listener = view
    try:
        report = run(job)
    except TranslatorError as exc:
        view.close()
        hint = getattr(exc, "resume_hint", None)  # one line: the error, how far the job got, how to continue
        more = f" [{exc.job_progress}; the job is kept: to continue, run `{hint}`]" if hint else ""
        print(f"arxiv-translator: error: {exc}{more}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        view.close()
        print("arxiv-translator: interrupted (the job is kept: rerun the same command, or `arxiv-translator resume "
              "DIR`, to continue)", file=sys.stderr)
        return 130
    view.close()
    return print_summary(report)


def print_summary(report: dict) -> int:
    """The finished job's figures; the exit code (6 when the translation does not compile but the original did)."""
    seg = report["segments"]
    print(f"segments: {seg['total']} ({seg['translated']} translated, {seg['cached']} cached, "
          f"{seg['kept']} kept, {seg['failed']} failed) · requests {report['requests']} · "
          f"tokens {report['tokens']['prompt']}+{report['tokens']['completion']} · "
          f"characters billed {report['characters'].get('billed', 0)} · ${report['cost_usd']:.4f}")
    comp = report["compile"]
    if comp["ok"] is not None:
        print(f"compile: original {'ok' if comp['original_ok'] else 'FAILED'}, "
              f"translation {'ok' if comp['ok'] else 'FAILED'}, {len(comp['reverted'])} reverted")
    coverage = report.get("audit") or {}
    if coverage.get("output"):
        print(f"coverage: {coverage['share']:.2%} of the prose words left in English in {coverage['output']} "
              f"({coverage['words_left']} of {coverage['source_words']}; see 'audit' in report.json)")
    for warning in report["warnings"]:
        print(f"warning: {warning}")
    return 0 if (comp["ok"] is not False or comp["original_ok"] is False) else 6


def estimate_summary(report: dict, source: str) -> str:
    """The ``--estimate`` figures as a few readable lines."""
    engine = report["engine"]
    main_file = report["source"].get("main")
    where = report["source"]["kind"] + (f", main {main_file}" if main_file else "")
    if report.get("priced", True):
        cost = f"about ${report['cost_usd']:.4f} with {engine['name']} {engine['model']}"
    else:
        cost = (f"unknown: no price for {engine['name']} model {engine['model']!r} "
                "(a local server is free; set `prices` in the config)")
    protected = report.get("protected") or {}
    spans = ", ".join(f"{kind} {count:,}" for kind, count in sorted(protected.items(), key=lambda kv: -kv[1])[:6])
    lines = [f"estimate for {source} ({where}); no engine was called",
             f"  segments:   {report['segments']:,} ({report['to_translate']:,} to translate)",
             f"  characters: {report['characters']:,}",
             f"  tokens:     about {report['tokens']['prompt']:,} prompt + "
             f"{report['tokens']['completion']:,} completion",
             f"  cost:       {cost}"]
    if spans:
        lines.append(f"  protected:  {sum(protected.values()):,} spans ({spans})")
    lines.append("  (--json for the figures as JSON)")
    return "\n".join(lines)


def _many(args: argparse.Namespace) -> int:
    """The many-paper subcommands, with the same error mapping as ``translate``."""
    try:
        return many_cli.dispatch(args)
    except TranslatorError as exc:
        print(f"arxiv-translator: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("arxiv-translator: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
