"""The LaTeX writer: splicing, Korean preamble, compilation, and repair of broken builds."""

from __future__ import annotations

import json
import subprocess

import pytest

from arxiv_translator import engines
from arxiv_translator.config import Settings
from arxiv_translator.engines.base import BatchContext, EngineResult
from arxiv_translator.engines.pseudo import PseudoEngine, pseudo_translate
from arxiv_translator.pipeline import Job, run
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.latex import LatexReader
from arxiv_translator.writers.latex.tree import guard_pdftex, korean_preamble
from arxiv_translator.writers.splice import render_file


def test_nested_footnote_is_spliced(tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    text = ("\\documentclass{article}\\begin{document}\nA sentence with a note\\footnote{The note $n$ here.} "
            "and math $m$.\n\\end{document}\n")
    (root / "main.tex").write_text(text, encoding="utf-8")
    doc = LatexReader().read(root)
    mask_document(doc)
    by_kind = {s.kind: s for s in doc.segments()}
    para, note = by_kind["paragraph"], by_kind["footnote"]
    assert para.masked == "A sentence with a note<x1/> and math <x2/>." and note.masked == "The note <x1/> here."
    para.target_masked, note.target_masked = "<x1/> 주석이 있는 문장과 수식 <x2/>.", "주석 <x1/> 여기."
    for seg in (para, note):
        seg.status = seg.status.TRANSLATED
    out = render_file(text, [para, note])
    assert "\\footnote{주석 $n$ 여기.} 주석이 있는 문장과 수식 $m$." in out
    note.target_masked = None
    note.status = note.status.FAILED
    assert "\\footnote{The note $n$ here.} 주석이" in render_file(text, [para, note])


def test_korean_preamble():
    text = ("\\pdfoutput=1\n\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amsmath}\n"
            "\\begin{document}\nx\n\\end{document}\n")
    once = korean_preamble(text, pseudo=True)
    assert korean_preamble(once, pseudo=True) == once
    assert "\\usepackage{kotex}" in once and "Noto Serif CJK KR" in once
    assert once.index("kotex") < once.index("\\begin{document}")
    assert "% (arxiv-translator, not for XeLaTeX) \\usepackage[utf8]{inputenc}" in once
    assert "\\ifdefined\\pdftexversion\\pdfoutput=1\\fi" in once
    assert "not a real translation" in once
    assert "not a real translation" not in korean_preamble(text, pseudo=False)
    assert guard_pdftex("\\pdfminorversion=5") == "\\ifdefined\\pdftexversion\\pdfminorversion=5\\fi"


@pytest.mark.slow
def test_sample_paper_compiles_to_korean_pdf(tmp_path, sample_paper):
    out = tmp_path / "out"
    report = run(Job(source=sample_paper, settings=Settings(engine="pseudo"), out=out))
    assert report["compile"] == {**report["compile"], "original_ok": True, "ok": True, "reverted": []}
    text = subprocess.run(["pdftotext", str(out / "paper.ko.pdf"), "-"], capture_output=True, text=True).stdout
    hangul = sum(1 for c in text if "\uac00" <= c <= "\ud7a3")
    assert hangul > 2000
    assert "not a real translation" in text
    assert "미세 조정" in text  # glossary: fine-tuning
    # same layout as the input; untouched files are byte-identical
    for path in sample_paper.rglob("*"):
        if path.is_file():
            assert (out / "source" / path.relative_to(sample_paper)).is_file()
    assert (out / "source" / "figures" / "overview.pdf").read_bytes() == \
        (sample_paper / "figures" / "overview.pdf").read_bytes()
    assert {"logs", "paper.ko.pdf", "report.json", "segments.jsonl", "source"} <= {p.name for p in out.iterdir()}
    assert not (out / ".work").exists()


class BreakingEngine(PseudoEngine):
    """Pseudo-translates, but breaks LaTeX in segments containing a trigger word."""

    name = "breaking"
    triggers = {"Introduction": "\\undefinedmacro{} ", "Convergence": "\\begin{itemize} "}

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        texts = []
        for item in items:
            text = pseudo_translate(item, ctx.glossary)
            for word, poison in self.triggers.items():
                if item.startswith(word):
                    text = poison + text
            texts.append(text)
        return EngineResult(texts=texts)


@pytest.mark.slow
@pytest.mark.parametrize("poison", ["Introduction", "Convergence"])
def test_segments_that_break_the_build_are_reverted(tmp_path, sample_paper, monkeypatch, poison):
    monkeypatch.setitem(engines.ENGINES, "breaking", f"{__name__}:BreakingEngine")
    monkeypatch.setattr(BreakingEngine, "triggers", {poison: BreakingEngine.triggers[poison]})
    # The poison is markup a model adds, which validation rejects and the writer escapes as text
    # (tests/security/test_hostile_model.py); both are switched off here to reach the repair path.
    monkeypatch.setattr("arxiv_translator.translation.validate.markup_problems", lambda seg, answer: [])
    monkeypatch.setattr("arxiv_translator.writers.latex.tree.latex_safe", lambda segs: segs)
    monkeypatch.setattr("arxiv_translator.writers.latex.tree.escape_latex_prose", lambda answer, masked: answer)
    out = tmp_path / "out"
    report = run(Job(source=sample_paper, settings=Settings(engine="breaking"), out=out))
    assert report["compile"]["ok"] is True
    reverted = report["compile"]["reverted"]
    assert 1 <= len(reverted) <= 2
    rows = {json.loads(line)["id"]: json.loads(line) for line in (out / "segments.jsonl").open(encoding="utf-8")}
    for seg_id in reverted:
        assert rows[seg_id]["status"] == "kept" and rows[seg_id]["source"].startswith(poison)
        assert rows[seg_id]["translation"] == rows[seg_id]["source"]
    assert "\\undefinedmacro" not in "".join(p.read_text(encoding="utf-8") for p in (out / "source").rglob("*.tex"))
    assert report["segments"]["kept"] >= len(reverted)
