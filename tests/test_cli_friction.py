"""The first five minutes with the command line: no dead ends (issue 10).

Each test runs the real command (``python -m arxiv_translator.cli``) in a
subprocess, as a new user would, against local servers only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, SAMPLE
from fake_openai import FakeOpenAI

from arxiv_translator.config import Settings
from arxiv_translator.engines import create_engine
from arxiv_translator.errors import EngineError, TransientEngineError
from arxiv_translator.glossary import Glossary
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.latex import LatexReader
from arxiv_translator.translation.translator import TranslateOptions, Translator

ARXIV_ID = "2402.18563"


def cli(args: list[str], tmp_path: Path, env: dict[str, str] | None = None,
        timeout: float = 300) -> tuple[subprocess.CompletedProcess, float]:
    """Run the command like a user; returns the process and its wall time."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ARXIV_TRANSLATOR_", "OPENAI_"))}
    base.update(PYTHONPATH=str(ROOT), ARXIV_TRANSLATOR_CACHE=str(tmp_path / "cache.sqlite3"),
                ARXIV_TRANSLATOR_DOWNLOADS=str(tmp_path / "downloads"), XDG_CONFIG_HOME=str(tmp_path / "config"),
                COLUMNS="200")
    base.update(env or {})
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "arxiv_translator.cli", *args], capture_output=True, text=True,
                          cwd=tmp_path, env=base, timeout=timeout)
    return proc, time.monotonic() - started


# -- no network: fail in seconds and say so -----------------------------------------------------------------------

@pytest.mark.parametrize("url, why", [
    ("http://arxiv.invalid", "DNS lookup failed"),
    ("http://127.0.0.1:9", "connection refused"),
])
def test_arxiv_without_network_fails_in_seconds(tmp_path, url, why):
    proc, seconds = cli(["translate", ARXIV_ID, "--engine", "pseudo"], tmp_path,
                        env={"ARXIV_TRANSLATOR_ARXIV_URL": url, "ARXIV_TRANSLATOR_ARXIV_API_URL": f"{url}/api/query"})
    err = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert why in err[-1] and "no network?" in err[-1] and ARXIV_ID in err[-1] and "Traceback" not in proc.stderr
    assert seconds < 30  # was ~90 s of silent retries (4 retries, 6 + 12 + 24 + 48 s)
    assert not (tmp_path / f"{ARXIV_ID}.ko").exists()


def test_engine_without_network_fails_in_seconds(tmp_path):
    proc, seconds = cli(["translate", str(SAMPLE), "--engine", "openai", "--base-url", "http://127.0.0.1:9/v1",
                         "--model", "m", "--out", str(tmp_path / "out"), "--no-compile"], tmp_path,
                        env={"OPENAI_API_KEY": "sk-test"})
    assert proc.returncode == 3, proc.stderr
    assert "connection refused" in proc.stderr and "no network?" in proc.stderr and seconds < 30


def test_engine_refused_mid_run_is_not_retried(tmp_path):
    """A server that goes away during the run: the translator stops at once instead of retrying."""
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.tex").write_text("\\documentclass{article}\n\\begin{document}\nA sentence to translate here.\n"
                                   "\\end{document}\n", encoding="utf-8")
    doc = LatexReader().read(root)
    mask_document(doc)
    settings = Settings(engine="openai", base_url="http://127.0.0.1:9/v1", model="m", max_retries=4, backoff=5.0)
    engine = create_engine("openai", settings.engine_settings())
    options = TranslateOptions(target="ko", style="academic", concurrency=1, batch_tokens=1000, max_retries=4,
                               backoff=5.0, force=True)
    translator = Translator(engine, Glossary.load(None, "ko").prepare(), options, None)
    started = time.monotonic()
    with pytest.raises(EngineError) as info:
        translator.run(doc)
    assert not isinstance(info.value, TransientEngineError)
    assert "connection refused" in str(info.value) and "no network?" in str(info.value)
    assert translator.usage.requests == 1 and translator.usage.retries == 0 and time.monotonic() - started < 5


# -- retries say what they are doing --------------------------------------------------------------------------------

class _Busy(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_arxiv_retries_show_progress(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Busy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        proc, _ = cli(["translate", ARXIV_ID, "--engine", "pseudo"], tmp_path,
                      env={"ARXIV_TRANSLATOR_ARXIV_URL": url, "ARXIV_TRANSLATOR_ARXIV_API_URL": f"{url}/api/query",
                           "ARXIV_TRANSLATOR_ARXIV_RETRIES": "2", "ARXIV_TRANSLATOR_ARXIV_INTERVAL": "0.05"})
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 2
    assert "HTTP 503; attempt 2 of 3" in proc.stderr and "HTTP 503; attempt 3 of 3" in proc.stderr
    assert "after 3 attempts" in proc.stderr.strip().splitlines()[-1]


def test_engine_retries_show_progress(tmp_path):
    with FakeOpenAI() as fake:
        fake.add_faults("500", "500")
        proc, _ = cli(["translate", str(SAMPLE), "--engine", "openai", "--base-url", fake.base_url, "--model", "m",
                       "--out", str(tmp_path / "out"), "--no-compile", "--concurrency", "1",
                       "--batch-tokens", "100000"], tmp_path, env={"OPENAI_API_KEY": "sk-test"})
    assert proc.returncode == 0, proc.stderr
    assert "retry:" in proc.stderr and "engine openai: http 500; attempt 2 of" in proc.stderr
    assert "attempt 3 of" in proc.stderr


# -- --estimate needs no engine and reads well ----------------------------------------------------------------------

def test_estimate_without_engine_is_readable(tmp_path):
    proc, _ = cli(["translate", str(SAMPLE), "--estimate"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith(f"estimate for {SAMPLE} (latex, main main.tex); no engine was called")
    assert "segments:" in out and "to translate" in out and "tokens:" in out
    assert "about $" in out and "openai gpt-4o-mini" in out and not out.lstrip().startswith("{")
    assert not (SAMPLE.parent / f"{SAMPLE.name}.ko").exists()  # wrote nothing, not even a folder
    cheap = json.loads(cli(["translate", str(SAMPLE), "--estimate", "--json"], tmp_path)[0].stdout)
    dear = json.loads(cli(["translate", str(SAMPLE), "--estimate", "--json", "--model", "gpt-4o"], tmp_path)[0].stdout)
    assert cheap["engine"]["model"] == "gpt-4o-mini" and dear["engine"]["model"] == "gpt-4o"
    assert dear["tokens"] == cheap["tokens"] and dear["cost_usd"] > cheap["cost_usd"] > 0
    unknown, _ = cli(["translate", str(SAMPLE), "--estimate", "--model", "my-local-model"], tmp_path)
    assert unknown.returncode == 0 and "no price for openai model 'my-local-model'" in unknown.stdout


# -- the order and wording of errors --------------------------------------------------------------------------------

def test_wrong_path_is_reported_before_a_missing_engine(tmp_path):
    proc, _ = cli(["translate", "no/such/paper.tex"], tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("arxiv-translator: error: no/such/paper.tex: no such file or directory "
                                   "(nor an arXiv id such as 2402.18563)")


@pytest.mark.parametrize("files, named", [
    (["paper.html", "paper.pdf"], "paper.html"),
    (["paper.mmd", "paper.pdf"], "paper.mmd"),
    (["paper.pdf"], "paper.pdf"),
])
def test_folder_without_tex_names_the_file_to_pass(tmp_path, files, named):
    folder = tmp_path / "paper"
    folder.mkdir()
    for name in files:
        (folder / name).write_bytes(b"<html></html>" if name.endswith(".html") else b"x")
    proc, _ = cli(["translate", "paper", "--engine", "pseudo"], tmp_path)
    assert proc.returncode == 2
    line = proc.stderr.strip().splitlines()[-1]
    assert "no main .tex file" in line and f"pass that file instead (arxiv-translator translate paper/{named})" in line


def test_help_lists_every_input_kind(tmp_path):
    top, _ = cli(["--help"], tmp_path)
    sub, _ = cli(["translate", "--help"], tmp_path)
    assert top.returncode == sub.returncode == 0
    flat = " ".join(sub.stdout.split())
    for kind in ("arXiv id or URL", "LaTeX folder", ".tex", ".tar.gz", ".zip", ".html", ".mmd", ".md", ".pdf", "PDF"):
        assert kind in flat, kind
    for kind in ("arXiv", "LaTeX", "HTML", "Markdown", "PDF"):
        assert kind in " ".join(top.stdout.split()), kind


# -- the report's seconds add up, and the banner says --engine --------------------------------------------------------

@pytest.mark.skipif(shutil.which("xelatex") is None or shutil.which("pdftotext") is None, reason="needs TeX Live")
def test_report_seconds_add_up_and_banner_is_ascii(tmp_path):
    out = tmp_path / "out"
    proc, _ = cli(["translate", str(SAMPLE), "--engine", "pseudo", "--out", str(out), "--quiet"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    seconds = json.loads((out / "report.json").read_text(encoding="utf-8"))["seconds"]
    stages = ("read", "check", "translate", "write", "compile", "other")
    assert abs(sum(seconds[name] for name in stages) - seconds["total"]) < 0.01, seconds
    assert seconds["compile"] > 0 and seconds["write"] + seconds["compile"] <= seconds["total"], seconds
    assert seconds["other"] < 0.1 * seconds["total"] + 0.5, seconds  # no untimed stage of any size
    assert seconds["overlapping"] == {"engine": "translate"} and seconds["engine"] <= seconds["translate"] + 0.05
    text = subprocess.run(["pdftotext", str(out / "paper.ko.pdf"), "-"], capture_output=True, text=True).stdout
    assert "(arxiv-translator --engine pseudo)" in text and "\u2013engine" not in text


def test_corpus_html_folder_hint(tmp_path):
    papers = sorted(p for p in (CORPUS / "arxiv").iterdir() if (p / "paper.html").is_file()) \
        if (CORPUS / "arxiv").is_dir() else []
    if not papers:
        pytest.skip("no corpus")
    proc, _ = cli(["translate", str(papers[0]), "--engine", "pseudo", "--out", str(tmp_path / "o")], tmp_path)
    assert proc.returncode == 2 and f"{papers[0]}/paper.html" in proc.stderr
