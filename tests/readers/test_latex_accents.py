"""Accent commands inside words and IEEEtran's drop cap reach the model as the text they typeset.

``na\\"ive`` used to become ``na<x1/>ve`` (the model cannot translate a word cut
by a placeholder, so "naive" stayed English); ``\\IEEEPARstart{T}{his}`` hid the
paragraph's first word in a placeholder.  Accents elsewhere (math, code, keys,
the author block, a lone ``\\'a``) keep their bytes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import CORPUS

from arxiv_translator import engines
from arxiv_translator.config import Settings
from arxiv_translator.engines.base import BatchContext, EngineResult
from arxiv_translator.engines.pseudo import PseudoEngine
from arxiv_translator.pipeline import Job, run
from arxiv_translator.protect import mask_document, placeholder_problems, unmask
from arxiv_translator.readers.latex import LatexReader


def _tree(tmp_path: Path, body: str, preamble: str = "") -> Path:
    root = tmp_path / "src"
    root.mkdir()
    (root / "main.tex").write_text("\\documentclass{article}\n" + preamble + "\n\\begin{document}\n" + body
                                   + "\n\\end{document}\n", encoding="utf-8")
    return root


def _masked(tmp_path: Path, body: str, preamble: str = "") -> list[str]:
    doc = LatexReader().read(_tree(tmp_path, body, preamble))
    mask_document(doc)
    return [seg.masked or "" for seg in doc.segments()]


@pytest.mark.parametrize("source, word", [
    ('A na\\"ive model works.', "naïve"),
    ('The Schr\\"odinger equation holds.', "Schrödinger"),
    ('As G\\"{o}del showed here.', "Gödel"),
    ("It was \\'{e}t\\'{e} then.", "été"),
    ("A small gar\\c{c}on came.", "garçon"),
    ('A na\\"{\\i}ve model works.', "naïve"),
    ('The Schr{\\"o}dinger equation holds.', "Schrödinger"),
    ('Lengths in \\AA{}ngstr\\"om units.', "Ångström"),
    ("The Stra\\ss e is long.", "Straße"),
    ("The caf\\'e is open.", "café"),
    ('\\"Uber alles here.', "Über"),
    ("In ma\\~nana we trust.", "mañana"),
])
def test_accent_inside_a_word_reaches_the_model_whole(tmp_path, source, word):
    masked = _masked(tmp_path, source)
    assert len(masked) == 1 and re.search(rf"(?<!\w){word}(?!\w)", masked[0]), masked
    assert "<x" not in masked[0] and "\\" not in masked[0]


@pytest.mark.parametrize("source, kept", [
    ('A formula $\\"a + b$ here and text.', '$\\"a + b$'),  # math
    ('Call \\texttt{na\\"ive} in code.', '\\texttt{na\\"ive}'),  # code
    ('See Section~\\ref{sec:na\\"ive} for it.', '\\ref{sec:na\\"ive}'),  # a key
    ("A lone accent \\'a stays markup.", "\\'a"),  # not inside a word
    ('Two letters \\"{ab}c stay markup.', '\\"{ab}'),  # the argument is not one letter
])
def test_accent_outside_prose_words_keeps_its_bytes(tmp_path, source, kept):
    doc = LatexReader().read(_tree(tmp_path, source))
    mask_document(doc)
    (seg,) = doc.segments()
    assert "<x1/>" in (seg.masked or "")
    spans = [seg.source[s.start:s.end] for s in seg.spans if s.role != "char"]
    assert any(kept in span or span in kept for span in spans), (spans, seg.masked)


def test_author_block_names_keep_their_accents(tmp_path):
    doc = LatexReader().read(_tree(tmp_path, "\\maketitle\nSome prose sentence.", "\\title{A t\\'itle}\n"
                                   "\\author{Jos\\'e Lezama}"))
    mask_document(doc)
    assert not any("José" in (seg.masked or "") for seg in doc.segments())


def test_a_translation_carries_the_character_and_restores_every_placeholder(tmp_path):
    doc = LatexReader().read(_tree(tmp_path, 'A na\\"ive bound $x$ by G\\"{o}del~\\cite{g}.'))
    mask_document(doc)
    (seg,) = doc.segments()
    assert seg.masked == "A naïve bound <x1/> by Gödel<x2/>."
    answer = "<x2/> 괴델의 순진한(naïve) 경계 <x1/>."
    assert placeholder_problems(seg, answer) == []
    assert unmask(seg, answer) == "~\\cite{g} 괴델의 순진한(naïve) 경계 $x$."


@pytest.mark.parametrize("source, start", [
    ("\\IEEEPARstart{T}{his} paper studies rotations.", "This paper studies rotations."),
    ("\\IEEEPARstart{M}{any} robotic systems move.", "Many robotic systems move."),
    ("\\IEEEPARstart{A}{} new method is here.", "A new method is here."),
    ("\\lettrine[lines=2, nindent=0pt]{T}{his} is a dropped capital.", "This is a dropped capital."),
    ("\\lettrine{O}{nce} upon a time.", "Once upon a time."),
])
def test_drop_cap_joins_its_first_word(tmp_path, source, start):
    for n, preamble in enumerate(("", "\\newcommand{\\IEEEPARstart}[2]{#1#2}")):  # unknown, or defined
        (tmp_path / str(n)).mkdir()
        assert _masked(tmp_path / str(n), source, preamble) == [start]


def test_drop_cap_of_markup_stays(tmp_path):
    (masked,) = _masked(tmp_path, "\\IEEEPARstart{$x$}{y} is odd here.")
    assert masked.startswith("<x1/>")


# -- the corpus papers that show it ----------------------------------------------------------------------------------

def _corpus_masked(name: str) -> list[str]:
    root = CORPUS / "latex" / name
    if not root.is_dir():
        pytest.skip(f"corpus paper {name} is not beside the checkout")
    doc = LatexReader().read(root)
    mask_document(doc)
    return [seg.masked or "" for seg in doc.segments()]


def test_corpus_naive_is_one_word():
    masked = _corpus_masked("midas-tocttou-usenix22")
    assert sum(m.count("naïve") for m in masked) == 3
    assert not any(re.search(r"na<x\d+/>ve", m) for m in masked)


def test_corpus_drop_cap_sentence_is_prose():
    masked = _corpus_masked("planning-with-attitude-ral")
    assert any(m.startswith("Many robotic systems") for m in masked)


class KeepAccentsEngine(PseudoEngine):
    """Translates every plain word to "한글" and keeps the words with accented letters as they came."""

    name = "keep-accents"

    async def translate(self, items: list[str], ctx: BatchContext) -> EngineResult:
        return EngineResult(texts=[re.sub(r"(?<![<\w/])[A-Za-z]+(?![\w/>])", "한글", item) for item in items])


def test_pipeline_writes_the_character_where_the_command_was(tmp_path, monkeypatch):
    monkeypatch.setitem(engines.ENGINES, "keep-accents", f"{__name__}:KeepAccentsEngine")
    root = _tree(tmp_path, 'A na\\"ive bound $\\"a$ by G\\"{o}del here.\n\n\\IEEEPARstart{T}{his} is prose.',
                 "\\author{Jos\\'e}")
    out = tmp_path / "out"
    run(Job(source=root, settings=Settings(engine="keep-accents", compile=False), out=out))
    text = (out / "source" / "main.tex").read_text(encoding="utf-8")
    assert "한글 naïve 한글 $\\\"a$ 한글 Gödel 한글." in text
    assert "한글 한글 한글." in text and "IEEEPARstart" not in text
    assert "\\author{Jos\\'e}" in text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xelatex") is None or shutil.which("pdftotext") is None,
                    reason="TeX Live and poppler are installed by scripts/setup.sh")
def test_korean_pdf_typesets_the_characters(tmp_path, monkeypatch):
    monkeypatch.setitem(engines.ENGINES, "keep-accents", f"{__name__}:KeepAccentsEngine")
    root = _tree(tmp_path, 'A na\\"ive bound by G\\"{o}del and Schr{\\"o}dinger, gar\\c{c}on and \\AA{}ngstr\\"om.')
    out = tmp_path / "out"
    report = run(Job(source=root, settings=Settings(engine="keep-accents"), out=out))
    assert report["compile"]["ok"] and not report["compile"]["reverted"], report["compile"]
    text = subprocess.run(["pdftotext", str(out / "paper.ko.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    for word in ("naïve", "Gödel", "Schrödinger", "garçon", "Ångström"):
        assert word in unicodedata.normalize("NFC", text), (word, text)
