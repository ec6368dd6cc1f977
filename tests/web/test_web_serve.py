"""``arxiv-translator serve`` as a real process against the local arXiv (and the stand-in model)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter

import httpx
import pytest
from webkit import INTERVAL, ROOT, FakeArxiv, ServeProcess, arxiv_env, sse, wait_job

from fake_arxiv import SAMPLE, SAMPLE_ID, FakePaper, tar_gz
from standin import Standin, stats_requests, tools_available

EPS = 0.05


@pytest.fixture(scope="module")
def fake():
    with FakeArxiv() as server:
        for i in range(1, 6):
            server.add(FakePaper(f"2501.1000{i}", title=f"Paper number {i} on adapters", eprint=tar_gz(SAMPLE)))
        yield server


def cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "arxiv_translator.cli", *args], env={**env, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=60)


def test_serve_end_to_end(fake, tmp_path):
    import os

    data = tmp_path / "lib"
    env = {**os.environ, **arxiv_env(fake, tmp_path)}
    made = cli("tokens", "create", "alice", "--data", str(data), env=env)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("at_") and token not in cli("tokens", "list", "--data", str(data), env=env).stdout
    with ServeProcess(data, env, "--engine", "pseudo", "--no-compile", "--auth", "on") as srv:
        assert httpx.post(srv.url + "/api/jobs", json={"source": SAMPLE_ID}).status_code == 401
        r = httpx.post(srv.url + "/api/jobs", json={"source": SAMPLE_ID}, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 202, r.text
        events = sse(f"{srv.url}/api/jobs/{r.json()['id']}/events")
        assert events[-1][0] == "end" and events[-1][1]["status"] == "done", events[-1]
        assert any(d["stage"] == "translate" or d["progress"]["total"] > 0 for _, d in events)
        assert events[-1][1]["progress"]["done"] == events[-1][1]["progress"]["total"] > 0
        # the form, with its CSRF cookie
        with httpx.Client(base_url=srv.url) as browser:
            home = browser.get("/")
            csrf = re.search(r'name="csrf" value="([^"]+)"', home.text).group(1)
            sent = browser.post("/request", data={"source": "2501.10001", "csrf": csrf, "token": token})
            assert sent.status_code == 303 and sent.headers["location"].startswith("/jobs/")
            job_id = sent.headers["location"].rsplit("/", 1)[1]
            assert "번역 진행 상황" in browser.get(sent.headers["location"]).text
        assert wait_job(srv.url, job_id)["status"] == "done"
        page = httpx.get(f"{srv.url}/papers/{SAMPLE_ID}v1").text
        assert "Sparse Mixtures" in page and re.search("[가-힣]{2,}", page) and "Ada Lovelace" in page
        paper = httpx.get(f"{srv.url}/api/papers/{SAMPLE_ID}v1").json()
        korean = max(re.findall("[가-힣]+", paper["title_ko"]), key=len)
        for q in ("Sparse", korean):
            hits = httpx.get(srv.url + "/api/papers", params={"q": q}).json()
            assert f"{SAMPLE_ID}v1" in [p["id"] for p in hits["items"]], q
        workers = srv.worker_pids()
    time.sleep(0.5)
    assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}") and
                "zombie" not in open(f"/proc/{pid}/status").read()]  # SIGTERM to serve stops its workers
    removed = cli("library", "remove", f"{SAMPLE_ID}v1", "--data", str(data), env=env)
    assert removed.returncode == 0 and not (data / "papers" / f"{SAMPLE_ID}v1").exists()
    assert f"{SAMPLE_ID}v1" not in cli("library", "list", "--data", str(data), env=env).stdout
    bad = cli("library", "remove", "2501.00001v9", "--data", str(data), env=env)
    assert bad.returncode != 0 and "no such paper" in bad.stderr and "Traceback" not in bad.stderr


def test_twenty_submissions_two_workers(fake, tmp_path):
    import os

    data = tmp_path / "lib"
    env = {**os.environ, **arxiv_env(fake, tmp_path)}
    fake.requests.clear()
    ids = [f"2501.1000{i}" for i in range(1, 6)]
    sources = [ids[i % 5] + ("v1" if i % 2 else "") for i in range(20)]
    with ServeProcess(data, env, "--engine", "pseudo", "--no-compile", workers=2) as srv:
        answers = [httpx.post(srv.url + "/api/jobs", json={"source": s}, timeout=30).json() for s in sources]
        jobs = {a["id"] for a in answers}
        assert len(jobs) == 10  # one job per (paper, v1 | latest); the other ten requests joined
        assert sum(a["joined"] for a in answers) == 10
        finished = [wait_job(srv.url, j, timeout=240) for j in jobs]
    assert all(j["status"] == "done" for j in finished), [j["error"] for j in finished]
    eprints = Counter(p for p in fake.paths() if p.startswith("/e-print/"))
    assert sorted(eprints) == sorted(f"/e-print/{i}v1" for i in ids) and set(eprints.values()) == {1}
    assert sorted(p.name for p in (data / "papers").iterdir()) == sorted(f"{i}v1" for i in ids)
    assert min(fake.gaps()) >= INTERVAL - EPS


def _slow_config(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("concurrency = 1\nbatch_tokens = 120\n", encoding="utf-8")
    return config


@pytest.mark.skipif(not tools_available(), reason="../shared/tools (stand-in model) not beside the checkout")
@pytest.mark.parametrize("victim", ["worker", "server", "sigterm"])
def test_kill9_mid_job_then_the_job_finishes(fake, tmp_path, victim):
    import os
    import signal

    stats = tmp_path / "stats.json"
    data = tmp_path / "lib"
    with Standin(FAKE_LATENCY_S="0.25", FAKE_STATS=str(stats)) as llm:
        env = {**os.environ, **arxiv_env(fake, tmp_path), "OPENAI_API_KEY": "sk-test"}
        args = ("--engine", "openai", "--model", "standin", "--base-url", llm.base_url, "--no-compile",
                "--config", str(_slow_config(tmp_path)), "--stale-after", "3")
        srv = ServeProcess(data, env, *args).start()
        try:
            job = httpx.post(srv.url + "/api/jobs", json={"source": "2501.10003"}).json()
            deadline = time.monotonic() + 60
            while stats_requests(stats) < 4 and time.monotonic() < deadline:
                time.sleep(0.05)
            seen = stats_requests(stats)
            assert seen >= 4 and httpx.get(f"{srv.url}/api/jobs/{job['id']}").json()["status"] == "running"
            if victim == "worker":
                os.kill(srv.worker_pids()[0], signal.SIGKILL)
            elif victim == "sigterm":  # graceful: the running job goes back to the queue, then resumes
                srv.stop()
                from arxiv_translator.web.db import database_url, open_engine
                from arxiv_translator.web.queue import get_job

                back = get_job(open_engine(database_url(data, None)), job["id"])
                assert back["status"] == "queued" and "re-queued" in back["message"]
                srv = ServeProcess(data, env, *args).start()
            else:
                srv.kill9()
                time.sleep(1.0)
                srv = ServeProcess(data, env, *args)
                srv.start()
            done = wait_job(srv.url, job["id"], timeout=180)
        finally:
            srv.stop()
    assert done["status"] == "done", done["error"]
    report = json.loads((data / "papers" / "2501.10003v1" / "report.json").read_text())
    # resumed from the job's saved state (or the translation memory), not from zero
    assert report["job"]["restored_segments"] > 2 or report["segments"]["cached"] > 0
    assert report["job"]["runs"] == 2 or report["segments"]["cached"] > 0
    # every engine request of the first run was kept, except at most the one in flight when it died
    assert stats_requests(stats) - report["requests"] <= seen + 1


@pytest.mark.skipif(not tools_available(), reason="../shared/tools (stand-in model) not beside the checkout")
def test_same_paper_by_two_names_is_translated_once(fake, tmp_path):
    import os

    stats = tmp_path / "stats.json"
    data = tmp_path / "lib"
    with Standin(FAKE_LATENCY_S="0.1", FAKE_STATS=str(stats)) as llm:
        env = {**os.environ, **arxiv_env(fake, tmp_path), "OPENAI_API_KEY": "sk-test"}
        with ServeProcess(data, env, "--engine", "openai", "--model", "standin", "--base-url", llm.base_url,
                          "--no-compile", workers=2) as srv:
            a = httpx.post(srv.url + "/api/jobs", json={"source": "2501.10005"}).json()
            b = httpx.post(srv.url + "/api/jobs", json={"source": "2501.10005v1"}).json()
            assert a["id"] != b["id"]  # "latest" and "v1" are different requests...
            done = [wait_job(srv.url, j["id"], timeout=180) for j in (a, b)]
    assert [d["status"] for d in done] == ["done", "done"] and {d["paper_id"] for d in done} == {"2501.10005v1"}
    report = json.loads((data / "papers" / "2501.10005v1" / "report.json").read_text())
    assert report["requests"] > 0 and stats_requests(stats) == report["requests"]  # ...translated once


@pytest.mark.parametrize("args, words", [
    (["serve", "--port", "0"], "no translation engine configured"),
    (["serve", "--engine", "pseudo", "--database", "mysql://x/y"], "expected postgresql://"),
    (["tokens", "create", "bad name!"], "a token name is"),
    (["tokens", "revoke", "nobody"], "no such active token"),
    (["tokens", "create"], "a NAME is required"),
    (["library", "remove"], "a paper ID is required"),
])
def test_command_errors_are_one_line(tmp_path, args, words):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ARXIV_TRANSLATOR_"))}
    env["HOME"] = str(tmp_path)  # no user config file
    done = cli(*args, "--data", str(tmp_path / "lib"), env=env)
    assert done.returncode not in (0, 1) and words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
