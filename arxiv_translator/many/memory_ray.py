"""``batch --ray``: one translation memory for every task of the cluster, owned by a Ray actor.

A Ray task may run on a node that cannot see the driver's ``--cache`` file, so the tasks do not
open it: one actor, pinned to the driver's node, owns the SQLite memory (the driver's
``--cache`` path, so a later batch or a plain ``translate`` on the driver's machine reuses what the
cluster stored), and each task reaches it through :class:`RayMemory`, a client with the
:class:`~arxiv_translator.translation.memory.TranslationCache` interface (``get``, ``put_many``,
``len``, ``close``) that the job receives as its :class:`~arxiv_translator.jobs.context.Services`
memory.  Keys are what the SQLite memory uses: the job's signature hash and the masked source text.

Through ``ray://`` (Ray Client) the driver is on no node of the cluster: the actor then runs where
Ray puts it and the ``--cache`` path names a file on that node.

The actor serves one call at a time (a SQLite connection stays on one thread): a get is one
round trip per segment, a put one per answered request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arxiv_translator.config import Settings
from arxiv_translator.jobs.context import Services
from arxiv_translator.translation.memory import TranslationCache, signature_hash


class MemoryState:
    """The actor's body: the SQLite memory at ``path``, one :class:`TranslationCache` per signature."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.caches: dict[str, TranslationCache] = {}
        self.counts = {"get": 0, "hit": 0, "put": 0}

    def _cache(self, signature: dict[str, str]) -> TranslationCache:
        key = signature_hash(signature)
        if key not in self.caches:
            self.caches[key] = TranslationCache(self.path, signature)
        return self.caches[key]

    def get(self, signature: dict[str, str], source: str) -> str | None:
        """The stored translation of ``source`` under ``signature``, if any."""
        found = self._cache(signature).get(source)
        self.counts["get"] += 1
        self.counts["hit"] += found is not None
        return found

    def put_many(self, signature: dict[str, str], pairs: list[tuple[str, str]]) -> None:
        """Store and commit (source, target) pairs under ``signature``."""
        self._cache(signature).put_many(pairs)
        self.counts["put"] += len(pairs)

    def size(self, signature: dict[str, str]) -> int:
        """How many translations ``signature`` holds."""
        return len(self._cache(signature))

    def stats(self) -> dict[str, int]:
        """Calls served so far: gets, hits among them, pairs stored."""
        return dict(self.counts)


class RayMemory(TranslationCache):
    """The :class:`TranslationCache` interface over the memory actor, for one job's signature."""

    def __init__(self, actor: Any, signature: dict[str, str]) -> None:  # noqa: D107 - no SQLite here
        self.actor, self.sig = actor, dict(signature)
        self.signature = signature_hash(signature)

    def get(self, source: str) -> str | None:
        """The translation the actor holds for ``source``, if any."""
        import ray

        return ray.get(self.actor.get.remote(self.sig, source))

    def put_many(self, pairs: list[tuple[str, str]]) -> None:
        """Send (source, target) pairs to the actor (stored and committed when this returns)."""
        import ray

        if pairs:
            ray.get(self.actor.put_many.remote(self.sig, list(pairs)))

    def __len__(self) -> int:
        import ray

        return int(ray.get(self.actor.size.remote(self.sig)))

    def close(self) -> None:
        """Nothing to close here: the actor keeps the database open for the other tasks."""


def start_memory(ray: Any, path: Path) -> Any:
    """The memory actor for the SQLite file at ``path``, on this (the driver's) node.

    The file is opened here first, so a path that cannot hold it is a ConfigError before anything starts.
    """
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    TranslationCache(path, {}).close()
    actor = ray.remote(num_cpus=0, max_concurrency=1)(MemoryState)
    try:  # through ``ray://`` (Ray Client) the driver is no node: the actor goes where Ray puts it
        here = NodeAffinitySchedulingStrategy(node_id=ray.get_runtime_context().get_node_id(), soft=False)
        actor = actor.options(scheduling_strategy=here)
    except Exception:  # noqa: BLE001 - Ray raises various errors for a client-mode runtime context
        pass
    return actor.remote(str(Path(path).resolve()))


def job_signature(settings: Settings) -> dict[str, str]:
    """The signature a translate job of ``settings`` keys its memory with (the pipeline's, less ``tool``)."""
    from arxiv_translator.glossary import Glossary
    from arxiv_translator.pipeline import choose_engine, signature

    glossary = Glossary.load(settings.glossary, settings.target).prepare()
    return signature(settings, choose_engine(settings), glossary)


def services_for(actor: Any) -> Any:
    """A function ``settings -> Services`` whose memory is the actor (for :func:`.batch_worker.work`)."""

    def services(settings: Settings) -> Services:
        return Services(arxiv=Services.from_settings(settings).arxiv, memory=RayMemory(actor, job_signature(settings)))
    return services
