"""Which glyphs of a PDF text line are mathematics.

A PDF has no markup, so inline math is recognised from what the glyphs look
like: the font (TeX's CMMI/CMSY/CMEX, the AMS MSAM/MSBM, STIX and other
``*Math`` fonts), the character (Greek letters, operators, arrows,
mathematical alphanumerics) and, for upright roman glyphs in a paper whose
body font is not Computer Modern, the font family (TeX sets ``(``, ``=``,
digits of formulas in CMR even under Times).  Sub- and superscripts are found
by size and baseline in :mod:`arxiv_translator.readers.pdf_layout`.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Fonts whose every glyph is mathematics.
MATH_FONT_RE = re.compile(
    r"^(?:CM(?:MI|SY|EX|BSY|MIB)\d*|CMMIB|MSAM|MSBM|EU(?:FM|FB|SM|SB|RM|RB|EX)|RSFS|LMMathItalic|LMMathSymbols"
    r"|LMMathExtension|LatinModernMath|STIXMath|STIXTwoMath|STIXNonUni|STIXSize|STIXVariants|XITSMath|CambriaMath"
    r"|Asana|MnSymbol|FdSymbol|PazoMath|TXMI|TXSY|TXEX|TXSYA|TXSYB|PXMI|PXSY|PXEX|PXSYA|PXSYB|NTXMI|NTXSY|NTXEX"
    r"|ZXLR|ZXLRI|MathTime|MTMI|MTSY|MTEX|ESINT|Stmary|BBM|DSROM|BBOLD|MSBM|Symbol(?:MT)?$|Euclid|Math)",
    re.I,
)
#: Any font with "Math" in its name (``NewCMMath-Regular``, ``STIXTwoMath``, ``PazoMath-Italic``...).
MATH_WORD_RE = re.compile(r"math|stixgeneral-italic", re.I)
#: TeX's upright roman fonts, which carry the digits and brackets of formulas.
ROMAN_FONT_RE = re.compile(r"^(?:CMR|CMBX|SFRM|LMRoman|CMU\s?Serif)\d*", re.I)
MONO_FONT_RE = re.compile(r"(?:mono|courier|typewriter|consol|inconsolata|menlo|^CMTT|^SFTT|^LMMono|NimbusMon|"
                          r"DejaVuSansMono|SourceCodePro|FiraMono|FiraCode|cousine|lucidaconsole)", re.I)
BOLD_FONT_RE = re.compile(r"(?:bold|black|heavy|semibold|demi|-medi|medium|-B$|\.B$|CMBX|SFBX)", re.I)
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")

_MATH_RANGES = (
    (0x0391, 0x03A9), (0x03B1, 0x03C9), (0x03D0, 0x03F6),  # Greek letters and symbols
    (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2308, 0x230B), (0x27C0, 0x27FF), (0x2900, 0x2AFF),
    (0x1D400, 0x1D7FF),  # mathematical alphanumerics
    (0x2070, 0x209F),  # super- and subscript digits
)
_MATH_CHARS = set("±×÷ℝℕℤℚℂℙℓℏ∂∇∞′″‴⟨⟩⊤⊥")


def base_font(name: str) -> str:
    """The font name without a subset prefix (``ABCDEF+CMMI10`` -> ``CMMI10``)."""
    return _SUBSET_PREFIX.sub("", name)


@lru_cache(maxsize=512)
def is_math_font(name: str) -> bool:
    """True for a font used only for formulas."""
    name = base_font(name)
    return bool(MATH_FONT_RE.match(name) or MATH_WORD_RE.search(name))


@lru_cache(maxsize=512)
def is_roman_math_font(name: str, body_font: str) -> bool:
    """True for TeX's upright roman in a paper whose body text is set in another family."""
    return bool(ROMAN_FONT_RE.match(base_font(name))) and not ROMAN_FONT_RE.match(base_font(body_font))


@lru_cache(maxsize=512)
def is_mono_font(name: str, flags: int = 0) -> bool:
    """True for a typewriter font (code, URLs)."""
    return bool(flags & 8) or bool(MONO_FONT_RE.search(base_font(name)))


@lru_cache(maxsize=512)
def is_bold_font(name: str, flags: int = 0) -> bool:
    """True for a bold face."""
    return bool(flags & 16) or bool(BOLD_FONT_RE.search(base_font(name)))


@lru_cache(maxsize=4096)
def is_math_char(ch: str) -> bool:
    """True for a character that only occurs in formulas (Greek, operators, arrows...)."""
    if ch in _MATH_CHARS:
        return True
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _MATH_RANGES)
