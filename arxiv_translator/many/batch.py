"""``batch``: many papers on one machine, one worker process per paper, resumable.

Why processes, coordinated by this parent: reading and writing papers is CPU work (pylatexenc,
PyMuPDF) that threads would serialise; a crash in one paper's process cannot take the batch
down (the worker is replaced); and workers are killed with their parent (``PR_SET_PDEATHSIG``),
so a SIGKILLed batch leaves nothing running.  Workers are long-lived (:class:`ProcessPool`): a
fresh Python per paper would pay the imports (seconds on a busy machine) every time.  What the workers share goes through files:

* the **translation memory** is the usual SQLite file (WAL; every answer committed as it
  arrives), so an unfinished paper resumes there and papers share each other's answers;
* the **arXiv politeness budget** is :class:`~.throttle.FileThrottle` (``.batch/arxiv.lock``):
  one request at a time across all workers, ``interval`` seconds apart, even across a restart;
* the **state** is ``batch.json`` (:mod:`.batch_state`), written by the parent only.

Resuming (running the same command again): finished papers (their folder holds ``report.json``)
are skipped; every other paper -- running when killed, failed, pending -- starts again in a
clean folder, and the translation memory gives back what it had already translated.

``--budget USD``: before a paper starts, the money left is the budget minus what the batch has
spent and what running papers have reserved; the worker estimates its paper (no engine call)
and translates only when the estimate fits, reserving it.  A paper starts only when every
running paper has its reservation, so the reservations never overlap.

``--out URL`` (``s3://``, ``file://``... any fsspec URL; :mod:`.store`): the same, with the paper
folders and ``batch.json`` at the URL; each paper is translated in a local scratch folder and
uploaded when it is finished.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from arxiv_translator.sources.arxiv_ids import looks_like_arxiv, parse_arxiv_id
from arxiv_translator.errors import ConfigError, InputError
from arxiv_translator.many.batch_state import BatchState, Entry
from arxiv_translator.many.batch_worker import die_with_parent
from arxiv_translator.many.store import Remote, is_url, local_work, read_marker

LIST_SUFFIXES = ("", ".txt", ".lst", ".ids")
WORK = ".batch"
POLL = 0.1


@dataclass
class BatchOptions:
    """How to run a batch."""

    out: Path | str  # a folder, or an fsspec URL (s3://...): see .store
    workers: int = 2
    budget: float | None = None
    ray: str | None = None  # a Ray address ("auto", "host:port", "ray://..."): papers become Ray tasks
    settings: dict = field(default_factory=dict)  # overrides for load_settings, as the CLI gives them
    config: Path | None = None


def read_sources(items: list[str]) -> tuple[list[str], list[str]]:
    """(sources, problems): arXiv ids/URLs and existing paths, from arguments and id-list files.

    An argument naming an existing ``.txt``/``.lst``/``.ids`` file (or one with no suffix that is
    not a paper) is a list: one source per line, ``#`` comments and blank lines ignored, paths
    relative to the list.  Lines that are neither an arXiv id nor an existing path are problems.
    """
    sources, problems = [], []
    for item in items:
        path = Path(item)
        if path.is_file() and path.suffix.lower() in LIST_SUFFIXES and not looks_like_arxiv(item):
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"{path}: cannot read the id list ({exc})") from None
            for number, line in enumerate(lines, 1):
                text = line.split("#", 1)[0].strip()
                if text:
                    _one(text, path.parent, f"{path}:{number}", sources, problems)
        else:
            _one(item, Path.cwd(), item, sources, problems)
    return list(dict.fromkeys(sources)), problems


def _one(text: str, base: Path, where: str, sources: list[str], problems: list[str]) -> None:
    local = base / text
    if local.exists():
        sources.append(str(local))
        return
    try:
        sources.append(parse_arxiv_id(text).versioned)
    except InputError as exc:
        problems.append(f"{where}: skipped, not an arXiv id or an existing path: {text[:80]!r} ({exc})")


def folder_name(source: str, taken: set[str]) -> str:
    """``<arXiv id>.ko`` or ``<file stem>.ko``, made unique within the batch."""
    try:
        name = parse_arxiv_id(source).folder_name
    except InputError:
        name = Path(source).name
        for suffix in (".tar.gz", ".tgz", ".tar", ".gz", ".zip", ".tex", ".mmd", ".md", ".html", ".htm", ".pdf"):
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)]
                break
        if name in ("paper", "main", ""):
            name = f"{Path(source).parent.name}-{name}".strip("-")
    candidate, n = f"{name}.ko", 2
    while candidate in taken:
        candidate, n = f"{name}-{n}.ko", n + 1
    taken.add(candidate)
    return candidate


class Worker(Protocol):
    """A running paper: ``poll()`` is None until it ended; ``kill()`` stops it."""

    returncode: int | None

    def poll(self) -> int | None: ...

    def kill(self) -> None: ...


#: Starts the work on a spec (written at ``spec_path``), which writes ``spec["result"]`` when done;
#: a launcher may have a ``close()``, called when the batch ends.
Launcher = Callable[[Path, dict], Worker]


class ProcessPool:
    """Long-lived local worker processes (a launcher): one paper at a time each, imports paid once.

    Workers are killed with the batch (``PR_SET_PDEATHSIG``); a worker that dies is replaced at the
    next paper.
    """

    def __init__(self, work: Path) -> None:
        self.work = work
        self.idle: list[subprocess.Popen] = []
        self.all: list[subprocess.Popen] = []

    def __call__(self, spec_path: Path, spec: dict) -> Worker:
        proc = self._idle() or self._spawn()
        assert proc.stdin is not None
        proc.stdin.write(f"{spec_path}\n")
        proc.stdin.flush()
        return _PoolWorker(self, proc, Path(spec["result"]))

    def _idle(self) -> subprocess.Popen | None:
        while self.idle:
            proc = self.idle.pop()
            if proc.poll() is None:
                return proc
        return None

    def _spawn(self) -> subprocess.Popen:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]),
                                                                            os.environ.get("PYTHONPATH")]))}
        with open(self.work / "workers.stderr", "a", encoding="utf-8") as err:
            proc = subprocess.Popen([sys.executable, "-m", "arxiv_translator.many.batch_worker", str(os.getpid()),
                                     str(self.work)],
                                    env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err, text=True,
                                    preexec_fn=die_with_parent if sys.platform == "linux" else None)
        self.all.append(proc)
        return proc

    def close(self) -> None:
        """End every worker (stdin closed: they finish their loop)."""
        for proc in self.all:
            if proc.poll() is None and proc.stdin is not None:
                proc.stdin.close()
        for proc in self.all:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


class _PoolWorker:
    """One paper on a pool process: done when its result file appears (or the process died)."""

    def __init__(self, pool: ProcessPool, proc: subprocess.Popen, result: Path) -> None:
        self.pool, self.proc, self.result, self.returncode = pool, proc, result, None

    def poll(self) -> int | None:
        if self.returncode is None:
            if self.result.is_file():
                self.returncode = 0
                self.pool.idle.append(self.proc)
            elif (code := self.proc.poll()) is not None:
                self.returncode = code or 1
        return self.returncode

    def kill(self) -> None:
        self.proc.kill()


@dataclass
class _Running:
    entry: Entry
    proc: Worker
    started: float
    reservation: str  # a path or a URL
    result: Path


class Batch:
    """Schedules the papers of ``state`` over worker processes (see the module docstring)."""

    def __init__(self, state: BatchState, options: BatchOptions, show: Callable[[str], None],
                 launch: Launcher | None = None) -> None:
        self.state, self.options, self.show = state, options, show
        self.work = state.root / WORK
        self.work.mkdir(parents=True, exist_ok=True)
        self.launch = launch or ProcessPool(self.work)
        self.running: list[_Running] = []
        self.finished_seconds: list[float] = []
        self.started = time.monotonic()
        self.budget_stop = False

    def run(self) -> BatchState:
        """Run every pending paper; returns the final state."""
        queue = [e for e in self.state.entries if e.status == "pending"]
        self.state.save()
        try:
            while queue or self.running:
                while queue and len(self.running) < self.options.workers and self._may_start():
                    allowance = self._allowance()
                    if allowance is not None and allowance <= 0:
                        self.budget_stop = True
                        break
                    self._start(queue.pop(0), allowance)
                if self.budget_stop and queue:
                    for entry in queue:
                        entry.status, entry.error = "skipped", "budget: no money left for this paper"
                    queue = []
                    self.state.save()
                if not self._reap():
                    time.sleep(POLL)
        except KeyboardInterrupt:
            for r in self.running:
                r.proc.kill()
                r.entry.status = "pending"
            self.state.save()
            raise
        finally:
            close = getattr(self.launch, "close", None)
            if close is not None:
                close()
        return self.state

    def _may_start(self) -> bool:
        """Under a budget, only when every running paper has reserved its estimate."""
        return self.options.budget is None or all(read_marker(r.reservation) is not None for r in self.running)

    def _allowance(self) -> float | None:
        if self.options.budget is None:
            return None
        reserved = sum((read_marker(r.reservation) or {}).get("cost_usd", 0.0) for r in self.running)
        return round(self.options.budget - self.state.cost() - reserved, 6)

    def _start(self, entry: Entry, allowance: float | None) -> None:
        folder, remote = self.state.root / entry.folder, self.state.remote
        stem = self.work / entry.folder
        for suffix in (".result.json", ".reservation.json"):
            Path(f"{stem}{suffix}").unlink(missing_ok=True)
        reservation, upload = f"{stem}.reservation.json", None
        if remote is not None:  # the paper folder and the reservation live at the URL
            remote.remove(entry.folder)
            remote.remove(f"{WORK}/{entry.folder}.reservation.json")
            reservation = remote.uri(WORK, f"{entry.folder}.reservation.json")
            upload = {"url": remote.url, "folder": entry.folder}
        else:
            shutil.rmtree(folder, ignore_errors=True)  # an unfinished output of a killed run
        spec = {"source": entry.source, "out": str(folder), "throttle": str(self.work / "arxiv.lock"),
                "settings": self.options.settings, "config": str(self.options.config) if self.options.config else None,
                "allowance": allowance, "reservation": reservation, "result": f"{stem}.result.json",
                "log": f"{stem}.log", "upload": upload}
        spec_path = Path(f"{stem}.spec.json")
        spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        proc = self.launch(spec_path, spec)
        entry.status, entry.runs, entry.error = "running", entry.runs + 1, ""
        self.running.append(_Running(entry, proc, time.monotonic(), reservation, Path(spec["result"])))
        self.state.save()
        self._summary(f"started {entry.source}")

    def _reap(self) -> bool:
        """Collect finished workers; True when one finished."""
        done = [r for r in self.running if r.proc.poll() is not None]
        for r in done:
            self.running.remove(r)
            self._finish(r)
        return bool(done)

    def _finish(self, r: _Running) -> None:
        entry = r.entry
        try:
            result = json.loads(r.result.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            tail = self.work / "workers.stderr"
            why = tail.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] if tail.is_file() else []
            result = {"status": "failed", "error": f"worker exited with code {r.proc.returncode}"
                                                   + (f": {why[0][:200]}" if why else "")}
        if result["status"] == "done":
            entry.fill_from_report(result["report"])
            self.finished_seconds.append(time.monotonic() - r.started)
        else:
            entry.status, entry.error = result["status"], result.get("error", "")
            if entry.error.startswith("budget"):
                self.budget_stop = True
        self.state.save()
        self._summary(f"{entry.status} {entry.source}" + (f": {entry.error}" if entry.error else ""))

    def _summary(self, what: str) -> None:
        c = self.state.counts()
        left = c["pending"] + c["running"]
        eta = ""
        if self.finished_seconds and left:
            per = sum(self.finished_seconds) / len(self.finished_seconds)
            eta = f" · ETA {per * left / max(1, self.options.workers):.0f} s"
        self.show(f"batch: {c['done']}/{len(self.state.entries)} done · {c['failed']} failed · {c['running']} running"
                  f" · ${self.state.cost():.4f} · {time.monotonic() - self.started:.1f} s{eta} · {what}")


def run_batch(items: list[str], options: BatchOptions, show: Callable[[str], None]) -> BatchState:
    """Read the sources, merge them into ``out/batch.json`` and run what is not finished."""
    if options.workers < 1:
        raise ConfigError(f"--workers {options.workers}: needs at least 1")
    sources, problems = read_sources(items)
    for problem in problems:
        show(problem)
    if not sources:
        raise InputError("batch: no paper to translate (" + (problems[0] if problems else "no sources given") + ")")
    remote = Remote(options.out) if isinstance(options.out, str) and is_url(options.out) else None
    root = local_work(remote.url) if remote is not None else Path(options.out)
    if root.exists() and not root.is_dir():
        raise InputError(f"{root}: not a folder")
    launch: Launcher | None = None
    if options.ray:  # connect first: an unreachable cluster is an error before anything starts
        from arxiv_translator.config import load_settings
        from arxiv_translator.many.batch_ray import ray_launcher

        launch = ray_launcher(options.ray, load_settings(options.config, **options.settings).cache_path(), show)
    root.mkdir(parents=True, exist_ok=True)
    state = BatchState.load(root, remote)
    taken = {e.folder for e in state.entries}
    by_source = {e.source: e.folder for e in state.entries}
    state.merge([(s, by_source.get(s) or folder_name(s, taken)) for s in sources])
    state.skipped_lines = problems
    state.reconcile()
    finished = sum(1 for e in state.entries if e.status == "done")
    if finished:
        show(f"batch: {finished} paper(s) already finished, skipped")
    return Batch(state, options, show, launch).run()
