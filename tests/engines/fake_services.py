"""Local HTTP fakes of DeepL, Papago, Google Cloud Translation v2 and Anthropic Messages.

Each speaks its service's protocol on 127.0.0.1 (random port), with the
service's real limits and error shapes, and "translates" English words to
pseudo-Hangul (:func:`fake_openai.pseudo_hangul`) the way the service treats
markup:

* DeepL (``tag_handling=xml``): tags kept where they are; 400 for
  ill-formed XML; at most 50 texts and 128 KiB; 403 for a wrong key, 456
  when ``char_limit`` is used up; ``GET /v2/usage``.
* Papago: one ``text`` of at most 5,000 characters, newlines kept; it does
  not promise to keep markup, and does not: a line whose hash says so loses
  a brace token or gets full-width braces, and some multi-line requests come
  back with two lines merged.  401 code 200 for a wrong key, 429 code 400
  when ``char_limit`` is used up.
* Google v2 (``format=html``): tags kept, text escaped as Google does
  (``&#39;``); 400 "API key not valid"; at most 128 strings.
* Anthropic: ``x-api-key`` and ``anthropic-version`` required; the user
  message's JSON object translated value by value; ``GET /v1/models``.

Queued faults (:meth:`FakeService.add_faults`) answer the next translation
requests: ``429`` (with ``retry-after``), ``529``, ``500``, ``quota``,
``throttle``, ``max_tokens``, ``minute`` (Google's per-minute limit), ``credit``
(Anthropic's empty balance).  Counters: :attr:`requests`, :attr:`billed`,
:attr:`max_concurrent`, :attr:`bodies`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import xml.etree.ElementTree as ET
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from fake_openai import pseudo_hangul

_TAG = re.compile(r"(<[^>]*>|&#?\w+;)")
_BRACE = re.compile(r"\{/?\d+\}")


def translate_markup(text: str) -> str:
    """Words outside tags and entities -> pseudo-Hangul; tags and entities untouched."""
    return "".join(p if _TAG.fullmatch(p) else pseudo_hangul(p) for p in _TAG.split(text))


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)


class FakeService:
    """Base: a threaded server, a fault queue and counters; subclasses answer routes."""

    def __init__(self, key: str = "test-key", char_limit: int | None = None) -> None:
        self.key = key
        self.char_limit = char_limit
        self.billed = 0
        self.requests = 0
        self.bodies: list[Any] = []
        self.faults: deque[str] = deque()
        self.max_concurrent = 0
        self._active = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def add_faults(self, *names: str) -> None:
        """Answer the next translation requests with these faults, in order."""
        self.faults.extend(names)

    def fault(self) -> str | None:
        with self._lock:
            return self.faults.popleft() if self.faults else None

    def bill(self, chars: int) -> bool:
        """Count ``chars``; False when the quota does not allow them."""
        with self._lock:
            if self.char_limit is not None and self.billed + chars > self.char_limit:
                return False
            self.billed += chars
            return True

    def handle(self, method: str, path: str, query: dict[str, list[str]], headers: Any,
               body: bytes) -> tuple[int, Any, dict[str, str]]:
        raise NotImplementedError

    def start(self) -> FakeService:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self, method: str) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                url = urlparse(self.path)
                with fake._lock:
                    fake._active += 1
                    fake.max_concurrent = max(fake.max_concurrent, fake._active)
                try:
                    status, payload, headers = fake.handle(method, url.path, parse_qs(url.query), self.headers, body)
                finally:
                    with fake._lock:
                        fake._active -= 1
                data = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if isinstance(payload, bytes) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FakeDeepL(FakeService):
    """``/v2/translate`` and ``/v2/usage``."""

    def handle(self, method, path, query, headers, body):
        if headers.get("Authorization") != f"DeepL-Auth-Key {self.key}":
            return 403, {"message": "Authorization failure, check auth_key"}, {}
        if method == "GET" and path == "/v2/usage":
            return 200, {"character_count": self.billed, "character_limit": self.char_limit or 10**9}, {}
        if method != "POST" or path != "/v2/translate":
            return 404, {"message": "Not found"}, {}
        if len(body) > 128 * 1024:
            return 413, {"message": "Request Entity Too Large"}, {}
        data = json.loads(body)
        texts = data.get("text") or []
        if len(texts) > 50:
            return 400, {"message": "Too many texts"}, {}
        if data.get("tag_handling") != "xml" or data.get("target_lang") != "KO":
            return 400, {"message": "Value for 'tag_handling' / 'target_lang' not supported."}, {}
        for text in texts:
            try:
                ET.fromstring(f"<r>{text}</r>")
            except ET.ParseError:
                return 400, {"message": "Tag handling parsing failed, please check input."}, {}
        fault = self.fault()
        if fault == "429":
            return 429, {"message": "Too many requests"}, {"Retry-After": "0"}
        if fault == "500":
            return 500, {"message": "Internal error"}, {}
        chars = sum(len(t) for t in texts)
        if fault == "quota" or not self.bill(chars):
            return 456, {"message": "Quota exceeded"}, {}
        with self._lock:
            self.requests += 1
            self.bodies.append(data)
        return 200, {"translations": [{"detected_source_language": "EN", "text": translate_markup(t),
                                       "billed_characters": len(t)} for t in texts]}, {}


class FakePapago(FakeService):
    """``/nmt/v1/translation``: one text, 5,000 characters, markup not promised."""

    def __init__(self, key_id: str = "test-id", key: str = "test-key", **kw: Any) -> None:
        super().__init__(key=key, **kw)
        self.key_id = key_id

    @staticmethod
    def mangle_line(line: str) -> str:
        tokens = _BRACE.findall(line)
        h = _hash(line)
        if tokens and h % 4 == 0:
            return line.replace(tokens[-1], "", 1)  # a token lost
        if tokens and h % 4 == 1:
            return line.replace("{", "｛").replace("}", "｝")  # full-width braces
        return line

    def handle(self, method, path, query, headers, body):
        if headers.get("X-NCP-APIGW-API-KEY-ID") != self.key_id or headers.get("X-NCP-APIGW-API-KEY") != self.key:
            return 401, {"error": {"errorCode": "200", "message": "Authentication Failed"}}, {}
        if method != "POST" or path != "/nmt/v1/translation":
            return 404, {"error": {"errorCode": "300", "message": "Not Found Exception"}}, {}
        data = json.loads(body)
        text = data.get("text", "")
        if not text:
            return 400, {"errorCode": "N2MT02", "errorMessage": "text is required"}, {}
        if len(text) > 5000:
            return 400, {"errorCode": "N2MT08", "errorMessage": "text parameter exceeds max length"}, {}
        fault = self.fault()
        if fault in ("throttle", "429"):
            return 429, {"error": {"errorCode": "410", "message": "Throttle Limited"}}, {}
        if fault == "quota" or not self.bill(len(text)):
            return 429, {"error": {"errorCode": "400", "message": "Quota Exceeded"}}, {}
        with self._lock:
            self.requests += 1
            self.bodies.append(data)
        lines = [self.mangle_line(pseudo_hangul(line)) for line in text.split("\n")]
        if len(lines) > 2 and _hash(text) % 5 == 0:
            lines[:2] = [lines[0] + " " + lines[1]]
        result = {"srcLangType": "en", "tarLangType": "ko", "translatedText": "\n".join(lines)}
        return 200, {"message": {"@type": "response", "result": result}}, {}


class FakeGoogle(FakeService):
    """``/language/translate/v2`` (``format=html``) and ``/languages``."""

    BAD_KEY = {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                         "errors": [{"message": "API key not valid.", "domain": "global", "reason": "badRequest"}],
                         "status": "INVALID_ARGUMENT"}}

    def handle(self, method, path, query, headers, body):
        if query.get("key") != [self.key]:
            return 400, self.BAD_KEY, {}
        if method == "GET" and path == "/language/translate/v2/languages":
            return 200, {"data": {"languages": [{"language": "ko"}, {"language": "en"}]}}, {}
        if method != "POST" or path != "/language/translate/v2":
            return 404, b"<html><body>Not Found</body></html>", {}
        data = json.loads(body)
        q = data.get("q") or []
        if len(q) > 128 or sum(len(t) for t in q) > 30_000:
            return 400, {"error": {"code": 400, "message": "Text too long", "status": "INVALID_ARGUMENT"}}, {}
        fault = self.fault()
        if fault == "429":
            return 403, {"error": {"code": 403, "message": "User Rate Limit Exceeded",
                                   "errors": [{"reason": "userRateLimitExceeded"}]}}, {}
        if fault == "minute":
            return 429, {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "Quota exceeded for "
                                   "quota metric 'characters' and limit 'characters per minute per project'"}}, {}
        if fault == "quota" or not self.bill(sum(len(t) for t in q)):
            return 403, {"error": {"code": 403, "message": "Daily Limit Exceeded",
                                   "errors": [{"reason": "dailyLimitExceeded"}]}}, {}
        with self._lock:
            self.requests += 1
            self.bodies.append(data)
        out = [translate_markup(t).replace("'", "&#39;") for t in q]
        return 200, {"data": {"translations": [{"translatedText": t} for t in out]}}, {}


class FakeAnthropic(FakeService):
    """``/v1/messages`` and ``/v1/models``."""

    def handle(self, method, path, query, headers, body):
        if headers.get("x-api-key") != self.key:
            return 401, {"type": "error", "error": {"type": "authentication_error",
                                                    "message": "invalid x-api-key"}}, {}
        if headers.get("anthropic-version") != "2023-06-01":
            return 400, {"type": "error", "error": {"type": "invalid_request_error",
                                                    "message": "anthropic-version header is required"}}, {}
        if method == "GET" and path == "/v1/models":
            return 200, {"data": [{"id": "claude-sonnet-4-5", "type": "model"}], "has_more": False}, {}
        if method != "POST" or path != "/v1/messages":
            return 404, {"type": "error", "error": {"type": "not_found_error", "message": "Not found"}}, {}
        data = json.loads(body)
        fault = self.fault()
        if fault == "429":
            return 429, {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}, \
                {"retry-after": "0"}
        if fault == "credit":
            return 400, {"type": "error", "error": {"type": "invalid_request_error", "message": "Your credit "
                                                    "balance is too low to access the Anthropic API."}}, {}
        if fault == "529":
            return 529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, {}
        with self._lock:
            self.requests += 1
            self.bodies.append(data)
        user = data["messages"][0]["content"]
        items = json.loads(user)
        text = json.dumps({k: translate_markup(v) for k, v in items.items()}, ensure_ascii=False)
        stop = "end_turn"
        if fault == "max_tokens":
            text, stop = text[: len(text) // 2], "max_tokens"
        usage = {"input_tokens": (len(data.get("system", "")) + len(user)) // 4, "output_tokens": len(text) // 2}
        return 200, {"id": "msg_1", "type": "message", "role": "assistant", "model": data["model"],
                     "content": [{"type": "text", "text": text}], "stop_reason": stop, "usage": usage}, {}
