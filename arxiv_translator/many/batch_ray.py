"""``batch --ray ADDRESS``: the same batch with each paper as a Ray task.

The parent still schedules (at most ``--workers`` papers at once, budget reservations) and
writes ``batch.json``; a Ray task runs :func:`.batch_worker.work` for one paper, wherever the
cluster puts it.  Shared across the cluster:

* the arXiv politeness budget: :class:`ArxivThrottle`, one actor that every task asks before each
  request (one request at a time, ``interval`` seconds apart; a slot whose task died is taken
  back after :data:`LEASE` seconds without renewal);
* the driver's ``ARXIV_TRANSLATOR_*``, ``OPENAI_*`` and object-store credential variables
  (``AWS_*``, ``FSSPEC_*``, ``GOOGLE_APPLICATION_CREDENTIALS``, ``AZURE_STORAGE_*``) go with each task;
* the outputs and ``batch.json``: ``--out`` is a folder every node sees (a shared file system;
  on one machine, any folder) or any fsspec URL (``s3://bucket/papers``): each task translates
  in a scratch folder on its node and uploads the finished paper (:mod:`.store`);
* the translation memory: one actor on the driver's node owns the driver's ``--cache`` SQLite
  file; the tasks get and put through it (:mod:`.memory_ray`), so no node needs to see the file.

``ADDRESS`` is what ``ray.init`` takes: ``auto`` (a running local cluster or ``RAY_ADDRESS``),
``host:port``, or ``ray://host:10001``.  A process that already called ``ray.init`` is used as it is.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from arxiv_translator.errors import ConfigError

INSTALL = "pip install 'arxiv-translator[ray]'"


#: a slot not renewed for this many seconds is taken back (its task died holding it: force-cancelled,
#: node lost); a living holder renews it every third of that
LEASE = 30.0


class _ThrottleState:
    """The actor's body: one holder at a time, ``interval`` seconds from one request's end to the next's start."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.holder: int | None = None
        self.expires = 0.0
        self.last = float("-inf")
        self.tokens = 0

    def acquire(self, interval: float, lease: float = LEASE) -> int:
        """Wait for the slot (or for its holder's lease to run out), then for the interval; a token."""
        with self.cond:
            while self.holder is not None and time.monotonic() < self.expires:
                self.cond.wait(timeout=max(0.0, self.expires - time.monotonic()))
            self.tokens += 1
            token, now = self.tokens, time.monotonic()
            wait = max(0.0, self.last + interval - now)
            self.holder, self.expires = token, now + wait + lease
        if wait > 0:
            time.sleep(wait)
        with self.cond:
            if self.holder == token:
                self.last = time.monotonic()  # a holder that dies mid-request still spaces the next one
        return token

    def renew(self, token: int, lease: float = LEASE) -> None:
        """The holder is alive: keep the slot ``lease`` more seconds."""
        with self.cond:
            if self.holder == token:
                self.expires = time.monotonic() + lease

    def release(self, token: int) -> None:
        """The request ended: the next holder waits ``interval`` from now."""
        with self.cond:
            if self.holder == token:
                self.holder, self.last = None, time.monotonic()
                self.cond.notify_all()


class ArxivThrottle:
    """The arXiv client's throttle interface (``slot(interval)``) over the actor."""

    def __init__(self, actor: Any, lease: float = LEASE) -> None:
        self.actor, self.lease = actor, lease

    @contextmanager
    def slot(self, interval: float) -> Iterator[None]:
        """Hold the cluster's arXiv slot (renewed in the background while held)."""
        import ray

        token = ray.get(self.actor.acquire.remote(interval, self.lease))
        stop = threading.Event()

        def renew() -> None:
            while not stop.wait(self.lease / 3):
                self.actor.renew.remote(token, self.lease)
        keeper = threading.Thread(target=renew, name="arxiv-slot-lease", daemon=True)
        keeper.start()
        try:
            yield
        finally:
            stop.set()
            ray.get(self.actor.release.remote(token))


class _RayWorker:
    """A paper running as a Ray task, seen like a process (``poll``, ``kill``, ``returncode``)."""

    def __init__(self, ref: Any, result: Path) -> None:
        self.ref, self.result, self.returncode = ref, result, None

    def poll(self) -> int | None:
        import ray

        if self.returncode is None and ray.wait([self.ref], timeout=0)[0]:
            try:
                outcome = ray.get(self.ref)
            except Exception as exc:  # the task died (node lost, worker crashed): the paper failed
                outcome = {"status": "failed", "error": f"Ray task failed: {type(exc).__name__}: {exc}"[:500]}
            self.result.write_text(json.dumps(outcome, ensure_ascii=False), encoding="utf-8")
            self.returncode = 0
        return self.returncode

    def kill(self) -> None:
        import ray

        ray.cancel(self.ref, force=True)


def connect(address: str) -> Any:
    """The ``ray`` module, connected to ``address``; ConfigError when Ray is missing or unreachable."""
    try:
        import ray
    except ImportError:
        raise ConfigError(f"--ray needs Ray, which is not installed: {INSTALL}") from None
    if not ray.is_initialized():
        try:
            ray.init(address=address, include_dashboard=False, log_to_driver=False)
        except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError... for a bad address
            raise ConfigError(f"--ray {address}: cannot connect to a Ray cluster "
                              f"({' '.join(str(exc).split())[:200]})") from None
    return ray


def _run_paper(spec: dict, actor: Any, memory: Any, env: dict[str, str]) -> dict:
    import os

    from arxiv_translator.many.batch_worker import work
    from arxiv_translator.many.memory_ray import services_for

    os.environ.update(env)  # the driver's arXiv mirror, engine endpoint and key (never written to disk)
    return work(spec, ArxivThrottle(actor), services_for(memory))


def _forwarded_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items()
            if k.startswith(("ARXIV_TRANSLATOR_", "OPENAI_", "AWS_", "FSSPEC_", "AZURE_STORAGE_"))
            or k == "GOOGLE_APPLICATION_CREDENTIALS"}


def ray_launcher(address: str, cache: Path, show: Callable[[str], None] = lambda line: None):
    """A launcher (see :data:`.batch.Launcher`) that runs each paper as a Ray task; ``cache`` is the
    translation-memory file the memory actor owns (:mod:`.memory_ray`).  Its ``close()`` shows what
    the memory served and ends both actors."""
    from arxiv_translator.many.memory_ray import start_memory

    ray = connect(address)
    memory = start_memory(ray, cache)
    actor = ray.remote(num_cpus=0, max_concurrency=1000)(_ThrottleState).remote()
    task = ray.remote(num_cpus=1, max_retries=0)(_run_paper)

    def launch(spec_path: Path, spec: dict) -> _RayWorker:
        return _RayWorker(task.remote(spec, actor, memory, _forwarded_env()), Path(spec["result"]))

    def close() -> None:
        try:
            c = ray.get(memory.stats.remote(), timeout=30)
            show(f"batch: translation memory (Ray actor, {cache}): {c['get']} segments looked up, "
                 f"{c['hit']} found, {c['put']} stored")
        except Exception:  # noqa: BLE001 - a lost actor only loses this line
            pass
        for one in (memory, actor):
            ray.kill(one)
    launch.close = close  # type: ignore[attr-defined]
    return launch
