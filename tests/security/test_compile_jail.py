"""Hostile LaTeX sources against the compile jail: each test is an attack that must fail.

The attacks: a main file whose name runs a command in a shell, a ``biber.conf``
that makes biber write outside the job, a ``\\special{pdf:fstream}`` that
embeds a file from outside into the PDF, a link to a file outside read with
``\\openin``, and TeX loops that would hold the job for ever.
"""

from __future__ import annotations

import io
import json
import tarfile
import time
from pathlib import Path

import pytest
from jailkit import all_output_text, cli  # noqa: F401 - cli is a fixture

from arxiv_translator.writers.latex.jail import Sandbox

pytestmark = pytest.mark.slow
BWRAP = Sandbox("auto").isolated
needs_bwrap = pytest.mark.skipif(not BWRAP, reason="bubblewrap cannot create namespaces on this machine")

PROSE = "This paper studies a simple question about translation and typesetting in some detail.\n"
SECRET = "TOP-SECRET-7f3a9c"


def paper(folder: Path, body: str, name: str = "main.tex", preamble: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\\documentclass{article}\n" + preamble + "\\begin{document}\n\\section{Introduction}\n"
                               + PROSE + body + "\n\\end{document}\n", encoding="utf-8")
    return folder


def report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("form", ["folder", "tar"])
def test_main_file_name_runs_no_command(tmp_path, cli, form):
    name = "pa`cd;touch CANARY`per$(cd;touch CANARY2).tex"
    src = paper(tmp_path / "src", "", name=name)
    if form == "tar":
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tar:
            tar.add(src / name, arcname=name)
        (tmp_path / "paper.tar.gz").write_bytes(buf.getvalue())
        src = tmp_path / "paper.tar.gz"
    proc = cli(str(src), "--engine", "pseudo", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert not list(cli.home.glob("CANARY*")) and not list(tmp_path.rglob("CANARY*"))
    comp = report(tmp_path / "out")["compile"]
    assert comp["original_ok"] is True and comp["ok"] is True, comp
    assert (tmp_path / "out" / "source" / name).is_file()  # the user's tree keeps its name


def test_biber_conf_cannot_write_outside(tmp_path, cli):
    canary = tmp_path / "CANARY.bbl"
    src = paper(tmp_path / "src", "Text \\cite{a}.\n\\printbibliography\n",
                preamble="\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n")
    (src / "refs.bib").write_text("@article{a, author={A. Author}, title={A title}, journal={J}, year={2020}}\n")
    for conf in ("biber.conf", ".biber.conf"):
        (src / conf).write_text(f"<config>\n  <output_file>{canary}</output_file>\n</config>\n")
    proc = cli(str(src), "--engine", "pseudo", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert not canary.exists()
    comp = report(tmp_path / "out")["compile"]
    assert comp["original_ok"] is True and comp["ok"] is True, comp
    assert any("biber.conf" in item for item in comp["refused_files"])


def _fstream_paper(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n")
    body = ("\\ifdefined\\XeTeXversion\n"
            f"\\special{{pdf:fstream @leak ({secret})}}\\special{{pdf:put @catalog << /Leak @leak >>}}\n"
            "\\fi\n")
    return paper(tmp_path / "src", body)


@needs_bwrap
def test_pdf_fstream_of_a_file_outside_finds_nothing(tmp_path, cli):
    src = _fstream_paper(tmp_path)
    proc = cli(str(src), "--engine", "pseudo", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "paper.ko.pdf").is_file()
    assert SECRET.encode() not in all_output_text(tmp_path / "out")
    assert report(tmp_path / "out")["compile"]["sandbox"] == "bubblewrap"


def test_without_sandbox_the_same_attack_is_reported(tmp_path, cli):
    """The fallback: no OS sandbox, the report and the terminal say so (and the special does leak)."""
    src = _fstream_paper(tmp_path)
    proc = cli(str(src), "--engine", "pseudo", "--out", str(tmp_path / "out"),
               env={"ARXIV_TRANSLATOR_COMPILE_SANDBOX": "none"})
    assert proc.returncode == 0, proc.stderr
    rep = report(tmp_path / "out")
    assert rep["compile"]["sandbox"] == "none"
    assert any("without an OS sandbox" in w for w in rep["warnings"])
    assert "without an OS sandbox" in proc.stdout
    assert SECRET.encode() in all_output_text(tmp_path / "out")  # proves the attack is real


def test_link_to_a_file_outside_is_not_staged(tmp_path, cli):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n")
    body = ("\\newread\\leakin\\openin\\leakin=leak.txt\n"
            "\\ifeof\\leakin\\else\\read\\leakin to\\leaked\\message{LEAKED:\\leaked}\\fi\n")
    src = paper(tmp_path / "src", body)
    (src / "leak.txt").symlink_to(secret)
    (src / "inside.txt").write_text("fine\n")
    (src / "ok-link.txt").symlink_to(src / "inside.txt")
    proc = cli(str(src), "--engine", "pseudo", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert SECRET.encode() not in all_output_text(tmp_path / "out")
    comp = report(tmp_path / "out")["compile"]
    assert comp["original_ok"] is True and comp["ok"] is True
    assert any(item.startswith("leak.txt (link to a file outside") for item in comp["refused_files"])
    assert not any(item.startswith("ok-link.txt") for item in comp["refused_files"])


def test_a_loop_only_xetex_falls_into_costs_one_build_limit(tmp_path, cli):
    src = paper(tmp_path / "src", "\\ifdefined\\XeTeXversion\\def\\spin{\\spin}\\spin\\fi\n")
    started = time.monotonic()
    proc = cli(str(src), "--engine", "pseudo", "--out", str(tmp_path / "out"),
               env={"ARXIV_TRANSLATOR_COMPILE_TIMEOUT": "15"})
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    comp = report(tmp_path / "out")["compile"]
    assert comp["ok"] is True and comp["engine"] == "pdflatex", comp
    assert comp["engines_tried"][0].startswith("xelatex: timed out")
    assert elapsed < 2 * 15 + 60


def test_the_job_compile_budget_stops_everything(tmp_path, cli):
    src = paper(tmp_path / "src", "\\def\\spin{\\spin}\\spin\n")
    started = time.monotonic()
    proc = cli(str(src), "--engine", "pseudo", "--out", str(tmp_path / "out"),
               env={"ARXIV_TRANSLATOR_COMPILE_BUDGET": "6"})
    assert time.monotonic() - started < 60
    assert "Traceback" not in proc.stderr
    comp = report(tmp_path / "out")["compile"]
    assert comp["original_ok"] is False and "compile_budget" in comp["original_message"]
    assert comp["ok"] is False and "compile_budget" in comp["message"]


def test_uncompilable_original_spends_no_tokens(tmp_path, cli):
    from fake_openai import FakeOpenAI

    src = paper(tmp_path / "src", "\\undefinedcommandhere\n")
    with FakeOpenAI() as server:
        args = [str(src), "--engine", "openai", "--base-url", server.base_url, "--model", "fake-model"]
        proc = cli(*args, "--out", str(tmp_path / "out"), env={"OPENAI_API_KEY": server.api_key})
        assert proc.returncode == 6 and "does not compile" in proc.stderr and "--no-compile" in proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
        assert len(server.requests) == 0
        proc = cli(*args, "--out", str(tmp_path / "out2"), "--no-compile", env={"OPENAI_API_KEY": server.api_key})
        assert proc.returncode == 0, proc.stderr
        assert len(server.requests) >= 1
