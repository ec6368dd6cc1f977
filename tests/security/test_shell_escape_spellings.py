"""The LaTeX reader refuses shell escape in every spelling TeX accepts, with one line and exit code 2."""

from __future__ import annotations

import pytest

from arxiv_translator.cli import main

SPELLINGS = [
    r"\write18{touch CANARY}",
    r"\write 18{touch CANARY}",
    r"\immediate\write18{touch CANARY}",
    r"\immediate \write 18 {touch CANARY}",
    r"\write=18{touch CANARY}",
    "\\write\"12{touch CANARY}",
    r"\write'22{touch CANARY}",
    r"\wr^^69te18{touch CANARY}",
    r"\^^77rite18{touch CANARY}",
    r"\directlua{os.execute('touch CANARY')}",
]


def paper(tmp_path, body: str):
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.tex").write_text("\\documentclass{article}\n\\begin{document}\nSome words of a paragraph here.\n"
                                   f"{body}\n\\end{{document}}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("body", SPELLINGS)
def test_shell_escape_is_refused(tmp_path, capsys, body):
    code = main(["translate", str(paper(tmp_path, body)), "--engine", "pseudo", "--no-compile", "--quiet",
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "shell escape" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() and not (tmp_path / "CANARY").exists()


@pytest.mark.parametrize("body", [r"\immediate\write\@auxout{x}", r"\write 1{x}", r"\message{a^^Jb}", r"\write 180{x}"])
def test_other_writes_are_not_refused(tmp_path, body):
    assert main(["translate", str(paper(tmp_path, body)), "--engine", "pseudo", "--no-compile", "--quiet",
                 "--out", str(tmp_path / "out")]) == 0
