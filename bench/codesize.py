"""Lines of code of modules and functions, as the reader-library benchmarks count them.

Shared by ``bench_reader_libs.py`` (Markdown) and ``bench_reader_libs_html.py`` (HTML).
"""

from __future__ import annotations

from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "arxiv_translator" / "readers"


def loc(path: Path) -> int:
    """Lines of code: not blank, not a comment, not inside a docstring (an even count for every file)."""
    import ast

    text = path.read_text()
    docs: set[int] = set()
    for node in ast.walk(ast.parse(text)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str):
            docs.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    return sum(1 for n, line in enumerate(text.splitlines(), 1)
               if n not in docs and line.strip() and not line.strip().startswith("#"))


def function_loc(path: Path, names: set[str]) -> int:
    """Lines of code (as :func:`loc`) of the named functions and methods of a module."""
    import ast

    text = path.read_text()
    lines = text.splitlines()
    total = 0
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef) and node.name in names:
            body = node.body[1:] if isinstance(node.body[0], ast.Expr) else node.body
            total += 1 + sum(1 for n in range(body[0].lineno if body else 1, (node.end_lineno or 0) + 1 if body else 1)
                             if lines[n - 1].strip() and not lines[n - 1].strip().startswith("#"))
    return total


# -- Markdown -------------------------------------------------------------------
