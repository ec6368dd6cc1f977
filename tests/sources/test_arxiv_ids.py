"""arXiv ids and URLs: every accepted form, clear errors for the rest, output folders named after the id."""

from __future__ import annotations

import pytest

from arxiv_translator.sources.arxiv_ids import ArxivId, looks_like_arxiv, parse_arxiv_id
from arxiv_translator.errors import InputError
from arxiv_translator.pipeline import default_out


@pytest.mark.parametrize("text, base, version", [
    ("2402.18563", "2402.18563", None),
    ("2402.18563v1", "2402.18563", 1),
    ("  2402.18563v12 ", "2402.18563", 12),
    ("arXiv:2402.18563", "2402.18563", None),
    ("arxiv:2402.18563v2", "2402.18563", 2),
    ("0704.0001", "0704.0001", None),
    ("1412.8765v3", "1412.8765", 3),
    ("hep-th/9901001", "hep-th/9901001", None),
    ("hep-th/9901001v2", "hep-th/9901001", 2),
    ("arXiv:cond-mat/0207270", "cond-mat/0207270", None),
    ("math.GT/0309136", "math/0309136", None),
    ("https://arxiv.org/abs/2402.18563", "2402.18563", None),
    ("https://arxiv.org/abs/2402.18563v1", "2402.18563", 1),
    ("http://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001", 1),
    ("https://www.arxiv.org/abs/2402.18563?context=cs", "2402.18563", None),
    ("https://arxiv.org/pdf/2402.18563", "2402.18563", None),
    ("https://arxiv.org/pdf/2402.18563v1.pdf", "2402.18563", 1),
    ("https://arxiv.org/pdf/hep-th/9901001.pdf", "hep-th/9901001", None),
    ("https://arxiv.org/html/2402.18563v1", "2402.18563", 1),
    ("https://arxiv.org/html/2402.18563v1/", "2402.18563", 1),
    ("https://arxiv.org/html/2402.18563v1/#S2.F1", "2402.18563", 1),
    ("https://arxiv.org/html/2402.18563v1/x1.png", "2402.18563", 1),
    ("https://arxiv.org/e-print/2402.18563v2", "2402.18563", 2),
    ("https://export.arxiv.org/abs/2402.18563", "2402.18563", None),
    ("http://export.arxiv.org/pdf/2402.18563v1", "2402.18563", 1),
    ("arxiv.org/abs/2402.18563", "2402.18563", None),
    ("https:/arxiv.org/abs/2402.18563", "2402.18563", None),  # what Path() makes of a URL
])
def test_valid_ids(text, base, version):
    assert parse_arxiv_id(text) == ArxivId(base, version)


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("hello", "not an arXiv id"),
    ("2402.1856", "5 digits"),
    ("1412.12345", "4 digits"),
    ("2413.12345", "month 13"),
    ("0612.1234", "0704"),
    ("2402.18563v0", "not an arXiv id"),
    ("2402.18563v", "not an arXiv id"),
    ("arXiv:", "not an arXiv id"),
    ("hep-th/990100", "not an arXiv id"),
    ("HEP-TH/9901001", "not an arXiv id"),
    ("https://example.com/abs/2402.18563", "not an arXiv URL"),
    ("https://arxiv.org.evil.com/abs/2402.18563", "not an arXiv URL"),
    ("https://arxiv.org/list/cs.LG/recent", "not an arXiv paper URL"),
    ("https://arxiv.org/abs/", "not an arXiv paper URL"),
    ("https://arxiv.org/abs/2402.18563/extra", "unexpected 'extra'"),
    ("https://arxiv.org/abs/2402.185", "does not name a valid paper id"),
    ("ftp://arxiv.org/abs/2402.18563", "not an arXiv id"),
])
def test_invalid_ids(text, words):
    with pytest.raises(InputError) as info:
        parse_arxiv_id(text)
    message = str(info.value)
    assert words in message and "\n" not in message


def test_mirror_hosts_and_names():
    assert parse_arxiv_id("http://127.0.0.1:8080/abs/2402.18563v1", ("127.0.0.1:8080",)) == ArxivId("2402.18563", 1)
    with pytest.raises(InputError):
        parse_arxiv_id("http://127.0.0.1:8080/abs/2402.18563v1")
    assert ArxivId("hep-th/9901001", 2).folder_name == "hep-th_9901001v2"
    assert str(ArxivId("2402.18563")) == "2402.18563"


@pytest.mark.parametrize("source, name", [
    ("2402.18563", "2402.18563.ko"), ("arXiv:2402.18563v1", "2402.18563v1.ko"),
    ("https://arxiv.org/pdf/2402.18563v2.pdf", "2402.18563v2.ko"), ("hep-th/9901001v1", "hep-th_9901001v1.ko"),
])
def test_default_out_is_named_after_the_id(tmp_path, monkeypatch, source, name):
    monkeypatch.chdir(tmp_path)
    assert default_out(source) == tmp_path / name


@pytest.mark.parametrize("text, meant", [
    ("2402.18563", True), ("arXiv:2402", True), ("https://example.com/x", True), ("arxiv.org/abs/1", True),
    ("hep-th/9901001", True), ("paper.tex", False), ("./my-paper", False), ("/tmp/2402.18563", False),
    ("sample.tar.gz", False),
])
def test_what_counts_as_an_attempt_at_an_id(text, meant):
    assert looks_like_arxiv(text) is meant
