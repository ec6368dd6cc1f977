"""``batch --ray ADDRESS``: the same batch with each paper as a Ray task.

The parent still schedules (at most ``--workers`` papers at once, budget reservations) and
writes ``batch.json``; a Ray task runs :func:`.batch_worker.work` for one paper, wherever the
cluster puts it.  Shared across the cluster:

* the arXiv politeness budget: :class:`ArxivThrottle`, one actor that every task asks before each
  request (one request at a time, ``interval`` seconds apart);
* the driver's ``ARXIV_TRANSLATOR_*``, ``OPENAI_*`` and object-store credential variables
  (``AWS_*``, ``FSSPEC_*``, ``GOOGLE_APPLICATION_CREDENTIALS``, ``AZURE_STORAGE_*``) go with each task;
* the outputs and ``batch.json``: ``--out`` is a folder every node sees (a shared file system;
  on one machine, any folder) or any fsspec URL (``s3://bucket/papers``): each task translates
  in a scratch folder on its node and uploads the finished paper (:mod:`.store`);
* the translation memory: the ``--cache`` SQLite file, on a path every node sees.

``ADDRESS`` is what ``ray.init`` takes: ``auto`` (a running local cluster or ``RAY_ADDRESS``),
``host:port``, or ``ray://host:10001``.  A process that already called ``ray.init`` is used as it is.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from arxiv_translator.errors import ConfigError

INSTALL = "pip install 'arxiv-translator[ray]'"


class _ThrottleState:
    """The actor's body: a lock held for the duration of each arXiv request."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = float("-inf")

    def acquire(self, interval: float) -> None:
        self.lock.acquire()
        wait = self.last + interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.last = time.monotonic()

    def release(self) -> None:
        self.last = time.monotonic()
        self.lock.release()


class ArxivThrottle:
    """The arXiv client's throttle interface (``slot(interval)``) over the actor."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    @contextmanager
    def slot(self, interval: float) -> Iterator[None]:
        import ray

        ray.get(self.actor.acquire.remote(interval))
        try:
            yield
        finally:
            ray.get(self.actor.release.remote())


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


def _run_paper(spec: dict, actor: Any, env: dict[str, str]) -> dict:
    import os

    from arxiv_translator.many.batch_worker import work

    os.environ.update(env)  # the driver's arXiv mirror, engine endpoint and key (never written to disk)
    return work(spec, ArxivThrottle(actor))


def _forwarded_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items()
            if k.startswith(("ARXIV_TRANSLATOR_", "OPENAI_", "AWS_", "FSSPEC_", "AZURE_STORAGE_"))
            or k == "GOOGLE_APPLICATION_CREDENTIALS"}


def ray_launcher(address: str):
    """A launcher (see :data:`.batch.Launcher`) that runs each paper as a Ray task."""
    ray = connect(address)
    actor = ray.remote(max_concurrency=1000)(_ThrottleState).remote()
    task = ray.remote(num_cpus=1, max_retries=0)(_run_paper)

    def launch(spec_path: Path, spec: dict) -> _RayWorker:
        return _RayWorker(task.remote(spec, actor, _forwarded_env()), Path(spec["result"]))
    return launch
