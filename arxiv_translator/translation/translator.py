"""The translation core, shared by every format and every engine.

For a masked document it: skips segments with nothing to translate, takes
what it can from the translation memory, packs the rest into batches up to a
token budget, sends them with bounded concurrency, retries transient failures
with backoff (honouring ``Retry-After``), validates every answer per segment,
re-sends failed segments in smaller batches and finally alone, and keeps the
source text (status ``failed``, with the reason) when nothing valid came.
A segment with no prose words (``VAE on MNIST (\ref{..})``, ``max_len``)
whose answer is its own source is ``kept`` with the reason
(:func:`~arxiv_translator.translation.validate.kept_answer`), cached like any answer, and
so never sent again.
Nothing is dropped silently: every segment ends in a final status.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass

from pydantic import BaseModel, Field

from arxiv_translator.translation.memory import TranslationCache
from arxiv_translator.document import Attempt, Document, Segment, Status
from arxiv_translator.engines.base import BatchContext, Engine, EngineResult
from arxiv_translator.errors import BadAnswerError, EngineError, TransientEngineError
from arxiv_translator.events import Event, Listener, ignore
from arxiv_translator.glossary import Glossary
from arxiv_translator.llm.retry import backoff_delay
from arxiv_translator.network import unreachable
from arxiv_translator.protect import normalise_tags, placeholder_problems, prose_of, unmask
from arxiv_translator.translation.style import StyleReport, polish
from arxiv_translator.prose import needs_translation
from arxiv_translator.translation.validate import answer_problems, kept_answer
from arxiv_translator.translation.validate_markup import markup_problems

CHARS_PER_TOKEN = 4
MAX_BATCH_ITEMS = 80


class Usage(BaseModel):
    """What the engine cost and how the run went (pydantic: it travels in the job state and the report)."""

    requests: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prompt_chars: int = 0
    billed_chars: int = 0  # what character-priced engines bill (DeepL, Papago, Google)
    source_chars: int = 0
    engine_seconds: float = 0.0
    cost_usd: float = 0.0
    fallbacks: Counter[str] = Field(default_factory=Counter)  # final failures, by reason
    resent: Counter[str] = Field(default_factory=Counter)  # segments sent again, by reason
    notes: Counter[str] = Field(default_factory=Counter)
    glossary_violations: list[str] = Field(default_factory=list)
    style: StyleReport = Field(default_factory=StyleReport)


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
        self._abstract = ""
        self._terms = glossary  # the glossary as it scans this document (see :meth:`translate`)

    # -- public -----------------------------------------------------------
    def run(self, doc: Document) -> Usage:
        """Translate every pending segment of ``doc`` (blocking; from async code await :meth:`translate`)."""
        from arxiv_translator.sync import run_sync

        return run_sync(self.translate(doc))

    async def translate(self, doc: Document) -> Usage:
        """Translate every pending segment of ``doc``."""
        self._sem = asyncio.Semaphore(self._concurrency())
        texts = [s.masked or "" for s in doc.segments()]  # what the glossary scans here: the segments, in batches
        self._terms = await asyncio.to_thread(lambda: self.glossary.within(texts).prepare())
        title_seg = next((s for s in doc.segments() if s.kind == "title"), None)
        self._title = " ".join(prose_of(title_seg.masked or "").split()) if title_seg else ""
        abstract = [s for s in doc.segments() if s.kind == "abstract"]
        self._abstract = " ".join(" ".join(prose_of(s.masked or "").split()) for s in abstract)[:2000]
        todo = self._prefill(list(doc.segments()))
        self._emit()
        tasks = [asyncio.ensure_future(self._batch(batch, 0)) for batch in self._batches(todo)]
        try:
            await asyncio.gather(*tasks)
        except BaseException:  # a fatal engine error (quota, key): stop the other requests cleanly
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
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
                kept = kept_answer(seg, cached)
                if kept is not None:
                    seg.settle(Status.KEPT, kept)
                    self._done += 1
                else:
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
        conc = self._concurrency()
        caps = self.engine.capabilities
        max_items = min(MAX_BATCH_ITEMS, caps.max_items)
        count = max(-(-total // self.options.batch_tokens), -(-len(todo) // max_items))
        count = min(len(todo), -(-count // conc) * conc)
        target = total / count
        batches: list[list[Segment]] = [[]]
        running = 0.0
        for seg, size in zip(todo, sizes):
            if batches[-1] and running + size / 2 > target * len(batches) and len(batches) < count:
                batches.append([])
            batches[-1].append(seg)
            running += size
        return [part for batch in batches for part in _within(batch, max_items, caps.max_chars)]

    def _concurrency(self) -> int:
        """``--concurrency``, capped by what the engine allows in flight."""
        cap = self.engine.capabilities.concurrency
        return min(self.options.concurrency, cap) if cap else self.options.concurrency

    # -- calling the engine -----------------------------------------------
    def _context(self, segs: list[Segment]) -> BatchContext:
        hits = self._terms.hits("\n".join(s.masked or "" for s in segs))
        return BatchContext(target=self.options.target, style=self.options.style, title=self._title,
                            abstract=self._abstract, section=segs[0].context, glossary=[(t.en, t.ko) for t in hits])

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
                self.usage.requests += max(0, result.requests - 1)  # engines that split or fall back
                self._count(result)
                return result
            except TransientEngineError as exc:
                down = unreachable(exc)
                if down is not None:  # DNS, refused, unreachable: no retry will help
                    raise EngineError(f"engine {self.engine.name}: cannot reach the server: {down} "
                                      "(no network? is the server running?)") from None
                if attempt == self.options.max_retries:
                    raise
                self.usage.retries += 1
                delay = backoff_delay(attempt, self.options.backoff, exc.retry_after)
                self.listener(Event(stage="retry", message=f"engine {self.engine.name}: {exc}; attempt "
                                    f"{attempt + 2} of {self.options.max_retries + 1} in {delay:.1f} s"))
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    def _count(self, result: EngineResult) -> None:
        u = self.usage
        u.prompt_tokens += result.prompt_tokens
        u.completion_tokens += result.completion_tokens
        u.prompt_chars += result.prompt_chars
        u.billed_chars += result.billed_chars
        u.cost_usd = self.engine.cost_usd(u.prompt_tokens, u.completion_tokens, u.billed_chars)
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
                kept = kept_answer(seg, fixed)
                if kept is not None:
                    seg.attempts.append(Attempt(batch_size=len(segs), outcome=f"kept: {kept}"))
                    seg.settle(Status.KEPT, kept)
                    self._done += 1
                    self._emit()
                    accepted.append((seg.masked or "", fixed))
                    continue
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
                for problem in self._terms.violations(seg.masked or "", seg.target_masked):
                    self.usage.glossary_violations.append(f"{seg.id}: {problem}")

    def _emit(self) -> None:
        tokens = self.usage.prompt_tokens + self.usage.completion_tokens
        self.listener(Event(stage="translate", done=self._done, total=self._total,
                            in_flight=self._in_flight, tokens=tokens, cost_usd=self.usage.cost_usd))


def _within(batch: list[Segment], max_items: int, max_chars: int | None) -> list[list[Segment]]:
    """``batch`` cut, in order, into requests the engine accepts (items and characters)."""
    parts: list[list[Segment]] = [[]]
    chars = 0
    for seg in batch:
        size = len(seg.masked or "")
        if parts[-1] and (len(parts[-1]) >= max_items or (max_chars and chars + size > max_chars)):
            parts.append([])
            chars = 0
        parts[-1].append(seg)
        chars += size
    return parts


def _reason_class(reason: str) -> str:
    """A short class for a failure reason, for the report's counts."""
    for key in ("dropped placeholder", "invented placeholder", "repeated placeholder", "misnested",
                "not in the target language", "untranslated source", "chatter", "cut off", "empty answer",
                "missing from the answer", "too short", "too long", "timeout", "http", "connection", "JSON",
                "answer too large", "markup added", "invalid character"):
        if key in reason:
            return key
    return reason[:40]
