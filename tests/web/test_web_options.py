"""Per-job options (``serve --allow-options``): validated against the operator's policy, applied to the job,
part of its signature (de-duplication), and shown in the request form only where allowed.

Jobs really run (pipeline + pseudo engine, or the fake OpenAI server as a second engine) against the local
fake arXiv, in this process; the last test starts a real ``serve`` process with ``--allow-options``.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
from webkit import FakeArxiv, ServeProcess, arxiv_env, make_service, run_queue, wait_job

from fake_arxiv import SAMPLE_ID
from fake_openai import FakeOpenAI

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from arxiv_translator.errors import ConfigError  # noqa: E402
from arxiv_translator.web import queue  # noqa: E402
from arxiv_translator.web.app import WebOptions, create_app  # noqa: E402
from arxiv_translator.web.options import parse_policy  # noqa: E402


@pytest.fixture(scope="module")
def fake():
    with FakeArxiv() as server:
        yield server


@pytest.fixture(scope="module")
def llm():
    with FakeOpenAI(api_key="sk-test", model="fake-model") as server:
        yield server


@pytest.fixture
def config(tmp_path, llm):
    """An operator config: pseudo is the default engine; openai (the fake server) is configured too."""
    path = tmp_path / "config.toml"
    path.write_text(f'[engines.openai]\nbase_url = "{llm.base_url}"\napi_key = "sk-test"\nmodel = "fake-model"\n',
                    encoding="utf-8")
    return path


@pytest.fixture
def service(fake, tmp_path, monkeypatch, config):
    for name, value in arxiv_env(fake, tmp_path, 0.05).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    fake.requests.clear()
    return make_service(tmp_path / "lib", config=str(config))


def client(service, spec: str | None) -> TestClient:
    return TestClient(create_app(service, WebOptions(auth=False, allow=parse_policy(spec, service.settings))))


def report(service, job: dict) -> dict:
    return json.loads((service.papers_dir / job["paper_id"] / "report.json").read_text(encoding="utf-8"))


def test_policy_defaults_come_from_the_operator_config(service):
    policy = parse_policy("engine,style,model=fake-model|other-model", service.settings)
    assert policy.allowed == {"engine": ("pseudo", "openai"), "style": ("academic", "formal"),
                              "model": ("fake-model", "other-model")}
    assert parse_policy(None, service.settings).allowed == {}
    for spec, words in [("colour", "unknown option"), ("engine=pseudo|nosuch", "not a known engine"),
                        ("style=baroque", "not a known style"), ("engine=deepl", "deepl")]:
        with pytest.raises(ConfigError, match=words):
            parse_policy(spec, service.settings)


def test_allowed_style_is_applied_and_part_of_the_signature(service, llm):
    c = client(service, "engine,style")
    plain = c.post("/api/jobs", json={"source": f"{SAMPLE_ID}v1"}).json()
    formal = c.post("/api/jobs", json={"source": f"{SAMPLE_ID}v1", "options": {"style": "formal"}})
    assert formal.status_code == 202 and formal.json()["id"] != plain["id"]  # other options: another job
    same = c.post("/api/jobs", json={"source": f"{SAMPLE_ID}v1", "options": {"style": "formal"}})
    assert same.status_code == 202 and same.json()["id"] == formal.json()["id"] and same.json()["joined"] is True
    # the operator's default written out is the same translation: it joins the plain job
    explicit = c.post("/api/jobs", json={"source": f"{SAMPLE_ID}v1", "options": {"style": "academic",
                                                                                  "engine": "pseudo"}})
    assert explicit.json()["id"] == plain["id"]
    ran = {job["id"]: job for job in run_queue(service)}
    assert sorted(ran) == sorted([plain["id"], formal.json()["id"]])
    assert all(job["status"] == "done" for job in ran.values()), ran
    got = report(service, ran[formal.json()["id"]])
    assert got["signature"]["style"] == "formal" and got["signature"]["engine"] == "pseudo"
    assert not llm.requests
    again = c.post("/api/jobs", json={"source": f"{SAMPLE_ID}v1", "options": {"style": "formal"}})
    assert again.status_code == 200 and again.json()["id"] == formal.json()["id"]
    assert again.json()["status"] == "done"


def test_allowed_engine_and_model_run_the_job_on_that_engine(service, llm):
    llm.requests.clear()
    c = client(service, "engine,model=fake-model|other-model")
    r = c.post("/api/jobs", json={"source": f"{SAMPLE_ID}v1", "options": {"engine": "openai",
                                                                           "model": "other-model"}})
    assert r.status_code == 202
    (job,) = run_queue(service)
    assert job["status"] == "done", job["error"]
    sig = report(service, job)["signature"]
    assert sig["engine"] == "openai" and sig["model"] == "other-model"
    assert llm.requests and {req["body"]["model"] for req in llm.requests} == {"other-model"}
    assert json.loads(job["options"]) == {"engine": "openai", "model": "other-model"}


@pytest.mark.parametrize("spec, options, words", [
    (None, {"style": "formal"}, "options are not open to requesters"),
    ("style", {"engine": "openai"}, "option 'engine' is not open to requesters on this server (open: style)"),
    ("engine,style", {"temperature": 2}, "unknown option 'temperature'"),
    ("engine=pseudo", {"engine": "openai"}, "option 'engine': 'openai' is not allowed here (allowed: pseudo)"),
    ("model=fake-model", {"model": "gpt-5-huge"}, "'gpt-5-huge' is not allowed here"),
    ("model", {"model": "<script>"}, "option 'model': expected a name"),
    ("style", {"style": ["formal"]}, "option 'style': expected a name"),
])
def test_refused_options_are_400_naming_the_option(service, spec, options, words):
    r = client(service, spec).post("/api/jobs", json={"source": SAMPLE_ID, "options": options})
    assert r.status_code == 400 and words in r.json()["error"], r.json()
    assert queue.queue_length(service.db)["queued"] == 0


def test_form_shows_only_allowed_options_and_applies_them(service):
    bare = client(service, None).get("/")
    assert not re.search(r'name="(engine|model|style)"', bare.text)
    c = client(service, "engine,style")
    home = c.get("/").text
    assert re.search(r'<select id="opt-engine" name="engine">', home) and 'value="openai"' in home
    assert re.search(r'<select id="opt-style" name="style">', home) and 'value="formal"' in home
    assert 'name="model"' not in home
    csrf = re.search(r'name="csrf" value="([^"]+)"', home).group(1)
    r = c.post("/request", data={"source": SAMPLE_ID, "csrf": csrf, "style": "formal", "engine": ""},
               follow_redirects=False)
    assert r.status_code == 303
    job = queue.get_job(service.db, r.headers["location"].rsplit("/", 1)[1])
    assert json.loads(job["options"]) == {"style": "formal"}
    r = c.post("/request", data={"source": SAMPLE_ID, "csrf": csrf, "model": "gpt-4o"}, follow_redirects=False)
    assert r.status_code == 400 and "option &#39;model&#39; is not open" in r.text
    assert 'value="formal"' in r.text and queue.queue_length(service.db)["queued"] == 1


def test_serve_allow_options_end_to_end(fake, tmp_path, config, llm):
    env = {**arxiv_env(fake, tmp_path), "OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    bad = ServeProcess(tmp_path / "bad", env, "--engine", "pseudo", "--no-compile", "--auth", "off",
                       "--allow-options", "engine=nosuch", workers=0)
    with pytest.raises(RuntimeError, match="not a known engine"):
        bad.start()
    with ServeProcess(tmp_path / "lib", env, "--engine", "pseudo", "--no-compile", "--auth", "off",
                      "--config", str(config), "--allow-options", "style") as srv:
        refused = httpx.post(f"{srv.url}/api/jobs", json={"source": SAMPLE_ID, "options": {"engine": "openai"}})
        assert refused.status_code == 400 and "'engine' is not open" in refused.json()["error"]
        r = httpx.post(f"{srv.url}/api/jobs", json={"source": f"{SAMPLE_ID}v1", "options": {"style": "formal"}})
        assert r.status_code == 202
        job = wait_job(srv.url, r.json()["id"])
        assert job["status"] == "done", job["error"]
        rep = httpx.get(f"{srv.url}/papers/{job['paper_id']}/report").json()
        assert rep["signature"]["style"] == "formal" and rep["signature"]["engine"] == "pseudo"


def test_a_library_made_before_options_gains_the_column(service, tmp_path):
    from arxiv_translator.web.db import database_url, open_engine

    with service.db.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE jobs DROP COLUMN options")
    service.db.dispose()
    db = open_engine(database_url(tmp_path / "lib", None))
    with db.connect() as conn:
        assert "options" in [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(jobs)")]
    service.db = db
    c = client(service, "style")
    r = c.post("/api/jobs", json={"source": SAMPLE_ID, "options": {"style": "formal"}})
    assert r.status_code == 202
    assert c.get(f"/api/jobs/{r.json()['id']}").json()["options"] == {"style": "formal"}
    page = c.get(f"/jobs/{r.json()['id']}")
    assert page.status_code == 200 and "style=formal" in page.text
