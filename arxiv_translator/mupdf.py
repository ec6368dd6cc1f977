"""PyMuPDF without its layout model: ``from ..mupdf import pymupdf``.

``import pymupdf`` (PyMuPDF 2.x) also imports ``pymupdf.layout`` when it is installed, which sets up
an ONNX layout-analysis model (about 0.4 s of CPU on one core) even for a program that only
rasterises a figure.  This module imports PyMuPDF with that sub-package held back (:data:`HELD`,
see :mod:`arxiv_translator.lean`).  The only code that uses the model,
:func:`arxiv_translator.readers.pdf_model.page_regions`, imports ``pymupdf.layout`` itself, which
then activates the model as PyMuPDF would have.  ``pymupdf4llm`` is still imported with PyMuPDF:
its import changes how PyMuPDF extracts text, and the PDF reader and writer rely on that.

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
