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

#: Papers where fidelity.py's perfect translator (the stand-in's transform over every byte outside math, key
#: commands and command names) rewrites words no translator may touch, and those words alone are above the
#: 0.5 % bound. Measured: what is left is only what is named here (words, of the paper's prose words). Each
#: has a ceiling (today's figure plus a small margin): above it the test fails, so a regression shows.
#: Every other corpus paper must pass fidelity.py --check as it is.
METRIC_FLOOR = {
    "apg-samplers": ("the ICML author block: names, affiliation keys and mail in \\icmlauthor{Hao Wu}{neu}, "
                     "\\icmlaffiliation{neu}{Northeastern University, USA}, \\icmlcorrespondingauthor (28 words); "
                     "enumitem options [labelwidth=..,leftmargin=..] (5)", 0.0085),
    "cluster-noise-alt2016": ("the entries of an inline thebibliography (references are kept, like a .bbl: ~217 words) "
                              "and enumitem options [nolistsep, noitemsep, leftmargin=*] (~24)", 0.065),
    "datacomp": ("colour names in \\cellcolor{white}/\\rowcolors{2}{white}{light-light-gray} (~316 words), "
                 "code in \\texttt{small}/\\texttt{xlarge} scale names (~85), a comment after \\\\% that "
                 "fidelity.py reads as an escaped % (4) and list options", 0.0275),
    "deeptune": ("fidelity.py finds no main file (\\documentclass is in preamble.tex) and reads every file in "
                 "name order, where a shell prompt's $ in a verbatim block pairs with later $s and hides most of "
                 "the paper (539 prose words counted); left: OpenCL tokens and feature names in \\texttt, "
                 "colour names in \\rowcolors{2}{white}{gray!25}, and math words ($f_{after}$) that pairing exposes",
                 0.07),
    "midas-tocttou-usenix22": ("definitions in the document body: \\lstdefinestyle keys, \\newrefformat keys "
                               "(sec, fig..: their English names are Korean now) and \\newcommand bodies (~45 words); "
                               "system-call names in the \\Code{...} (\\lstinline) macro (~85); author names and "
                               "[nosep] options", 0.0145),
    "muse": ("the ICML author block: names, keys and mail in \\icmlauthor{Huiwen Chang}{equal}, "
             "\\icmlcorrespondingauthor (~45 words); label keys in the paper's own reference macros "
             "(\\secc{vqgan}, \\tabb{basemodel}: ~10); enumitem/captionsetup options and [htbp!]", 0.014),
    "named-tensor-notation": ("code in \\verb|numpy.take| and \\texttt{torch.gather(...)} (~20 words) and axis "
                              "names defined in the body (\\ndef{\\assign}{assign}, \\nfun\\seq{softmax})", 0.0072),
    "rnn-lowdim-iclr2023": ("label keys in the paper's own reference macros: \\Secref{sec:exp:sym_teacher}, "
                            "\\Figref{fig:..}, \\Appref{sec:apdx:..} (the perfect translator rewrites the parts "
                            "before a colon: ~105 words) and \\counterwithin{theorem}{section}", 0.016),
    "themis-ml-d4gx": ("lengths in \\titlespacing (8pt plus 4pt minus 2pt: 8 words), mdframed options and "
                       "environment names in \\BeforeBeginEnvironment{minted} (8), the author block (names, "
                       "\\affaddr, \\email: 8)", 0.0095),
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
    assert report["audit"]["ok"], report["audit"]["outputs"][0]["largest"]  # options, keys, names are not prose
    figures = fidelity("latex", paper, out / "source")
    assert figures["math lost"][1] > 20 and figures["prose left"][1] > 500, figures
    problems = fidelity_problems(figures)
    assert problems or paper.name not in METRIC_FLOOR, f"{paper.name} passes now: remove it from METRIC_FLOOR"
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
