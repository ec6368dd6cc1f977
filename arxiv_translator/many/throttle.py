"""One arXiv politeness budget for several processes: a file lock plus a time stamp.

:class:`FileThrottle` is an arXiv client :class:`~arxiv_translator.sources.arxiv_throttle.Throttle`
(``slot(interval)``, a context manager); each batch worker gives it to its jobs through their
services (:func:`install` puts it in place of the process-wide default instead), so every
process of a batch -- and a resumed batch after a kill -- shares
"one request at a time, ``interval`` seconds from the end of one to the start of the next".
The lock is ``fcntl.flock`` (POSIX); the stamp is ``time.monotonic()``, one clock for the whole
machine on Linux.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class FileThrottle:
    """``with throttle.slot(3.0): ...`` -- at most one holder at a time across processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def slot(self, interval: float) -> Iterator[None]:
        """Wait for the lock and for ``interval`` seconds after the last request ended, then hold it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                last = _read_stamp(fd)
                wait = last + interval - time.monotonic()
                if wait > 0:
                    time.sleep(min(wait, interval))
                _write_stamp(fd, time.monotonic())  # a holder killed mid-request still spaces the next one
                yield
            finally:
                _write_stamp(fd, time.monotonic())
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _read_stamp(fd: int) -> float:
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        return float(os.read(fd, 64).decode("ascii").strip() or "-inf")
    except (ValueError, UnicodeDecodeError):
        return float("-inf")


def _write_stamp(fd: int, value: float) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, f"{value:.6f}".encode("ascii"))


def install(throttle: object) -> object:
    """Make this process's arXiv client use ``throttle`` (a path: the :class:`FileThrottle` there)."""
    from arxiv_translator.sources import arxiv_client

    if isinstance(throttle, (str, Path)):
        throttle = FileThrottle(Path(throttle))
    arxiv_client.THROTTLE = throttle  # the seam: the client looks the throttle up at each request
    return throttle
