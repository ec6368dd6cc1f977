"""Checks on one engine answer for one segment.

An answer is usable when every placeholder is there exactly once (and wrapper
tags nest), it is mostly in the target script, it adds no chatter and its
length is sane for the source.  Each problem is a short reason that ends up in
the segment's attempt record and, if nothing better comes, in the report.
"""

from __future__ import annotations

import re

from .document import Segment
from .protect import placeholder_problems, prose_of
from .style import hangul_ratio
from .validate_markup import markup_problems

_WORDS = re.compile(r"[A-Za-z]{2,}")
_CHATTER = re.compile(
    r"^\s*(sure|certainly|of course|here is|here's|here are|translation\s*:|translated text|"
    r"번역(?:문|본|결과)?\s*[:：]|다음은|아래는)",
    re.I,
)
MIN_HANGUL = {"ko": 0.25}
MIN_RATIO, MAX_RATIO = 0.15, 3.0


#: A prose word: a lowercase-led (or capitalised) run of 3+ letters standing on its own, as the
#: coverage audit and ``fidelity.py`` count them.  Acronyms (``MNIST``), CamelCase names
#: (``ImageNet``), code-like tokens (``max_len``, ``llama2``, ``@user``) and short words are not.
PROSE_WORD = re.compile(r"(?<![\\A-Za-z0-9_@#$%&])[A-Za-z][a-z]{2,}(?![A-Za-z0-9_])")
_TOKEN = re.compile(r"\S+")
_TOKEN_KINDS = (  # (kind, pattern over one whitespace-separated token, stripped of punctuation)
    ("number", re.compile(r"[-+]?[\d.,]+[%A-Za-z]{0,2}")),
    ("acronym", re.compile(r"[A-Z][A-Z0-9-]*s?")),
    ("code", re.compile(r".*[_@#$/\\=(){}\[\]<>].*")),
    ("name", re.compile(r".*[A-Z0-9].*")),
)


_NOT_CAPS_HEADING = re.compile(r"[a-z\d|\uac00-\ud7a3]")  # lower case, digits, table pipes, Hangul
_CAPS_WORD = re.compile(r"(?<![\\A-Za-z0-9_@#$%&])[A-Z]{3,}(?![A-Za-z0-9_])")


#: A token that names or codes something (``LLaMA-2-13b-chat-hf``, ``GPT-4o``, ``DeepSeek-LLM``,
#: ``max_len``, ``a.b/c``): a digit, an underscore, a slash or ``@``, or a capital after its first letter.
_IDENTIFIER = re.compile(r"\S*(?:\d|[_/@\\]|[A-Za-z][a-z]*[-.]?[A-Z])\S*")


#: An author-year citation written out: ``Luo et al., 2023``, ``Smith and Lee (2020)``, ``Wei et al.``.
_CITATION = re.compile(r"\b[A-Z][A-Za-z'\u2019-]+(?:\s+(?:and|&)\s+[A-Z][A-Za-z'\u2019-]+)?"
                       r"(?:\s+et\s+al\.?,?\s*\(?(?:19|20)\d\d[a-z]?\)?|\s+et\s+al\.|,?\s*\(?(?:19|20)\d\d[a-z]?\))")
#: Text in angle brackets: markup or a template slot (``<your answer>``), left as it is like a tag.
_ANGLED = re.compile(r"<[^<>]+>")


def prose_words(text: str) -> list[str]:
    """The prose words of a (masked) text; see :data:`PROSE_WORD`.

    Words inside identifiers (:data:`_IDENTIFIER`: ``EEVE-Korean-10.8B``) and
    in angle brackets (markup, template slots such as ``<your answer>``) do not
    count, nor do author-year citations written out (``Luo et al., 2023``).
    A heading set in capitals (two or more capital words and nothing else: no
    lower case, digits, table pipes or Hangul; ``RELATED WORK``) is prose too,
    and its words count.
    """
    text = _CITATION.sub(" ", _ANGLED.sub(" ", prose_of(text)))
    caps = _CAPS_WORD.findall(text)
    if len(caps) >= 2 and not _NOT_CAPS_HEADING.search(text):
        return caps
    return [w for token in text.split() if not _IDENTIFIER.fullmatch(token.strip("()[]{}.,;:!?\"'"))
            for w in PROSE_WORD.findall(token)]


def kept_reason(masked: str) -> str | None:
    """Why a segment may stay as it is: it holds no prose word a translator would change.

    ``None`` when it holds prose words.  Otherwise a short reason naming what
    it holds instead (acronyms, names, numbers, code, references), e.g. for a
    table cell ``VAE on MNIST (<x1/>)``: ``"no prose words (acronym, reference)"``.
    """
    if prose_words(masked):
        return None
    kinds = []
    for token in _TOKEN.findall(prose_of(masked)):
        token = token.strip("()[]{}.,;:!?\"'")
        kind = next((k for k, pat in _TOKEN_KINDS if token and pat.fullmatch(token)), None)
        if kind and kind not in kinds:
            kinds.append(kind)
    if "<x" in masked:
        kinds.append("reference")
    return f"no prose words ({', '.join(kinds) or 'short words'})"


def kept_answer(segment: Segment, answer: str | None) -> str | None:
    """The reason to keep ``segment`` as it is when ``answer`` is its own source and it has no prose.

    A model rightly returns ``VAE on MNIST (<x1/>)`` unchanged: this is not an
    untranslated answer but a segment with nothing to translate.  Any prose
    word in the source (``Results on MNIST``) makes the echo a failure again.
    """
    if answer is None or placeholder_problems(segment, answer):
        return None
    reason = kept_reason(segment.masked or "")
    if reason is None or " ".join(prose_of(answer).split()) != " ".join(prose_of(segment.masked or "").split()):
        return None
    return reason


def needs_translation(masked: str) -> bool:
    """True when the masked text holds at least one English word to translate."""
    return bool(_WORDS.search(prose_of(masked)))


_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")


def _without_names(answer: str, source: str) -> str:
    """The answer without name-like words kept from the source (VAE, MNIST, GPT-4, ImageNet).

    Such words are legitimately left in English; lower-case words are not
    names, so an answer that merely echoes English prose still fails.
    """
    names = {w for w in _NAME.findall(source) if any(c.isupper() or c.isdigit() for c in w)}
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
