"""Model text is text: the validator's and the LaTeX escaper's tables."""

from __future__ import annotations

import pytest

from arxiv_translator.document import Protected, Segment
from arxiv_translator.protect import mask, unmask
from arxiv_translator.translation.validate import answer_problems
from arxiv_translator.translation.validate_markup import markup_problems
from arxiv_translator.writers.latex.text import escape_latex_prose


def segment(source: str, spans: list[tuple[int, int]] = ()) -> Segment:
    seg = Segment(id="s", kind="paragraph", source=source,
                  spans=[Protected(kind="math", start=a, end=b) for a, b in spans])
    mask(seg)
    return seg


SOURCE = segment(r"We prove that $x>0$ holds for every input of the model.", [(14, 19)])
GOOD = "우리는 <x1/> 이 모델의 모든 입력에 대해 성립함을 증명한다."


@pytest.mark.parametrize("answer, problem", [
    (GOOD, None),
    (GOOD + r" \special{pdf:fstream @x (/etc/hostname)}", "markup added"),
    (GOOD + r" \immediate\write18{touch x}", "markup added"),
    (GOOD + r" \input{/etc/passwd}", "markup added"),
    (GOOD + " ^^5cinput /etc/passwd", "markup added"),
    (GOOD + " <script>alert(1)</script>", "markup added"),
    (GOOD + " <!-- x -->", "markup added"),
    (GOOD + " [x](https://evil.example)", "markup added"),
    (GOOD + " JavaScript:alert(1)", "markup added"),
    (GOOD + " data:text/html,x", "markup added"),
    (GOOD + "\x00", "invalid character U+0000"),
    (GOOD + "\ud800", "invalid character U+D800"),
    (GOOD + "\ufffd", "invalid character U+FFFD"),
    (GOOD + "\x1b[31m", "invalid character U+001B"),
    ("우리는 <x1/> 이 모델의 모든 입력에 대해 5 % 성립함을 증명한다 (a < b).", None),
])
def test_markup_table(answer, problem):
    found = markup_problems(SOURCE, answer)
    if problem is None:
        assert found == [] and answer_problems(SOURCE, answer) == []
    else:
        assert any(problem in p for p in found), found
        assert any(problem in p for p in answer_problems(SOURCE, answer))


def test_what_the_source_had_may_come_back():
    seg = segment(r"Escape a star with \* or a path C:\temp, or see <b>bold</b> markup in this text.")
    assert markup_problems(seg, r"별표는 \* 로, 경로 C:\temp 또는 <b>굵게</b> 표시를 본다.") == []
    assert markup_problems(seg, r"별표는 \* 로, \* 경로 C:\temp 또는 <b>굵게</b> 표시를 본다.") != []


@pytest.mark.parametrize("answer, masked, expected", [
    ("한국어 <x1/> 문장", "English <x1/> text", "한국어 <x1/> 문장"),
    (r"끝 \special{x}", "end", r"끝 \textbackslash{}special\{x\}"),
    ("5% $x$ a_b #1 ~ & {}", "five", r"5\% \$x\$ a\_b \#1 \textasciitilde{} \& \{\}"),
    ("x^^5c y", "x", r"x\textasciicircum{}\textasciicircum{}5c y"),
    ("a_b #1", "a_b #1 in a macro", "a_b #1"),  # as many raw as the source had
    ("a_b_c", "a_b", r"a_b\_c"),
    ("<g1>굵게 \\bf</g1> 끝", "<g1>bold</g1> end", r"<g1>굵게 \textbackslash{}bf</g1> 끝"),
    ("첫 문단\n\n둘째 \x00문단", "one paragraph", "첫 문단\n둘째 문단"),
])
def test_latex_escape_table(answer, masked, expected):
    assert escape_latex_prose(answer, masked) == expected


def test_escaped_prose_round_trips_the_protected_spans():
    source = r"We prove that $x>0$ holds for every input of the model."
    seg = segment(source, [(14, 19)])
    out = unmask(seg, escape_latex_prose(GOOD + " 100%", seg.masked or ""))
    assert "$x>0$" in out and out.endswith(r"100\%")


def test_a_deeply_nested_answer_is_a_bad_answer_not_a_crash():
    from arxiv_translator.errors import BadAnswerError
    from arxiv_translator.engines.prompt import parse_answer

    with pytest.raises(BadAnswerError):
        parse_answer("[" * 100_000 + "]" * 100_000, 1)
