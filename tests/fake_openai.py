"""A local fake of the OpenAI chat-completions API that "translates" to pseudo-Korean.

The server speaks real HTTP on 127.0.0.1 (random port), so product code can talk to it
through its ordinary httpx client, pointed at ``FakeOpenAI.base_url``:

* ``POST /v1/chat/completions``: the user message is a JSON object ``{id: masked English}``;
  the answer is a JSON object string with the same keys, each value run through
  :func:`pseudo_hangul` (placeholders ``<xN/>``, ``<gN>``, ``</gN>`` kept verbatim).
* ``GET /v1/models``: lists the default model.
* A bearer key other than ``api_key`` gets OpenAI's 401 ``invalid_api_key`` error.

Faults are queued with :meth:`FakeOpenAI.add_faults`; each chat request consumes the next
one: ``429``, ``500``, ``hang``, ``empty``, ``chatter``, ``english``, ``drop_placeholder``,
``truncated``, ``garbage``, ``missing_id``. ``latency`` is slept before every 200 answer.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

PLACEHOLDER_RE = re.compile(r"<x\d+/>|</?g\d+>")
_WORD_RE = re.compile(r"[A-Za-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
FAULTS = frozenset({"429", "500", "hang", "empty", "chatter", "english", "drop_placeholder",
                    "truncated", "garbage", "missing_id"})


def _hangul_word(word: str) -> str:
    """Each pair of letters (a trailing single letter too) becomes one Hangul syllable."""
    out = []
    for i in range(0, len(word), 2):
        a = _LETTERS.index(word[i])
        b = _LETTERS.index(word[i + 1]) if i + 1 < len(word) else len(_LETTERS)
        out.append(chr(0xAC00 + a * (len(_LETTERS) + 1) + b))
    return "".join(out)


def pseudo_hangul(text: str) -> str:
    """Deterministic fake translation: ASCII words -> Hangul; placeholders, digits,
    punctuation and whitespace unchanged."""
    parts = PLACEHOLDER_RE.split(text)
    tags = PLACEHOLDER_RE.findall(text)
    out = [_WORD_RE.sub(lambda m: _hangul_word(m.group(0)), parts[0])]
    for tag, part in zip(tags, parts[1:]):
        out.append(tag)
        out.append(_WORD_RE.sub(lambda m: _hangul_word(m.group(0)), part))
    return "".join(out)


def _error(message: str, type_: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    block_on_close = False  # stop() must not wait for hung handlers
    fake: FakeOpenAI


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # client gave up (timeout)
            self.close_connection = True

    def _authorized(self) -> bool:
        if self.headers.get("Authorization", "") == f"Bearer {self.server.fake.api_key}":
            return True
        self._send(401, _error("Incorrect API key provided", "invalid_request_error",
                               "invalid_api_key"))
        return False

    def do_GET(self) -> None:  # noqa: N802
        fake = self.server.fake
        if self.path.rstrip("/") != "/v1/models":
            self._send(404, _error(f"Unknown path {self.path}", "invalid_request_error", None))
        elif self._authorized():
            self._send(200, {"object": "list", "data": [
                {"id": fake.model, "object": "model", "created": 0, "owned_by": "fake"}]})

    def do_POST(self) -> None:  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, _error(f"Unknown path {self.path}", "invalid_request_error", None))
            return
        fake = self.server.fake
        with fake._lock:
            fake._active += 1
            fake.max_concurrent = max(fake.max_concurrent, fake._active)
        try:
            self._chat(fake, raw)
        finally:
            with fake._lock:
                fake._active -= 1

    def _chat(self, fake: FakeOpenAI, raw: bytes) -> None:
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = None
        messages = body.get("messages", []) if isinstance(body, dict) else []
        user = next((m.get("content") for m in reversed(messages)
                     if isinstance(m, dict) and m.get("role") == "user"), None)
        try:
            items = json.loads(user) if isinstance(user, str) else None
        except ValueError:
            items = None
        items = items if isinstance(items, dict) else None
        record: dict[str, Any] = {"time": time.monotonic(), "body": body, "items": items,
                                  "fault": None}
        with fake._lock:
            fake.requests.append(record)
        if not self._authorized():
            return
        with fake._lock:
            fault = fake._faults.popleft() if fake._faults else None
        record["fault"] = fault
        if fault == "429":
            self._send(429, _error("Rate limit reached for requests", "requests",
                                   "rate_limit_exceeded"), {"Retry-After": "1"})
            return
        if fault == "500":
            self._send(500, _error("The server had an error while processing your request.",
                                   "server_error", None))
            return
        if fault == "hang":
            fake._stopping.wait(fake.hang_seconds)
        elif fake.latency > 0:
            fake._stopping.wait(fake.latency)
        content, finish = self._content(fault, items, user if isinstance(user, str) else "")
        model = body.get("model", fake.model) if isinstance(body, dict) else fake.model
        prompt = sum(len(str(m.get("content", ""))) for m in messages if isinstance(m, dict))
        self._send(200, {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion",
            "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "logprobs": None, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt // 4, "completion_tokens": len(content) // 4,
                      "total_tokens": prompt // 4 + len(content) // 4}})

    @staticmethod
    def _content(fault: str | None, items: dict[str, Any] | None, user: str) -> tuple[str, str]:
        if fault == "empty":
            return "", "stop"
        if fault == "garbage":
            return "I cannot help with that.", "stop"
        if items is None:  # not our protocol: translate the raw text
            return pseudo_hangul(user), "stop"
        if fault == "english":
            answer = dict(items)
        else:
            answer = {k: pseudo_hangul(v) if isinstance(v, str) else v for k, v in items.items()}
        if fault == "drop_placeholder":
            answer = {k: PLACEHOLDER_RE.sub("", v, count=1) if isinstance(v, str) else v
                      for k, v in answer.items()}
        if fault == "missing_id" and answer:
            answer.pop(list(answer)[-1])
        text = json.dumps(answer, ensure_ascii=False)
        if fault == "chatter":
            return ("Sure! Here is the translation:\n```json\n" + text
                    + "\n```\nLet me know if you need anything else."), "stop"
        if fault == "truncated":
            return text[: len(text) // 2], "length"
        return text, "stop"


class FakeOpenAI:
    """Threaded fake OpenAI server; use as a context manager or via start()/stop()."""

    def __init__(self, api_key: str = "sk-test", latency: float = 0.0,
                 model: str = "fake-model", hang_seconds: float = 5.0) -> None:
        self.api_key = api_key
        self.latency = latency
        self.model = model
        self.hang_seconds = hang_seconds
        self.requests: list[dict[str, Any]] = []
        self.max_concurrent = 0
        self._active = 0
        self._faults: deque[str] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def add_faults(self, *names: str) -> None:
        unknown = [n for n in names if n not in FAULTS]
        if unknown:
            raise ValueError(f"unknown fault(s): {unknown}; known: {sorted(FAULTS)}")
        with self._lock:
            self._faults.extend(names)

    def start(self) -> FakeOpenAI:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes hung / slow handlers at once
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
