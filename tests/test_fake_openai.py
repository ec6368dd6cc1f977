"""Tests of the fake OpenAI server itself (real HTTP through httpx)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fake_openai import PLACEHOLDER_RE, FakeOpenAI, pseudo_hangul

ITEMS = {
    "1": "We train a <g1>large</g1> model on <x2/> tokens.",
    "2": "Results are in <x1/>.",
    "3": "No placeholders here, just 42 words!",
}
KEY = "sk-test"


@pytest.fixture()
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(hang_seconds=3.0) as server:
        yield server


def chat(fake: FakeOpenAI, items: dict[str, str] = ITEMS, key: str = KEY,
         timeout: float = 5.0) -> httpx.Response:
    body = {"model": "gpt-test", "temperature": 0.2, "response_format": {"type": "json_object"},
            "messages": [{"role": "system", "content": "Translate to Korean."},
                         {"role": "user", "content": json.dumps(items)}]}
    return httpx.post(f"{fake.base_url}/chat/completions", json=body, timeout=timeout,
                      headers={"Authorization": f"Bearer {key}"})


def content_of(resp: httpx.Response) -> str:
    return resp.json()["choices"][0]["message"]["content"]


def finish_of(resp: httpx.Response) -> str:
    return resp.json()["choices"][0]["finish_reason"]


def test_pseudo_hangul_is_deterministic_and_keeps_structure() -> None:
    src = "A <g1>big</g1> test, with <x12/> and 3.5%!"
    out = pseudo_hangul(src)
    assert out == pseudo_hangul(src)
    assert PLACEHOLDER_RE.findall(out) == ["<g1>", "</g1>", "<x12/>"]
    assert not re.search(r"[A-Za-z]", PLACEHOLDER_RE.sub("", out))
    assert "3.5%!" in out and ", " in out
    assert all("\uac00" <= c <= "\ud7a3" for c in pseudo_hangul("Translation"))
    assert pseudo_hangul("ab") != pseudo_hangul("ba")


def test_normal_answer(fake: FakeOpenAI) -> None:
    resp = chat(fake)
    assert resp.status_code == 200
    data = resp.json()
    assert data["object"] == "chat.completion" and data["id"].startswith("chatcmpl-")
    assert data["model"] == "gpt-test" and isinstance(data["created"], int)
    assert finish_of(resp) == "stop"
    assert data["choices"][0]["message"]["role"] == "assistant"
    usage = data["usage"]
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    answer = json.loads(content_of(resp))
    assert list(answer) == list(ITEMS)
    for key, src in ITEMS.items():
        assert answer[key] == pseudo_hangul(src)
        assert PLACEHOLDER_RE.findall(answer[key]) == PLACEHOLDER_RE.findall(src)


def test_models_endpoint() -> None:
    with FakeOpenAI(model="my-model") as fake:
        resp = httpx.get(f"{fake.base_url}/models", headers={"Authorization": f"Bearer {KEY}"})
    assert resp.status_code == 200
    assert resp.json() == {"object": "list", "data": [
        {"id": "my-model", "object": "model", "created": 0, "owned_by": "fake"}]}


def test_wrong_key_is_401(fake: FakeOpenAI) -> None:
    resp = chat(fake, key="sk-wrong")
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "invalid_api_key"
    assert resp.json()["error"]["message"] == "Incorrect API key provided"
    assert resp.json()["error"]["type"] == "invalid_request_error"
    assert httpx.get(f"{fake.base_url}/models").status_code == 401


def test_requests_are_recorded(fake: FakeOpenAI) -> None:
    fake.add_faults("500")
    chat(fake)
    chat(fake, {"7": "Hi."})
    assert [r["fault"] for r in fake.requests] == ["500", None]
    assert fake.requests[0]["items"] == ITEMS and fake.requests[1]["items"] == {"7": "Hi."}
    assert fake.requests[0]["body"]["model"] == "gpt-test"
    assert fake.requests[0]["time"] <= fake.requests[1]["time"]


def test_rate_limit_fault(fake: FakeOpenAI) -> None:
    fake.add_faults("429")
    resp = chat(fake)
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "1"
    assert resp.json()["error"]["code"] == "rate_limit_exceeded"
    assert chat(fake).status_code == 200  # the fault is consumed


def test_server_error_fault(fake: FakeOpenAI) -> None:
    fake.add_faults("500")
    resp = chat(fake)
    assert resp.status_code == 500
    assert "error" in resp.json()


def test_faults_are_consumed_in_order(fake: FakeOpenAI) -> None:
    fake.add_faults("429", "500", "empty")
    assert [chat(fake).status_code for _ in range(4)] == [429, 500, 200, 200]
    assert [r["fault"] for r in fake.requests] == ["429", "500", "empty", None]


def test_unknown_fault_rejected(fake: FakeOpenAI) -> None:
    with pytest.raises(ValueError):
        fake.add_faults("nope")


def test_hang_times_out_without_blocking_others(fake: FakeOpenAI) -> None:
    fake.add_faults("hang")
    errors: list[BaseException] = []

    def hung() -> None:
        try:
            chat(fake, timeout=0.5)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    thread = threading.Thread(target=hung)
    thread.start()
    while not fake.requests:
        time.sleep(0.01)
    start = time.monotonic()
    assert chat(fake).status_code == 200  # served while the other one hangs
    assert time.monotonic() - start < 2.0  # well under hang_seconds=3.0
    thread.join()
    assert len(errors) == 1 and isinstance(errors[0], httpx.TimeoutException)


def test_stop_does_not_wait_for_hung_handlers() -> None:
    fake = FakeOpenAI(hang_seconds=30.0).start()
    fake.add_faults("hang")
    outcome: list[object] = []

    def hung() -> None:
        try:
            outcome.append(chat(fake, timeout=10.0).status_code)
        except httpx.HTTPError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=hung)
    thread.start()
    while not fake.requests:
        time.sleep(0.01)
    time.sleep(0.05)
    start = time.monotonic()
    fake.stop()
    assert time.monotonic() - start < 2.0
    thread.join(timeout=5)
    assert not thread.is_alive() and len(outcome) == 1  # the hung client was released


def test_empty_fault(fake: FakeOpenAI) -> None:
    fake.add_faults("empty")
    resp = chat(fake)
    assert resp.status_code == 200 and content_of(resp) == ""


def test_chatter_fault(fake: FakeOpenAI) -> None:
    fake.add_faults("chatter")
    text = content_of(chat(fake))
    prefix = "Sure! Here is the translation:\n```json\n"
    suffix = "\n```\nLet me know if you need anything else."
    assert text.startswith(prefix) and text.endswith(suffix)
    inner = json.loads(text[len(prefix):-len(suffix)])
    assert inner == {k: pseudo_hangul(v) for k, v in ITEMS.items()}


def test_english_fault(fake: FakeOpenAI) -> None:
    fake.add_faults("english")
    assert json.loads(content_of(chat(fake))) == ITEMS


def test_drop_placeholder_fault(fake: FakeOpenAI) -> None:
    fake.add_faults("drop_placeholder")
    answer: dict[str, Any] = json.loads(content_of(chat(fake)))
    assert list(answer) == list(ITEMS)
    assert PLACEHOLDER_RE.findall(answer["1"]) == ["</g1>", "<x2/>"]
    assert PLACEHOLDER_RE.findall(answer["2"]) == []
    assert answer["3"] == pseudo_hangul(ITEMS["3"])


def test_truncated_fault(fake: FakeOpenAI) -> None:
    fake.add_faults("truncated")
    resp = chat(fake)
    full = json.dumps({k: pseudo_hangul(v) for k, v in ITEMS.items()}, ensure_ascii=False)
    assert finish_of(resp) == "length"
    assert content_of(resp) == full[: len(full) // 2]
    with pytest.raises(json.JSONDecodeError):
        json.loads(content_of(resp))


def test_garbage_fault(fake: FakeOpenAI) -> None:
    fake.add_faults("garbage")
    assert content_of(chat(fake)) == "I cannot help with that."


def test_missing_id_fault(fake: FakeOpenAI) -> None:
    fake.add_faults("missing_id")
    answer = json.loads(content_of(chat(fake)))
    assert list(answer) == ["1", "2"]
    assert answer["1"] == pseudo_hangul(ITEMS["1"])


def test_max_concurrent_with_latency() -> None:
    with FakeOpenAI(latency=0.3) as fake:
        barrier = threading.Barrier(3)
        codes: list[int] = []

        def worker() -> None:
            barrier.wait()
            codes.append(chat(fake).status_code)

        threads = [threading.Thread(target=worker) for _ in range(3)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
    assert codes == [200, 200, 200]
    assert fake.max_concurrent >= 3
    assert elapsed < 0.9  # served in parallel, not one after another
