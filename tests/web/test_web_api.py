"""The web library in process: the JSON API, the pages and the outputs, with FastAPI's TestClient.

Jobs really run (pipeline + pseudo engine) against the local fake arXiv, in this process.
"""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from webkit import FakeArxiv, arxiv_env, make_service, run_queue

from fake_arxiv import SAMPLE_ID

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from arxiv_translator.web import auth, queue  # noqa: E402
from arxiv_translator.web.app import WebOptions, create_app  # noqa: E402


@pytest.fixture(scope="module")
def fake():
    with FakeArxiv() as server:
        yield server


@pytest.fixture
def service(fake, tmp_path, monkeypatch):
    for name, value in arxiv_env(fake, tmp_path, 0.05).items():
        monkeypatch.setenv(name, value)
    fake.requests.clear()
    return make_service(tmp_path / "lib")


@pytest.fixture
def token(service):
    return auth.create_token(service.db, "alice")


def client(service, **opts) -> TestClient:
    return TestClient(create_app(service, WebOptions(**opts)))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_health_and_openapi(service):
    c = client(service)
    health = c.get("/healthz").json()
    assert health["ok"] is True and health["queue"] == {"queued": 0, "running": 0}
    spec = c.get("/openapi.json").json()
    assert "/api/jobs" in spec["paths"] and "/api/papers" in spec["paths"]
    assert c.get("/docs").status_code == 200


def test_submit_needs_a_token_when_auth_is_on(service, token):
    c = client(service, auth=True)
    r = c.post("/api/jobs", json={"source": SAMPLE_ID})
    assert r.status_code == 401 and "token" in r.json()["error"] and r.headers["www-authenticate"] == "Bearer"
    assert c.post("/api/jobs", json={"source": SAMPLE_ID}, headers=bearer("at_wrong")).status_code == 401
    r = c.post("/api/jobs", json={"source": SAMPLE_ID}, headers=bearer(token))
    assert r.status_code == 202
    body = r.json()
    assert body["status"] == "queued" and body["url"] == f"/jobs/{body['id']}" and body["joined"] is False
    auth.revoke_token(service.db, "alice")
    assert c.post("/api/jobs", json={"source": "2501.00002"}, headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("body, status, words", [
    (b"{not json", 422, "invalid request"),
    (json.dumps({"source": "../../etc/passwd"}).encode(), 400, "not an arXiv id"),
    (json.dumps({"source": "<script>alert(1)</script>"}).encode(), 400, "not an arXiv id"),
    (json.dumps({"source": ""}).encode(), 422, "source"),
    (json.dumps({"source": SAMPLE_ID, "extra": 1}).encode(), 422, "extra"),
    (json.dumps({"source": SAMPLE_ID, "options": {"engine": "openai"}}).encode(), 400, "options are not open"),
    (json.dumps({"source": "x" * 20000}).encode(), 413, "larger than"),
])
def test_garbage_gets_a_clear_4xx_and_fetches_nothing(service, fake, body, status, words):
    r = client(service, auth=False).post("/api/jobs", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == status, r.text
    assert words in r.json()["error"]
    assert fake.paths() == [] and queue.queue_length(service.db) == {"queued": 0, "running": 0}


def test_job_runs_then_duplicates_return_it(service, fake):
    c = client(service, auth=False)
    first = c.post("/api/jobs", json={"source": f"{SAMPLE_ID}v1"}).json()
    joined = c.post("/api/jobs", json={"source": f"https://arxiv.org/abs/{SAMPLE_ID}v1"})
    assert joined.status_code == 202 and joined.json()["id"] == first["id"] and joined.json()["joined"] is True
    [ran] = run_queue(service)
    assert ran["status"] == "done", ran["error"]
    job = c.get(f"/api/jobs/{first['id']}").json()
    assert job["status"] == "done" and job["paper_id"] == f"{SAMPLE_ID}v1"
    assert job["progress"]["total"] >= 40 and job["progress"]["done"] == job["progress"]["total"]
    asked = list(fake.paths())
    again = c.post("/api/jobs", json={"source": f"{SAMPLE_ID}v1"})
    assert again.status_code == 200 and again.json()["id"] == first["id"] and again.json()["status"] == "done"
    assert run_queue(service) == [] and fake.paths() == asked
    events = c.get(f"/api/jobs/{first['id']}/events").text
    assert "event: end" in events and '"status": "done"' in events


def test_library_search_in_english_and_korean(service):
    c = client(service, auth=False)
    c.post("/api/jobs", json={"source": SAMPLE_ID})
    run_queue(service)
    paper = c.get(f"/api/papers/{SAMPLE_ID}v1").json()
    assert paper["title"].startswith("Sparse Mixtures of Low-Rank Adapters") and "\\" not in paper["title"]
    assert re.search("[가-힣]", paper["title_ko"]) and re.search("[가-힣]", paper["abstract_ko"])
    assert paper["authors"] == ["Ada Lovelace", "Alan Turing"] and paper["categories"] == ["cs.CL", "cs.LG"]
    assert paper["versions"] == [f"{SAMPLE_ID}v1"] and "bilingual" in paper["summary"]["outputs"]
    korean_word = next(w for w in paper["title_ko"].split() if len(w) >= 3 and re.fullmatch("[가-힣]+", w))
    for q in ("Sparse", "adapters", "Lovelace", korean_word, korean_word[:2]):
        found = c.get("/api/papers", params={"q": q}).json()
        assert found["total"] == 1 and found["items"][0]["id"] == f"{SAMPLE_ID}v1", q
    assert c.get("/api/papers", params={"q": "quantum chromodynamics"}).json()["total"] == 0
    assert c.get("/api/papers", params={"category": "cs.CL"}).json()["total"] == 1
    assert c.get("/api/papers", params={"category": "math.AG"}).json()["total"] == 0
    assert c.get("/api/papers", params={"month": "2025-01"}).json()["total"] == 1
    assert c.get("/api/papers", params={"month": "Jan"}).status_code == 400
    assert c.get("/api/papers", params={"q": '" OR 1=1 --'}).json()["total"] == 0


def test_versions_and_their_translations_side_by_side(fake, service):
    from fake_arxiv import SAMPLE, FakePaper, tar_gz

    fake.add(FakePaper("2501.10009", version=2, title="Adapters, revised", eprint=tar_gz(SAMPLE)))
    c = client(service, auth=False)
    for source in ("2501.10009v2", "2501.10009v1"):
        assert c.post("/api/jobs", json={"source": source}).status_code == 202
    assert [j["status"] for j in run_queue(service)] == ["done", "done"]
    paper = c.get("/api/papers/2501.10009v2").json()
    assert paper["versions"] == ["2501.10009v1", "2501.10009v2"]  # oldest first, whatever the request order
    details = paper["version_details"]
    assert [d["version"] for d in details] == [1, 2] and all(re.search("[가-힣]", d["title_ko"]) for d in details)
    assert all("bilingual" in d["outputs"] for d in details)
    page = c.get("/papers/2501.10009v2").text
    cards = re.findall(r'<article class="card vcard( current)?" data-id="([^"]+)"', page)
    assert cards == [("", "2501.10009v1"), (" current", "2501.10009v2")]
    assert 'href="/papers/2501.10009v1/bilingual"' in page and 'href="/papers/2501.10009v1"' in page
    seg = paper["summary"]["segments"]
    shown = float(re.search(r'class="coverage">([0-9.]+)%', page).group(1))
    assert shown == round(100 * (seg["translated"] + seg["cached"]) / (seg["total"] - seg["kept"]), 1)
    latest = c.get("/papers/2501.10009", follow_redirects=False)  # no version: the latest translated one
    assert latest.status_code == 302 and latest.headers["location"] == "/papers/2501.10009v2"
    assert c.get("/papers/2501.10008").status_code == 404


def test_unknown_paper_fails_readably_and_leaves_no_half_paper(service):
    c = client(service, auth=False)
    job = c.post("/api/jobs", json={"source": "2501.99999"}).json()
    run_queue(service)
    got = c.get(f"/api/jobs/{job['id']}").json()
    assert got["status"] == "failed" and "2501.99999" in got["error"] and "no such paper" in got["error"]
    assert c.get("/api/papers").json()["total"] == 0
    assert not (service.papers_dir).exists() or not any(service.papers_dir.iterdir())
    page = c.get(f"/jobs/{job['id']}").text
    assert "no such paper" in page and "실패" in page


def test_pages_outputs_and_escaping(service):
    c = client(service, auth=False)
    c.post("/api/jobs", json={"source": SAMPLE_ID})
    run_queue(service)
    home = c.get("/")
    assert home.status_code == 200 and "번역 요청" in home.text and 'name="csrf"' in home.text
    assert "default-src 'none'" in home.headers["content-security-policy"]
    page = c.get(f"/papers/{SAMPLE_ID}v1")
    assert page.status_code == 200 and "Ada Lovelace" in page.text and "/papers/2501.00001v1/bilingual" in page.text
    out = c.get(f"/papers/{SAMPLE_ID}v1/bilingual")
    assert out.status_code == 200 and out.headers["content-type"].startswith("text/html")
    assert out.headers["content-security-policy"].startswith("sandbox")
    md = c.get(f"/papers/{SAMPLE_ID}v1/ko.md")
    assert md.headers["content-type"].startswith("text/markdown") and re.search("[가-힣]", md.text)
    for bad in ("../../../etc/passwd", "..%2F..%2Freport.json", "paper.ko.md", "ko.pdf"):
        assert c.get(f"/papers/{SAMPLE_ID}v1/{bad}").status_code == 404, bad
    assert c.get("/papers/..%2F..%2Fetc/bilingual").status_code == 404
    evil = "<script>alert(1)</script>"
    listing = c.get("/papers", params={"q": evil})
    assert listing.status_code == 200 and evil not in listing.text and "&lt;script&gt;" in listing.text
    assert c.get("/jobs/nonexistent").status_code == 404


def test_form_needs_csrf_and_token(service, token):
    c = client(service, auth=True)
    home = c.get("/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', home.text).group(1)
    r = c.post("/request", data={"source": SAMPLE_ID, "csrf": "forged", "token": token}, follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    r = c.post("/request", data={"source": SAMPLE_ID, "csrf": csrf, "token": "at_bad"}, follow_redirects=False)
    assert r.status_code == 401 and "token" in r.text
    r = c.post("/request", data={"source": "not an id", "csrf": csrf, "token": token}, follow_redirects=False)
    assert r.status_code == 400 and "not an arXiv id" in r.text
    r = c.post("/request", data={"source": SAMPLE_ID, "csrf": csrf, "token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
    assert queue.queue_length(service.db)["queued"] == 1


def test_hourly_limit(service):
    tok = auth.create_token(service.db, "bob", per_hour=1)
    c = client(service, auth=True)
    assert c.post("/api/jobs", json={"source": SAMPLE_ID}, headers=bearer(tok)).status_code == 202
    r = c.post("/api/jobs", json={"source": "2501.00002"}, headers=bearer(tok))
    assert r.status_code == 429 and "1 requests per hour" in r.json()["error"]


def test_private_library(service, token):
    c = client(service, auth=True, private=True)
    assert c.get("/api/papers").status_code == 401
    r = c.get("/papers", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert c.get("/api/papers", headers=bearer(token)).status_code == 200
    assert c.get("/healthz").status_code == 200
    login = c.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
    assert c.post("/login", data={"token": "at_bad", "csrf": csrf}, follow_redirects=False).status_code == 401
    assert c.post("/login", data={"token": token, "csrf": csrf}, follow_redirects=False).status_code == 303
    assert c.get("/papers").status_code == 200


def test_tokens_are_hashed_at_rest(service, token):
    db_file = service.data / "library.sqlite3"
    with sqlite3.connect(db_file) as conn:
        rows = conn.execute("SELECT name, hash FROM tokens").fetchall()
    assert rows == [("alice", auth.digest(token))] and token not in db_file.read_bytes().decode("latin-1")


def test_a_workers_shared_throttle_is_injected_into_its_jobs(service, fake, monkeypatch):
    """Every arXiv request of a job (metadata, source) goes through the worker's shared throttle
    (``Service.throttle``), none through the process-wide default."""
    from contextlib import contextmanager

    from arxiv_translator.sources import arxiv_client
    from arxiv_translator.web.throttle import SharedThrottle

    class Counting(SharedThrottle):
        turns = 0

        @contextmanager
        def slot(self, interval):
            with super().slot(interval):
                Counting.turns += 1
                yield

    @contextmanager
    def refuse(interval):
        raise AssertionError("a job used the process-wide throttle")
        yield

    monkeypatch.setattr(arxiv_client.THROTTLE, "slot", refuse)
    service.throttle = Counting(service.db, poll=0.01)
    client(service, auth=False).post("/api/jobs", json={"source": f"{SAMPLE_ID}v1"})
    [ran] = run_queue(service)
    assert ran["status"] == "done", ran["error"]
    assert Counting.turns >= 2 and Counting.turns == len(fake.paths()), (Counting.turns, fake.paths())
