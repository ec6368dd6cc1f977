"""PyMuPDF without its layout model: ``from ..mupdf import pymupdf``.

``import pymupdf`` (PyMuPDF 2.x) also imports ``pymupdf.layout`` and ``pymupdf4llm`` when they are
installed, which load numpy, onnxruntime and an ONNX layout-analysis model (about 0.3 s of imports
and 0.4 s of model set-up on one core) even for a program that only rasterises a figure.  This
module imports PyMuPDF with those held back (:data:`HELD`).  The only code that uses the model,
:func:`arxiv_translator.readers.pdf_model.page_regions`, imports ``pymupdf.layout`` itself, which
then activates the model as PyMuPDF would have.  Nothing here uses ``pymupdf4llm``; in a process
that imported PyMuPDF through this module, ``pymupdf.to_markdown`` and its siblings say they are
not available (import ``pymupdf`` yourself first to keep them).

Modules of this package import PyMuPDF through here (never ``import pymupdf`` at the top), and only
modules that need it import this one, so a LaTeX or HTML run without figures to rasterise never
loads PyMuPDF at all.
"""

from __future__ import annotations

import sys
from types import ModuleType

LAYOUT = "pymupdf.layout"
#: optional packages ``import pymupdf`` pulls in that this package does not need at import
HELD = (LAYOUT, "pymupdf4llm")


def _load() -> ModuleType:
    """``pymupdf``, imported with :data:`HELD` held back when nobody has imported it yet."""
    loaded = sys.modules.get("pymupdf")
    if loaded is not None:
        return loaded
    held = [name for name in HELD if name not in sys.modules]
    for name in held:
        sys.modules[name] = None  # type: ignore[assignment]  # ``import name`` raises ImportError, caught
    try:
        import pymupdf as module
    finally:
        for name in held:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]  # a later ``import pymupdf.layout`` loads it normally
    return module


pymupdf = _load()

__all__ = ["pymupdf", "LAYOUT", "HELD"]
