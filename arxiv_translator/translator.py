"""The translation core, shared by every format and every engine.

For a masked document it: skips segments with nothing to translate, takes
what it can from the translation memory, packs the rest into batches up to a
token budget, sends them with bounded concurrency, retries transient failures
with backoff (honouring ``Retry-After``), validates every answer per segment,
re-sends failed segments in smaller batches and finally alone, and keeps the
source text (status ``failed``, with the reason) when nothing valid came.
Nothing is dropped silently: every segment ends in a final status.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from .cache import TranslationCache
from .document import Attempt, Document, Segment, Status
from .engines.base import BatchContext, Engine, EngineResult
from .errors import BadAnswerError, TransientEngineError
from .events import Event, Listener, ignore
from .glossary import Glossary
from .protect import normalise_tags, placeholder_problems, prose_of, unmask
from .style import StyleReport, polish
from .validate import answer_problems, needs_translation
from .validate_markup import markup_problems

CHARS_PER_TOKEN = 4
MAX_BATCH_ITEMS = 80
MAX_DELAY = 60.0


@dataclass
class Usage:
    """What the engine cost and how the run went."""

    requests: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prompt_chars: int = 0
    source_chars: int = 0
    engine_seconds: float = 0.0
    cost_usd: float = 0.0
    fallbacks: Counter[str] = field(default_factory=Counter)  # final failures, by reason
    resent: Counter[str] = field(default_factory=Counter)  # segments sent again, by reason
    notes: Counter[str] = field(default_factory=Counter)
    glossary_violations: list[str] = field(default_factory=list)
    style: StyleReport = field(default_factory=StyleReport)


@dataclass
class TranslateOptions:
    """Knobs of the translation core."""

    target: str = "ko"
    style: str = "academic"
    concurrency: int = 8
    batch_tokens: int = 2500
    max_retries: int = 4
    backoff: float = 1.0
    force: bool = False


class Translator:
    """Runs an engine over a document's segments (see the module docstring)."""

    def __init__(self, engine: Engine, glossary: Glossary, options: TranslateOptions,
                 cache: TranslationCache | None = None, listener: Listener = ignore) -> None:
        self.engine = engine
        self.glossary = glossary
        self.options = options
        self.cache = cache
        self.listener = listener
        self.usage = Usage()
        self._sem: asyncio.Semaphore | None = None
        self._in_flight = 0
        self._done = 0
        self._total = 0
        self._title = ""

    # -- public -----------------------------------------------------------
    def run(self, doc: Document) -> Usage:
        """Translate every pending segment of ``doc`` (blocking)."""
        return asyncio.run(self.translate(doc))

    async def translate(self, doc: Document) -> Usage:
        """Translate every pending segment of ``doc``."""
        self._sem = asyncio.Semaphore(self.options.concurrency)
        title_seg = next((s for s in doc.segments() if s.kind == "title"), None)
        self._title = " ".join(prose_of(title_seg.masked or "").split()) if title_seg else ""
        todo = self._prefill(list(doc.segments()))
        self._emit()
        try:
            await asyncio.gather(*(self._batch(batch, 0) for batch in self._batches(todo)))
        finally:
            await self.engine.aclose()
        self._check_glossary(doc)
        self._emit()
        return self.usage

    # -- before the engine ------------------------------------------------
    def _prefill(self, segments: list[Segment]) -> list[Segment]:
        todo = []
        self._total = len(segments)
        for seg in segments:
            if seg.status is not Status.PENDING:
                self._done += 1
                continue
            if not needs_translation(seg.masked or ""):
                seg.settle(Status.KEPT, "no text to translate")
                self._done += 1
                continue
            cached = None if (self.options.force or self.cache is None) else self.cache.get(seg.masked or "")
            if cached is not None and not placeholder_problems(seg, cached) and not markup_problems(seg, cached):
                self._accept(seg, cached, Status.CACHED)
                continue
            todo.append(seg)
        self.usage.source_chars = sum(len(s.source) for s in todo)
        return todo

    def _batches(self, todo: list[Segment]) -> list[list[Segment]]:
        """Contiguous batches of about equal size, as many as a multiple of the concurrency.

        Each batch stays under ``batch_tokens`` (and ``MAX_BATCH_ITEMS``); the
        count is rounded up to a multiple of the concurrency so that no
        round of requests leaves the engine half idle.
        """
        if not todo:
            return []
        sizes = [len(seg.masked or "") // CHARS_PER_TOKEN + 1 for seg in todo]
        total = sum(sizes)
        conc = self.options.concurrency
        count = max(-(-total // self.options.batch_tokens), -(-len(todo) // MAX_BATCH_ITEMS))
        count = min(len(todo), -(-count // conc) * conc)
        target = total / count
        batches: list[list[Segment]] = [[]]
        running = 0.0
        for seg, size in zip(todo, sizes):
            if batches[-1] and running + size / 2 > target * len(batches) and len(batches) < count:
                batches.append([])
            batches[-1].append(seg)
            running += size
        return batches

    # -- calling the engine -----------------------------------------------
    def _context(self, segs: list[Segment]) -> BatchContext:
        hits = self.glossary.hits("\n".join(s.masked or "" for s in segs))
        return BatchContext(target=self.options.target, style=self.options.style, title=self._title,
                            section=segs[0].context, glossary=[(t.en, t.ko) for t in hits])

    async def _call(self, items: list[str], ctx: BatchContext) -> EngineResult:
        assert self._sem is not None
        for attempt in range(self.options.max_retries + 1):
            try:
                async with self._sem:
                    self._in_flight += 1
                    self._emit()
                    started = time.monotonic()
                    try:
                        result = await self.engine.translate(items, ctx)
                    finally:
                        self._in_flight -= 1
                        self.usage.engine_seconds += time.monotonic() - started
                        self.usage.requests += 1
                self._count(result)
                return result
            except TransientEngineError as exc:
                if attempt == self.options.max_retries:
                    raise
                self.usage.retries += 1
                delay = exc.retry_after if exc.retry_after is not None else (
                    self.options.backoff * 2**attempt * (0.5 + random.random()))
                await asyncio.sleep(min(delay, MAX_DELAY))
        raise AssertionError("unreachable")

    def _count(self, result: EngineResult) -> None:
        u = self.usage
        u.prompt_tokens += result.prompt_tokens
        u.completion_tokens += result.completion_tokens
        u.prompt_chars += result.prompt_chars
        u.cost_usd = self.engine.cost_usd(u.prompt_tokens, u.completion_tokens)
        u.notes.update(result.notes)

    async def _batch(self, segs: list[Segment], single_tries: int) -> None:
        ctx = self._context(segs)
        whole_failure: str | None = None
        try:
            result = await self._call([s.masked or "" for s in segs], ctx)
            if result.truncated:
                whole_failure = "answer cut off (finish_reason=length)"
        except TransientEngineError as exc:
            for seg in segs:
                seg.attempts.append(Attempt(batch_size=len(segs), outcome=str(exc)))
                self._fail(seg, f"{exc} (after {self.options.max_retries} retries)")
            return
        except BadAnswerError as exc:
            whole_failure = str(exc)
        failed: list[tuple[Segment, str]] = []
        if whole_failure is not None:
            for seg in segs:
                seg.attempts.append(Attempt(batch_size=len(segs), outcome=whole_failure))
                failed.append((seg, whole_failure))
        else:
            accepted: list[tuple[str, str]] = []
            for seg, text in zip(segs, result.texts):
                fixed = polish(normalise_tags(text), seg.masked or "", self.usage.style) if text else text
                problems = answer_problems(seg, fixed, self.options.target)
                seg.attempts.append(Attempt(batch_size=len(segs), outcome="; ".join(problems) or "ok"))
                if problems:
                    failed.append((seg, problems[0]))
                else:
                    self._accept(seg, fixed, Status.TRANSLATED)
                    accepted.append((seg.masked or "", fixed))
            if accepted and self.cache is not None:
                self.cache.put_many(accepted)
        if not failed:
            return
        again = [seg for seg, _ in failed]
        if len(again) > 1 or single_tries < 1:
            self.usage.resent.update(_reason_class(reason) for _, reason in failed)
        if len(again) > 1:
            mid = len(again) // 2
            await asyncio.gather(self._batch(again[:mid], 0), self._batch(again[mid:], 0))
        elif single_tries < 1:
            await self._batch(again, single_tries + 1)
        else:
            self._fail(again[0], failed[0][1])

    # -- outcomes -----------------------------------------------------------
    def _accept(self, seg: Segment, target_masked: str, status: Status) -> None:
        seg.target_masked = target_masked
        seg.translation = unmask(seg, target_masked)
        seg.status = status
        seg.reason = None
        self._done += 1
        self._emit()

    def _fail(self, seg: Segment, reason: str) -> None:
        seg.settle(Status.FAILED, reason)
        self.usage.fallbacks[_reason_class(reason)] += 1
        self._done += 1
        self._emit()

    def _check_glossary(self, doc: Document) -> None:
        for seg in doc.segments():
            if seg.status in (Status.TRANSLATED, Status.CACHED) and seg.target_masked:
                for problem in self.glossary.violations(seg.masked or "", seg.target_masked):
                    self.usage.glossary_violations.append(f"{seg.id}: {problem}")

    def _emit(self) -> None:
        tokens = self.usage.prompt_tokens + self.usage.completion_tokens
        self.listener(Event(stage="translate", done=self._done, total=self._total,
                            in_flight=self._in_flight, tokens=tokens))


def _reason_class(reason: str) -> str:
    """A short class for a failure reason, for the report's counts."""
    for key in ("dropped placeholder", "invented placeholder", "repeated placeholder", "misnested",
                "not in the target language", "untranslated source", "chatter", "cut off", "empty answer",
                "missing from the answer", "too short", "too long", "timeout", "http", "connection", "JSON",
                "answer too large", "markup added", "invalid character"):
        if key in reason:
            return key
    return reason[:40]
