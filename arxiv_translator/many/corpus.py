"""The parallel corpus: every translated segment of many outputs in one Parquet or JSONL file.

One row per segment (columns :data:`COLUMNS`): ``paper`` (arXiv id with version, or the
source's name), ``segment`` (its id), ``kind``, ``text`` (English source, formulas as in the
source), ``translation`` (Korean), ``status``, ``engine``, ``model``, ``signature`` (the
translation signature hash of :mod:`arxiv_translator.translation.memory`).

* Only ``translated`` and ``cached`` segments by default; ``include`` adds ``kept`` (the
  translation is the source, as the output holds it) and ``failed`` (translation null).
* Exact duplicates -- the same (text, translation) pair, within or across papers -- are
  written once (the first in paper order).
* ``markdown=True`` renders LaTeX and HTML segments to the seed-000 form: Mathpix-style
  Markdown with ``\\(..\\)`` inline and ``\\[..\\]`` display math (Markdown/PDF text is
  already in that form).
* Parquet is written with pyarrow (readable by pandas and ``datasets.load_dataset("parquet")``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from arxiv_translator.errors import ConfigError, InputError, OutputError
from arxiv_translator.many.outputs import PaperOutput, outputs_in

COLUMNS = ("paper", "segment", "kind", "text", "translation", "status", "engine", "model", "signature")
TRANSLATED = ("translated", "cached")
OPTIONAL = ("kept", "failed")
FORMATS = (".parquet", ".jsonl")
MAX_MACRO_FILES, MAX_MACRO_BYTES = 50, 1_000_000
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)((?:\\.|[^$\\])+?)\$")


@dataclass
class CorpusResult:
    """What :func:`export_corpus` wrote."""

    path: Path
    papers: int
    rows: int
    duplicates: int
    bytes: int


def parse_include(value: str | None) -> tuple[str, ...]:
    """``"kept,failed"`` -> the statuses to add to translated/cached; ConfigError for others."""
    names = tuple(n.strip() for n in (value or "").split(",") if n.strip())
    bad = [n for n in names if n not in OPTIONAL]
    if bad:
        raise ConfigError(f"--include {value}: unknown status {bad[0]!r} (choose from {', '.join(OPTIONAL)})")
    return names


def dollars_to_mathpix(text: str) -> str:
    """``$$x$$`` -> ``\\[x\\]`` and ``$x$`` -> ``\\(x\\)`` (escaped ``\\$`` untouched)."""
    text = _DISPLAY.sub(lambda m: "\\[" + m.group(1).strip() + "\\]", text)
    return _INLINE.sub(lambda m: "\\(" + m.group(1) + "\\)", text)


def to_markdown(text: str, source_kind: str, macros: dict[str, str] | None = None) -> str:
    """One segment's text in the seed-000 form (see the module docstring); ``macros`` expand in LaTeX prose."""
    from arxiv_translator.writers.markdown.segments import html_text, latex_text

    if source_kind == "latex":
        text = latex_text(text, macros)
    elif source_kind == "html":
        text = html_text(text)
    else:
        return text
    return " ".join(dollars_to_mathpix(text).split())


def corpus_rows(outputs: Iterable[PaperOutput], include: tuple[str, ...] = (),
                markdown: bool = False) -> Iterator[dict]:
    """The corpus rows of ``outputs``, before de-duplication."""
    wanted = set(TRANSLATED) | set(include)
    for out in outputs:
        paper, kind = out.paper, out.source_kind
        macros = latex_macros(out.folder) if markdown and kind == "latex" else {}
        for seg in out.segments:
            status = str(seg.get("status", ""))
            if status not in wanted:
                continue
            text = seg["source"]
            translation = seg.get("translation") if status != "failed" else None
            if not isinstance(translation, str):
                translation = None
            if markdown:
                text = to_markdown(text, kind, macros)
                translation = to_markdown(translation, kind, macros) if translation is not None else None
            yield {"paper": paper, "segment": str(seg.get("id", "")), "kind": str(seg.get("kind", "")),
                   "text": text, "translation": translation, "status": status, "engine": out.engine,
                   "model": out.model, "signature": out.signature}


def latex_macros(folder: Path) -> dict[str, str]:
    """Argument-less text macros defined in the translated LaTeX tree (``source/``) of an output."""
    from arxiv_translator.writers.latex_macros import user_macros

    macros: dict[str, str] = {}
    tree = folder / "source"
    files = sorted(p for p in tree.rglob("*") if p.suffix in (".tex", ".sty")) if tree.is_dir() else []
    for path in files[:MAX_MACRO_FILES]:
        if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_MACRO_BYTES:
            macros.update(user_macros(path.read_text(encoding="utf-8", errors="replace"))[0])
    return macros


def unique(rows: Iterable[dict]) -> tuple[list[dict], int]:
    """Rows without exact (text, translation) duplicates, and how many were dropped."""
    seen: set[tuple[str, str | None]] = set()
    kept, dropped = [], 0
    for row in rows:
        key = (row["text"], row["translation"])
        if key in seen:
            dropped += 1
            continue
        seen.add(key)
        kept.append(row)
    return kept, dropped


def export_corpus(folders: list[Path], out: Path, include: tuple[str, ...] = (),
                  markdown: bool = False) -> CorpusResult:
    """Write the corpus of every output under ``folders`` to ``out`` (.parquet or .jsonl)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise OutputError(f"{out}: the corpus file must end in .parquet or .jsonl")
    outputs = outputs_in(folders)
    rows, dropped = unique(corpus_rows(outputs, include, markdown))
    if not rows:
        raise InputError(f"{', '.join(map(str, folders))}: no translated segments to export")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.part")
        if suffix == ".parquet":
            _write_parquet(rows, tmp)
        else:
            with open(tmp, "w", encoding="utf-8") as fh:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        tmp.replace(out)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the corpus ({exc.strerror or exc})") from None
    return CorpusResult(out, len(outputs), len(rows), dropped, out.stat().st_size)


def _write_parquet(rows: list[dict], path: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError("writing Parquet needs pyarrow: pip install pyarrow (or write .jsonl)") from None
    schema = pa.schema([(name, pa.string()) for name in COLUMNS])
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, compression="zstd")
