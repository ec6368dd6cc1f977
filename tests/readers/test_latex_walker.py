"""The fast tokenizer builds exactly the node tree of pylatexenc's own, and its common tokens are the stock ones."""

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


SNIPPETS = [
    "Plain words, with punctuation: yes! 3.5 -- and ``quotes''.",
    "Sj\\\"olund and na\\\"ive and \\'ecole and \\^{o}.",
    "\\frac{a}bc and \\frac{a} bc and \\sqrt 2x.",
    "\\item[Label] text \\item plain text\n\n New paragraph.",
    "\\section*{Intro} text \\cite[p.~3]{key} more.",
    "$a_b^c$ and \\(x\\) and \\[y\\] done.",
    "\\verb|a b| and \\url{http://x.y/a-b} end.",
    "\\foo bar \\foo{bar} \\LaTeX{} is nice.",
    "a  {b}\n\n {c} \\x\n\n y \\y  \n z \\\\[2pt] \\ q \\$ \\% \\& \\{ \\} ~ & # -- --- ``x''",
    "$$a^{2}$$ and $x$$y$ and $\\text{if $z$}$ % a comment\n next \\begin{itemize}\\item x\\end{itemize}",
    "\\caf\u00e9 and \\\u00e9t\u00e9 and \\a\u00df and \\x\u00a0y \u00e9\u00e8 {\u00e9}",
    "end with a macro \\foo",
    "end with a brace {",
    "end with space \\bar   ",
    "\\newcommand{\\R}{\\mathbb{R}} $x \\in \\R^{n}_{i}$ (a) [b] 'c' \"d\" !?;:",
    # runs of several words: one line end inside, not two; tabs; CRLF; after a macro, a brace, a bracket
    "two words\nnext line words \\foo bar baz\n \nafter a spaced line\r\nCRLF words\t\ttabs here {x}",
    "\\textbf{bold} words after a brace and \\item[x] words after a bracket \\frac{a}bc d e \\\\ f g",
    "words  \n  more words\n\n  next paragraph words ~ tie words -- dash words",
    # environments: spaces before the name, a starred name, spaces and dots in it, bad names, none
    "\\begin{itemize} \\item a\\end{itemize} \\begin {figure*}[t] x \\end {figure*} \\begin{a b.c_d-e}\\end{a b.c_d-e}",
    "\\begin{caf\u00e9}x\\end{caf\u00e9} \\begin{} \\begin x \\end{+} \\beginx \\begin\n\n{y} z",
    # arguments without braces: each is one token, however many words follow
    "\\frac x y z and \\frac'' b c and \\textcolor red words here \\frac12 more words",
]


@pytest.mark.parametrize("text", SNIPPETS)
def test_same_tree_on_snippets(text):
    assert tree(ProseWalker, text) == tree(LatexWalker, text)


def test_same_tree_on_a_corpus_paper(sample_paper):
    papers = corpus_papers()
    files = [sample_paper / "sections" / "method.tex"] + ([papers[0] / "amor.tex"] if papers else [])
    for path in files:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert tree(ProseWalker, text) == tree(LatexWalker, text)


def test_same_tree_on_every_corpus_file():
    """Every corpus file, preamble included: the same nodes, at the same places, as pylatexenc's own tokenizer
    gives, although plain words now come as one run per stretch."""
    from conftest import CORPUS

    files = sorted(CORPUS.glob("latex/*/**/*.tex"))
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert tree(ProseWalker, text) == tree(LatexWalker, text), path


def test_same_tree_on_random_sources():
    """Random strings of words, commands, groups, math, environments, comments and line ends (a fixed seed):
    the stock tokenizer's tree every time.  Before arguments without braces were read as one token, a run of
    words after such an argument (``\\frac x y z``) became the next argument in 145 of 4000 of them."""
    import random

    atoms = ["word", "two words", " ", "  ", "\n", "\n\n", "\n \n", "\t", "\\textbf", "\\emph", "{", "}", "[", "]",
             "$", "$$", "\\(", "\\)", "\\[", "\\]", "\\begin{itemize}", "\\end{itemize}", "\\begin {x*}", "\\end{x*}",
             "\\begin{}", "\\begin", "\\end", "%c\n", "\\item", "\\frac", "a", "b", "1.5", "--", "``", "''", "~", "&",
             "#", "^", "_", "\\\\", "\\ ", "\\'e", "\\\"o", "\u00e9", "\\\u00e9", "\\section*", "\\cite", "\\verb|x|",
             "|", "\\begin{equation}", "\\end{equation}", "\\begin{align*}", "\\end{align*}", "\r\n", "\\input",
             "x,y;z:!?", "\\label{a:b}"]
    rng = random.Random(11)
    for _ in range(1500):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(1, 25)))
        assert tree(ProseWalker, text) == tree(LatexWalker, text), text


def test_plain_words_come_as_one_token_per_run():
    """Words separated by spaces and single line ends are one token (the walker makes a node of them either way)."""
    walker = ProseWalker("A few plain words,\nthen more. \\x", latex_context=make_context_db({}))
    tok = walker.get_token(1, parsing_state=walker.make_parsing_state())
    assert (tok.tok, tok.arg, tok.pre_space) == ("char", "few plain words,\nthen more.", " ")


def _stock_and_fast(text: str):
    from pylatexenc.latexwalker import LatexWalkerEndOfStream

    fast = ProseWalker(text, latex_context=make_context_db({}), tolerant_parsing=True)
    stock = LatexWalker(text, latex_context=make_context_db({}), tolerant_parsing=True)
    states = [fast.make_parsing_state(), fast.make_parsing_state(in_math_mode=True, math_mode_delimiter="$")]
    compared = 0
    for pos in range(len(text)):
        for state, environments in [(state, env) for state in states for env in (True, False)]:
            tok = fast._common_token(pos, state, environments)
            if tok is None:
                continue
            try:
                want = stock.get_token(pos, parsing_state=state, environments=environments)
            except LatexWalkerEndOfStream:
                want = None
            got = None if tok is None else (tok.tok, tok.arg, tok.pos, tok.len, tok.pre_space, tok.post_space)
            assert got == (want.tok, want.arg, want.pos, want.len, want.pre_space, want.post_space), (pos, text[pos:pos + 30])
            compared += 1
    return compared


def test_common_tokens_are_the_stock_tokens(sample_paper):
    """At every position of a source (text and math mode), a token the fast path makes is the stock one."""
    text = (sample_paper / "sections" / "method.tex").read_text(encoding="utf-8")
    text += "\n".join(SNIPPETS)  # the snippets above too
    assert _stock_and_fast(text) > len(text)  # most positions take the fast path
    assert _stock_and_fast("\n".join(SNIPPETS[-2:])) > 50  # environments among them


def test_same_tree_on_the_largest_corpus_paper():
    """Every file of the benchmark's paper (bench/bench_startup.py) parses to the same tree."""
    papers = corpus_papers()
    paper = next((p for p in papers if p.name == "mom-value-of-data"), None)
    if paper is None:
        pytest.skip("the corpus is not here")
    files = sorted(paper.glob("*.tex"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert tree(ProseWalker, text) == tree(LatexWalker, text), path.name
