"""One arXiv politeness budget for the whole service, whatever the number of workers.

:class:`SharedThrottle` has the shape of ``arxiv_client.THROTTLE`` (a ``slot(interval)``
context manager) and keeps its state in the ``throttle`` table: a lease (who may
talk to arXiv now) and the end time of the last request.  Taking the slot is one
conditional ``UPDATE``: it succeeds only when nobody holds the lease (or the
holder's lease ran out: a dead worker) and ``interval`` seconds have passed since
the last request ended.  Each worker passes one to its jobs as
``Service.throttle`` -> ``Services.throttle`` (injected, not installed process-wide), so the
arXiv client's retry logic is unchanged.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import and_, or_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from arxiv_translator.web.db import throttle

NAME = "arxiv"


class SharedThrottle:
    """One request at a time across processes, ``interval`` seconds from the end of one to the start of the next."""

    def __init__(self, engine: Engine, lease: float = 900.0, poll: float = 0.05) -> None:
        self.engine, self.lease, self.poll = engine, lease, poll
        self.local = threading.Lock()  # threads of this process queue here first
        self.me = f"{socket.gethostname()}:{os.getpid()}"
        try:
            with engine.begin() as conn:
                conn.execute(throttle.insert().values(name=NAME, holder=None, lease_until=0.0, last_end=0.0))
        except IntegrityError:
            pass

    def _take(self, interval: float) -> bool:
        now = time.time()
        free = or_(throttle.c.holder.is_(None), throttle.c.lease_until < now)
        with self.engine.begin() as conn:
            res = conn.execute(throttle.update()
                               .where(and_(throttle.c.name == NAME, free, throttle.c.last_end <= now - interval))
                               .values(holder=self.me, lease_until=now + self.lease))
        return res.rowcount == 1

    def _release(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(throttle.update().where(and_(throttle.c.name == NAME, throttle.c.holder == self.me))
                         .values(holder=None, lease_until=0.0, last_end=time.time()))

    @contextmanager
    def slot(self, interval: float) -> Iterator[None]:
        """Hold the service-wide arXiv slot for one request."""
        with self.local:
            while not self._take(interval):
                time.sleep(self.poll)
            try:
                yield
            finally:
                self._release()
