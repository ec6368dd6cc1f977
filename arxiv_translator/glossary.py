"""The term base: which English terms a translation must render in a fixed way.

A :class:`Glossary` maps English terms to Korean ones; an empty Korean value
means "keep the English term" (names, data sets, acronyms).  The built-in term
base is ``data/glossary_<target>.csv``; a user CSV (``en,ko``) overrides it.
:meth:`Glossary.hits` scans with a trie regex compiled lazily and run on the
lower-cased text (a 500 KB paper takes some 20 ms).  Matching rules:

* whole words only; placeholders such as ``<x1/>`` or ``</g2>`` never match;
* a word written in lower case or title case ("embedding", "Adam") matches in
  any case; a word with other capitals ("GAN", "LoRA", "mAP") matches exactly,
  so "GAN" never hits "gan" or "organ";
* a space in a term matches spaces or hyphens, a hyphen also matches nothing
  ("fine-tuning" = "fine tuning" = "finetuning");
* simple inflection of the last word: plural ``-s``/``-es``, ``-y`` -> ``-ies``,
  and ``-ing`` -> ``-ed`` ("fine-tuned" hits "fine-tuning");
* the longest term wins ("gradient descent" rather than "gradient").
"""

from __future__ import annotations

import bisect
import copy
import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from arxiv_translator.errors import ConfigError
from arxiv_translator.placeholders import PLACEHOLDER_RE

_SEP_CHARS = r"[\s~\u2010\u2011-]"
#: Every character of :data:`_SEP_CHARS` (``\s`` is exactly the characters ``str.isspace`` accepts).
_SEPARATORS = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
               "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000~\u2010\u2011-")
#: The text is scanned with every separator written as a space (one character for one: offsets stay),
#: so the trie says `` *`` where it said ``[\s~\u2010\u2011-]*``: a third of the compiling time.
_AS_SPACE = str.maketrans({c: " " for c in _SEPARATORS})
_SPLIT_RE = re.compile(r"([\s-]+)")
_BLANK_RE = re.compile(r"[\s\-\u2010\u2011]+")


@dataclass(frozen=True)
class Term:
    """One glossary entry; ``ko == ""`` means the English term is kept as is."""

    en: str
    ko: str

    @property
    def keep(self) -> bool:
        """True when the English term must stay in English."""
        return not self.ko


def _exact_word(word: str) -> bool:
    """Whether ``word`` is an acronym or camel-case name ("GAN", "LoRA", "F1"): case counts."""
    rest = word[1:]
    return any(c.isupper() for c in rest) or (word[:1].isupper() and not any(c.islower() for c in rest))


@lru_cache(maxsize=4096)
def _char(c: str, exact: bool, folded: bool) -> str:
    """One character: lower-case literal on folded text, else literal if exact or a class."""
    lo, up = c.lower(), c.upper()
    if lo == up or len(lo) != 1 or len(up) != 1 or exact and not folded:
        return re.escape(c)
    return re.escape(lo) if folded else f"[{lo}{up}]"


def _word(text: str, folded: bool) -> str:
    return "".join(_char(c, False, folded) for c in text)


@lru_cache(maxsize=8192)
def _tokens(en: str, folded: bool, spaced: bool = False) -> tuple[tuple[str, ...], str]:
    """Regex pieces of a term (one per character or separator) and its ending (cached: the tries of a
    glossary and of its views share them).

    ``folded``: the pattern runs on lower-cased text and ignores case altogether.
    ``spaced``: the pattern runs on text whose separators are spaces (:data:`_AS_SPACE`).
    """
    parts = [p for p in _SPLIT_RE.split(en.strip()) if p]
    out: list[str] = []
    suffix = ""
    for i, part in enumerate(parts):
        if _SPLIT_RE.fullmatch(part):
            out.append((" " if spaced else _SEP_CHARS) + ("*" if not part.strip("-") else "+"))
            continue
        exact = _exact_word(part)
        last = i == len(parts) - 1
        stem, ending, low = part, "", part.lower()
        if last and not exact and low[-1] == "y" and len(low) > 2 and low[-2] not in "aeiou":
            stem, ending = part[:-1], f"(?:{_word('ies', folded)}|{_word('y', folded)})"
        elif last and not exact and low.endswith("ing") and len(low) > 5:
            stem, ending = part[:-3], f"(?:{_word('ing', folded)}|{_word('ed', folded)})"
            suffix = _word("s", folded) + "?"
        elif last and part[-1].isalpha():
            suffix = "s?" if exact else f"(?:{_word('es', folded)}|{_word('s', folded)})?"
        out += [_char(c, exact, folded) for c in stem]
        if ending:
            out.append(ending)
    return tuple(out), suffix


# Letters by how often English words start with them: the root branch tries them in order.
_FIRST = "taoiswcbphfmdrelngukvjyqxz"


def _render(node: dict, root: bool = False) -> str:
    """A trie node (token -> child; "" -> end of a term) as a regex, longer terms first."""
    items = [(tok, child) for tok, child in node.items() if tok]
    if root:  # not found (-1) sorts last
        items.sort(key=lambda kv: _FIRST.find(kv[0].lstrip("[")[:1].lower()) % (len(_FIRST) + 1))
    alts = [tok + _render(child) for tok, child in items] + ([node[""][1]] if "" in node else [])
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _prune(node: dict, only: frozenset[int]) -> dict | None:
    """The trie without the ends of terms not in ``only`` (and the branches left with no end); None if empty.

    Branches keep their order, so the regex tries the remaining terms in the order the whole trie did."""
    kept: dict = {}
    for tok, child in node.items():
        if not tok:
            if child[0] in only:
                kept[tok] = child
        elif (sub := _prune(child, only)) is not None:
            kept[tok] = sub
    return kept or None


def _first_key(en: str) -> str:
    """The lower case of a term's first character: where a match starts, the text has it too."""
    return en.strip()[:1].lower()


@lru_cache(maxsize=8)
def _trie_regex(terms: tuple[str, ...], folded: bool, only: frozenset[int] | None = None) -> re.Pattern[str] | None:
    """One regex for all ``terms``, a trie whose match names the term (group ``t<index>``).

    ``folded``: run on lower-cased text, ignoring case (plain literals: fast);
    else each term's case rules apply (run only to confirm case-sensitive hits).
    ``only``: the indexes of the terms to find (None: all); the others are left out of the regex.
    """
    return _trie(terms, folded, None, only)


@lru_cache(maxsize=512)
def _exact_regex(terms: tuple[str, ...], key: str, only: frozenset[int] | None = None) -> re.Pattern[str] | None:
    """The case-sensitive trie of the terms whose first character is ``key`` (lower case).

    A match that starts where the text's character is ``key`` can only be one of these terms, and
    the trie keeps their order, so this regex matches there exactly as the trie of all terms would;
    built per first letter on first need, it costs a small part of compiling the whole.
    """
    return _trie(terms, False, key, only)


def _spaced(terms: tuple[str, ...]) -> bool:
    """Whether the tries of ``terms`` run on text with separators as spaces: unless a term's words hold a
    separator character themselves (``~``, ``\u2010``), which that text no longer has."""
    return not any(c in "~\u2010\u2011" for en in terms for c in en)


def _trie(terms: tuple[str, ...], folded: bool, key: str | None,
          only: frozenset[int] | None = None) -> re.Pattern[str] | None:
    """The trie regex of ``terms`` (only those whose :func:`_first_key` is ``key`` unless it is None, and
    only those in ``only`` unless it is None: the trie of all is pruned, keeping its order)."""
    root: dict = {}
    spaced = _spaced(terms)
    for n, en in enumerate(terms):
        if key is not None and _first_key(en) != key:
            continue
        tokens, suffix = _tokens(en, folded, spaced)
        node = root
        for tok in tokens:
            node = node.setdefault(tok, {})
        node[""] = (n, rf"{suffix}(?!\w)(?P<t{n}>)")
    if only is not None:
        root = _prune(root, only) or {}
    return re.compile(r"(?<!\w)" + _render(root, root=True)) if root else None


def _required_literals(en: str, spaced: bool) -> list[str]:
    """Characters every match of ``en`` holds, in the lower-cased text the folded trie scans: its first word up
    to any ending that varies ("stud" of "study", "fine" of "fine-tuning"), and each word after a separator
    that cannot be empty ("descent" of "gradient descent": it begins a word of the text)."""
    tokens, _suffix = _tokens(en, True, spaced)
    out: list[str] = []
    run: list[str] | None = []  # the literal being collected; None: between literals
    for tok in tokens:
        if run is not None and len(tok) == 1:
            run.append(tok)
        elif run is not None and len(tok) == 2 and tok[0] == "\\":  # re.escape of one character
            run.append(tok[1])
        else:
            if run:
                out.append("".join(run))
            run = [] if tok in (" +", _SEP_CHARS + "+") else None
    if run:
        out.append("".join(run))
    return out


def _folded(text: str, spaced: bool) -> tuple[str, str]:
    """``text`` as the tries scan it (placeholders blanked, separators as spaces when ``spaced``) and its lower
    case, character for character."""
    if "<" in text:
        text = PLACEHOLDER_RE.sub(lambda m: "\0" * len(m.group()), text)
    if spaced:
        text = text.translate(_AS_SPACE)
    low = text.lower()
    if len(low) != len(text):  # keep letters whose lower case is longer ("İ")
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return text, low


_WORDS_RE = re.compile(r"\w+")


class Glossary:
    """An ordered set of :class:`Term`, keyed by case-insensitive English term."""

    def __init__(self, terms: Iterable[Term]) -> None:
        """Build a glossary; later terms override earlier ones with the same ``en``."""
        entries: dict[str, Term] = {}  # key: case-folded, spaces and hyphens unified
        for term in terms:
            if en := term.en.strip():
                entries[_BLANK_RE.sub(" ", en).casefold()] = Term(en, term.ko.strip())
        self._terms: list[Term] = list(entries.values())
        self._exact = [any(map(_exact_word, _SPLIT_RE.split(t.en))) for t in self._terms]
        self._ens = tuple(t.en for t in self._terms)
        self._spaced = _spaced(self._ens)
        self._only: frozenset[int] | None = None  # scan for these terms only (see :meth:`within`)

    @classmethod
    def builtin(cls, target: str = "ko") -> Glossary:
        """The term base shipped with the package for ``target`` (empty if none)."""
        return cls(_builtin_terms(target))

    @classmethod
    def load(cls, user_csv: Path | None = None, target: str = "ko") -> Glossary:
        """The built-in term base, overridden by the rows of ``user_csv`` if given."""
        terms = list(_builtin_terms(target))
        if user_csv is not None:
            terms += cls.read_csv(Path(user_csv))
        return cls(terms)

    @staticmethod
    def read_csv(path: Path) -> list[Term]:
        """Read a user glossary CSV (``en,ko``; header and BOM optional).

        Blank rows and rows starting with ``#`` are skipped; a row with one
        field keeps the term in English.  Raises :class:`ConfigError` naming
        the file and line for a missing or unreadable file or a bad row.
        """
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise ConfigError(f"{path}: glossary file not found") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read glossary ({exc.strerror or exc})") from None
        return _parse(raw, str(path))

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms)

    def _matches(self, text: str) -> Iterator[tuple[int, int, int]]:
        """``(start, end, term index)`` of each match, leftmost-longest, not overlapping.

        A case-sensitive term found in the lower-cased text is confirmed (or
        replaced by the right match) on the original text.
        """
        folded = _trie_regex(self._ens, True, self._only)
        if folded is None:
            return
        text, low = _folded(text, self._spaced)
        pos = 0
        while (m := folded.search(low, pos)) is not None:
            index = int(m.lastgroup[1:])  # type: ignore[index]
            if self._exact[index]:
                start = m.start()
                exact = _exact_regex(self._ens, text[start].lower(), self._only)
                m = exact.match(text, start) if exact is not None else None
                if m is None:  # e.g. "gan" is not "GAN"
                    pos = start + 1
                    continue
                index = int(m.lastgroup[1:])  # type: ignore[index]
            yield m.start(), m.end(), index
            pos = m.end()

    def prepare(self) -> Glossary:
        """Build the scanning matcher now rather than on first use (a one-off cost of ~0.1 s); returns self.

        The case-sensitive matchers are built per first letter when a case-sensitive term is met."""
        if self._ens:
            _trie_regex(self._ens, True, self._only)
        return self

    def within(self, texts: Iterable[str]) -> Glossary:
        """This glossary, scanning only for the terms that can occur in ``texts`` (a document's segments).

        :meth:`spans`, :meth:`hits` and :meth:`violations` of any of ``texts``, or of several of them joined by
        separators, answer exactly as this glossary's do; the regexes to compile are smaller (a paper uses a
        third of the built-in terms).  A term is left out only when the characters every match of it starts
        with, or a word of it after a space (:func:`_required_literals`), begin no word of ``texts`` (or, when
        they are not all word characters, appear nowhere in them); the trie of the rest keeps the whole trie's order.
        """
        words: set[str] = set()
        lows = []
        for text in texts:
            low = _folded(text, self._spaced)[1]
            lows.append(low)
            words.update(_WORDS_RE.findall(low))
        ordered = sorted(words)
        joined = "\0".join(lows)

        def present(literal: str) -> bool:
            if _WORDS_RE.fullmatch(literal) is None:
                return literal in joined
            at = bisect.bisect_left(ordered, literal)
            return at < len(ordered) and ordered[at].startswith(literal)

        view = copy.copy(self)
        view._only = frozenset(n for n, en in enumerate(self._ens)
                               if all(present(literal) for literal in _required_literals(en, self._spaced)))
        return view

    def spans(self, text: str) -> list[tuple[int, int, Term]]:
        """``(start, end, term)`` of every term occurrence in ``text``, left to right."""
        return [(a, b, self._terms[i]) for a, b, i in self._matches(text)] if text else []

    def hits(self, text: str) -> list[Term]:
        """Terms used in ``text``, each once, in order of first occurrence."""
        seen: dict[int, Term] = {}
        for _, _, index in self._matches(text) if text else ():
            seen.setdefault(index, self._terms[index])
        return list(seen.values())

    def digest(self) -> str:
        """Short stable hash (16 hex digits) of the entries, for cache keys."""
        lines = sorted(f"{t.en}\t{t.ko}" for t in self._terms)
        return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]

    def prompt_lines(self, terms: list[Term]) -> list[str]:
        """One ``"en → ko"`` line per term, for an engine's prompt."""
        return [f"{t.en} → {'(keep in English)' if t.keep else t.ko}" for t in terms]

    def violations(self, source: str, translation: str) -> list[str]:
        """One message per term of ``source`` that ``translation`` does not render.

        Spaces and hyphens are ignored, and the case of kept English terms.
        """
        flat = _BLANK_RE.sub("", translation).casefold()
        return [
            f"{t.en}: expected {t.ko or t.en + ' (keep in English)'}"
            for t in self.hits(source)
            if _BLANK_RE.sub("", t.ko or t.en).casefold() not in flat
        ]


def _parse(raw: bytes, name: str) -> list[Term]:
    """Terms of a glossary CSV given as bytes; ``name`` is used in error messages."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{name}:{line}: not valid UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    terms: list[Term] = []
    try:
        for row in reader:
            where = f"{name}:{reader.line_num}"
            if not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            if not terms and [f.strip().lower() for f in row] == ["en", "ko"]:
                continue  # header
            if len(row) > 2:
                raise ConfigError(f"{where}: {len(row)} columns, expected 2 (en,ko); quote fields with commas")
            en = row[0].strip()
            if not en or "\n" in en or "\r" in en or len(en) > 200:
                problem = "spans lines" if "\n" in en or "\r" in en else "is longer than 200 characters"
                raise ConfigError(f"{where}: English term {problem if en else 'is empty'}")
            terms.append(Term(en, " ".join(row[1].split()) if len(row) > 1 else ""))
    except csv.Error as exc:
        raise ConfigError(f"{name}:{reader.line_num}: bad CSV ({exc})") from None
    return terms


@lru_cache(maxsize=8)
def _builtin_terms(target: str) -> tuple[Term, ...]:
    """The built-in terms for ``target``; empty when none ship with the package."""
    if not re.fullmatch(r"[a-z]{2,3}(?:[-_][a-z0-9]+)?", target.lower()):
        return ()
    name = f"glossary_{target.lower()}.csv"
    try:
        raw = resources.files("arxiv_translator").joinpath("data").joinpath(name).read_bytes()
    except OSError:
        return ()
    return tuple(_parse(raw, name))
