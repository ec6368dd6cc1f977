"""``digest``: seed-004 posts through the stand-in model (structured output) and with pseudo."""

from __future__ import annotations

import json
import re

import pytest

from arxiv_translator.cli import main
from arxiv_translator.many.digest import problems
from arxiv_translator.many.digest_input import PaperFacts
from conftest import CORPUS
from standin import Standin, tools_available

PAPERS = [CORPUS / "arxiv" / "2401.03129v1" / "paper.mmd", CORPUS / "arxiv" / "2402.14714v1" / "paper.html"]
HEADING = re.compile(r"^<([^<>]+)> (.+) \((\d{4}\.\d{2})\)$")
needs_tools = pytest.mark.skipif(not tools_available(), reason="../shared/tools not beside the checkout")


def blocks(text: str) -> list[list[str]]:
    """The paper blocks of a post: lines from a heading to its 출처 line."""
    out, current = [], None
    for line in text.splitlines():
        if HEADING.match(line):
            current = [line]
            out.append(current)
        elif current is not None and line:
            current.append(line)
    return out


def check_block(block: list[str], arxiv_id: str, paper_text: str) -> None:
    m = HEADING.match(block[0])
    assert m and m.group(3) == f"20{arxiv_id[:2]}.{arxiv_id[2:4]}"
    assert block[-1] == f"출처 : https://arxiv.org/abs/{arxiv_id}"
    bullets = [line[2:] for line in block if line.startswith("- ")]
    assert 5 <= len(bullets) <= 15
    assert all(re.search(r"[\uac00-\ud7a3]", b) for b in bullets)
    for bullet in bullets:  # no invented numbers
        for number in re.findall(r"\d+(?:[.,]\d+)*", bullet):
            assert number.replace(",", "") in paper_text.replace(",", "")


def llm_args(llm: Standin, out) -> list[str]:
    return ["digest", *map(str, PAPERS), "--engine", "openai", "--base-url", llm.base_url, "--model", "standin",
            "--out", str(out), "--quiet"]


@needs_tools
def test_two_corpus_papers_through_the_standin_then_from_the_cache(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    stats = tmp_path / "stats.json"
    out = tmp_path / "digest.ko.md"
    with Standin(FAKE_STATS=str(stats)) as llm:
        assert main(llm_args(llm, out)) == 0
        first = out.read_text(encoding="utf-8")
        assert json.loads(stats.read_text())["requests"] == 2  # one request per paper
        assert main(llm_args(llm, out)) == 0
        assert json.loads(stats.read_text())["requests"] == 2  # the second run asks nothing
    assert "2 from the cache" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8") == first
    assert first.splitlines()[0].endswith("논문 2편을 읽고 간단히 정리했습니다.")
    found = blocks(first)
    assert len(found) == 2
    for block, path, arxiv_id in zip(found, PAPERS, ["2401.03129", "2402.14714"]):
        check_block(block, arxiv_id, path.read_text(encoding="utf-8"))
    assert found[0][1] == "[National Taiwan University]"  # from the affiliations


@needs_tools
def test_answers_that_are_not_json_are_retried_once_then_the_paper_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    stats = tmp_path / "stats.json"
    with Standin(FAKE_STATS=str(stats), FAKE_FAULTS="garbage", FAKE_FAULT_RATE="1") as llm:
        assert main(llm_args(llm, tmp_path / "d.md")) == 4
        assert json.loads(stats.read_text())["requests"] == 4  # two papers, two tries each
    err = capsys.readouterr().err
    assert "no digest could be made" in err and "not valid JSON" in err and "after one retry" in err
    assert not (tmp_path / "d.md").exists()


def test_pseudo_digest_is_deterministic_and_marked(tmp_path, capsys):
    out1, out2, page, data = (tmp_path / n for n in ("a.md", "b.md", "c.html", "d.json"))
    for out in (out1, out2):
        assert main(["digest", *map(str, PAPERS), "--engine", "pseudo", "--out", str(out), "--quiet"]) == 0
    text = out1.read_text(encoding="utf-8")
    assert text == out2.read_text(encoding="utf-8")
    assert text.startswith("> PSEUDO-DIGEST") and "not a real digest" in text.splitlines()[0]
    found = blocks(text)
    assert len(found) == 2
    for block, path, arxiv_id in zip(found, PAPERS, ["2401.03129", "2402.14714"]):
        check_block(block, arxiv_id, path.read_text(encoding="utf-8"))
    assert main(["digest", str(PAPERS[0]), "--engine", "pseudo", "--out", str(page), "--quiet"]) == 0
    assert "<li>" in page.read_text(encoding="utf-8") and "not a real digest" in page.read_text(encoding="utf-8")
    assert main(["digest", str(PAPERS[0]), "/no/such/paper", "--engine", "pseudo", "--out", str(data),
                 "--quiet"]) == 4
    papers = json.loads(data.read_text(encoding="utf-8"))["papers"]
    assert [p["status"] for p in papers] == ["ok", "failed"] and "no such file" in papers[1]["reason"]
    assert "failed: /no/such/paper: no such file" in capsys.readouterr().err


FACTS = PaperFacts(source="x", arxiv_id="2310.06825", title="Mistral 7B", month="2023.10",
                   text="Mistral 7B outperforms Llama 2 13B on all benchmarks; window W=4096, 16K tokens.")
GOOD = ["Mistral 7B는 13B 모델보다 좋다.", "W=4096 윈도우를 쓴다.", "16K 길이를 다룬다.", "모든 benchmark에서 좋다.",
        "sliding window attention을 쓴다."]


@pytest.mark.parametrize("answer,problem", [
    (json.dumps({"tag": "LLM", "organisation": "", "bullets": GOOD}), None),
    ("죄송합니다", "not valid JSON"),
    (json.dumps({"tag": "LLM", "bullets": "one string"}), "does not fit the schema"),
    (json.dumps({"tag": "LLM", "organisation": "", "bullets": GOOD[:3]}), "3 bullets"),
    (json.dumps({"tag": "LLM", "organisation": "", "bullets": GOOD[:4] + ["정확도가 42% 올랐다."]}),
     "bullet 5 has a number the paper does not contain (42)"),
    (json.dumps({"tag": "LLM", "organisation": "", "bullets": ["Mistral is good."] * 5}), "not in Korean"),
])
def test_answer_validation(answer, problem):
    checked, found = problems(answer, FACTS)
    if problem is None:
        assert found == [] and checked["bullets"] == GOOD and checked["tag"] == "LLM"
    else:
        assert checked is None and any(problem in f for f in found)


@pytest.mark.skipif(not (CORPUS / "latex" / "datacomp").is_dir(), reason="needs ../shared/corpus")
def test_facts_of_a_latex_paper_find_the_introduction(tmp_path):
    """datacomp's reader gives no heading segments (a redefined \\paragraph): sections come from \\section."""
    from arxiv_translator import Settings
    from arxiv_translator.many.digest_input import read_facts

    facts = read_facts(CORPUS / "latex" / "datacomp", Settings(engine="pseudo"), tmp_path / "w")
    assert facts.title.startswith("DataComp") and "Introduction" in facts.headings
    assert len(facts.introduction) > 1000 and facts.conclusion and len(facts.captions) > 10
    assert "keep_in_english" in facts.payload() and len(facts.payload()["introduction"]) <= 4000
