"""The shared OpenAI-compatible chat client (:mod:`arxiv_translator.llm`) and the limits engines declare.

The client talks to an in-process ``httpx.MockTransport`` (offline, deterministic); the ``openai``
engine and the digests are checked to go through the same client object.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from arxiv_translator.config import EngineSettings
from arxiv_translator.document import Segment
from arxiv_translator.engines import create_engine
from arxiv_translator.engines.base import Capabilities
from arxiv_translator.engines.pseudo import PseudoEngine
from arxiv_translator.errors import BadAnswerError, TransientEngineError
from arxiv_translator.glossary import Glossary
from arxiv_translator.llm.client import ChatClient, json_schema_format
from arxiv_translator.llm.retry import MAX_DELAY, backoff_delay
from arxiv_translator.many.llm import StructuredChat
from arxiv_translator.translation.translator import TranslateOptions, Translator


def answer(content: str, finish: str = "stop", usage: dict | None = None) -> dict:
    return {"choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": finish}],
            "usage": usage if usage is not None else {"prompt_tokens": 1000, "completion_tokens": 500}}


def client_with(responses: list[httpx.Response], **settings: object) -> tuple[ChatClient, list[dict]]:
    """A client whose requests are answered, in order, by ``responses``; returns it and the bodies it sent."""
    sent: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return responses[len(sent) - 1]

    client = ChatClient(EngineSettings(base_url="http://llm.test/v1", model="gpt-4o-mini", backoff=0.001,
                                       **settings))  # type: ignore[arg-type]
    client.http._client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return client, sent


def test_retries_honour_retry_after_then_answer() -> None:
    busy = httpx.Response(429, headers={"Retry-After": "0"}, json={"error": {"message": "slow down"}})
    client, sent = client_with([busy, httpx.Response(503), httpx.Response(200, json=answer('{"1": "안녕"}'))])
    waits: list[str] = []
    reply = asyncio.run(client.complete_retrying("sys", "user", on_retry=waits.append))
    assert reply.content == '{"1": "안녕"}' and not reply.truncated
    assert (reply.prompt_tokens, reply.completion_tokens) == (1000, 500)
    assert len(sent) == 3 and len(waits) == 2 and "http 429" in waits[0] and "attempt 2 of 5" in waits[0]
    assert sent[0]["messages"][0] == {"role": "system", "content": "sys"} and sent[0]["temperature"] == 0.0


def test_retries_give_up_after_max_retries() -> None:
    client, sent = client_with([httpx.Response(500)] * 5, max_retries=1)
    with pytest.raises(TransientEngineError, match="http 500"):
        asyncio.run(client.complete_retrying("sys", "user"))
    assert len(sent) == 2


def test_single_request_does_not_retry_and_reads_a_cut_off_answer() -> None:
    client, sent = client_with([httpx.Response(429), httpx.Response(200, json=answer("{", "length"))])
    with pytest.raises(TransientEngineError):
        asyncio.run(client.complete("s", "u"))
    reply = asyncio.run(client.complete("s", "u", json_schema_format("x", {"type": "object"})))
    assert reply.truncated and len(sent) == 2
    assert sent[1]["response_format"]["json_schema"] == {"name": "x", "strict": True, "schema": {"type": "object"}}


@pytest.mark.parametrize("body", [{"choices": []}, {"choices": [{"message": {"content": 3}}]}, [1, 2]])
def test_malformed_answers_are_bad_answers(body: object) -> None:
    client, _ = client_with([httpx.Response(200, json=body)])
    with pytest.raises(BadAnswerError, match="malformed"):
        asyncio.run(client.complete("s", "u"))


def test_absurd_usage_counts_as_zero_and_prices_apply() -> None:
    client, _ = client_with([httpx.Response(200, json=answer("{}", usage={"prompt_tokens": -5,
                                                                          "completion_tokens": "many"}))])
    reply = asyncio.run(client.complete("s", "u"))
    assert (reply.prompt_tokens, reply.completion_tokens) == (0, 0)
    assert client.cost_usd(1_000_000, 1_000_000) == pytest.approx(0.75)  # gpt-4o-mini: 0.15 + 0.60
    own = ChatClient(EngineSettings(model="local", prices={"local": (1.0, 2.0)}))
    assert own.cost_usd(1_000_000, 500_000) == pytest.approx(2.0)
    assert ChatClient(EngineSettings(model="unknown-model")).cost_usd(10**6, 10**6) == 0.0


def test_answer_cap_applies_to_every_caller() -> None:
    client, _ = client_with([httpx.Response(200, content=b'{"x": "' + b"a" * 5000 + b'"}')], max_answer_bytes=1024)
    with pytest.raises(BadAnswerError, match="answer too large"):
        asyncio.run(client.complete("s", "u"))


def test_backoff_rule() -> None:
    assert backoff_delay(3, 1.0, retry_after=2.5) == 2.5
    assert backoff_delay(0, 1.0, retry_after=10_000) == MAX_DELAY
    assert backoff_delay(2, 1.0, rand=0.5) == 4.0  # 1 * 2**2 * (0.5 + 0.5)
    assert backoff_delay(20, 1.0, rand=0.0) == MAX_DELAY


def test_engine_and_digest_share_one_client() -> None:
    engine = create_engine("openai", EngineSettings(base_url="http://127.0.0.1:9/v1", model="m"))
    assert isinstance(engine.client, ChatClient)
    assert StructuredChat(engine).client is engine.client
    assert engine.cost_usd(10**6, 0) == engine.client.cost_usd(10**6, 0)


def test_digest_refuses_a_cut_off_answer() -> None:
    engine = create_engine("openai", EngineSettings(base_url="http://llm.test/v1", model="m"))
    engine.client.http._client = httpx.AsyncClient(transport=httpx.MockTransport(
        lambda request: httpx.Response(200, json=answer('{"tag": "', "length"))))
    with pytest.raises(BadAnswerError, match="cut off"):
        asyncio.run(StructuredChat(engine).ask("s", "u", "digest", {"type": "object"}))


# -- engines declare their limits; batching follows them -----------------------------------------

class Limited(PseudoEngine):
    """A pseudo engine with a configurable per-request character limit."""

    name = "limited"


def batches_for(max_chars: int | None, segments: list[Segment]) -> list[list[Segment]]:
    engine = Limited(EngineSettings())
    engine.capabilities = Capabilities(max_items=80, max_chars=max_chars)  # type: ignore[misc]
    translator = Translator(engine, Glossary([]), TranslateOptions(concurrency=2, batch_tokens=100_000))
    return translator._batches(segments)


def test_small_max_chars_engine_gets_smaller_batches() -> None:
    segments = [Segment(id=f"p{i}", kind="paragraph", source="w" * (100 + 7 * i), masked="w" * (100 + 7 * i))
                for i in range(40)]
    free = batches_for(None, segments)
    small = batches_for(500, segments)
    assert len(free) == 2  # only the concurrency splits the work
    assert len(small) > len(free) * 4
    assert all(sum(len(s.masked or "") for s in batch) <= 500 for batch in small)
    assert [s.id for batch in small for s in batch] == [s.id for s in segments]  # order kept, nothing lost
    alone = batches_for(50, segments[:3])  # a segment longer than the limit still goes, alone
    assert [len(b) for b in alone] == [1, 1, 1]


def test_engines_command_shows_each_engines_limits(capsys: pytest.CaptureFixture[str]) -> None:
    from arxiv_translator.cli import main

    assert main(["engines"]) == 0
    out = capsys.readouterr().out
    assert "limits: up to 50 items and 30,000 characters a request; at most 4 requests in flight" in out  # deepl
    assert "limits: up to 64 items a request; at most 1 request in flight; carries placeholders its own" in out  # hf
    assert "limits: up to 80 items a request; --concurrency requests in flight; keeps placeholder tags" in out
    assert out.count("limits: ") == 7


def test_plain_http_engines_load_no_tls_roots():
    """A local http:// server gets a TLS context that loads no roots (never used; were it used, it would trust
    nothing); https:// gets the verifying context with certifi's roots."""
    import ssl

    from arxiv_translator.llm.http import tls_context, tls_for

    local = tls_for("http://127.0.0.1:8000/v1")
    assert local.verify_mode == ssl.CERT_REQUIRED and local.check_hostname
    assert local.cert_store_stats()["x509_ca"] == 0
    remote = tls_for("https://api.openai.com/v1")
    assert remote is tls_context() and remote.verify_mode == ssl.CERT_REQUIRED
    assert remote.cert_store_stats()["x509_ca"] > 10
    assert tls_for("HTTPS://example.org") is remote
