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
