"""Masking, answer checking and restoring: table-driven."""

from __future__ import annotations

import pytest

from arxiv_translator.document import Protected, Segment
from arxiv_translator.protect import mask, placeholder_problems, unmask


def seg(source: str, spans: list[tuple[str, str, str | None]]) -> Segment:
    """Build a segment; spans are (kind, exact text, role) found left to right."""
    out, pos, pair = [], 0, 0
    for kind, text, role in spans:
        start = source.index(text, pos)
        role = role or "atom"
        if role == "open":
            pair += 1
        out.append(Protected(kind=kind, start=start, end=start + len(text), role=role,
                             pair=pair if role != "atom" else None))
        pos = start + len(text)
    return Segment(id="t/p1", kind="paragraph", source=source, spans=out)


CASES = [
    ("We use $x$ here.", [("math", "$x$", None)], "We use <x1/> here."),
    ("See~\\ref{a} now.", [("space", "~", None), ("ref", "\\ref{a}", None)], "See<x1/> now."),
    ("A \\textbf{big} one.", [("format", "\\textbf{", "open"), ("format", "}", "close")], "A <g1>big</g1> one."),
    ("Cite \\cite{a}, \\cite{b} ok.", [("cite", "\\cite{a}", None), ("cite", "\\cite{b}", None)],
     "Cite <x1/>, <x2/> ok."),
    ("Two\n  lines  here.", [], "Two lines here."),
    ("Literal <x1/> text.", [], "Literal <x1/> text."),
]


@pytest.mark.parametrize("source,spans,masked", CASES)
def test_mask(source, spans, masked):
    s = seg(source, spans)
    assert mask(s) == masked


@pytest.mark.parametrize("source,spans,masked", CASES)
def test_roundtrip_identity(source, spans, masked):
    s = seg(source, spans)
    m = mask(s)
    assert placeholder_problems(s, m) == []
    restored = unmask(s, m)
    for span in s.spans:
        assert s.span_text(span) in restored


def test_literal_placeholder_in_source_is_protected():
    s = seg("Literal <x1/> text $y$.", [("math", "$y$", None)])
    assert mask(s) == "Literal <x1/> text <x2/>."
    assert unmask(s, "문자 <x1/> 글 <x2/>.") == "문자 <x1/> 글 $y$."


@pytest.mark.parametrize("answer,problem", [
    ("우리는 여기서 사용한다.", "dropped placeholder <x1/>"),
    ("우리는 <x1/> <x1/> 사용한다.", "repeated placeholder <x1/>"),
    ("우리는 <x1/> <x2/> 사용한다.", "invented placeholder <x2/>"),
])
def test_placeholder_problems(answer, problem):
    s = seg("We use $x$ here.", [("math", "$x$", None)])
    mask(s)
    assert problem in placeholder_problems(s, answer)


def test_misnested_wrappers_are_rejected():
    s = seg("A \\textbf{big \\emph{red}} one.", [
        ("format", "\\textbf{", "open"), ("format", "\\emph{", "open"), ("format", "}", "close"),
        ("format", "}", "close")])
    # pair numbers: outer=1, inner=2; fix the close pairs to nest properly
    s.spans[2].pair, s.spans[3].pair = 2, 1
    assert mask(s) == "A <g1>big <g2>red</g2></g1> one."
    assert placeholder_problems(s, "<g1>큰 <g2>빨간</g2></g1> 것") == []
    assert placeholder_problems(s, "<g1>큰 <g2>빨간</g1></g2> 것") != []


def test_sloppy_tags_are_normalised():
    s = seg("We use $x$ and \\emph{it}.", [("math", "$x$", None), ("format", "\\emph{", "open"),
                                           ("format", "}", "close")])
    mask(s)
    assert placeholder_problems(s, "< X1 /> 과 <G2>그것</ g2>") == []
    assert unmask(s, "< X1 /> 과 <G2>그것</ g2>") == "$x$ 과 \\emph{그것}"


def test_unmask_keeps_outer_whitespace():
    s = seg("  We use $x$.\n", [("math", "$x$", None)])
    mask(s)
    assert unmask(s, "<x1/>를 쓴다.") == "  $x$를 쓴다.\n"


def test_placeholder_pattern_is_defined_once():
    """Every module that reads placeholders uses :data:`arxiv_translator.placeholders.PLACEHOLDER_RE`."""
    import re as _re
    from pathlib import Path as _Path

    from arxiv_translator import placeholders, protect

    assert protect.PLACEHOLDER_RE is placeholders.PLACEHOLDER_RE
    package = _Path(placeholders.__file__).parent
    copies = [str(p.relative_to(package)) for p in package.rglob("*.py")
              if p.name != "placeholders.py" and _re.search(r"re\.compile\([^)]*\[xXgG\]", p.read_text(encoding="utf-8"))]
    assert copies == []
    assert placeholders.PLACEHOLDER_RE.fullmatch(placeholders.atom(3)).group(3) == "3"
    assert placeholders.PLACEHOLDER_RE.fullmatch(placeholders.group_close(12)).groups() == ("/", "g", "12", "")
