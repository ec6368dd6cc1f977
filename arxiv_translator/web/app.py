"""The FastAPI application: JSON API (this module) and pages (:mod:`.pages`).

Why FastAPI + uvicorn: mainstream, typed request models with pydantic (already a
dependency of the project), OpenAPI at ``/docs`` for free, and Server-Sent Events
with a plain ``StreamingResponse``.  Every request handler is a thin layer over
:mod:`.queue`, :mod:`.search` and :mod:`.auth`; only this layer maps errors to
HTTP codes.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from arxiv_translator.version import __version__
from arxiv_translator.sources.arxiv_client import ArxivConfig
from arxiv_translator.sources.arxiv_ids import ArxivId, parse_arxiv_id
from arxiv_translator.errors import ConfigError, InputError
from arxiv_translator.web import auth, queue, search
from arxiv_translator.web.options import OptionPolicy
from arxiv_translator.web.runner import Service

JOB_ID = re.compile(r"^[0-9a-f]{16}$")
PAPER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


@dataclass
class WebOptions:
    """How the web layer behaves: auth on submission, private reading, body limit, SSE polling."""

    auth: bool = True
    private: bool = False
    max_body: int = 16 * 1024
    allow: OptionPolicy = field(default_factory=OptionPolicy)
    sse_poll: float = 0.5
    sse_max: float = 3600.0


class JobRequest(BaseModel):
    """``POST /api/jobs``: an arXiv id or URL, and per-job options where the operator allows them
    (``serve --allow-options``: ``engine``, ``model``, ``style``)."""

    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1, max_length=300, examples=["2402.18563"])
    options: dict[str, Any] = Field(default_factory=dict, examples=[{"style": "formal"}])


class JobAccepted(BaseModel):
    """The answer to a submission."""

    id: str
    status: str
    paper_id: str | None
    url: str
    joined: bool = False


class ApiError(Exception):
    """An error with an HTTP status and a one-line message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


def parse_source(source: str) -> ArxivId:
    """An arXiv id (validated) from an id or URL; ApiError 400 for anything else, before any fetch."""
    try:
        return parse_arxiv_id(source.strip(), ArxivConfig.from_env().hosts())
    except InputError as exc:
        raise ApiError(400, f"not an arXiv id or URL: {str(exc)[:300]}") from None


def check_options(service: Service, opts: WebOptions, options: dict[str, Any]) -> tuple[dict[str, str], str]:
    """The requester's options (validated against the operator's policy) and the signature they give;
    ApiError 400 naming the first option that is unknown or not allowed."""
    try:
        clean = opts.allow.validate(options)
        return clean, service.job_signature(clean)
    except (InputError, ConfigError) as exc:
        raise ApiError(400, str(exc)[:300]) from None


def submit_source(service: Service, opts: WebOptions, source: str, token: str | None,
                  options: dict[str, Any] | None = None) -> tuple[dict, bool]:
    """Check the token and limits, validate the id and options, queue (or join) the job: (job, created)."""
    tok = None
    if opts.auth:
        tok = auth.verify(service.db, token)
        if tok is None:
            raise ApiError(401, "a valid API token is required to request translations",
                           {"WWW-Authenticate": "Bearer"})
        limit = auth.over_hourly_limit(service.db, tok)
        if limit:
            raise ApiError(429, limit)
    ref = parse_source(source)
    clean, signature = check_options(service, opts, options or {})
    done = queue.submit(service.db, ref, signature, tok["name"] if tok else None, str(ref), clean)
    return done.job, done.created


def create_app(service: Service, opts: WebOptions | None = None) -> FastAPI:
    """The application for one service."""
    opts = opts or WebOptions()
    app = FastAPI(title="arxiv-translator library", version=__version__,
                  description="Request arXiv papers and read them in Korean.")
    app.state.service, app.state.opts = service, opts

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > opts.max_body):
            return JSONResponse({"error": f"request body larger than {opts.max_body} bytes"}, status_code=413)
        if request.method == "POST" and length is None:
            return JSONResponse({"error": "a Content-Length header is required"}, status_code=411)
        if opts.private and not _reader_ok(service, request):
            if request.url.path.startswith("/api/"):
                return JSONResponse({"error": "this library is private: send a valid API token"},
                                    status_code=401, headers={"WWW-Authenticate": "Bearer"})
            from fastapi.responses import RedirectResponse
            return RedirectResponse("/login", status_code=303)
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        if not request.url.path.startswith("/api/"):
            from arxiv_translator.web.pages import error_page
            return error_page(request, exc.status, exc.message)
        return JSONResponse({"error": exc.message}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        msg = f"invalid request: {where + ': ' if where else ''}{first.get('msg', 'malformed')}"
        if not request.url.path.startswith("/api/"):
            from arxiv_translator.web.pages import error_page
            return error_page(request, 422, msg)
        return JSONResponse({"error": msg[:300]}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if not request.url.path.startswith("/api/"):
            from arxiv_translator.web.pages import error_page
            return error_page(request, exc.status_code, str(exc.detail))
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        with service.db.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"ok": True, "version": __version__, "queue": queue.queue_length(service.db)}

    @app.post("/api/jobs", response_model=JobAccepted, status_code=202,
              responses={200: {"model": JobAccepted}, 400: {}, 401: {}, 413: {}, 429: {}})
    def post_job(body: JobRequest, request: Request) -> Response:
        job, created = submit_source(service, opts, body.source, auth.bearer(request.headers.get("authorization")),
                                     body.options)
        status = 202 if created or job["status"] in queue.ACTIVE else 200
        out = JobAccepted(id=job["id"], status=job["status"], paper_id=job["paper_id"], url=f"/jobs/{job['id']}",
                          joined=not created)
        return JSONResponse(out.model_dump(), status_code=status)

    @app.get("/api/jobs/{job_id}")
    def get_job(job_id: str) -> dict[str, Any]:
        return queue.public_job(_job_or_404(service, job_id))

    @app.get("/api/jobs/{job_id}/events")
    async def job_events(job_id: str) -> StreamingResponse:
        await run_in_threadpool(_job_or_404, service, job_id)
        return StreamingResponse(_events(service, opts, job_id), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    @app.get("/api/papers")
    def list_papers(q: str = "", category: str = "", month: str = "", sort: str = "new",
                    page: int = 1) -> dict[str, Any]:
        _check_query(q, category, month, page)
        items, total = search.search(service.db, q, category, month, sort, page)
        return {"items": [search.api_item(p) for p in items], "total": total, "page": page,
                "per_page": search.PER_PAGE}

    @app.get("/api/papers/{paper_id}")
    def get_paper(paper_id: str) -> dict[str, Any]:
        paper = paper_or_404(service, paper_id)
        paper.pop("out_dir", None)
        rows = search.version_rows(service.db, paper["arxiv_id"])
        return {**paper, "versions": [v["id"] for v in rows], "version_details": [search.version_item(v) for v in rows]}

    from arxiv_translator.web.pages import add_pages
    add_pages(app, service, opts)
    return app


def _reader_ok(service: Service, request: Request) -> bool:
    path = request.url.path
    if path in ("/healthz", "/login") or path.startswith("/static/"):
        return True
    token = auth.bearer(request.headers.get("authorization")) or request.cookies.get("at")
    return auth.verify(service.db, token) is not None


def _check_query(q: str, category: str, month: str, page: int) -> None:
    if len(q) > 200 or len(category) > 40 or page < 1 or page > 10000:
        raise ApiError(400, "search query too long or page out of range")
    if month and not re.fullmatch(r"\d{4}-\d{2}", month):
        raise ApiError(400, f"month {month[:20]!r}: expected YYYY-MM")


def _job_or_404(service: Service, job_id: str) -> dict[str, Any]:
    job = queue.get_job(service.db, job_id) if JOB_ID.match(job_id) else None
    if job is None:
        raise ApiError(404, f"no job {job_id[:40]!r}")
    return job


def paper_or_404(service: Service, paper_id: str) -> dict[str, Any]:
    """The paper, or ApiError 404."""
    paper = search.get_paper(service.db, paper_id) if PAPER_ID.match(paper_id) else None
    if paper is None:
        raise ApiError(404, f"no paper {paper_id[:70]!r} in the library")
    return paper


async def _events(service: Service, opts: WebOptions, job_id: str) -> Any:
    """SSE: a ``progress`` event whenever the job changes, then ``end``."""
    last, started, quiet = None, time.monotonic(), time.monotonic()
    while time.monotonic() - started < opts.sse_max:
        job = await run_in_threadpool(queue.get_job, service.db, job_id)
        if job is None:
            return
        view = queue.public_job(job)
        if view != last:
            last, quiet = view, time.monotonic()
            yield f"event: progress\ndata: {json.dumps(view, ensure_ascii=False)}\n\n"
        if job["status"] in ("done", "failed"):
            yield f"event: end\ndata: {json.dumps(view, ensure_ascii=False)}\n\n"
            return
        if time.monotonic() - quiet > 15:
            quiet = time.monotonic()
            yield ": keep-alive\n\n"
        await asyncio.sleep(opts.sse_poll)
