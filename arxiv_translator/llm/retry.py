"""How long to wait before retrying a transient failure: the server's ``Retry-After`` when it gave one,
else exponential backoff with jitter; never more than :data:`MAX_DELAY`."""

from __future__ import annotations

import random

#: seconds waited at most before a retry, whatever the server asks
MAX_DELAY = 60.0


def backoff_delay(attempt: int, backoff: float, retry_after: float | None = None,
                  rand: float | None = None) -> float:
    """Seconds to wait before try ``attempt + 2`` (``attempt`` counts from 0).

    ``retry_after`` (the server's hint) wins; else ``backoff * 2**attempt`` times a jitter in
    [0.5, 1.5) (``rand`` fixes it for tests); capped at :data:`MAX_DELAY`.
    """
    if retry_after is not None:
        return min(MAX_DELAY, max(0.0, retry_after))
    jitter = 0.5 + (random.random() if rand is None else rand)
    return min(MAX_DELAY, backoff * 2**attempt * jitter)
