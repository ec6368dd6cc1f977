"""The same queue, search and job run against a real PostgreSQL server started by the test."""

from __future__ import annotations


import pytest
from pgkit import Unavailable, start_cluster
from webkit import FakeArxiv, arxiv_env, claim_all, make_service, run_queue

from arxiv_translator.sources.arxiv_ids import parse_arxiv_id
from arxiv_translator.web import queue, search
from arxiv_translator.web.db import database_url, open_engine
from arxiv_translator.web.throttle import SharedThrottle
from fake_arxiv import SAMPLE_ID


@pytest.fixture(scope="module")
def pg_url():
    try:
        url, stop = start_cluster()
    except Unavailable as exc:
        pytest.skip(f"PostgreSQL cannot start here: {exc}")
    yield url
    stop()


@pytest.fixture
def db(pg_url):
    engine = open_engine(database_url(None, pg_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE jobs, papers, tokens, throttle")
    return engine


def test_claims_are_atomic_and_duplicates_join(db):
    ids = [queue.submit(db, parse_arxiv_id(f"2501.{i:05d}v1"), "sig", None, "x").job["id"] for i in range(20)]
    again = queue.submit(db, parse_arxiv_id("2501.00003v1"), "sig", None, "x")
    assert not again.created and again.job["id"] == ids[3]
    got = claim_all(db)
    assert sorted(got) == sorted(ids)
    assert queue.requeue(db, stale_after=0.0) == 20 and queue.queue_length(db)["queued"] == 20


def test_throttle_row_is_shared(db):
    import time

    a, b = SharedThrottle(db, poll=0.01), SharedThrottle(db, poll=0.01)
    b.me = "another-process"
    spans = []
    for throttle in (a, b, a):
        with throttle.slot(0.2):
            spans.append(time.time())
    assert all(y - x >= 0.2 for x, y in zip(spans, spans[1:]))


def test_job_and_search_on_postgres(pg_url, db, tmp_path, monkeypatch):
    with FakeArxiv() as fake:
        for name, value in arxiv_env(fake, tmp_path, 0.05).items():
            monkeypatch.setenv(name, value)
        service = make_service(tmp_path / "lib", database=pg_url)
        queue.submit(service.db, parse_arxiv_id(SAMPLE_ID), service.signature, None, SAMPLE_ID)
        [job] = run_queue(service)
    assert job["status"] == "done", job["error"]
    paper = search.get_paper(service.db, f"{SAMPLE_ID}v1")
    korean = max(paper["title_ko"].split(), key=len)
    for q in ("sparse", "Lovelace", korean):
        items, total = search.search(service.db, q)
        assert total == 1 and items[0]["id"] == f"{SAMPLE_ID}v1", q
    assert search.search(service.db, "100%")[1] == 0


def _paper(pid: str, title: str, title_ko: str, abstract: str, authors: list[str], published: str) -> dict:
    return {"id": pid, "arxiv_id": pid[:-2], "version": 1, "signature": "sig", "title": title, "title_ko": title_ko,
            "authors": authors, "abstract": abstract, "abstract_ko": "", "categories": ["cs.CL"],
            "primary_category": "cs.CL", "published": published}


def test_full_text_search_uses_tsvector_and_web_syntax(db):
    from arxiv_translator.web.db import upsert_paper

    with db.begin() as conn:
        upsert_paper(conn, _paper("2501.00001v1", "Sparse attention for translation", "번역을 위한 희소 어텐션",
                                  "We study O'Brien's model of attention.", ["Ada Lovelace"], "2025-01-01"))
        upsert_paper(conn, _paper("2501.00002v1", "Dense GPU kernels", "밀집 커널", "Attention kernels on a GPU.",
                                  ["Alan Turing"], "2025-02-01"))
        for i in range(3, 400):  # enough rows that the planner has a real choice
            upsert_paper(conn, _paper(f"2501.{i:05d}v1", "Filler paper", "채움 논문", "Nothing here.",
                                      ["Nobody"], "2024-01-01"))
    cases = {"번역": ["2501.00001v1"],  # a Korean stem finds the word with its particle (번역을)
             "transl": ["2501.00001v1"],  # a prefix
             "attention -gpu": ["2501.00001v1"],  # websearch syntax: exclusion
             '"sparse attention"': ["2501.00001v1"], '"attention sparse"': [],  # phrases keep their order
             "lovelace or turing": ["2501.00001v1", "2501.00002v1"], "O'Brien": ["2501.00001v1"],
             "'); drop table papers; --": [], "!!!": [], "100%": []}
    for q, want in cases.items():
        items, total = search.search(db, q)
        assert sorted(p["id"] for p in items) == want and total == len(want), q
    ranked, _ = search.search(db, "attention", sort="relevance")
    assert [p["id"] for p in ranked] == ["2501.00001v1", "2501.00002v1"]  # the title match ranks first
    with db.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(
            "EXPLAIN SELECT id FROM papers WHERE search @@ to_tsquery('simple', 'attention:*')"))
        gin = conn.exec_driver_sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'papers_search'").scalar_one()
    assert "papers_search" in plan and "USING gin (search)" in gin


def test_serve_with_two_workers_on_postgres(pg_url, db, tmp_path):
    """The real service on PostgreSQL: duplicates join, each paper is fetched and translated once."""
    import os
    from collections import Counter

    import httpx
    from webkit import INTERVAL, ServeProcess, wait_job

    from fake_arxiv import SAMPLE, FakePaper, tar_gz

    with FakeArxiv() as fake:
        for i in range(1, 4):
            fake.add(FakePaper(f"2501.2000{i}", title=f"Postgres paper {i}", eprint=tar_gz(SAMPLE)))
        env = {**os.environ, **arxiv_env(fake, tmp_path)}
        ids = [f"2501.2000{i}" for i in range(1, 4)]
        sources = [ids[i % 3] + ("v1" if i % 2 else "") for i in range(12)]
        with ServeProcess(tmp_path / "lib", env, "--engine", "pseudo", "--no-compile", "--database", pg_url,
                          workers=2) as srv:
            answers = [httpx.post(srv.url + "/api/jobs", json={"source": s}, timeout=30).json() for s in sources]
            jobs = {a["id"] for a in answers}
            assert len(jobs) == 6 and sum(a["joined"] for a in answers) == 6  # (paper, v1 | latest) pairs
            finished = [wait_job(srv.url, j, timeout=240) for j in jobs]
            found = httpx.get(srv.url + "/api/papers", params={"q": "postgres"}).json()
        gaps = fake.gaps()
        eprints = Counter(p for p in fake.paths() if p.startswith("/e-print/"))
    assert all(j["status"] == "done" for j in finished), [j["error"] for j in finished]
    assert sorted(eprints) == sorted(f"/e-print/{i}v1" for i in ids) and set(eprints.values()) == {1}
    assert found["total"] == 3 and min(gaps) >= INTERVAL - 0.05


def test_kill9_worker_on_postgres_resumes(pg_url, db, tmp_path):
    """A worker SIGKILLed mid-job: its job is re-claimed from PostgreSQL and resumes from the memory."""
    import json
    import os
    import signal
    import time

    import httpx
    from standin import Standin, tools_available
    from webkit import ServeProcess, wait_job

    from fake_arxiv import SAMPLE, FakePaper, tar_gz

    if not tools_available():
        pytest.skip("../shared/tools (stand-in model) not beside the checkout")
    stats = tmp_path / "stats.json"

    def asked() -> int:
        try:
            return json.loads(stats.read_text())["requests"]
        except (OSError, ValueError):
            return 0

    config = tmp_path / "config.toml"
    config.write_text("concurrency = 1\nbatch_tokens = 120\n", encoding="utf-8")
    with FakeArxiv() as fake, Standin(FAKE_LATENCY_S="0.25", FAKE_STATS=str(stats)) as llm:
        fake.add(FakePaper("2501.20009", title="Killed on Postgres", eprint=tar_gz(SAMPLE)))
        env = {**os.environ, **arxiv_env(fake, tmp_path), "OPENAI_API_KEY": "sk-test"}
        with ServeProcess(tmp_path / "lib", env, "--engine", "openai", "--model", "standin", "--base-url",
                          llm.base_url, "--no-compile", "--config", str(config), "--stale-after", "3",
                          "--database", pg_url) as srv:
            job = httpx.post(srv.url + "/api/jobs", json={"source": "2501.20009"}).json()
            deadline = time.monotonic() + 60
            while asked() < 4 and time.monotonic() < deadline:
                time.sleep(0.05)
            seen = asked()
            os.kill(srv.worker_pids()[0], signal.SIGKILL)
            done = wait_job(srv.url, job["id"], timeout=180)
    assert done["status"] == "done", done["error"]
    report = json.loads((tmp_path / "lib" / "papers" / "2501.20009v1" / "report.json").read_text())
    # the answers before the kill came back from the translation memory or from the job's saved state (which
    # one depends on whether a state save fell before the kill), and nothing but what was in flight was re-asked
    assert report["segments"]["cached"] > 0 or report["job"]["restored_segments"] > 0, report["segments"]
    assert asked() - report["requests"] <= seen + 1
