"""Run latexmk safely: no shell escape, no rc files, paranoid file access, a time limit.

* ``-no-shell-escape`` and ``shell_escape=f``: ``\\write18`` never runs.
* ``-norc`` and no ``latexmkrc`` in the build folder: latexmk runs no Perl
  code from the paper.
* ``openin_any=p`` / ``openout_any=p``: TeX reads and writes only below the
  build folder (plus the TeX installation), never dot files.
* The whole process group is killed at the time limit.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CompileError

_ERROR_LINE = re.compile(r"^(?:\./)?(.+?\.(?:tex|sty|cls|bbl|aux|ltx)):(\d+): (.*)$", re.M)
_BANG = re.compile(r"^! (.*)$", re.M)


@dataclass
class CompileResult:
    """What one latexmk run gave."""

    ok: bool
    pdf: Path | None
    seconds: float
    log: str = ""
    errors: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, message)
    message: str = ""


def needs_unicode_engine(main_text: str) -> bool:
    """True when the original itself needs XeLaTeX/LuaLaTeX (fontspec, magic comment)."""
    head = main_text[:4000]
    return bool(re.search(r"%\s*!TEX\s+(?:TS-)?program\s*=\s*(?:xe|lua)latex", head, re.I)
                or re.search(r"\\usepackage(?:\[[^\]]*\])?\{(?:fontspec|xeCJK|unicode-math|polyglossia)\}", main_text))


def latexmk(workdir: Path, main: str, engine: str = "xelatex", timeout: float = 600.0,
            passes_only: bool = False) -> CompileResult:
    """Compile ``workdir/main`` with latexmk (or a single TeX pass when ``passes_only``)."""
    if shutil.which("latexmk") is None:
        raise CompileError("latexmk is not installed (see the README's set-up command)")
    for rc in ("latexmkrc", ".latexmkrc"):
        (workdir / rc).unlink(missing_ok=True)
    flag = {"xelatex": "-xelatex", "pdflatex": "-pdf", "lualatex": "-lualatex"}[engine]
    common = ["-interaction=nonstopmode", "-halt-on-error", "-file-line-error", "-no-shell-escape"]
    if passes_only:
        cmd = [engine, *common, "-no-pdf" if engine == "xelatex" else "-draftmode", main]
    else:
        cmd = ["latexmk", "-norc", flag, *common, main]
    env = dict(os.environ, openin_any="p", openout_any="p", shell_escape="f", max_print_line="10000",
               error_line="254", half_error_line="238", TEXMFOUTPUT="")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        timed_out = True
    seconds = time.monotonic() - started
    stem = Path(main).with_suffix("")
    log_path = workdir / f"{stem}.log"
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else out.decode("utf-8", "replace")
    pdf = workdir / f"{stem}.pdf"
    errors = [(f, int(n), msg) for f, n, msg in _ERROR_LINE.findall(log)]
    has_errors = bool(errors or _BANG.search(log))
    if passes_only:
        ok = proc.returncode == 0 and not timed_out
    else:
        ok = (not timed_out and pdf.is_file()) and (proc.returncode == 0 or not has_errors)
    message = "timed out" if timed_out else (errors[0][2] if errors else (_BANG.search(log).group(1) if _BANG.search(log) else ""))
    return CompileResult(ok=ok, pdf=pdf if pdf.is_file() else None, seconds=seconds, log=log, errors=errors,
                         message=message)
