"""PyMuPDF without its layout model: ``from ..mupdf import pymupdf``.

``import pymupdf`` (PyMuPDF 2.x) also imports ``pymupdf.layout`` and ``pymupdf4llm`` when they are
installed, which load numpy, onnxruntime and an ONNX layout-analysis model (about 0.7 s of CPU on
one core) even for a program that only rasterises a figure.  This module imports PyMuPDF with those
held back (:data:`HELD`, see :mod:`arxiv_translator.lean`).  The only code that uses the model,
:func:`arxiv_translator.readers.pdf_model.page_regions`, imports ``pymupdf.layout`` itself, which
then activates the model as PyMuPDF would have.

Importing pymupdf4llm also changes two global PyMuPDF options, and the PDF reader and writer were
built (and their tests recorded) with them: quad corrections off and MuPDF's own error and warning
messages muted.  :func:`_options` sets them here, explicitly, whether or not pymupdf4llm is installed.

Modules of this package import PyMuPDF through here (never ``import pymupdf`` at the top), and only
modules that need it import this one, so a LaTeX or HTML run without figures to rasterise never
loads PyMuPDF at all.
"""

from __future__ import annotations

from arxiv_translator.lean import HELD as _HELD
from arxiv_translator.lean import import_holding

LAYOUT = "pymupdf.layout"
#: optional packages ``import pymupdf`` pulls in that this package does not need at import
HELD = _HELD["pymupdf"]

pymupdf = import_holding("pymupdf", HELD)


def _options() -> None:
    """The PyMuPDF options importing pymupdf4llm sets (text extraction without quad corrections,
    MuPDF's messages muted)."""
    pymupdf.TOOLS.unset_quad_corrections(True)
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)


_options()

__all__ = ["pymupdf", "LAYOUT", "HELD"]
