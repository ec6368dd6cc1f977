"""The polite arXiv client and the choice of source, against the local fake arXiv (no network)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from fake_arxiv import CORPUS_ARXIV, PDF_ONLY_ID, SAMPLE, SAMPLE_ID, FakeArxiv, FakePaper, gzipped, tar_gz

from arxiv_translator.sources.archive import detect_kind
from arxiv_translator.sources.arxiv_atom import parse_atom
from arxiv_translator.sources.arxiv_client import ArxivClient, ArxivConfig
from arxiv_translator.sources.arxiv_ids import ArxivId
from arxiv_translator.cli import main
from arxiv_translator.errors import InputError
from arxiv_translator.sources.inputs import prepare_source
from arxiv_translator.readers import READERS

INTERVAL = 0.3
EPS = 0.02  # clock granularity between the client's and the server's time.monotonic() readings
TEX = b"\\documentclass{article}\n\\begin{document}\nSome prose to translate.\n\\end{document}\n"


@pytest.fixture(scope="module")
def server():
    with FakeArxiv() as fake:
        yield fake


@pytest.fixture
def arxiv_env(server, tmp_path, monkeypatch):
    """Point the product at the fake arXiv, with a fresh download cache and a 0.3 s interval."""
    for name, value in server.env(INTERVAL, tmp_path / "downloads").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ARXIV_TRANSLATOR_ARXIV_RETRIES", "2")
    server.requests.clear()
    return server


def config(server: FakeArxiv, tmp_path: Path, **kw) -> ArxivConfig:
    base = dict(url=server.url, api_url=server.api_url, interval=0.05, downloads=tmp_path / "dl", timeout=5.0,
                retries=2)
    base.update(kw)
    return ArxivConfig(**base)


# -- metadata --------------------------------------------------------------------------------------------------

ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3D%26id_list%3D2402.18563" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=&amp;id_list=2402.18563</title>
  <id>http://arxiv.org/api/9Hc5L0Q7sS1</id>
  <updated>2024-03-01T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/2402.18563v2</id>
    <updated>2024-03-05T18:59:01Z</updated>
    <published>2024-02-28T18:59:01Z</published>
    <title>Approaching Human-Level Forecasting
      with Language Models</title>
    <summary>  Forecasting future events is important for policy and
decision making. &lt;b&gt;We&lt;/b&gt; study it.
</summary>
    <author><name>Danny Halawi</name></author>
    <author><name>Fred Zhang</name><arxiv:affiliation xmlns:arxiv="http://arxiv.org/schemas/atom">UC</arxiv:affiliation></author>
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">25 pages</arxiv:comment>
    <link href="http://arxiv.org/abs/2402.18563v2" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/2402.18563v2" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.AI" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>
"""


def test_parse_atom_reads_every_field():
    meta = parse_atom(ATOM.encode(), ArxivId("2402.18563"))
    assert meta.id == "2402.18563v2" and meta.ref == ArxivId("2402.18563", 2)
    assert meta.title == "Approaching Human-Level Forecasting with Language Models"
    assert meta.authors == ["Danny Halawi", "Fred Zhang"]
    assert meta.abstract.startswith("Forecasting future events is important for policy and decision making.")
    assert "<b>We</b>" in meta.abstract
    assert meta.categories == ["cs.LG", "cs.AI"] and meta.primary_category == "cs.LG"
    assert meta.published == "2024-02-28T18:59:01Z" and meta.updated == "2024-03-05T18:59:01Z"


@pytest.mark.parametrize("feed, words", [
    ('<feed xmlns="http://www.w3.org/2005/Atom"><title>q</title></feed>', "no such paper"),
    ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id></id><title></title></entry></feed>', "no such paper"),
    ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_x'
     '</id><title>Error</title><summary>incorrect id format for x</summary></entry></feed>', "incorrect id format"),
    ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2101.00001v1</id>'
     '<title>Another paper</title></entry></feed>', "no such paper"),
    ("<html><body>Service unavailable", "not Atom"),
])
def test_parse_atom_failures(feed, words):
    with pytest.raises(InputError) as info:
        parse_atom(feed.encode(), ArxivId("2402.18563"))
    assert words in str(info.value) and "2402.18563" in str(info.value)


def test_metadata_from_the_server(server, tmp_path):
    server.requests.clear()
    with ArxivClient(config(server, tmp_path)) as client:
        meta = client.metadata(ArxivId("2404.01204"))  # corpus folder without a version: v1 from its HTML
        assert meta.id == "2404.01204v1" and meta.title.startswith("The Fine Line")
        assert client.metadata(ArxivId(PDF_ONLY_ID, 1)).id == f"{PDF_ONLY_ID}v1"
        with pytest.raises(InputError, match="no such paper version"):
            client.metadata(ArxivId(PDF_ONLY_ID, 3))
        with pytest.raises(InputError, match="2402.99999: arXiv has no such paper"):
            client.metadata(ArxivId("2402.99999"))
    assert all(r.user_agent.startswith("arxiv-translator/") for r in server.requests)


# -- e-print kinds and the choice of source --------------------------------------------------------------------

def _eprint_cases() -> dict[str, tuple[bytes, str, str, str]]:
    """name -> (e-print bytes, detect_kind, chosen source, origin)."""
    pdf = next(CORPUS_ARXIV.glob("*/paper.pdf")).read_bytes() if CORPUS_ARXIV.is_dir() else b"%PDF-1.5\n%%EOF\n"
    return {
        "tar.gz": (tar_gz(SAMPLE), "tar", "latex", "arxiv:tar"),
        "gz-tex-named": (gzipped(TEX, "paper.tex"), "gzip-single", "latex", "arxiv:gzip-single"),
        "gz-tex-unnamed": (gzipped(TEX), "gzip-single", "latex", "arxiv:gzip-single"),
        "plain-tex": (TEX, "tex", "latex", "arxiv:tex"),
        "pdf": (pdf, "pdf", "html", "arxiv:html"),
        "gz-postscript": (gzipped(b"%!PS-Adobe-2.0\n%%Title: old\nshowpage\n"), "gzip-single", "html", "arxiv:html"),
        "junk": (b"\x00\x01\x02binary junk" * 50, "", "html", "arxiv:html"),
    }


@pytest.mark.parametrize("name", list(_eprint_cases()))
def test_eprint_kind_and_auto_choice(server, tmp_path, monkeypatch, name):
    data, kind, chosen, origin = _eprint_cases()[name]
    monkeypatch.setitem(READERS, "html", READERS.get("html", "pending:HtmlReader"))  # choosing needs no reader
    page = b"<html><body><div class='ltx_document'><p class='ltx_p'>Hi.</p></div></body></html>"
    server.add(FakePaper(f"2502.{10000 + list(_eprint_cases()).index(name)}", eprint=data, html=page))
    ref = ArxivId(f"2502.{10000 + list(_eprint_cases()).index(name)}")
    cfg = config(server, tmp_path)
    with ArxivClient(cfg) as client:
        path = client.eprint(client.metadata(ref).ref)
    assert path is not None and path.read_bytes() == data  # the bytes as served, even under Content-Encoding: gzip
    if kind:
        assert detect_kind(path) == kind
    else:
        with pytest.raises(InputError):
            detect_kind(path)
    from arxiv_translator.sources.inputs import prepare_arxiv

    prepared = prepare_arxiv(ref, tmp_path / "work", "auto", cfg)
    assert (prepared.kind, prepared.origin, prepared.info["chosen"]) == (chosen, origin, chosen)
    if chosen == "latex":
        assert prepared.info["reason"] == "the e-print is LaTeX source"
        assert any(b"\\documentclass" in p.read_bytes() for p in prepared.root.rglob("*.tex"))
    else:
        assert prepared.info["reason"].endswith("arXiv HTML is available")
        assert (prepared.root / prepared.main).read_bytes() == page
        assert prepared.info["html_url"] == f"{server.url}/html/{ref.base}v1/"


@pytest.mark.parametrize("choice, paper, kind, words", [
    ("auto", SAMPLE_ID, "latex", "the e-print is LaTeX source"),
    ("latex", SAMPLE_ID, "latex", "--source latex"),
    ("html", SAMPLE_ID, None, "arXiv has no HTML for this paper"),
    ("pdf", SAMPLE_ID, None, "arXiv has no PDF"),
    ("markdown", SAMPLE_ID, None, "no Markdown"),
    ("auto", "2404.01204", "html", "arXiv has no e-print (source files) for this paper; arXiv HTML is available"),
    ("latex", "2404.01204", None, "arXiv has no e-print"),
    ("html", "2404.01204", "html", "--source html"),
    ("pdf", "2404.01204", "pdf", "--source pdf"),
    ("auto", PDF_ONLY_ID, "pdf", "the e-print is a PDF, not LaTeX source; arXiv has no HTML for this paper; using"),
    ("latex", PDF_ONLY_ID, None, "the e-print is a PDF, not LaTeX source (try --source html"),
])
def test_source_choice(arxiv_env, tmp_path, monkeypatch, choice, paper, kind, words):
    for name in ("html", "pdf"):  # choosing needs the registry entry, not the reader itself
        monkeypatch.setitem(READERS, name, READERS.get(name, f"pending:{name}"))
    work = tmp_path / "work"
    if kind is None:
        with pytest.raises(InputError) as info:
            prepare_source(paper, work, choice)
        assert words in str(info.value) and paper in str(info.value)
        return
    prepared = prepare_source(paper, work, choice)
    assert prepared.kind == kind and words in prepared.info["reason"]
    assert prepared.info["source_choice"] == choice and prepared.info["chosen"] == kind
    assert prepared.info["arxiv_id"].startswith(paper + "v") and prepared.info["title"]
    assert (prepared.root / (prepared.main or "")).exists() and work in prepared.root.parents


def test_missing_reader_is_named_before_downloading_the_pdf(arxiv_env, tmp_path, monkeypatch):
    monkeypatch.delitem(READERS, "pdf", raising=False)
    with pytest.raises(InputError) as info:
        prepare_source(PDF_ONLY_ID, tmp_path / "work", "auto")
    assert f"{PDF_ONLY_ID}v2" in str(info.value) and "no reader for 'pdf'" in str(info.value)
    assert not any(p.startswith("/pdf/") for p in arxiv_env.paths())


@pytest.mark.parametrize("source, choice, kind, words", [
    ("paper.txt", "latex", "latex", None),
    ("paper.txt", "markdown", "markdown", None),
    ("paper.txt", "auto", None, "--source latex|html|markdown"),
    ("paper.tex", "html", "html", None),
    ("sample", "html", None, "latex input, not html"),
    ("sample.tar.gz", "pdf", None, "not pdf"),
    ("nope.tex", "auto", None, "no such file or directory"),
])
def test_source_choice_for_local_files(tmp_path, source, choice, kind, words):
    (tmp_path / "paper.txt").write_bytes(TEX)
    (tmp_path / "paper.tex").write_bytes(TEX)
    (tmp_path / "sample.tar.gz").write_bytes(tar_gz(SAMPLE))
    path = SAMPLE if source == "sample" else tmp_path / source
    if kind is None:
        with pytest.raises(InputError) as info:
            prepare_source(path, tmp_path / "work", choice)
        assert words in str(info.value)
    else:
        assert prepare_source(path, tmp_path / "work", choice).kind == kind


# -- politeness, retries, cache --------------------------------------------------------------------------------

def test_requests_are_spaced_and_one_at_a_time(server, tmp_path):
    server.requests.clear()
    server.max_concurrent = 0
    cfg = config(server, tmp_path, interval=INTERVAL)

    def fetch(base: str) -> None:
        with ArxivClient(cfg) as client:
            ref = client.metadata(ArxivId(base)).ref
            client.eprint(ref)
            client.html(ref)

    threads = [threading.Thread(target=fetch, args=(base,)) for base in ("2404.01204", SAMPLE_ID)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(server.requests) == 6
    assert server.max_concurrent == 1
    assert min(server.gaps()) >= INTERVAL - EPS, server.gaps()
    assert all(r.user_agent.startswith("arxiv-translator/") and "Korean" in r.user_agent for r in server.requests)


def test_retries_on_5xx_then_success(server, tmp_path):
    server.requests.clear()
    server.fail("e-print", 500, 503)
    with ArxivClient(config(server, tmp_path, interval=0.05)) as client:
        ref = client.metadata(ArxivId(SAMPLE_ID)).ref
        path = client.eprint(ref)
        assert client.requests == 4
    assert path is not None and detect_kind(path) == "tar"
    statuses = [(r.path.split("/")[1], r.status) for r in server.requests]
    assert statuses == [("api", 200), ("e-print", 500), ("e-print", 503), ("e-print", 200)]
    gaps = server.gaps()
    assert gaps[1] >= 0.1 - EPS and gaps[2] >= 0.2 - EPS  # exponential backoff: interval * 2, * 4


def test_timeout_is_retried(server, tmp_path):
    server.requests.clear()
    server.hang_seconds = 1.0
    server.fail("api", "hang")
    try:
        with ArxivClient(config(server, tmp_path, timeout=0.3)) as client:
            assert client.metadata(ArxivId(SAMPLE_ID)).id == f"{SAMPLE_ID}v1"
    finally:
        server.hang_seconds = 3.0
    assert len(server.requests) == 2


@pytest.mark.parametrize("where", ["5xx", "refused"])
def test_network_failure_after_retries_names_the_id(server, tmp_path, where):
    server.requests.clear()
    cfg = config(server, tmp_path, retries=2)
    if where == "5xx":
        server.fail("api", 502, 502, 502)
    else:
        cfg.api_url = "http://127.0.0.1:9/api/query"
    with ArxivClient(cfg) as client, pytest.raises(InputError) as info:
        client.metadata(ArxivId(SAMPLE_ID))
    message = str(info.value)
    assert message.startswith(SAMPLE_ID) and "\n" not in message
    if where == "5xx":
        assert "after 3 attempts" in message and len(server.requests) == 3
    else:  # a refused connection is not retried (issue 10): it fails at once and says why
        assert "connection refused" in message and "no network?" in message and "after" not in message
        assert len(server.requests) == 0


@pytest.mark.parametrize("status", [404, 200])
def test_html_not_available_is_an_answer(server, tmp_path, status):
    server.requests.clear()
    server.missing_html_status = status
    try:
        with ArxivClient(config(server, tmp_path)) as client:
            ref = ArxivId(SAMPLE_ID, 1)
            assert client.html(ref) is None
            assert client.html(ref) is None  # remembered: not asked again
    finally:
        server.missing_html_status = 404
    assert server.paths() == [f"/html/{SAMPLE_ID}v1/"]
    assert not (tmp_path / "dl" / SAMPLE_ID / "v1" / "html").exists()


def test_second_run_downloads_nothing(arxiv_env, tmp_path, monkeypatch):
    for name in ("html", "pdf"):
        monkeypatch.setitem(READERS, name, READERS.get(name, f"pending:{name}"))
    papers = (SAMPLE_ID, PDF_ONLY_ID, _smallest_html_paper())
    first = {paper: prepare_source(paper, tmp_path / paper / "a", "auto") for paper in papers}
    assert [first[p].kind for p in papers] == ["latex", "pdf", "html"]
    assert all(int(first[p].info["arxiv_requests"]) >= 2 for p in papers)
    asked = len(arxiv_env.requests)
    for paper in papers:
        again = prepare_source(paper, tmp_path / paper / "b", "auto")
        versioned = prepare_source(again.info["arxiv_id"], tmp_path / paper / "c", "auto")
        assert again.info["arxiv_requests"] == versioned.info["arxiv_requests"] == "0"
        assert (again.kind, again.info["reason"]) == (first[paper].kind, first[paper].info["reason"])
        main = again.main or ""
        assert (again.root / main).exists() and (again.root / main).stat().st_size > 0
    assert len(arxiv_env.requests) == asked


# -- the command line, end to end ------------------------------------------------------------------------------

def _translate(args: list[str], capsys) -> tuple[int, list[str]]:
    code = main(["translate", *args, "--engine", "pseudo", "--no-compile", "--quiet"])
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize("form", ["id", "url"])
def test_translate_latex_paper_by_id(arxiv_env, tmp_path, monkeypatch, capsys, form):
    monkeypatch.chdir(tmp_path)
    source = SAMPLE_ID if form == "id" else f"{arxiv_env.url}/abs/{SAMPLE_ID}v1"
    code, err = _translate([source], capsys)
    assert code == 0, err
    out = tmp_path / (f"{SAMPLE_ID}.ko" if form == "id" else f"{SAMPLE_ID}v1.ko")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    src = report["source"]
    assert (src["kind"], src["chosen"], src["arxiv_id"], src["origin"]) == ("latex", "latex", f"{SAMPLE_ID}v1",
                                                                           "arxiv:tar")
    assert src["reason"] == "the e-print is LaTeX source" and "Sparse Mixtures" in src["title"]
    assert report["segments"]["total"] >= 40
    assert "Parameter-efficient fine-tuning" not in (out / "source" / "sections" / "intro.tex").read_text(
        encoding="utf-8")
    assert not (out / ".work").exists()
    assert min(arxiv_env.gaps()) >= INTERVAL - EPS


def _smallest_html_paper() -> str:
    folder = min(CORPUS_ARXIV.glob("*/paper.html"), key=lambda p: p.stat().st_size).parent
    return folder.name.split("v")[0]


@pytest.mark.skipif(not CORPUS_ARXIV.is_dir(), reason="no corpus")
def test_translate_html_only_paper(arxiv_env, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    paper = _smallest_html_paper()
    code, err = _translate([paper], capsys)
    out = tmp_path / f"{paper}.ko"
    if "html" not in READERS:  # until the HTML reader lands: one clear line, nothing left behind
        assert code == 2 and len(err) == 1 and paper in err[0] and "no reader for 'html'" in err[0], err
        assert not out.exists()
        return
    assert code == 0, err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["source"]["chosen"] == "html" and "arXiv HTML is available" in report["source"]["reason"]


def test_translate_pdf_only_paper(arxiv_env, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, err = _translate([PDF_ONLY_ID], capsys)
    out = tmp_path / f"{PDF_ONLY_ID}.ko"
    if "pdf" not in READERS:  # until the PDF path lands
        assert code == 2 and len(err) == 1 and PDF_ONLY_ID in err[0] and "no reader for 'pdf'" in err[0], "\n".join(err)
        assert "the e-print is a PDF" in err[0] and not out.exists()
        return
    assert code == 0, err
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["source"]["chosen"] == "pdf"


@pytest.mark.parametrize("args, words", [
    (["2402.99999"], "2402.99999: arXiv has no such paper"),
    ([f"{SAMPLE_ID}v7"], f"{SAMPLE_ID}v7: arXiv has no such paper version"),
    (["2402.1856"], "not a valid arXiv id"),
    (["https://arxiv.org/list/cs.LG"], "not an arXiv paper URL"),
    ([SAMPLE_ID, "--source", "html"], f"{SAMPLE_ID}v1: arXiv has no HTML for this paper"),
    ([SAMPLE_ID, "--source", "markdown"], "no Markdown"),
    ([PDF_ONLY_ID, "--source", "latex"], "the e-print is a PDF, not LaTeX source"),
    (["down"], f"{SAMPLE_ID}: cannot reach 127.0.0.1 for the metadata: connection refused (no network?"),
])
def test_translate_bad_ids_fail_cleanly(arxiv_env, tmp_path, monkeypatch, capsys, args, words):
    monkeypatch.chdir(tmp_path)
    if args == ["down"]:
        monkeypatch.setenv("ARXIV_TRANSLATOR_ARXIV_API_URL", "http://127.0.0.1:9/api/query")
        args = [SAMPLE_ID]
    code, err = _translate(args, capsys)
    assert code == 2 and len(err) == 1 and words in err[0], err
    assert not list(tmp_path.glob("*.ko"))

