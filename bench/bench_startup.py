"""Start-up and whole-process CPU of the ``arxiv-translator`` command, against the targets.

Each figure is the user+sys CPU seconds of one child process (``os.wait4`` on its pid, so the
stand-in model's own CPU is not counted), over several runs; the script prints min and median
and PASS/FAIL against the target on the median:

* ``--help``: ``python -m arxiv_translator.cli --help``, target under 0.25 s;
* ``translate``: the corpus's largest LaTeX paper (most ``.tex`` characters) with ``--no-compile``,
  a fresh cache and output folder, the local stand-in model (``../shared/tools/standin_llm.py``)
  as an ``openai`` engine; target under 1.0 s including start-up.

The package is measured as installed: its modules byte-compiled first (``compileall``, into its
git-ignored ``__pycache__`` folders, as ``pip install`` does), and ``PYTHONDONTWRITEBYTECODE`` is
not passed on, so that a machine exporting it does not add the compilation of every module of the
package from source (~0.15 s) to each run.

A benchmark, not a test: the figures depend on the machine.

Usage: python3 bench/bench_startup.py [--runs 5] [--paper DIR] [--python PYTHON] [--root CHECKOUT]

``--root`` measures another checkout of the package (e.g. the main branch, for a before/after).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from standin import Standin  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "latex"
HELP_TARGET_S = 0.25
TRANSLATE_TARGET_S = 1.0


def child_cpu(cmd: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    """User+sys CPU seconds of the process ``cmd`` (and whatever it waited for); raises when it fails."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode(errors='replace')[-1500:]}")
    return usage.ru_utime + usage.ru_stime


def largest_latex_paper(corpus: Path) -> Path:
    """The corpus paper whose ``.tex`` files hold the most characters."""
    def size(tree: Path) -> int:
        return sum(p.stat().st_size for p in tree.rglob("*.tex"))
    return max((d for d in corpus.iterdir() if d.is_dir()), key=size)


def line(name: str, figures: list[float], target: float) -> str:
    """``name: min … median … target … PASS|FAIL``."""
    med = statistics.median(figures)
    verdict = "PASS" if med < target else "FAIL"
    return (f"{name:<28} min {min(figures):.3f} s  median {med:.3f} s  "
            f"(runs {len(figures)}; target < {target:.2f} s)  {verdict}")


def main() -> int:
    """Measure and print; exit 1 when a target is missed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--paper", type=Path, default=None, help="a LaTeX tree (default: the corpus's largest)")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    args = ap.parse_args()
    root = args.root.resolve()
    env = {**os.environ, "PYTHONPATH": str(root), "OPENAI_API_KEY": "sk-bench"}
    for name in ("ARXIV_TRANSLATOR_CONFIG", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"):
        env.pop(name, None)
    subprocess.run([args.python, "-m", "compileall", "-q", str(root / "arxiv_translator")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    base = [args.python, "-m", "arxiv_translator.cli"]
    bare = [child_cpu([args.python, "-c", "pass"], env, root) for _ in range(args.runs)]
    helps = [child_cpu(base + ["--help"], env, root) for _ in range(args.runs)]
    paper = args.paper or largest_latex_paper(CORPUS)
    runs = []
    with Standin() as llm, tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        for i in range(args.runs):
            out, cache = Path(tmp) / f"out{i}", Path(tmp) / f"cache{i}.sqlite"
            runs.append(child_cpu(base + ["translate", str(paper), "--engine", "openai", "--base-url", llm.base_url,
                                          "--model", "standin", "--no-compile", "--quiet", "--out", str(out),
                                          "--cache", str(cache)], env, root))
    print(f"checkout: {root}")
    print(f"python -c pass               min {min(bare):.3f} s  median {statistics.median(bare):.3f} s")
    print(line("--help", helps, HELP_TARGET_S))
    print(line(f"translate {paper.name}", runs, TRANSLATE_TARGET_S))
    ok = statistics.median(helps) < HELP_TARGET_S and statistics.median(runs) < TRANSLATE_TARGET_S
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
