"""The worker process: claim a job, heartbeat while the pipeline runs, record the outcome.

Started by ``arxiv-translator serve --workers N`` as ``python -m arxiv_translator.web.worker``.
On SIGTERM the running job goes back to the queue (its finished answers are in
the translation memory) and the worker exits; after ``kill -9`` the job's
heartbeat goes stale and another worker (or this one, restarted) re-runs it.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sys
import threading
import time
from typing import Any

from arxiv_translator.errors import TranslatorError
from arxiv_translator.web import queue
from arxiv_translator.web.runner import Service, run_translation

log = logging.getLogger("arxiv_translator.worker")
PROGRESS_EVERY = 0.5  # seconds between two heartbeats that carry progress, at the least
NEWS_POLL = 0.05  # how often the heartbeat thread looks for new progress between beats


class Shutdown(BaseException):
    """SIGTERM/SIGINT: stop after putting the running job back."""


class Worker:
    """Runs jobs from the queue until told to stop."""

    def __init__(self, service: Service, heartbeat: float = 2.0, stale_after: float = 30.0,
                 poll: float = 0.5) -> None:
        self.service, self.beat, self.stale_after, self.poll = service, heartbeat, stale_after, poll
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.pending: dict[str, Any] = {}
        self.lock = threading.Lock()
        self.parent = os.getppid()

    def orphaned(self) -> bool:
        """True when the serve process that started this worker is gone (then the worker stops too)."""
        return os.getppid() != self.parent

    def run_forever(self) -> None:
        """Claim and run jobs; returns on :class:`Shutdown`."""
        db = self.service.db
        try:
            while True:
                if self.orphaned():
                    raise Shutdown()
                queue.requeue(db, stale_after=self.stale_after)
                job = queue.claim(db, self.name)
                if job is None:
                    time.sleep(self.poll)
                    continue
                self.run_one(job)
        except Shutdown:
            log.info(json.dumps({"event": "shutdown", "worker": self.name}))

    def run_one(self, job: dict[str, Any]) -> None:
        """Run one claimed job to done or failed (or back to the queue on shutdown)."""
        db, jid = self.service.db, job["id"]
        log.info(json.dumps({"event": "claimed", "job": jid, "source": job["source"], "attempt": job["attempts"]}))
        stop = threading.Event()
        beater = threading.Thread(target=self._beat, args=(jid, stop), daemon=True)
        beater.start()
        try:
            outcome = run_translation(self.service, job, self._progress)
        except Shutdown:
            stop.set()
            queue.requeue(db, worker=self.name)
            raise
        except TranslatorError as exc:
            stop.set()
            queue.fail(db, jid, self.name, str(exc))
            log.info(json.dumps({"event": "failed", "job": jid, "error": str(exc)}, ensure_ascii=False))
            return
        except Exception as exc:  # noqa: BLE001 - a bug must fail the job, not kill the worker
            stop.set()
            log.exception("job %s crashed", jid)
            queue.fail(db, jid, self.name, f"internal error: {type(exc).__name__}: {exc}")
            return
        finally:
            stop.set()
            beater.join(timeout=5)
            with self.lock:
                last, self.pending = self.pending, {}
            if last:
                queue.heartbeat(db, jid, self.name, **last)
        queue.finish(db, jid, self.name, outcome.paper_id, outcome.cost_usd,
                     "이미 번역된 논문" if outcome.reused else "")
        log.info(json.dumps({"event": "done", "job": jid, "paper": outcome.paper_id, "reused": outcome.reused}))

    def _progress(self, **fields: Any) -> None:
        with self.lock:
            self.pending.update(fields)

    def _beat(self, job_id: str, stop: threading.Event) -> None:
        """Heartbeat every ``beat`` seconds; progress goes out as soon as it comes, at most every 0.5 s.

        (Waiting a whole ``beat`` after a beat that had no progress to send held back the progress
        that came just after it: a short job could run to its end without showing any.)
        """
        spacing = min(self.beat, PROGRESS_EVERY)
        while True:
            with self.lock:
                fields, self.pending = self.pending, {}
            try:
                queue.heartbeat(self.service.db, job_id, self.name, **fields)
            except Exception:  # noqa: BLE001 - a busy database must not stop the job; the next beat retries
                log.warning("heartbeat of %s failed", job_id)
            if self.orphaned():  # serve died: put the job back and stop (SIGTERM raises Shutdown in the job)
                os.kill(os.getpid(), signal.SIGTERM)
                return
            sent = time.monotonic()
            if stop.wait(spacing):
                return
            while not self._has_news() and time.monotonic() - sent < self.beat:
                if stop.wait(NEWS_POLL):
                    return

    def _has_news(self) -> bool:
        with self.lock:
            return bool(self.pending)


def main(argv: list[str] | None = None) -> int:
    """``python -m arxiv_translator.web.worker OPTIONS_JSON``: options as written by serve.py."""
    from arxiv_translator.web.serve import service_from_options

    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(process)d %(message)s", stream=sys.stderr)
    options = json.loads((argv or sys.argv[1:])[0])

    def stop(_signum: int, _frame: Any) -> None:
        raise Shutdown()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        service = service_from_options(options)
    except TranslatorError as exc:
        print(f"arxiv-translator worker: error: {exc}", file=sys.stderr)
        return exc.exit_code
    from arxiv_translator.web.throttle import SharedThrottle

    service.throttle = SharedThrottle(service.db)  # injected into every job this worker runs
    Worker(service, heartbeat=options.get("heartbeat", 2.0), stale_after=options.get("stale_after", 30.0)).run_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
