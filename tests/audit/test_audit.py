"""The coverage audit: English prose left in the written outputs, found from the outside."""

from __future__ import annotations

import json

import pymupdf
import pytest
from standin import Standin, tools_available

from arxiv_translator.audit.coverage import MAX_SHARE, AuditInput, audit, audit_output, audit_warning
from arxiv_translator.audit.scan import scan_html, scan_latex, scan_markdown, scan_pdf
from arxiv_translator.cli import main
from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run

PAGE = """<!DOCTYPE html><html><head><title>The English title stays here</title></head><body>
<nav>Navigation words are chrome</nav>
<article class="ltx_document">
<h1 class="ltx_title ltx_title_document">한국어 제목</h1>
<div class="ltx_authors">Jane Doe from the university</div>
<div class="ltx_para"><p class="ltx_p">우리는 <math alttext="x"><mi>x</mi></math> 방법을 제안한다
<cite>Smith and others (2020)</cite>.</p></div>
<div class="ltx_para"><p class="ltx_p">This sentence was left
in English by the model.</p></div>
<table><tr><td>결과</td><td>Accuracy</td></tr></table>
<code>print(value)</code><button>Report issue for preceding element</button>
<section class="ltx_bibliography"><ul><li>Doe, J. A paper about things. 2020.</li></ul></section>
</article></body></html>
"""


def test_html_scan_finds_passages_with_lines(tmp_path):
    path = tmp_path / "paper.ko.html"
    path.write_text(PAGE, encoding="utf-8")
    found = {p.text: (p.location, p.words) for p in scan_html(path, "paper.ko.html")}
    assert found == {"This sentence was left in English by the model.": ("paper.ko.html:8", 7),
                     "Accuracy": ("paper.ko.html:10", 1)}


MARKDOWN = """# 제목

우리는 \\(x + y\\) 방법을 제안한다 with `some code here` and [a link](https://example.org/path/words).
This line was left in English entirely.

```
def some_function(value): return value
```

## References

Doe, J. A paper about many things. 2020.

## 부록

Appendix text left over.
"""


def test_markdown_scan_skips_math_code_links_and_references(tmp_path):
    path = tmp_path / "paper.ko.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    found = [(p.location, p.words) for p in scan_markdown(path, "paper.ko.md")]
    assert found == [("paper.ko.md:3", 3), ("paper.ko.md:4", 6), ("paper.ko.md:16", 4)]  # with, and, link


def test_latex_scan_follows_inputs_from_the_body(tmp_path):
    root = tmp_path / "source"
    (root / "sec").mkdir(parents=True)
    (root / "main.tex").write_text(
        "\\documentclass{article}\n\\newcommand{\\foo}{Preamble words never count}\n\\begin{document}\n"
        "우리는 방법을 제안한다 $x + \\alpha$ \\cite{key}.\n\n% a comment in English is not output\n"
        "\\markboth{Journal of Class Files}%\n{Doe et al.: Running heads are metadata}\n\n"
        "\\input{sec/intro}\n\\end{document}\n", encoding="utf-8")
    (root / "sec" / "intro.tex").write_text(
        "\\section{서론}\n\nThis paragraph stayed in English \\ref{fig:one}.\n"
        "\\begin{lstlisting}\ncode stays code\n\\end{lstlisting}\n"
        "\\begin{CCSXML}\n<concept_desc>Computer systems organization~Embedded systems</concept_desc>\n"
        "\\end{CCSXML}\n", encoding="utf-8")  # ACM's concepts as XML: a comment for TeX
    found = [(p.location, p.words) for p in scan_latex(root, "source", "main.tex")]
    assert found == [("source/sec/intro.tex:3", 4)]  # This, paragraph, stayed, English


def test_pdf_scan_reports_pages_and_skips_references(tmp_path):
    path = tmp_path / "paper.ko.pdf"
    pdf = pymupdf.open()
    pdf.new_page().insert_text((72, 72), "1 2 3 4 (5)")
    page = pdf.new_page()
    page.insert_text((72, 72), "This paragraph was left in English.")
    page.insert_text((72, 300), "References")
    page.insert_text((72, 330), "Doe, J. A paper about things.")
    pdf.save(path)
    found = [(p.location, p.words) for p in scan_pdf(path, "paper.ko.pdf")]
    assert found == [("page 2", 5)]


def test_audit_figures_largest_and_warning(tmp_path):
    path = tmp_path / "paper.ko.md"
    path.write_text("\n".join(f"Line {i} has " + "word " * i for i in range(1, 15)) + "\n", encoding="utf-8")
    section = audit_output("markdown", path, "paper.ko.md", source_words=10_000)
    assert section["words_left"] == sum(2 + i for i in range(1, 15)) - 14 + 14  # "Line", "has", i x "word"
    assert [p["words"] for p in section["largest"]] == sorted((p["words"] for p in section["largest"]), reverse=True)
    assert len(section["largest"]) == 10 and section["largest"][0]["location"] == "paper.ko.md:14"
    assert section["per_file"] == {"paper.ko.md": section["words_left"]}
    assert section["share"] == round(section["words_left"] / 10_000, 5) and not section["ok"]
    warning = audit_warning({"outputs": [section]})
    assert warning is not None and "paper.ko.md" in warning and "largest at paper.ko.md:14" in warning
    assert audit_warning({"outputs": [{**section, "ok": True}]}) is None
    assert MAX_SHARE == 0.005


def test_audit_of_a_job_takes_the_share_of_the_input(tmp_path):
    source = tmp_path / "paper.mmd"
    source.write_text("# A title\n\n" + "Every word here is prose to translate. " * 50 + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "paper.ko.md").write_text("# 제목\n\n" + "번역된 문장이다. " * 49 + "Every word here is prose.\n",
                                     encoding="utf-8")
    section = audit(AuditInput(kind="markdown", source=source, main="", out=out))
    assert section["source_words"] == 50 * 5 + 1  # "title" too; "is" and "to" are too short
    assert section["output"] == "paper.ko.md" and section["words_left"] == 4
    assert not section["ok"] and section["outputs"][0]["largest"][0]["location"] == "paper.ko.md:3"  # 4 of 251


def test_every_report_has_an_audit(tmp_path, sample_paper):
    report = run(Job(source=sample_paper, settings=Settings(engine="pseudo", compile=False), out=tmp_path / "out"))
    section = report["audit"]
    assert [o["output"] for o in section["outputs"]] == ["source", "paper.ko.md"]
    assert section["output"] == "source" and section["source_words"] > 100
    assert section["share"] == round(section["words_left"] / section["source_words"], 5)
    for output in section["outputs"]:  # every passage points at a real line of a written file
        assert sum(output["per_file"].values()) == output["words_left"]
        for passage in output["largest"]:
            file, line = passage["location"].rsplit(":", 1)
            lines = (tmp_path / "out" / file).read_text(encoding="utf-8").splitlines()
            assert 1 <= int(line) <= len(lines) and passage["words"] >= 1
    saved = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert saved["audit"] == section


@pytest.mark.skipif(not tools_available(), reason="no shared tools")
def test_english_answers_are_warned_about_on_the_terminal(tmp_path, capsys, monkeypatch):
    source = tmp_path / "paper.mmd"
    source.write_text("# A study of things\n\n" + "\n\n".join(
        f"Paragraph {i} explains how the proposed method improves the results." for i in range(8)) + "\n",
        encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    with Standin(FAKE_FAULTS="english", FAKE_FAULT_RATE="1.0") as llm:  # a model that answers in English
        code = main(["translate", str(source), "--engine", "openai", "--base-url", llm.base_url, "--model",
                     "standin", "--out", str(tmp_path / "out"), "--quiet", "--concurrency", "4"])
    printed = capsys.readouterr().out
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert code == 0 and report["audit"]["share"] > 0.5 and not report["audit"]["ok"]
    assert "warning: coverage audit: " in printed and "paper.ko.md:3" in printed
    assert "coverage: " in printed


def test_pdf_audit_of_selected_pages_names_the_original_pages(tmp_path):
    source = tmp_path / "paper.pdf"
    pdf = pymupdf.open()
    for text in ("First page prose words here.", "Second page has more prose words.", "Third page words."):
        pdf.new_page().insert_text((72, 72), text)
    pdf.save(source)
    out = tmp_path / "out"
    out.mkdir()
    translated = pymupdf.open()
    translated.new_page().insert_text((72, 72), "Second page kept.")  # --pages 2: the output has that page only
    translated.save(out / "paper.ko.pdf")
    section = audit(AuditInput(kind="pdf", source=source, main="", out=out, pages=[1]))
    assert section["source_words"] == 6  # page 2 only: Second, page, has, more, prose, words
    assert section["output"] == "paper.ko.pdf" and section["outputs"][0]["per_file"] == {"page 2": 3}


def test_markdown_scan_leaves_author_year_citations_out(tmp_path):
    """The Markdown writer prints citations as the paper does; their names are not prose left in English."""
    path = tmp_path / "paper.ko.md"
    path.write_text("우리는 (Chang and Smith, 2020; Brock et al., 2018a) 따른다. von Werra et al. (2020) 참조.\n\n"
                    "Chang and Smith (2020) 보였다. 고양이 (and the Dog, 2020 was) 앉았다.\n", encoding="utf-8")
    found = [(p.location, p.words) for p in scan_markdown(path, "paper.ko.md")]
    assert found == [("paper.ko.md:3", 4)]  # "and the Dog ... was" is no citation: its words count
