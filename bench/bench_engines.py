"""Engine x (requests, characters or tokens, seconds, cost) for one paper against the local API fakes.

DeepL, Papago, Google and Anthropic run against the fakes of ``tests/engines/fake_services.py``
(their real limits and error shapes, pseudo-Hangul answers; the Papago fake mangles brace tokens
on purpose, so its request count includes the per-segment fallbacks).  ``--hf DIR`` adds a local
model folder (``tests/engines/test_hf.py`` builds tiny ones).  Compilation is excluded.  Also
prints what fidelity.py finds lost (must be 0).

Usage: python3 bench/bench_engines.py [PAPER_DIR] [--hf MODEL_DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "engines")]

from fake_services import FakeAnthropic, FakeDeepL, FakeGoogle, FakePapago  # noqa: E402
from standin import fidelity, tools_available  # noqa: E402

from arxiv_translator.config import Settings  # noqa: E402
from arxiv_translator.pipeline import Job, run  # noqa: E402

FAKES = {"deepl": FakeDeepL, "papago": FakePapago, "google": FakeGoogle, "anthropic": FakeAnthropic}


def one(name: str, paper: Path, out: Path, model: str | None) -> str:
    """One engine over ``paper``: a Markdown table row."""
    kw: dict = dict(engine=name, compile=False, cache=str(out / f"{name}.sqlite"))
    server = FAKES[name]().start() if name in FAKES else None
    if server is not None:
        kw.update(base_url=server.base_url, api_key=server.key)
        if name == "papago":
            kw["api_key_id"] = server.key_id
    else:
        kw["model"] = model
    started = time.monotonic()
    try:
        rep = run(Job(source=paper, settings=Settings(**kw), out=out / name))
    finally:
        if server is not None:
            server.stop()
    seconds = time.monotonic() - started
    lost = "n/a"
    if tools_available() and (out / name / "source").is_dir():
        lost = sum(v[0] for k, v in fidelity("latex", paper, out / name / "source").items() if "lost" in k)
    s = rep["segments"]
    return (f"| {name} | {rep['requests']} | {rep['characters']['billed']} | {rep['tokens']['prompt']}+"
            f"{rep['tokens']['completion']} | {seconds:.1f} | {rep['cost_usd']:.4f} | "
            f"{s['translated']}/{s['kept']}/{s['failed']} | {lost} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paper", nargs="?", type=Path, default=ROOT / "examples" / "sample-paper")
    parser.add_argument("--hf", default=None, help="a local transformers model folder")
    args = parser.parse_args()
    print("| engine | requests | characters billed | tokens in+out | seconds | cost USD | "
          "translated/kept/failed | spans lost |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in [*FAKES, *(["hf"] if args.hf else [])]:
            print(one(name, args.paper, Path(tmp), args.hf), flush=True)


if __name__ == "__main__":
    main()
