"""Talking to language models: one OpenAI-compatible chat client shared by engines and digests.

* :mod:`.client` -- :class:`ChatClient` (requests, usage, prices, retries with ``Retry-After``,
  the answer cap) and :class:`ChatReply`;
* :mod:`.retry` -- the backoff rule the translator and the client share.

The HTTP path itself is :class:`arxiv_translator.llm.http.HttpService` (status mapping,
answer-size cap, preflight); it belongs here and moves with the package layout.
"""

from __future__ import annotations

__all__ = ["ChatClient", "ChatReply", "backoff_delay"]


def __getattr__(name: str):  # noqa: ANN202 - PEP 562: import the client (httpx) only when used
    if name in ("ChatClient", "ChatReply"):
        from arxiv_translator.llm import client

        return getattr(client, name)
    if name == "backoff_delay":
        from arxiv_translator.llm.retry import backoff_delay

        return backoff_delay
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
