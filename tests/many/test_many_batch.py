"""``batch``: five papers from the local arXiv with 3 workers, SIGKILLed half-way, resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arxiv_translator.cli import main
from arxiv_translator.many.batch import read_sources
from arxiv_translator.many.throttle import FileThrottle
from conftest import CORPUS, ROOT
from fake_arxiv import FakeArxiv
from standin import Standin, tools_available

IDS = ["2404.10198", "2404.11584v1", "2402.14714", "2403.01432", "2403.18058"]
INTERVAL = 0.3
needs = pytest.mark.skipif(not tools_available() or not (CORPUS / "arxiv").is_dir(), reason="needs ../shared")


def batch_cmd(ids: Path, out: Path, llm: Standin) -> list[str]:
    return [sys.executable, "-m", "arxiv_translator.cli", "batch", str(ids), "--out", str(out), "--workers", "3",
            "--engine", "openai", "--base-url", llm.base_url, "--model", "standin", "--no-compile"]


def state(out: Path) -> dict:
    try:
        return json.loads((out / "batch.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def workers_alive(out: Path) -> list[int]:
    """Pids of processes still running a worker of this batch."""
    alive = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(out) in (proc / "cmdline").read_bytes().decode(errors="replace"):
                alive.append(int(proc.name))
        except OSError:
            continue
    return alive


@needs
def test_kill_and_resume(tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("# five papers\n" + "\n".join(IDS) + "\nnot-an-id!\n\n", encoding="utf-8")
    out = tmp_path / "papers"
    with FakeArxiv() as arxiv, Standin(FAKE_LATENCY_S="1.0") as llm:
        env = {**os.environ, **arxiv.env(INTERVAL, tmp_path / "downloads"), "OPENAI_API_KEY": "sk-test",
               "ARXIV_TRANSLATOR_CACHE": str(tmp_path / "memory.sqlite3"), "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen(batch_cmd(ids, out, llm), env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while state(out).get("summary", {}).get("done", 0) < 1 and time.monotonic() < deadline:
            assert proc.poll() is None, "the batch ended before it could be killed"
            time.sleep(0.05)
        assert workers_alive(out)  # the check below can see them
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        first = {p["folder"]: p for p in state(out)["papers"]}
        # finished = a report on disk (a worker may finish after the table was last written)
        finished = {name: (out / name / "report.json").stat().st_mtime_ns for name in first
                    if (out / name / "report.json").is_file()}
        assert 1 <= len(finished) < 5 and sum(p["status"] == "done" for p in first.values()) >= 1
        time.sleep(0.5)
        assert workers_alive(out) == []  # the workers died with the batch
        again = subprocess.run(batch_cmd(ids, out, llm), env=env, capture_output=True, text=True, timeout=600)
        assert again.returncode == 0, again.stderr[-2000:]
        gaps = arxiv.gaps()
        paths = arxiv.paths()
    assert f"{len(finished)} paper(s) already finished, skipped" in again.stderr
    assert "ids.txt:7: skipped, not an arXiv id" in again.stderr
    final = state(out)
    assert final["summary"]["done"] == 5 and len(final["papers"]) == 5
    for paper in final["papers"]:
        folder = out / paper["folder"]
        assert (folder / "report.json").is_file() and paper["segments"] > 0 and paper["source_kind"] == "html"
        before = first[paper["folder"]]["runs"]
        if paper["folder"] in finished:  # not redone
            assert paper["runs"] == before == 1
            assert (folder / "report.json").stat().st_mtime_ns == finished[paper["folder"]]
        else:  # started again (or for the first time)
            assert paper["runs"] == before + 1
    assert min(gaps) >= INTERVAL - 0.01, sorted(gaps)[:3]  # one politeness budget for all workers, across the kill
    assert sum("/html/" in p for p in paths) == 5  # every download happened once (the download cache)


def test_id_lists_report_garbage_lines(tmp_path):
    (tmp_path / "paper.mmd").write_text("# T\n\nText.\n", encoding="utf-8")
    listing = tmp_path / "ids.txt"
    listing.write_text("2402.14714\narXiv:2402.14714\n\n# comment\npaper.mmd\n../../etc/nothing here\n24x.1\n",
                       encoding="utf-8")
    sources, problems = read_sources([str(listing), "hep-th/9901001v2"])
    assert sources == ["2402.14714", str(tmp_path / "paper.mmd"), "hep-th/9901001v2"]
    assert [p.split(":", 2)[1] for p in problems] == ["6", "7"]


def test_no_usable_line_is_an_error(tmp_path, capsys):
    listing = tmp_path / "ids.txt"
    listing.write_text("nothing useful\n", encoding="utf-8")
    assert main(["batch", str(listing), "--out", str(tmp_path / "o"), "--engine", "pseudo"]) == 2
    assert "no paper to translate" in capsys.readouterr().err


def test_file_throttle_spaces_processes(tmp_path):
    """Two processes through one FileThrottle: starts never closer than the interval."""
    code = ("import sys, time; sys.path.insert(0, sys.argv[2]);"
            "from arxiv_translator.many.throttle import FileThrottle;"
            "t = FileThrottle(sys.argv[1]);\n"
            "for _ in range(4):\n"
            "    with t.slot(0.2): print(time.monotonic(), flush=True)\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "lock"), str(ROOT)], stdout=subprocess.PIPE,
                              text=True) for _ in range(2)]
    times = sorted(float(x) for p in procs for x in p.communicate(timeout=60)[0].split())
    assert len(times) == 8
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.2 - 0.005
    assert isinstance(FileThrottle(tmp_path / "lock"), FileThrottle)


@needs
def test_budget_stops_before_it_is_exceeded(tmp_path, monkeypatch, capsys):
    """Estimates (USD): 0.1105, 0.0638, 0.0708 at these prices; a budget of 0.20 fits the first two only."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    config = tmp_path / "prices.toml"
    config.write_text('prices = { "standin" = [2.5, 10.0] }\n', encoding="utf-8")
    papers = [str(CORPUS / "arxiv" / name / "paper.mmd") for name in ("2404.10198v1", "2404.14219v1", "2402.14714v1")]
    out = tmp_path / "papers"
    with Standin() as llm:
        code = main(["batch", *papers, "--out", str(out), "--workers", "2", "--engine", "openai", "--base-url",
                     llm.base_url, "--model", "standin", "--config", str(config), "--budget", "0.20", "--quiet"])
    assert code == 0
    table = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    statuses = [p["status"] for p in table["papers"]]
    assert statuses == ["done", "done", "skipped"], capsys.readouterr()
    assert table["papers"][2]["error"].startswith("budget") and not (out / table["papers"][2]["folder"]).exists()
    assert 0 < table["summary"]["cost_usd"] <= 0.20


def test_a_damaged_or_hostile_batch_json_is_refused(tmp_path, capsys):
    out = tmp_path / "papers"
    out.mkdir()
    (out / "batch.json").write_text(json.dumps({"papers": [{"source": "2402.14714", "folder": "../victim"}]}),
                                    encoding="utf-8")
    (tmp_path / "victim").mkdir()
    assert main(["batch", "2402.14714", "--out", str(out), "--engine", "pseudo"]) == 2
    assert "is not a plain name" in capsys.readouterr().err and (tmp_path / "victim").is_dir()
    (out / "batch.json").write_text("{not json", encoding="utf-8")
    assert main(["batch", "2402.14714", "--out", str(out), "--engine", "pseudo"]) == 2
    assert "not a batch status file" in capsys.readouterr().err
