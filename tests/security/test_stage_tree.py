"""The build folder holds only regular files from inside the source tree (fast, no TeX)."""

from __future__ import annotations

import os

import pytest

from arxiv_translator.errors import CompileError, UnsafeInputError
from arxiv_translator.writers.latex.jail import MAX_DEPTH, Sandbox, stage_tree


def test_stage_tree_keeps_files_inside_and_lists_the_rest(tmp_path):
    src, outside = tmp_path / "src", tmp_path / "outside.txt"
    outside.write_text("secret")
    (src / "sec").mkdir(parents=True)
    (src / "main.tex").write_text("main")
    (src / "sec" / "a.tex").write_text("a")
    (src / "link-in.tex").symlink_to(src / "sec" / "a.tex")
    (src / "link-out.txt").symlink_to(outside)
    (src / "dangling.tex").symlink_to(src / "nowhere.tex")
    (src / "loop").symlink_to(".")
    (src / "updir").symlink_to("..")
    (src / ".hidden").write_text("x")
    (src / "sec" / "latexmkrc").write_text("system('touch pwned')")
    (src / "biber.conf").write_text("<config/>")
    (src / "texmf.cnf").write_text("TEXMFHOME=/")
    (src / "a`b`.tex").write_text("x")
    (src / "fig$(x).eps").write_text("x")
    os.mkfifo(src / "fifo")
    staged = stage_tree(src, tmp_path / "build")
    assert sorted(staged.files) == ["link-in.tex", "main.tex", "sec/a.tex"]
    files = sorted(p.relative_to(tmp_path / "build").as_posix() for p in (tmp_path / "build").rglob("*"))
    assert files == ["link-in.tex", "main.tex", "sec", "sec/a.tex"]
    assert not (tmp_path / "build" / "link-in.tex").is_symlink()
    refused = {item.split(" (")[0]: item.split(" (", 1)[1] for item in staged.refused}
    assert refused["link-out.txt"].startswith("link to a file outside")
    assert refused["loop"].startswith("link to a folder") and refused["updir"].startswith("link to a file outside")
    assert refused["dangling.tex"].startswith("dangling")
    assert refused["fifo"].startswith("not a regular file")
    assert {".hidden", "sec/latexmkrc", "biber.conf", "texmf.cnf", "a`b`.tex", "fig$(x).eps"} <= set(refused)


def test_stage_tree_renames_an_unsafe_main_file(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "p`id`.tex").write_text("main")
    staged = stage_tree(tmp_path / "src", tmp_path / "build", rename={"p`id`.tex": "safe.tex"})
    assert (tmp_path / "build" / "safe.tex").read_text() == "main" and staged.refused == []


def test_stage_tree_refuses_deep_trees(tmp_path):
    deep = tmp_path / "src"
    path = deep.joinpath(*["d"] * (MAX_DEPTH + 2))
    path.mkdir(parents=True)
    with pytest.raises(UnsafeInputError, match="nested deeper"):
        stage_tree(deep, tmp_path / "build")


def test_sandbox_settings(tmp_path):
    with pytest.raises(CompileError, match="expected auto, bwrap or none"):
        Sandbox("docker")
    none = Sandbox("none")
    assert not none.isolated and "without an OS sandbox" in none.warning
    env = none.env(tmp_path)
    assert env["openin_any"] == env["openout_any"] == "p" and env["shell_escape"] == "f"
    assert all(env[k].startswith(str(tmp_path)) for k in ("HOME", "TEXMFHOME", "TEXMFVAR", "TEXMFCONFIG"))
    assert "PYTHONPATH" not in env and "OPENAI_API_KEY" not in env


def test_sandbox_probes_bubblewrap_only_when_a_tool_runs(monkeypatch):
    """A run that compiles nothing (--no-compile) starts no bubblewrap probe."""
    from arxiv_translator.writers.latex import jail as tex_jail

    calls = []
    monkeypatch.setattr(tex_jail, "_bwrap_mode", lambda: calls.append(1) or ((), "bubblewrap (bwrap) is not installed"))
    strict = Sandbox("bwrap")
    assert calls == []
    with pytest.raises(CompileError, match="compile_sandbox = bwrap, but bubblewrap"):
        strict.isolated  # noqa: B018
    auto = Sandbox("auto")
    assert not auto.isolated and "not installed" in auto.warning and calls == [1, 1]
