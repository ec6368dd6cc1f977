"""Every LaTeX paper of the shared corpus, translated with ``pseudo`` and compiled.

Checked with an extractor independent of the reader: the multiset of math
spans and citation/reference/label commands is the same in the input and the
output trees; almost no English prose is left; the translation compiles
wherever the original does.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import corpus_papers


MATH = re.compile(
    r"\$\$.+?\$\$|(?<!\\)\$(?:\\\$|[^$])+?(?<!\\)\$|\\\(.+?\\\)|\\\[.+?\\\]"
    r"|\\begin\{(equation|align|gather|multline|eqnarray)(\*?)\}.+?\\end\{\1\2\}", re.S)
COMMANDS = re.compile(r"\\(?:cite[a-zA-Z]*|ref|eqref|cref|Cref|autoref|label|url)\*?"
                      r"(?:\[[^\]]*\])*\{[^}]*\}")
COMMENT = re.compile(r"(?<!\\)%.*")
VERBATIM = re.compile(r"\\begin\{(verbatim|lstlisting|minted|comment)\}.*?\\end\{\1\}|\\verb(.).*?\2", re.S)
LATEX_CMD = re.compile(r"\\[A-Za-z@]+\*?(?:\[[^\]]*\])?(?:\{[^{}]*\})*")
ASCII_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}")
HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")


def protected_multiset(root: Path, files: list[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    for rel in files:
        text = COMMENT.sub("", VERBATIM.sub("", (root / rel).read_text(encoding="utf-8", errors="replace")))
        found.update(m.group(0) for m in MATH.finditer(text))
        found.update(m.group(0) for m in COMMANDS.finditer(text))
    return found


def english_share(rows: list[dict]) -> float:
    english = hangul = 0
    for row in rows:
        text = MATH.sub(" ", row["translation"])
        text = LATEX_CMD.sub(" ", text)
        english += len(ASCII_WORD.findall(text))
        hangul += len(HANGUL_WORD.findall(text))
    return english / max(1, english + hangul)


@pytest.mark.slow
@pytest.mark.parametrize("paper", corpus_papers(), ids=lambda p: p.name)
def test_corpus_paper(corpus_run, paper):
    report, out = corpus_run(paper)  # shared with the other corpus tests (one compile per paper)
    rows = [json.loads(line) for line in (out / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == report["segments"]["total"] >= 50
    files = [report["source"]["main"]] + sorted({r["id"].rsplit("/", 1)[0] for r in rows})
    files = sorted(set(files))
    before = protected_multiset(paper, files)
    after = protected_multiset(out / "source", files)
    assert sum(before.values()) > 20
    assert before == after, (before - after, after - before)
    seg = report["segments"]
    assert seg["failed"] == 0
    assert english_share(rows) < 0.15
    if report["compile"]["original_ok"]:
        assert report["compile"]["ok"], report["compile"]
        assert (out / "paper.ko.pdf").stat().st_size > 10_000
        assert len(report["compile"]["reverted"]) <= 0.05 * seg["total"], report["compile"]["reverted"]
    assert "PSEUDO-TRANSLATION" in " ".join(report["warnings"])
