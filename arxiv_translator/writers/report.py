"""``segments.jsonl`` (the parallel corpus) and ``report.json`` (what happened)."""

from __future__ import annotations

import json
from pathlib import Path

from ..document import Document
from ..jobs.report import CompileInfo, Report
from ..translator import Usage


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


def build_report(*, doc: Document, tool: dict, signature: dict, source: dict, target: str, engine: dict,
                 usage: Usage, seconds: dict, compile_info: dict | None, outputs: dict[str, list[str]],
                 warnings: list[str], real: bool, output_info: dict | None = None, audit: dict | None = None) -> dict:
    """The ``report.json`` dictionary (``audit``: the coverage audit of the outputs, see audit.py)."""
    failed = [{"id": s.id, "reason": s.reason} for s in doc.segments() if s.status.value == "failed"]
    return {
        "tool": tool,
        "signature": signature,
        "source": source,
        "target": target,
        "engine": engine,
        "real_translation": real,
        "segments": {"total": sum(1 for _ in doc.segments()), **doc.status_counts()},
        "protected": doc.protected_counts(),
        "requests": usage.requests,
        "retries": usage.retries,
        "tokens": {"prompt": usage.prompt_tokens, "completion": usage.completion_tokens},
        "characters": {"source": usage.source_chars, "prompt": usage.prompt_chars, "billed": usage.billed_chars},
        "cost_usd": round(usage.cost_usd, 6),
        "seconds": seconds,
        "compile": compile_info or dict(NO_COMPILE),
        "outputs": outputs,
        "output_info": output_info or {},
        "fallbacks": {"failed": dict(usage.fallbacks), "resent": dict(usage.resent), "notes": dict(usage.notes)},
        "failed": failed,
        "glossary_violations": {"count": len(usage.glossary_violations), "examples": usage.glossary_violations[:20]},
        "style": usage.style.as_dict(),
        "audit": audit or {},
        "warnings": warnings,
    }


def write_report(report: dict | Report, path: Path) -> None:
    """Write ``report.json`` (UTF-8, indented)."""
    data = report.model_dump(mode="json") if isinstance(report, Report) else report
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
