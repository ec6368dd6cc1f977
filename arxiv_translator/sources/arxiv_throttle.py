"""arXiv politeness: one request at a time, ``interval`` seconds apart, among whoever shares a throttle."""

from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager, contextmanager
from typing import Iterator, Protocol


class Throttle(Protocol):
    """The arXiv politeness budget: ``with throttle.slot(interval): <one request>``.

    Whoever holds the same throttle object shares its spacing: the jobs of one process
    (:class:`ProcessThrottle`), a batch's processes (:class:`~arxiv_translator.many.throttle.FileThrottle`),
    a service's workers (:class:`~arxiv_translator.web.throttle.SharedThrottle`).
    """

    def slot(self, interval: float) -> AbstractContextManager[None]:
        """Wait for a turn, at least ``interval`` seconds after the last request ended; hold it while inside."""
        ...


class ProcessThrottle:
    """One request at a time among its holders in this process, ``interval`` seconds apart (end to start)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last_end = float("-inf")

    @contextmanager
    def slot(self, interval: float) -> Iterator[None]:
        with self.lock:
            wait = self.last_end + interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self.last_end = time.monotonic()
