"""A hostile model: whatever it appends to its answers never becomes markup in any output.

The stand-in model (``../shared/tools/standin_llm.py``) translates well but appends ``FAKE_APPEND``
to every answer string.  Two layers stop it: the validator rejects an answer that adds markup
(:mod:`arxiv_translator.translation.validate_markup`; the segment is retried, then kept in English with the
reason), and the LaTeX writer escapes model prose as text (:mod:`arxiv_translator.writers.latex.text`),
so even an answer that got past validation cannot add a command to ``source/*.tex`` or the PDF.
"""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path

import pytest
from standin import Standin, tools_available

from arxiv_translator.cli import main

pytestmark = pytest.mark.skipif(not tools_available(), reason="../shared/tools not available")

PAYLOADS = {
    "special": r"\special{pdf:fstream @x (/etc/hostname)}\special{pdf:put @catalog << /Leak @x >>}",
    "write18": r"\immediate\write18{touch CANARY}",
    "input": r"\input{/etc/passwd}",
    "script": "<script>alert(1)</script>",
    "js_link": "[x](javascript:alert(1))",
}


def translate(source: Path, out: Path, llm: Standin, *extra: str) -> int:
    return main(["translate", str(source), "--engine", "openai", "--base-url", llm.base_url, "--model", "standin",
                 "--out", str(out), "--quiet", "--batch-tokens", "400", *extra])


def rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "segments.jsonl").read_text(encoding="utf-8").splitlines()]


def all_text(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): p.read_text(encoding="utf-8", errors="replace")
            for p in out.rglob("*") if p.is_file() and p.suffix in (".tex", ".md", ".html", ".jsonl", ".json")}


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_hostile_answers_are_rejected_and_kept_in_english(tmp_path, sample_paper, monkeypatch, name):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    payload = PAYLOADS[name]
    with Standin(FAKE_APPEND=payload) as llm:
        assert translate(sample_paper, tmp_path / "out", llm, "--no-compile") == 0
    out = tmp_path / "out"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    failed = [r for r in rows(out) if r["status"] == "failed"]
    assert failed and report["segments"]["translated"] == 0  # every answer carried the payload
    assert any("markup added" in reason for reason in report["fallbacks"]["failed"]), report["fallbacks"]
    for rel, text in all_text(out).items():
        if rel == "report.json":
            continue
        assert payload not in text, rel
        assert "javascript:" not in text.lower(), rel
        assert "<script>alert" not in text and "\\special{" not in text and "\\write18" not in text, rel
    assert not (tmp_path / "CANARY").exists() and not Path("CANARY").exists()


def _pdf_streams(pdf: Path) -> bytes:
    import pymupdf as fitz

    with fitz.open(pdf) as doc:
        blobs = []
        for xref in range(1, doc.xref_length()):
            if doc.xref_is_stream(xref):
                blobs.append(doc.xref_stream(xref) or b"")
            blobs.append((doc.xref_object(xref) or "").encode("utf-8", "replace"))
        return b"\n".join(blobs)


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="XeLaTeX not installed")
def test_an_answer_past_validation_is_escaped_and_leaks_nothing_into_the_pdf(tmp_path, sample_paper, monkeypatch):
    """Validation switched off: the LaTeX writer's escaping alone keeps the specials out of TeX."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    secret_value = "LEAK-" + secrets.token_hex(12)
    secret = tmp_path / "secret.txt"
    secret.write_text(secret_value + "\n", encoding="utf-8")
    payload = (rf" \special{{pdf:fstream @x ({secret})}}\special{{pdf:put @catalog << /Leak @x >>}}"
               r" \immediate\write18{touch CANARY} \input{/etc/hostname} 5% $x$ a_b #1 ^^5c ~ & {}")
    monkeypatch.setattr("arxiv_translator.translation.validate.markup_problems", lambda seg, answer: [])
    monkeypatch.setattr("arxiv_translator.translation.translator.markup_problems", lambda seg, answer: [])
    monkeypatch.chdir(tmp_path)
    with Standin(FAKE_APPEND=payload) as llm:
        assert translate(sample_paper, tmp_path / "out", llm) == 0
    out = tmp_path / "out"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["segments"]["translated"] >= 10  # (short segments fail as "too long": the payload is long)
    tex = "\n".join(p.read_text(encoding="utf-8") for p in (out / "source").rglob("*.tex"))
    assert r"\textbackslash{}special\{pdf:fstream" in tex  # the model's text is there, as text
    for command in (r"\special", r"\write18", r"\immediate", r"\input{/etc"):
        assert command not in tex
    assert r"5\% \$x\$ a\_b \#1 \textasciicircum{}\textasciicircum{}5c \textasciitilde{} \& \{\}" in tex
    assert report["compile"]["ok"] and not report["compile"]["reverted"], report["compile"]
    streams = _pdf_streams(out / "paper.ko.pdf")
    assert secret_value.encode() not in streams
    assert b"/Leak" not in streams
    assert not (tmp_path / "CANARY").exists()


def test_surrogates_and_huge_answers_fail_segments_not_the_run(tmp_path, sample_paper, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with Standin(FAKE_FAULTS="surrogate,huge", FAKE_FAULT_RATE="0.5", FAKE_SEED="3") as llm:
        code = translate(sample_paper, tmp_path / "out", llm, "--no-compile", "--concurrency", "2")
    assert code == 0
    out = tmp_path / "out"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    reasons = {**report["fallbacks"]["resent"], **report["fallbacks"]["failed"]}
    assert any("invalid character" in r for r in reasons), reasons
    assert any("too large" in r for r in reasons), reasons
    for row in rows(out):
        assert "\ud800" not in (row["translation"] or "")
        assert row["status"] in ("translated", "failed", "kept")


def test_the_answer_cap_is_a_setting(tmp_path, sample_paper, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("ARXIV_TRANSLATOR_MAX_ANSWER_BYTES", "2048")
    with Standin() as llm:
        assert translate(sample_paper, tmp_path / "out", llm, "--no-compile", "--batch-tokens", "4000",
                         "--concurrency", "1") == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["fallbacks"]["resent"].get("answer too large", 0) >= 1, report["fallbacks"]
    assert report["segments"]["translated"] >= 30  # smaller batches fit under the cap
