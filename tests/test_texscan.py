"""The shared TeX scanner: balanced braces, and the end of a statement."""

from __future__ import annotations

import pytest

from arxiv_translator.texscan import match_brace, scan_to


@pytest.mark.parametrize("text, expected", [
    ("\\draw (0,0) -- (1,0);", 20), ("\\node {a;b} at (0,0);", 20), ("\\draw \\; x;", 10), ("\\draw\n\nx;", None),
])
def test_scan_to_a_semicolon(text, expected):
    assert scan_to(text, 0, len(text), ";") == expected


def test_match_brace_is_bounded():
    assert match_brace("{a{b}c}", 0, 7) == 6 and match_brace("{a{b}c}", 0, 5) is None
