"""A local fake of arXiv: ``/abs``, ``/pdf``, ``/html``, ``/e-print`` and the Atom API, served from files.

Real HTTP on 127.0.0.1 (random port), so the product's httpx client talks to it
unchanged once ``ARXIV_TRANSLATOR_ARXIV_URL`` / ``_API_URL`` point here
(:meth:`FakeArxiv.env`).  The catalogue:

* every ``../shared/corpus/arxiv/<id>/`` folder: HTML (``paper.html``) and PDF, no
  LaTeX e-print (``/e-print`` answers 404): an "HTML-only" paper;
* :data:`SAMPLE_ID` ``2501.00001``: the bundled ``examples/sample-paper``, served as
  a gzipped tar e-print built at start, no HTML, no PDF: a LaTeX paper;
* :data:`PDF_ONLY_ID` ``2501.00002``: the PDF of a small corpus paper, served as
  the e-print too (as arXiv does for PDF-only submissions), no HTML;
* anything added with :meth:`FakeArxiv.add`.

Every request is logged (:attr:`FakeArxiv.requests`: arrival time, path, status,
User-Agent) so tests can check the politeness interval; :attr:`max_concurrent`
says how many were ever served at once.  :meth:`fail` queues faults (an HTTP
status, or ``"hang"``) for one kind of request; :meth:`no_html` takes a paper's
HTML away; ``missing_html_status`` is 404 (default) or 200 for the "HTML is not
available" page.
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
import threading
import time
import xml.etree.ElementTree as ET
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
CORPUS_ARXIV = ROOT.parent / "shared" / "corpus" / "arxiv"
SAMPLE = ROOT / "examples" / "sample-paper"
SAMPLE_ID = "2501.00001"
PDF_ONLY_ID = "2501.00002"
ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
NOT_AVAILABLE = (b"<!DOCTYPE html><html><head><title>HTML is not available</title></head><body>"
                 b"<h1>No HTML for this paper</h1><p>HTML is not available for the source. This could be due to "
                 b"the source files not being HTML, LaTeX, or a conversion failure.</p></body></html>")
_ID = re.compile(r"^(?P<base>[0-9]{4}\.[0-9]{4,5}|[a-z-]+/[0-9]{7})(?:v(?P<v>[0-9]+))?$")
Content = bytes | Path | None


@dataclass
class FakePaper:
    """One paper: its files are bytes or paths (read when asked for), None when arXiv has none."""

    base: str
    version: int = 1
    title: str = "A paper"
    authors: list[str] = field(default_factory=lambda: ["Ada Lovelace", "Alan Turing"])
    abstract: str = "We study things."
    categories: list[str] = field(default_factory=lambda: ["cs.CL", "cs.LG"])
    eprint: Content = None
    html: Content = None
    pdf: Content = None


@dataclass
class FakeRequest:
    """One request as the server saw it."""

    time: float  # time.monotonic() at arrival
    path: str
    status: int = 0
    user_agent: str = ""


def tar_gz(folder: Path) -> bytes:
    """A gzipped tar of ``folder``'s files, names relative to it (like an arXiv e-print)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=str(path.relative_to(folder)))
    return buf.getvalue()


def _corpus_paper(folder: Path) -> FakePaper:
    m = _ID.match(folder.name)
    html, pdf = folder / "paper.html", folder / "paper.pdf"
    head = html.open("rb").read(8192).decode("utf-8", "replace") if html.is_file() else ""
    version = int(m["v"]) if m and m["v"] else None
    if version is None:
        based = re.search(r'<base href="/html/[^"]*?v([0-9]+)/?"', head)
        version = int(based.group(1)) if based else 1
    title = re.search(r"<title>(.*?)</title>", head, re.S)
    return FakePaper(m["base"] if m else folder.name, version, " ".join(title.group(1).split()) if title else "",
                     html=html if html.is_file() else None, pdf=pdf if pdf.is_file() else None)


def default_papers() -> list[FakePaper]:
    """The catalogue described in the module docstring."""
    papers = [_corpus_paper(d) for d in sorted(CORPUS_ARXIV.iterdir()) if d.is_dir() and _ID.match(d.name)] \
        if CORPUS_ARXIV.is_dir() else []
    title = re.search(r"\\title\{(.*?)\}\n", (SAMPLE / "main.tex").read_text(encoding="utf-8"))
    papers.append(FakePaper(SAMPLE_ID, 1, title.group(1) if title else "Sample paper", eprint=tar_gz(SAMPLE)))
    if papers[:-1]:
        small = min(papers[:-1], key=lambda p: p.pdf.stat().st_size if isinstance(p.pdf, Path) else 1 << 60)
        papers.append(FakePaper(PDF_ONLY_ID, 2, small.title, eprint=small.pdf, pdf=small.pdf))
    return papers


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeArxiv

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Keep handler failures (mostly clients that hung up) off stderr; they are in ``fake.errors``."""
        import sys

        self.fake.errors.append(repr(sys.exc_info()[1]))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def do_GET(self) -> None:  # noqa: N802
        fake = self.server.fake
        record = FakeRequest(time.monotonic(), self.path, user_agent=self.headers.get("User-Agent", ""))
        with fake._lock:
            fake.requests.append(record)
            fake._active += 1
            fake.max_concurrent = max(fake.max_concurrent, fake._active)
        try:
            status, body, headers = fake.answer(self.path)
            record.status = status
            self._send(status, body, headers)
        finally:
            with fake._lock:
                fake._active -= 1

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            for name, value in {"Content-Length": str(len(body)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class FakeArxiv:
    """Threaded fake arXiv; a context manager (or start()/stop())."""

    def __init__(self, papers: list[FakePaper] | None = None, missing_html_status: int = 404,
                 hang_seconds: float = 3.0) -> None:
        self.papers: dict[str, FakePaper] = {p.base: p for p in (default_papers() if papers is None else papers)}
        self.missing_html_status = missing_html_status
        self.hang_seconds = hang_seconds
        self.requests: list[FakeRequest] = []
        self.max_concurrent = 0
        self.errors: list[str] = []  # exceptions in request handlers
        self.files: dict[str, bytes] = {}  # further files by path (a page's images and styles)
        self._active = 0
        self._lock = threading.Lock()
        self._faults: dict[str, deque[int | str]] = defaultdict(deque)
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- control ----------------------------------------------------------------------------------------------

    def add(self, paper: FakePaper) -> FakePaper:
        """Add (or replace) a paper."""
        self.papers[paper.base] = paper
        return paper

    def no_html(self, base: str) -> None:
        """From now on, ``base`` has no HTML."""
        self.papers[base].html = None

    def fail(self, kind: str, *faults: int | str) -> None:
        """Queue faults for requests of ``kind`` ("api", "abs", "pdf", "html", "e-print"): each request of
        that kind takes the next one; an int is answered as that HTTP status, "hang" waits ``hang_seconds``."""
        with self._lock:
            self._faults[kind].extend(faults)

    def paths(self) -> list[str]:
        """The paths asked for so far, in order."""
        return [r.path for r in self.requests]

    def gaps(self) -> list[float]:
        """Seconds between the arrivals of consecutive requests."""
        times = [r.time for r in self.requests]
        return [b - a for a, b in zip(times, times[1:])]

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/query"

    def env(self, interval: float = 0.3, downloads: Path | None = None) -> dict[str, str]:
        """Environment variables that point the product at this server."""
        env = {"ARXIV_TRANSLATOR_ARXIV_URL": self.url, "ARXIV_TRANSLATOR_ARXIV_API_URL": self.api_url,
               "ARXIV_TRANSLATOR_ARXIV_INTERVAL": str(interval)}
        if downloads is not None:
            env["ARXIV_TRANSLATOR_DOWNLOADS"] = str(downloads)
        return env

    def start(self) -> FakeArxiv:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeArxiv:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- answers ----------------------------------------------------------------------------------------------

    def answer(self, raw_path: str) -> tuple[int, bytes, dict[str, str]]:
        """Status, body and headers for a GET of ``raw_path``."""
        parts = urlsplit(raw_path)
        kind, _, rest = parts.path.lstrip("/").partition("/")
        kind = "api" if parts.path.rstrip("/") == "/api/query" else kind
        with self._lock:
            fault = self._faults[kind].popleft() if self._faults.get(kind) else None
        if fault == "hang":
            self._stopping.wait(self.hang_seconds)
            fault = 503
        if isinstance(fault, int):
            return fault, f"fault {fault}".encode(), {"Content-Type": "text/plain"}
        if parts.path in self.files:
            return 200, self.files[parts.path], {"Content-Type": "application/octet-stream"}
        if kind == "api":
            ids = ",".join(parse_qs(parts.query).get("id_list", [""])).split(",")
            return 200, self.atom([i for i in ids if i]), {"Content-Type": "application/atom+xml; charset=utf-8"}
        if kind == "pdf" and rest.endswith(".pdf"):
            rest = rest[: -len(".pdf")]
        paper = self._lookup(rest.rstrip("/"))
        if kind not in ("abs", "pdf", "html", "e-print") or paper is None:
            return self._missing(kind)
        if kind == "abs":
            page = f"<!DOCTYPE html><html><head><title>[{paper.base}] {paper.title}</title></head><body>" \
                   f"<h1 class='title'>{paper.title}</h1></body></html>"
            return 200, page.encode(), {"Content-Type": "text/html; charset=utf-8"}
        content = {"pdf": paper.pdf, "html": paper.html, "e-print": paper.eprint}[kind]
        if content is None:
            return self._missing(kind)
        data = content.read_bytes() if isinstance(content, Path) else content
        if kind == "html":
            return 200, data, {"Content-Type": "text/html; charset=utf-8"}
        if data.startswith(b"%PDF-"):
            return 200, data, {"Content-Type": "application/pdf"}
        if data.startswith(b"\x1f\x8b"):  # labelled like arXiv does: a client must keep the bytes as served
            return 200, data, {"Content-Type": "application/x-eprint-tar", "Content-Encoding": "gzip"}
        return 200, data, {"Content-Type": "application/octet-stream"}

    def _lookup(self, ident: str) -> FakePaper | None:
        m = _ID.match(ident)
        paper = self.papers.get(m["base"]) if m else None
        if paper is None or (m["v"] and not 1 <= int(m["v"]) <= paper.version):
            return None
        return paper

    def _missing(self, kind: str) -> tuple[int, bytes, dict[str, str]]:
        if kind == "html":
            return self.missing_html_status, NOT_AVAILABLE, {"Content-Type": "text/html; charset=utf-8"}
        return 404, b"<html><body>Not found</body></html>", {"Content-Type": "text/html"}

    def atom(self, ids: list[str]) -> bytes:
        """The API's Atom feed for ``id_list`` (unknown ids are left out, malformed ones get an error entry)."""
        ET.register_namespace("", ATOM_NS)
        ET.register_namespace("arxiv", ARXIV_NS)
        feed = ET.Element(f"{{{ATOM_NS}}}feed")
        ET.SubElement(feed, f"{{{ATOM_NS}}}title").text = f"arXiv Query: id_list={','.join(ids)}"
        for ident in ids:
            m = _ID.match(ident)
            if m is None:
                _entry(feed, f"http://arxiv.org/api/errors#incorrect_id_format_for_{ident}", "Error",
                       f"incorrect id format for {ident}")
                continue
            paper = self._lookup(ident)
            if paper is None:
                continue
            version = int(m["v"]) if m["v"] else paper.version
            entry = _entry(feed, f"http://arxiv.org/abs/{paper.base}v{version}", paper.title, paper.abstract)
            ET.SubElement(entry, f"{{{ATOM_NS}}}published").text = "2025-01-02T03:04:05Z"
            for name in paper.authors:
                ET.SubElement(ET.SubElement(entry, f"{{{ATOM_NS}}}author"), f"{{{ATOM_NS}}}name").text = name
            ET.SubElement(entry, f"{{{ARXIV_NS}}}primary_category", term=paper.categories[0], scheme=ARXIV_NS)
            for cat in paper.categories:
                ET.SubElement(entry, f"{{{ATOM_NS}}}category", term=cat, scheme=ARXIV_NS)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(feed, encoding="unicode")).encode()


def _entry(feed: ET.Element, ident: str, title: str, summary: str) -> ET.Element:
    entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
    ET.SubElement(entry, f"{{{ATOM_NS}}}id").text = ident
    ET.SubElement(entry, f"{{{ATOM_NS}}}title").text = title
    ET.SubElement(entry, f"{{{ATOM_NS}}}summary").text = summary
    return entry


def gzipped(data: bytes, name: str | None = None) -> bytes:
    """``data`` gzipped, with ``name`` in the header when given (like a single-file e-print)."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename=name or "", mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()
