"""The fast prose tokenizer builds exactly the node tree of pylatexenc's own."""

from __future__ import annotations

import pytest
from conftest import corpus_papers
from pylatexenc.latexwalker import LatexWalker

from arxiv_translator.readers.latex_specs import make_context_db
from arxiv_translator.readers.latex_walker import ProseWalker


def tree(walker_cls, text: str) -> list:
    nodes, _, _ = walker_cls(text, latex_context=make_context_db({}), tolerant_parsing=True).get_latex_nodes()

    def dump(ns):
        out = []
        for n in ns or []:
            if n is None:
                continue
            item = [type(n).__name__, n.pos, n.len]
            if getattr(n, "nodelist", None):
                item.append(dump(n.nodelist))
            if getattr(n, "nodeargd", None) is not None:
                item.append(dump(n.nodeargd.argnlist))
            out.append(item)
        return out

    return dump(nodes)


@pytest.mark.parametrize("text", [
    "Plain words, with punctuation: yes! 3.5 -- and ``quotes''.",
    "Sj\\\"olund and na\\\"ive and \\'ecole and \\^{o}.",
    "\\frac{a}bc and \\frac{a} bc and \\sqrt 2x.",
    "\\item[Label] text \\item plain text\n\n New paragraph.",
    "\\section*{Intro} text \\cite[p.~3]{key} more.",
    "$a_b^c$ and \\(x\\) and \\[y\\] done.",
    "\\verb|a b| and \\url{http://x.y/a-b} end.",
    "\\foo bar \\foo{bar} \\LaTeX{} is nice.",
])
def test_same_tree_on_snippets(text):
    assert tree(ProseWalker, text) == tree(LatexWalker, text)


def test_same_tree_on_a_corpus_paper(sample_paper):
    papers = corpus_papers()
    files = [sample_paper / "sections" / "method.tex"] + ([papers[0] / "amor.tex"] if papers else [])
    for path in files:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert tree(ProseWalker, text) == tree(LatexWalker, text)
