"""The term base: which English terms a translation must render in a fixed way.

A :class:`Glossary` maps English terms to Korean ones; an empty Korean value
means "keep the English term" (model names, data sets, acronyms).  The built-in
term base lives in ``data/glossary_<target>.csv``; a user CSV (``en,ko``) adds
to it and overrides it.

:meth:`Glossary.hits` finds the terms a piece of (masked) text uses, with one
regular expression compiled lazily: a trie of every term, so a whole paper is
scanned in a few tens of milliseconds.  Matching rules:

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

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ConfigError

_SEP_CHARS = r"[\s~\u2010\u2011-]"
_PLACEHOLDER_RE = re.compile(r"<\s*/?\s*[xXgG]\s*\d+\s*/?\s*>")
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


def _key(en: str) -> str:
    """Identity of a term: case-folded, spaces and hyphens unified."""
    return _BLANK_RE.sub(" ", en.strip()).casefold()


def _exact_word(word: str) -> bool:
    """Whether ``word`` is an acronym or camel-case name, matched case-sensitively."""
    if any(c.isupper() for c in word[1:]):
        return True
    return word[:1].isupper() and not any(c.islower() for c in word[1:])


def _is_exact(en: str) -> bool:
    """Whether the term has a word that must match case-sensitively."""
    return any(_exact_word(p) for p in _SPLIT_RE.split(en.strip()) if p.strip(" -\t\n"))


def _char(c: str, exact: bool, folded: bool) -> str:
    """One character: literal if exact or matched against case-folded text, else a class."""
    lo, up = c.lower(), c.upper()
    if exact or lo == up or len(lo) != 1 or len(up) != 1:
        return re.escape(c)
    return re.escape(lo) if folded else f"[{lo}{up}]"


def _word(text: str, exact: bool, folded: bool) -> str:
    return "".join(_char(c, exact, folded) for c in text)


def _tokens(en: str, folded: bool) -> tuple[list[str], str]:
    """Regex pieces of a term (one per character or separator) and its ending.

    ``folded``: the pattern runs on lower-cased text (only for case-free terms).
    """
    parts = [p for p in _SPLIT_RE.split(en.strip()) if p]
    out: list[str] = []
    suffix = ""
    for i, part in enumerate(parts):
        if not part.strip(" -\t\n"):
            out.append(_SEP_CHARS + ("*" if not part.strip("-") else "+"))
            continue
        exact = _exact_word(part)
        last = i == len(parts) - 1
        stem = part
        if last and not exact and part[-1:].lower() == "y" and len(part) > 2 and part[-2].lower() not in "aeiou":
            stem, ending = part[:-1], f"(?:{_word('ies', False, folded)}|{_word('y', False, folded)})"
        elif last and not exact and part.lower().endswith("ing") and len(part) > 5:
            stem, ending = part[:-3], f"(?:{_word('ing', False, folded)}|{_word('ed', False, folded)})"
            suffix = _word("s", False, folded) + "?"
        else:
            ending = ""
            if last and part[-1].isalpha():
                suffix = "s?" if exact else f"(?:{_word('es', False, folded)}|{_word('s', False, folded)})?"
        out += [_char(c, exact, folded) for c in stem]
        if ending:
            out.append(ending)
    return out, suffix


class _Node:
    __slots__ = ("children", "end")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.end: str | None = None  # "suffix(?!\w)(?P<tN>)"


# Letters by how often English words start with them: the root branch tries them in order.
_FIRST = "taoiswcbphfmdrelngukvjyqxz"


def _rank(token: str) -> int:
    pos = _FIRST.find(token.lstrip("[")[:1].lower())
    return pos if pos >= 0 else len(_FIRST)


def _render(node: _Node, root: bool = False) -> str:
    items = sorted(node.children.items(), key=lambda kv: _rank(kv[0])) if root else node.children.items()
    alts = [tok + _render(child) for tok, child in items]
    if node.end is not None:
        alts.append(node.end)  # after the children: longer terms win
    if len(alts) == 1:
        return alts[0]
    return "(?:" + "|".join(alts) + ")"


def _trie_regex(terms: list[tuple[int, str]], folded: bool) -> re.Pattern[str] | None:
    """A regex for ``terms`` (index, en): a trie whose match names the term (group ``t<index>``)."""
    if not terms:
        return None
    root = _Node()
    for n, en in terms:
        tokens, suffix = _tokens(en, folded)
        node = root
        for tok in tokens:
            node = node.children.setdefault(tok, _Node())
        node.end = rf"{suffix}(?!\w)(?P<t{n}>)"
    return re.compile(r"(?<!\w)" + _render(root, root=True))


@lru_cache(maxsize=8)
def _compile(terms: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """Two tries: case-free terms run on lower-cased text (fast literals), the others as written."""
    free = [(n, en) for n, en in enumerate(terms) if not _is_exact(en)]
    exact = [(n, en) for n, en in enumerate(terms) if _is_exact(en)]
    return _trie_regex(free, folded=True), _trie_regex(exact, folded=False)


class Glossary:
    """An ordered set of :class:`Term`, keyed by case-insensitive English term."""

    def __init__(self, terms: Iterable[Term]) -> None:
        """Build a glossary; later terms override earlier ones with the same ``en``."""
        entries: dict[str, Term] = {}
        for term in terms:
            en = term.en.strip()
            if en:
                entries[_key(en)] = Term(en, term.ko.strip())
        self._terms: list[Term] = list(entries.values())
        self._regexes: tuple[re.Pattern[str] | None, re.Pattern[str] | None] | None = None

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

    def _matches(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, end, term index)`` of every match, leftmost-longest, not overlapping."""
        if self._regexes is None:
            self._regexes = _compile(tuple(t.en for t in self._terms))
        free, exact = self._regexes
        if "<" in text:
            text = _PLACEHOLDER_RE.sub(lambda m: "\0" * len(m.group()), text)
        found: list[tuple[int, int, int]] = []
        if free is not None:
            low = text.lower()
            if len(low) != len(text):  # rare letters whose lower case is longer: keep them
                low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
            found += [(m.start(), m.end(), int(m.lastgroup[1:])) for m in free.finditer(low)]  # type: ignore[index]
        if exact is not None:
            found += [(m.start(), m.end(), int(m.lastgroup[1:])) for m in exact.finditer(text)]  # type: ignore[index]
            found.sort(key=lambda f: (f[0], f[0] - f[1]))
            kept, last = [], 0
            for f in found:
                if f[0] >= last:
                    kept.append(f)
                    last = f[1]
            found = kept
        return found

    def hits(self, text: str) -> list[Term]:
        """Terms used in ``text``, each once, in order of first occurrence."""
        if not self._terms or not text:
            return []
        seen: dict[int, Term] = {}
        for _, _, index in self._matches(text):
            if index not in seen:
                seen[index] = self._terms[index]
        return list(seen.values())

    def digest(self) -> str:
        """Short stable hash (16 hex digits) of the entries, for cache keys."""
        lines = sorted(f"{t.en}\t{t.ko}" for t in self._terms)
        return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]

    def prompt_lines(self, terms: list[Term]) -> list[str]:
        """One ``"en → ko"`` line per term, for an engine's prompt."""
        return [f"{t.en} → {'(keep in English)' if t.keep else t.ko}" for t in terms]

    def violations(self, source: str, translation: str) -> list[str]:
        """Messages for the terms of ``source`` that ``translation`` does not render."""
        flat = _BLANK_RE.sub("", translation).casefold()
        out: list[str] = []
        for term in self.hits(source):
            if term.keep:
                if _BLANK_RE.sub("", term.en).casefold() not in flat:
                    out.append(f"{term.en}: expected {term.en} (keep in English)")
            elif _BLANK_RE.sub("", term.ko).casefold() not in flat:
                out.append(f"{term.en}: expected {term.ko}")
        return out


def _parse(raw: bytes, name: str) -> list[Term]:
    """Terms of a glossary CSV given as bytes; ``name`` is used in error messages."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{name}:{line}: not valid UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    terms: list[Term] = []
    first = True
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not f.strip() for f in row) or row[0].lstrip().startswith("#"):
                continue
            if first and [f.strip().lower() for f in row] == ["en", "ko"]:
                first = False
                continue
            first = False
            if len(row) > 2:
                raise ConfigError(
                    f"{name}:{line}: expected 2 columns (en,ko), got {len(row)}; quote fields containing commas"
                )
            en = row[0].strip()
            if not en:
                raise ConfigError(f"{name}:{line}: missing English term (first column is empty)")
            if "\n" in en or "\r" in en:
                raise ConfigError(f"{name}:{line}: English term spans several lines")
            ko = row[1].strip() if len(row) > 1 else ""
            terms.append(Term(en, " ".join(ko.split())))
    except csv.Error as exc:
        raise ConfigError(f"{name}:{reader.line_num}: bad CSV ({exc})") from None
    return terms


@lru_cache(maxsize=8)
def _builtin_terms(target: str) -> tuple[Term, ...]:
    """The built-in terms for ``target``; empty when none ship with the package."""
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?", target or ""):
        return ()
    resource = resources.files("arxiv_translator").joinpath("data").joinpath(f"glossary_{target.lower()}.csv")
    try:
        raw = resource.read_bytes()
    except (FileNotFoundError, OSError):
        return ()
    return tuple(_parse(raw, f"glossary_{target.lower()}.csv"))
