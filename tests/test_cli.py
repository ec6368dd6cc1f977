"""The command line on bad and hostile input: one clear line, non-zero exit, nothing written outside --out."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from arxiv_translator.cli import main

MAIN = "\\documentclass{article}\\begin{document}\nSome prose to translate.\n{extra}\n\\end{document}\n"


def tar_with(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return path


def tree(tmp_path: Path, extra: str = "", files: dict[str, str] | None = None) -> Path:
    root = tmp_path / "paper"
    root.mkdir()
    (root / "main.tex").write_text(MAIN.replace("{extra}", extra), encoding="utf-8")
    for rel, text in (files or {}).items():
        (root / rel).write_text(text, encoding="utf-8")
    return root


def cases(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = MAIN.replace("{extra}", "").encode()
    return {
        "missing": (tmp_path / "nope", "no such file"),
        "not-archive": (tmp_path / "junk.tar.gz", "not a LaTeX source"),
        "absolute": (tar_with(tmp_path / "abs.tar.gz", {"/etc/evil.tex": good}), "abs.tar.gz"),
        "dotdot": (tar_with(tmp_path / "dd.tar.gz", {"../evil.tex": good}), "dd.tar.gz"),
        "link-out": (tar_with(tmp_path / "ln.tar.gz", {"main.tex": good}, {"x.tex": "/etc/passwd"}), "ln.tar.gz"),
        "no-main": (tar_with(tmp_path / "nomain.tar.gz", {"part.tex": b"Just text."}), "no main .tex"),
        "passwd": (tree(tmp_path / "a", "\\input{/etc/passwd}"), "outside the source tree"),
        "write18": (tree(tmp_path / "b", "\\immediate\\write18{touch /tmp/pwned}"), "shell escape"),
        "loop": (tree(tmp_path / "c", "\\input{x}", {"x.tex": "\\input{y}", "y.tex": "\\input{x}"}), "loop"),
    }


@pytest.mark.parametrize("name", ["missing", "not-archive", "absolute", "dotdot", "link-out", "no-main", "passwd",
                                  "write18", "loop"])
def test_bad_input(tmp_path, capsys, name):
    for sub in ("a", "b", "c"):
        (tmp_path / sub).mkdir()
    (tmp_path / "junk.tar.gz").write_bytes(b"\x00\x01not an archive at all" * 10)
    source, words = cases(tmp_path)[name]
    out = tmp_path / "out"
    before = sorted(p.name for p in tmp_path.iterdir())
    code = main(["translate", str(source), "--engine", "pseudo", "--out", str(out), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert len(err) == 1 and words in err[0], err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not Path("/tmp/pwned").exists()


def test_no_engine_configured_says_how(tmp_path, sample_paper, capsys):
    code = main(["translate", str(sample_paper), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 3
    assert "OPENAI_API_KEY" in err and "--engine pseudo" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_existing_output_is_never_overwritten(tmp_path, sample_paper, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep me", encoding="utf-8")
    code = main(["translate", str(sample_paper), "--engine", "pseudo", "--out", str(out), "--quiet"])
    assert code != 0 and "not empty" in capsys.readouterr().err
    assert (out / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["precious.txt"]


def test_estimate_calls_nothing_and_writes_nothing(tmp_path, sample_paper, capsys):
    code = main(["translate", str(sample_paper), "--engine", "openai", "--model", "gpt-4o-mini", "--estimate", "--json",
                 "--out", str(tmp_path / "out"), "--quiet", "--base-url", "http://127.0.0.1:9/v1"])
    assert code == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["to_translate"] >= 40 and data["characters"] > 3000 and data["cost_usd"] > 0
    assert not (tmp_path / "out").exists()


def test_gzipped_single_tex_and_default_out(tmp_path):
    src = tmp_path / "paper.gz"
    src.write_bytes(gzip.compress(MAIN.replace("{extra}", "More words here.").encode()))
    proc = subprocess.run([sys.executable, "-m", "arxiv_translator.cli", "translate", str(src), "--engine", "pseudo",
                           "--no-compile", "--quiet"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "paper.ko"
    assert (out / "segments.jsonl").is_file() and (out / "report.json").is_file()
    assert "Some prose" not in (out / "source" / "main.tex").read_text(encoding="utf-8")


def test_translate_tunes_the_garbage_collector_for_one_job(tmp_path, sample_paper):
    """The command freezes what the imports made and defers full collections; young objects are still
    collected at the usual rate (the CPU this saves is measured by bench/bench_startup.py)."""
    import gc

    before = gc.get_threshold()
    try:
        code = main(["translate", str(sample_paper), "--engine", "pseudo", "--no-compile", "--outputs", "md",
                     "--out", str(tmp_path / "out"), "--quiet"])
        assert code == 0 and (tmp_path / "out" / "paper.ko.md").is_file()
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold() == (before[0], before[1], 10_000)
        assert gc.isenabled()  # off only while the job's modules were imported
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="TeX Live is installed by scripts/setup.sh")
def test_readme_sample_command_with_relative_paths(tmp_path, sample_paper):
    """The README's first command as a user types it: relative source and --out, from the checkout's folder.
    The compile jail binds the build folder by its absolute path (bubblewrap resolved a relative one in its
    own new root, found nothing, and the original was reported as not compiling)."""
    shutil.copytree(sample_paper, tmp_path / "examples" / "sample-paper")
    proc = subprocess.run([sys.executable, "-m", "arxiv_translator.cli", "translate", "examples/sample-paper",
                           "--engine", "pseudo", "--out", "sample.ko", "--quiet"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "sample.ko" / "report.json").read_text(encoding="utf-8"))
    assert report["compile"]["original_ok"] and report["compile"]["ok"], report["compile"]
    import pymupdf

    with pymupdf.open(tmp_path / "sample.ko" / "paper.ko.pdf") as pdf:
        assert pdf.page_count >= 1 and "초록" in pdf[0].get_text()


def test_progress_to_a_log_is_plain_lines_without_rich(tmp_path, sample_paper):
    """With stderr not a terminal (a pipe, a log file), progress is one plain line per stage and one for the
    translation's figures, with no bar drawn and rich never loaded; the summary is unchanged on stdout."""
    code = ("import sys; from arxiv_translator.cli import main; rc = main(sys.argv[1:]); "
            "print('rich loaded' if any(m.startswith('rich') for m in sys.modules) else 'no rich'); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code, "translate", str(sample_paper), "--engine", "pseudo",
                           "--no-compile", "--out", str(tmp_path / "out")], capture_output=True, text=True,
                          env={k: v for k, v in __import__("os").environ.items() if k != "FORCE_COLOR"})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0] == f"read: reading {sample_paper}"
    figures = [line for line in lines if line.startswith("translate: ")]
    assert len(figures) == 1 and " segments · " in figures[0], lines
    done, total = figures[0].split()[1].split("/")
    assert done == total and int(total) >= 40
    assert lines.index(figures[0]) < lines.index("write: writing the outputs")
    assert lines[-1] == f"done: {tmp_path / 'out'}"
    assert "━" not in proc.stderr and "" not in [line.strip() for line in lines]
    assert proc.stdout.splitlines()[-1] == "no rich" and proc.stdout.startswith("segments: ")



def _commands(parser):
    """The subcommand parsers of ``parser``, by name."""
    return parser._subparsers._group_actions[0].choices


@pytest.mark.parametrize("argv", [
    ["translate", "paper/", "--engine", "pseudo", "--no-compile", "--outputs", "md,jsonl", "--quiet"],
    ["resume", "out.ko"], ["status", "out.ko"], ["schema", "report"], ["engines"],
    ["corpus", "a", "--out", "c.jsonl"], ["serve", "--port", "9000"],
])
def test_a_commands_parser_parses_as_the_whole_one(argv):
    """The parser built for one command (only its group of subcommands, for start-up CPU) gives the same options
    as the parser of every command, and the same help for that command."""
    from arxiv_translator.cli import build_parser

    whole = build_parser()
    assert vars(build_parser(argv).parse_args(argv)) == vars(whole.parse_args(argv))
    mine = _commands(build_parser(argv))
    assert argv[0] in mine and len(mine) < len(_commands(whole))
    assert mine[argv[0]].format_help() == _commands(whole)[argv[0]].format_help()


@pytest.mark.parametrize("argv", [[], ["--help"], ["--version"], ["nosuchcommand"], ["-h", "translate"]])
def test_without_a_command_first_the_whole_parser_is_built(argv):
    from arxiv_translator.cli import build_parser

    assert set(_commands(build_parser(argv))) == set(_commands(build_parser()))
    assert {"translate", "resume", "engines", "corpus", "serve"} <= set(_commands(build_parser(argv)))


def test_an_unknown_command_lists_every_command(capsys):
    from arxiv_translator.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["translat", "x"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'translat'" in err and "'translate'" in err and "'serve'" in err
