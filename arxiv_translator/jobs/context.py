"""What a running job holds but does not save: settings objects, the engine, services, open folders.

:class:`Services` are the things several jobs (workers) may share: the arXiv client's
configuration, its politeness throttle (one object: the jobs given the same one share its
spacing; a :mod:`~arxiv_translator.many.throttle` file throttle shares it between processes)
and the translation memory.  The pipeline receives them; it never builds them from the
environment itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arxiv_translator.sources.arxiv_client import ArxivConfig
from arxiv_translator.sources.arxiv_throttle import Throttle
from arxiv_translator.translation.memory import TranslationCache
from arxiv_translator.config import Settings
from arxiv_translator.engines import Engine
from arxiv_translator.events import Listener
from arxiv_translator.glossary import Glossary
from arxiv_translator.sources.inputs import PreparedSource
from arxiv_translator.writers import WriteJob, WriteResult, Writer
from arxiv_translator.jobs.store import JobStore

SAVE_EVERY_SECONDS = 1.0  # while translating: the state is saved at most this often...
SAVE_EVERY_ANSWERS = 20  # ...or after this many new answers, whichever comes first


@dataclass
class Services:
    """Shared services, injected: the arXiv client's configuration and politeness throttle, and (optionally)
    an open translation memory.

    ``throttle`` None: the process-wide :data:`~arxiv_translator.sources.arxiv_client.THROTTLE`.
    ``memory`` None: each job opens the memory named by its settings and closes it at the end.
    """

    arxiv: ArxivConfig | None = None
    memory: TranslationCache | None = None
    throttle: Throttle | None = None

    @classmethod
    def from_settings(cls, settings: Settings, throttle: Throttle | None = None) -> Services:
        """The default services for ``settings`` (under ``throttle`` when given)."""
        return cls(arxiv=ArxivConfig.from_settings(settings), throttle=throttle)


@dataclass
class Context:
    """One run of one job (see the module docstring); the pipeline's stages share it."""

    settings: Settings
    engine: Engine
    glossary: Glossary
    emit: Listener
    out: Path
    work: Path
    services: Services
    store: JobStore | None = None  # None while estimating: nothing is saved
    estimate: bool = False
    started: float = field(default_factory=time.monotonic)
    prepared: PreparedSource | None = None
    writers: list[Writer] | None = None
    wjob: WriteJob | None = None
    written: dict[str, WriteResult] = field(default_factory=dict)
    restored: int = 0  # segments whose answers came from the saved state
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def logs(self) -> Path:
        """``out/logs``."""
        return self.out / "logs"
