"""``batch --out URL``: the batch state and the paper folders on an fsspec file system (``memory://``,
``file://``); the same batch on a local Ray is in ``test_many_ray.py``."""

from __future__ import annotations

import json
import uuid

import pytest

pytest.importorskip("fsspec")

from arxiv_translator.cli import main  # noqa: E402
from arxiv_translator.many.batch_state import BatchState  # noqa: E402
from arxiv_translator.many.store import Remote, is_url, local_work  # noqa: E402
from many_helpers import SAMPLE, pseudo_outputs  # noqa: E402,F401


@pytest.mark.parametrize("out, url", [("s3://bucket/papers", True), ("file:///tmp/x", True),
                                      ("memory://b", True), ("papers", False), ("./a://b", False),
                                      ("/tmp/papers", False)])
def test_what_is_a_url(out, url):
    assert is_url(out) is url


def test_state_and_papers_at_a_memory_url(pseudo_outputs, tmp_path):  # noqa: F811
    base, reports = pseudo_outputs
    url = f"memory://batches-{uuid.uuid4().hex[:8]}/papers"
    remote = Remote(url)
    state = BatchState.load(tmp_path, remote)
    assert state.entries == []
    state.merge([("a.tex", "sample.ko"), ("b.mmd", "mmd.ko")])
    order: list[str] = []
    put = remote.fs.put_file
    remote.fs.put_file = lambda src, dst, **kw: (order.append(dst.rsplit("/", 1)[1]), put(src, dst, **kw))
    remote.upload(base / "papers" / "sample.ko", "sample.ko")
    assert order[-1] == "report.json" and "segments.jsonl" in order  # the finished mark goes last
    remote.upload(base / "papers" / "mmd.ko", "mmd.ko")
    remote.remove("mmd.ko/report.json")  # an upload cut short: not finished
    state.reconcile()
    state.save()
    again = BatchState.load(tmp_path / "elsewhere", Remote(url))  # read back from the URL, not from disk
    assert [(e.folder, e.status) for e in again.entries] == [("sample.ko", "done"), ("mmd.ko", "pending")]
    assert again.entries[0].segments == reports["sample"]["segments"]["total"] > 0
    assert again.where == f"{url}/batch.json" and not (tmp_path / "batch.json").exists()
    remote.remove("sample.ko")
    assert not remote.exists("sample.ko/segments.jsonl") and remote.read_text("nothing.json") is None
    remote.write_text("batch.json", "{broken")
    with pytest.raises(Exception, match="not a batch status file"):
        BatchState.load(tmp_path, remote)


def test_local_batch_to_a_file_url_with_a_budget(tmp_path, capsys):
    target = tmp_path / "store" / "papers"
    url = target.as_uri()
    args = ["batch", str(SAMPLE), "--out", url, "--workers", "1", "--engine", "pseudo", "--no-compile",
            "--budget", "1.0", "--quiet", "--cache", str(tmp_path / "tm.sqlite3")]
    assert main(args) == 0, capsys.readouterr().err
    table = json.loads((target / "batch.json").read_text(encoding="utf-8"))
    [paper] = table["papers"]
    assert paper["status"] == "done" and paper["segments"] > 0
    assert (target / paper["folder"] / "report.json").is_file()
    reservation = target / ".batch" / f"{paper['folder']}.reservation.json"
    assert json.loads(reservation.read_text())["cost_usd"] == 0.0  # written at the URL by the worker
    assert not (local_work(url) / "papers" / paper["folder"]).exists()  # the scratch copy is gone


@pytest.mark.parametrize("out, words", [("nosuchfs://x/y", "not a file system fsspec knows"),
                                        ("s3://bucket/papers", "s3fs")])
def test_bad_url_is_one_line_before_anything_starts(out, words, capsys):
    if out.startswith("s3:"):
        try:
            import s3fs  # noqa: F401
            pytest.skip("s3fs is installed: this URL would be tried")
        except ImportError:
            pass
    assert main(["batch", "2402.14714", "--out", out, "--engine", "pseudo"]) == 3
    err = capsys.readouterr().err.strip()
    assert words in err and out in err and "\n" not in err and not local_work(out).exists()
