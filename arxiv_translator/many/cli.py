"""The many-paper subcommands (``corpus``, ``eval``, ``digest``, ``batch``).

:func:`add_commands` adds them to the main parser; :func:`dispatch` runs one.  The main CLI
keeps mapping :class:`~arxiv_translator.errors.TranslatorError` to exit codes.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

#: subcommand -> "module:function" (imported only when run), each ``(args) -> int``.
COMMANDS: dict[str, str] = {
    "corpus": "arxiv_translator.many.cli:run_corpus",
    "eval": "arxiv_translator.many.cli:run_eval",
    "digest": "arxiv_translator.many.cli:run_digest",
    "batch": "arxiv_translator.many.cli:run_batch",
}


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the many-paper subcommands to ``sub``."""
    c = sub.add_parser("corpus", help="export translated segments of output folders as a parallel corpus")
    c.add_argument("folders", nargs="+", type=Path, help="translate output folders, or folders holding them")
    c.add_argument("--out", type=Path, required=True, help="FILE.parquet or FILE.jsonl")
    c.add_argument("--include", default="", help="also export these statuses: kept, failed (comma-separated)")
    c.add_argument("--markdown", action="store_true",
                   help="render LaTeX/HTML segments as Markdown with \\(..\\) math (the seed-000 form)")

    e = sub.add_parser("eval", help="chrF/BLEU against a reference translation, plus fidelity figures")
    e.add_argument("output", type=Path, help="an output folder, a batch folder of them, or a text file")
    e.add_argument("--reference", type=Path, required=True,
                   help="line-aligned text (.ko.mmd), a segments.jsonl, or a folder of references for a batch")
    e.add_argument("--json", action="store_true", help="print the figures as JSON")

    d = sub.add_parser("digest", help="Korean digests of papers (seed-004 style), one structured request each")
    d.add_argument("sources", nargs="+", help="arXiv ids or URLs, LaTeX folders, .tex/.html/.mmd/.pdf files")
    d.add_argument("--out", type=Path, default=Path("digest.ko.md"), help="output file (default digest.ko.md)")
    d.add_argument("--format", choices=["md", "html", "json"], default=None,
                   help="md (default; or from the --out suffix), html or json")
    _engine_options(d)

    b = sub.add_parser("batch", help="translate many papers on this machine (resumable: run it again to resume)")
    b.add_argument("items", nargs="+", help="arXiv ids/URLs, paths, or files listing them one per line")
    b.add_argument("--out", required=True,
                   help="batch folder (or an fsspec URL such as s3://bucket/papers): one output folder per paper "
                        "+ batch.json")
    b.add_argument("--workers", type=int, default=2, help="papers translated at once (default 2)")
    b.add_argument("--budget", type=float, default=None, help="USD: start no paper whose estimate would exceed it")
    b.add_argument("--no-compile", action="store_true", help="do not compile LaTeX")
    b.add_argument("--ray", default=None, metavar="ADDRESS",
                   help="run the papers as Ray tasks on this cluster (auto, host:port, ray://...; "
                        "pip install 'arxiv-translator[ray]')")
    _engine_options(b)


def _engine_options(p: argparse.ArgumentParser) -> None:
    """The engine and settings options shared by digest and batch."""
    from arxiv_translator.engines import ENGINES

    p.add_argument("--engine", choices=sorted(ENGINES), default=None, help="engine (pseudo: offline dry run)")
    p.add_argument("--model", default=None, help="model name (openai engine)")
    p.add_argument("--base-url", default=None, help="OpenAI-compatible endpoint, e.g. http://localhost:8000/v1")
    p.add_argument("--cache", type=Path, default=None, help="translation memory file (env ARXIV_TRANSLATOR_CACHE)")
    p.add_argument("--config", type=Path, default=None, help="TOML config file")
    p.add_argument("--force", action="store_true", help="ignore the translation memory")
    p.add_argument("--quiet", action="store_true", help="no progress lines")


def _settings(args: argparse.Namespace, **more: object):
    from arxiv_translator.config import load_settings

    return load_settings(args.config, engine=args.engine, model=args.model, base_url=args.base_url,
                         cache=args.cache, force=True if args.force else None, **more)


def _printer(quiet: bool):
    import sys

    from arxiv_translator.events import Event

    def show(event: Event) -> None:
        if not quiet and event.message:
            print(f"{event.stage}: {event.message}", file=sys.stderr)
    return show


def dispatch(args: argparse.Namespace) -> int:
    """Run the subcommand ``args.command``; raises TranslatorError for the main CLI to map."""
    from importlib import import_module

    module, name = COMMANDS[args.command].split(":")
    func: Callable[[argparse.Namespace], int] = getattr(import_module(module), name)
    return func(args)


def run_corpus(args: argparse.Namespace) -> int:
    """``corpus``: write the file, print what it holds."""
    from arxiv_translator.many.corpus import export_corpus, parse_include

    result = export_corpus(args.folders, args.out, parse_include(args.include), args.markdown)
    print(f"corpus: {result.rows} rows from {result.papers} paper(s), {result.duplicates} duplicate(s) dropped, "
          f"{result.bytes} bytes -> {result.path}")
    return 0


def run_eval(args: argparse.Namespace) -> int:
    """``eval``: one line per paper, the average, the sacrebleu signatures."""
    import json

    from arxiv_translator.many.evaluate import evaluate

    result = evaluate(args.output, args.reference)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return 0
    for p in result.papers:
        fid = " · ".join(f"{name} {f['count']}/{f['total']}" for name, f in p.fidelity.items())
        line = f"{p.paper}: chrF {p.chrf:.2f} · BLEU {p.bleu:.2f} · {p.pairs} {p.aligned}"
        print(line + (f" · {fid}" if fid else ""))
    if len(result.papers) > 1:
        avg = result.average
        print(f"average over {avg['papers']} papers: chrF {avg['chrf']:.2f} · BLEU {avg['bleu']:.2f}")
    for why in result.missing:
        print(f"warning: not scored: {why}")
    print(f"chrF signature: {result.signatures['chrf']}")
    print(f"BLEU signature: {result.signatures['bleu']}")
    return 0


def run_digest(args: argparse.Namespace) -> int:
    """``digest``: write the post; list failed papers; exit 4 when any failed."""
    import sys

    from arxiv_translator.errors import EngineError, OutputError
    from arxiv_translator.many.digest import make_digests
    from arxiv_translator.many.digest_render import RENDERERS

    fmt = args.format or {".html": "html", ".htm": "html", ".json": "json"}.get(args.out.suffix.lower(), "md")
    digests = make_digests(args.sources, _settings(args), _printer(args.quiet))
    failed = [d for d in digests if d.status != "ok"]
    if len(failed) == len(digests):
        raise EngineError("no digest could be made: " + "; ".join(f"{d.paper}: {d.reason}" for d in failed))
    try:
        args.out.write_text(RENDERERS[fmt](digests), encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{args.out}: cannot write ({exc.strerror or exc})") from None
    requests = sum(d.requests for d in digests)
    cached = sum(d.cached for d in digests)
    print(f"digest: {len(digests) - len(failed)} paper(s), {len(failed)} failed, {requests} request(s), "
          f"{cached} from the cache -> {args.out}")
    for d in failed:
        print(f"failed: {d.paper}: {d.reason}", file=sys.stderr)
    return 4 if failed else 0


def run_batch(args: argparse.Namespace) -> int:
    """``batch``: run it, print the table; exit 1 when a paper failed."""
    import sys

    from arxiv_translator.many.batch import BatchOptions, run_batch as run

    _settings(args)  # bad settings fail here, before any worker starts
    overrides = {k: v for k, v in {"engine": args.engine, "model": args.model, "base_url": args.base_url,
                                    "cache": str(args.cache) if args.cache else None,
                                    "force": True if args.force else None,
                                    "compile": False if args.no_compile else None}.items() if v is not None}
    options = BatchOptions(out=args.out, workers=args.workers, budget=args.budget, settings=overrides,
                           config=args.config, ray=args.ray)
    state = run(args.items, options, (lambda line: None) if args.quiet else
                (lambda line: print(line, file=sys.stderr, flush=True)))
    for e in state.entries:
        figures = f"{e.segments} segments · {e.requests} requests · ${e.cost_usd:.4f} · {e.seconds:.1f} s"
        print(f"{e.status:8} {e.folder}: " + (figures if e.status == "done" else e.error))
    c = state.counts()
    print(f"batch: {c['done']} done, {c['failed']} failed, {c['skipped']} skipped, ${state.cost():.4f} "
          f"-> {state.where}")
    return 1 if c["failed"] else 0
