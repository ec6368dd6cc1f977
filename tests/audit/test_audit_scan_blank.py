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
