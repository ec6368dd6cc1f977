"""``batch --ray``: the five-paper batch from the local arXiv as Ray tasks on a local Ray (2 CPUs)."""

from __future__ import annotations

import json

import pytest

from arxiv_translator.cli import main
from conftest import CORPUS
from fake_arxiv import FakeArxiv

ray = pytest.importorskip("ray")

IDS = ["2404.10198", "2404.11584v1", "2402.14714", "2403.01432", "2403.18058"]
INTERVAL = 0.3


@pytest.fixture(scope="module")
def local_ray():
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=80 * 1024 * 1024)
    yield
    ray.shutdown()


def test_unreachable_ray_is_a_clear_error_before_anything_starts(tmp_path, capsys):
    if ray.is_initialized():
        pytest.skip("a Ray instance is already connected in this process")
    out = tmp_path / "papers"
    assert main(["batch", "2402.14714", "--out", str(out), "--engine", "pseudo", "--ray", "auto"]) == 3
    err = capsys.readouterr().err
    assert "--ray auto: cannot connect to a Ray cluster" in err and "\n" not in err.strip()
    assert not out.exists()


@pytest.mark.skipif(not (CORPUS / "arxiv").is_dir(), reason="needs ../shared/corpus")
def test_batch_on_local_ray(local_ray, tmp_path, monkeypatch, capsys):
    out = tmp_path / "papers"
    with FakeArxiv() as arxiv:
        for name, value in arxiv.env(INTERVAL, tmp_path / "downloads").items():
            monkeypatch.setenv(name, value)
        code = main(["batch", *IDS, "--out", str(out), "--workers", "2", "--engine", "pseudo", "--no-compile",
                     "--ray", "auto", "--quiet"])
        gaps = arxiv.gaps()
    assert code == 0, capsys.readouterr().err
    table = json.loads((out / "batch.json").read_text(encoding="utf-8"))
    assert table["summary"]["done"] == 5
    for paper in table["papers"]:
        assert paper["source_kind"] == "html" and paper["segments"] > 0 and paper["runs"] == 1
        assert (out / paper["folder"] / "report.json").is_file()
    assert min(gaps) >= INTERVAL - 0.01  # the throttle actor spaced every task's requests


@pytest.mark.skipif(not (CORPUS / "arxiv").is_dir(), reason="needs ../shared/corpus")
def test_batch_on_local_ray_to_an_fsspec_url(local_ray, tmp_path, monkeypatch, capsys):
    from arxiv_translator.many.store import local_work

    target = tmp_path / "bucket" / "papers"
    url = target.as_uri()  # file:///...: the fsspec path, not the local-folder one
    args = ["batch", *IDS[:3], "--out", url, "--workers", "2", "--engine", "pseudo", "--no-compile", "--ray", "auto",
            "--quiet", "--cache", str(tmp_path / "tm.sqlite3")]
    with FakeArxiv() as arxiv:
        for name, value in arxiv.env(INTERVAL, tmp_path / "downloads").items():
            monkeypatch.setenv(name, value)
        code = main(args)
        first = capsys.readouterr()
        asked = len(arxiv.paths())
        again = main(args)  # resumed from the state at the URL: every paper is finished, nothing is fetched
        second = capsys.readouterr()
        assert arxiv.paths()[asked:] == []
    assert code == 0 and again == 0, first.err
    table = json.loads((target / "batch.json").read_text(encoding="utf-8"))
    assert table["summary"]["done"] == 3 and f"-> {url}/batch.json" in first.out
    for paper in table["papers"]:
        folder = target / paper["folder"]
        assert paper["runs"] == 1 and paper["segments"] > 0
        assert {"report.json", "segments.jsonl"} <= {p.name for p in folder.iterdir()}
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        assert report["segments"]["total"] == paper["segments"]
        assert (target / ".batch" / f"{paper['folder']}.log").is_file()  # the task's log, uploaded
    assert "batch: 3 done, 0 failed" in second.out
    scratch = local_work(url) / "papers"
    assert not scratch.exists() or not any(p.is_dir() for p in scratch.iterdir())  # uploaded, then removed
