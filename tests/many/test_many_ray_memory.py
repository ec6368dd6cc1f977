"""``batch --ray``: the translation memory and the arXiv throttle are actors every task shares (local Ray, 2 CPUs)."""

from __future__ import annotations

import json
import re
import shutil
import time

import pytest

from arxiv_translator.cli import main
from arxiv_translator.translation.memory import TranslationCache
from conftest import CORPUS
from fake_openai import FakeOpenAI

ray = pytest.importorskip("ray")

SMALL_MMD = CORPUS / "arxiv" / "2402.14714v1" / "paper.mmd"
SIG = {"engine": "test", "model": "m", "target": "ko"}


@pytest.fixture(scope="module")
def local_ray():
    started = not ray.is_initialized()
    if started:
        ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False,
                 object_store_memory=80 * 1024 * 1024)
    yield
    if started:
        ray.shutdown()


def test_the_memory_actor_is_one_memory_for_every_task(local_ray, tmp_path):
    from arxiv_translator.many.memory_ray import start_memory

    def _put(memory, pairs):  # defined here: Ray ships a local function by value
        from arxiv_translator.many.memory_ray import RayMemory

        RayMemory(memory, SIG).put_many(pairs)
        return True

    def _get(memory, source, signature):
        from arxiv_translator.many.memory_ray import RayMemory

        client = RayMemory(memory, signature)
        return client.get(source), len(client)

    path = tmp_path / "tm.sqlite3"
    memory = start_memory(ray, path)
    put, get = ray.remote(num_cpus=1)(_put), ray.remote(num_cpus=1)(_get)
    assert ray.get(put.remote(memory, [("Hello <x1/>.", "안녕 <x1/>."), ("World.", "세계.")]))
    assert ray.get(get.remote(memory, "Hello <x1/>.", SIG)) == ("안녕 <x1/>.", 2)  # another task reads it
    assert ray.get(get.remote(memory, "Hello <x1/>.", {**SIG, "model": "other"})) == (None, 0)  # per signature
    assert ray.get(memory.stats.remote()) == {"get": 2, "hit": 1, "put": 2}
    on_disk = TranslationCache(path, SIG)  # the driver's --cache file holds what the tasks stored
    try:
        assert on_disk.get("World.") == "세계." and len(on_disk) == 2
    finally:
        on_disk.close()


def test_an_unwritable_cache_is_a_clear_error_before_any_task(local_ray, tmp_path):
    from arxiv_translator.errors import ConfigError
    from arxiv_translator.many.memory_ray import start_memory

    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot open the translation cache"):
        start_memory(ray, tmp_path / "file" / "tm.sqlite3")


def test_the_throttle_spaces_holders_and_takes_back_a_dead_holders_slot(local_ray):
    from arxiv_translator.many.batch_ray import _ThrottleState

    actor = ray.remote(num_cpus=0, max_concurrency=100)(_ThrottleState).remote()
    first = ray.get(actor.acquire.remote(0.3, 30.0))
    waiting = actor.acquire.remote(0.3, 30.0)
    assert not ray.wait([waiting], timeout=0.5)[0]  # held: the next one waits
    released = time.monotonic()
    ray.get(actor.release.remote(first))
    second = ray.get(waiting)
    assert time.monotonic() - released >= 0.29 and second != first  # interval from the end of the request
    ray.get(actor.release.remote(first))  # a stale token changes nothing
    dead = ray.get(actor.acquire.remote(0.0, 0.5))  # never released nor renewed: its task "died"
    t0 = time.monotonic()
    ray.get(actor.release.remote(second))
    assert dead != second
    took = ray.get(actor.acquire.remote(0.0, 0.5))
    assert took not in (dead, second) and 0.3 <= time.monotonic() - t0 < 5.0  # taken back after its lease


@pytest.mark.skipif(not SMALL_MMD.is_file(), reason="needs ../shared/corpus")
def test_a_paper_in_two_folders_asks_the_engine_once(local_ray, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    papers = []
    for name in ("a", "b"):  # the same paper twice: the second finds every segment in the shared memory
        (tmp_path / name).mkdir()
        papers.append(str(shutil.copy(SMALL_MMD, tmp_path / name / "paper.mmd")))
    cache = tmp_path / "driver" / "tm.sqlite3"
    with FakeOpenAI() as llm:
        engine = ["--engine", "openai", "--base-url", llm.base_url, "--model", "fake-model", "--no-compile",
                  "--cache", str(cache)]
        code = main(["batch", *papers, "--out", str(tmp_path / "papers"), "--workers", "1", "--ray", "auto",
                     *engine])
        asked, shown = len(llm.requests), capsys.readouterr().err
        again = main(["translate", papers[0], "--out", str(tmp_path / "plain.ko"), "--quiet", *engine])
        asked_after_plain = len(llm.requests)
    assert code == 0 and again == 0, shown + capsys.readouterr().err
    table = json.loads((tmp_path / "papers" / "batch.json").read_text(encoding="utf-8"))
    first, second = table["papers"]
    assert first["status"] == second["status"] == "done" and first["segments"] == second["segments"] > 0
    assert first["requests"] == asked > 0 and second["requests"] == 0
    looked, found, stored = map(int, re.search(  # the tasks went through the actor, not the file
        r"translation memory \(Ray actor, .*tm\.sqlite3\): (\d+) segments looked up, (\d+) found, (\d+) stored",
        shown).groups())
    report = json.loads((tmp_path / "papers" / second["folder"] / "report.json").read_text(encoding="utf-8"))
    cached = report["segments"]["cached"]
    # the first paper stored every answer, the second found every one
    assert cached > 0 and (looked, found, stored) == (2 * cached, cached, cached)
    # the actor wrote the driver's --cache file under the job's own signature: a plain run reuses it
    assert asked_after_plain == asked



def test_a_living_holder_keeps_its_slot_past_the_lease(local_ray):
    from arxiv_translator.many.batch_ray import _ThrottleState

    def hold(actor, delay, seconds):  # defined here: Ray ships a local function by value
        import time as clock

        from arxiv_translator.many.batch_ray import ArxivThrottle

        clock.sleep(delay)
        asked = clock.monotonic()
        with ArxivThrottle(actor, lease=0.3).slot(0.0):  # renewed every 0.1 s while held
            started = clock.monotonic()
            clock.sleep(seconds)
            return asked, started, clock.monotonic()

    actor = ray.remote(num_cpus=0, max_concurrency=100)(_ThrottleState).remote()
    task = ray.remote(num_cpus=1)(hold)
    ray.get([task.remote(actor, 0.0, 0.3), task.remote(actor, 0.0, 0.0)])  # two task workers are up
    holder = task.remote(actor, 0.0, 3.0)  # holds the slot for 10 leases
    contender = task.remote(actor, 1.0, 0.0)
    (_, start1, end1), (asked2, start2, _) = ray.get([holder, contender])
    assert start1 < asked2 < end1  # asked while the first held the slot...
    assert start2 >= end1  # ...and got it only when the first let go, not when its first lease ran out
