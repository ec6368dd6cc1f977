"""Tests for arxiv_translator.translation.style: each rule, with must-change and must-not-change cases."""

from __future__ import annotations

from collections import Counter

import ftfy.bad_codecs  # noqa: F401  (sloppy codecs, to build real mojibake)
import pytest

from arxiv_translator.translation.style import (
    StyleReport,
    count_register,
    fix_entities,
    fix_mojibake,
    fix_spacing,
    hangul_ratio,
    polish,
    register_warning,
)


def moji(text: str, encoding: str, errors: str = "strict") -> str:
    """Korean UTF-8 bytes wrongly decoded with ``encoding``."""
    return text.encode("utf-8").decode(encoding, errors=errors)


# --- 1. HTML entities -------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "source", "expected", "count"),
    [
        ("&quot;모델&quot;을 쓴다.", "", '"모델"을 쓴다.', 2),
        ("A &amp; B 방법", "A and B", "A & B 방법", 1),
        ("저자&#39;s 방법", "", "저자's 방법", 1),
        ("a &lt; b 이다", "", "a < b 이다", 1),
        ("&#x2264; 이다", "", "≤ 이다", 1),
        ("&amp;lt; 기호", "", "&lt; 기호", 1),  # unescaped once, not twice
        ("A &amp; B 방법", "A &amp; B method", "A &amp; B 방법", 0),  # in source
        ("&lt;x1/&gt; 이다", "", "&lt;x1/&gt; 이다", 0),  # would form a placeholder
        ("&lt;g2&gt;굵게&lt;/g2&gt;", "", "&lt;g2&gt;굵게&lt;/g2&gt;", 0),
        ("&lt;<x1/>&gt; 이다", "", "<<x1/>> 이다", 2),  # the placeholder stays one
        ("&foo; 와 &#0;", "", "&foo; 와 &#0;", 0),  # unknown / invalid
        ("R&D 팀", "", "R&D 팀", 0),
        ("<x1/> 그리고 <g2>굵게</g2>", "", "<x1/> 그리고 <g2>굵게</g2>", 0),
    ],
)
def test_entities(text: str, source: str, expected: str, count: int) -> None:
    assert fix_entities(text, source) == (expected, count)


# --- 2. Mojibake --------------------------------------------------------------

KO = "미세 조정을 수행했다."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (moji(KO, "sloppy-cp874"), KO),  # Thai, every byte kept
        (moji("결과가 좋다 (표 3)", "sloppy-cp874"), "결과가 좋다 (표 3)"),
        (moji(KO, "sloppy-windows-1252"), KO),
        (moji(KO, "latin-1"), KO),
        (moji("미세 조정", "cp1252", "replace"), "미세 조정"),
        ("<x1/> " + moji(KO, "sloppy-windows-1252") + " <g2>x</g2>", f"<x1/> {KO} <g2>x</g2>"),
        ("식 <x1/>은 " + moji("미세 조정", "sloppy-cp874") + " <g2>모델</g2>",
         "식 <x1/>은 미세 조정 <g2>모델</g2>"),
        ("앞 " + moji("학습된다", "latin-1") + " 뒤", "앞 학습된다 뒤"),
        (moji("미세 조정", "sloppy-windows-1252") + "을 했다", "미세 조정을 했다"),  # next to Hangul
        (moji("미세 조정", "sloppy-cp874") + "을 했다", "미세 조정을 했다"),
    ],
)
def test_mojibake_fixed(text: str, expected: str) -> None:
    assert fix_mojibake(text) == (expected, True)


def test_mojibake_lossy_thai_is_partly_recovered() -> None:
    fixed, found = fix_mojibake(moji("미세 조정", "cp874", "replace"))
    assert found and fixed.startswith("미") and fixed.endswith("조정")


@pytest.mark.parametrize(
    "text",
    [
        "미세 조정 x ≤ 3 × 4 “quotes” café — naïve…",
        "정확도는 95% ± 0.3이며, 온도는 25°C, 비용은 €5이다.",
        "‘작은’ 모델 · 큰 모델 → 결과 ≥ 기준 (α = 0.1, µ = 2)",
        "naïve, façade, Zürich, São Paulo 같은 이름은 그대로 둔다.",
        "à la carte, ê, ì 그리고 í 같은 글자도 그대로 둔다.",
        "<x1/> 그리고 <g2>굵게</g2> 이다.",
        "",
    ],
)
def test_mojibake_clean_text_unchanged(text: str) -> None:
    assert fix_mojibake(text) == (text, False)


# --- 3. Spacing ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected", "count"),
    [
        ("했다.다음 문장", "했다. 다음 문장", 1),
        ("무엇인가?그렇다!정말", "무엇인가? 그렇다! 정말", 2),
        ("그러나...다음", "그러나... 다음", 1),
        ("(표 1).다음", "(표 1). 다음", 1),
        ("3.5배 빠르다.", "3.5배 빠르다.", 0),
        ("e.g. 이 방법", "e.g. 이 방법", 0),
        ("했다.Next 문장", "했다.Next 문장", 0),  # Latin after the mark
        ("https://a.com/x.한글 참고", "https://a.com/x.한글 참고", 0),
        ("www.예시.com 참고", "www.예시.com 참고", 0),
        ("메일 kim@a.한국 참고", "메일 kim@a.한국 참고", 0),
        ("했다.<x1/> 다음", "했다.<x1/> 다음", 0),
        ("식 <x1/>.다음", "식 <x1/>.다음", 0),
        ("</g2>.다음", "</g2>.다음", 0),
        ("했다. 다음", "했다. 다음", 0),
        (".다음", ".다음", 0),
    ],
)
def test_spacing(text: str, expected: str, count: int) -> None:
    assert fix_spacing(text) == (expected, count)


# --- 4. Register ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "academic", "formal"),
    [
        ("모델을 학습한다. 결과는 좋다.", 2, 0),
        ("이것은 표이다. 값이 있었다. 오류가 없다. 그렇게 했다. 값이 된다.", 5, 0),
        ("이것은 표입니다. 결과가 있습니다. 그렇게 합니다.", 0, 3),
        ("그렇습니까? 그렇습니다!", 0, 2),
        ("이것은 아니다.", 1, 0),  # 니다 without ㅂ is plain style
        ("첫 줄이다\n둘째 줄이다", 2, 0),
        ("<g2>강조된다</g2>. “인용이다”.", 2, 0),
        ("다 같이 모두 다 한다고 하는 사람", 0, 0),  # not sentence ends
        ("모두 다.", 0, 0),
        ("", 0, 0),
    ],
)
def test_count_register(text: str, academic: int, formal: int) -> None:
    counts = count_register(text)
    assert (counts["academic"], counts["formal"]) == (academic, formal)


@pytest.mark.parametrize(
    ("academic", "formal", "wanted", "warns"),
    [
        (80, 12, "academic", True),
        (90, 10, "academic", False),  # exactly 10% is fine
        (0, 0, "academic", False),
        (12, 80, "formal", True),
        (1, 80, "formal", False),
        (5, 0, "formal", True),
    ],
)
def test_register_warning(academic: int, formal: int, wanted: str, warns: bool) -> None:
    report = StyleReport(register=Counter(academic=academic, formal=formal))
    warning = register_warning(report, wanted)
    assert (warning is not None) == warns
    if warning:
        assert warning.startswith("register: ") and "\n" not in warning
        assert f"of {academic + formal} sentences" in warning


def test_register_warning_text_and_bad_style() -> None:
    report = StyleReport(register=Counter(academic=68, formal=12))
    assert register_warning(report, "academic") == (
        "register: 12 of 80 sentences use -습니다 while the paper style is academic -다"
    )
    with pytest.raises(ValueError):
        register_warning(report, "casual")


# --- hangul_ratio, report, polish ------------------------------------------------

@pytest.mark.parametrize(
    ("text", "ratio"),
    [
        ("", 0.0),
        ("<x1/> <g2></g2> 123 ≤ ×", 0.0),
        ("한국어", 1.0),
        ("ab 한국", 0.5),
        ("<x12/>한 <g3>a</g3>", 0.5),  # placeholder letters are not counted
        ("café 미세", 2 / 6),
    ],
)
def test_hangul_ratio(text: str, ratio: float) -> None:
    assert hangul_ratio(text) == pytest.approx(ratio)


def test_report_merge_and_dict() -> None:
    a = StyleReport(entities=1, mojibake=2, spacing_fixes=3, register=Counter(academic=4))
    b = StyleReport(entities=1, spacing_fixes=1, register=Counter(academic=1, formal=2))
    a.merge(b)
    assert a.as_dict() == {
        "entities": 2,
        "mojibake": 2,
        "spacing_fixes": 4,
        "register": {"academic": 5, "formal": 2},
    }


def test_polish_applies_all_steps_in_order() -> None:
    text = "&quot;" + moji("미세 조정", "sloppy-windows-1252") + "&quot;을 <x1/>로 했다.다음은 <g2>결과</g2>입니다."
    report = StyleReport()
    out = polish(text, "fine-tuning <x1/> <g2>results</g2>", report)
    assert out == '"미세 조정"을 <x1/>로 했다. 다음은 <g2>결과</g2>입니다.'
    assert report.as_dict() == {
        "entities": 2,
        "mojibake": 1,
        "spacing_fixes": 1,
        "register": {"academic": 1, "formal": 1},
    }


@pytest.mark.parametrize(
    "text",
    [
        "모델은 <x1/>를 최소화한다. 값은 3.5이며 https://arxiv.org/abs/1.2 참고.",
        "정확도 ≤ 95%, 크기 × 2, “인용” 및 café를 쓴다.",
        "A &amp; B 방법을 쓴다.",
    ],
)
def test_polish_leaves_clean_text_alone(text: str) -> None:
    report = StyleReport()
    assert polish(text, "A &amp; B", report) == text
    assert (report.entities, report.mojibake, report.spacing_fixes) == (0, 0, 0)


def test_plain_text_shortcut_skips_nothing_fixable():
    """The shortcut of fix_mojibake (ASCII, Hangul and ftfy's "common" punctuation) is safe: no such text
    is bad to ftfy or holds a byte run."""
    import itertools

    import ftfy.badness

    from arxiv_translator.translation.style import _COMMON, _PLAIN_RE, _byte_runs

    categories = ftfy.badness.MOJIBAKE_CATEGORIES
    assert set(_COMMON) == set(categories["common"])  # the shortcut's punctuation is exactly ftfy's "common"
    suspects: set[str] = set()
    for name, chars in categories.items():  # characters and ranges such as "\x80-\x9f"
        if name == "common":
            continue
        i = 0
        while i < len(chars):
            if i + 2 < len(chars) and chars[i + 1] == "-":
                suspects.update(chr(o) for o in range(ord(chars[i]), ord(chars[i + 2]) + 1))
                i += 3
            else:
                suspects.add(chars[i])
                i += 1
    suspects |= {c for c in ftfy.badness.BADNESS_RE.pattern if ord(c) > 127 and c not in _COMMON}  # literals
    assert len(suspects) > 300 and not any(_PLAIN_RE.fullmatch(c) for c in suspects)
    for table, _run, _group in _byte_runs():  # a byte run starts with a lead byte (0xC2-0xEF)
        leads = [c for c, b in table.items() if 0xC2 <= b <= 0xEF]
        assert len(leads) > 30 and not any(_PLAIN_RE.fullmatch(c) for c in leads)
    # every short text over ASCII (one of each kind the pattern tells apart), a Hangul syllable and the
    # common punctuation: none is bad (ftfy's patterns are at most 4 characters long where no rarer one occurs)
    alphabet = "aZ1_ .,?!#\n가" + _COMMON
    for n in range(1, 5):
        for chars in itertools.product(alphabet, repeat=n):
            assert not ftfy.badness.is_bad("".join(chars)), chars
    sample = "".join(chr(c) for c in range(128)) + "가나다라힣 한국어 문장입니다. 안녕 – ’ — …" + _COMMON
    assert _PLAIN_RE.fullmatch(sample) and not ftfy.badness.is_bad(sample * 3)
    assert fix_mojibake(sample) == (sample, False)
    assert fix_mojibake("ì•ˆë…•í•˜ì„¸ìš”") == ("안녕하세요", True)  # what the shortcut must let through
    assert fix_mojibake("ë…• – ok") == ("녕 – ok", True)
    assert fix_mojibake("안녕 <x1/> ok") == ("안녕 <x1/> ok", False)
