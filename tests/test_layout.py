"""The package's import graph runs one way: from the CLI down to the document model.

Each top-level module or folder of ``arxiv_translator`` sits on one layer
(:data:`LAYERS`, lowest first); an import may only go to a lower layer.  The
format writers (``writers/<format>/``) may use the shared writer modules
(``writers/*.py``) but not each other.  A new module must be placed on a layer
here, so the architecture stays visible.  Run ``python3 -m pytest -q
tests/test_layout.py`` to see the edges that break it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "arxiv_translator"

#: Lowest first.  Units on one layer may not import each other either.
LAYERS: list[set[str]] = [
    {"version", "errors", "brackets", "texscan", "placeholders", "lean", "sync"},
    {"texdefs"},
    {"document_attrs", "assets", "events", "encoding", "network", "config", "mupdf"},
    {"document_outline"},
    {"document"},
    {"protect", "glossary"},
    {"prose"},
    {"readers", "llm"},
    {"engines"},
    {"translation"},
    {"report"},  # the report's models
    {"sources"},
    {"audit"},
    {"writers"},  # the shared writer modules (writers/*.py)
    {"writers.<format>"},  # writers/latex, writers/html, writers/bilingual, writers/markdown, writers/pdf
    {"jobs"},
    {"pipeline"},
    {"api"},
    {"__init__"},
    {"many", "web"},
    {"cli_jobs"},  # resume, status, schema
    {"cli"},
]


def unit(module: str) -> str:
    """The unit a dotted module name belongs to (``writers.pdf.draw`` -> ``writers.pdf``)."""
    parts = module.split(".")[1:]
    if not parts:
        return "__init__"
    if parts[0] == "writers" and len(parts) > 2:
        return "writers." + parts[1]
    return parts[0]


def layer(name: str) -> int:
    key = "writers.<format>" if name.startswith("writers.") else name
    for i, names in enumerate(LAYERS):
        if key in names:
            return i
    raise AssertionError(f"arxiv_translator.{name} is on no layer of tests/test_layout.py: place it there")


def _runtime_nodes(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:`` (imports for annotations only)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                todo.extend(child.orelse)
                continue
            todo.append(child)


def edges() -> list[tuple[str, str, str]]:
    """(importing module, imported module, where) for every import inside the package (not type-only ones)."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(p for p in rel.parts if p != "__init__")
        is_pkg = path.name == "__init__.py"
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:  # relative: resolve against the module's package
                    base = module.split(".") if is_pkg else module.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    name = ".".join([*base, node.module] if node.module else base)
                else:
                    name = node.module or ""
                if name == "arxiv_translator":  # `from arxiv_translator import x`: x may be a module
                    targets = [f"{name}.{a.name}" if (PACKAGE / f"{a.name}.py").exists() or (PACKAGE / a.name).is_dir()
                               else name for a in node.names]
                else:
                    targets = [name]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target.split(".")[0] == "arxiv_translator":
                    out.append((module, target, f"{rel}.py:{node.lineno}"))
    return out


def test_every_import_goes_down() -> None:
    wrong = []
    for source, target, where in edges():
        a, b = unit(source), unit(target)
        if a == b:
            continue
        if a.startswith("writers.") and b.startswith("writers.") or layer(b) >= layer(a):
            wrong.append(f"{where}: {source} imports {target} ({a} is not above {b})")
    assert not wrong, "imports that run up or sideways:\n" + "\n".join(wrong)


def test_the_graph_is_read() -> None:
    found = edges()
    assert len(found) > 200
    assert any(unit(t) == "writers" for s, t, _ in found if unit(s).startswith("writers."))
