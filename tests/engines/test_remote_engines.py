"""DeepL, Papago, Google and Anthropic end to end against local fakes of their APIs."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fake_services import FakeAnthropic, FakeDeepL, FakeGoogle, FakePapago
from standin import fidelity, fidelity_problems, tools_available

from arxiv_translator.cli import main
from arxiv_translator.config import Settings
from arxiv_translator.engines.papago import PING
from arxiv_translator.errors import EngineError
from arxiv_translator.pipeline import Job, run

FAKES = {"deepl": FakeDeepL, "papago": FakePapago, "google": FakeGoogle, "anthropic": FakeAnthropic}


def settings_for(name: str, server, **kw) -> Settings:
    """Settings pointing engine ``name`` at its fake, with the fake's key."""
    base: dict = dict(engine=name, base_url=server.base_url, api_key=server.key, compile=False, timeout=5.0,
                      max_retries=3, backoff=0.01, batch_tokens=600)
    if name == "papago":
        base["api_key_id"] = server.key_id
    base.update(kw)
    return Settings(**base)


def rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "segments.jsonl").read_text(encoding="utf-8").splitlines()]


def check_spans(out: Path) -> None:
    """Every row translated, kept or failed with a reason; protected LaTeX byte-identical."""
    for row in rows(out):
        assert row["status"] in ("translated", "cached", "kept", "failed"), row
        if row["status"] == "failed":
            assert row.get("reason"), row
        for needle in ("\\cite", "\\ref", "\\label", "$", "\\(", "\\url"):
            assert row["source"].count(needle) == row["translation"].count(needle), (needle, row)


@pytest.mark.parametrize("name", sorted(FAKES))
def test_sample_paper_end_to_end(name, tmp_path, sample_paper):
    with FAKES[name]() as server:
        server.add_faults(*(["429"] * (2 if name == "papago" else 1)))  # Papago's preflight is a real call
        started = time.monotonic()
        report = run(Job(source=sample_paper, settings=settings_for(name, server), out=tmp_path / "out"))
        seconds = time.monotonic() - started
        served, billed, bodies = server.requests, server.billed, server.bodies
    if name == "papago":  # the preflight translates one word (when not throttled); not part of the paper's usage
        pings = sum(1 for b in bodies if b["text"] == PING)
        served, billed, bodies = served - pings, billed - pings * len(PING), [b for b in bodies if b["text"] != PING]
    segs = report["segments"]
    assert segs["translated"] + segs["cached"] + segs["kept"] + segs["failed"] == segs["total"] >= 40
    assert segs["translated"] >= 0.9 * (segs["total"] - segs["kept"]), report["failed"]
    assert report["retries"] >= 1  # the queued 429 (a Papago 429 with a rate code, a Google 403 rate limit)
    assert report["requests"] == served + report["retries"]
    check_spans(tmp_path / "out")
    if tools_available():
        figures = fidelity("latex", sample_paper, tmp_path / "out" / "source")
        assert not [p for p in fidelity_problems(figures) if "lost" in p], figures
    if name == "anthropic":
        assert report["tokens"]["prompt"] > 0 and report["tokens"]["completion"] > 0 and report["cost_usd"] > 0
    else:
        assert report["characters"]["billed"] == billed > 0
        assert report["cost_usd"] == pytest.approx(billed * {"deepl": 25, "google": 20, "papago": 15}[name] / 1e6,
                                                    abs=1e-6)
    print(f"\nTABLE {name}: requests={report['requests']} retries={report['retries']} "
          f"chars_billed={report['characters']['billed']} tokens={report['tokens']} "
          f"seconds={seconds:.2f} cost_usd={report['cost_usd']}")
    LIMITS[name](bodies)


def _deepl_limits(bodies: list[dict]) -> None:
    for body in bodies:
        assert len(body["text"]) <= 50 and len(json.dumps(body).encode()) <= 128 * 1024
        assert body["tag_handling"] == "xml" and body["source_lang"] == "EN"
        assert "Transformer" in body.get("context", "") or body.get("context")


def _papago_limits(bodies: list[dict]) -> None:
    assert all(len(b["text"]) <= 5000 and b["honorific"] is False for b in bodies)
    assert any("\n" in b["text"] for b in bodies)  # segments share calls


def _google_limits(bodies: list[dict]) -> None:
    assert all(b["format"] == "html" and len(b["q"]) <= 128 for b in bodies)
    assert any('translate="no"' in q for b in bodies for q in b["q"])


def _anthropic_limits(bodies: list[dict]) -> None:
    assert all(b["max_tokens"] > 0 and b["system"] and b["messages"][0]["role"] == "user" for b in bodies)


LIMITS = {"deepl": _deepl_limits, "papago": _papago_limits, "google": _google_limits,
          "anthropic": _anthropic_limits}


def test_papago_mangled_markup_falls_back_per_segment(tmp_path, sample_paper):
    with FakePapago() as server:
        report = run(Job(source=sample_paper, settings=settings_for("papago", server), out=tmp_path / "out"))
    notes = report["fallbacks"]["notes"]
    assert notes.get("papago: placeholders changed; segment translated between protected spans", 0) >= 1, notes
    assert report["segments"]["failed"] == 0, report["failed"]
    check_spans(tmp_path / "out")


@pytest.mark.slow
def test_deepl_compiled_run(tmp_path, sample_paper):
    with FakeDeepL(key="abc:fx") as server:
        report = run(Job(source=sample_paper, settings=settings_for("deepl", server, compile=True),
                         out=tmp_path / "out"))
    assert report["compile"]["ok"] is True, report["compile"]
    assert any(f.endswith(".pdf") for f in report["outputs"]["latex"]), report["outputs"]
    assert report["cost_usd"] == 0  # a Free API key


@pytest.mark.parametrize("name", sorted(FAKES))
def test_wrong_key_is_one_line_before_anything_is_written(name, tmp_path, sample_paper, capsys):
    with FAKES[name]() as server:
        args = ["translate", str(sample_paper), "--engine", name, "--base-url", server.base_url, "--no-compile",
                "--out", str(tmp_path / "out")]
        env_key = {"deepl": "DEEPL_AUTH_KEY", "papago": "NCP_APIGW_API_KEY", "google": "GOOGLE_API_KEY",
                   "anthropic": "ANTHROPIC_API_KEY"}[name]
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv(env_key, "wrong")
            mp.setenv("NCP_APIGW_API_KEY_ID", "test-id")
            code = main(args)
        assert server.requests == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 3 and len(err) == 1 and f"engine {name}" in err[0], err
    assert ("refused the API key" in err[0]) or ("not valid" in err[0])
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", sorted(FAKES))
def test_missing_key_is_one_line(name, tmp_path, sample_paper, capsys):
    code = main(["translate", str(sample_paper), "--engine", name, "--no-compile", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 3 and len(err) == 1 and f"engine {name}: no API key" in err[0], err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("name,other", [("deepl", FakeAnthropic), ("papago", FakeGoogle), ("google", FakeDeepL),
                                        ("anthropic", FakeGoogle)])
def test_endpoint_that_is_not_the_engines_api(name, other, tmp_path, sample_paper, capsys):
    with other(key="k") as server:
        with pytest.MonkeyPatch.context() as mp:
            for var in ("DEEPL_AUTH_KEY", "NCP_APIGW_API_KEY", "NCP_APIGW_API_KEY_ID", "GOOGLE_API_KEY",
                        "ANTHROPIC_API_KEY"):
                mp.setenv(var, "k")
            code = main(["translate", str(sample_paper), "--engine", name, "--base-url", server.base_url,
                         "--no-compile", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 3 and len(err) == 1 and f"engine {name}" in err[0], err
    assert "does not answer like" in err[0] or "refused" in err[0] or "not valid" in err[0]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["deepl", "papago", "google"])
def test_quota_stops_the_run_and_a_rerun_resumes(name, tmp_path, sample_paper, capsys):
    with FAKES[name](char_limit=3000) as server:
        args = ["translate", str(sample_paper), "--engine", name, "--base-url", server.base_url, "--no-compile",
                "--out", str(tmp_path / "a"), "--concurrency", "1", "--batch-tokens", "300", "--quiet"]
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv({"deepl": "DEEPL_AUTH_KEY", "papago": "NCP_APIGW_API_KEY", "google": "GOOGLE_API_KEY"}[name],
                      server.key)
            mp.setenv("NCP_APIGW_API_KEY_ID", "test-id")
            code = main(args)
            err = capsys.readouterr().err.strip().splitlines()
            assert code == 4 and len(err) == 1 and "quota" in err[0].lower() and "run the same command" in err[0]
            first = server.billed
            assert first > 0
            server.char_limit = None
            args[args.index(str(tmp_path / "a"))] = str(tmp_path / "b")
            assert main(args) == 0
    report = json.loads((tmp_path / "b" / "report.json").read_text(encoding="utf-8"))
    assert report["segments"]["cached"] >= 1  # answers paid for before the stop were not bought again
    check_spans(tmp_path / "b")


def test_anthropic_cut_off_and_overloaded_answers_are_resent(tmp_path, sample_paper):
    with FakeAnthropic() as server:
        server.add_faults("529", "max_tokens")
        report = run(Job(source=sample_paper, settings=settings_for("anthropic", server, concurrency=1),
                         out=tmp_path / "out"))
    assert report["retries"] == 1 and report["fallbacks"]["resent"].get("cut off", 0) >= 1
    assert report["segments"]["failed"] == 0 and report["engine"]["unit"] == "tokens"


def test_anthropic_empty_credit_balance_stops_the_run(tmp_path, sample_paper):
    with FakeAnthropic() as server:
        server.add_faults("credit")
        with pytest.raises(EngineError, match="credit balance is too low.*run the same command again"):
            run(Job(source=sample_paper, settings=settings_for("anthropic", server, concurrency=1),
                    out=tmp_path / "out"))
    # the job stopped in translation: its folder keeps the state to resume from, and no outputs
    assert (tmp_path / "out" / ".job" / "state.json").is_file() and not (tmp_path / "out" / "report.json").exists()


def test_google_per_minute_limit_is_retried_and_daily_limit_stops(tmp_path, sample_paper):
    with FakeGoogle() as server:
        server.add_faults("minute")
        report = run(Job(source=sample_paper, settings=settings_for("google", server), out=tmp_path / "a"))
        assert report["retries"] == 1 and report["segments"]["failed"] == 0
        server.add_faults("quota")
        with pytest.raises(EngineError, match="daily quota exceeded"):
            run(Job(source=sample_paper, settings=settings_for("google", server, force=True), out=tmp_path / "b"))


def test_switching_engines_never_reuses_answers(tmp_path, sample_paper):
    with FakeDeepL() as deepl, FakeGoogle() as google:
        run(Job(source=sample_paper, settings=settings_for("deepl", deepl), out=tmp_path / "a"))
        report = run(Job(source=sample_paper, settings=settings_for("google", google), out=tmp_path / "b"))
        again = run(Job(source=sample_paper, settings=settings_for("deepl", deepl, deepl_glossary="g-1"),
                        out=tmp_path / "c"))
    assert report["segments"]["cached"] == 0 and google.requests > 0
    assert again["segments"]["cached"] == 0  # a glossary is part of the signature
    assert "glossary=g-1" in again["signature"]["options"]
