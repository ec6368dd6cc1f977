"""Figure rasters made without importing PyMuPDF (about 0.15 s of CPU at import, more than the figures).

* :func:`tiff_to_png`: Ghostscript's uncompressed RGB TIFF (an EPS figure, see :mod:`.figures`) as a
  PNG, encoded here with :mod:`zlib` (the same pixels as PyMuPDF's PNG of it);
* :func:`poppler_png`: the first page of a PDF figure rendered by poppler's ``pdftoppm`` (its crop box,
  anti-aliased, on white), at a resolution, or scaled to a width (``pdfinfo`` says how wide it is);
  poppler costs about a tenth of PyMuPDF's import per figure.

Each returns None where it cannot do the job (another TIFF layout, no ``pdftoppm``, a file poppler
cannot render); the caller then uses PyMuPDF as before.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TIFF_TYPES = {3: ("H", 2), 4: ("I", 4)}  # SHORT, LONG: the integer tags read here
_WIDTH, _HEIGHT, _BITS, _COMPRESSION, _PHOTOMETRIC = 256, 257, 258, 259, 262
_OFFSETS, _SAMPLES, _ROWS, _COUNTS, _PLANAR = 273, 277, 278, 279, 284
_NUM = rb"(-?[\d.]+)"
_CROPBOX = re.compile(rb"^Page +1 CropBox: +" + rb" +".join([_NUM] * 4), re.M)
_ROT = re.compile(rb"^Page +1 rot: +(-?\d+)", re.M)
_PPM = re.compile(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s")


def png_size(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` of a PNG (from its header), None when ``data`` is not one."""
    if not data.startswith(PNG_SIGNATURE) or len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


#: zlib's level for the figures' PNGs: 3 takes half the CPU of the default 6 on the corpus's rendered figures
#: (12 against 26 ms for mom-value-of-data's seven), for PNGs 5 % (PDF renders) to 29 % (EPS plots) larger
PNG_LEVEL = 3


def rgb_png(width: int, height: int, pixels: bytes | memoryview) -> bytes:
    """An 8-bit RGB PNG of ``pixels`` (rows of ``3 * width`` bytes, top to bottom)."""
    stride = 3 * width
    rows = bytearray((stride + 1) * height)  # each row after its filter byte 0 (none), copied once
    view = memoryview(pixels)
    for y in range(height):
        at = y * (stride + 1) + 1
        rows[at : at + stride] = view[y * stride : (y + 1) * stride]
    return (PNG_SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(rows, PNG_LEVEL)) + _chunk(b"IEND", b""))


def _tiff_tags(data: bytes) -> tuple[dict[int, list[int]], str] | None:
    """The integer tags of a TIFF's first image (tag -> values) and its byte order; None when not a TIFF."""
    order = {b"II": "<", b"MM": ">"}.get(data[:2])
    if order is None or len(data) < 8 or struct.unpack(order + "H", data[2:4])[0] != 42:
        return None
    ifd = struct.unpack(order + "I", data[4:8])[0]
    if ifd + 2 > len(data):
        return None
    tags: dict[int, list[int]] = {}
    for k in range(struct.unpack(order + "H", data[ifd : ifd + 2])[0]):
        entry = ifd + 2 + 12 * k
        if entry + 12 > len(data):
            return None
        tag, kind, count = struct.unpack(order + "HHI", data[entry : entry + 8])
        if kind not in _TIFF_TYPES or count > 1 << 16:
            continue
        code, size = _TIFF_TYPES[kind]
        where = entry + 8 if count * size <= 4 else struct.unpack(order + "I", data[entry + 8 : entry + 12])[0]
        if where + count * size > len(data):
            return None
        tags[tag] = list(struct.unpack(f"{order}{count}{code}", data[where : where + count * size]))
    return tags, order


def tiff_to_png(data: bytes) -> bytes | None:
    """A PNG of an uncompressed 8-bit RGB TIFF in strips (what Ghostscript's ``tiff24nc`` writes); None for any
    other TIFF (compressed, an alpha channel, tiles, another depth...) or a truncated one."""
    parsed = _tiff_tags(data)
    if parsed is None:
        return None
    tags, _order = parsed

    def one(tag: int, default: int | None = None) -> int | None:
        return tags[tag][0] if tags.get(tag) else default

    width, height = one(_WIDTH), one(_HEIGHT)
    if (width is None or height is None or not 0 < width <= 1 << 15 or not 0 < height <= 1 << 15
            or one(_COMPRESSION, 1) != 1 or one(_PHOTOMETRIC) != 2 or one(_SAMPLES, 1) != 3
            or tags.get(_BITS, [8]) not in ([8], [8, 8, 8]) or one(_PLANAR, 1) != 1):
        return None
    offsets, counts = tags.get(_OFFSETS, []), tags.get(_COUNTS, [])
    if not offsets or len(offsets) != len(counts) or any(o + c > len(data) for o, c in zip(offsets, counts)):
        return None
    if sum(counts) < 3 * width * height:
        return None
    # Ghostscript writes its strips one after the other: they are read in place, other layouts joined first
    contiguous = all(o + c == nxt for o, c, nxt in zip(offsets, counts, offsets[1:]))
    pixels = (memoryview(data)[offsets[0] : offsets[0] + sum(counts)] if contiguous
              else b"".join(data[o : o + c] for o, c in zip(offsets, counts)))
    return rgb_png(width, height, pixels)


def _run(cmd: list[str], timeout: float) -> bytes | None:
    """``cmd``'s standard output; None when it fails, cannot start or takes longer than ``timeout`` seconds."""
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    except (subprocess.TimeoutExpired, OSError):
        return None
    return done.stdout if done.returncode == 0 else None


def _page_width(path: Path, timeout: float) -> float | None:
    """The width, in points, of the first page of a PDF as shown (its crop box, turned by its rotation)."""
    exe = shutil.which("pdfinfo")
    info = _run([exe, "-f", "1", "-l", "1", "-box", str(path)], timeout) if exe else None
    box = _CROPBOX.search(info or b"")
    if box is None:
        return None
    x0, y0, x1, y1 = (float(box.group(k)) for k in range(1, 5))
    rot = _ROT.search(info or b"")
    turned = rot is not None and int(rot.group(1)) % 180 == 90
    return abs(y1 - y0) if turned else abs(x1 - x0)


def ppm_pixels(data: bytes) -> tuple[int, int, memoryview] | None:
    """``(width, height, RGB rows)`` of a binary 8-bit PPM (``P6``, what ``pdftoppm`` writes); None otherwise.
    The rows are a view of ``data``, not a copy."""
    m = _PPM.match(data)
    if m is None or int(m.group(3)) != 255:
        return None
    width, height = int(m.group(1)), int(m.group(2))
    pixels = memoryview(data)[m.end() : m.end() + 3 * width * height]
    return (width, height, pixels) if width and height and len(pixels) == 3 * width * height else None


def poppler_png(path: Path, dpi: float, max_width: int, timeout: float) -> bytes | None:
    """The first page of the PDF ``path`` as a PNG at ``dpi``, or ``max_width`` pixels wide when that is
    narrower (PyMuPDF's rule, see :func:`.figures._render_first_page`); None when poppler's ``pdfinfo`` or
    ``pdftoppm`` is missing or fails, or takes longer than ``timeout`` seconds.

    ``pdftoppm`` writes PPM (raw pixels) and the PNG is encoded here: its own PNG encoder costs as much CPU
    as its rendering."""
    exe = shutil.which("pdftoppm")
    width = _page_width(path, timeout) if exe else None
    if exe is None or width is None or width <= 0:
        return None
    size = ["-r", f"{dpi:g}"] if width * dpi / 72 <= max_width else ["-scale-to-x", str(max_width), "-scale-to-y", "-1"]
    with tempfile.TemporaryDirectory(prefix="pdf-figure-") as tmp:
        out = Path(tmp) / "page"
        if _run([exe, "-f", "1", "-l", "1", "-cropbox", "-singlefile", *size, str(path), str(out)], timeout) is None:
            return None
        ppm = out.with_suffix(".ppm")
        found = ppm_pixels(ppm.read_bytes()) if ppm.is_file() else None
    if found is None or found[0] > max_width:
        return None
    return rgb_png(*found)
