"""Translation memory: SQLite, keyed by (signature, masked source text).

The signature holds everything that changes an answer (engine, model, target,
style, prompt version, glossary hash).  Each answer is committed as it
arrives, so a killed run loses at most the requests in flight, and a revised
paper only sends the segments whose masked text changed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path

from arxiv_translator.errors import ConfigError

SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    signature TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (signature, source_hash)
)
"""


def signature_hash(signature: dict[str, str]) -> str:
    """A short, stable hash of a signature dictionary."""
    blob = json.dumps(signature, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


class TranslationCache:
    """A SQLite file of masked source -> masked translation, per signature."""

    def __init__(self, path: Path, signature: dict[str, str]) -> None:
        self.path = Path(path)
        self.signature = signature_hash(signature)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path))
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(SCHEMA)
            self._db.commit()
        except (sqlite3.Error, OSError) as exc:
            raise ConfigError(f"{self.path}: cannot open the translation cache ({exc})") from None

    @staticmethod
    def _key(source: str) -> str:
        return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, source: str) -> str | None:
        """The cached translation of ``source`` under this signature, if any."""
        row = self._db.execute(
            "SELECT target FROM translations WHERE signature=? AND source_hash=?", (self.signature, self._key(source))
        ).fetchone()
        return row[0] if row else None

    def put_many(self, pairs: list[tuple[str, str]]) -> None:
        """Store (source, target) pairs and commit at once.

        A pair that is not valid Unicode text (a lone surrogate from a model's
        JSON) is not stored: the memory only holds text it can give back.
        """
        now = time.time()
        rows = [(self.signature, self._key(s), s, t, now) for s, t in pairs if _storable(s) and _storable(t)]
        if not rows:
            return
        self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?)", rows)
        self._db.commit()

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM translations WHERE signature=?", (self.signature,)).fetchone()[0]

    def close(self) -> None:
        """Close the database."""
        self._db.close()
