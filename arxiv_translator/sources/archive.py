"""Open untrusted paper sources (arXiv e-prints are hostile input).

``detect_kind`` looks at the bytes, never the name.  ``extract`` streams a tar
(plain, gzip, bzip2, xz), a zip or one gzipped file into an empty folder:

* absolute names, drive letters, ``..`` components -> UnsafeInputError;
* links whose target leaves the tree -> UnsafeInputError; links inside are never
  created as links (a symlink is skipped and logged, a hard link becomes a copy);
* devices, FIFOs and other special files -> UnsafeInputError;
* more than ``max_files`` entries or ``max_total`` bytes really decompressed
  (counted while streaming; header sizes are not trusted) -> InputError.

Modes, owners and times are ignored.  On failure ``dest`` is left as found.

What is extracted is still hostile: the reader follows ``\\input`` only inside
the tree, and TeX only ever sees a staged copy of it, in the compile jail of
:mod:`arxiv_translator.writers.latex.jail` (regular files only, no tool
configuration, clean environment, bubblewrap where available; see the README's
*Threat model*).
"""

from __future__ import annotations

import bz2
import gzip
import logging
import lzma
import posixpath
import re
import shutil
import stat
import tarfile
import zipfile
import zlib
from pathlib import Path
from typing import Any, BinaryIO, Callable

from arxiv_translator.errors import InputError, OutputError, UnsafeInputError

MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_FILES = 20_000

log = logging.getLogger(__name__)

_CHUNK = 1024 * 1024
_HEAD = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_SAFE_TEX_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*\.tex$")
_COMPRESSED = ((re.compile(rb"\A\x1f\x8b\x08"), "gzip", gzip.open),
               (re.compile(rb"\ABZh[1-9](1AY&SY|\x17rE8P\x90)"), "bzip2", bz2.open),
               (re.compile(rb"\A\xfd7zXZ\x00"), "xz", lzma.open), (re.compile(b""), "plain", open))
_READ_ERRORS = (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error,  # damaged archive
                lzma.LZMAError, ValueError, NotImplementedError, RuntimeError, OSError)


def _looks_like_tar(block: bytes) -> bool:
    """True when ``block`` starts with a tar header (ustar magic or a valid checksum)."""
    if len(block) < 512 or block[257:262] == b"ustar":
        return len(block) >= 512
    field = block[148:156].replace(b"\0", b" ").strip()
    checksum = sum(block[:148]) + 8 * 32 + sum(block[156:512])
    return re.fullmatch(rb"[0-7]+", field) is not None and int(field, 8) == checksum


def _compression(head: bytes) -> tuple[str, Callable[..., BinaryIO]]:
    """Name and opener of the compression ``head`` starts with ("plain", open if none)."""
    return next((kind, opener) for magic, kind, opener in _COMPRESSED if magic.match(head))


def _looks_like_text(head: bytes) -> bool:
    """No NUL byte and (almost) no other control characters."""
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f\x1b")
    return b"\0" not in head and controls <= len(head) // 100


def detect_kind(path: Path) -> str:
    """Tell what ``path`` holds by its content.

    Returns "directory", "tar", "gzip-single", "zip", "tex" or "pdf"; raises
    InputError for anything else (and for a missing path).
    """
    path = Path(path)
    if path.is_dir():
        return "directory"
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    kind, opener = _compression(head)
    if kind == "plain":
        if _looks_like_tar(head[:512]):
            return "tar"
        if _looks_like_text(head):
            return "tex"
    else:
        try:
            with opener(path, "rb") as fh:
                inner = fh.read(512)
        except (zlib.error, OSError, lzma.LZMAError, EOFError) as exc:
            raise InputError(f"{path}: corrupt archive ({kind}: {exc})") from exc
        if _looks_like_tar(inner):
            return "tar"
        if kind == "gzip":
            return "gzip-single"
    raise InputError(f"{path}: not a LaTeX source, archive or PDF")


def _unsafe(archive: Path, name: str, why: str) -> UnsafeInputError:
    """The one-line error for an entry that could escape the tree."""
    return UnsafeInputError(f"{archive}: unsafe entry {name!r} ({why})")


def _safe_parts(archive: Path, name: str) -> tuple[str, ...]:
    """Split an entry name into components, or raise UnsafeInputError."""
    norm = name.replace("\\", "/")
    parts = tuple(p for p in norm.split("/") if p not in ("", "."))
    why = ("NUL in name" if "\0" in norm else "absolute path" if norm.startswith("/")
           else "drive letter" if _DRIVE.match(norm) else "'..' component" if ".." in parts else None)
    if why:
        raise _unsafe(archive, name, why)
    return parts


class _Writer:
    """Writes entries under ``dest`` while counting entries and real bytes."""

    def __init__(self, archive: Path, dest: Path, max_total: int, max_files: int) -> None:
        self.archive, self.dest, self.max_total, self.max_files = archive, dest, max_total, max_files
        self.files = self.total = 0

    def count_entry(self, n: int = 1) -> None:
        """Count ``n`` more entries; fail beyond ``max_files``."""
        self.files += n
        if self.files > self.max_files:
            raise InputError(f"{self.archive}: archive too large (more than {self.max_files} entries)")

    def write(self, parts: tuple[str, ...], src: BinaryIO | None) -> None:
        """Stream ``src`` into dest/parts counting every decompressed byte (None: a folder)."""
        target = self.dest.joinpath(*parts)
        try:
            (target if src is None else target.parent).mkdir(parents=True, exist_ok=True)
            if src is None:
                return
            with open(target, "wb") as out:
                while chunk := self._read(src, parts):
                    self.total += len(chunk)
                    if self.total > self.max_total:
                        raise InputError(f"{self.archive}: archive too large "
                                         f"(more than {self.max_total} bytes unpacked)")
                    out.write(chunk)
        except OSError as exc:
            why = exc.strerror or exc
            raise InputError(f"{self.archive}: cannot extract {'/'.join(parts)!r} ({why})") from exc

    def _read(self, src: BinaryIO, parts: tuple[str, ...]) -> bytes:
        try:  # never ask for much more than the budget left: a bomb stops early
            return src.read(min(_CHUNK, self.max_total - self.total + 1))
        except _READ_ERRORS as exc:
            raise InputError(f"{self.archive}: corrupt archive ({'/'.join(parts)}: {exc})") from exc


def _check_link(archive: Path, name: str, parts: tuple[str, ...], target: str,
                symbolic: bool) -> tuple[str, ...]:
    """Return the in-tree parts a link points to, or raise if it leaves the tree."""
    norm = target.replace("\\", "/")
    if symbolic and not norm.startswith("/") and not _DRIVE.match(norm):
        norm = posixpath.normpath(posixpath.join(*parts[:-1], norm) if parts[:-1] else norm)
    try:
        return _safe_parts(archive, norm)
    except UnsafeInputError:
        why = f"{'sym' if symbolic else 'hard'}link to {target!r} leaves the archive"
        raise _unsafe(archive, name, why) from None


class _Capped:
    """Read-only file for tarfile that refuses oversized reads (a huge pax or
    long-name header would otherwise be loaded into memory whole) and caps the
    decompressed bytes read in all."""

    def __init__(self, raw: BinaryIO, archive: Path, limit: int) -> None:
        self.raw, self.archive, self.limit, self.count = raw, archive, limit, 0

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0 or n > _CHUNK + 1 or self.count + n > self.limit:
            raise InputError(f"{self.archive}: archive too large (oversized header or data)")
        data = self.raw.read(n)
        self.count += len(data)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)  # seek, tell, ...


def _extract_tar(archive: Path, w: _Writer) -> None:
    """Stream the members of a (compressed) tar, one by one, through ``w``."""
    with open(archive, "rb") as fh:
        opener = _compression(fh.read(16))[1]
    with opener(archive, "rb") as raw, tarfile.open(
            fileobj=_Capped(raw, archive, w.max_total + 8192 * w.max_files + _CHUNK), mode="r:") as tf:
        for m in tf:
            w.count_entry()
            parts = _safe_parts(archive, m.name)
            if m.issym() or m.islnk():
                inside = _check_link(archive, m.name, parts, m.linkname, m.issym())
                source = w.dest.joinpath(*inside)
                if m.islnk() and parts and inside not in ((), parts) and source.is_file():
                    with open(source, "rb") as src:  # a hard link inside becomes a copy
                        w.write(parts, src)
                else:
                    log.info("%s: skipped link %r -> %r", archive, m.name, m.linkname)
            elif m.isdir():
                w.write(parts, None)
            elif m.isreg():
                with tf.extractfile(m) as src:  # type: ignore[union-attr]
                    w.write(parts, src)
            else:
                raise _unsafe(archive, m.name, "device, FIFO or other special file")


def _extract_zip(archive: Path, w: _Writer) -> None:
    """Stream the entries of a zip through ``w``."""
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        w.count_entry(len(infos))  # the central directory lists every entry up front
        for info in infos:
            parts = _safe_parts(archive, info.filename)
            mode = info.external_attr >> 16
            if info.flag_bits & 0x1:
                raise InputError(f"{archive}: encrypted entry {info.filename!r} is not supported")
            if stat.S_ISLNK(mode):
                with zf.open(info) as src:
                    target = src.read(4096).decode("utf-8", "replace")
                _check_link(archive, info.filename, parts, target, True)
                log.info("%s: skipped link %r -> %r", archive, info.filename, target)
            elif stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
                raise _unsafe(archive, info.filename, "device, FIFO or other special file")
            elif info.is_dir():
                w.write(parts, None)
            elif parts:
                with zf.open(info) as src:
                    w.write(parts, src)


def _gzip_name(archive: Path) -> str:
    """The original file name from the gzip header when it is a safe ``*.tex``."""
    with open(archive, "rb") as fh:
        head = fh.read(_HEAD)
    flags, pos = head[3] if len(head) > 3 else 0, 10
    if flags & 0x04:  # FEXTRA
        pos += 2 + int.from_bytes(head[pos:pos + 2], "little")
    if flags & 0x08:  # FNAME
        end = head.find(b"\0", pos)
        name = head[pos:end].decode("latin-1") if end > pos else ""
        if _SAFE_TEX_NAME.match(name):
            return name
    return "main.tex"


def _extract_gzip_single(archive: Path, w: _Writer) -> None:
    """Decompress a single gzipped file to dest/<original name or main.tex>."""
    w.count_entry()
    with gzip.open(archive, "rb") as src:
        w.write((_gzip_name(archive),), src)


def _clear(dest: Path, created: bool) -> None:
    """Remove what extraction wrote (dest itself too when we created it)."""
    for child in dest.iterdir():  # extraction never creates links, but be careful anyway
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    if created:
        dest.rmdir()


def extract(path: Path, dest: Path, *, max_total: int = MAX_TOTAL_BYTES,
            max_files: int = MAX_FILES) -> Path:
    """Unpack the archive ``path`` into ``dest`` (absent or empty) and return ``dest``.

    Raises InputError for a non-archive, a corrupt or too large archive, and
    UnsafeInputError for entries that could escape ``dest``; nothing is left in
    ``dest`` after a failure.
    """
    path, dest = Path(path), Path(dest)
    kind = detect_kind(path)
    handlers = {"tar": _extract_tar, "zip": _extract_zip, "gzip-single": _extract_gzip_single}
    if kind not in handlers:
        raise InputError(f"{path}: not an archive ({kind}), nothing to extract")
    if dest.is_symlink() or (dest.exists() and (not dest.is_dir() or any(dest.iterdir()))):
        raise OutputError(f"{dest}: extraction folder exists and is not empty")
    created = not dest.exists()
    dest.mkdir(parents=True, exist_ok=True)
    try:
        handlers[kind](path, _Writer(path, dest, max_total, max_files))
    except _READ_ERRORS as exc:
        _clear(dest, created)
        raise InputError(f"{path}: corrupt archive ({exc})") from exc
    except BaseException:
        _clear(dest, created)
        raise
    return dest
