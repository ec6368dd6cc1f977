"""A polite arXiv client: metadata from the Atom API, the e-print, the HTML page and the PDF.

Politeness (arXiv's terms for automated access):

* one request at a time per throttle, and at least ``interval`` seconds
  (default 3) from the end of one request to the start of the next: a client
  is given its :class:`Throttle` (the jobs, batch processes or service workers
  that share one object share its spacing), else it uses the process-wide
  :data:`THROTTLE`;
* a descriptive User-Agent;
* bounded retries with exponential backoff on 5xx, 408/429, timeouts and
  broken connections (``Retry-After`` honoured, capped), each announced to
  ``on_retry``; a failed DNS lookup, a refused connection or an unreachable
  network are not retried: they fail at once ("no network?");
* every download is cached per id and version, so a second run asks nothing.

Base URLs and the rest come from :meth:`ArxivConfig.from_env`
(``ARXIV_TRANSLATOR_ARXIV_URL``, ``ARXIV_TRANSLATOR_ARXIV_API_URL``,
``ARXIV_TRANSLATOR_ARXIV_INTERVAL`` seconds, ``ARXIV_TRANSLATOR_ARXIV_RETRIES``,
``ARXIV_TRANSLATOR_DOWNLOADS`` for the cache folder).
"Not found" answers for the e-print and the HTML page are ordinary results
(``None``); a paper arXiv does not have, and a network that stays down, raise
:class:`~arxiv_translator.errors.InputError` naming the id.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from arxiv_translator.lean import httpx

from arxiv_translator.version import __version__
from arxiv_translator.sources.arxiv_ids import ArxivId
from arxiv_translator.errors import ConfigError, InputError
from arxiv_translator.network import unreachable
from arxiv_translator.sources.arxiv_atom import Metadata, parse_atom
from arxiv_translator.sources.arxiv_throttle import ProcessThrottle, Throttle

if TYPE_CHECKING:
    from arxiv_translator.config import Settings

DEFAULT_URL = "https://arxiv.org"
DEFAULT_API_URL = "https://export.arxiv.org/api/query"
USER_AGENT = (f"arxiv-translator/{__version__} (translates arXiv papers into Korean; one request at a time; "
              f"python-httpx/{httpx.__version__})")
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
MISSING_STATUS = frozenset({403, 404, 410})
_NOT_AVAILABLE = re.compile(rb"HTML is not available|No HTML for|conversion (?:failed|error)", re.IGNORECASE)
_API_MAX_BYTES = 10 * 1024 * 1024
_ASSET_PATH = re.compile(r"(?:/[A-Za-z0-9_][A-Za-z0-9._@+-]{0,120}){1,12}")
T = TypeVar("T")


@dataclass
class ArxivConfig:
    """Where arXiv is and how politely to ask it."""

    url: str = DEFAULT_URL
    api_url: str = DEFAULT_API_URL
    interval: float = 3.0  # seconds between requests
    downloads: Path | None = None  # cache folder; None: the user cache dir
    timeout: float = 60.0
    retries: int = 4  # further attempts after the first
    max_backoff: float = 60.0
    max_bytes: int = 512 * 1024 * 1024  # per download
    latest_ttl: float = 24 * 3600.0  # how long "the latest version of X is vN" is trusted

    @classmethod
    def from_env(cls) -> ArxivConfig:
        """Defaults overridden by the ``ARXIV_TRANSLATOR_ARXIV_*`` / ``_DOWNLOADS`` variables (read by Settings)."""
        from arxiv_translator.config import env_settings

        return cls.from_settings(env_settings())

    @classmethod
    def from_settings(cls, settings: Settings) -> ArxivConfig:
        """The arXiv part of ``settings`` (``arxiv_url``, ``arxiv_api_url``, ``arxiv_interval``...)."""
        return cls(url=(settings.arxiv_url or DEFAULT_URL).rstrip("/"),
                   api_url=settings.arxiv_api_url or DEFAULT_API_URL,
                   interval=max(0.0, settings.arxiv_interval), retries=max(0, settings.arxiv_retries),
                   downloads=settings.downloads)

    def cache_root(self) -> Path:
        """The download cache folder."""
        if self.downloads is not None:
            return Path(self.downloads)
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("arxiv-translator")) / "downloads"

    def hosts(self) -> tuple[str, ...]:
        """Host names (and host:port) of the configured arXiv, for parsing pasted mirror URLs."""
        out = []
        for url in (self.url, self.api_url):
            parts = httpx.URL(url)
            out += [parts.host, f"{parts.host}:{parts.port}" if parts.port else parts.host]
        return tuple(dict.fromkeys(h.lower() for h in out if h))


#: The default throttle: a client given none uses the one here (looked up at each request, so a batch or a
#: service that replaces it process-wide is obeyed too).
THROTTLE: Throttle = ProcessThrottle()


class _Retry(Exception):
    """A failure worth another attempt."""

    def __init__(self, why: str, after: float | None = None) -> None:
        super().__init__(why)
        self.after = after


class ArxivClient:
    """Fetches from arXiv through the download cache; ``requests`` counts what really went out."""

    def __init__(self, config: ArxivConfig | None = None, transport: httpx.BaseTransport | None = None,
                 on_retry: Callable[[str], None] | None = None, throttle: Throttle | None = None) -> None:
        self.config = config or ArxivConfig.from_env()
        self.requests = 0
        self.throttle = throttle  # None: the process-wide THROTTLE
        self.on_retry = on_retry or (lambda message: None)  # told before each wait for another attempt
        self._http = httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=self.config.timeout,
                                  follow_redirects=True, transport=transport)

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()

    def __enter__(self) -> ArxivClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def folder(self, ref: ArxivId) -> Path:
        """Cache folder of one version (``<downloads>/<id>/v<N>``)."""
        if ref.version is None:
            raise ValueError(f"{ref}: a cache folder needs a version")
        return self.config.cache_root() / ref.base.replace("/", "_") / f"v{ref.version}"

    # -- metadata ---------------------------------------------------------------------------------------------

    def metadata(self, ref: ArxivId) -> Metadata:
        """Title, authors, abstract, categories and the version (the latest when ``ref`` has none)."""
        if ref.version is None:
            latest = self._latest_version(ref)
            if latest is not None:
                ref = ref.with_version(latest)
        if ref.version is not None:
            try:
                return Metadata(**json.loads((self.folder(ref) / "metadata.json").read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):  # not cached yet (or damaged): ask the API
                pass
        url = str(httpx.URL(self.config.api_url, params={"id_list": ref.versioned, "max_results": "1"}))
        meta = parse_atom(self._fetch_bytes(ref, url, "metadata"), ref)
        got = meta.ref
        _write_atomic(self.folder(got) / "metadata.json", json.dumps(asdict(meta), ensure_ascii=False).encode())
        if ref.version is None:
            _write_atomic(self._latest_file(ref), json.dumps({"version": got.version, "time": time.time()}).encode())
        return meta

    def _latest_file(self, ref: ArxivId) -> Path:
        return self.config.cache_root() / ref.base.replace("/", "_") / "latest.json"

    def _latest_version(self, ref: ArxivId) -> int | None:
        try:
            data = json.loads(self._latest_file(ref).read_text(encoding="utf-8"))
            if time.time() - float(data["time"]) < self.config.latest_ttl:
                return int(data["version"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    # -- downloads --------------------------------------------------------------------------------------------

    def eprint(self, ref: ArxivId) -> Path | None:
        """The e-print as served (gzipped tar, gzipped .tex or PDF: tell by content), or None if arXiv has none."""
        return self._download(ref, "eprint", f"{self.config.url}/e-print/{ref.versioned}", raw=True)

    def html(self, ref: ArxivId) -> Path | None:
        """arXiv's HTML page (LaTeXML), or None when "HTML is not available" for this paper."""
        return self._download(ref, "html", self.html_url(ref), raw=False)

    def pdf(self, ref: ArxivId) -> Path:
        """The PDF; InputError when arXiv has none."""
        path = self._download(ref, "pdf", f"{self.config.url}/pdf/{ref.versioned}", raw=False)
        if path is None:
            raise InputError(f"{ref}: arXiv has no PDF for this paper")
        return path

    def asset(self, ref: ArxivId, path: str) -> Path | None:
        """A file the paper's HTML page uses (image, stylesheet), by its path on arXiv (``/html/<id>/x1.png``).

        Cached beside the page under ``assets/``; None when arXiv does not have
        it.  ``path`` must be a plain absolute path (letters, digits, ``._-/``,
        no ``..``), else ValueError.
        """
        if not _ASSET_PATH.fullmatch(path) or ".." in path.split("/"):
            raise ValueError(f"{path!r}: not a plain asset path")
        return self._download(ref, "assets" + path, f"{self.config.url}{path}", raw=False)

    def html_url(self, ref: ArxivId) -> str:
        """Where the HTML page lives (its images are relative to it)."""
        return f"{self.config.url}/html/{ref.versioned}/"

    def _download(self, ref: ArxivId, name: str, url: str, raw: bool) -> Path | None:
        """``name`` of version ``ref`` from the cache, else from ``url``; None when arXiv says it has none."""
        folder = self.folder(ref)
        path, missing = folder / name, folder / f"{name}.missing"
        if path.is_file():
            return path
        if missing.is_file() and time.time() - missing.stat().st_mtime < self.config.latest_ttl:
            return None
        try:
            found = self._fetch_file(ref, url, name, path, raw)
        except OSError as exc:
            raise ConfigError(f"{folder}: cannot write the arXiv download cache ({exc.strerror or exc})") from None
        if name == "html" and found and _not_available_page(path):
            path.unlink()
            found = False
        if not found:
            _write_atomic(missing, url.encode())
            return None
        missing.unlink(missing_ok=True)
        return path

    # -- HTTP -------------------------------------------------------------------------------------------------

    def _fetch_bytes(self, ref: ArxivId, url: str, what: str) -> bytes:
        """A small answer (the API), in memory."""
        def once() -> bytes:
            with self._http.stream("GET", url) as resp:
                self._check(resp, ref, what)
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > _API_MAX_BYTES:
                        raise InputError(f"{ref}: the arXiv API answer is too large")
                return bytes(body)
        return self._attempts(ref, url, what, once)

    def _fetch_file(self, ref: ArxivId, url: str, what: str, dest: Path, raw: bool) -> bool:
        """Stream ``url`` to ``dest`` (atomically); False on 403/404/410."""
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.part")

        def once() -> bool:
            with self._http.stream("GET", url) as resp:
                if resp.status_code in MISSING_STATUS:
                    return False
                self._check(resp, ref, what)
                dest.parent.mkdir(parents=True, exist_ok=True)
                size = 0
                with open(tmp, "wb") as out:  # raw: the e-print's bytes as served, whatever Content-Encoding says
                    for chunk in (resp.iter_raw() if raw else resp.iter_bytes()):
                        size += len(chunk)
                        if size > self.config.max_bytes:
                            raise InputError(f"{ref}: the {what} is larger than {self.config.max_bytes} bytes")
                        out.write(chunk)
                os.replace(tmp, dest)
                return True
        try:
            return self._attempts(ref, url, what, once)
        finally:
            tmp.unlink(missing_ok=True)

    def _check(self, resp: httpx.Response, ref: ArxivId, what: str) -> None:
        """Raise _Retry for answers worth retrying and InputError for other failures."""
        status = resp.status_code
        if status in RETRY_STATUS:
            raise _Retry(f"HTTP {status}", _retry_after(resp.headers.get("Retry-After")))
        if status == 404 and what == "metadata":
            raise InputError(f"{ref}: arXiv has no such paper (HTTP 404)")
        if status != 200:
            raise InputError(f"{ref}: arXiv answered HTTP {status} for the {what} ({resp.url})")

    def _attempts(self, ref: ArxivId, url: str, what: str, once: Callable[[], T]) -> T:
        """Run ``once`` under the throttle, retrying transient failures with backoff."""
        cfg, why = self.config, ""
        base = cfg.interval if cfg.interval > 0 else 0.5
        for attempt in range(cfg.retries + 1):
            try:
                with (self.throttle if self.throttle is not None else THROTTLE).slot(cfg.interval):
                    self.requests += 1
                    return once()
            except _Retry as exc:
                why, after = str(exc), exc.after
            except httpx.TransportError as exc:  # timeouts, reset connections, broken streams
                down = unreachable(exc)
                if down is not None:  # DNS, refused, unreachable: waiting will not help
                    mirror = (cfg.url, cfg.api_url) != (DEFAULT_URL, DEFAULT_API_URL)
                    raise InputError(f"{ref}: cannot reach {httpx.URL(url).host} for the {what}: {down} (no network?"
                                     f"{' or a wrong ARXIV_TRANSLATOR_ARXIV_URL / _API_URL' if mirror else ''})"
                                     ) from None
                why, after = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, None
            if attempt < cfg.retries:
                delay = min(cfg.max_backoff, max(after or 0.0, base * 2 ** (attempt + 1)))
                self.on_retry(f"arXiv {ref}: {what}: {why}; attempt {attempt + 2} of {cfg.retries + 1} "
                              f"in {delay:.0f} s")
                time.sleep(delay)
        raise InputError(f"{ref}: cannot get the {what} from arXiv after {cfg.retries + 1} attempts "
                         f"({why}; {url})")


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _not_available_page(path: Path) -> bool:
    """True for arXiv's "HTML is not available" page served with status 200."""
    with open(path, "rb") as fh:
        head = fh.read(256 * 1024)
    return b"ltx_document" not in head and b"LaTeXML" not in head and _NOT_AVAILABLE.search(head) is not None


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the arXiv download cache ({exc.strerror or exc})") from None
