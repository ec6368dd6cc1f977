"""A job killed (SIGKILL) half-way through translation, or whose engine goes away, is continued by
rerunning the same command: only the missing segments go to the engine, and the outputs equal an
uninterrupted run's."""

from __future__ import annotations

import filecmp
import json
import shutil
import signal
import subprocess

import pytest
from conftest import SAMPLE
from jobkit import Model, cli_cmd, cli_env, rows, saved_state, wait_for
from standin import tools_available

pytestmark = pytest.mark.skipif(not tools_available(), reason="needs ../shared/tools (the stand-in model)")

SEGMENTS = 50  # segments of the sample paper (its author note is one)


def translate_args(model: Model, out, cache, source=SAMPLE) -> list[str]:
    return ["translate", str(source), "--engine", "openai", "--base-url", model.base_url, "--model", "standin",
            "--no-compile", "--concurrency", "2", "--batch-tokens", "50", "--out", str(out), "--cache", str(cache),
            "--quiet", "--outputs", "pdf,md,jsonl"]


def same_outputs(a, b, status: bool = True) -> None:
    """The same segments (and statuses, unless answers may come from the translation memory), Markdown, LaTeX."""
    def lines(path):
        return [r if status else {k: v for k, v in r.items() if k != "status"} for r in rows(path / "segments.jsonl")]

    assert lines(a) == lines(b)
    assert (a / "paper.ko.md").read_text(encoding="utf-8") == (b / "paper.ko.md").read_text(encoding="utf-8")
    cmp = filecmp.dircmp(a / "source", b / "source")
    assert not cmp.diff_files and not cmp.left_only and not cmp.right_only
    for sub in cmp.subdirs.values():
        assert not sub.diff_files and not sub.left_only and not sub.right_only


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """One whole run: its folder and how many requests it took."""
    tmp = tmp_path_factory.mktemp("whole")
    with Model(tmp / "stats.json") as model:
        proc = subprocess.run(cli_cmd(*translate_args(model, tmp / "out", tmp / "cache.sqlite3")),
                              capture_output=True, text=True, env=cli_env(), timeout=300)
        assert proc.returncode == 0, proc.stderr
        return tmp / "out", model.requests()


def test_sigkill_then_same_command_finishes_with_only_the_missing(tmp_path, uninterrupted):
    whole, whole_requests = uninterrupted
    out, cache = tmp_path / "out", tmp_path / "cache.sqlite3"
    with Model(tmp_path / "stats1.json", latency=0.15) as model:
        args = translate_args(model, out, cache)
        proc = subprocess.Popen(cli_cmd(*args), env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            halfway = wait_for(lambda: len(saved_state(out).get("results", {})) >= 12, timeout=120)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        assert halfway and proc.returncode == -signal.SIGKILL
        first_requests = model.requests()
    state = saved_state(out)
    saved = sum(1 for r in state["results"].values() if r["status"] != "failed")
    assert state["stage"] == "precheck" and not state["finished"] and 12 <= saved < SEGMENTS
    assert not (out / "report.json").exists() and first_requests < whole_requests
    cache.unlink()  # the translation memory is gone too: what is kept is the job's own state
    with Model(tmp_path / "stats2.json") as model:
        args = translate_args(model, out, cache)
        proc = subprocess.run(cli_cmd(*args), capture_output=True, text=True, env=cli_env(), timeout=300)
        assert proc.returncode == 0, proc.stderr
        second_requests = model.requests()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    restored, sent = report["job"]["restored_segments"], report["job"]["sent_segments"]
    assert restored == saved and sent == SEGMENTS - saved  # every saved answer kept; the rest asked once
    assert report["job"]["runs"] == 2 and report["segments"]["failed"] == 0
    assert second_requests <= sent and second_requests < whole_requests
    same_outputs(out, whole)
    print(f"\nrequests: whole run {whole_requests}; killed run {first_requests} + resumed run {second_requests}; "
          f"segments restored {restored}, sent again {sent}")


def test_engine_gone_exits_with_the_resume_hint_and_completes_later(tmp_path, uninterrupted):
    whole, _ = uninterrupted
    out, cache = tmp_path / "out", tmp_path / "cache.sqlite3"
    paper = shutil.copytree(SAMPLE, tmp_path / "paper")  # deleted before the resume: the job carries its files
    model = Model(tmp_path / "stats1.json", latency=0.15).start()
    port = model.port
    args = translate_args(model, out, cache, paper)
    proc = subprocess.Popen(cli_cmd(*args), env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: len(saved_state(out).get("results", {})) >= 8, timeout=120)
    finally:
        model.stop()  # the server goes away half-way
    _, err = proc.communicate(timeout=300)
    lines = err.strip().splitlines()
    assert proc.returncode == 4, err
    assert len(lines) == 1 and "cannot reach the server" in lines[0], err
    assert f"to continue, run `arxiv-translator resume {out}`" in lines[0] and "stopped in stage translate" in lines[0]
    state = saved_state(out)
    assert state["errors"] and state["errors"][-1]["stage"] == "translate" and not state["finished"]
    status = subprocess.run(cli_cmd("status", str(out)), capture_output=True, text=True, env=cli_env())
    assert status.returncode == 0 and "last finished stage: precheck" in status.stdout
    assert "cannot reach the server" in status.stdout and f"resume {out}" in status.stdout
    assert (out / ".job" / "assets" / "main.tex").read_bytes() == (SAMPLE / "main.tex").read_bytes()
    shutil.rmtree(paper)
    with Model(tmp_path / "stats2.json", port=port) as back:  # the server is back, same address
        again = subprocess.run(cli_cmd("resume", str(out), "--quiet"), capture_output=True, text=True,
                               env=cli_env(), timeout=300)
        assert again.returncode == 0, again.stderr
        assert 0 < back.requests()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["job"]["restored_segments"] >= 8 and report["segments"]["failed"] == 0
    same_outputs(out, whole, status=False)  # answers the state missed may come from the translation memory
