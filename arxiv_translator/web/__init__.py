"""``arxiv-translator serve``: the library where people request arXiv papers and read them in Korean.

    db.py       SQLAlchemy Core tables (papers, jobs, tokens, throttle) over SQLite WAL or PostgreSQL
    queue.py    submit (with de-duplication), atomic claim, heartbeat, finish/fail, stale re-queue
    throttle.py one arXiv politeness budget for every worker (a row in the database)
    runner.py   ``run_translation(job) -> report``: the one seam between the queue and the pipeline
    worker.py   the worker process: claim, heartbeat, run, record
    auth.py     API tokens (sha256 at rest), per-token limits, CSRF
    search.py   library queries (FTS5 on SQLite, tsvector + GIN on PostgreSQL; English and Korean)
    app.py      the FastAPI application: JSON API and server-rendered pages
    serve.py    the ``serve``/``tokens``/``library`` commands

How a job resumes today: the translation memory (``cache.py``) commits every
answer as it arrives, so when a worker dies the job's heartbeat goes stale, the
job is queued again, and the re-run asks the engine only for the segments that
are not in the memory yet.
"""
