"""Every LaTeX paper of the shared corpus, measured from the outside.

* Fidelity: each paper goes through the stand-in model (``../shared/tools/standin_llm.py``
  with ``FAKE_SLOPPY=0.3``, which tidies raw formulas and keys the way real models do)
  over the OpenAI engine, and ``fidelity.py latex`` compares the source tree with the
  translated one: no formula, citation, reference, label or URL lost, at most 0.5 % of
  the prose left in English beyond what a perfect translator leaves.
* Compile: the ``pseudo`` translation compiles wherever the original does.
"""

from __future__ import annotations

import json

import pytest
from conftest import corpus_papers
from standin import Standin, fidelity, fidelity_problems, tools_available

from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run

#: Papers where fidelity.py's perfect translator translates words no translator may touch, and those
#: words alone are above the 0.5 % bound (measured: what is left is only what is named here). Each has
#: a ceiling (today's figure plus a small margin): above it the test fails, so a regression shows.
METRIC_FLOOR = {
    "apg-samplers": ("ICML author/affiliation keys (\\icmlauthor{Hao Wu}{neu}) and enumitem options", 0.01),
    "cluster-noise-alt2016": ("entries of an inline thebibliography (references are kept) and enumitem options "
                             "such as [nolistsep, noitemsep]", 0.065),
    "datacomp": ("\\cellcolor{white}/\\rowcolors{..}{white}{light-light-gray} arguments, \\texttt{small} code and "
                "text after \\\\% (a comment fidelity.py reads as an escaped %)", 0.028),
    "deeptune": ("OpenCL code in included listing files, author affiliations and \\lstset keys", 0.07),
    "meta-ot": ("the author block and a forest directory tree of file names", 0.013),
    "midas-tocttou-usenix22": ("\\lstdefinestyle keys, system-call names in \\Code{...} and the author block", 0.018),
    "muse": ("ICML author/affiliation keys, the paper's reference macros (\\secc{model}) and enumitem options", 0.017),
    "named-tensor-notation": ("numpy/torch names in short-verb code (|numpy.take|)", 0.008),
    "rnn-lowdim-iclr2023": ("label keys in the paper's own reference macros (\\Secref{sec:..}, \\Figref{fig:..})", 0.016),
    "themis-ml-d4gx": ("\\titlespacing lengths (8pt plus 4pt minus 2pt), mdframed keys and the author block", 0.01),
}


@pytest.fixture(scope="module")
def standin():
    """One stand-in model for the module (it is stateless)."""
    if not tools_available():
        pytest.skip("../shared/tools is not beside the checkout")
    with Standin(FAKE_SLOPPY="0.3") as llm:
        yield llm


@pytest.mark.slow
@pytest.mark.parametrize("paper", corpus_papers(), ids=lambda p: p.name)
def test_corpus_fidelity(tmp_path, monkeypatch, standin, paper):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    out = tmp_path / "out"
    settings = Settings(engine="openai", base_url=standin.base_url, model="standin", compile=False)
    report = run(Job(source=paper, settings=settings, out=out))
    rows = [json.loads(line) for line in (out / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == report["segments"]["total"] >= 50
    figures = fidelity("latex", paper, out / "source")
    assert figures["math lost"][1] > 20 and figures["prose left"][1] > 500, figures
    problems = fidelity_problems(figures)
    if problems and paper.name in METRIC_FLOOR:
        reason, ceiling = METRIC_FLOOR[paper.name]
        assert not [p for p in problems if "lost" in p], problems
        left, words = figures["prose left"]
        assert left <= ceiling * words, (f"prose left {left}/{words} is above this paper's known floor", figures)
        pytest.xfail(f"fidelity.py counts as prose: {reason} ({problems})")
    assert problems == [], (problems, figures)


@pytest.mark.slow
@pytest.mark.parametrize("paper", corpus_papers(), ids=lambda p: p.name)
def test_corpus_compiles(corpus_run, paper):
    report, out = corpus_run(paper)  # shared with the other corpus tests (one compile per paper)
    seg = report["segments"]
    assert seg["failed"] == 0
    if report["compile"]["original_ok"]:
        assert report["compile"]["ok"], report["compile"]
        assert (out / "paper.ko.pdf").stat().st_size > 10_000
        assert len(report["compile"]["reverted"]) <= 0.05 * seg["total"], report["compile"]["reverted"]
    assert "PSEUDO-TRANSLATION" in " ".join(report["warnings"])
