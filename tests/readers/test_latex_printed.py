"""Glossary and acronym definitions: long forms and descriptions are prose; keys and short forms stay.

``\\newacronym{cnn}{CNN}{convolutional neural network}`` in the preamble was not read, so ``\\gls{cnn}``
printed "convolutional neural network (CNN)" in English in the middle of a Korean sentence.  The same for
the names a paper gives its own kinds of reference (``\\crefname``), the default title of its own boxes
(``\\newtcolorbox``) and a title given to ``\\printbibliography`` (kept as a paragraph ``[title={..}]``).
"""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from arxiv_translator.audit.scan import scan_latex
from arxiv_translator.config import Settings
from arxiv_translator.pipeline import Job, run
from arxiv_translator.protect import mask_document
from arxiv_translator.readers.latex import LatexReader
from arxiv_translator.writers.markdown.document import document_markdown

PREAMBLE = r"""\usepackage[acronym]{glossaries}
\makeglossaries
\newacronym{cnn}{CNN}{convolutional neural network}
\newacronym[longplural={recurrent networks of many kinds}]{rnn}{RNN}{recurrent neural network}
\newglossaryentry{latent}{name={latent space}, description={a compressed space where similar inputs lie close}}
\newglossaryentry{ood}{
  name=OOD,
  description={data drawn from another distribution}
}
\longnewglossaryentry{kl}{name=KL}{the divergence between two distributions}
"""
BODY = r"""\section{Introduction}
We train a \gls{cnn} and a \gls{rnn} in the \gls{latent}; \gls{ood} inputs are hard under \gls{kl}.
\newacronym{rl}{RL}{reinforcement learning}
Agents learn with \gls{rl} from rewards.
"""


def make_paper(root: Path, preamble: str = PREAMBLE, body: str = BODY) -> Path:
    root.mkdir(parents=True)
    (root / "main.tex").write_text("\\documentclass{article}\n" + preamble + "\\begin{document}\n" + body +
                                   "\\end{document}\n", encoding="utf-8")
    return root


def items(root: Path) -> list[str]:
    doc = LatexReader().read(root)
    mask_document(doc)
    return [s.source for s in doc.segments() if s.kind == "item"]


def test_long_forms_and_descriptions_are_segments_keys_stay(tmp_path):
    doc = LatexReader().read(make_paper(tmp_path / "src"))
    assert "neural network" not in document_markdown(doc)  # definitions are printed where they are used
    found = items(make_paper(tmp_path / "src2"))
    assert found == ["convolutional neural network", "recurrent neural network", "latent space",
                     "a compressed space where similar inputs lie close", "data drawn from another distribution",
                     "the divergence between two distributions", "reinforcement learning"]
    assert not any(word in " ".join(found) for word in ("cnn", "CNN", "OOD", "KL", "longplural"))


def test_list_labels_are_segments_printed_apart(tmp_path):
    """enumitem's ``label=\\textbf{Step \\arabic*:}`` printed "Step 1:" before every item of the Korean PDF."""
    body = ("\\begin{enumerate}[label=\\textbf{Step \\arabic*:}, leftmargin=*]\n\\item Collect the data.\n"
            "\\end{enumerate}\n\\begin{itemize}[label=Phase \\Roman*., nosep]\n\\item Train.\n\\end{itemize}\n"
            "\\begin{enumerate}[label=(\\alph*)]\n\\item First.\n\\end{enumerate}\n")
    doc = LatexReader().read(make_paper(tmp_path / "src", "\\usepackage{enumitem}\n"
                                        "\\setlist[description]{font=\\bfseries, label=Task \\arabic*:}\n", body))
    mask_document(doc)
    found = [(s.kind, s.source, s.attrs.apart) for s in doc.segments()]
    assert found == [("item", "Task \\arabic*:", True), ("item", "\\textbf{Step \\arabic*:}", True), ("item", "Collect the data.", False),
                     ("item", "Phase \\Roman*.", True), ("item", "Train.", False), ("item", "First.", False)]
    markdown = document_markdown(doc)
    assert "Step" not in markdown and "Phase" not in markdown and "Collect the data." in markdown


@pytest.mark.parametrize("preamble, expected", [
    ("\\usepackage{acronym}\n\\acrodef{GAN}[GANs]{generative adversarial network}\n",
     ["generative adversarial network"]),
    ("\\usepackage{acro}\n\\DeclareAcronym{gan}{short=GAN, long=generative adversarial network}\n",
     ["generative adversarial network"]),
    ("\\usepackage{glossaries-extra}\n\\newabbreviation{svm}{SVM}{support vector machine}\n",
     ["support vector machine"]),
    ("\\usepackage{glossaries}\n\\newacronym{id}{ID}{ID}\n\\newacronym{nlp}{NLP}\n\nWords after.\n", []),
])
def test_other_packages_and_odd_calls(tmp_path, preamble, expected):
    assert items(make_paper(tmp_path / "src", preamble, "Some text.\n")) == expected


def test_reference_names_box_titles_and_bibliography_title(tmp_path):
    preamble = ("\\usepackage[most]{tcolorbox}\n\\usepackage{cleveref}\n\\usepackage{biblatex}\n"
                "\\newtcolorbox{insight}[1][]{colback=blue!5,title={Key insight},#1}\n"
                "\\crefname{insight}{insight}{insights}\n\\Crefname{insight}{Insight}{Insights}\n"
                "\\newtcbtheorem{prop}{Proposition of interest}{colback=white}{pr}\n")
    doc = LatexReader().read(make_paper(tmp_path / "src", preamble,
                                        "\\begin{insight}\nSmall models suffice.\n\\end{insight}\n"
                                        "\\printbibliography[title={Works Cited in This Paper}, heading=bibintoc]\n"))
    found = [(s.kind, s.source) for s in doc.segments()]
    assert found == [("heading", "Key insight"), ("item", "insight"), ("item", "insights"), ("item", "Insight"),
                     ("item", "Insights"), ("item", "Proposition of interest"), ("paragraph", "Small models suffice."),
                     ("heading", "Works Cited in This Paper")]


def test_audit_reads_gls_keys_as_keys(tmp_path):
    root = tmp_path / "source"
    make_paper(root, PREAMBLE, "우리는 \\gls{cnn}과 \\glspl{latent}, \\acrlong{rnn}을 쓴다.\n")
    assert list(scan_latex(root, "source", "main.tex")) == []


@pytest.mark.slow
def test_korean_pdf_prints_long_forms_in_korean(tmp_path):
    out = tmp_path / "out"
    report = run(Job(source=make_paper(tmp_path / "src"), settings=Settings(engine="pseudo"), out=out))
    comp = report["compile"]
    assert comp["original_ok"] and comp["ok"] and comp["reverted"] == [], comp
    with pymupdf.open(out / "paper.ko.pdf") as pdf:
        text = " ".join("".join(page.get_text() for page in pdf).split())
    for english in ("convolutional", "recurrent neural", "latent space", "reinforcement"):
        assert english not in text, english
    assert "(CNN)" in text and "(RNN)" in text and "OOD" in text  # the short forms print as defined
    page = (out / "paper.bilingual.html").read_text(encoding="utf-8")
    assert "convolutional neural network" not in page and "We train a" in page  # definitions are not rows
    tex = (out / "source" / "main.tex").read_text(encoding="utf-8")
    assert "\\newacronym{cnn}{CNN}{" in tex and "\\gls{cnn}" in tex and "\\newglossaryentry{ood}{" in tex


def test_definitions_in_a_file_input_in_the_preamble(tmp_path):
    """``\\input{acronyms}`` in the preamble: the file was kept as it is, its long forms English."""
    root = make_paper(tmp_path / "src", "\\usepackage[acronym]{glossaries}\n\\input{acronyms}\n",
                      "We train a \\gls{cnn} with \\gls{rl}.\n")
    (root / "acronyms.tex").write_text("\\newacronym{cnn}{CNN}{convolutional neural network}\n"
                                       "\\newacronym{rl}{RL}{reinforcement learning}\n", encoding="utf-8")
    assert items(root) == ["convolutional neural network", "reinforcement learning"]
    out = tmp_path / "out"
    run(Job(source=root, settings=Settings(engine="pseudo", compile=False), out=out))
    written = (out / "source" / "acronyms.tex").read_text(encoding="utf-8")
    assert "convolutional" not in written and "\\newacronym{cnn}{CNN}{" in written
