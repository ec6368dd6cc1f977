"""Per-segment answer validation: table-driven."""

from __future__ import annotations

import pytest

from arxiv_translator.document import Protected, Segment
from arxiv_translator.protect import mask
from arxiv_translator.prose import kept_reason, needs_translation, prose_words
from arxiv_translator.translation.validate import answer_problems, kept_answer

SOURCE = "We show that the proposed method converges quickly for $x$ in all of our experiments."


def segment() -> Segment:
    start = SOURCE.index("$x$")
    s = Segment(id="a/p1", kind="paragraph", source=SOURCE,
                spans=[Protected(kind="math", start=start, end=start + 3)])
    mask(s)
    return s


@pytest.mark.parametrize("answer,problem", [
    ("우리는 제안한 방법이 모든 실험에서 <x1/>에 대해 빠르게 수렴함을 보인다.", None),
    (None, "missing from the answer"),
    ("   ", "empty answer"),
    ("우리는 제안한 방법이 모든 실험에서 빠르게 수렴함을 보인다.", "dropped placeholder <x1/>"),
    (SOURCE.replace("$x$", "<x1/>"), "answer is the untranslated source"),
    ("We show the method converges fast for <x1/> in experiments.", "answer is not in the target language"),
    ("Here is the translation: 우리는 <x1/>에 대해 빠르게 수렴함을 보인다.", "chatter added to the answer"),
    ("<x1/> 수렴.", "answer too short"),
    ("우리는 " * 80 + "<x1/>", "answer too long"),
])
def test_answer_problems(answer, problem):
    problems = answer_problems(segment(), answer)
    if problem is None:
        assert problems == []
    else:
        assert any(p.startswith(problem) for p in problems), problems


def test_kept_names_do_not_count_as_english():
    s = Segment(id="a/t1", kind="cell", source="VAE on MNIST (\\ref{x})",
                spans=[Protected(kind="ref", start=14, end=21)])
    mask(s)
    assert answer_problems(s, "VAE 껁 MNIST (<x1/>)") == []
    assert kept_answer(s, "VAE 껁 MNIST (<x1/>)") is None  # a changed answer is a translation
    assert kept_answer(s, "VAE on MNIST (<x1/>)") == "no prose words (acronym, reference)"
    assert kept_answer(s, "VAE on MNIST") is None  # a dropped placeholder is never kept


@pytest.mark.parametrize("masked,kept", [
    ("VAE on MNIST (<x1/>)", True),  # acronyms, a short word, a reference
    ("split_by_number", True),  # code
    ("LLaMA-2-13b-chat-hf <x1/>", True),  # a model name
    ("137B", True),
    ("INTRODUCTION", True),  # one capital word: an acronym or a label
    ("RELATED WORK", False),  # a heading set in capitals is prose
    ("Results on MNIST", False),
    ("We train GPT-4 here.", False),
    ("Hellaswag", False),  # a capitalised word: the validator cannot tell a name from prose
    ("state-of-the-art", False),
])
def test_kept_reason(masked, kept):
    assert (kept_reason(masked) is not None) is kept, prose_words(masked)


def test_echoed_prose_is_never_kept():
    s = Segment(id="a/p1", kind="paragraph", source="We show results on MNIST.")
    mask(s)
    assert kept_answer(s, "We show results on MNIST.") is None
    assert answer_problems(s, "We show results on MNIST.") == ["answer is the untranslated source"]


@pytest.mark.parametrize("masked,expected", [("Hello world", True), ("<x1/> <x2/>", False), ("1.5 <x1/>", False),
                                              ("a <x1/> b", False), ("Table <x1/>", True)])
def test_needs_translation(masked, expected):
    assert needs_translation(masked) is expected
