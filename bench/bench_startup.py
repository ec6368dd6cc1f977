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
       [--against CHECKOUT]

``--root`` measures another checkout of the package (e.g. the main branch, for a before/after).
``--against CHECKOUT`` runs the translation of that checkout in turn with this one's (A B A B ...) and prints
the median of the per-pair CPU ratios: a before/after that holds while the machine's speed drifts (by up to
±15 % over tens of minutes on a shared machine), which separate runs at different moments do not.
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


def checkout_env(python: str, root: Path) -> dict[str, str]:
    """The environment that runs the package of the checkout ``root`` (its modules byte-compiled first)."""
    env = {**os.environ, "PYTHONPATH": str(root), "OPENAI_API_KEY": "sk-bench"}
    for name in ("ARXIV_TRANSLATOR_CONFIG", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"):
        env.pop(name, None)
    subprocess.run([python, "-m", "compileall", "-q", str(root / "arxiv_translator")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return env


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
    ap.add_argument("--against", type=Path, default=None,
                    help="another checkout whose translation runs alternate with this one's; prints the paired ratio")
    args = ap.parse_args()
    root = args.root.resolve()
    env = checkout_env(args.python, root)
    base = [args.python, "-m", "arxiv_translator.cli"]
    bare = [child_cpu([args.python, "-c", "pass"], env, root) for _ in range(args.runs)]
    helps = [child_cpu(base + ["--help"], env, root) for _ in range(args.runs)]
    paper = args.paper or largest_latex_paper(CORPUS)
    other = args.against.resolve() if args.against else None
    other_env = checkout_env(args.python, other) if other else {}
    runs, other_runs = [], []
    with Standin() as llm, tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        cmd = base + ["translate", str(paper), "--engine", "openai", "--base-url", llm.base_url, "--model", "standin",
                      "--no-compile", "--quiet"]
        for i in range(args.runs):
            runs.append(child_cpu(cmd + ["--out", f"{tmp}/out{i}", "--cache", f"{tmp}/cache{i}.sqlite"], env, root))
            if other:
                other_runs.append(child_cpu(cmd + ["--out", f"{tmp}/other{i}", "--cache", f"{tmp}/other{i}.sqlite"],
                                            other_env, other))
    print(f"checkout: {root}")
    print(f"python -c pass               min {min(bare):.3f} s  median {statistics.median(bare):.3f} s")
    print(line("--help", helps, HELP_TARGET_S))
    print(line(f"translate {paper.name}", runs, TRANSLATE_TARGET_S))
    if other:
        ratios = [a / b for a, b in zip(runs, other_runs)]
        print(line(f"  against {other.name}", other_runs, TRANSLATE_TARGET_S))
        print(f"  paired CPU ratio this/against: median {statistics.median(ratios):.3f}  "
              f"(min {min(ratios):.3f}, max {max(ratios):.3f}; {len(ratios)} pairs, run in turn)")
    ok = statistics.median(helps) < HELP_TARGET_S and statistics.median(runs) < TRANSLATE_TARGET_S
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
