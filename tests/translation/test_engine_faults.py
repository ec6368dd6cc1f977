"""The OpenAI engine against a local chat-completions server with injected faults."""

from __future__ import annotations

import json
import shutil

import pytest
from fake_openai import FakeOpenAI

from arxiv_translator.cli import main
from arxiv_translator.config import Settings
from arxiv_translator.errors import ConfigError
from arxiv_translator.pipeline import Job, run


def settings(server: FakeOpenAI, **kw) -> Settings:
    base = dict(engine="openai", base_url=server.base_url, api_key="sk-test", model="fake-model", compile=False,
                timeout=1.0, max_retries=3, backoff=0.01, concurrency=1, batch_tokens=300)
    base.update(kw)
    return Settings(**base)


def rows(out):
    return [json.loads(line) for line in (out / "segments.jsonl").read_text(encoding="utf-8").splitlines()]


def test_every_fault_is_survived_and_accounted_for(tmp_path, sample_paper):
    with FakeOpenAI(hang_seconds=3.0) as server:
        server.add_faults("429", "500", "hang", "empty", "chatter", "english", "drop_placeholder", "truncated",
                          "garbage", "missing_id")
        report = run(Job(source=sample_paper, settings=settings(server), out=tmp_path / "out"))
        sent = len(server.requests)
    segs = report["segments"]
    assert segs["total"] == len(rows(tmp_path / "out")) >= 40
    assert segs["translated"] + segs["cached"] + segs["kept"] + segs["failed"] == segs["total"]
    assert segs["failed"] == 0  # every bad answer was re-sent and later answered well
    assert all(r["status"] in ("translated", "kept") for r in rows(tmp_path / "out"))
    assert report["requests"] == sent
    assert report["retries"] == 3  # 429, 500 and the hang
    resent = report["fallbacks"]["resent"]
    for reason in ("empty answer", "untranslated source", "dropped placeholder", "cut off", "JSON",
                   "missing from the answer"):
        assert resent.get(reason, 0) >= 1, (reason, resent)
    assert report["fallbacks"]["notes"].get("chatter around the answer stripped") == 1
    # protected spans came back: every translated row still holds its citations
    for row in rows(tmp_path / "out"):
        for needle in ("\\citep{", "\\ref{", "$"):
            assert row["source"].count(needle) == row["translation"].count(needle)


def test_persistent_bad_answers_keep_the_source(tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.tex").write_text("\\documentclass{article}\\begin{document}\nWe prove that $x>0$ holds for "
                                   "every input.\n\\end{document}\n", encoding="utf-8")
    with FakeOpenAI() as server:
        server.add_faults(*["drop_placeholder"] * 10)
        report = run(Job(source=root, settings=settings(server), out=tmp_path / "out"))
        assert len(server.requests) == 2  # once as a batch, once alone
    assert report["segments"]["failed"] == 1
    assert report["failed"][0]["reason"] == "dropped placeholder <x1/>"
    (row,) = rows(tmp_path / "out")
    assert row["status"] == "failed" and row["translation"] == row["source"]
    assert "We prove that $x>0$" in (tmp_path / "out" / "source" / "main.tex").read_text(encoding="utf-8")


def test_requests_respect_concurrency(tmp_path, sample_paper):
    with FakeOpenAI(latency=0.2) as server:
        report = run(Job(source=sample_paper, settings=settings(server, concurrency=3, batch_tokens=200),
                         out=tmp_path / "out"))
        assert 2 <= server.max_concurrent <= 3
    assert report["requests"] >= 6
    assert report["tokens"]["prompt"] > 0 and report["tokens"]["completion"] > 0


def test_cache_second_run_and_revision(tmp_path, sample_paper):
    with FakeOpenAI() as server:
        first = run(Job(source=sample_paper, settings=settings(server, batch_tokens=2500), out=tmp_path / "a"))
        n_first = len(server.requests)
        second = run(Job(source=sample_paper, settings=settings(server, batch_tokens=2500), out=tmp_path / "b"))
        assert len(server.requests) == n_first and second["requests"] == 0
        assert second["segments"]["cached"] == first["segments"]["translated"]
        revised = tmp_path / "revised"
        shutil.copytree(sample_paper, revised)
        intro = revised / "sections" / "intro.tex"
        text = intro.read_text(encoding="utf-8")
        old = "Parameter-efficient fine-tuning (PEFT) addresses this problem"
        assert old in text
        intro.write_text(text.replace(old, "Parameter-efficient fine-tuning (PEFT) solves this problem"),
                         encoding="utf-8")
        third = run(Job(source=revised, settings=settings(server, batch_tokens=2500), out=tmp_path / "c"))
        new_requests = server.requests[n_first:]
    assert third["requests"] == 1 and len(new_requests) == 1
    (sent,) = new_requests[0]["items"].values()
    assert sent.startswith("Parameter-efficient fine-tuning (PEFT) solves this problem")
    assert third["segments"]["translated"] == 1


def test_wrong_key_is_a_clear_error(tmp_path, sample_paper, capsys):
    with FakeOpenAI(api_key="sk-right") as server:
        with pytest.raises(ConfigError, match="refused the API key"):
            run(Job(source=sample_paper, settings=settings(server, api_key="sk-wrong"), out=tmp_path / "out"))
        code = main(["translate", str(sample_paper), "--engine", "openai", "--base-url", server.base_url,
                     "--no-compile", "--out", str(tmp_path / "out2"), "--quiet"])
    assert code != 0
    assert not (tmp_path / "out").exists() and not (tmp_path / "out2").exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "refused the API key" in err[0]
