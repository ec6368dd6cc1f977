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

from .lean import HELD as _HELD
from .lean import import_holding

LAYOUT = "pymupdf.layout"
#: optional packages ``import pymupdf`` pulls in that this package does not need at import
HELD = _HELD["pymupdf"]

pymupdf = import_holding("pymupdf", HELD)

__all__ = ["pymupdf", "LAYOUT", "HELD"]
