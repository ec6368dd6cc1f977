"""The arXiv politeness throttle is an injected service (jobs/context.Services): jobs given the same
throttle object share its spacing, and a job given none uses the process-wide default."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fake_arxiv import SAMPLE_ID, FakeArxiv

from arxiv_translator.config import Settings
from arxiv_translator.jobs.context import Services
from arxiv_translator.pipeline import Job, run_async
from arxiv_translator.sources import arxiv_client
from arxiv_translator.sources.arxiv_throttle import ProcessThrottle

INTERVAL = 0.4


class Recording(ProcessThrottle):
    """A process throttle that counts the requests it let through."""

    def __init__(self) -> None:
        super().__init__()
        self.turns = 0

    @contextmanager
    def slot(self, interval: float) -> Iterator[None]:
        with super().slot(interval):
            self.turns += 1
            yield


def _settings(fake: FakeArxiv, downloads: Path) -> Settings:
    return Settings(engine="pseudo", compile=False, outputs=["md", "jsonl"], arxiv_url=fake.url,
                    arxiv_api_url=fake.api_url, arxiv_interval=INTERVAL, downloads=downloads)


@pytest.fixture
def default_throttle(monkeypatch: pytest.MonkeyPatch) -> Recording:
    """The process-wide throttle, replaced by one that counts."""
    rec = Recording()
    monkeypatch.setattr(arxiv_client, "THROTTLE", rec)
    return rec


def test_two_jobs_given_one_throttle_share_its_spacing(tmp_path: Path, default_throttle: Recording) -> None:
    shared = Recording()
    with FakeArxiv() as fake:
        async def both():
            jobs = []
            for name in ("a", "b"):  # own download caches: each job really asks arXiv
                settings = _settings(fake, tmp_path / f"downloads-{name}")
                jobs.append(run_async(Job(source=SAMPLE_ID, settings=settings, out=tmp_path / f"out-{name}"),
                                      Services.from_settings(settings, throttle=shared)))
            return await asyncio.gather(*jobs)

        reports = asyncio.run(both())
        requests, gaps = list(fake.requests), fake.gaps()
    assert [r.segments.total > 0 for r in reports] == [True, True]
    for name in ("a", "b"):
        assert (tmp_path / f"out-{name}" / "paper.ko.md").is_file()
    eprints = [r for r in requests if r.path.startswith("/e-print/")]
    assert len(eprints) == 2 and all(r.status == 200 for r in eprints)  # both jobs went to arXiv
    assert shared.turns == len(requests) >= 4  # every request of both jobs took a turn of the one throttle
    assert default_throttle.turns == 0  # ...and none the process-wide one
    assert min(gaps) >= INTERVAL * 0.9  # one request at a time, spaced, across the two jobs


def test_a_job_given_no_throttle_uses_the_process_wide_one(tmp_path: Path, default_throttle: Recording) -> None:
    with FakeArxiv() as fake:
        settings = _settings(fake, tmp_path / "downloads")
        report = asyncio.run(run_async(Job(source=SAMPLE_ID, settings=settings, out=tmp_path / "out"),
                                       Services.from_settings(settings)))
        requests = list(fake.requests)
    assert report.segments.total > 0
    assert default_throttle.turns == len(requests) >= 2
