"""Server-rendered pages (Jinja2, autoescaped, Korean UI) and the paper outputs, served safely.

Outputs are looked up by a fixed name (``bilingual``, ``ko.html``, ``ko.pdf``,
``ko.md``, ``segments.jsonl``, ``report.json``) in the paper's folder recorded in
the database: no part of a URL ever becomes a path.  HTML outputs are sent with
``Content-Security-Policy: sandbox allow-scripts``, so their scripts run in an
opaque origin that cannot reach the library's cookies or API.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader

from arxiv_translator.web import auth, queue, search
from arxiv_translator.web.runner import OUTPUT_FILES, Service

HERE = Path(str(files(__package__)))
ENV = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True, trim_blocks=True,
                  lstrip_blocks=True)
OUTPUT_TYPES = {"bilingual": "text/html; charset=utf-8", "ko.html": "text/html; charset=utf-8",
                "ko.pdf": "application/pdf", "ko.md": "text/markdown; charset=utf-8",
                "segments": "application/x-ndjson; charset=utf-8", "report": "application/json"}
OUTPUT_CSP = ("sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox; base-uri 'none'; "
              "form-action 'none'; frame-ancestors 'none'")
STATUS_KO = {"queued": "대기 중", "running": "번역 중", "done": "완료", "failed": "실패"}
STAGE_KO = {"queued": "대기", "claimed": "배정됨", "metadata": "논문 정보", "read": "원문 읽기", "check": "컴파일 확인",
            "waiting": "대기(같은 논문)",
            "translate": "번역", "write": "출력 작성", "compile": "컴파일", "done": "완료", "failed": "실패"}
OUTPUT_KO = {"bilingual": "대역 읽기(영·한)", "ko.html": "한국어 HTML", "ko.pdf": "한국어 PDF",
             "ko.md": "Markdown", "segments": "세그먼트(JSONL)", "report": "보고서(JSON)"}


def _date(value: float | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        return value[:10]
    return dt.datetime.fromtimestamp(value, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


ENV.filters["date"] = _date
ENV.globals.update(status_ko=STATUS_KO, output_ko=OUTPUT_KO, stage_ko=STAGE_KO)


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a template with the request's common context."""
    opts = request.app.state.opts
    html = ENV.get_template(name).render(request=request, auth_on=opts.auth, private=opts.private, **context)
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An error page with the one-line reason."""
    return render(request, "error.html", status=status, status_code=status, message=message)


def _with_csrf(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    value = request.cookies.get("csrf") or auth.new_csrf()
    response = render(request, name, status=status, csrf=value, **context)
    response.set_cookie("csrf", value, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return response


def add_pages(app: FastAPI, service: Service, opts: Any) -> None:
    """Register the HTML routes on ``app``."""
    from arxiv_translator.web.app import ApiError, paper_or_404, submit_source, _check_query, _job_or_404

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def home(request: Request, status: int = 200, error: str = "", source: str = "",
             chosen: dict[str, str] | None = None) -> HTMLResponse:
        latest, total = search.search(service.db, per_page=8)
        return _with_csrf(request, "index.html", status=status, latest=latest, total=total,
                          counts=queue.queue_length(service.db), error=error, source=source,
                          option_fields=opts.allow.fields(), chosen=chosen or {})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml",
                            headers={"Cache-Control": "max-age=86400"})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        return home(request)

    @app.post("/request", include_in_schema=False)
    def request_form(request: Request, source: str = Form("", max_length=300), csrf: str = Form(""),
                     token: str = Form("", max_length=200), engine: str = Form("", max_length=100),
                     model: str = Form("", max_length=100), style: str = Form("", max_length=100)) -> Response:
        if not auth.csrf_ok(request.cookies.get("csrf"), csrf):
            return home(request, 403, "요청 양식이 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도하세요. (CSRF)")
        # the per-job options (web/options.py): a field left empty means the operator's default
        chosen = {name: value for name, value in (("engine", engine), ("model", model), ("style", style)) if value}
        try:
            job, _created = submit_source(service, opts, source, token or None, chosen)
        except ApiError as exc:
            return home(request, exc.status, exc.message, source, chosen)
        return RedirectResponse(f"/jobs/{job['id']}", status_code=303)

    @app.get("/papers", response_class=HTMLResponse, include_in_schema=False)
    def library(request: Request, q: str = "", category: str = "", month: str = "", sort: str = "new",
                page: int = 1) -> HTMLResponse:
        _check_query(q, category, month, page)
        items, total = search.search(service.db, q, category, month, sort, page)
        pages = max(1, -(-total // search.PER_PAGE))
        return render(request, "papers.html", items=items, total=total, q=q, category=category, month=month,
                      sort=sort, page=page, pages=pages, categories=search.categories(service.db))

    @app.get("/papers/{paper_id}", response_class=HTMLResponse, include_in_schema=False)
    def paper_page(request: Request, paper_id: str) -> Response:
        try:
            paper = paper_or_404(service, paper_id)
        except ApiError:  # an id without its version: the latest translated version, if there is one
            rows = search.version_rows(service.db, paper_id)
            if not rows:
                raise
            return RedirectResponse(f"/papers/{rows[-1]['id']}", status_code=302)
        search.count_view(service.db, paper_id)
        arxiv = "https://arxiv.org"
        return render(request, "paper.html", p=paper, versions=search.version_rows(service.db, paper["arxiv_id"]),
                      abs_url=f"{arxiv}/abs/{paper['id']}", pdf_url=f"{arxiv}/pdf/{paper['id']}")

    @app.get("/papers/{paper_id}/{name}", include_in_schema=False)
    def output(paper_id: str, name: str) -> Response:
        paper = paper_or_404(service, paper_id)
        if name not in OUTPUT_FILES:
            raise ApiError(404, f"no output {name[:40]!r} (expected one of {', '.join(OUTPUT_FILES)})")
        root = service.papers_dir.resolve()
        path = (service.data / paper["out_dir"] / OUTPUT_FILES[name]).resolve()
        if root not in path.parents or not path.is_file():
            raise ApiError(404, f"{paper_id}: this paper has no {name} output")
        headers = {"Content-Security-Policy": OUTPUT_CSP, "X-Content-Type-Options": "nosniff"}
        if name in ("ko.pdf", "ko.md", "segments"):
            headers["Content-Disposition"] = f'inline; filename="{paper_id}.{OUTPUT_FILES[name].split(".", 1)[1]}"'
        return FileResponse(path, media_type=OUTPUT_TYPES[name], headers=headers)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(request: Request, job_id: str) -> HTMLResponse:
        return render(request, "job.html", job=queue.public_job(_job_or_404(service, job_id)))

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request) -> HTMLResponse:
        return _with_csrf(request, "login.html", error="")

    @app.post("/login", include_in_schema=False)
    def login(request: Request, token: str = Form("", max_length=200), csrf: str = Form("")) -> Response:
        if not auth.csrf_ok(request.cookies.get("csrf"), csrf) or auth.verify(service.db, token) is None:
            return _with_csrf(request, "login.html", status=401, error="토큰이 올바르지 않습니다.")
        response = RedirectResponse("/", status_code=303)
        response.set_cookie("at", token, httponly=True, samesite="strict", secure=request.url.scheme == "https")
        return response
