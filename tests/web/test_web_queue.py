"""The queue and the shared arXiv throttle, without HTTP: atomic claims, stale re-queue, budgets."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest
from webkit import FakeArxiv, arxiv_env, claim_all, make_service, run_queue

from arxiv_translator.sources.arxiv_ids import parse_arxiv_id
from arxiv_translator.web import auth, queue
from arxiv_translator.web.db import database_url, open_engine
from arxiv_translator.web.throttle import SharedThrottle
from fake_arxiv import SAMPLE_ID
from standin import Standin, tools_available


@pytest.fixture
def db(tmp_path):
    return open_engine(database_url(tmp_path, None))


def _queue_many(db, n: int) -> list[str]:
    return [queue.submit(db, parse_arxiv_id(f"2501.{i:05d}v1"), "sig", None, f"2501.{i:05d}v1").job["id"]
            for i in range(n)]


def test_claims_are_atomic_across_threads(db):
    ids = _queue_many(db, 30)
    got = claim_all(db)
    assert sorted(got) == sorted(ids)  # every job claimed exactly once


def test_concurrent_duplicates_join_one_job(db):
    ref = parse_arxiv_id(f"{SAMPLE_ID}v1")
    results: list[queue.Submitted] = []
    threads = [threading.Thread(target=lambda: results.append(queue.submit(db, ref, "sig", None, str(ref))))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({r.job["id"] for r in results}) == 1 and sum(r.created for r in results) == 1


def test_stale_jobs_are_requeued_then_failed_after_three_attempts(db):
    [jid] = _queue_many(db, 1)
    for attempt in range(1, queue.MAX_ATTEMPTS + 1):
        job = queue.claim(db, f"dead{attempt}")
        assert job["id"] == jid and job["attempts"] == attempt
        assert queue.requeue(db, stale_after=60) == 0  # the heartbeat is fresh
        time.sleep(0.05)
        queue.requeue(db, stale_after=0.01)
    final = queue.get_job(db, jid)
    assert final["status"] == "failed" and "stopped 3 times" in final["error"]


def test_heartbeat_belongs_to_the_claiming_worker(db):
    [jid] = _queue_many(db, 1)
    queue.claim(db, "w1")
    assert queue.heartbeat(db, jid, "w1", stage="translate", done=3, total=9)
    assert not queue.heartbeat(db, jid, "w2", done=9)
    assert queue.get_job(db, jid)["done"] == 3


def _until(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_progress_goes_out_soon_after_a_quiet_heartbeat(db):
    """Progress that comes just after a heartbeat with nothing to send waits for no whole beat
    (it did: a short job could finish before its page showed any progress)."""
    from types import SimpleNamespace

    from arxiv_translator.web.worker import Worker

    [jid] = _queue_many(db, 1)
    worker = Worker(SimpleNamespace(db=db), heartbeat=60.0)
    claimed = queue.claim(db, worker.name)["heartbeat"]
    stop = threading.Event()
    beater = threading.Thread(target=worker._beat, args=(jid, stop), daemon=True)
    beater.start()
    try:
        assert _until(lambda: queue.get_job(db, jid)["heartbeat"] > claimed, 30)  # the first beat: nothing to say
        worker._progress(stage="translate", done=3, total=9)
        assert _until(lambda: queue.get_job(db, jid)["done"] == 3, 20)  # long before the next 60 s beat
    finally:
        stop.set()
        beater.join(10)
    assert not beater.is_alive()


def _hold_slots(url: str, interval: float, n: int, out: multiprocessing.Queue) -> None:
    throttle = SharedThrottle(open_engine(url), poll=0.01)
    for _ in range(n):
        with throttle.slot(interval):
            start = time.time()
            time.sleep(0.02)
            out.put((start, time.time()))


def test_shared_throttle_spaces_requests_across_processes(tmp_path):
    url = database_url(tmp_path, None)
    open_engine(url)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_hold_slots, args=(url, 0.2, 3, out)) for _ in range(3)]
    for p in procs:
        p.start()
    spans = sorted(out.get(timeout=60) for _ in range(9))
    for p in procs:
        p.join(30)
    gaps = [b[0] - a[1] for a, b in zip(spans, spans[1:])]
    assert min(gaps) >= 0.2 - 0.01, gaps  # never overlapping, never closer than the interval


@pytest.mark.skipif(not tools_available(), reason="../shared/tools (stand-in model) not beside the checkout")
def test_daily_budget_refuses_before_any_engine_call(tmp_path, monkeypatch):
    with FakeArxiv() as fake, Standin(FAKE_STATS=str(tmp_path / "stats.json")) as llm:
        for name, value in arxiv_env(fake, tmp_path, 0.05).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        config = tmp_path / "config.toml"
        config.write_text('prices = { standin = [1000.0, 1000.0] }\n', encoding="utf-8")
        service = make_service(tmp_path / "lib", engine="openai", model="standin", base_url=llm.base_url,
                               config=str(config))
        auth.create_token(service.db, "carol", daily_usd=0.01)
        queue.submit(service.db, parse_arxiv_id(SAMPLE_ID), service.signature, "carol", SAMPLE_ID)
        [job] = run_queue(service)
        assert job["status"] == "failed" and "daily budget $0.01" in job["error"] and "carol" in job["error"]
        assert not (tmp_path / "stats.json").exists()  # the stand-in model was never asked
        assert not service.papers_dir.exists() or not any(service.papers_dir.iterdir())


@pytest.mark.skipif(not tools_available(), reason="../shared/tools (stand-in model) not beside the checkout")
def test_cost_so_far_grows_while_the_job_runs(tmp_path, monkeypatch):
    import json
    import re

    from fastapi.testclient import TestClient

    from arxiv_translator.web.app import WebOptions, create_app

    with FakeArxiv() as fake, Standin(FAKE_LATENCY_S="0.15") as llm:
        for name, value in arxiv_env(fake, tmp_path, 0.05).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        config = tmp_path / "config.toml"
        config.write_text("concurrency = 1\nbatch_tokens = 120\nprices = { standin = [1000.0, 1000.0] }\n",
                          encoding="utf-8")
        service = make_service(tmp_path / "lib", engine="openai", model="standin", base_url=llm.base_url,
                               config=str(config))
        job_id = queue.submit(service.db, parse_arxiv_id(SAMPLE_ID), service.signature, None, SAMPLE_ID).job["id"]
        runner = threading.Thread(target=run_queue, args=(service,))
        runner.start()
        client, seen, pages = TestClient(create_app(service, WebOptions(auth=False))), [], []
        while runner.is_alive():
            view = client.get(f"/api/jobs/{job_id}").json()
            if view["status"] == "running" and view["progress"]["done"]:
                seen.append(view["progress"]["cost_usd"])
                pages.append(client.get(f"/jobs/{job_id}").text)
            time.sleep(0.1)
        runner.join()
    final = client.get(f"/api/jobs/{job_id}").json()
    report = json.loads((service.papers_dir / f"{SAMPLE_ID}v1" / "report.json").read_text(encoding="utf-8"))
    assert final["status"] == "done" and report["cost_usd"] > 0 and final["cost_usd"] == pytest.approx(report["cost_usd"])
    assert seen and seen == sorted(seen) and 0 < seen[0] < final["cost_usd"], seen  # it grew during the run
    shown = [float(re.search(r'id="cost">([0-9.]+)<', page).group(1)) for page in pages]
    assert any(0 < value < final["cost_usd"] for value in shown)  # the page shows the cost so far
