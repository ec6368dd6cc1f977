"""What counts as English prose: the words a translator must change, and why a text without them may stay.

The readers (which runs of text are prose), the translator (which answers may
echo their source), the writers and the coverage audit all count words the same
way, with the same rules as ``fidelity.py``; this module is that one definition.
"""

from __future__ import annotations

import re

from arxiv_translator.protect import prose_of

_WORDS = re.compile(r"[A-Za-z]{2,}")


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


#: Punctuation a token is stripped of before it is judged an identifier.
_PUNCT = "()[]{}.,;:!?\"'"


#: An author-year citation written out: ``Luo et al., 2023``, ``Smith and Lee (2020)``, ``Wei et al.``.
_CITATION = re.compile(r"\b[A-Z][A-Za-z'\u2019-]+(?:\s+(?:and|&)\s+[A-Z][A-Za-z'\u2019-]+)?"
                       r"(?:\s+et\s+al\.?,?\s*\(?(?:19|20)\d\d[a-z]?\)?|\s+et\s+al\.|,?\s*\(?(?:19|20)\d\d[a-z]?\))")
#: Text in angle brackets: markup or a template slot (``<your answer>``), left as it is like a tag.
_ANGLED = re.compile(r"<[^<>]+>")
#: What every match of :data:`_CITATION` holds ("et al" or a year): most texts have neither, and skip it.  (Each
#: alternative starts with a character, so the search jumps between them: twice as fast as ``\set\s+al|(?:19|20)\d\d``,
#: which it finds wherever that does.)
_CITATION_HINT = re.compile(r"et\s+al|19\d\d|20\d\d")


def prose_words(text: str) -> list[str]:
    """The prose words of a (masked) text; see :data:`PROSE_WORD`.

    Words inside identifiers (:data:`_IDENTIFIER`: ``EEVE-Korean-10.8B``) and
    in angle brackets (markup, template slots such as ``<your answer>``) do not
    count, nor do author-year citations written out (``Luo et al., 2023``).
    A heading set in capitals (two or more capital words and nothing else: no
    lower case, digits, table pipes or Hangul; ``RELATED WORK``) is prose too,
    and its words count.
    """
    if "<" in text:  # placeholders and angle brackets
        text = _ANGLED.sub(" ", prose_of(text))
    if _CITATION_HINT.search(text):
        text = _CITATION.sub(" ", text)
    caps = _CAPS_WORD.findall(text)
    if len(caps) >= 2 and not _NOT_CAPS_HEADING.search(text):
        return caps
    words: list[str] = []
    for token in text.split():
        core = token.strip(_PUNCT)
        if core.isascii() and core.isalpha():  # most tokens: a plain word, decided without the patterns
            if len(core) >= 3 and core[1:].islower():  # a capital after the first letter: an identifier
                words.append(core)
        elif not _IDENTIFIER.fullmatch(core):
            words.extend(PROSE_WORD.findall(token))
    return words


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


def needs_translation(masked: str) -> bool:
    """True when the masked text holds at least one English word to translate."""
    return bool(_WORDS.search(prose_of(masked)))
