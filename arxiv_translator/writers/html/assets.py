"""``--offline-assets``: the page's images and stylesheets downloaded beside ``paper.ko.html``.

The translated page links its images and styles at arXiv (the writer makes
relative URLs absolute).  With ``--offline-assets`` every such file that lives
on arXiv (``<img src>``, ``<link rel="stylesheet">``, and what those
stylesheets load with ``url(...)``) is fetched through the arXiv client --
one request at a time, its politeness interval apart, bounded retries -- into
the download cache of the paper's version, so a second run asks nothing, and
copied to ``paper.ko_files/`` with arXiv's path layout (a stylesheet's own
relative ``url(...)`` s keep working).  The page then points there.

Files on other hosts (CDNs, font services) are left as links and counted:
the tool only asks arXiv, and only for plain paths (see
:meth:`~arxiv_translator.sources.arxiv_client.ArxivClient.asset`); at most
:data:`MAX_ASSETS` files per page.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from arxiv_translator.sources.arxiv_client import ArxivClient, ArxivConfig
from arxiv_translator.sources.arxiv_ids import ArxivId, parse_arxiv_id
from arxiv_translator.errors import TranslatorError
from arxiv_translator.events import Event
from arxiv_translator.writers.base import WriteJob

FOLDER = "paper.ko_files"
MAX_ASSETS = 400
_ARXIV_HOSTS = frozenset({"arxiv.org", "www.arxiv.org"})
_ATTRS = r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*"
#: Start tags whose URL is an asset: images, and links that are stylesheets.
_ASSET_TAG = re.compile(rf"<img\b{_ATTRS}>|<link\b{_ATTRS}>", re.I)
_SRC = re.compile(r"""(\s(?:src|href)\s*=\s*)("[^"]*"|'[^']*')""", re.I)
_STYLESHEET = re.compile(r"""\srel\s*=\s*["']?[^"'>]*\bstylesheet\b""", re.I)
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')\s]+)\1\s*\)""")


class _Fetcher:
    """Fetches arXiv paths through the client once each; counts what happened."""

    def __init__(self, client: ArxivClient, ref: ArxivId, out: Path, arxiv_hosts: set[str]) -> None:
        self.client, self.ref, self.out, self.hosts = client, ref, out, arxiv_hosts
        self.local: dict[str, str | None] = {}  # arXiv path -> path relative to the page (None: not available)
        self.counts = {"downloaded": 0, "missing": 0, "remote": 0, "refused": 0}

    def on_arxiv(self, url: str) -> str | None:
        """The path of ``url`` on arXiv, None for another host."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in self.hosts:
            return None
        return parts.path

    def fetch(self, path: str) -> str | None:
        """``paper.ko_files/<path>`` once ``path`` is downloaded and copied, else None."""
        if path in self.local:
            return self.local[path]
        if len(self.local) >= MAX_ASSETS:
            self.counts["refused"] += 1
            return None
        self.local[path] = None
        try:
            cached = self.client.asset(self.ref, path)
        except ValueError:
            self.counts["refused"] += 1
            return None
        except TranslatorError:  # arXiv keeps failing for this file: the page keeps its link
            self.counts["missing"] += 1
            return None
        if cached is None:
            self.counts["missing"] += 1
            return None
        dest = self.out / FOLDER / path.lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, dest)
        self.counts["downloaded"] += 1
        rel = f"{FOLDER}{path}"
        self.local[path] = rel
        if path.endswith(".css"):
            self._stylesheet_urls(path, dest)
        return rel

    def _stylesheet_urls(self, path: str, dest: Path) -> None:
        """What a stylesheet loads with relative ``url(...)``: fetched too, at the same relative place."""
        css = dest.read_text(encoding="utf-8", errors="replace")
        for m in _CSS_URL.finditer(css):
            ref = m.group(2)
            if ref.startswith(("data:", "#")) or urlsplit(ref).scheme or urlsplit(ref).netloc:
                continue  # inline data, or another host
            target = urlsplit(urljoin(f"https://arxiv.org{path}", ref)).path
            self.fetch(target)


def offline_assets(page: str, job: WriteJob, info: dict[str, Any]) -> tuple[str, list[str]]:
    """The page with its arXiv images and stylesheets downloaded and linked locally; and warnings.

    ``info["assets"]`` gets the counts (downloaded, missing, remote, refused,
    requests: what really went to arXiv this run).
    """
    arxiv_id = job.doc.meta.get("arxiv_id", "")
    try:
        ref = parse_arxiv_id(arxiv_id) if arxiv_id else None
    except TranslatorError:
        ref = None
    if ref is None or ref.version is None:
        info["assets"] = {"downloaded": 0, "folder": ""}
        return page, ["--offline-assets: the page names no arXiv id with a version; its images and styles "
                      "stay links"]
    config = ArxivConfig.from_env()
    hosts = set(_ARXIV_HOSTS) | {h.split(":")[0] for h in config.hosts()}
    job.emit(Event(stage="write", message=f"downloading the page's images and styles from arXiv ({ref})"))
    with ArxivClient(config, throttle=job.arxiv_throttle) as client:
        fetcher = _Fetcher(client, ref, job.out, hosts)

        def tag(m: re.Match[str]) -> str:
            start = m.group(0)
            if start[1:5].lower() == "link" and not _STYLESHEET.search(start):
                return start  # a link that is not a stylesheet (icons, canonical)

            def attr(a: re.Match[str]) -> str:
                value = html.unescape(a.group(2)[1:-1]).strip()
                path = fetcher.on_arxiv(value)
                if path is None:
                    fetcher.counts["remote"] += 1
                    return a.group(0)
                local = fetcher.fetch(path)
                return a.group(0) if local is None else f'{a.group(1)}"{html.escape(local, quote=True)}"'

            return _SRC.sub(attr, start)

        page = _ASSET_TAG.sub(tag, page)
        requests = client.requests
    info["assets"] = {**fetcher.counts, "requests": requests, "folder": FOLDER if fetcher.counts["downloaded"] else ""}
    warnings = []
    if fetcher.counts["missing"]:
        warnings.append(f"--offline-assets: {fetcher.counts['missing']} file(s) could not be downloaded from arXiv; "
                        "the page links them there")
    return page, warnings
