"""Assertions shared by the hostile-input tests."""

from __future__ import annotations

import subprocess
from pathlib import Path


def assert_one_line_error(proc: subprocess.CompletedProcess) -> None:
    """A non-zero exit with one ``error:`` line and no traceback."""
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("arxiv-translator: error: "), proc.stderr


def all_output_text(out: Path) -> bytes:
    """Every byte a user could read in ``out``: files as they are, plus every PDF stream decompressed."""
    import pymupdf

    chunks = []
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        chunks.append(path.read_bytes())
        if path.suffix == ".pdf":
            with pymupdf.open(path) as pdf:
                for xref in range(1, pdf.xref_length()):
                    try:
                        chunks.append(pdf.xref_object(xref).encode("utf-8", "replace"))
                        if pdf.xref_is_stream(xref):
                            chunks.append(pdf.xref_stream(xref) or b"")
                    except Exception:  # noqa: BLE001 - a broken object is not a leak
                        continue
    return b"\n".join(chunks)
