"""The LaTeX output: the translated tree in ``source/`` and ``paper.ko.pdf``."""

from __future__ import annotations

from typing import Any

from ..events import Event
from .base import WriteJob, WriteResult, Writer
from .latex_build import TranslationBuild, compile_original


class LatexOutput(Writer):
    """Writes ``source/`` and, unless ``--no-compile``, compiles it with XeLaTeX."""

    name = "latex"

    def precheck(self, job: WriteJob) -> dict[str, Any]:
        """Compile the untouched original (pdfLaTeX unless it needs XeLaTeX/LuaLaTeX)."""
        if not job.settings.compile:
            return {}
        job.emit(Event(stage="check", message="compiling the original"))
        result = compile_original(job.source_root, job.doc.main_file or "", job.work, job.settings.compile_timeout,
                                  job.logs)
        job.emit(Event(stage="check", message=f"original compiles: {'yes' if result.ok else 'no'}"
                                              f"{'' if result.ok else ' (' + result.message + ')'}"))
        return {"original_ok": result.ok, "original_message": result.message, "original_seconds": result.seconds}

    def write(self, job: WriteJob) -> WriteResult:
        """Write the tree, compile it and repair it if needed."""
        build = TranslationBuild(job.doc, job.source_root, job.out / "source", job.work, pseudo=job.pseudo,
                                 timeout=job.settings.compile_timeout,
                                 log=lambda m: job.emit(Event(stage="compile", message=m)))
        result = WriteResult(files=["source/"])
        if not job.settings.compile:
            build.write()
            return result
        job.emit(Event(stage="compile", message="compiling the translation (XeLaTeX)"))
        original_ok = job.checks.get("original_ok")
        info = build.build(original_ok, job.logs, job.out / "paper.ko.pdf")
        info.original_message = job.checks.get("original_message", "")
        result.info["compile"] = {"original_ok": info.original_ok, "ok": info.ok, "reverted": info.reverted,
                                  "engine": info.engine, "original_message": info.original_message,
                                  "message": info.message, "seconds": round(build.seconds, 3),
                                  "probes": build.probes}
        if (job.out / "paper.ko.pdf").is_file():
            result.files.append("paper.ko.pdf")
        if original_ok is False:
            result.warnings.append(f"the original does not compile ({info.original_message}); "
                                   "the translation may not either")
        if info.reverted:
            result.warnings.append(f"{len(info.reverted)} segment(s) reverted to English because they broke the build")
        return result
