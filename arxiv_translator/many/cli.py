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
}


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the many-paper subcommands to ``sub``."""
    c = sub.add_parser("corpus", help="export translated segments of output folders as a parallel corpus")
    c.add_argument("folders", nargs="+", type=Path, help="translate output folders, or folders holding them")
    c.add_argument("--out", type=Path, required=True, help="FILE.parquet or FILE.jsonl")
    c.add_argument("--include", default="", help="also export these statuses: kept, failed (comma-separated)")
    c.add_argument("--markdown", action="store_true",
                   help="render LaTeX/HTML segments as Markdown with \\(..\\) math (the seed-000 form)")


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
