"""arxiv_translator.encoding.decode_text: right encoding, or a clear error, never mojibake."""

from __future__ import annotations

import codecs

import pytest

from arxiv_translator.encoding import decode_text
from arxiv_translator.errors import InputError

LATEX_FR = (
    "\\section{Introduction}\n"
    "Les résultats présentés ici montrent que l'approche proposée améliore la qualité. "
    "Où sont les données? « voilà », dit-il. Über Größe und Ähnlichkeit; 25°C ± 0.5, µ = 3.\n"
)
KOREAN = "\\section{서론}\n본 논문에서는 기계 번역의 새로운 방법을 제안한다. 실험 결과 성능이 향상되었다.\n"


@pytest.mark.parametrize("text, raw, expected", [
    pytest.param("plain ASCII \\LaTeX{}\n", None, "utf-8", id="ascii"),
    pytest.param("café naïve — “quoted” 한국어 ∑\n", None, "utf-8", id="utf-8"),
    pytest.param("café naïve\n", codecs.BOM_UTF8 + "café naïve\n".encode(), "utf-8-sig", id="utf-8-bom"),
    pytest.param("café naïve, déjà vu à Zürich\n", "latin-1", "latin-1", id="latin-1-short"),
    pytest.param(LATEX_FR, "latin-1", "latin-1", id="latin-1-latex"),
    pytest.param("He said \u201chello\u201d \u2014 and left.\n", "cp1252", "cp1252", id="cp1252-quotes-dash"),
    pytest.param("It\u2019s the model\u2019s job \u2013 see \u201cRelated work\u201d\u2026 caf\u00e9\n", "cp1252", "cp1252",
                 id="cp1252-mixed"),
    pytest.param("이 논문은 기계 번역에 대한 연구입니다.\n", "euc-kr", "euc-kr", id="euc-kr-sentence"),
    pytest.param(KOREAN, "euc-kr", "euc-kr", id="euc-kr-latex"),
    pytest.param("김철수, 박영희\n", "euc-kr", "euc-kr", id="euc-kr-names"),
    pytest.param("똠방각하 펲시콜라 번역 연구\n", "cp949", "cp949", id="cp949-extension"),
])
def test_decodes(text: str, raw: bytes | str | None, expected: str) -> None:
    data = raw if isinstance(raw, bytes) else text.encode(raw or "utf-8")
    assert decode_text(data, "paper/main.tex") == (text, expected)


@pytest.mark.parametrize("data, message", [
    pytest.param(b"\\section{x}\0\x01\x02\xff", "binary file, not text", id="nul-bytes"),
    pytest.param(b"%PDF-1.5\n\0\0\0", "binary file, not text", id="pdf-bytes"),
    pytest.param("Эта статья посвящена машинному переводу.".encode("cp1251"), "cannot detect", id="cp1251-cyrillic"),
    pytest.param("この論文は機械翻訳について研究する。".encode("shift_jis"), "cannot detect", id="shift-jis"),
    pytest.param(("这篇论文研究机器翻译的方法。我们提出了一种新的模型，并在多个数据集上进行了实验。" * 2).encode("gbk"),
                 "cannot detect", id="gbk-not-passed-off-as-euc-kr"),
    pytest.param(b"caf\xc3\xa9 na\xc3\xafve r\xc3\xa9sum\xc3\xa9 d\xc3\xa9j\xc3\xa0 \xe9t\xe9", "cannot detect",
                 id="utf-8-with-stray-latin-1-byte"),
    pytest.param(b"abc \x81 def \x8d", "cannot detect", id="undefined-c1-bytes"),
])
def test_refuses(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        decode_text(data, "paper/sections/intro.tex")
    assert "paper/sections/intro.tex" in str(err.value) and "\n" not in str(err.value)


def test_bom_is_stripped() -> None:
    text, _ = decode_text(codecs.BOM_UTF8 + b"\\documentclass{article}", "a.tex")
    assert text == "\\documentclass{article}"


def test_latin1_and_cp1252_agree_without_c1_bytes() -> None:
    data = "Größe café".encode("cp1252")
    assert decode_text(data, "a.tex") == ("Größe café", "latin-1")
