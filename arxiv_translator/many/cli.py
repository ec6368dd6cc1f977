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


def dispatch(args: argparse.Namespace) -> int:
    """Run the subcommand ``args.command``; raises TranslatorError for the main CLI to map."""
    from importlib import import_module

    module, name = COMMANDS[args.command].split(":")
    func: Callable[[argparse.Namespace], int] = getattr(import_module(module), name)
    return func(args)


def run_corpus(args: argparse.Namespace) -> int:
    """``corpus``: write the file, print what it holds."""
    from .corpus import export_corpus, parse_include

    result = export_corpus(args.folders, args.out, parse_include(args.include), args.markdown)
    print(f"corpus: {result.rows} rows from {result.papers} paper(s), {result.duplicates} duplicate(s) dropped, "
          f"{result.bytes} bytes -> {result.path}")
    return 0


def run_eval(args: argparse.Namespace) -> int:
    """``eval``: one line per paper, the average, the sacrebleu signatures."""
    import json

    from .evaluate import evaluate

    result = evaluate(args.output, args.reference)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return 0
    for p in result.papers:
        fid = " · ".join(f"{name} {f['count']}/{f['total']}" for name, f in p.fidelity.items())
        print(f"{p.paper}: chrF {p.chrf:.2f} · BLEU {p.bleu:.2f} · {p.pairs} {p.aligned}" + (f" · {fid}" if fid else ""))
    if len(result.papers) > 1:
        avg = result.average
        print(f"average over {avg['papers']} papers: chrF {avg['chrf']:.2f} · BLEU {avg['bleu']:.2f}")
    for paper in result.missing:
        print(f"warning: {paper}: no reference found, not scored")
    print(f"chrF signature: {result.signatures['chrf']}")
    print(f"BLEU signature: {result.signatures['bleu']}")
    return 0
