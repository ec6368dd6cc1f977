"""Our own LaTeX pass runner (instead of latexmk), run inside the jail of :mod:`.jail`.

Why not latexmk: it is a Perl program that hands the main file's name and its
tool commands to ``/bin/sh``, reads rc files, and decides on its own which
tools to run with which options.  Here every tool runs with an argument list:

1. the engine (``pdflatex``, ``xelatex -no-pdf``, ``lualatex``) with
   ``-no-shell-escape -halt-on-error -file-line-error``;
2. the bibliography tool the first pass asks for: ``biber --noconf`` when a
   ``.bcf`` appeared (only when its data sources are plain files inside the
   build folder), else ``bibtex`` when the ``.aux`` has ``\\bibdata`` (a shipped
   ``.bbl`` is restored when bibtex fails); ``makeindex`` for ``.idx``/``.nlo``;
3. more engine passes until the ``.aux``-like files stop changing (at most
   :data:`MAX_PASSES`), then ``xdvipdfmx`` for XeLaTeX.

EPS figures are converted to ``<name>-eps-converted-to.pdf`` with Ghostscript
(``-dSAFER``, in the jail) for the pdfTeX/LuaTeX engines, and epstopdf-base
(which never runs a converter here) makes ``\\includegraphics`` use them.
Every call's time limit is the smaller of the per-build limit and what is left
of the job's :class:`Budget`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from arxiv_translator.writers.latex.jail import JAIL_DIR, Sandbox, ToolRun

_ERROR_LINE = re.compile(r"^(?:\./)?(.+?\.(?:tex|sty|cls|bbl|aux|ltx)):(\d+): (.*)$", re.M)
_BANG = re.compile(r"^! (.*)$", re.M)
_RERUN = re.compile(r"Rerun to get|Label\(s\) may have changed|Rerun LaTeX|Please rerun LaTeX|rerunfilecheck")
_BIBDATA = re.compile(r"\\bibdata\{([^}]*)\}")
_DATASOURCE = re.compile(r"<bcf:datasource([^>]*)>([^<]*)</bcf:datasource>")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
_STATE_SUFFIXES = (".aux", ".toc", ".lof", ".lot", ".out", ".bbl", ".ind", ".nls", ".loa", ".thm", ".nav", ".snm")
MAX_PASSES = 5
#: Prepended to the main file when EPS figures were converted: epstopdf-base then finds the converted PDFs
#: (it never runs a converter itself: shell escape is off), also for ``\includegraphics{name}`` without ``.eps``.
EPS_HOOK = (r"\ifdefined\AddToHook\AddToHook{begindocument/before}{\ifdefined\DeclareGraphicsRule"
            r"\RequirePackage{epstopdf-base}\expandafter\edef\csname Gin@extensions\endcsname"
            r"{\csname Gin@extensions\endcsname,.eps}\fi}\fi")


class Budget:
    """The compile time one job may spend in TeX, all builds and probes together."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.deadline - time.monotonic())

    def message(self) -> str:
        """What to say when it is used up."""
        return f"the job's compile time budget ({self.seconds:.0f} s, setting compile_budget) is used up"


@dataclass
class CompileResult:
    """What one build gave."""

    ok: bool
    pdf: Path | None
    seconds: float
    log: str = ""
    errors: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, message)
    message: str = ""
    timed_out: bool = False
    engine: str = ""
    notes: list[str] = field(default_factory=list)  # tools skipped or refused, and why
    pages: int | None = None  # set by whoever checked the PDF


def safe_tex_name(rel: str) -> bool:
    """True when every component of ``rel`` is a plain name a tool may be given."""
    return all(_SAFE_NAME.match(part) for part in rel.split("/"))


def needs_unicode_engine(main_text: str) -> bool:
    """True when the original itself needs XeLaTeX/LuaLaTeX (fontspec, magic comment)."""
    head = main_text[:4000]
    return bool(re.search(r"%\s*!TEX\s+(?:TS-)?program\s*=\s*(?:xe|lua)latex", head, re.I)
                or re.search(r"\\usepackage(?:\[[^\]]*\])?\{(?:fontspec|xeCJK|unicode-math|polyglossia)\}", main_text))


class TexBuild:
    """Compiles ``main`` in a staged build folder with one engine, inside ``sandbox``."""

    def __init__(self, sandbox: Sandbox, build: Path, main: str, engine: str, budget: Budget,
                 timeout: float) -> None:
        if engine not in ("pdflatex", "xelatex", "lualatex"):
            raise ValueError(f"unknown TeX engine {engine!r}")
        self.sandbox, self.build, self.main, self.engine = sandbox, build, main, engine
        self.budget, self.timeout = budget, timeout
        self.job = Path(main).stem
        self.started = 0.0
        self.notes: list[str] = []
        self.eps_cache: Path | None = None  # where converted EPS figures are kept between builds

    # -- tools -------------------------------------------------------------------------------------
    def _left(self) -> float:
        return min(self.timeout - (time.monotonic() - self.started), self.budget.left())

    def _tool(self, argv: list[str]) -> ToolRun:
        return self.sandbox.run(argv, self.build, self._left())

    def _engine_pass(self, final: bool) -> ToolRun:
        flags = ["-interaction=nonstopmode", "-halt-on-error", "-file-line-error", "-no-shell-escape"]
        if self.engine == "xelatex":
            flags.append("-no-pdf")
        elif not final:
            flags.append("-draftmode")
        return self._tool([self.engine, *flags, self.main])

    # -- the build ---------------------------------------------------------------------------------
    def run(self, passes_only: bool = False) -> CompileResult:
        """A full build (passes, bibliography, index, PDF), or one engine pass when ``passes_only``."""
        self.started = time.monotonic()
        self.sandbox.prepare(self.build)
        if self.engine != "xelatex":
            self._convert_eps()
        last = self._engine_pass(final=False if passes_only else self.engine != "xelatex")
        if passes_only or last.returncode != 0 or last.timed_out:
            return self._result(last, passes_only)
        if self._bibliography() | self._index():
            last = self._engine_pass(final=True)
        for _ in range(MAX_PASSES - 1):
            if last.returncode != 0 or last.timed_out:
                break
            before = self._state()
            log = self._log()
            last = self._engine_pass(final=True)
            if self._state() == before and not _RERUN.search(log):
                break
        if self.engine == "xelatex" and last.returncode == 0 and not last.timed_out:
            last = self._tool(["xdvipdfmx", "-q", "-E", "-o", f"{self.job}.pdf", f"{self.job}.xdv"])
            if last.returncode != 0:
                self.notes.append(f"xdvipdfmx failed: {last.output.strip()[-300:]}")
        return self._result(last, passes_only)

    def _result(self, last: ToolRun, passes_only: bool) -> CompileResult:
        seconds = time.monotonic() - self.started
        log = self._log() or last.output
        pdf = self.build / f"{self.job}.pdf"
        errors = [(f, int(n), msg) for f, n, msg in _ERROR_LINE.findall(log)]
        bang = _BANG.search(log)
        timed_out = last.timed_out
        if passes_only:
            ok = last.returncode == 0 and not timed_out
        else:
            ok = not timed_out and last.returncode == 0 and pdf.is_file() and not errors and not bang
        if timed_out:
            message = self.budget.message() if self.budget.left() <= 0 else f"timed out after {seconds:.0f} s"
        elif errors:
            message = errors[0][2]
        elif bang:
            message = bang.group(1)
        elif not ok:
            message = next(iter(self.notes), f"{last.argv[0]} failed (exit {last.returncode})")
        else:
            message = ""
        return CompileResult(ok=ok, pdf=pdf if pdf.is_file() and not passes_only else None, seconds=seconds,
                             log=log, errors=errors, message=message, timed_out=timed_out, engine=self.engine,
                             notes=list(self.notes))

    def _log(self) -> str:
        path = self.build / f"{self.job}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""

    def _state(self) -> str:
        digest = hashlib.sha256()
        for path in sorted(self.build.rglob("*")):
            if path.suffix in _STATE_SUFFIXES and path.is_file() and JAIL_DIR not in path.parts:
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()

    # -- helpers -----------------------------------------------------------------------------------
    def _bibliography(self) -> bool:
        """Run biber or bibtex when the first pass asks for one; True when one ran."""
        bcf = self.build / f"{self.job}.bcf"
        if bcf.is_file():
            bad = [name for attrs, name in _DATASOURCE.findall(bcf.read_text(encoding="utf-8", errors="replace"))
                   if not safe_tex_name(name.strip()) or "remote" in attrs]
            if bad:
                self.notes.append(f"biber not run: data source {bad[0]!r} is not a file inside the source tree")
                return False
            run = self._tool(["biber", "--noconf", "--output-directory", ".", "--input-directory", ".", self.job])
            if run.returncode != 0:
                self.notes.append(f"biber failed (exit {run.returncode})")
            return True
        aux = self.build / f"{self.job}.aux"
        bibdata = _BIBDATA.findall(aux.read_text(encoding="utf-8", errors="replace")) if aux.is_file() else []
        if not bibdata:
            return False
        missing = self._missing_bibs([n.strip() for group in bibdata for n in group.split(",") if n.strip()])
        if missing:  # as latexmk does: bibtex would skip every database after a missing one
            self.notes.append(f"bibtex not run: {', '.join(missing)} not found")
            return False
        bbl = self.build / f"{self.job}.bbl"
        shipped = bbl.read_bytes() if bbl.is_file() else None
        run = self._tool(["bibtex", self.job])
        if run.returncode >= 2 and shipped is not None:
            bbl.write_bytes(shipped)
            self.notes.append("bibtex failed; the shipped .bbl was kept")
        return True

    def _missing_bibs(self, names: list[str]) -> list[str]:
        """The ``.bib`` files of ``names`` neither in the build folder nor in the TeX installation."""
        files = [n if n.endswith(".bib") else f"{n}.bib" for n in names]
        absent = [f for f in files if not (safe_tex_name(f) and (self.build / f).is_file())]
        if not absent or not all(safe_tex_name(f) for f in absent):
            return absent
        found = self._tool(["kpsewhich", *absent]).output.splitlines()
        return [f for f in absent if not any(line.endswith("/" + f) for line in found)]

    def _index(self) -> bool:
        ran = False
        if (self.build / f"{self.job}.idx").is_file():
            self._tool(["makeindex", "-q", f"{self.job}.idx"])
            ran = True
        if (self.build / f"{self.job}.nlo").is_file():
            self._tool(["makeindex", "-q", "-s", "nomencl.ist", "-o", f"{self.job}.nls", f"{self.job}.nlo"])
            ran = True
        return ran

    def _convert_eps(self) -> None:
        """EPS figures -> ``<name>-eps-converted-to.pdf`` (Ghostscript, -dSAFER) and a graphics rule."""
        converted = 0
        for eps in sorted(self.build.rglob("*.eps")):
            rel = eps.relative_to(self.build).as_posix()
            out = rel[:-4] + "-eps-converted-to.pdf"
            cached = self.eps_cache / out if self.eps_cache is not None else None
            if JAIL_DIR in eps.parts or (self.build / out).exists():
                continue
            if cached is not None and cached.is_file():
                shutil.copyfile(cached, self.build / out)
                _newer(self.build / out, eps)
                converted += 1
                continue
            if not safe_tex_name(rel) or shutil.which("gs") is None:
                self.notes.append(f"{rel}: not converted to PDF ({'no Ghostscript' if safe_tex_name(rel) else 'name'})")
                continue
            run = self._tool(["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dEPSCrop", "-sDEVICE=pdfwrite",
                              f"-sOutputFile={out}", rel])
            converted += run.returncode == 0
            if run.returncode == 0 and (self.build / out).is_file():
                _newer(self.build / out, eps)
            if run.returncode == 0 and cached is not None and (self.build / out).is_file():
                cached.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.build / out, cached)
        if converted:
            main = self.build / self.main
            main.write_bytes(EPS_HOOK.encode() + main.read_bytes())


def _newer(converted: Path, source: Path) -> None:
    """Date ``converted`` after ``source``: epstopdf-base then takes it as up to date."""
    stamp = source.stat().st_mtime + 60
    os.utime(converted, (stamp, stamp))
