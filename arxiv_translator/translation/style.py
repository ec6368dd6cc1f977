"""Checks and safe fixes of the Korean text a model returns.

Everything here works on a *masked* translation: placeholders ``<x1/>``,
``<g2>`` and ``</g2>`` are never altered, moved or removed.  The fixes are
deliberately conservative; when in doubt, text is left as it is.

``polish`` runs, in order: HTML entity unescaping, mojibake repair, the
missing space after a sentence end, and counting of sentence-ending register.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from arxiv_translator.placeholders import PLACEHOLDER_RE

_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_HANGUL = "\uac00-\ud7a3"
_HANGUL_RE = re.compile(f"[{_HANGUL}]")

# Korean UTF-8 read one byte per character, as Thai (cp874) or Western (cp1252,
# latin-1): ftfy misses the Thai case and mojibake next to good Hangul, so such
# runs are decoded here.  U+FFFD stands for an undefined (continuation) byte.


def _byte_table(*encodings: str) -> dict[str, int]:
    table: dict[str, int] = {}
    for enc in encodings:
        for b in range(0x80, 0x100):
            table.setdefault(bytes([b]).decode(enc), b)
    return table


def _byte_run_re(table: dict[str, int]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    def cls(lo: int, hi: int) -> str:
        return "[" + re.escape("".join(c for c, b in table.items() if lo <= b <= hi)) + "]"

    cont = f"(?:{cls(0x80, 0xBF)}|\ufffd)"
    group = f"{cls(0xC2, 0xDF)}{cont}|{cls(0xE0, 0xEF)}{cont}{{2}}"
    return re.compile(f"(?:{group})+"), re.compile(group)


@lru_cache(maxsize=1)
def _byte_runs() -> list[tuple[dict[str, int], re.Pattern[str], re.Pattern[str]]]:
    """Per byte table, the table and its run and group patterns (built on first need: they load ftfy's codecs)."""
    import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-*" codecs)

    tables = [_byte_table("sloppy-cp874"), _byte_table("sloppy-windows-1252", "latin-1")]
    return [(t, *_byte_run_re(t)) for t in tables]


@lru_cache(maxsize=1)
def _ftfy() -> tuple[Any, Callable[[str], bool], Any]:
    """ftfy, its mojibake test and the config that keeps only its encoding steps (imported on first need)."""
    import ftfy
    from ftfy.badness import is_bad

    # Only the encoding steps of ftfy: quotes, widths, ligatures stay as written.
    config = ftfy.TextFixerConfig(
        unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
        fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
        remove_control_chars=False, normalization=None, explain=False,
    )
    return ftfy, is_bad, config


#: Punctuation that a good translation often holds (’ – — … NBSP...): ftfy's "common" mojibake
#: characters, which its test never counts without another, rarer character next to them, and
#: byte-table characters that only continue a UTF-8 sequence, never start one.
_COMMON = "\u00a0\u00ad\u00b4\u00b7\u2013\u2014\u2015\u2019\u2026"
#: Text made only of ASCII, Hangul syllables and :data:`_COMMON` holds no mojibake: every character
#: ftfy's test and the byte runs need lies outside them (checked by tests/translation/test_style.py),
#: so such text is passed without loading ftfy (some 0.15 s of CPU).
_PLAIN_RE = re.compile(f"[\\x00-\\x7f{_HANGUL}{_COMMON}]*")

_MISSING_SPACE_RE = re.compile(f"(?<=[^\\s>])[.?!](?=[{_HANGUL}])")
_URLISH_RE = re.compile(r"(?:://|^www\.|@)", re.IGNORECASE)
# A Hangul word ending in 다 / 까 at a sentence end: before . ? ! (possibly
# after closing quotes, brackets or a wrapper end) or at the end of a line.
_ENDING_RE = re.compile(
    f"([{_HANGUL}]+)([다까])(?=(?:\\s*</\\s*[gG]\\s*\\d+\\s*>)?[\"'”’)\\]]*\\s*(?:[.?!]|$))",
    re.MULTILINE,
)


@dataclass
class StyleReport:
    """What ``polish`` found and fixed in the model output."""

    entities: int = 0
    mojibake: int = 0
    spacing_fixes: int = 0
    register: Counter[str] = field(default_factory=Counter)

    def merge(self, other: "StyleReport") -> None:
        """Add the counts of ``other`` to this report."""
        self.entities += other.entities
        self.mojibake += other.mojibake
        self.spacing_fixes += other.spacing_fixes
        self.register.update(other.register)

    def as_dict(self) -> dict:
        """Plain-data form, for JSON reports."""
        return {
            "entities": self.entities,
            "mojibake": self.mojibake,
            "spacing_fixes": self.spacing_fixes,
            "register": dict(self.register),
        }


def _placeholders(text: str) -> list[str]:
    return [m.group(0) for m in PLACEHOLDER_RE.finditer(text)]


def fix_entities(text: str, source: str) -> tuple[str, int]:
    """Unescape HTML entities that the model added (absent from ``source``).

    An entity is left alone when it is unknown, when ``source`` contains it
    literally, or when unescaping it would help form a placeholder-like tag
    (``&lt;x1/&gt;`` stays as it is).
    """
    pieces: list[str] = []
    spans: list[tuple[int, int, str]] = []  # output span and original entity
    pos = out_len = 0
    for m in _ENTITY_RE.finditer(text):
        ent = m.group(0)
        plain = text[pos:m.start()]
        pieces.append(plain)
        out_len += len(plain)
        new = ent if ent in source else html.unescape(ent)
        if new == "\ufffd" or any(ord(c) < 32 for c in new):
            new = ent  # invalid or control character: not worth "fixing"
        if new != ent:
            spans.append((out_len, out_len + len(new), ent))
        pieces.append(new)
        out_len += len(new)
        pos = m.end()
    if not spans:
        return text, 0
    pieces.append(text[pos:])
    candidate = "".join(pieces)
    blocked = [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(candidate)]
    kept = [s for s in spans if not any(a < s[1] and s[0] < b for a, b in blocked)]
    if len(kept) == len(spans):
        return candidate, len(spans)
    for start, end, ent in reversed([s for s in spans if s not in kept]):
        candidate = candidate[:start] + ent + candidate[end:]
    return candidate, len(kept)


def _fix_byte_runs(text: str) -> str:
    """Re-decode runs of byte-shaped characters as UTF-8 when that gives Hangul.

    A multi-byte sequence with an unknown byte becomes one U+FFFD.
    """
    for table, run_re, group_re in _byte_runs():

        def group(g: str, table: dict[str, int] = table) -> str:
            raw = bytes(0xFF if c == "\ufffd" else table[c] for c in g)
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                return "\ufffd"

        def run(m: re.Match[str], group_re: re.Pattern[str] = group_re) -> str:
            decoded = "".join(group(g) for g in group_re.findall(m.group(0)))
            return decoded if _HANGUL_RE.search(decoded) else m.group(0)

        text = run_re.sub(run, text)
    return text


def fix_mojibake(text: str) -> tuple[str, bool]:
    """Repair mojibake (Korean byte runs, then ftfy's encoding fixes); placeholders kept."""
    if _PLAIN_RE.fullmatch(text):
        return text, False
    fixed = _fix_byte_runs(text)
    ftfy, is_bad, config = _ftfy()
    if is_bad(fixed):
        fixed = ftfy.fix_text(fixed, config)
    if fixed == text or _placeholders(fixed) != _placeholders(text):
        return text, False
    return fixed, True


def fix_spacing(text: str) -> tuple[str, int]:
    """Insert a space after ``.``, ``?``, ``!`` directly followed by Hangul.

    Not done after whitespace or a placeholder (``<x1/>.다음`` stays), nor
    inside URLs or e-mail addresses.  Digits and Latin letters after the
    mark never trigger it, so ``3.5`` and ``e.g.`` are safe.
    """
    out: list[str] = []
    pos = count = 0
    for m in _MISSING_SPACE_RE.finditer(text):
        word_start = max(text.rfind(c, 0, m.start()) for c in " \t\n") + 1
        if _URLISH_RE.search(text[word_start:m.end()]):
            continue
        out.append(text[pos:m.end()] + " ")
        pos = m.end()
        count += 1
    out.append(text[pos:])
    return "".join(out), count


def _has_final_bieup(syllable: str) -> bool:
    code = ord(syllable) - 0xAC00
    return 0 <= code < 11172 and code % 28 == 17


def count_register(text: str) -> Counter[str]:
    """Count sentence endings: ``academic`` (-다) and ``formal`` (-습니다/-ㅂ니다)."""
    counts: Counter[str] = Counter()
    for m in _ENDING_RE.finditer(text):
        word, last = m.group(1), m.group(2)
        formal = (
            len(word) >= 2
            and word[-1] == "니"
            and (word[-2] == "습" or _has_final_bieup(word[-2]))
        )
        if formal:
            counts["formal"] += 1
        elif last == "다":
            counts["academic"] += 1
    return counts


def polish(text: str, source: str, report: StyleReport) -> str:
    """Apply the safe fixes to one masked translation and record them."""
    text, n = fix_entities(text, source)
    report.entities += n
    text, bad = fix_mojibake(text)
    report.mojibake += int(bad)
    text, n = fix_spacing(text)
    report.spacing_fixes += n
    report.register.update(count_register(text))
    return text


def register_warning(report: StyleReport, wanted: str) -> str | None:
    """One-line warning when over 10% of counted endings use the other register."""
    names = {"academic": "-다", "formal": "-습니다"}
    if wanted not in names:
        raise ValueError(f"wanted must be 'academic' or 'formal', not {wanted!r}")
    other = "formal" if wanted == "academic" else "academic"
    total = report.register["academic"] + report.register["formal"]
    stray = report.register[other]
    if total == 0 or stray * 10 <= total:
        return None
    return (
        f"register: {stray} of {total} sentences use {names[other]} "
        f"while the paper style is {wanted} {names[wanted]}"
    )


def hangul_ratio(text: str) -> float:
    """Share of Hangul syllables among Hangul and Latin letters, placeholders ignored."""
    text = PLACEHOLDER_RE.sub(" ", text)
    hangul = latin = 0
    for ch in text:
        if "\uac00" <= ch <= "\ud7a3":
            hangul += 1
        elif ch.isalpha() and (ch < "\u0250") and ch not in "ªµº":
            latin += 1
    total = hangul + latin
    return hangul / total if total else 0.0
