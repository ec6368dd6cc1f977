"""The persistent job queue: rows in the ``jobs`` table.

* :func:`submit` de-duplicates: a paper version already translated with the same
  signature returns its finished job; a queued or running one is joined (a
  partial unique index makes concurrent submissions race safely).
* :func:`claim` is one ``UPDATE ... WHERE status='queued' ... RETURNING``: two
  workers can never claim the same job, on SQLite or PostgreSQL.
* Workers :func:`heartbeat`; :func:`requeue_stale` puts jobs whose worker went
  silent back in the queue, and the re-run resumes from the translation memory.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from arxiv_translator.sources.arxiv_ids import ArxivId
from arxiv_translator.web.db import jobs, papers

ACTIVE = ("queued", "running")
MAX_ATTEMPTS = 3
LATEST_TTL = 24 * 3600.0  # how long a versionless request is answered by the last translation


@dataclass(frozen=True)
class Submitted:
    """What :func:`submit` did: ``created`` a new job, or joined/returned an existing one."""

    job: dict[str, Any]
    created: bool


def get_job(engine: Engine, job_id: str) -> dict[str, Any] | None:
    """One job as a dictionary, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
    return dict(row._mapping) if row else None


def submit(engine: Engine, ref: ArxivId, signature: str, token: str | None, source: str,
           options: dict[str, str] | None = None) -> Submitted:
    """Queue ``ref`` for translation under ``signature``, unless it is done, queued or running already.

    ``options`` (validated per-job options) travel with the job; ``signature`` must be the one they give."""
    vkey = f"v{ref.version}" if ref.version else "latest"
    for _ in range(5):
        existing = _existing(engine, ref, vkey, signature)
        if existing is not None:
            return Submitted(existing, False)
        now = time.time()
        row = {"id": uuid.uuid4().hex[:16], "source": source, "arxiv_id": ref.base, "vkey": vkey,
               "signature": signature, "status": "queued", "stage": "queued", "token": token, "created": now,
               "options": json.dumps(options or {}, sort_keys=True),
               "paper_id": ref.folder_name if ref.version else None}
        try:
            with engine.begin() as conn:
                conn.execute(jobs.insert().values(**row))
        except IntegrityError:
            continue  # a concurrent duplicate won the race: join it
        return Submitted(get_job(engine, row["id"]) or row, True)
    raise RuntimeError(f"{ref}: could not queue the job")  # pragma: no cover - five lost races in a row


def _existing(engine: Engine, ref: ArxivId, vkey: str, signature: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(select(jobs).where(and_(jobs.c.arxiv_id == ref.base, jobs.c.vkey == vkey,
                                                   jobs.c.signature == signature, jobs.c.status.in_(ACTIVE)))
                           ).first()
        if row:
            return dict(row._mapping)
        if not ref.version:  # "the latest version": a translation finished in the last day answers it
            done = conn.execute(select(jobs).where(and_(jobs.c.arxiv_id == ref.base, jobs.c.vkey == vkey,
                                                        jobs.c.signature == signature, jobs.c.status == "done",
                                                        jobs.c.finished >= time.time() - LATEST_TTL))
                                .order_by(jobs.c.finished.desc())).first()
            if done:
                return dict(done._mapping)
        else:
            paper = conn.execute(select(papers.c.id).where(and_(papers.c.id == ref.folder_name,
                                                                papers.c.signature == signature))).first()
            if paper:
                done = conn.execute(select(jobs).where(and_(jobs.c.paper_id == paper.id, jobs.c.status == "done",
                                                        jobs.c.signature == signature))
                                    .order_by(jobs.c.finished.desc())).first()
                if done:
                    return dict(done._mapping)
    return None


def claim(engine: Engine, worker: str) -> dict[str, Any] | None:
    """Atomically take the oldest queued job for ``worker``; None when the queue is empty."""
    now = time.time()
    oldest = select(jobs.c.id).where(jobs.c.status == "queued").order_by(jobs.c.created).limit(1).scalar_subquery()
    with engine.begin() as conn:
        row = conn.execute(jobs.update().where(and_(jobs.c.id == oldest, jobs.c.status == "queued"))
                           .values(status="running", stage="claimed", worker=worker, heartbeat=now, started=now,
                                   attempts=jobs.c.attempts + 1, error="").returning(*jobs.c)).first()
    return dict(row._mapping) if row else None


def heartbeat(engine: Engine, job_id: str, worker: str, **progress: Any) -> bool:
    """Refresh the job's heartbeat (and progress fields); False when the job is no longer ours."""
    with engine.begin() as conn:
        res = conn.execute(jobs.update().where(and_(jobs.c.id == job_id, jobs.c.worker == worker,
                                                    jobs.c.status == "running"))
                           .values(heartbeat=time.time(), **progress))
    return res.rowcount == 1


def finish(engine: Engine, job_id: str, worker: str, paper_id: str, cost: float, message: str = "") -> None:
    """Mark the job done, pointing at its paper."""
    with engine.begin() as conn:
        conn.execute(jobs.update().where(and_(jobs.c.id == job_id, jobs.c.worker == worker))
                     .values(status="done", stage="done", paper_id=paper_id, finished=time.time(), cost_usd=cost,
                             message=message, error=""))


def fail(engine: Engine, job_id: str, worker: str | None, error: str) -> None:
    """Mark the job failed with a readable reason."""
    cond = jobs.c.id == job_id if worker is None else and_(jobs.c.id == job_id, jobs.c.worker == worker)
    with engine.begin() as conn:
        conn.execute(jobs.update().where(cond).values(status="failed", stage="failed", finished=time.time(),
                                                      error=error[:2000]))


def requeue(engine: Engine, *, worker: str | None = None, stale_after: float | None = None) -> int:
    """Put running jobs back in the queue: those of ``worker``, or those silent for ``stale_after`` seconds.

    A job that has been tried :data:`MAX_ATTEMPTS` times fails instead (a paper that kills its worker must
    not kill every worker in turn).
    """
    cond = jobs.c.status == "running"
    if worker is not None:
        cond = and_(cond, jobs.c.worker == worker)
    if stale_after is not None:
        cond = and_(cond, jobs.c.heartbeat < time.time() - stale_after)
    with engine.begin() as conn:
        conn.execute(jobs.update().where(and_(cond, jobs.c.attempts >= MAX_ATTEMPTS))
                     .values(status="failed", stage="failed", finished=time.time(),
                             error=f"the worker stopped {MAX_ATTEMPTS} times while translating this paper"))
        res = conn.execute(jobs.update().where(cond).values(status="queued", stage="queued", worker=None,
                                                            message="re-queued: its worker stopped"))
    return res.rowcount


def queue_length(engine: Engine) -> dict[str, int]:
    """How many jobs are queued and running."""
    with engine.connect() as conn:
        rows = conn.execute(select(jobs.c.status, func.count()).where(jobs.c.status.in_(ACTIVE))
                            .group_by(jobs.c.status)).all()
    counts = {"queued": 0, "running": 0}
    counts.update({status: n for status, n in rows})
    return counts


def public_job(job: dict[str, Any]) -> dict[str, Any]:
    """The API view of a job (``cost_usd``: spent so far while running, the run's cost once done)."""
    return {"id": job["id"], "status": job["status"], "stage": job["stage"],
            "progress": {"done": job["done"], "total": job["total"], "cost_usd": job["cost_usd"]},
            "paper_id": job["paper_id"], "options": json.loads(job.get("options") or "{}"),
            "error": job["error"] or None, "message": job["message"], "source": job["source"],
            "cost_usd": job["cost_usd"], "created": job["created"], "finished": job["finished"]}
