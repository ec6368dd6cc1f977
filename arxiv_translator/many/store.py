"""Where a batch keeps its results and state when ``--out`` is a URL: any fsspec file system.

``batch ids.txt --out s3://bucket/papers --ray auto`` (or ``gs://``, ``az://``, ``file://``,
``memory://``...: whatever fsspec and its drivers know).  A plain path is not a URL and is used as
a folder, as before.  With a URL:

* each paper is translated into a scratch folder on the machine that runs it (a Ray node or a
  local worker) and then uploaded to ``URL/<folder>/``, ``report.json`` last: as for a local
  folder, a paper is finished when its folder holds ``report.json`` and ``segments.jsonl``, so a
  paper whose upload was interrupted runs again;
* ``URL/batch.json`` is written whole after every change (an object store replaces an object
  atomically) and read back by the next run, which resumes like a local batch;
* under ``--budget`` the reservations go to ``URL/.batch/`` so the driver sees them wherever the
  task ran; the worker's log is uploaded there too;
* the driver's own work files (specs, results, the local workers' arXiv lock) stay in a local
  folder named after the URL (:func:`local_work`), so running the same command again finds them.

Credentials are fsspec's business (environment, config files, instance roles); the batch never
writes them anywhere.  The translation memory is still a SQLite file (``--cache``): on a cluster,
put it on a path every node sees.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from arxiv_translator.errors import ConfigError, InputError, OutputError
from arxiv_translator.many.outputs import REPORT, SEGMENTS

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
WORK = ".batch"


def is_url(out: str | Path) -> bool:
    """True when ``out`` is a URL (``scheme://...``), not a local path."""
    return isinstance(out, str) and bool(_SCHEME.match(out))


def local_work(url: str) -> Path:
    """The driver-side work folder of the batch at ``url`` (stable across runs of the same command)."""
    digest = hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / "arxiv-translator-batches" / digest


class Remote:
    """A batch folder at an fsspec URL: read, write, remove and upload by path relative to it."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        try:
            import fsspec
        except ImportError:
            raise ConfigError(f"--out {self.url}: a URL needs fsspec: pip install 'arxiv-translator[ray]'") from None
        try:
            self.fs, self.root = fsspec.core.url_to_fs(self.url)
        except ImportError as exc:  # a known protocol whose driver is missing (s3fs, gcsfs, adlfs...)
            raise ConfigError(f"--out {self.url}: {' '.join(str(exc).split())[:200]}") from None
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"--out {self.url}: not a file system fsspec knows ({exc})") from None
        self.root = self.root.rstrip("/")

    def path(self, *parts: str) -> str:
        """The file system path of ``parts`` below the batch folder."""
        return "/".join([self.root, *parts])

    def uri(self, *parts: str) -> str:
        """The URL of ``parts`` below the batch folder (what a worker elsewhere opens)."""
        return "/".join([self.url, *parts])

    def _err(self, what: str, rel: str, exc: Exception) -> OutputError:
        return OutputError(f"{self.uri(rel)}: cannot {what} ({' '.join(str(exc).split())[:200]})")

    def exists(self, rel: str) -> bool:
        """True when ``rel`` exists."""
        try:
            return bool(self.fs.exists(self.path(rel)))
        except Exception as exc:  # noqa: BLE001 - every driver has its own errors (network, auth)
            raise self._err("check", rel, exc) from None

    def read_text(self, rel: str) -> str | None:
        """The text of ``rel``, or None when it does not exist."""
        try:
            with self.fs.open(self.path(rel), "rb") as f:
                return f.read().decode("utf-8")
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001
            raise self._err("read", rel, exc) from None

    def write_text(self, rel: str, text: str) -> None:
        """Write ``rel`` whole (parents created where the file system has folders)."""
        try:
            parent = self.path(rel).rsplit("/", 1)[0]
            if parent:
                self.fs.makedirs(parent, exist_ok=True)
            with self.fs.open(self.path(rel), "wb") as f:
                f.write(text.encode("utf-8"))
        except Exception as exc:  # noqa: BLE001
            raise self._err("write", rel, exc) from None

    def remove(self, rel: str) -> None:
        """Remove ``rel`` and everything below it; nothing when it is not there."""
        try:
            if self.fs.exists(self.path(rel)):
                self.fs.rm(self.path(rel), recursive=True)
        except FileNotFoundError:
            return
        except Exception as exc:  # noqa: BLE001
            raise self._err("remove", rel, exc) from None

    def upload(self, local: Path, rel: str) -> None:
        """Copy the folder ``local`` to ``rel``, ``report.json`` last (the mark of a finished paper)."""
        files = sorted(p for p in Path(local).rglob("*") if p.is_file())
        files.sort(key=lambda p: p.relative_to(local).as_posix() == REPORT)
        try:
            for file in files:
                target = self.path(rel, *file.relative_to(local).parts)
                self.fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
                self.fs.put_file(str(file), target)
        except Exception as exc:  # noqa: BLE001
            raise self._err("upload", rel, exc) from None

    def is_output(self, rel: str) -> bool:
        """True when ``rel`` holds a finished translate output."""
        return self.exists(f"{rel}/{REPORT}") and self.exists(f"{rel}/{SEGMENTS}")

    def report(self, rel: str) -> dict[str, Any]:
        """The ``report.json`` of the paper folder ``rel``; InputError when it is damaged."""
        try:
            report = json.loads(self.read_text(f"{rel}/{REPORT}") or "")
            if not isinstance(report, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            raise InputError(f"{self.uri(rel, REPORT)}: cannot read the report ({exc})") from None
        return report


def write_marker(target: str, data: dict[str, Any]) -> None:
    """Write a small JSON file at a local path or a URL (a worker's budget reservation)."""
    text = json.dumps(data)
    if is_url(target):
        base, name = target.rsplit("/", 1)
        Remote(base).write_text(name, text)
    else:
        Path(target).write_text(text, encoding="utf-8")


def read_marker(target: str) -> dict[str, Any] | None:
    """The JSON file at a local path or a URL, or None when it is not (yet) there."""
    if is_url(target):
        base, name = target.rsplit("/", 1)
        text = Remote(base).read_text(name)
    else:
        try:
            text = Path(target).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
    try:
        return json.loads(text) if text else None
    except ValueError:  # caught half-written: not there yet
        return None
