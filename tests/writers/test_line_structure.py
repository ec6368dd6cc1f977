"""``source/`` keeps the English source's line structure, so ``diff`` against it reads line by line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS, SAMPLE

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.latex import LatexReader
from arxiv_translator.writers.line_structure import CLOSE, OPEN, reflow
from arxiv_translator.writers.splice import render_file

BLOCK = re.compile(r"% --- arxiv-translator: .*?% --- end arxiv-translator[^\n]*\n", re.S)


@pytest.mark.parametrize("source, marked, expected", [
    # three prose lines, one translated line: back on three lines, at the nearest spaces
    ("one two three\nfour five six\nseven eight nine", "하나 둘 셋 넷 다섯 여섯 일곱 여덟 아홉",
     "하나 둘 셋\n넷 다섯 여섯\n일곱 여덟 아홉"),
    # never inside a protected span (its spaces are not candidates)
    ("aa bb\ncc dd", f"가 {OPEN}$x + y = z$ and $w$ more{CLOSE} 나",
     f"가\n$x + y = z$ and $w$ more 나"),
    # a protected span that brings its own line break: nothing to add
    ("text $a\nb$ more", f"글 {OPEN}$a\nb${CLOSE} 더", "글 $a\nb$ 더"),
    # never after an unescaped % on the line (it would un-comment text), fine after \%
    ("a b\nc d\ne f", "가 50% 나 다 라", "가\n50% 나 다 라"),
    ("a b\nc d", "가 50\\% 나 다", "가 50\\%\n나 다"),
    # never at a double space (a blank line would start a paragraph) or after a backslash
    ("a b\nc d", "가  나", "가  나"),
    ("a b\nc d", "가\\ 나", "가\\ 나"),
    # fewer spaces than breaks: as many as there are
    ("a\nb\nc\nd", "가 나", "가\n나"),
    # lead and trail white space of the source come back as they were
    ("\n  one two\nthree four\n", "\n  하나 둘 셋 넷\n", "\n  하나 둘\n셋 넷\n"),
])
def test_reflow(source, marked, expected):
    protected = [(m.start(), m.end()) for m in re.finditer(r"\$[^$]*\$", source)]
    assert reflow(source, marked, protected) == expected


def test_reflow_never_removes_lines_and_strips_marks():
    assert reflow("a b", f"가\n{OPEN}나{CLOSE}\n다", []) == "가\n나\n다"


def _doc(tmp_path: Path, body: str):
    root = tmp_path / "src"
    root.mkdir()
    text = "\\documentclass{article}\n\\begin{document}\n" + body + "\\end{document}\n"
    (root / "main.tex").write_text(text, encoding="utf-8")
    doc = LatexReader().read(root)
    mask_document(doc)
    return text, doc


def test_render_keeps_lines_of_a_paragraph_with_a_footnote(tmp_path):
    body = ("A first line of prose with $x$ in it\nand a second line with a note\\footnote{The note\n"
            "over two lines.} here\nand a third line.\n\nNext paragraph.\n")
    text, doc = _doc(tmp_path, body)
    for seg in doc.segments():
        words = len((seg.masked or "").split())
        tags = re.findall(r"</?[xg]\d+/?>", seg.masked or "")
        seg.target_masked = " ".join(["낱말"] * words) + " " + " ".join(tags)
        seg.status = seg.status.TRANSLATED
    out = render_file(text, list(doc.segments()), keep_lines=True)
    assert out.count("\n") == text.count("\n")
    assert "\n\n" in out and OPEN not in out and CLOSE not in out
    assert out.splitlines()[:2] == text.splitlines()[:2]  # lines outside the segments untouched
    assert "\\footnote{" in out and "$x$" in out
    one_line = render_file(text, list(doc.segments()))
    assert " ".join(out.split()) == " ".join(one_line.split())  # the same text, only re-flowed


def _covered_lines(root: Path, main: str | None = None) -> dict[str, set[int]]:
    """Per file, the source lines (0-based) that some segment touches."""
    doc = LatexReader().read(root, main)
    mask_document(doc)
    covered: dict[str, set[int]] = {}
    for seg in doc.segments():
        rel = str(seg.locator.file)
        text = doc.files[rel].text
        _rel, start, end = seg.locator.span()
        first = text.count("\n", 0, start)
        covered.setdefault(rel, set()).update(range(first, first + text.count("\n", start, end) + 1))
    return covered


def _papers() -> list[Path]:
    names = ("muse", "named-tensor-notation", "cluster-noise-alt2016")
    return [SAMPLE] + [CORPUS / "latex" / n for n in names if (CORPUS / "latex" / n).is_dir()]


@pytest.mark.parametrize("paper", _papers(), ids=lambda p: p.name)
def test_source_tree_keeps_line_structure(tmp_path, paper):
    out = tmp_path / "out"
    report = run(Job(source=paper, settings=Settings(engine="pseudo", compile=False), out=out))
    covered = _covered_lines(paper, report["source"]["main"])
    same_count = changed = 0
    for src in sorted(paper.rglob("*.tex")):
        rel = src.relative_to(paper).as_posix()
        original = src.read_bytes().decode("utf-8", "replace")
        translated = (out / "source" / rel).read_text(encoding="utf-8")
        if rel not in covered:
            if rel != report["source"]["main"]:
                assert translated == original, f"{rel}: no segment, yet changed"
            continue
        translated = BLOCK.sub("", translated) if rel == report["source"]["main"] else translated
        a, b = original.splitlines(), translated.splitlines()
        changed += 1
        same_count += len(a) == len(b)
        assert abs(len(a) - len(b)) <= max(1, len(a) // 200), (rel, len(a), len(b))
        if len(a) == len(b):
            outside = [i for i in range(len(a)) if i not in covered[rel] and a[i] != b[i]]
            # the main file's preamble gets compatibility edits; everything else outside segments is untouched
            allowed = 60 if rel == report["source"]["main"] else 0
            assert len(outside) <= allowed, (rel, outside[:5])
        assert sum(x != y for x, y in zip(a, b)) > 0
    assert changed and same_count >= 0.9 * changed
