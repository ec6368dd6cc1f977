"""Heavy third-party packages imported without the optional parts this package never uses.

Some libraries import optional companions at import time, whatever the caller needs:

* ``import pymupdf`` loads ``pymupdf.layout`` and ``pymupdf4llm`` (numpy, onnxruntime and an ONNX
  layout model: about 0.7 s of CPU) -- see :mod:`arxiv_translator.mupdf`, which also sets the two
  PyMuPDF options that importing pymupdf4llm would have set;
* ``import httpx`` loads its command-line tool ``httpx._main`` (click, rich, pygments: ~50 ms), and
  the first client loads ``httpcore``, which imports ``trio`` when it is installed (~60 ms) although
  this package runs on asyncio only.

:func:`import_holding` imports a package with such companions held back (their ``import`` raises
ImportError, which the libraries catch) and then releases them, so a later explicit import still
works.  Modules of this package import these libraries through here::

    from arxiv_translator.lean import httpx          # instead of: import httpx

A process that imported the library itself before keeps it as it was.  After the lean import,
``httpx.main`` (the httpx CLI) and httpcore's trio support are unavailable in this process.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import Any

#: package -> companions held back while it is imported
HELD: dict[str, tuple[str, ...]] = {
    "pymupdf": ("pymupdf.layout", "pymupdf4llm"),
    "httpx": ("httpx._main",),
    "httpcore": ("trio",),
}


def import_holding(name: str, held: tuple[str, ...]) -> ModuleType:
    """``import name`` with the modules ``held`` unavailable meanwhile (unless already imported)."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    holding = [h for h in held if h not in sys.modules]
    for h in holding:
        sys.modules[h] = None  # type: ignore[assignment]  # ``import h`` raises ImportError
    try:
        return import_module(name)
    finally:
        for h in holding:
            if h in sys.modules and sys.modules[h] is None:
                del sys.modules[h]


def lean_httpx() -> ModuleType:
    """httpx without its CLI, with httpcore (which the first client needs) without trio."""
    module = import_holding("httpx", HELD["httpx"])
    import_holding("httpcore", HELD["httpcore"])
    return module


def __getattr__(name: str) -> Any:
    """``from arxiv_translator.lean import httpx`` imports it on first use."""
    if name == "httpx":
        return lean_httpx()
    if name == "pymupdf":
        return import_holding("pymupdf", HELD["pymupdf"])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
