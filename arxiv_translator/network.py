"""Tell a network that is not there from a server that hiccups.

A DNS lookup that fails, a refused connection or an unreachable network do
not heal in the seconds a retry waits: callers stop at once and say "no
network?" instead of retrying them as transient (timeouts, resets, 5xx).
"""

from __future__ import annotations

import errno
import socket

from arxiv_translator.lean import httpx

_UNREACHABLE_ERRNOS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
    errno.EADDRNOTAVAIL: "address not available",
}
_MESSAGES = (
    ("name or service not known", "DNS lookup failed"),
    ("temporary failure in name resolution", "DNS lookup failed"),
    ("nodename nor servname", "DNS lookup failed"),
    ("no address associated", "DNS lookup failed"),
    ("getaddrinfo failed", "DNS lookup failed"),
    ("connection refused", "connection refused"),
    ("network is unreachable", "network unreachable"),
    ("no route to host", "host unreachable"),
)


def unreachable(exc: BaseException) -> str | None:
    """Why ``exc`` means the host cannot be reached at all (DNS, refused, unreachable), else None.

    Only connection errors qualify (never a timeout or a reset after connecting).
    ``exc`` and the exceptions it was raised from or during (``__cause__``, and
    ``__context__`` even under ``raise ... from None``) are searched, so an
    engine's ``TransientEngineError`` raised while handling httpx's
    ``ConnectError`` is recognised too.
    """
    seen: BaseException | None = exc
    for _ in range(8):  # exc, its cause, the cause's cause...
        if seen is None:
            break
        if isinstance(seen, httpx.TimeoutException):
            return None
        if not isinstance(seen, (httpx.ConnectError, OSError)):
            seen = seen.__cause__ or seen.__context__
            continue
        if isinstance(seen, socket.gaierror):
            return "DNS lookup failed"
        if isinstance(seen, OSError) and seen.errno in _UNREACHABLE_ERRNOS:
            return _UNREACHABLE_ERRNOS[seen.errno]
        text = str(seen).lower()
        for needle, why in _MESSAGES:
            if needle in text:
                return why
        seen = seen.__cause__ or seen.__context__
    return None
