"""Math read as atoms (MathAtomWalker): the same nodes around it, the same Document, a fraction of the parsing."""

from __future__ import annotations

import pytest
from conftest import SAMPLE, corpus_papers
from pylatexenc.latexwalker import LatexCharsNode, LatexEnvironmentNode, LatexMathNode, LatexWalker

import arxiv_translator.readers.latex as latex_reader
from arxiv_translator.readers.latex_specs import make_context_db
from arxiv_translator.readers.latex_walker import MathAtomWalker, ProseWalker, math_body_end


def outline(walker_cls, text: str) -> list:
    """Every node as (type, pos, len), math and math environments without their inside."""
    nodes, _, _ = walker_cls(text, latex_context=make_context_db({}), tolerant_parsing=True).get_latex_nodes()

    def dump(ns) -> list:
        out = []
        for n in ns or []:
            if n is None:
                continue
            item = [type(n).__name__, n.pos, n.len]
            atom = isinstance(n, LatexMathNode) or (isinstance(n, LatexEnvironmentNode)
                                                    and n.environmentname in MathAtomWalker.atom_envs)
            if not atom and getattr(n, "nodelist", None):
                item.append(dump(n.nodelist))
            if not atom and getattr(n, "nodeargd", None) is not None:
                item.append(dump(n.nodeargd.argnlist))
            out.append(item)
        return out

    return dump(nodes)


def maths(text: str) -> list:
    """The math nodes (and display-math environments) MathAtomWalker makes, anywhere in the tree."""
    found = []

    def walk(ns) -> None:
        for n in ns or []:
            if isinstance(n, LatexMathNode) or (isinstance(n, LatexEnvironmentNode)
                                                and n.environmentname in MathAtomWalker.atom_envs):
                found.append(n)
                continue
            walk(getattr(n, "nodelist", None))
            if getattr(n, "nodeargd", None) is not None:
                walk(n.nodeargd.argnlist)

    nodes, _, _ = MathAtomWalker(text, latex_context=make_context_db({}), tolerant_parsing=True).get_latex_nodes()
    walk(nodes)
    return found


ATOMS = [  # the inside is read as one chars node
    r"Let $x_{i}^{2} = \frac{a}{b}$ hold.",
    r"Inline \(a + \{b\}\) and display \[ \sum_i x_i \] and $$ y^2 $$ end.",
    r"$\text{if $z$ then } w$ and $a \$ b$ and $a\\$ done.",
    "\\begin{align*}\n a &= b \\\\\n c &= \\frac{1}{2} % a comment with $ and }\n\\end{align*} after",
    r"\begin{equation}\label{eq:x} \begin{cases} 1 & x \\ 0 \end{cases}\end{equation} and \textbf{$q$}.",
    r"\caption{A plot of $f(x)$ for $x \in [0, 1]$.}",
]
STOCK = [  # the end is not plain to see: read by the stock parser, as before
    r"$a \verb|$| b$ c",
    "$a\n\n b$ broken",
    r"$a } b$ unbalanced",
    r"$a$$b$ odd",
    r"\[ a \text{$b} \] unpaired",
]


@pytest.mark.parametrize("text", ATOMS + STOCK)
def test_nodes_around_math_are_the_stock_ones(text: str) -> None:
    assert outline(MathAtomWalker, text) == outline(LatexWalker, text) == outline(ProseWalker, text)


@pytest.mark.parametrize("text", ATOMS)
def test_plain_math_is_not_parsed_inside(text: str) -> None:
    found = maths(text)
    assert found
    for node in found:
        assert len(node.nodelist) <= 1 and all(isinstance(n, LatexCharsNode) for n in node.nodelist)


@pytest.mark.parametrize("text", STOCK)
def test_math_with_an_unclear_end_is_parsed_as_before(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = []
    atom = MathAtomWalker._math_atom

    def spy(self, pos, closer, state):
        answers.append(atom(self, pos, closer, state))
        return answers[-1]

    monkeypatch.setattr(MathAtomWalker, "_math_atom", spy)
    maths(text)
    assert answers and answers[0] is None  # the first math of each is left to the stock parser


def test_math_body_end() -> None:
    assert math_body_end("$a_{1}$", 1, "$") == 6
    assert math_body_end(r"\(a\)", 2, r"\)") == 3
    assert math_body_end(r"a \\\end{align}", 0, r"\end{align}") == 4
    assert math_body_end("a % $\n b$", 0, "$") == 8
    assert math_body_end("a { $ } b$", 0, "$") == 9
    for text, closer in (("a }", "$"), ("a \n  \n b$", "$"), ("a $$", "$"), ("a $ b", "$$"), ("a", "$"),
                         (r"a \end{alig}", r"\end{align}"), ("a %", "$")):
        assert math_body_end(text, 0, closer) is None, text


@pytest.mark.parametrize("paper", [SAMPLE, *corpus_papers()], ids=lambda p: p.name)
def test_the_document_is_the_same(paper, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading every paper with math as atoms gives exactly the Document of parsing it whole."""
    atoms = latex_reader.LatexReader().read(paper).model_dump(mode="json")
    monkeypatch.setattr(latex_reader, "MathAtomWalker", ProseWalker)
    whole = latex_reader.LatexReader().read(paper).model_dump(mode="json")
    assert atoms == whole
