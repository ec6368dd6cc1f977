"""A batch worker process: ``python -m arxiv_translator.many.batch_worker PARENT_PID BATCH_WORK_DIR``.

It reads spec file paths from stdin, one per line, and runs one paper per spec, in turn (the
imports and caches are paid once per process, not once per paper).  The spec names the source, the output folder, the shared throttle file, the settings overrides
and, under a budget, the ``allowance`` left for this paper.  The worker

1. gives its jobs the shared arXiv throttle (:mod:`.throttle`) through their services;
2. under a budget, estimates the paper's cost first (``pipeline.run`` with ``estimate``) and
   gives up ("skipped") when it would not fit, else writes the estimate as its reservation;
3. runs the translate job; answers go to the shared translation memory as they arrive (the
   ``--cache`` file, or on Ray the memory actor that ``services`` names), so a killed worker's
   paper resumes there;
4. with ``spec["upload"]`` (``--out URL``), translates into a scratch folder on this machine and
   uploads it to the URL when finished (:mod:`.store`);
5. writes its result (status, report figures or the error) as JSON and exits.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _prctl():
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl  # looked up once, not after a fork
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl() if sys.platform == "linux" else None
PR_SET_PDEATHSIG, SIGKILL = 1, 9


def die_with_parent() -> None:
    """Linux: be killed when the batch process dies (a SIGKILLed batch leaves no workers behind)."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, SIGKILL)


def work(spec: dict, throttle: object | None = None, services: Callable[[Any], Any] | None = None) -> dict:
    """Run one paper as ``spec`` says; returns the result dictionary.

    ``throttle`` is the job's arXiv politeness throttle, injected through its services (default: the batch's
    :class:`FileThrottle`, which every worker process of the batch shares);
    ``services`` (settings -> :class:`~arxiv_translator.jobs.context.Services`) gives the job shared
    services, such as a translation memory the whole cluster reaches (default: the job's own).
    """
    from arxiv_translator.config import load_settings
    from arxiv_translator.errors import TranslatorError
    from arxiv_translator.pipeline import Job, run
    from arxiv_translator.many.store import Remote, local_work, write_marker
    from arxiv_translator.jobs.context import Services
    from arxiv_translator.many.throttle import FileThrottle

    gate = throttle if throttle is not None else FileThrottle(Path(spec["throttle"]))
    out, log_path, upload = Path(spec["out"]), Path(spec["log"]), spec.get("upload")
    if upload:  # --out URL: a scratch folder here (a Ray node has no view of the driver's folders)
        out = local_work(upload["url"]) / "papers" / upload["folder"]
        log_path = out.with_name(f"{upload['folder']}.log")
        shutil.rmtree(out, ignore_errors=True)
        out.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed below

    def listen(event) -> None:
        if event.message:
            log.write(f"{event.stage}: {event.message}\n")
            log.flush()
    try:
        settings = load_settings(Path(spec["config"]) if spec.get("config") else None, **spec["settings"])
        shared = services(settings) if services is not None else Services.from_settings(settings)
        if shared.throttle is None:
            shared.throttle = gate
        if spec.get("allowance") is not None:
            estimate = run(Job(source=spec["source"], settings=settings, out=out, estimate=True, listener=listen),
                           shared)
            cost = float(estimate.get("cost_usd", 0.0))
            if cost > float(spec["allowance"]):
                return {"status": "skipped", "error": f"budget: estimated ${cost:.4f} > ${spec['allowance']:.4f} left"}
            write_marker(spec["reservation"], {"cost_usd": cost})
        report = run(Job(source=spec["source"], settings=settings, out=out, listener=listen), shared)
        if upload:
            Remote(upload["url"]).upload(out, upload["folder"])
            shutil.rmtree(out, ignore_errors=True)
        return {"status": "done", "report": {k: report[k] for k in ("source", "segments", "requests", "cost_usd",
                                                                    "seconds")}}
    except TranslatorError as exc:
        return {"status": "failed", "error": str(exc)}
    except Exception as exc:  # a bug in one paper must not look like a crash of the batch
        log.write(traceback.format_exc())
        return {"status": "failed", "error": f"internal error: {type(exc).__name__}: {exc}"}
    finally:
        log.close()
        if upload:
            _upload_log(log_path, upload)


def _upload_log(log_path: Path, upload: dict) -> None:
    """The paper's log next to the batch state at the URL (best effort: the result says what happened)."""
    from arxiv_translator.errors import TranslatorError
    from arxiv_translator.many.store import WORK, Remote

    try:
        Remote(upload["url"]).write_text(f"{WORK}/{upload['folder']}.log",
                                         log_path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, TranslatorError):
        pass


def main(argv: list[str]) -> int:
    """Entry point: for each spec path on stdin, work and write the result (the work folder in
    ``argv`` only names the batch in ``ps``)."""
    die_with_parent()
    if argv and os.getppid() != int(argv[0]):
        return 3  # the batch died before this worker could tie itself to it: do nothing
    for line in sys.stdin:
        if not line.strip():
            continue
        spec = json.loads(Path(line.strip()).read_text(encoding="utf-8"))
        result = work(spec)
        tmp = Path(spec["result"] + ".part")
        tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, spec["result"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
