"""Compile the original and the translation; revert segments that break the build.

Every build is staged into a fresh folder (:func:`.jail.stage_tree`) and
run by :class:`.compiler.TexBuild` inside the job's :class:`.jail.Sandbox`,
all against one :class:`.compiler.Budget`.

The translation is tried with each engine of :func:`engine_plan` in turn:
XeLaTeX (kotex, OpenType Noto CJK) first, then the original's own engine
(pdfLaTeX + kotex with Nanum Type 1 fonts) when XeLaTeX cannot build the paper
even with every segment in English (a pdfTeX-only class or package, a loop
only XeTeX falls into).  With an engine that can build the paper, the segments
at the log's ``file:line`` errors are reverted to their source text first (a
few rounds); if that is not enough the remaining translated segments are
bisected with single passes.  A PDF counts only when PyMuPDF opens it and it
has the original's page count give or take :func:`page_tolerance` pages; a
XeLaTeX PDF that printed letters as nothing (:func:`missing_letters`: Cyrillic
or Greek names the Latin font lacks) gives way to the original's engine.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from arxiv_translator.document import Document, Status
from arxiv_translator.writers.latex.tree import TRANSLATED, segment_lines, write_tree
from arxiv_translator.writers.latex.compiler import Budget, CompileResult, TexBuild, needs_unicode_engine, safe_tex_name
from arxiv_translator.writers.report import CompileInfo
from arxiv_translator.writers.latex.jail import Sandbox, stage_tree
from arxiv_translator.writers.latex_xref import ORIGINAL_REFS

MAX_LOG_ROUNDS = 4
MAX_PROBES = 24
SAFE_MAIN = "arxiv_translator_main.tex"


@dataclass
class CompileContext:
    """What every build of one job shares: the sandbox, the time budget, the per-build limit."""

    sandbox: Sandbox
    budget: Budget
    timeout: float  # one full build at most
    refused: list[str] = field(default_factory=list)  # files the staging left out (reported once)


#: Hangul jamo, kana, compatibility jamo, CJK ideographs, Hangul syllables, CJK compatibility ideographs
_CJK = ((0x1100, 0x11FF), (0x3040, 0x30FF), (0x3130, 0x318F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF),
        (0xF900, 0xFAFF))
_MISSING = re.compile(r"^Missing character: There is no (.) \(U\+[0-9A-F]+\) in font", re.M)


def missing_letters(log: str) -> list[str]:
    """Letters the build printed as nothing (XeTeX's "Missing character"), Hangul and CJK aside (kotex's
    fonts set those): a name in Cyrillic or Greek that the Latin font lacks."""
    found = dict.fromkeys(c for c in _MISSING.findall(log) if unicodedata.category(c).startswith("L")
                          and not any(a <= ord(c) <= b for a, b in _CJK))
    return list(found)


def pdf_pages(path: Path | None) -> int | None:
    """Pages of the PDF at ``path``; None when it is missing, has no page, or opens only after repair."""
    if path is None or not path.is_file():
        return None
    try:
        from arxiv_translator.mupdf import pymupdf

        with pymupdf.open(path) as pdf:
            return pdf.page_count if pdf.page_count > 0 and not pdf.is_repaired else None
    except Exception:  # noqa: BLE001 - any failure to open means "not a PDF a reader opens"
        return None


def page_tolerance(original_pages: int) -> int:
    """How many pages the translation may differ from the original by."""
    return max(3, round(0.2 * original_pages))


def original_engine(main_text: str) -> str:
    """The engine the original is built with: pdfLaTeX unless it needs a Unicode engine."""
    if needs_unicode_engine(main_text):
        return "lualatex" if "lualatex" in main_text[:4000].lower() else "xelatex"
    return "pdflatex"


def engine_plan(original: str) -> list[str]:
    """Engines to try for the translation, in order: XeLaTeX, then the original's (with kotex)."""
    return ["xelatex"] + ([original] if original == "pdflatex" else [])


def stage(ctx: CompileContext, src: Path, build: Path, main: str) -> str:
    """Stage ``src`` into a fresh ``build``; return the main file's name there (a safe copy if needed)."""
    if build.is_symlink() or build.is_file():
        build.unlink()
    shutil.rmtree(build, ignore_errors=True)
    rename: dict[str, str] = {}
    if not safe_tex_name(main):
        stem = main[:-4] if main.endswith(".tex") else main
        rename = {main: SAFE_MAIN, f"{stem}.bbl": SAFE_MAIN[:-4] + ".bbl"}
    staged = stage_tree(src, build, rename=rename)
    for item in staged.refused:
        if item not in ctx.refused:
            ctx.refused.append(item)
    return rename.get(main, main)


def compile_original(ctx: CompileContext, root: Path, main: str, workdir: Path, logs: Path) -> CompileResult:
    """Compile an untouched, staged copy of the input tree with its own engine; count its pages."""
    build = workdir / "original"
    build_main = stage(ctx, root, build, main)
    main_path = build / build_main
    engine = original_engine(main_path.read_text(encoding="utf-8", errors="replace") if main_path.is_file() else "")
    result = TexBuild(ctx.sandbox, build, build_main, engine, ctx.budget, ctx.timeout).run()
    result.pages = pdf_pages(result.pdf) if result.ok else None
    if result.ok and result.pages is None:
        result.ok, result.message = False, "the PDF does not open"
    (logs / "original.log").write_text(result.log, encoding="utf-8")
    keep = workdir / ORIGINAL_REFS  # its label numbers and bibliography, for the bilingual page and Markdown
    keep.mkdir(parents=True, exist_ok=True)
    for suffix in (".aux", ".bbl"):  # kept under the paper's own main name, also when it was built renamed
        made = build / Path(build_main).with_suffix(suffix)
        if made.is_file() and not made.is_symlink():
            shutil.copyfile(made, keep / Path(main).with_suffix(suffix).name)
    shutil.rmtree(build, ignore_errors=True)
    return result


class TranslationBuild:
    """Writes the translated tree and compiles it, repairing it if needed."""

    def __init__(self, doc: Document, root: Path, source_out: Path, workdir: Path, pseudo: bool,
                 ctx: CompileContext, log: Callable[[str], None]) -> None:
        self.doc, self.root, self.source_out, self.workdir = doc, root, source_out, workdir
        self.pseudo, self.ctx, self.log = pseudo, ctx, log
        self.engine = "xelatex"
        self.probe_timeout = self.build_timeout = ctx.timeout
        self.reverted: set[str] = set()
        self.probes = 0
        self.seconds = 0.0  # time spent in TeX
        self.pages: int | None = None  # of the PDF that counted
        self.tried: list[str] = []  # "engine: outcome" for each engine tried

    def write(self) -> None:
        """(Re)write ``source/`` with the current reverts and engine."""
        write_tree(self.doc, self.root, self.source_out, self.pseudo, self.reverted, self.engine)

    def _compile(self, passes_only: bool = False) -> CompileResult:
        self.write()
        build = self.workdir / "build"
        main = stage(self.ctx, self.source_out, build, self.doc.main_file or "main.tex")
        timeout = self.probe_timeout if passes_only else self.build_timeout
        tex = TexBuild(self.ctx.sandbox, build, main, self.engine, self.ctx.budget, timeout)
        tex.eps_cache = self.workdir / "eps-cache"  # EPS figures are converted once per job, not per probe
        result = tex.run(passes_only)
        self.seconds += result.seconds
        return result

    def build(self, original: CompileResult | None, logs: Path, pdf_out: Path) -> CompileInfo:
        """Compile with each engine of the plan until one works; check and copy the PDF."""
        original_ok = original.ok if original is not None else None
        main_path = self.root / (self.doc.main_file or "main.tex")
        main_text = main_path.read_text(encoding="utf-8", errors="replace") if main_path.is_file() else ""
        plan = engine_plan(original.engine if original is not None and original.engine else original_engine(main_text))
        if original is not None and original.ok:  # no need to wait much longer than the original took
            self.probe_timeout = min(self.ctx.timeout, max(60.0, 3 * original.seconds))
            self.build_timeout = min(self.ctx.timeout, max(180.0, 6 * original.seconds))
        result = CompileResult(ok=False, pdf=None, seconds=0.0, message="no engine to try")
        tried = self.tried
        built = False  # TeX succeeded (the PDF may still not count)
        fallback: tuple[str, CompileResult, set[str]] | None = None  # a good PDF with letters missing
        for engine in plan:
            self.engine, self.reverted = engine, set()
            result = self._try_engine(original_ok)
            built = result.ok
            if result.ok:  # a PDF counts only when it opens with about the original's page count
                result.ok, result.message = self._check_pdf(result, original)
            if result.ok and engine != plan[-1] and result.pdf and (lost := missing_letters(result.log)):
                # XeLaTeX's Latin font has no Cyrillic or Greek: the original's engine (T2A, LGR) prints them
                kept = self.workdir / f"{engine}-missing-letters.pdf"
                shutil.copyfile(result.pdf, kept)
                fallback = (engine, CompileResult(ok=True, pdf=kept, seconds=0.0, log=result.log), set(self.reverted))
                result.ok, result.message = False, f"{engine} has no glyph for {''.join(lost[:8])}"
            tried.append(f"{engine}: {'ok' if result.ok else result.message}")
            if result.ok or not original_ok or self.ctx.budget.left() <= 0:
                break
        if not result.ok and fallback is not None:  # the other engine did worse: letters missing beat no PDF
            self.engine, result, self.reverted = fallback
            built, self.pages = True, pdf_pages(result.pdf)
        (logs / "translated.log").write_text(result.log, encoding="utf-8")
        info = CompileInfo(original_ok=original_ok, engine=self.engine)
        info.ok, info.message = result.ok, result.message
        if len(tried) > 1:
            self.log("engines tried: " + "; ".join(tried))
        for seg in self.doc.segments():
            if seg.id in self.reverted and seg.status in TRANSLATED:
                seg.settle(Status.KEPT, "reverted: the translation broke the LaTeX build")
        info.reverted = sorted(self.reverted)
        self.write()
        if built and pdf_pages(result.pdf) is not None:  # one that opens is kept even when it does not count
            shutil.copyfile(result.pdf, pdf_out)
        shutil.rmtree(self.workdir / "build", ignore_errors=True)
        shutil.rmtree(self.workdir / "eps-cache", ignore_errors=True)
        return info

    def _try_engine(self, original_ok: bool | None) -> CompileResult:
        """Build with ``self.engine``, repairing where the original compiled."""
        result = self._compile()
        if result.ok or not original_ok or result.timed_out:
            return result
        candidates = [s.id for s in self.doc.segments() if s.status in TRANSLATED]
        if candidates and not self._ok_with(set(candidates)):
            self.log(f"{self.engine}: the paper fails even with every segment in English ({result.message})")
            return result
        rounds = 0
        while not result.ok and rounds < MAX_LOG_ROUNDS and self.ctx.budget.left() > 0:
            culprits = self._at_error_lines(result)
            if not culprits:
                break
            self.log(f"compile failed ({result.message}); reverting {len(culprits)} segment(s) at the error lines")
            self.reverted |= culprits
            result = self._compile()
            rounds += 1
        if not result.ok and self.ctx.budget.left() > 0:
            self.log("compile still failing; bisecting the translated segments")
            self._bisect_all()
            result = self._compile()
        return result

    def _check_pdf(self, result: CompileResult, original: CompileResult | None) -> tuple[bool, str]:
        """A PDF counts when it opens and has about the original's page count."""
        pages = pdf_pages(result.pdf)
        if pages is None:
            return False, "the translated PDF does not open"
        orig = original.pages if original is not None else None
        self.pages = pages
        if orig and abs(pages - orig) > page_tolerance(orig):
            return False, f"the translated PDF has {pages} pages, the original {orig}"
        return True, ""

    def _at_error_lines(self, result: CompileResult) -> set[str]:
        ranges = segment_lines(self.doc, self.pseudo, self.reverted, self.engine)
        found: set[str] = set()
        for file, line, _msg in result.errors:
            file = file.removeprefix("./")
            file = self.doc.main_file or file if file == SAFE_MAIN else file
            for first, last, seg_id in ranges.get(file, []):
                if first - 1 <= line <= last + 1:
                    found.add(seg_id)
        return found - self.reverted

    def _ok_with(self, extra: set[str]) -> bool:
        self.probes += 1
        saved = self.reverted
        self.reverted = saved | extra
        try:
            return self._compile(passes_only=True).ok
        finally:
            self.reverted = saved

    def _bisect_all(self) -> None:
        candidates = [s.id for s in self.doc.segments() if s.status in TRANSLATED and s.id not in self.reverted]
        if not candidates:
            return
        if self._ok_with(set()):
            return  # a single pass works: the failure is elsewhere (bibliography, reruns)
        self.reverted |= self._bisect(candidates, set())

    def _bisect(self, cands: list[str], base: set[str]) -> set[str]:
        if len(cands) == 1 or self.probes >= MAX_PROBES or self.ctx.budget.left() <= 0:
            return set(cands)
        half = len(cands) // 2
        a, b = cands[:half], cands[half:]
        if self._ok_with(base | set(a)):
            return self._bisect(a, base)
        if self._ok_with(base | set(b)):
            return self._bisect(b, base)
        found_a = self._bisect(a, base | set(b))
        return found_a | self._bisect(b, base | found_a)
