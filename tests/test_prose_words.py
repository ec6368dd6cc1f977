"""prose_words decides plain words without its patterns; the answer is the patterns' answer."""

from __future__ import annotations

import pytest
from conftest import SAMPLE, corpus_papers

from arxiv_translator import prose
from arxiv_translator.protect import prose_of


def reference(text: str) -> list[str]:
    """prose_words as the patterns alone define it (its definition before the plain-word shortcut)."""
    text = prose._CITATION.sub(" ", prose._ANGLED.sub(" ", prose_of(text)))
    caps = prose._CAPS_WORD.findall(text)
    if len(caps) >= 2 and not prose._NOT_CAPS_HEADING.search(text):
        return caps
    return [w for token in text.split() if not prose._IDENTIFIER.fullmatch(token.strip("()[]{}.,;:!?\"'"))
            for w in prose.PROSE_WORD.findall(token)]


@pytest.mark.parametrize("text", [
    "The model learns fast.", "A aB ABc Abc abc ab a", "(word) [Word], {wOrd}; 'the' \"end\"!",
    "fine-tuning LLaMA-2 GPT-4o max_len a.b/c @user #tag x2 three3", "RELATED WORK", "See Luo et al., 2023 now",
    "<x1/> placed <g2>here</g2> and </g3> there", "naïve café über", "ﬁne ligature", "İstanbul",
    "It's the model's words", "—dash– and ’quote’", "",
])
def test_same_words_as_the_patterns(text):
    assert prose.prose_words(text) == reference(text)


def test_same_words_on_real_sources():
    files = sorted(SAMPLE.rglob("*.tex"))
    papers = [p for p in corpus_papers() if p.name == "mom-value-of-data"]
    files += sorted(papers[0].glob("*.tex")) if papers else []
    lines = [line for f in files for line in f.read_text(encoding="utf-8", errors="replace").splitlines()]
    assert len(lines) > 100
    words = 0
    for line in lines:
        got = prose.prose_words(line)
        assert got == reference(line), line
        words += len(got)
    assert words > 1000


def test_citation_hint_is_in_every_written_out_citation():
    """The quick test before the author-year pattern finds a hint wherever that pattern matches (every corpus
    line, and citations written out in several ways), so skipping the pattern without one changes nothing."""
    lines = [line for p in corpus_papers() for f in sorted(p.rglob("*.tex"))
             for line in f.read_text(encoding="utf-8", errors="replace").splitlines()]
    lines += ["Luo et al., 2023", "Smith and Lee (2020)", "Wei et\u00a0al. showed", "Kim, 1999b", "Park & Choi 2001"]
    cited = 0
    for line in lines:
        if prose._CITATION.search(line):
            assert prose._CITATION_HINT.search(line), line
            cited += 1
    assert cited > 40
