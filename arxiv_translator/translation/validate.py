"""Checks on one engine answer for one segment.

An answer is usable when every placeholder is there exactly once (and wrapper
tags nest), it is mostly in the target script, it adds no chatter and its
length is sane for the source.  Each problem is a short reason that ends up in
the segment's attempt record and, if nothing better comes, in the report.
"""

from __future__ import annotations

import re

from arxiv_translator.document import Segment
from arxiv_translator.prose import kept_reason, prose_words
from arxiv_translator.protect import placeholder_problems, prose_of
from arxiv_translator.translation.style import hangul_ratio
from arxiv_translator.translation.validate_markup import markup_problems

_WORDS = re.compile(r"[A-Za-z]{2,}")
_CHATTER = re.compile(
    r"^\s*(sure|certainly|of course|here is|here's|here are|translation\s*:|translated text|"
    r"번역(?:문|본|결과)?\s*[:：]|다음은|아래는)",
    re.I,
)
MIN_HANGUL = {"ko": 0.25}
MIN_RATIO, MAX_RATIO = 0.15, 3.0


def kept_answer(segment: Segment, answer: str | None) -> str | None:
    """The reason to keep ``segment`` as it is when ``answer`` is its own source and it has no prose.

    A model rightly returns ``VAE on MNIST (<x1/>)`` unchanged: this is not an
    untranslated answer but a segment with nothing to translate.  Any prose
    word in the source (``Results on MNIST``) makes the echo a failure again.
    """
    if answer is None or placeholder_problems(segment, answer):
        return None
    if " ".join(prose_of(answer).split()) != " ".join(prose_of(segment.masked or "").split()):
        return None  # not an echo (most answers): the source's prose words need not be counted
    return kept_reason(segment.masked or "")


_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")


def _without_names(answer: str, source: str) -> str:
    """The answer without name-like words kept from the source (VAE, MNIST, GPT-4, ImageNet).

    Such words are legitimately left in English; lower-case words are not
    names, so an answer that merely echoes English prose still fails.
    """
    names = {w for w in _NAME.findall(source) if not (w.islower() and w.replace("-", "").isalpha())}  # a capital or digit
    if not names:
        return answer
    return _NAME.sub(lambda m: " " if m.group(0) in names else m.group(0), answer)


def _target_share(answer: str) -> float:
    """Share of Hangul among the answer's Hangul syllables and the letters of its English prose words.

    Only prose words count as English (:func:`prose_words`): names, identifiers,
    ``et al.`` and template slots are what a translator keeps.
    """
    hangul = hangul_ratio(answer)
    syllables = len(_HANGUL.findall(answer))
    if not syllables:
        return 0.0 if hangul == 0.0 else hangul
    latin = sum(len(w) for w in prose_words(answer))
    return syllables / (syllables + latin)


def answer_problems(segment: Segment, answer: str | None, target: str = "ko") -> list[str]:
    """Why ``answer`` is not a usable translation of ``segment`` (empty: usable)."""
    if answer is None:
        return ["missing from the answer"]
    if not answer.strip():
        return ["empty answer"]
    problems = placeholder_problems(segment, answer) + markup_problems(segment, answer)
    source_prose = prose_of(segment.masked or "").strip()
    answer_prose = prose_of(answer).strip()
    words = len(_WORDS.findall(source_prose))
    if _CHATTER.match(answer) and not _CHATTER.match(segment.masked or ""):
        problems.append("chatter added to the answer")
    minimum = MIN_HANGUL.get(target)
    if minimum is not None and words >= 3 and prose_words(segment.masked or ""):  # else: kept_answer
        if " ".join(answer_prose.split()) == " ".join(source_prose.split()):
            problems.append("answer is the untranslated source")
        elif _target_share(_without_names(answer_prose, source_prose)) < minimum:
            problems.append("answer is not in the target language")
    if len(source_prose) >= 40:
        ratio = len(answer_prose) / len(source_prose)
        if ratio < MIN_RATIO:
            problems.append(f"answer too short ({ratio:.2f} x source)")
        elif ratio > MAX_RATIO:
            problems.append(f"answer too long ({ratio:.2f} x source)")
    return problems
