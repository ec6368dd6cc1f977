"""Decode the bytes of a LaTeX source file without producing mojibake.

Order of tries:

1. UTF-8 (a leading BOM is stripped; the name returned is then "utf-8-sig");
2. Korean: EUC-KR, else its superset CP949, when the non-ASCII letters are
   mostly Hangul and a fair share of it is among the most frequent syllables
   (Chinese bytes can decode as EUC-KR too, but give Hanja and rare Hangul);
3. Western: CP1252 when bytes 0x80-0x9F occur (curly quotes, dashes), else
   Latin-1 (the two agree everywhere else);

and every candidate must also pass charset-normalizer's "mess" check, so that
e.g. Cyrillic CP1251 is not passed off as accented Latin.  When nothing fits,
InputError is raised: guessing wrong would corrupt the translation silently.
"""

from __future__ import annotations

import codecs
import re

from arxiv_translator.errors import InputError

_MIN_HANGUL_SHARE = 0.6  # of the non-ASCII letters, in a Korean candidate
_MIN_COMMON_SHARE = 0.25  # of the Hangul syllables, that are among the most frequent
# Frequent Korean syllables (and names): in real text they make up about half of all syllables;
# Chinese bytes misread as EUC-KR give Hangul spread evenly over all 2,350.
_COMMON_HANGUL = frozenset(
    "이다는의에을하고가한기지로서사있리자도어대를정인수시아적나일과해게보부으전여것상구주되"
    "스들세라국장제니소성면동우거만원문경말화그없연방요비드생중위내었학계미했개관마공회실재신"
    "때치선물였용번역결모델데터입력출논법본론같및통할된함은각분행발형식값경우표현단어문장처리"
    "조건변환방식예측학습훈련평가결과제안시스템언어번역기계연구실험성능향상데이터집합크기모두"
    "김박최강윤임오권황안송류홍양손배백허남심노곽차진엄채천변염추석설길표명반왕금옥육맹탁"  # surnames
    "철수영희민준훈현우호은혜숙자순태용환규식영숙옥미경춘근광승창"  # given names
)
_MAX_CHAOS = 0.2  # charset-normalizer's default threshold for "too messy"
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _is_hangul(ch: str) -> bool:
    """Hangul syllable or compatibility jamo."""
    return "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e"


def _plausible(data: bytes, encoding: str) -> bool:
    """charset-normalizer finds ``data`` read as ``encoding`` not messy."""
    from charset_normalizer import from_bytes  # imported only for text that is not UTF-8

    return from_bytes(data, cp_isolation=[encoding], threshold=_MAX_CHAOS).best() is not None


def _korean(data: bytes) -> tuple[str, str] | None:
    """Decode as EUC-KR (or CP949) when the result reads as Korean."""
    for encoding in ("euc-kr", "cp949"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
        hangul = [ch for ch in letters if _is_hangul(ch)]
        if not hangul or len(hangul) < _MIN_HANGUL_SHARE * len(letters):
            return None
        if sum(1 for ch in hangul if ch in _COMMON_HANGUL) < _MIN_COMMON_SHARE * len(hangul):
            return None
        return (text, encoding) if _plausible(data, encoding) else None
    return None


def _western(data: bytes) -> tuple[str, str] | None:
    """Decode as CP1252 (when 0x80-0x9F occur) or Latin-1, if that reads sanely."""
    # Mostly UTF-8 with a few bad bytes: reading it as Latin-1 gives "Ã©" mojibake.
    utf8_like = len(_UTF8_SEQ.findall(data))
    if utf8_like and utf8_like >= sum(1 for b in _UTF8_SEQ.sub(b"", data) if b >= 0x80):
        return None
    encoding = "cp1252" if any(0x80 <= b <= 0x9F for b in data) else "latin-1"
    try:
        text = data.decode(encoding)  # CP1252 leaves 0x81 0x8D 0x8F 0x90 0x9D undefined
    except UnicodeDecodeError:
        return None  # Latin-1 would turn them into C1 control characters
    return (text, encoding) if _plausible(data, encoding) else None


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Return ``(text, encoding_name)`` for the bytes of the text file ``path``.

    The name is one of "utf-8", "utf-8-sig", "euc-kr", "cp949", "cp1252" and
    "latin-1".  Raises InputError for binary data (NUL bytes) and when no
    candidate decodes cleanly.
    """
    if b"\0" in data:
        raise InputError(f"{path}: binary file, not text")
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    found = _korean(data) or _western(data)
    if found is None:
        raise InputError(f"{path}: cannot detect the text encoding")
    return found
