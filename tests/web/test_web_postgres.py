"""The same queue, search and job run against a real PostgreSQL server started by the test."""

from __future__ import annotations

import threading

import pytest
from pgkit import Unavailable, start_cluster
from webkit import FakeArxiv, arxiv_env, make_service, run_queue

from arxiv_translator.arxiv_ids import parse_arxiv_id
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
    got: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while (job := queue.claim(db, name)) is not None:
            with lock:
                got.append(job["id"])

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
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
