"""The service database: SQLAlchemy Core tables over SQLite (WAL) or PostgreSQL.

SQLite is the default (``<data>/library.sqlite3``); ``--database postgresql://...``
uses PostgreSQL through psycopg.  Full-text search: on SQLite an FTS5 table (trigram
tokenizer, so Korean words match inside longer eojeol) mirrors the searchable columns; on
PostgreSQL a stored generated ``tsvector`` column (``simple`` configuration: no English
stemming, Hangul words kept whole) over the same columns, with a GIN index.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from sqlalchemy import (Column, Float, Index, Integer, MetaData, String, Table, Text, create_engine, event,
                        inspect, text)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from arxiv_translator.errors import ConfigError

META = MetaData()

papers = Table(
    "papers", META,
    Column("id", String(64), primary_key=True),  # versioned folder name, e.g. 2501.00001v1
    Column("arxiv_id", String(64), nullable=False, index=True),  # base id, e.g. 2501.00001
    Column("version", Integer, nullable=False),
    Column("signature", String(32), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("title_ko", Text, nullable=False, default=""),
    Column("authors", Text, nullable=False, default="[]"),  # JSON list
    Column("abstract", Text, nullable=False, default=""),
    Column("abstract_ko", Text, nullable=False, default=""),
    Column("categories", Text, nullable=False, default="[]"),  # JSON list
    Column("primary_category", String(64), nullable=False, default=""),
    Column("published", String(32), nullable=False, default=""),
    Column("updated", String(32), nullable=False, default=""),
    Column("out_dir", Text, nullable=False, default=""),  # relative to <data>
    Column("summary", Text, nullable=False, default="{}"),  # JSON: a summary of report.json
    Column("translated_at", Float, nullable=False, default=0.0),
    Column("views", Integer, nullable=False, default=0),
    Index("papers_translated_at", "translated_at"),
    Index("papers_published", "published"),
    Index("papers_views", "views"),
    Index("papers_primary_category", "primary_category"),
)

jobs = Table(
    "jobs", META,
    Column("id", String(32), primary_key=True),
    Column("source", Text, nullable=False),  # as submitted (validated)
    Column("arxiv_id", String(64), nullable=False),
    Column("vkey", String(16), nullable=False),  # "v3" or "latest": part of the de-duplication key
    Column("signature", String(32), nullable=False),
    Column("status", String(16), nullable=False, default="queued"),  # queued|running|done|failed
    Column("stage", String(32), nullable=False, default="queued"),
    Column("done", Integer, nullable=False, default=0),
    Column("total", Integer, nullable=False, default=0),
    Column("message", Text, nullable=False, default=""),
    Column("error", Text, nullable=False, default=""),
    Column("paper_id", String(64)),
    Column("worker", String(128)),
    Column("heartbeat", Float),
    Column("attempts", Integer, nullable=False, default=0),
    Column("token", String(64)),
    Column("options", Text, nullable=False, default="{}"),  # JSON: the requester's per-job options
    Column("cost_usd", Float, nullable=False, default=0.0),
    Column("created", Float, nullable=False),
    Column("started", Float),
    Column("finished", Float),
    Index("jobs_status_created", "status", "created"),
    Index("jobs_token_created", "token", "created"),
)

tokens = Table(
    "tokens", META,
    Column("name", String(64), primary_key=True),
    Column("hash", String(64), nullable=False, unique=True),  # sha256 hex of the token
    Column("created", Float, nullable=False),
    Column("revoked", Float),
    Column("per_hour", Integer),  # submissions per hour; None: no limit
    Column("daily_usd", Float),  # cost budget per UTC day; None: no limit
)

throttle = Table(
    "throttle", META,
    Column("name", String(32), primary_key=True),
    Column("holder", String(128)),
    Column("lease_until", Float, nullable=False, default=0.0),
    Column("last_end", Float, nullable=False, default=0.0),
)

# one queued-or-running job per (paper, version, signature): concurrent duplicates join it
_ACTIVE_UNIQUE = ("CREATE UNIQUE INDEX IF NOT EXISTS jobs_active ON jobs (arxiv_id, vkey, signature) "
                  "WHERE status IN ('queued', 'running')")
_FTS = ("CREATE VIRTUAL TABLE IF NOT EXISTS papers_fts USING fts5(paper_id UNINDEXED, title, title_ko, "
        "abstract, abstract_ko, authors, tokenize='trigram')")
# PostgreSQL: titles weigh most, then authors, then abstracts (ts_rank); 'simple' so that Korean words and
# English terms are indexed as written (a stemmer for one language would mangle the other)
_PG_SEARCH = (
    "ALTER TABLE papers ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(title_ko, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(authors, '')), 'B') || "
    "setweight(to_tsvector('simple', coalesce(abstract, '') || ' ' || coalesce(abstract_ko, '')), 'C')) STORED",
    "CREATE INDEX IF NOT EXISTS papers_search ON papers USING GIN (search)",
)


def database_url(data: Path, database: str | None) -> str:
    """The SQLAlchemy URL: ``--database`` (postgresql://... uses psycopg) or SQLite under ``data``."""
    if database:
        if database.startswith("postgresql://") or database.startswith("postgres://"):
            return "postgresql+psycopg://" + database.split("://", 1)[1]
        if database.startswith(("sqlite://", "postgresql+psycopg://")):
            return database
        raise ConfigError(f"--database {database.split('://')[0]}: expected postgresql://... or sqlite:///...")
    return f"sqlite:///{Path(data) / 'library.sqlite3'}"


def open_engine(url: str) -> Engine:
    """An engine with the schema created; SQLite in WAL mode with a busy timeout."""
    try:
        if url.startswith("sqlite"):
            if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
                Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()
        else:
            engine = create_engine(url, pool_pre_ping=True)
        with engine.begin() as conn:
            META.create_all(conn)
            conn.execute(text(_ACTIVE_UNIQUE))
            if "options" not in {c["name"] for c in inspect(conn).get_columns("jobs")}:  # a library made before
                conn.execute(text("ALTER TABLE jobs ADD COLUMN options TEXT NOT NULL DEFAULT '{}'"))
            if is_sqlite(engine):
                conn.execute(text(_FTS))
            elif engine.dialect.name == "postgresql":
                for ddl in _PG_SEARCH:
                    conn.execute(text(ddl))
    except ModuleNotFoundError as exc:
        raise ConfigError(f"{url.split('://')[0]}: database driver not installed ({exc.name}); "
                          "pip install 'psycopg[binary]'") from None
    except (SQLAlchemyError, OSError) as exc:
        where = url.split("@")[-1] if "@" in url else url  # never print a password
        raise ConfigError(f"{where}: cannot open the database ({str(exc).splitlines()[0]})") from None
    return engine


def is_sqlite(engine: Engine | Connection) -> bool:
    """True when the database is SQLite."""
    return engine.dialect.name == "sqlite"


def paper_dict(row: Any) -> dict[str, Any]:
    """A paper row as a plain dictionary with its JSON columns decoded."""
    out = dict(row._mapping)
    for key in ("authors", "categories"):
        out[key] = json.loads(out.get(key) or "[]")
    out["summary"] = json.loads(out.get("summary") or "{}")
    return out


def upsert_paper(conn: Connection, values: dict[str, Any]) -> None:
    """Insert or replace one paper (and its search row)."""
    values = dict(values)
    for key in ("authors", "categories", "summary"):
        if not isinstance(values.get(key), str):
            values[key] = json.dumps(values.get(key) or ([] if key != "summary" else {}), ensure_ascii=False)
    values.setdefault("translated_at", time.time())
    conn.execute(papers.delete().where(papers.c.id == values["id"]))
    conn.execute(papers.insert().values(**values))
    if is_sqlite(conn):
        conn.execute(text("DELETE FROM papers_fts WHERE paper_id = :id"), {"id": values["id"]})
        conn.execute(text("INSERT INTO papers_fts (paper_id, title, title_ko, abstract, abstract_ko, authors) "
                          "VALUES (:id, :t, :tk, :a, :ak, :au)"),
                     {"id": values["id"], "t": values.get("title", ""), "tk": values.get("title_ko", ""),
                      "a": values.get("abstract", ""), "ak": values.get("abstract_ko", ""),
                      "au": " ".join(json.loads(values["authors"]))})


def delete_paper(conn: Connection, paper_id: str) -> int:
    """Remove one paper's rows (not its files); the number of papers removed."""
    if is_sqlite(conn):
        conn.execute(text("DELETE FROM papers_fts WHERE paper_id = :id"), {"id": paper_id})
    return conn.execute(papers.delete().where(papers.c.id == paper_id)).rowcount
