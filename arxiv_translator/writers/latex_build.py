"""Compile the original and the translation; revert segments that break the build.

When the translation fails where the original compiled, the segments at the
log's ``file:line`` errors are reverted to their source text first (up to a
few rounds); if that is not enough, the remaining translated segments are
bisected with single TeX passes until the culprits are found.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from ..document import Document, Status
from .latex import TRANSLATED, segment_lines, write_tree
from .latex_compile import CompileResult, latexmk, needs_unicode_engine
from .report import CompileInfo

MAX_LOG_ROUNDS = 4
MAX_PROBES = 24


def compile_original(root: Path, main: str, workdir: Path, timeout: float, logs: Path) -> CompileResult:
    """Compile an untouched copy of the input tree (pdfLaTeX unless it needs a Unicode engine)."""
    build = workdir / "original"
    shutil.rmtree(build, ignore_errors=True)
    shutil.copytree(root, build, symlinks=False, ignore_dangling_symlinks=True)
    main_text = (root / main).read_text(encoding="utf-8", errors="replace")
    engine = "xelatex" if needs_unicode_engine(main_text) else "pdflatex"
    result = latexmk(build, main, engine=engine, timeout=timeout)
    (logs / "original.log").write_text(result.log, encoding="utf-8")
    keep = workdir / "original-refs"  # its label numbers and bibliography, for the bilingual page
    keep.mkdir(parents=True, exist_ok=True)
    for suffix in (".aux", ".bbl"):
        made = build / Path(main).with_suffix(suffix)
        if made.is_file() and not made.is_symlink():
            shutil.copyfile(made, keep / made.name)
    shutil.rmtree(build, ignore_errors=True)
    return result


class TranslationBuild:
    """Writes the translated tree and compiles it, repairing it if needed."""

    def __init__(self, doc: Document, root: Path, source_out: Path, workdir: Path, pseudo: bool,
                 timeout: float, log: Callable[[str], None]) -> None:
        self.doc, self.root, self.source_out, self.workdir = doc, root, source_out, workdir
        self.pseudo, self.timeout, self.log = pseudo, timeout, log
        self.reverted: set[str] = set()
        self.probes = 0
        self.seconds = 0.0  # time spent in TeX

    def write(self) -> None:
        """(Re)write ``source/`` with the current reverts."""
        write_tree(self.doc, self.root, self.source_out, self.pseudo, self.reverted)

    def _compile(self, passes_only: bool = False) -> CompileResult:
        self.write()
        build = self.workdir / "build"
        shutil.rmtree(build, ignore_errors=True)
        shutil.copytree(self.source_out, build)
        result = latexmk(build, self.doc.main_file or "main.tex", "xelatex", self.timeout, passes_only)
        self.seconds += result.seconds
        return result

    def build(self, original_ok: bool | None, logs: Path, pdf_out: Path) -> CompileInfo:
        """Compile; on failure (where the original compiled) revert culprits; copy the PDF."""
        info = CompileInfo(original_ok=original_ok, engine="xelatex")
        result = self._compile()
        rounds = 0
        while not result.ok and original_ok and rounds < MAX_LOG_ROUNDS:
            culprits = self._at_error_lines(result)
            if not culprits:
                break
            self.log(f"compile failed ({result.message}); reverting {len(culprits)} segment(s) at the error lines")
            self.reverted |= culprits
            result = self._compile()
            rounds += 1
        if not result.ok and original_ok:
            self.log("compile still failing; bisecting the translated segments")
            self._bisect_all()
            result = self._compile()
        (logs / "translated.log").write_text(result.log, encoding="utf-8")
        info.ok, info.message = result.ok, result.message
        for seg in self.doc.segments():
            if seg.id in self.reverted and seg.status in TRANSLATED:
                seg.settle(Status.KEPT, "reverted: the translation broke the LaTeX build")
        info.reverted = sorted(self.reverted)
        self.write()
        if result.pdf is not None and result.ok:
            shutil.copyfile(result.pdf, pdf_out)
        shutil.rmtree(self.workdir / "build", ignore_errors=True)
        return info

    def _at_error_lines(self, result: CompileResult) -> set[str]:
        ranges = segment_lines(self.doc, self.pseudo, self.reverted)
        found: set[str] = set()
        for file, line, _msg in result.errors:
            file = file.removeprefix("./")
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
        if not self._ok_with(set(candidates)):
            self.log("the build fails even with every segment reverted: not caused by the translation")
            return
        if self._ok_with(set()):
            return  # a single pass works: the failure is elsewhere (bibliography, reruns)
        self.reverted |= self._bisect(candidates, set())

    def _bisect(self, cands: list[str], base: set[str]) -> set[str]:
        if len(cands) == 1 or self.probes >= MAX_PROBES:
            return set(cands)
        half = len(cands) // 2
        a, b = cands[:half], cands[half:]
        if self._ok_with(base | set(a)):
            return self._bisect(a, base)
        if self._ok_with(base | set(b)):
            return self._bisect(b, base)
        found_a = self._bisect(a, base | set(b))
        return found_a | self._bisect(b, base | found_a)
