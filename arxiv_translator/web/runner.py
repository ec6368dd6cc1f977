"""``run_translation(service, job, progress) -> paper``: the one seam between the queue and the pipeline.

It drives :func:`arxiv_translator.pipeline.run` (the single-paper pipeline).
Resuming: a job's work folder keeps its saved state (``.job/``, see :mod:`arxiv_translator.jobs`)
across attempts, so a job re-run after its worker died continues from its last finished stage
and asks the engine only for what is missing (the translation memory, ``cache.py``, backs that up).  The outputs are written to ``<data>/work/<job>`` and moved into
``<data>/papers/<paper>`` only when the whole job succeeded, so the library never
holds half a paper.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine

from arxiv_translator.sources.arxiv_atom import Metadata
from arxiv_translator.sources.arxiv_client import ArxivClient, ArxivConfig
from arxiv_translator.sources.arxiv_throttle import Throttle
from arxiv_translator.sources.arxiv_ids import parse_arxiv_id
from arxiv_translator.config import Settings
from arxiv_translator.errors import InputError
from arxiv_translator.events import Event
from arxiv_translator.errors import TranslatorError
from arxiv_translator.jobs.context import Services
from arxiv_translator.jobs.store import JOB_DIR, JobStore, has_job
from arxiv_translator.pipeline import Job, run
from arxiv_translator.web.db import jobs, papers, tokens, upsert_paper
from arxiv_translator.web.options import job_settings, settings_signature

Progress = Callable[..., None]
OUTPUT_FILES = {"bilingual": "paper.bilingual.html", "ko.html": "paper.ko.html", "ko.pdf": "paper.ko.pdf",
                "ko.md": "paper.ko.md", "segments": "segments.jsonl", "report": "report.json"}


@dataclass
class Service:
    """What every part of the service shares: data folder, database, settings and their signature."""

    data: Path
    db: Engine
    settings: Settings
    signature: str  # signature_hash of the engine/target/style/glossary signature
    signatures: dict[str, str] = field(default_factory=dict, repr=False)  # per-job options (JSON) -> signature
    throttle: Throttle | None = None  # the arXiv politeness budget every worker shares (None: this process's own)

    def services(self, settings: Settings) -> Services:
        """The services one job runs with: its arXiv configuration under the shared throttle."""
        return Services.from_settings(settings, throttle=self.throttle)

    def job_settings(self, job: dict[str, Any]) -> Settings:
        """The settings of one job: the operator's, with the job's per-job options merged in."""
        return job_settings(self.settings, json.loads(job.get("options") or "{}"))

    def job_signature(self, options: dict[str, str]) -> str:
        """The signature of a job with these (validated) options; ConfigError when its engine cannot run."""
        if not options:
            return self.signature
        key = json.dumps(options, sort_keys=True)
        if key not in self.signatures:
            self.signatures[key] = settings_signature(job_settings(self.settings, options))
        return self.signatures[key]

    @property
    def papers_dir(self) -> Path:
        """Finished papers, one folder each."""
        return self.data / "papers"


@dataclass(frozen=True)
class Outcome:
    """What a job produced: the paper, what this run cost, whether an existing translation answered it."""

    paper_id: str
    cost_usd: float
    reused: bool


def run_translation(service: Service, job: dict[str, Any], progress: Progress) -> Outcome:
    """Translate the job's paper into the library. Raises TranslatorError on failure."""
    ref = parse_arxiv_id(job["source"])
    progress(stage="metadata", message="arXiv에서 논문 정보를 가져오는 중")
    with ArxivClient(ArxivConfig.from_settings(service.settings), throttle=service.throttle) as client:
        meta = client.metadata(ref)
    paper_id = meta.ref.folder_name
    _wait_for_twin(service, job, paper_id, progress)
    settings = service.job_settings(job)
    sig = service.job_signature(json.loads(job.get("options") or "{}"))  # of the settings the job runs with now
    with service.db.connect() as conn:
        row = conn.execute(select(papers).where(and_(papers.c.id == paper_id,
                                                     papers.c.signature == sig))).first()
    if row is not None and (service.data / row.out_dir).is_dir():
        return Outcome(paper_id, 0.0, True)  # already translated with this signature: no engine call
    _check_budget(service, job, meta, settings)
    work = service.data / "work" / str(job["id"])
    if not _resumable(work):  # a retried job continues from its saved state (jobs/): only missing answers
        shutil.rmtree(work, ignore_errors=True)
    work.parent.mkdir(parents=True, exist_ok=True)
    report = run(Job(source=meta.id, settings=settings, out=work, listener=_listener(progress)),
                 service.services(settings))
    shutil.rmtree(work / JOB_DIR, ignore_errors=True)  # the library keeps the outputs, not the job state
    dest = service.papers_dir / paper_id
    old = dest.with_name(f".{paper_id}.old.{os.getpid()}")
    service.papers_dir.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        os.replace(dest, old)
    os.replace(work, dest)
    shutil.rmtree(old, ignore_errors=True)
    values = _paper_values(meta, dest, service, report, sig)
    with service.db.begin() as conn:
        upsert_paper(conn, values)
    return Outcome(paper_id, float(report.get("cost_usd", 0.0)), False)


def _resumable(work: Path) -> bool:
    """True when ``work`` holds the saved state of an unfinished job (a worker died, or the engine failed)."""
    try:
        return has_job(work) and not JobStore(work).load().finished
    except TranslatorError:  # a corrupt state: start again
        return False


def _wait_for_twin(service: Service, job: dict[str, Any], paper_id: str, progress: Progress,
                   poll: float = 0.5) -> None:
    """Let an earlier running job for the same paper version and signature finish first.

    "2402.18563" and "2402.18563v2" are different requests that may name the same paper; once the version is
    known, the later job waits and then finds the paper in the library instead of asking the engine again.
    """
    with service.db.begin() as conn:
        conn.execute(jobs.update().where(jobs.c.id == job["id"]).values(paper_id=paper_id))
    started, ident = job.get("started") or 0.0, job["id"]
    earlier = or_(jobs.c.started < started, and_(jobs.c.started == started, jobs.c.id < ident))
    while True:
        with service.db.connect() as conn:
            twin = conn.execute(select(jobs.c.id).where(and_(
                jobs.c.paper_id == paper_id, jobs.c.signature == job["signature"], jobs.c.status == "running",
                jobs.c.id != ident, earlier))).first()
        if twin is None:
            return
        progress(stage="waiting", message=f"같은 논문을 번역 중인 작업 {twin.id}을(를) 기다리는 중")
        time.sleep(poll)


def _listener(progress: Progress) -> Callable[[Event], None]:
    last = [0.0, ""]

    def on_event(event: Event) -> None:
        now = time.monotonic()
        if event.stage == last[1] and now - last[0] < 0.3 and event.done < event.total:
            return
        last[0], last[1] = now, event.stage
        fields: dict[str, Any] = {"stage": event.stage, "message": event.message[:500]}
        if event.stage == "translate":
            fields.update(done=event.done, total=event.total, cost_usd=round(event.cost_usd, 6))
        progress(**fields)
    return on_event


def _check_budget(service: Service, job: dict[str, Any], meta: Metadata, settings: Settings) -> None:
    """Refuse, before any engine call, a job whose estimated cost would exceed its token's daily budget."""
    if not job.get("token"):
        return
    with service.db.connect() as conn:
        tok = conn.execute(select(tokens).where(tokens.c.name == job["token"])).first()
        if tok is None or tok.daily_usd is None:
            return
        day = time.time() - time.time() % 86400
        spent = conn.execute(select(func.coalesce(func.sum(jobs.c.cost_usd), 0.0))
                             .where(and_(jobs.c.token == job["token"], jobs.c.created >= day))).scalar_one()
    scratch = service.data / "work" / f"{job['id']}-estimate"
    shutil.rmtree(scratch, ignore_errors=True)
    est = run(Job(source=meta.id, settings=settings, out=scratch, estimate=True), service.services(settings))
    cost = float(est.get("cost_usd", 0.0))
    if spent + cost > tok.daily_usd:
        raise InputError(f"{meta.id}: refused before translating: the estimated cost ${cost:.4f} would exceed "
                         f"token '{tok.name}'s daily budget ${tok.daily_usd:.2f} (${spent:.4f} spent today)")


def _paper_values(meta: Metadata, dest: Path, service: Service, report: dict[str, Any],
                  signature: str) -> dict[str, Any]:
    title_ko, abstract_ko = _korean_front(dest / "segments.jsonl")
    ref = meta.ref
    return {"id": ref.folder_name, "arxiv_id": ref.base, "version": ref.version or 1,
            "signature": signature, "title": plain(meta.title), "title_ko": title_ko, "authors": meta.authors,
            "abstract": meta.abstract, "abstract_ko": abstract_ko, "categories": meta.categories,
            "primary_category": meta.primary_category, "published": meta.published, "updated": meta.updated,
            "out_dir": str(dest.relative_to(service.data)), "summary": summarize(report, dest),
            "translated_at": time.time()}


def summarize(report: dict[str, Any], out: Path) -> dict[str, Any]:
    """The part of ``report.json`` the paper page shows."""
    seg = report.get("segments", {})
    comp = report.get("compile", {})
    return {"engine": report.get("engine", {}), "real": report.get("real_translation", True),
            "segments": {k: seg.get(k, 0) for k in ("total", "translated", "cached", "kept", "failed")},
            "cost_usd": report.get("cost_usd", 0.0), "requests": report.get("requests", 0),
            "compile_ok": comp.get("ok"), "warnings": list(report.get("warnings", []))[:20],
            "source_kind": report.get("source", {}).get("kind", ""),
            "seconds": report.get("seconds", {}).get("total", 0.0),
            "outputs": [name for name, file in OUTPUT_FILES.items() if (out / file).is_file()]}


_CMD = re.compile(r"\\[A-Za-z@]+\*?|\\.")
_TAG = re.compile(r"<[^>]*>")


def plain(text: str) -> str:
    """A LaTeX or HTML fragment as plain text (commands, braces and tags dropped)."""
    text = text.replace("\\\\", " ")
    text = _TAG.sub("", _CMD.sub("", text)).replace("{", "").replace("}", "").replace("~", " ")
    return " ".join(text.split()).strip(" :")


def _korean_front(segments: Path) -> tuple[str, str]:
    """The Korean title and abstract, from ``segments.jsonl``."""
    title, abstract = "", []
    try:
        lines = segments.read_text(encoding="utf-8").splitlines()
    except OSError:
        return "", ""
    for line in lines:
        row = json.loads(line)
        if row.get("kind") == "title" and not title:
            title = plain(row.get("translation") or "")
        elif row.get("kind") == "abstract":
            abstract.append(plain(row.get("translation") or ""))
    return title[:1000], " ".join(abstract)[:20000]
