"""``paper.ko.md`` carries no live raw HTML and no script links, from the source or from a model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from standin import Standin, tools_available

from arxiv_translator.cli import main
from arxiv_translator.writers.markdown.safety import safe_markdown

LIVE = re.compile(r"<script|<img[^>]*onerror|<iframe|\]\(\s*javascript:|\]\(\s*data:text|<javascript:|\]:\s*javascript:",
                  re.I)


@pytest.mark.parametrize("text, expected", [
    ("a <sup>1</sup> b", "a <sup>1</sup> b"),
    ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)>"),
    ('<a href="javascript:x()">a</a>', '&lt;a href="javascript:x()">a</a>'),
    ('<a href="https://arxiv.org">a</a>', '<a href="https://arxiv.org">a</a>'),
    ("[x](javascript:alert(1))", "[x](#)"),
    ("[x](jav&#x61;script:alert(1))", "[x](#)"),
    ("[x]( JAVASCRIPT:alert(1))", "[x]( #)"),
    ("![i](data:image/png;base64,AA)", "![i](data:image/png;base64,AA)"),
    ("![i](data:text/html,<b>)", "![i](#<b>)"),  # the destination ends at "<"; what is left is text
    ("[r]: javascript:alert(1)", "[r]: #"),
    ("<javascript:alert(1)>", "&lt;javascript:alert(1)>"),
    ("$a<b$ and $c>d$", "$a<b$ and $c>d$"),
    ("\\(x<y\\) `<script>` $$<p$$", "\\(x<y\\) `<script>` $$<p$$"),
    ("```\n<script>x</script>\n```\n", "```\n<script>x</script>\n```\n"),
    ("a < b and c > d", "a < b and c > d"),
])
def test_safe_markdown_table(text, expected):
    assert safe_markdown(text) == expected


@pytest.mark.parametrize("unit", ["\\(", "```", "`", "<a ", "](", "$$", "<!--", "[a](javascript:"])
def test_safe_markdown_is_linear(unit):
    import time

    started = time.monotonic()
    safe_markdown(unit * (100_000 // len(unit)))
    assert time.monotonic() - started < 5


HOSTILE = """# A hostile paper

We study how models translate text <script>alert(1)</script> with care and attention.

Here is <img src=x onerror=alert(2)> an image and [a link](javascript:alert(3)) in a sentence that is long enough.

![figure](data:text/html,<script>alert(4)</script>)

The method works well $a<b$ on every benchmark we tried, as the numbers show.
"""


def test_hostile_markdown_source_gives_a_defused_paper_ko_md(tmp_path):
    src = tmp_path / "paper.mmd"
    src.write_text(HOSTILE, encoding="utf-8")
    assert main(["translate", str(src), "--engine", "pseudo", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    md = (tmp_path / "out" / "paper.ko.md").read_text(encoding="utf-8")
    assert LIVE.findall(md) == []
    assert "&lt;script>" in md and "$a<b$" in md
    assert live_html(tmp_path / "out" / "paper.bilingual.html") == []


def live_html(page: Path) -> list[str]:
    """Scripts that would run, event handlers and script URLs in an HTML file (parsed, not grepped)."""
    import lxml.html

    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    live = [e.text_content()[:80] for e in tree.iter("script") if "alert" in e.text_content()]
    for e in tree.iter():
        if not isinstance(e.tag, str):
            continue
        for name, value in e.attrib.items():
            if name.lower().startswith("on") or "javascript:" in value.lower().replace(" ", ""):
                live.append(f"<{e.tag} {name}={value[:60]}>")
    return live


@pytest.mark.skipif(not tools_available(), reason="../shared/tools not available")
@pytest.mark.parametrize("validated", [True, False])
def test_hostile_model_on_markdown(tmp_path, monkeypatch, validated):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    if not validated:  # the writer alone must defuse what got past validation
        monkeypatch.setattr("arxiv_translator.translation.validate.markup_problems", lambda seg, answer: [])
    src = tmp_path / "paper.mmd"
    src.write_text(HOSTILE.replace("<script>alert(1)</script>", "").replace("<img src=x onerror=alert(2)>", ""),
                   encoding="utf-8")
    payload = " <script>alert(9)</script> [x](javascript:alert(9)) <img src=x onerror=alert(9)>"
    with Standin(FAKE_APPEND=payload) as llm:
        code = main(["translate", str(src), "--engine", "openai", "--base-url", llm.base_url, "--model", "standin",
                     "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 0
    out = tmp_path / "out"
    md = (out / "paper.ko.md").read_text(encoding="utf-8")
    assert LIVE.findall(md) == []
    if not validated:
        assert "&lt;script>alert(9)" in md  # the model's text is there, as text
    for page in out.glob("*.html"):
        assert live_html(page) == [], page.name
    assert Path(out / "report.json").is_file()
