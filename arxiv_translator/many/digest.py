"""Korean digests of papers, in the seed-004 form: ``<tag> Title (YYYY.MM)``, ``[organisation]``,
5-15 bullets, ``출처 : https://arxiv.org/abs/ID``.

For each paper: read its structured facts (:mod:`.digest_input`), then

* ``openai`` (any OpenAI-compatible endpoint): one chat request with ``response_format`` =
  :data:`SCHEMA` (:mod:`.llm`); the answer is validated (schema, Korean, every number of a bullet
  written in the paper); a rejected answer is asked again once, naming the problems; then the
  paper is reported failed with the reason.  Accepted answers are kept in the translation memory
  (SQLite, under a digest signature), so a second run sends no request.
* ``pseudo``: a deterministic digest from the paper's own sentences (pseudo-translated like the
  ``pseudo`` engine does, glossary terms honoured), marked as not real.

A paper that cannot be read or digested does not stop the others.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
import json
import re
import tempfile
from dataclasses import asdict, dataclass, field
from importlib import import_module
from pathlib import Path

from arxiv_translator.translation.memory import TranslationCache
from arxiv_translator.config import Settings
from arxiv_translator.engines import Engine
from arxiv_translator.errors import BadAnswerError, EngineError, TransientEngineError, TranslatorError
from arxiv_translator.events import Event, Listener, ignore
from arxiv_translator.glossary import Glossary
from arxiv_translator.pipeline import choose_engine
from arxiv_translator.placeholders import PLACEHOLDER_RE, atom
from arxiv_translator.many.digest_input import PaperFacts, numbers_in, read_facts

DIGEST_VERSION = "digest-1"
MIN_BULLETS, MAX_BULLETS = 5, 15
SCHEMA: dict = {
    "type": "object", "additionalProperties": False, "required": ["tag", "organisation", "bullets"],
    "properties": {
        "tag": {"type": "string", "description": "one or two English words naming the topic, e.g. LLM, Vision"},
        "organisation": {"type": "string", "description": "the lab or company as the affiliations show it, or ''"},
        "bullets": {"type": "array", "minItems": MIN_BULLETS, "maxItems": MAX_BULLETS,
                    "items": {"type": "string", "description": "one short Korean point"}},
    },
}
SYSTEM = (
    "You write short Korean digests of machine-learning papers for Korean ML readers (a blog post). "
    "Answer ONLY with JSON that fits the schema. tag: one or two English words for the topic (LLM, Vision, RL, "
    "Instruction...). organisation: the lab or company exactly as the authors' affiliations write it, or '' "
    "when they do not show one. bullets: 5 to 15 short points in Korean (plain -다 or noun-ending style), "
    "keeping English technical terms in English where Korean ML readers expect them (model names, method "
    "names, benchmarks, terms such as fine-tuning, attention, token). Numbers and model names exactly as in "
    "the paper; never write a number that the paper does not contain; no bullet markers.")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_KEEP = re.compile(r"\$\$.+?\$\$|\$[^$]+\$|\\\(.+?\\\)|\\\[.+?\\\]|\[[^\]]*\]|https?://\S+", re.S)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass
class Digest:
    """One paper's digest (or why there is none)."""

    paper: str
    title: str
    month: str = ""
    tag: str = ""
    organisation: str = ""
    bullets: list[str] = field(default_factory=list)
    url: str | None = None
    status: str = "ok"  # ok | failed
    reason: str = ""
    real: bool = True
    requests: int = 0
    cached: bool = False
    tokens: dict[str, int] = field(default_factory=lambda: {"prompt": 0, "completion": 0})

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return asdict(self)


def problems(answer: str, facts: PaperFacts) -> tuple[dict | None, list[str]]:
    """Parse and check a model's answer: (the answer, []) or (None, what is wrong)."""
    try:
        data = json.loads(answer)
    except ValueError:
        return None, ["the answer is not valid JSON"]
    if not isinstance(data, dict) or not isinstance(data.get("bullets"), list):
        return None, ["the answer does not fit the schema (an object with tag, organisation and bullets)"]
    bullets = [re.sub(r"^\s*[-*•]\s+", "", b).strip() for b in data["bullets"] if isinstance(b, str)]
    bullets = [b for b in bullets if b]
    found = []
    if not MIN_BULLETS <= len(bullets) <= MAX_BULLETS:
        found.append(f"{len(bullets)} bullets (needs {MIN_BULLETS} to {MAX_BULLETS})")
    if sum(1 for b in bullets if _HANGUL.search(b)) * 2 < len(bullets):
        found.append("the bullets are not in Korean")
    known = facts.numbers() | set(numbers_in(facts.month))
    for i, bullet in enumerate(bullets, 1):
        invented = [n for n in numbers_in(bullet) if n not in known]
        if invented:
            found.append(f"bullet {i} has a number the paper does not contain ({invented[0]})")
    if found:
        return None, found
    return {"tag": _tag(data.get("tag"), facts), "organisation": _organisation(data.get("organisation"), facts),
            "bullets": bullets}, []


def _tag(value: object, facts: PaperFacts) -> str:
    tag = " ".join(str(value or "").split()).strip("<>[] ")
    if not tag or len(tag) > 24 or len(tag.split()) > 2 or _HANGUL.search(tag):
        return default_tag(facts)
    return tag


def _organisation(value: object, facts: PaperFacts) -> str:
    org = " ".join(str(value or "").split()).strip("[] ")
    haystack = f"{facts.front} {facts.text[:3000]}".lower()
    return org if org and len(org) <= 80 and org.lower() in haystack else facts.organisation


def default_tag(facts: PaperFacts) -> str:
    """The first keep-in-English glossary term (or acronym) of the title, else of the abstract."""
    glossary = Glossary.builtin()
    for text in (facts.title, facts.abstract):
        for term in glossary.hits(text):
            if term.keep and len(term.en) <= 24:
                return term.en
        acronyms = re.findall(r"\b[A-Z][A-Z0-9-]{1,9}s?\b", text)
        if acronyms:
            return acronyms[0].rstrip("s") if acronyms[0].endswith("s") and len(acronyms[0]) > 2 else acronyms[0]
    return "Paper"


class Digester(ABC):
    """Makes one paper's digest; subclasses per engine (see :data:`DIGESTERS`)."""

    real = True

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine, self.settings = engine, settings

    def start(self, facts: PaperFacts) -> Digest:
        """An empty digest for ``facts``."""
        url = f"https://arxiv.org/abs/{re.sub(r'v[0-9]+$', '', facts.arxiv_id)}" if facts.arxiv_id else None
        return Digest(facts.key, facts.title, facts.month, url=url, real=self.real)

    @abstractmethod
    async def make(self, facts: PaperFacts) -> Digest:
        """The digest of one paper (status failed with the reason when it cannot be made)."""

    async def aclose(self) -> None:
        """Release connections."""


class PseudoDigester(Digester):
    """The paper's own sentences, pseudo-translated: deterministic, offline, not a real digest."""

    real = False
    BULLETS = 8

    async def make(self, facts: PaperFacts) -> Digest:
        from arxiv_translator.engines.pseudo import pseudo_translate

        digest = self.start(facts)
        glossary = Glossary.builtin()
        pool = [s for part in (facts.abstract, facts.introduction, facts.conclusion) for s in _sentences(part)]
        picked = pool[:3] + [s for s in pool[3:] if numbers_in(s)] + pool[3:]
        chosen = list(dict.fromkeys(picked))[: self.BULLETS]
        answer = {"tag": default_tag(facts), "organisation": facts.organisation,
                  "bullets": [_pseudo(_short(s), glossary, pseudo_translate) for s in chosen]}
        checked, found = problems(json.dumps(answer, ensure_ascii=False), facts)
        if checked is None:
            digest.status, digest.reason = "failed", "; ".join(found)
            return digest
        digest.tag, digest.organisation, digest.bullets = checked["tag"], checked["organisation"], checked["bullets"]
        return digest


class LLMDigester(Digester):
    """One structured-output request per paper (see the module docstring)."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        from arxiv_translator.many.llm import StructuredChat

        super().__init__(engine, settings)
        self.chat = StructuredChat(engine)
        signature = {"kind": "digest", **engine.signature(), "prompt": DIGEST_VERSION, "target": settings.target}
        self.cache = TranslationCache(settings.cache_path(), signature)

    async def make(self, facts: PaperFacts) -> Digest:
        digest = self.start(facts)
        user = json.dumps(facts.payload(), ensure_ascii=False)
        key = SYSTEM + "\n" + user
        if not self.settings.force and (hit := self.cache.get(key)) is not None:
            checked, _ = problems(hit, facts)
            if checked is not None:
                digest.cached = True
                return _fill(digest, checked)
        found: list[str] = []
        for attempt in range(2):  # the answer, and one more try naming what was wrong
            note = "" if not found else "\n\nYour previous answer was rejected: " + "; ".join(found) + ". Answer again."
            digest.requests += 1
            try:
                reply = await self.chat.ask(SYSTEM, user + note, "paper_digest", SCHEMA)
            except BadAnswerError as exc:
                found = [str(exc)]
                continue
            except TransientEngineError as exc:
                digest.status, digest.reason = "failed", f"the engine kept failing ({exc})"
                return digest
            digest.tokens["prompt"] += reply.prompt_tokens
            digest.tokens["completion"] += reply.completion_tokens
            checked, found = problems(reply.content, facts)
            if checked is not None:
                self.cache.put_many([(key, json.dumps(checked, ensure_ascii=False))])
                return _fill(digest, checked)
        digest.status, digest.reason = "failed", "; ".join(found) + " (after one retry)"
        return digest

    async def aclose(self) -> None:
        self.cache.close()
        await self.chat.aclose()


def _fill(digest: Digest, checked: dict) -> Digest:
    digest.tag, digest.organisation, digest.bullets = checked["tag"], checked["organisation"], checked["bullets"]
    return digest


def _pseudo(sentence: str, glossary: Glossary, translate) -> str:
    """Pseudo-translate prose only: math, bracketed citations and URLs stay as they are."""
    kept: list[str] = []

    def hold(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return atom(len(kept))

    masked = _KEEP.sub(hold, sentence)
    return PLACEHOLDER_RE.sub(lambda m: kept[int(m.group(3)) - 1] if 0 < int(m.group(3)) <= len(kept) else m.group(0),
                              translate(masked, glossary))


def _sentences(text: str) -> list[str]:
    """Sentences of 6+ words, without list numbers and without citation-heavy ones ("et al.")."""
    out = []
    for piece in _SENTENCE.split(text or ""):
        piece = re.sub(r"\s*\(?\d{1,2}[.)]$", "", re.sub(r"^\(?\d{1,2}[.)]\s+", "", piece.strip())).strip()
        if len(piece.split()) >= 6 and "et al" not in piece:
            out.append(piece)
    return out


def _short(sentence: str, limit: int = 220) -> str:
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


#: engine name -> "module:Digester class"
DIGESTERS: dict[str, str] = {
    "openai": "arxiv_translator.many.digest:LLMDigester",
    "pseudo": "arxiv_translator.many.digest:PseudoDigester",
}


def digester_for(engine: Engine, settings: Settings) -> Digester:
    """The digester for ``engine``; EngineError for engines that cannot write digests."""
    if engine.name not in DIGESTERS:
        raise EngineError(f"engine {engine.name}: cannot write digests (use {' or '.join(sorted(DIGESTERS))})")
    module, cls = DIGESTERS[engine.name].split(":")
    return getattr(import_module(module), cls)(engine, settings)


def make_digests(sources: list[str], settings: Settings, listener: Listener = ignore) -> list[Digest]:
    """One :class:`Digest` per source, in order; unreadable sources become failed digests."""
    engine = choose_engine(settings)
    engine.check()
    return asyncio.run(_make_all(sources, engine, settings, listener))


async def _make_all(sources: list[str], engine: Engine, settings: Settings, listener: Listener) -> list[Digest]:
    digester = digester_for(engine, settings)
    out: list[Digest] = []
    try:
        for source in sources:
            listener(Event(stage="digest", message=f"reading {source}"))
            with tempfile.TemporaryDirectory(prefix="arxiv-digest-") as work:
                try:
                    facts = await asyncio.to_thread(read_facts, source, settings, Path(work) / "w", listener)
                except TranslatorError as exc:
                    reason = str(exc).removeprefix(f"{source}: ")
                    out.append(Digest(str(source), "", status="failed", reason=reason, real=digester.real))
                    continue
            digest = await digester.make(facts)
            listener(Event(stage="digest", message=f"{digest.paper}: {digest.status} {digest.reason}".strip()))
            out.append(digest)
    finally:
        await digester.aclose()
    return out
