"""Fonts for the translated PDF.

* **Korean**: Noto Serif CJK KR (Debian's ``fonts-noto-cjk``), subset to the
  characters the translation uses with fontTools and embedded once.  The
  collections (``.ttc``) hold JP/KR/SC/TC/HK faces; the KR face is picked by
  name.  Without fontTools the whole face is embedded (a much bigger file).
* **Original glyphs**: inline formulas are drawn again with the paper's own
  embedded fonts.  :class:`GlyphCoder` finds, for a font object of the PDF,
  which character code draws a given glyph: it shows every code once on a
  scratch page and reads back the glyph ids PyMuPDF reports.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from arxiv_translator.mupdf import pymupdf

from arxiv_translator.errors import OutputError

FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/opentype/noto-cjk"),
             Path("/usr/share/fonts/noto-cjk"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
FONT_FILES = {False: ("NotoSerifCJK-Regular.ttc", "NotoSansCJK-Regular.ttc", "NotoSerifCJKkr-Regular.otf"),
              True: ("NotoSerifCJK-Bold.ttc", "NotoSansCJK-Bold.ttc", "NotoSerifCJKkr-Bold.otf")}
#: Characters every subset carries (so that small jobs can share one subset).
BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "·–—‘’“”…%()[]{}<>"


def cjk_font_path(bold: bool = False) -> Path:
    """Where the Noto CJK font is (Serif preferred); :class:`OutputError` when missing."""
    for folder in FONT_DIRS:
        for name in FONT_FILES[bold]:
            if (folder / name).is_file():
                return folder / name
    if bold:
        return cjk_font_path(False)
    raise OutputError("no Noto CJK font found (install Debian's fonts-noto-cjk) for the Korean PDF")


@lru_cache(maxsize=8)
def _korean_index(path: Path) -> int:
    """Index of the KR face in a font collection (0 for a single font)."""
    with open(path, "rb") as fh:
        head = fh.read(12)
        if head[:4] != b"ttcf":
            return 0
        count = struct.unpack(">I", head[8:12])[0]
    try:
        from fontTools.ttLib import TTFont
    except ImportError:
        return 1 if count > 1 else 0  # Noto CJK collections put KR second
    for i in range(count):
        name = TTFont(str(path), fontNumber=i, lazy=True)["name"].getDebugName(4) or ""
        if " KR" in name:
            return i
    return 0


def face_bytes(path: Path, index: int) -> bytes:
    """One face of a collection as a standalone font file (tables copied, offsets rewritten)."""
    data = path.read_bytes()
    if data[:4] != b"ttcf":
        return data
    offset = struct.unpack(">I", data[12 + 4 * index: 16 + 4 * index])[0]
    sfnt, count = struct.unpack(">IH", data[offset: offset + 6])
    records = [struct.unpack(">4sIII", data[offset + 12 + 16 * k: offset + 28 + 16 * k]) for k in range(count)]
    power = 1
    while power * 2 <= count:
        power *= 2
    header = struct.pack(">IHHHH", sfnt, count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    table_dir, body = b"", b""
    start = 12 + 16 * count
    for tag, checksum, off, length in records:
        table_dir += struct.pack(">4sIII", tag, checksum, start + len(body), length)
        body += data[off: off + length] + b"\0" * (-length % 4)
    return header + table_dir + body


_SUBSETS: dict[tuple[str, bool], tuple[frozenset[str], bytes]] = {}


def subset_font(chars: set[str], bold: bool = False) -> tuple[bytes, bool]:
    """A Korean font holding ``chars``; returns (font file, whether it is a subset).

    A subset made earlier in this process is reused when it already holds
    ``chars``, and a new one also keeps the old characters when that costs
    little, so that a batch of jobs soon shares one subset.
    """
    path = cjk_font_path(bold)
    index = _korean_index(path)
    want = frozenset(chars) | frozenset(BASE_CHARS)
    key = (str(path), bold)
    cached = _SUBSETS.get(key)
    if cached and want <= cached[0]:
        return cached[1], True
    if cached and len(cached[0] | want) <= 2 * len(want) + 200:
        want = want | cached[0]
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        return face_bytes(path, index), False
    font = TTFont(str(path), fontNumber=index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    options = subset.Options()
    options.name_IDs = [1, 2, 4, 6]
    options.notdef_outline = True
    options.layout_features = []
    options.hinting = True  # with desubroutinize, the fastest way through a large CFF font
    options.desubroutinize = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(want)))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    data = out.getvalue()
    _SUBSETS[key] = (want, data)
    return data, True


@dataclass(frozen=True)
class Glyph:
    """One glyph of an original formula, relative to the formula's origin."""

    font: int  # xref of the font object in the PDF (0: unknown, draw ``char`` with a fallback font)
    gid: int
    char: str
    dx: float
    dy: float
    size: float
    color: tuple[float, ...]


class GlyphCoder:
    """Maps (font xref, glyph id) to the character code that draws it (see the module docstring)."""

    def __init__(self, doc: pymupdf.Document) -> None:
        self.doc = doc
        self._maps: dict[int, dict[int, bytes]] = {}

    def code(self, font: int, gid: int) -> bytes | None:
        """The code bytes for ``gid`` in font ``font``, or None when no code draws it."""
        if font not in self._maps:
            self._maps[font] = self._probe(font, range(256), 1)
        found = self._maps[font].get(gid)
        if found is None and self._two_byte(font) and gid not in self._maps[font]:
            self._maps[font].update(self._probe(font, [gid], 2))
            found = self._maps[font].get(gid)
        return found

    def _two_byte(self, font: int) -> bool:
        return self.doc.xref_get_key(font, "Subtype")[1] == "/Type0"

    def _probe(self, font: int, codes, width: int) -> dict[int, bytes]:
        codes = list(codes)
        if width == 1 and self._two_byte(font):
            return {}
        page = self.doc.new_page(-1, width=12 * len(codes) + 20, height=40)
        try:
            self.doc.xref_set_key(page.xref, "Resources", f"<</Font<</P {font} 0 R>>>>")
            ops = [f"BT /P 10 Tf 1 0 0 1 {12 * i + 5} 20 Tm <{c:0{2 * width}x}> Tj ET" for i, c in enumerate(codes)]
            stream = self.doc.get_new_xref()
            self.doc.update_object(stream, "<<>>")
            self.doc.update_stream(stream, "\n".join(ops).encode())
            self.doc.xref_set_key(page.xref, "Contents", f"{stream} 0 R")
            found: dict[int, bytes] = {}
            for span in self.doc[page.number].get_texttrace():
                for _ucs, gid, origin, _bbox in span["chars"]:
                    i = round((origin[0] - 5) / 12)
                    if 0 <= i < len(codes) and gid > 0 and gid not in found:
                        found[gid] = codes[i].to_bytes(width, "big")
            return found
        except Exception:  # a broken or unusual font object: draw its glyphs with the fallback
            return {}
        finally:
            self.doc.delete_page(page.number)
