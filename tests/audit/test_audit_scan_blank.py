"""The audit blanks what is not prose with spaces, new lines kept, as ``re.sub("[^\\n]", " ", ...)`` does."""

from __future__ import annotations

import re

import pytest

from arxiv_translator.audit.scan import _TEX_MACRO, _TEX_MATH, _blank, _spaces


@pytest.mark.parametrize("text", ["", "abc", "\n", "a\nb", "\n\nx\n", "é\u2028x\r\ny", "  \t \n"])
def test_spaces_keep_only_new_lines(text):
    assert _spaces(text) == re.sub(r"[^\n]", " ", text)


def test_blank_keeps_lines_and_length():
    text = "Words \\emph{here} and $x^2$ then\n$$a\nb$$ end \\foo."
    for pattern in (_TEX_MACRO, _TEX_MATH):
        out = _blank(text, pattern)
        assert out == pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
        assert len(out) == len(text) and out.count("\n") == text.count("\n")
    assert "emph" not in _blank(text, _TEX_MACRO) and "x^2" not in _blank(text, _TEX_MATH)


def test_blank_arguments_finds_the_calls_an_alternation_of_names_finds(monkeypatch):
    """Calls of the commands whose arguments are blanked are found by one command pattern and a set lookup:
    the same calls, and the same text, as the alternation of the names (longest first) it replaces, on every
    corpus file with the paper's own key macros, and on names that prefix one another."""
    from conftest import CORPUS

    from arxiv_translator.audit import tex_nonprose
    from arxiv_translator.audit.tex_nonprose import key_macros

    texts = [(tex.read_text(encoding="utf-8", errors="replace"), key_macros(tex.parent))
             for tex in sorted((CORPUS / "latex").glob("*/*.tex"))]
    texts.append(("\\icmlauthor{A}{b}\\icmlauthorx{C}{d} \\\\icmlauthor*{E}{f} \\url{x}\\urlx{y}", {}))
    new = [tex_nonprose.blank_arguments(text, keys) for text, keys in texts]
    monkeypatch.setattr(tex_nonprose, "_plain_names", lambda commands: False)  # the alternation, as before
    old = [tex_nonprose.blank_arguments(text, keys) for text, keys in texts]
    assert new == old
    assert sum(a != text for a, (text, _) in zip(new, texts)) > 20  # arguments were blanked
    assert "{A}" not in new[-1] and "{C}" in new[-1] and "{E}" not in new[-1]


def _corpus_texts() -> list[str]:
    """Every corpus LaTeX file and Mathpix Markdown file, and short random strings of the characters that matter."""
    import random

    from conftest import CORPUS

    texts = [p.read_text(encoding="utf-8", errors="replace")
             for p in sorted(CORPUS.glob("latex/*/**/*.tex")) + sorted(CORPUS.glob("**/*.mmd"))]
    rng = random.Random(7)
    texts += ["".join(rng.choice("$\\ab\n{}()[]x ") for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    return texts


def test_math_patterns_find_what_the_lookbehind_first_patterns_found():
    """``\\$(?<!\\\\\\$)`` with a possessive run (every alternative starts with a character, so the search jumps)
    finds the same math, at the same places, as ``(?<!\\\\)\\$`` with a lazy run did: on every corpus LaTeX and
    Mathpix file, and on random strings of dollars, backslashes, braces and new lines."""
    from arxiv_translator.audit.scan import _MD_MATH, _TEX_MATH_ENVS

    old_tex = re.compile(r"\\begin\{(" + _TEX_MATH_ENVS + r")\}.*?\\end\{\1\}|\$\$.*?\$\$|(?<!\\)\$(?:\\.|[^$\\])+?\$|"
                         r"\\\(.*?\\\)|\\\[.*?\\\]", re.S)
    old_md = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]|(?<!\\)\$(?:\\.|[^$\\\n])+?\$|\\\((?:(?!\n\n).)*?\\\)", re.S)
    texts = _corpus_texts()
    found = 0
    for old, new in ((old_tex, _TEX_MATH), (old_md, _MD_MATH)):
        for text in texts:
            spans = [m.span() for m in new.finditer(text)]
            assert spans == [m.span() for m in old.finditer(text)], text[:200]
            found += len(spans)
    assert found > 10_000
    assert [m.group() for m in _TEX_MATH.finditer(r"a \$5 and $x\$y$ but $$z$$")] == [r"$x\$y$", "$$z$$"]


def test_glue_is_looked_for_only_where_plus_or_minus_is():
    """Lengths with stretch (``25.4pt plus 2.4pt minus 4.8pt``) are blanked; a text without "plus" or "minus"
    skips the pattern, with the same result as running it on every corpus file."""
    from arxiv_translator.audit import tex_nonprose
    from arxiv_translator.audit.tex_nonprose import blank_options

    blanked = blank_options(r"\setlength{\x}{25.4pt plus 2.4pt minus 4.8pt} ok")
    assert "plus" not in blanked and "25.4pt" not in blanked and blanked.endswith("} ok")
    texts = _corpus_texts()[:-5000]
    glue = tex_nonprose._GLUE
    skipped = 0
    for text in texts:  # the skip is safe: without either word the pattern finds nothing
        if "plus" not in text and "minus" not in text:
            assert glue.search(text) is None
            skipped += 1
    assert skipped > len(texts) // 2
