"""What every writer gets and gives back.

A writer turns a translated :class:`~arxiv_translator.document.Document` into
one output format.  It may also look at the input before translation
(``precheck``: the LaTeX writer checks that the original compiles, so that no
tokens are spent on a paper that cannot be built).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from arxiv_translator.config import Settings
from arxiv_translator.document import Document
from arxiv_translator.events import Listener, ignore


@dataclass
class WriteJob:
    """Everything a writer may use."""

    doc: Document
    out: Path  # the output folder
    source_root: Path  # the input tree (or the folder of the input file)
    work: Path  # scratch space inside the output folder, removed at the end
    logs: Path  # out/logs
    pseudo: bool  # the engine is not a real translation
    settings: Settings
    emit: Listener = ignore
    checks: dict[str, Any] = field(default_factory=dict)  # what prechecks found
    #: Where the input files the outputs use are (``Document.assets``, e.g. carried into the job's folder
    #: by :func:`arxiv_translator.assets.carry_assets`); ``None``: the input tree itself.
    assets_root: Path | None = None
    #: The job's arXiv politeness throttle (:class:`~arxiv_translator.sources.arxiv_throttle.Throttle`) for
    #: writers that fetch from arXiv; ``None``: the process-wide one.
    arxiv_throttle: Any = None
    #: What writers derive from the document and share, built by the first that needs it (e.g.
    #: :func:`arxiv_translator.writers.latex_xref.latex_xref_for`); writers run after the document is final.
    shared: dict[str, Any] = field(default_factory=dict)

    @property
    def assets(self) -> Path:
        """The folder writers read input files (figures, the LaTeX tree, the PDF) from."""
        return self.assets_root if self.assets_root is not None else self.source_root


@dataclass
class WriteResult:
    """What a writer produced."""

    files: list[str] = field(default_factory=list)  # relative to the output folder
    info: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class Writer(ABC):
    """Base class: implement :meth:`write` (and override :meth:`precheck` when useful)."""

    name: ClassVar[str] = ""

    def precheck(self, job: WriteJob) -> dict[str, Any]:
        """Look at the input before any token is spent; the result lands in ``job.checks``."""
        return {}

    @abstractmethod
    def write(self, job: WriteJob) -> WriteResult:
        """Write this writer's output into ``job.out``."""
