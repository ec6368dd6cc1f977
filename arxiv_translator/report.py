"""``report.json`` and ``segments.jsonl`` as pydantic models: what the CLI, the web service and
the corpus tools read, and what ``arxiv-translator schema report|segments|job`` prints.

``SCHEMA_VERSION`` goes up when a field changes meaning or disappears (adding one does not).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from arxiv_translator.document import Document
from arxiv_translator.translation.translator import Usage

SCHEMA_VERSION = 1


class CompileInfo(BaseModel):
    """What the compile stage found: the original's and the translation's builds (one model for all writers)."""

    model_config = ConfigDict(extra="allow")

    original_ok: bool | None = None
    ok: bool | None = None
    reverted: list[str] = Field(default_factory=list)
    engine: str = ""
    original_message: str = ""
    message: str = ""
    seconds: float = 0.0
    probes: int = 0
    engines_tried: list[str] = Field(default_factory=list)
    pages: dict[str, int | None] = Field(default_factory=dict)
    sandbox: str = ""
    budget_s: float | None = None
    refused_files: list[str] = Field(default_factory=list)


class SegmentCounts(BaseModel):
    """Segments by final status."""

    total: int = 0
    translated: int = 0
    cached: int = 0
    kept: int = 0
    failed: int = 0


class Tokens(BaseModel):
    """Tokens the engine counted."""

    prompt: int = 0
    completion: int = 0


class Characters(BaseModel):
    """Characters sent and billed."""

    source: int = 0
    prompt: int = 0
    billed: int = 0


class Fallbacks(BaseModel):
    """Final failures, re-sent segments and engine notes, by reason."""

    failed: dict[str, int] = Field(default_factory=dict)
    resent: dict[str, int] = Field(default_factory=dict)
    notes: dict[str, int] = Field(default_factory=dict)


class GlossaryViolations(BaseModel):
    """Glossary terms the answers did not follow."""

    count: int = 0
    examples: list[str] = Field(default_factory=list)


class FailedSegment(BaseModel):
    """A segment kept in the source language after engine failures."""

    id: str
    reason: str | None = None


class Report(BaseModel):
    """``report.json``: what a translation job did, cost and produced."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    tool: dict[str, str]
    signature: dict[str, str]
    source: dict[str, Any]
    target: str
    engine: dict[str, Any]
    real_translation: bool
    segments: SegmentCounts
    protected: dict[str, int] = Field(default_factory=dict)
    requests: int = 0
    retries: int = 0
    tokens: Tokens = Field(default_factory=Tokens)
    characters: Characters = Field(default_factory=Characters)
    cost_usd: float = 0.0
    seconds: dict[str, Any] = Field(default_factory=dict)
    compile: CompileInfo = Field(default_factory=CompileInfo)
    outputs: dict[str, list[str]] = Field(default_factory=dict)
    output_info: dict[str, Any] = Field(default_factory=dict)
    fallbacks: Fallbacks = Field(default_factory=Fallbacks)
    failed: list[FailedSegment] = Field(default_factory=list)
    glossary_violations: GlossaryViolations = Field(default_factory=GlossaryViolations)
    style: dict[str, Any] = Field(default_factory=dict)
    audit: dict[str, Any] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    job: dict[str, Any] = Field(default_factory=dict)  # runs, resumed segments: how the job went

    def __getitem__(self, key: str) -> Any:
        """``report["segments"]``: the plain-data view, for code written against the old dictionary."""
        return self.model_dump(mode="json")[key]


class SegmentLine(BaseModel):
    """One line of ``segments.jsonl``: a segment, its translation (the source when kept or failed), its status."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str
    source: str
    translation: str
    status: str
    reason: str | None = None


def make_report(*, doc: Document, tool: dict, signature: dict, source: dict, target: str, engine: dict,
                usage: Usage, seconds: dict, compile_info: dict | None, outputs: dict[str, list[str]],
                warnings: list[str], real: bool, output_info: dict | None = None, audit: dict | None = None,
                job: dict | None = None) -> Report:
    """The :class:`Report` of a finished job (``audit``: the coverage audit of the outputs, see audit.py)."""
    return Report(
        tool=tool, signature=signature, source=source, target=target, engine=engine, real_translation=real,
        segments=SegmentCounts(total=sum(1 for _ in doc.segments()), **doc.status_counts()),
        protected=doc.protected_counts(), requests=usage.requests, retries=usage.retries,
        tokens=Tokens(prompt=usage.prompt_tokens, completion=usage.completion_tokens),
        characters=Characters(source=usage.source_chars, prompt=usage.prompt_chars, billed=usage.billed_chars),
        cost_usd=round(usage.cost_usd, 6), seconds=seconds, compile=CompileInfo.model_validate(compile_info or {}),
        outputs=outputs, output_info=output_info or {},
        fallbacks=Fallbacks(failed=dict(usage.fallbacks), resent=dict(usage.resent), notes=dict(usage.notes)),
        failed=[FailedSegment(id=s.id, reason=s.reason) for s in doc.segments() if s.status.value == "failed"],
        glossary_violations=GlossaryViolations(count=len(usage.glossary_violations),
                                               examples=usage.glossary_violations[:20]),
        style=usage.style.as_dict(), audit=audit or {}, warnings=warnings, job=job or {})


def add_usage(total: Usage, more: Usage) -> Usage:
    """``total`` plus ``more`` (a resumed job's runs add up); cost is summed as each run priced it."""
    out = total.model_copy(deep=True)
    for name in ("requests", "retries", "prompt_tokens", "completion_tokens", "prompt_chars", "billed_chars",
                 "source_chars", "engine_seconds", "cost_usd"):
        setattr(out, name, getattr(out, name) + getattr(more, name))
    out.fallbacks.update(more.fallbacks)
    out.resent.update(more.resent)
    out.notes.update(more.notes)
    out.glossary_violations = list(more.glossary_violations)  # checked over the whole document each run
    out.style.merge(more.style)
    return out
