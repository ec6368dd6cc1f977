"""The job state on disk: atomic, refused clearly when corrupt or foreign, shown by ``status``;
``report.json`` and ``segments.jsonl`` against the schemas ``arxiv-translator schema`` prints."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest
from conftest import SAMPLE
from jobkit import rows

from arxiv_translator.cli import main
from arxiv_translator.jobs.state import JobState, SourceSpec, Stage
from arxiv_translator.jobs.store import JobStore

PSEUDO = ["--engine", "pseudo", "--no-compile", "--quiet"]


def translate(capsys, src, out, *more: str) -> tuple[int, list[str]]:
    code = main(["translate", str(src), "--out", str(out), *PSEUDO, *more])
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.fixture
def done(tmp_path, capsys):
    """A finished pseudo job of the sample paper."""
    out = tmp_path / "done"
    code, err = translate(capsys, SAMPLE, out)
    assert code == 0, err
    return out


def test_report_and_segments_validate_against_the_printed_schemas(done, capsys):
    schemas = {}
    for name in ("report", "segments", "job"):
        assert main(["schema", name]) == 0
        schemas[name] = json.loads(capsys.readouterr().out)
    report = json.loads((done / "report.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schemas["report"])
    assert report["schema_version"] == 1
    lines = rows(done / "segments.jsonl")
    assert len(lines) == 50
    for line in lines:
        jsonschema.validate(line, schemas["segments"])
    state = json.loads((done / ".job" / "state.json").read_text(encoding="utf-8"))
    jsonschema.validate(state, schemas["job"])
    broken = dict(lines[0], status=3)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schemas["segments"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**report, "segments": {"total": "many"}}, schemas["report"])


def test_finished_job_is_not_overwritten_and_restart_translates_again(done, capsys):
    before = (done / "report.json").read_bytes()
    code, err = translate(capsys, SAMPLE, done)
    assert code == 5 and len(err) == 1 and "finished translation" in err[0] and "--restart" in err[0], err
    assert (done / "report.json").read_bytes() == before
    code, err = translate(capsys, SAMPLE, done, "--restart")
    assert code == 0, err
    assert json.loads((done / "report.json").read_text(encoding="utf-8"))["job"]["runs"] == 1


def test_another_sources_folder_names_both(done, tmp_path, capsys):
    other = tmp_path / "other-paper"
    shutil.copytree(SAMPLE, other)
    code, err = translate(capsys, other, done)
    assert code == 5 and len(err) == 1, err
    assert str(SAMPLE) in err[0] and str(other) in err[0] and "--restart" in err[0]
    code, err = translate(capsys, SAMPLE, done, "--style", "formal")
    assert code == 5 and len(err) == 1 and "style 'academic' there, 'formal' now" in err[0], err


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "wrong-shape", "bad-document"])
def test_corrupt_state_is_one_line_offering_restart(done, capsys, damage):
    state_file = done / ".job" / "state.json"
    text = state_file.read_text(encoding="utf-8")
    if damage == "truncate":
        state_file.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "garbage":
        state_file.write_bytes(b"\x00\xff" * 50)
    elif damage == "empty":
        state_file.write_text("", encoding="utf-8")
    elif damage == "wrong-shape":
        state_file.write_text(json.dumps({"stage": "nowhere"}), encoding="utf-8")
    else:
        (done / ".job" / "document.json").write_text('{"blocks": [', encoding="utf-8")
    for argv in (["translate", str(SAMPLE), "--out", str(done), *PSEUDO], ["status", str(done)],
                 ["resume", str(done), "--quiet"]):
        code = main(argv)
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 5 and len(err) == 1, (argv, err)
        assert "corrupt or truncated" in err[0] and "--restart" in err[0] and str(done) in err[0]
    code, err = translate(capsys, SAMPLE, done, "--restart")
    assert code == 0, err


def test_a_kill_while_saving_leaves_the_old_state(tmp_path):
    out = tmp_path / "out"
    store = JobStore(out)
    state = JobState(source=SourceSpec(given="x", identity="/x"), out=str(out), stage=Stage.READ)
    store.save(state)
    (out / ".job" / f".state.json.{12345}.tmp").write_text('{"half": ', encoding="utf-8")  # a killed save
    assert JobStore(out).load().stage is Stage.READ


def test_status_shows_stage_segments_requests_and_cost(done, capsys):
    requests = json.loads((done / "report.json").read_text(encoding="utf-8"))["requests"]
    assert main(["status", str(done)]) == 0
    text = capsys.readouterr().out
    assert "finished" in text and "segments 50/50" in text and f"requests {requests} " in text and "$0.0000" in text
    assert main(["status", str(done), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["segments"] == {"done": 50, "total": 50} and figures["stage"] == "report"
    assert main(["status", str(done.parent / "nothing")]) == 5
    assert "holds no translation job" in capsys.readouterr().err


def test_outputs_and_to(tmp_path, capsys):
    code, err = translate(capsys, SAMPLE, tmp_path / "a", "--outputs", "md,jsonl")
    assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == [".job", "logs", "paper.ko.md", "report.json", "segments.jsonl"]
    code, err = translate(capsys, SAMPLE, tmp_path / "b", "--outputs", "md")
    assert code == 0 and not (tmp_path / "b" / "segments.jsonl").exists()
    for flag, value, words in (("--outputs", "md,docx", "unknown output docx"),
                               ("--outputs", "html", "not available for latex input"),
                               ("--to", "ja", "--to ja: the outputs support only ko")):
        code, err = translate(capsys, SAMPLE, tmp_path / "c", flag, value)
        assert code == 3 and len(err) == 1 and words in err[0], err
        assert not (tmp_path / "c").exists()


SAVER = """
import sys
from arxiv_translator.api import read
from arxiv_translator.jobs.state import JobState, SourceSpec, Stage
from arxiv_translator.jobs.store import JobStore
doc = read(sys.argv[2])
state = JobState(source=SourceSpec(given="x", identity="/x"), out=sys.argv[1], stage=Stage.PROTECT, document=doc)
store = JobStore(sys.argv[1])
store.save(state, with_document=True)
print("saving", flush=True)
n = 0
while True:
    n += 1
    state.warnings = [str(n)] * (n % 500)
    store.save(state, with_document=n % 3 == 0)
"""


def test_sigkill_at_any_moment_of_saving_leaves_a_loadable_state(tmp_path):
    import random
    import signal
    import subprocess
    import sys
    import time

    from jobkit import cli_env

    rng = random.Random(9)
    out = tmp_path / "out"
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(out), str(SAMPLE)], stdout=subprocess.PIPE,
                                text=True, env=cli_env())
        assert proc.stdout is not None and proc.stdout.readline().strip() == "saving"
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        state = JobStore(out).load()
        assert state.stage is Stage.PROTECT and state.document is not None
        assert len(list(state.document.segments())) == 50


def test_answers_of_one_batch_cost_one_save_made_after_the_batch(done):
    """The saver runs on every answer the translator settles; a save that falls due is made once the batch
    in hand is through (the event loop's next turn), with every answer of it, and only once."""
    import asyncio
    from types import SimpleNamespace

    from arxiv_translator.events import Event
    from arxiv_translator.jobs.stages import _Saver
    from arxiv_translator.translation.translator import Usage

    from arxiv_translator.jobs.state import restore_results
    from arxiv_translator.protect import mask_document
    from arxiv_translator.readers import reader_for

    state = JobStore(done).load()  # the document as read; its answers are in the results, as a resumed job finds them
    assert state.document is not None and len(state.results) == 50
    mask_document(state.document, reader_for("latex").collapse_space)
    assert restore_results(state.document, state.results) == 50
    state.results = {}
    saved: list[int] = []
    store = SimpleNamespace(save=lambda s: saved.append(len(s.results)))
    ctx = SimpleNamespace(emit=lambda event: None, store=store)

    async def batches() -> None:
        saver = _Saver(state, ctx, Usage)
        for done_so_far in range(1, 51):  # one batch: 50 answers settled in one go
            saver(Event(stage="translate", done=done_so_far, total=50))
        assert saved == []
        await asyncio.sleep(0)
        assert saved == [50]
        saver(Event(stage="translate", done=50, total=50))  # nothing new, not a second late: no save
        await asyncio.sleep(0)
        assert saved == [50]

    asyncio.run(batches())


def test_the_document_is_saved_once_as_read_and_the_answers_in_the_state(done):
    """``document.json`` is the snapshot after reading, written once (each later dump of a large paper's
    Document cost ~7 ms and a megabyte written); the answers of every segment are in ``state.json``."""
    doc = json.loads((done / ".job" / "document.json").read_text(encoding="utf-8"))
    segments = [seg for block in doc["blocks"] for seg in block["segments"]]
    assert len(segments) == 50
    assert all(seg["status"] == "pending" and seg["masked"] is None for seg in segments)
    state = json.loads((done / ".job" / "state.json").read_text(encoding="utf-8"))
    assert state["finished"] and len(state["results"]) == 50
    assert {r["status"] for r in state["results"].values()} <= {"translated", "kept"}
