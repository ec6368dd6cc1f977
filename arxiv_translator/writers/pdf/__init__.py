"""The PDF writer for PDF sources: Korean text typeset over the original pages."""
