"""``corpus``: translate two small inputs with pseudo, export, read back with pyarrow."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from arxiv_translator.cli import main
from arxiv_translator.many.corpus import COLUMNS, dollars_to_mathpix
from many_helpers import pseudo_outputs, segments  # noqa: F401 - pseudo_outputs is a fixture


@pytest.fixture
def outputs(pseudo_outputs):  # noqa: F811
    return pseudo_outputs


def test_parquet_has_one_row_per_distinct_translated_segment(outputs, tmp_path, capsys):
    base, reports = outputs
    out = tmp_path / "corpus.parquet"
    assert main(["corpus", str(base / "papers"), "--out", str(out)]) == 0
    table = pq.read_table(out)
    assert tuple(table.column_names) == COLUMNS
    rows = table.to_pylist()
    translated = [(s["source"], s["translation"]) for name in ("sample.ko", "mmd.ko")
                  for s in segments(base / "papers" / name) if s["status"] in ("translated", "cached")]
    assert len(translated) == sum(r["segments"]["translated"] + r["segments"]["cached"] for r in reports.values())
    assert len(rows) == len(set(translated))  # exact duplicates dropped, nothing else
    dropped = int(capsys.readouterr().out.split(" duplicate")[0].rsplit(",", 1)[1])
    assert len(rows) + dropped == len(translated)
    assert {r["paper"] for r in rows} == {"sample-paper", "2402.14714v1"}
    assert {r["status"] for r in rows} <= {"translated", "cached"}
    assert all(r["engine"] == "pseudo" and r["model"] == "pseudo" and len(r["signature"]) == 16 for r in rows)
    title = next(r for r in rows if r["paper"] == "2402.14714v1" and r["kind"] == "title")
    assert title["text"] != title["translation"] and any("\uac00" <= c <= "\ud7a3" for c in title["translation"])


def test_include_kept_and_jsonl(outputs, tmp_path):
    base, reports = outputs
    out = tmp_path / "corpus.jsonl"
    assert main(["corpus", str(base / "papers" / "mmd.ko"), "--out", str(out), "--include", "kept,failed"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    kept = [r for r in rows if r["status"] == "kept"]
    assert reports["mmd"]["segments"]["kept"] > 0 and kept
    assert all(r["translation"] == r["text"] for r in kept)  # kept: the output holds the source


def test_markdown_renders_latex_to_mathpix_math(outputs, tmp_path):
    base, _ = outputs
    out = tmp_path / "corpus.jsonl"
    assert main(["corpus", str(base / "papers" / "sample.ko"), "--out", str(out), "--markdown"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    abstract = next(r for r in rows if r["kind"] == "abstract")
    assert "\\(k\\)" in abstract["text"] and "\\(k\\)" in abstract["translation"]
    assert "SparseMix" in abstract["text"]  # the paper's \method macro expanded
    assert not any("\\cite" in r["text"] or "$" in r["text"] for r in rows)


@pytest.mark.parametrize("text,expected", [
    ("a $x$ b", "a \\(x\\) b"),
    ("$$E=mc^2$$", "\\[E=mc^2\\]"),
    ("costs \\$5 and \\$6", "costs \\$5 and \\$6"),
    ("$a$ and $b$", "\\(a\\) and \\(b\\)"),
])
def test_dollars_to_mathpix(text, expected):
    assert dollars_to_mathpix(text) == expected


def test_bad_input_one_line(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["corpus", str(empty), "--out", str(tmp_path / "c.parquet")]) == 2
    err = capsys.readouterr().err.strip()
    assert "no translations" in err and str(empty) in err and "\n" not in err
    assert main(["corpus", str(empty), "--out", str(tmp_path / "c.csv")]) == 5
    assert ".parquet or .jsonl" in capsys.readouterr().err
    assert main(["corpus", str(empty), "--out", str(tmp_path / "c.jsonl"), "--include", "nope"]) == 3
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "report.json").write_text("{}", encoding="utf-8")
    (bad / "segments.jsonl").write_text("not json\n", encoding="utf-8")
    assert main(["corpus", str(bad), "--out", str(tmp_path / "c.jsonl")]) == 2
    assert "segments.jsonl:1" in capsys.readouterr().err
