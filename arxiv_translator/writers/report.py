"""``segments.jsonl`` (the parallel corpus) and ``report.json`` (what happened)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from arxiv_translator.document import Document
from arxiv_translator.report import CompileInfo, Report


NO_COMPILE = {"original_ok": None, "ok": None, "reverted": [], "engine": "", "original_message": "", "message": ""}

__all__ = ["CompileInfo", "NO_COMPILE", "write_segments", "build_report", "write_report"]


def write_segments(doc: Document, path: Path) -> int:
    """One JSON object per segment: id, kind, source, translation, status (and reason)."""
    count = 0
    with open(path, "w", encoding="utf-8") as fh:
        for seg in doc.segments():
            row = {"id": seg.id, "kind": seg.kind, "source": seg.source, "translation": seg.output,
                   "status": seg.status.value}
            if seg.reason:
                row["reason"] = seg.reason
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def build_report(**fields: Any) -> dict:
    """The ``report.json`` dictionary: :func:`arxiv_translator.report.make_report` as plain data."""
    from arxiv_translator.report import make_report

    return make_report(**fields).model_dump(mode="json")


def write_report(report: dict | Report, path: Path) -> None:
    """Write ``report.json`` (UTF-8, indented)."""
    data = report.model_dump(mode="json") if isinstance(report, Report) else report
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
