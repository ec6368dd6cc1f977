"""The job as data: :class:`JobState` is everything a translation job knows, and nothing it merely holds.

A state is plain pydantic (no callbacks, no open files, no engine objects), so it is
saved after every stage and as answers arrive (:mod:`.store`), loaded in another
process, and resumed there (:mod:`arxiv_translator.pipeline`).

    source, settings, signature    what was asked, and everything that changes a translation
    stage                          the last stage that finished (STAGE_ORDER)
    prepared                       where the chosen source lies on disk and why it was chosen
    document                       the Document after reading and masking (saved beside the state)
    checks                         what the writers found in the untouched input
    results                        segment id -> final outcome, saved as answers arrive
    usage, seconds                 what every run of this job cost, summed
    warnings, errors, runs         what went wrong, and how many times the job was started
"""

from __future__ import annotations

import time
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from arxiv_translator.document import Attempt, Document, Status
from arxiv_translator.translation.translator import Usage

STATE_VERSION = 1


class Stage(str, Enum):
    """The stages in pipeline order; a state's ``stage`` is the last one that finished."""

    NEW = "new"
    PREPARE = "prepare"
    READ = "read"
    PROTECT = "protect"
    PRECHECK = "precheck"
    TRANSLATE = "translate"
    WRITE = "write"
    REPORT = "report"


STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)


def reached(state_stage: Stage, stage: Stage) -> bool:
    """True when ``stage`` has finished according to a state at ``state_stage``."""
    return STAGE_ORDER.index(state_stage) >= STAGE_ORDER.index(stage)


class SourceSpec(BaseModel):
    """What the user named: a path (stored resolved) or an arXiv id / URL, and how to choose its form."""

    model_config = ConfigDict(extra="forbid")

    given: str  # as typed
    identity: str  # the resolved path, or "arxiv:<id as typed>"
    choice: str = "auto"  # --source
    main: str | None = None  # --main


class PreparedInfo(BaseModel):
    """The chosen source on disk (:class:`~arxiv_translator.sources.inputs.PreparedSource` as data)."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    root: str
    main: str | None = None
    origin: str = ""
    info: dict[str, str] = Field(default_factory=dict)


class SegmentResult(BaseModel):
    """A segment's final outcome, enough to restore it into a re-read Document."""

    model_config = ConfigDict(extra="forbid")

    masked: str  # the masked source it answers (a changed source is not restored)
    status: Status
    target_masked: str | None = None
    translation: str | None = None
    reason: str | None = None
    attempts: list[Attempt] = Field(default_factory=list)


class JobError(BaseModel):
    """One failed run: where and why."""

    model_config = ConfigDict(extra="forbid")

    stage: str
    message: str
    at: float = Field(default_factory=time.time)


class JobState(BaseModel):
    """Everything a translation job knows (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    version: int = STATE_VERSION
    tool: str = ""
    source: SourceSpec
    out: str
    settings: dict[str, Any] = Field(default_factory=dict)  # Settings, secrets left out
    outputs: list[str] | None = None  # --outputs; None: all the source allows
    signature: dict[str, str] = Field(default_factory=dict)
    stage: Stage = Stage.NEW
    finished: bool = False
    prepared: PreparedInfo | None = None
    document: Document | None = Field(default=None, exclude=True)  # stored in its own file (store.py)
    checks: dict[str, Any] = Field(default_factory=dict)
    results: dict[str, SegmentResult] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage)
    seconds: dict[str, float] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    errors: list[JobError] = Field(default_factory=list)
    runs: int = 0
    created: float = Field(default_factory=time.time)
    updated: float = Field(default_factory=time.time)

    def add_seconds(self, stage: str, value: float) -> None:
        """Add ``value`` seconds to ``stage``'s time (stages of resumed runs add up)."""
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + value, 3)

    def progress(self) -> dict[str, int]:
        """Segments with a final outcome, and all segments (0 before reading)."""
        total = sum(1 for _ in self.document.segments()) if self.document is not None else 0
        return {"done": len(self.results), "total": total}


def collect_results(doc: Document, into: dict[str, SegmentResult]) -> int:
    """Record every settled segment of ``doc`` whose outcome ``into`` does not hold yet; returns how many."""
    added = 0
    for seg in doc.segments():
        old = into.get(seg.id)
        if seg.status is Status.PENDING or (old is not None and old.status is seg.status
                                            and old.masked == (seg.masked or "")
                                            and old.target_masked == seg.target_masked):
            continue
        into[seg.id] = SegmentResult(masked=seg.masked or "", status=seg.status, target_masked=seg.target_masked,
                                     translation=seg.translation, reason=seg.reason, attempts=list(seg.attempts))
        added += 1
    return added


def restore_results(doc: Document, results: dict[str, SegmentResult]) -> int:
    """Put saved outcomes back into a Document's pending segments (same id and masked text); returns the count."""
    restored = 0
    for seg in doc.segments():
        saved = results.get(seg.id)
        if saved is None or seg.status is not Status.PENDING or saved.masked != (seg.masked or ""):
            continue
        seg.status, seg.target_masked, seg.translation = saved.status, saved.target_masked, saved.translation
        seg.reason, seg.attempts = saved.reason, list(saved.attempts)
        restored += 1
    return restored
