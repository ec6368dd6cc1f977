"""Local inputs a user might be tricked into translating: one-file papers, link loops, deep trees, odd --out."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from jailkit import all_output_text, assert_one_line_error, cli  # noqa: F401 - cli is a fixture

SECRET = "PRIVATE-KEY-4b1d"


def home_with_paper(tmp_path: Path) -> Path:
    """A home folder holding a paper.tex, the files it uses, and things it must never read."""
    home = tmp_path / "user"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text(SECRET + "\n")
    (home / "notes.txt").write_text(SECRET + " notes\n")
    (home / "other-paper").mkdir()
    (home / "other-paper" / "draft.tex").write_text(SECRET + "\n")
    (home / "figs").mkdir()
    (home / "figs" / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    (home / "figs" / "unused.png").write_bytes(b"\x89PNG\r\n\x1a\nunused")
    (home / "sec").mkdir()
    (home / "sec" / "intro.tex").write_text("\\section{Introduction}\nWe study how papers are translated well.\n")
    (home / "refs.bib").write_text("@misc{a, title={A}}\n")
    (home / "mystyle.sty").write_text("\\ProvidesPackage{mystyle}\n\\newcommand{\\ours}{Ours}\n")
    (home / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage{graphicx,mystyle}\n\\graphicspath{{figs/}}\n"
        "% \\input{notes.txt} in a comment is not a reference\n"
        "\\begin{document}\n\\input{sec/intro}\nThe method is described here in plain words.\n"
        "\\includegraphics{plot}\n\\input{.ssh/id_rsa}\n"
        "\\bibliographystyle{plain}\\bibliography{refs}\n\\end{document}\n")
    return home


def test_single_tex_copies_only_what_it_references(tmp_path, cli):
    home = home_with_paper(tmp_path)
    proc = cli(str(home / "paper.tex"), "--engine", "pseudo", "--no-compile")  # default --out beside the file
    assert proc.returncode == 0, proc.stderr
    out = home / "paper.ko"
    copied = sorted(p.relative_to(out / "source").as_posix() for p in (out / "source").rglob("*") if p.is_file())
    assert copied == ["figs/plot.png", "mystyle.sty", "paper.tex", "refs.bib", "sec/intro.tex"]
    assert SECRET.encode() not in all_output_text(out)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["segments"]["total"] >= 2


def test_link_loop_in_a_source_folder(tmp_path, cli):
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.tex").write_text("\\documentclass{article}\n\\begin{document}\nA sentence to translate here.\n"
                                  "\\end{document}\n")
    (src / "loop").symlink_to(".")
    proc = cli(str(src), "--engine", "pseudo", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    comp = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["compile"]
    assert comp["ok"] is True and any(item.startswith("loop (link to a folder") for item in comp["refused_files"])


def test_tar_with_600_nested_folders(tmp_path, cli):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        add("main.tex", b"\\documentclass{article}\n\\begin{document}\nA sentence to translate.\n\\end{document}\n")
        add("/".join(["d"] * 600) + "/x.tex", b"deep\n")
    archive = tmp_path / "deep.tar.gz"
    archive.write_bytes(buf.getvalue())
    proc = cli(str(archive), "--engine", "pseudo", "--out", str(tmp_path / "out"))
    assert_one_line_error(proc)
    assert "nested deeper" in proc.stderr


def test_out_is_a_dangling_link(tmp_path, cli):
    home = home_with_paper(tmp_path)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    proc = cli(str(home / "paper.tex"), "--engine", "pseudo", "--no-compile", "--out", str(tmp_path / "dangling"))
    assert_one_line_error(proc)
    assert "dangling" in proc.stderr and not (tmp_path / "nowhere").exists()
