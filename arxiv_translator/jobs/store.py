"""Saving and loading a :class:`~.state.JobState` in ``<out>/.job/``, atomically.

    .job/state.json      the state without the Document (rewritten at every stage boundary and as answers
                         arrive: the outcome of every settled segment is in its ``results``)
    .job/document.json   the Document snapshot after reading, written once: what later stages do to it is
                         redone when a job resumes (masking) or put back from ``results`` (the answers)

Each file is written to a temporary name, flushed and fsynced, then renamed over the old one
(``os.replace`` is atomic), so a process killed at any instant leaves either the old or the new
file, never half of one.  A state that does not load (edited by hand, another tool's, a disk
error) is a :class:`~arxiv_translator.errors.OutputError` naming the file and offering
``--restart``; never a traceback.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from pydantic import ValidationError

from arxiv_translator.document import Document
from arxiv_translator.errors import OutputError
from arxiv_translator.jobs.state import JobState

JOB_DIR = ".job"
STATE_FILE = "state.json"
DOCUMENT_FILE = "document.json"


def job_dir(out: Path) -> Path:
    """The state folder of the job whose outputs go to ``out``."""
    return Path(out) / JOB_DIR


def has_job(out: Path) -> bool:
    """True when ``out`` holds a job state (whether or not it loads)."""
    return (job_dir(out) / STATE_FILE).is_file()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a kill at any moment leaves the old file or the new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    try:  # the rename itself survives a crash of the machine only once the folder is synced
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


class JobStore:
    """The ``.job`` folder of one output folder."""

    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.dir = job_dir(self.out)
        self._document_saved: int | None = None
        self._document_json = ""  # what this store last wrote to DOCUMENT_FILE

    def save(self, state: JobState, with_document: bool = False) -> None:
        """Save ``state``; the Document too when asked or when it was never saved by this store (a Document
        whose JSON is what this store wrote last is not written again)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        if state.document is not None and (with_document or self._document_saved != id(state.document)):
            text = state.document.model_dump_json()
            if text != self._document_json or not (self.dir / DOCUMENT_FILE).is_file():
                write_atomic(self.dir / DOCUMENT_FILE, text)
                self._document_json = text
            self._document_saved = id(state.document)
        state.updated = time.time()
        write_atomic(self.dir / STATE_FILE, state.model_dump_json())

    def load(self) -> JobState:
        """The saved state, with its Document; OutputError (offering ``--restart``) when it does not load."""
        path = self.dir / STATE_FILE
        try:
            state = JobState.model_validate_json(path.read_bytes())
            doc_path = self.dir / DOCUMENT_FILE
            if doc_path.is_file():
                state.document = Document.model_validate_json(doc_path.read_bytes())
                if state.document.source_kind == "latex" and state.document.latex is None:
                    from arxiv_translator.readers.latex_labels import latex_info  # a snapshot older than the field

                    state.document.latex = latex_info(state.document)
                self._document_saved = id(state.document)
        except FileNotFoundError:
            raise OutputError(f"{self.out}: holds no job state ({path} is missing)") from None
        except (ValidationError, ValueError, OSError) as exc:
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise OutputError(f"{path}: the job state is corrupt or truncated ({why}); "
                              f"rerun with --restart to discard it and start again") from None
        return state

    def discard(self) -> None:
        """Remove the state (``--restart``)."""
        shutil.rmtree(self.dir, ignore_errors=True)
