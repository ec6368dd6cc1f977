"""The LaTeX output: the translated tree in ``source/`` and ``paper.ko.pdf``.

Every TeX run of a job (the original's check, the translation's builds and
repair probes) shares one sandbox and one time budget (``compile_budget``).
"""

from __future__ import annotations

from typing import Any

from arxiv_translator.events import Event
from arxiv_translator.writers.base import WriteJob, WriteResult, Writer
from arxiv_translator.writers.latex.build import CompileContext, TranslationBuild, compile_original
from arxiv_translator.writers.latex.compiler import Budget, CompileResult
from arxiv_translator.writers.latex.jail import Sandbox


class LatexOutput(Writer):
    """Writes ``source/`` and, unless ``--no-compile``, compiles it (XeLaTeX, else the original's engine)."""

    name = "latex"

    def __init__(self) -> None:
        self._ctx: CompileContext | None = None
        self._original: CompileResult | None = None

    def _context(self, job: WriteJob) -> CompileContext:
        if self._ctx is None:
            settings = job.settings
            self._ctx = CompileContext(Sandbox(settings.compile_sandbox), Budget(settings.compile_budget),
                                       settings.compile_timeout)
        return self._ctx

    def precheck(self, job: WriteJob) -> dict[str, Any]:
        """Compile the untouched original (pdfLaTeX unless it needs XeLaTeX/LuaLaTeX), in the jail."""
        if not job.settings.compile:
            return {}
        ctx = self._context(job)
        job.emit(Event(stage="check", message="compiling the original"))
        result = compile_original(ctx, job.assets, job.doc.main_file or "", job.work, job.logs)
        self._original = result
        job.emit(Event(stage="check", message=f"original compiles: {'yes' if result.ok else 'no'}"
                                              f"{'' if result.ok else ' (' + result.message + ')'}"))
        return {"original_ok": result.ok, "original_message": result.message, "original_seconds": result.seconds,
                "original_pages": result.pages}

    def write(self, job: WriteJob) -> WriteResult:
        """Write the tree, compile it and repair it if needed."""
        ctx = self._context(job)
        build = TranslationBuild(job.doc, job.assets, job.out / "source", job.work, pseudo=job.pseudo,
                                 ctx=ctx, log=lambda m: job.emit(Event(stage="compile", message=m)))
        result = WriteResult(files=["source/"])
        if not job.settings.compile:
            build.write()
            return result
        job.emit(Event(stage="compile", message="compiling the translation"))
        info = build.build(self._original, job.logs, job.out / "paper.ko.pdf")
        info.original_message = job.checks.get("original_message", "")
        result.info["compile"] = {"original_ok": info.original_ok, "ok": info.ok, "reverted": info.reverted,
                                  "engine": info.engine, "original_message": info.original_message,
                                  "message": info.message, "seconds": round(build.seconds, 3),
                                  "probes": build.probes, "engines_tried": build.tried,
                                  "pages": {"original": job.checks.get("original_pages"), "translated": build.pages},
                                  "sandbox": "bubblewrap" if ctx.sandbox.isolated else "none",
                                  "budget_s": ctx.budget.seconds, "refused_files": ctx.refused}
        if (job.out / "paper.ko.pdf").is_file():
            result.files.append("paper.ko.pdf")
        if ctx.sandbox.warning:
            result.warnings.append(ctx.sandbox.warning)
        if ctx.refused:
            result.warnings.append(f"{len(ctx.refused)} file(s) left out of the LaTeX build: "
                                   + "; ".join(ctx.refused[:5]) + (" ..." if len(ctx.refused) > 5 else ""))
        if job.checks.get("original_ok") is False:
            result.warnings.append(f"the original does not compile ({info.original_message}); "
                                   "the translation may not either")
        elif info.ok is False:
            result.warnings.append(f"no Korean PDF: {info.message}")
        if info.reverted:
            result.warnings.append(f"{len(info.reverted)} segment(s) reverted to English because they broke the build")
        return result
