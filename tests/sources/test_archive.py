"""arxiv_translator.sources.archive: content sniffing and hostile-archive extraction.

Every fixture is built here, in tmp_path.
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import tarfile
import zipfile
import zlib
from pathlib import Path

import pytest

from arxiv_translator.sources.archive import detect_kind, extract
from arxiv_translator.errors import InputError, OutputError, UnsafeInputError

TREE = {
    "main.tex": b"\\documentclass{article}\n\\input{sections/intro}\n",
    "sections/intro.tex": b"\\section{Intro} caf\xc3\xa9\n",
    "sections/deep/more/x.tex": b"deep\n",
    "figures/plot.pdf": b"%PDF-1.4 fake figure\n",
    "refs.bib": b"@article{a, title={A}}\n",
}
PDF = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


# ---------------------------------------------------------------- builders

def _member(name: str, kind: str = "file", data: bytes = b"", link: str = "") -> tuple:
    return (name, kind, data, link)


def make_tar(path: Path, entries: list[tuple], mode: str = "w:gz", **kw: object) -> Path:
    """Write a tar with raw TarInfo members (names are NOT sanitised by tarfile)."""
    types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "sym": tarfile.SYMTYPE,
             "hard": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE, "chr": tarfile.CHRTYPE}
    with tarfile.open(path, mode, **kw) as tf:
        for name, kind, data, link in entries:
            info = tarfile.TarInfo(name)
            info.type = types[kind]
            info.linkname = link
            info.size = len(data) if kind == "file" else 0
            info.mode = 0o755 if kind == "dir" else 0o644
            tf.addfile(info, io.BytesIO(data) if kind == "file" else None)
    return path


def tree_entries(tree: dict[str, bytes]) -> list[tuple]:
    dirs = sorted({str(Path(n).parent) for n in tree} - {"."})
    return [_member(d, "dir") for d in dirs] + [_member(n, "file", d) for n, d in tree.items()]


def make_zip(path: Path, entries: list[tuple], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, kind, data, link in entries:
            info = zipfile.ZipInfo(name + "/" if kind == "dir" else name)
            info.compress_type = compression
            if kind == "sym":
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                data = link.encode()
            elif kind == "fifo":
                info.external_attr = (stat.S_IFIFO | 0o644) << 16
            zf.writestr(info, data)
    return path


def make_gzip(path: Path, data: bytes, name: str | None = "paper.tex") -> Path:
    """A gzip file whose header carries ``name`` verbatim (GzipFile would strip dirs)."""
    header = b"\x1f\x8b\x08" + (b"\x08" if name else b"\0") + bytes(4) + b"\0\x03"
    if name:
        header += name.encode("latin-1") + b"\0"
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = deflate.compress(data) + deflate.flush()
    trailer = zlib.crc32(data).to_bytes(4, "little") + (len(data) & 0xFFFFFFFF).to_bytes(4, "little")
    path.write_bytes(header + body + trailer)
    assert gzip.decompress(path.read_bytes()) == data
    return path


def read_tree(root: Path) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            assert not p.is_symlink(), f"link created: {p}"
            out[p.relative_to(root).as_posix()] = p.read_bytes() if p.is_file() else None
    return out


def files_only(tree: dict[str, bytes | None]) -> dict[str, bytes]:
    return {k: v for k, v in tree.items() if v is not None}


# ---------------------------------------------------------------- detect_kind

def _detect_cases() -> list:
    def tgz_named_pdf(d: Path) -> Path:
        return make_tar(d / "paper.pdf", tree_entries(TREE))

    def pdf_named_tgz(d: Path) -> Path:
        (d / "paper.tar.gz").write_bytes(PDF)
        return d / "paper.tar.gz"

    def plain_tar(d: Path) -> Path:
        return make_tar(d / "src", tree_entries(TREE), "w")

    def v7_tar(d: Path) -> Path:  # no ustar magic: recognised by the checksum alone
        raw = bytearray(make_tar(d / "old", [_member("a.tex", "file", b"x")], "w").read_bytes())
        raw[257:265] = bytes(8)
        raw[148:156] = b"        "
        raw[148:156] = b"%06o\0 " % sum(raw[:512])
        (d / "old").write_bytes(bytes(raw))
        return d / "old"

    def tbz(d: Path) -> Path:
        return make_tar(d / "src.bin", tree_entries(TREE), "w:bz2")

    def txz(d: Path) -> Path:
        return make_tar(d / "src.bin", tree_entries(TREE), "w:xz")

    def gz_single(d: Path) -> Path:
        return make_gzip(d / "paper.tar.gz", b"\\documentclass{article}\n")

    def zip_named_tex(d: Path) -> Path:
        return make_zip(d / "main.tex", [_member("a.tex", "file", b"x")])

    def tex_named_gz(d: Path) -> Path:
        (d / "main.gz").write_bytes(b"\\documentclass{article}\n\\begin{document}caf\xe9\n")
        return d / "main.gz"

    def directory(d: Path) -> Path:
        (d / "srcdir").mkdir()
        return d / "srcdir"

    return [
        pytest.param(tgz_named_pdf, "tar", id="tar.gz-named-.pdf"),
        pytest.param(pdf_named_tgz, "pdf", id="pdf-named-.tar.gz"),
        pytest.param(plain_tar, "tar", id="plain-tar"),
        pytest.param(v7_tar, "tar", id="v7-tar-no-magic"),
        pytest.param(tbz, "tar", id="tar.bz2"),
        pytest.param(txz, "tar", id="tar.xz"),
        pytest.param(gz_single, "gzip-single", id="gzip-single-named-.tar.gz"),
        pytest.param(zip_named_tex, "zip", id="zip-named-.tex"),
        pytest.param(tex_named_gz, "tex", id="tex-named-.gz"),
        pytest.param(directory, "directory", id="directory"),
    ]


@pytest.mark.parametrize("build, kind", _detect_cases())
def test_detect_kind_by_content(tmp_path: Path, build, kind: str) -> None:
    assert detect_kind(build(tmp_path)) == kind


@pytest.mark.parametrize("name, data", [
    ("random.tar.gz", os.urandom(4096) + b"\0"),
    ("elf.tex", b"\x7fELF\x02\x01\x01\0" + bytes(range(256)) * 4),
])
def test_detect_kind_rejects_unknown(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputError, match=name.replace(".", r"\.")):
        detect_kind(tmp_path / name)


# ---------------------------------------------------------------- good archives

@pytest.mark.parametrize("build", [
    pytest.param(lambda p: make_tar(p / "src.tar.gz", tree_entries(TREE)), id="tar.gz"),
    pytest.param(lambda p: make_tar(p / "src.tar", tree_entries(TREE), "w"), id="plain-tar"),
    pytest.param(lambda p: make_tar(p / "src.tbz", tree_entries(TREE), "w:bz2"), id="tar.bz2"),
    pytest.param(lambda p: make_tar(p / "src.txz", tree_entries(TREE), "w:xz"), id="tar.xz"),
    pytest.param(lambda p: make_tar(p / "src.tgz", [_member(f"./{n}", "file", d) for n, d in TREE.items()]),
                 id="tar.gz-dot-slash-no-dirs"),
    pytest.param(lambda p: make_zip(p / "src.zip", tree_entries(TREE)), id="zip"),
    pytest.param(lambda p: make_zip(p / "src.zip", tree_entries(TREE), zipfile.ZIP_STORED), id="zip-stored"),
])
def test_extract_tree_identically(tmp_path: Path, build) -> None:
    archive = build(tmp_path)
    dest = tmp_path / "out"
    assert extract(archive, dest) == dest
    assert files_only(read_tree(dest)) == TREE


@pytest.mark.parametrize("header_name, expected", [
    ("paper.tex", "paper.tex"),
    (None, "main.tex"),
    ("../../evil.tex", "main.tex"),
    ("run.sh", "main.tex"),
    (".hidden.tex", "main.tex"),
])
def test_extract_gzip_single(tmp_path: Path, header_name: str | None, expected: str) -> None:
    archive = make_gzip(tmp_path / "1234.5678", b"\\documentclass{article}\n", header_name)
    dest = extract(archive, tmp_path / "out")
    assert read_tree(dest) == {expected: b"\\documentclass{article}\n"}


def test_links_inside_are_not_created(tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "links.tar.gz", [
        _member("a.tex", "file", b"AAA"),
        _member("sub", "dir"),
        _member("sub/sym.tex", "sym", link="../a.tex"),
        _member("hard.tex", "hard", link="a.tex"),
    ])
    assert read_tree(extract(archive, tmp_path / "out")) == {
        "a.tex": b"AAA", "sub": None, "hard.tex": b"AAA"}  # symlink skipped, hard link copied


def test_extract_into_existing_empty_dir(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    archive = make_tar(tmp_path / "src.tar.gz", tree_entries(TREE))
    assert files_only(read_tree(extract(archive, tmp_path / "out"))) == TREE


def test_extract_refuses_non_empty_dest(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    archive = make_tar(tmp_path / "src.tar.gz", tree_entries(TREE))
    with pytest.raises(OutputError, match="out"):
        extract(archive, tmp_path / "out")
    assert read_tree(tmp_path / "out") == {"keep.txt": b"mine"}


@pytest.mark.parametrize("make", [
    pytest.param(lambda p: (p / "main.tex").write_text("\\documentclass{article}") and p / "main.tex", id="tex"),
    pytest.param(lambda p: (p / "a.pdf").write_bytes(PDF) and p / "a.pdf", id="pdf"),
    pytest.param(lambda p: (p / "d").mkdir() or p / "d", id="directory"),
])
def test_extract_refuses_non_archives(tmp_path: Path, make) -> None:
    src = make(tmp_path)
    with pytest.raises(InputError, match=src.name):
        extract(src, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- hostile archives

GOOD = _member("ok.tex", "file", b"written before the bad entry")
UNSAFE = [
    ("tar", _member("/etc/evil.tex", "file", b"x"), "/etc/evil.tex"),
    ("tar", _member("../evil.tex", "file", b"x"), "../evil.tex"),
    ("tar", _member("a/../../evil.tex", "file", b"x"), "a/../../evil.tex"),
    ("tar", _member("C:/evil.tex", "file", b"x"), "C:/evil.tex"),
    ("tar", _member("..\\evil.tex", "file", b"x"), "evil.tex"),
    ("tar", _member("passwd", "sym", link="/etc/passwd"), "passwd"),
    ("tar", _member("up", "sym", link="../x"), "up"),
    ("tar", _member("sub/up", "sym", link="../../x"), "sub/up"),
    ("tar", _member("hard", "hard", link="../outside"), "hard"),
    ("tar", _member("hard", "hard", link="/etc/passwd"), "hard"),
    ("tar", _member("pipe", "fifo"), "pipe"),
    ("tar", _member("tty", "chr"), "tty"),
    ("zip", _member("/abs.tex", "file", b"x"), "/abs.tex"),
    ("zip", _member("../evil.tex", "file", b"x"), "../evil.tex"),
    ("zip", _member("C:\\evil.tex", "file", b"x"), "evil.tex"),
    ("zip", _member("passwd", "sym", link="/etc/passwd"), "passwd"),
    ("zip", _member("up", "sym", link="../x"), "up"),
    ("zip", _member("pipe", "fifo"), "pipe"),
]


@pytest.mark.parametrize("fmt, bad, shown", UNSAFE, ids=[f"{f}:{b[1]}:{b[0]}->{b[3]}" for f, b, _ in UNSAFE])
def test_unsafe_entries_are_rejected(tmp_path: Path, fmt: str, bad: tuple, shown: str) -> None:
    build = make_tar if fmt == "tar" else make_zip
    archive = build(tmp_path / f"hostile.{fmt}", [GOOD, bad])
    dest = tmp_path / "out"
    with pytest.raises(UnsafeInputError) as err:
        extract(archive, dest)
    message = str(err.value)
    assert "hostile." in message and shown in message and "\n" not in message
    assert not dest.exists()
    assert not (tmp_path / "evil.tex").exists() and not (tmp_path / "x").exists()


# ---------------------------------------------------------------- limits

def _gzip_bomb_with_lying_size(p: Path) -> Path:
    data = bytearray(gzip.compress(bytes(5_000_000)))
    data[-4:] = (100).to_bytes(4, "little")  # ISIZE trailer claims 100 bytes
    (p / "bomb.gz").write_bytes(bytes(data))
    return p / "bomb.gz"


LIMITS = [
    pytest.param(lambda p: make_tar(p / "many.tar.gz", [_member(f"{i}.tex", "file", b"x") for i in range(6)]),
                 dict(max_files=5), "entries", id="tar-too-many-files"),
    pytest.param(lambda p: make_zip(p / "many.zip", [_member(f"{i}.tex", "file", b"x") for i in range(6)]),
                 dict(max_files=5), "entries", id="zip-too-many-files"),
    pytest.param(lambda p: make_tar(p / "big.tar", [_member(f"{i}.tex", "file", b"y" * 600) for i in range(2)], "w"),
                 dict(max_total=1000), "bytes", id="tar-too-many-bytes"),
    pytest.param(lambda p: make_tar(p / "bomb.tar.gz", [_member("zeros.tex", "file", bytes(5_000_000))]),
                 dict(max_total=1_000_000), "bytes", id="tar.gz-bomb"),
    pytest.param(lambda p: make_zip(p / "bomb.zip", [_member("zeros.tex", "file", bytes(5_000_000))]),
                 dict(max_total=1_000_000), "bytes", id="zip-bomb"),
    pytest.param(lambda p: make_gzip(p / "bomb.gz", bytes(5_000_000)),
                 dict(max_total=1_000_000), "bytes", id="gzip-single-bomb"),
    pytest.param(_gzip_bomb_with_lying_size, dict(max_total=1_000_000), "bytes", id="gzip-bomb-lying-isize"),
    pytest.param(lambda p: make_tar(p / "pax.tar", [_member("a.tex", "file", b"x")], "w",
                                    format=tarfile.PAX_FORMAT, pax_headers={"comment": "z" * 3_000_000}),
                 dict(), "too large", id="tar-huge-pax-header"),
]


@pytest.mark.parametrize("build, limits, what", LIMITS)
def test_limits(tmp_path: Path, build, limits: dict, what: str) -> None:
    archive = build(tmp_path)
    dest = tmp_path / "out"
    with pytest.raises(InputError, match="too large") as err:
        extract(archive, dest, **limits)
    assert archive.name in str(err.value) and what in str(err.value)
    assert not isinstance(err.value, UnsafeInputError)
    assert not dest.exists()


def test_limits_are_inclusive(tmp_path: Path) -> None:
    archive = make_tar(tmp_path / "five.tar.gz", [_member(f"{i}.tex", "file", b"x" * 10) for i in range(5)])
    assert len(read_tree(extract(archive, tmp_path / "out", max_files=5, max_total=50))) == 5


# ---------------------------------------------------------------- corrupt archives

def _truncated(build, name: str, keep: float):
    def make(p: Path) -> Path:
        full = build(p / ("full-" + name)).read_bytes()
        (p / name).write_bytes(full[: int(len(full) * keep)])
        return p / name
    return make


BIG_TREE = {f"d{i}/f{i}.tex": os.urandom(20_000) for i in range(5)}
CORRUPT = [
    pytest.param(_truncated(lambda q: make_tar(q, tree_entries(BIG_TREE)), "cut.tar.gz", 0.6), id="truncated-tar.gz"),
    pytest.param(_truncated(lambda q: make_tar(q, tree_entries(BIG_TREE), "w"), "cut.tar", 0.5), id="truncated-tar"),
    pytest.param(_truncated(lambda q: make_zip(q, tree_entries(BIG_TREE)), "cut.zip", 0.7), id="truncated-zip"),
    pytest.param(_truncated(lambda q: make_gzip(q, os.urandom(100_000)), "cut.gz", 0.5), id="truncated-gzip-single"),
    pytest.param(lambda p: (p / "junk.tar.gz").write_bytes(b"\x1f\x8b\x08\0" + os.urandom(5000)) and p / "junk.tar.gz",
                 id="gzip-magic-then-garbage"),
    pytest.param(lambda p: (p / "random.tar.gz").write_bytes(os.urandom(5000) + b"\0") and p / "random.tar.gz",
                 id="random-bytes-named-.tar.gz"),
]


@pytest.mark.parametrize("build", CORRUPT)
def test_corrupt_archives(tmp_path: Path, build) -> None:
    archive = build(tmp_path)
    dest = tmp_path / "out"
    with pytest.raises(InputError) as err:
        extract(archive, dest)
    assert archive.name in str(err.value) and "\n" not in str(err.value)
    assert not dest.exists()


def test_corrupt_archive_leaves_existing_dest_empty(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    archive = _truncated(lambda q: make_tar(q, tree_entries(BIG_TREE)), "cut.tar.gz", 0.8)(tmp_path)
    with pytest.raises(InputError, match="corrupt archive"):
        extract(archive, tmp_path / "out")
    assert (tmp_path / "out").is_dir() and not any((tmp_path / "out").iterdir())
