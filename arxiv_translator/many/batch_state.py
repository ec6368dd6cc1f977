"""``batch.json``: the status table of a batch, written atomically after every change.

One entry per paper: ``source`` (as listed), ``folder`` (its output folder, relative to the
batch folder), ``status`` (pending, running, done, failed, skipped), ``source_kind``,
``segments``, ``requests``, ``cost_usd``, ``seconds``, ``error`` and ``runs`` (how many times a
worker started on it).  A paper counts as finished when its folder holds a finished translate
output (``report.json`` + ``segments.jsonl``): after a kill, that is what is trusted.

With ``--out URL`` (:mod:`.store`) the table and the paper folders live at the URL, and ``root`` is
the driver's local work folder.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from arxiv_translator.errors import InputError, OutputError
from arxiv_translator.many.outputs import is_output, load_output
from arxiv_translator.many.store import Remote

STATE = "batch.json"
FINAL = ("done", "failed", "skipped")


@dataclass
class Entry:
    """One paper of the batch."""

    source: str
    folder: str
    status: str = "pending"
    source_kind: str = ""
    segments: int = 0
    requests: int = 0
    cost_usd: float = 0.0
    seconds: float = 0.0
    error: str = ""
    runs: int = 0

    def fill_from_report(self, report: dict) -> None:
        """Status done, figures from a translate report."""
        self.status, self.error = "done", ""
        self.source_kind = str(report.get("source", {}).get("kind", ""))
        self.segments = int(report.get("segments", {}).get("total", 0))
        self.requests = int(report.get("requests", 0))
        self.cost_usd = float(report.get("cost_usd", 0.0))
        self.seconds = float(report.get("seconds", {}).get("total", 0.0))


@dataclass
class BatchState:
    """The table, plus when the batch started and the problems of its id list."""

    root: Path
    entries: list[Entry] = field(default_factory=list)
    skipped_lines: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    remote: Remote | None = None  # --out URL: the table and the papers are there

    @property
    def path(self) -> Path:
        return self.root / STATE

    @property
    def where(self) -> str:
        """Where ``batch.json`` is: a path or a URL."""
        return self.remote.uri(STATE) if self.remote is not None else str(self.path)

    @classmethod
    def load(cls, root: Path, remote: Remote | None = None) -> BatchState:
        """The state in ``root/batch.json`` (or at ``remote``), or an empty one."""
        state = cls(Path(root), remote=remote)
        text = remote.read_text(STATE) if remote is not None else _read(state.path)
        if text is None:
            return state
        try:
            data = json.loads(text)
            state.entries = [Entry(**e) for e in data["papers"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{state.where}: not a batch status file ({exc}); use another --out") from None
        for entry in state.entries:  # folders are removed and rewritten: plain names inside the batch only
            if not entry.folder or entry.folder != Path(entry.folder).name or entry.folder in (".", ".."):
                raise InputError(f"{state.where}: paper folder {entry.folder!r} is not a plain name")
        return state

    def merge(self, wanted: list[tuple[str, str]]) -> None:
        """Add the (source, folder) pairs not in the table yet, keeping the order given."""
        known = {e.folder for e in self.entries}
        self.entries += [Entry(source, folder) for source, folder in wanted if folder not in known]

    def reconcile(self) -> None:
        """After a restart: trust finished outputs on disk; everything else not final runs again."""
        for entry in self.entries:
            if self.remote is not None:
                if self.remote.is_output(entry.folder):
                    if entry.status != "done":
                        entry.fill_from_report(self.remote.report(entry.folder))
                else:
                    entry.status = "pending"
                continue
            folder = self.root / entry.folder
            if is_output(folder):
                if entry.status != "done":
                    entry.fill_from_report(load_output(folder).report)
            else:
                entry.status = "pending"

    def counts(self) -> dict[str, int]:
        """How many entries are in each status."""
        out = {s: 0 for s in ("pending", "running", "done", "failed", "skipped")}
        for e in self.entries:
            out[e.status] = out.get(e.status, 0) + 1
        return out

    def cost(self) -> float:
        """USD spent by the finished papers of this batch (all runs)."""
        return round(sum(e.cost_usd for e in self.entries), 6)

    def save(self) -> None:
        """Write ``batch.json`` atomically."""
        data = {"summary": {**self.counts(), "papers": len(self.entries), "cost_usd": self.cost(),
                            "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
                "skipped_lines": self.skipped_lines, "papers": [asdict(e) for e in self.entries]}
        if self.remote is not None:
            self.remote.write_text(STATE, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            return
        tmp = self.path.with_name(f".{STATE}.{os.getpid()}.part")
        try:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write the batch status ({exc.strerror or exc})") from None


def _read(path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the batch status ({exc.strerror or exc})") from None
