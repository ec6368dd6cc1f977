"""Library queries: search (English and Korean), category and month filters, sort, pages.

SQLite: an FTS5 trigram index finds words of three or more characters anywhere
in the titles, abstracts (both languages) and authors; shorter words (many Korean
words are two syllables) fall back to ``LIKE``.

PostgreSQL: the GIN-indexed ``papers.search`` tsvector (see :mod:`.db`) matched by
``websearch_to_tsquery`` -- so ``"exact phrase"``, ``or`` and ``-word`` work as on a
search engine -- with every lexeme turned into a prefix (``'번역':*``): Korean
particles follow the stem (``번역을``, ``번역의``), so a prefix query finds the
word whatever particle it carries, and ``transl`` finds ``translation``.
``sort=relevance`` orders by ``ts_rank`` there (by publication date on SQLite).
Every user string is a bound parameter, never SQL text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.engine import Engine

from arxiv_translator.web.db import is_sqlite, paper_dict, papers

PER_PAGE = 20
SORTS = {"new": papers.c.translated_at.desc(), "date": papers.c.published.desc(),
         "popular": papers.c.views.desc()}
_COLUMNS = (papers.c.title, papers.c.title_ko, papers.c.abstract, papers.c.abstract_ko, papers.c.authors)


def _like(term: str) -> Any:
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*[col.ilike(pattern, escape="\\") for col in _COLUMNS])


# websearch_to_tsquery's own syntax, then ':*' after every quoted lexeme (inside one, '' is a quote)
_PG_QUERY = ("to_tsquery('simple', regexp_replace(CAST(websearch_to_tsquery('simple', :q) AS text), "
             r"'''(?:[^'']|'''')+''', '\&:*', 'g'))")
_PG_MATCH = text(f"papers.search @@ {_PG_QUERY}")
_PG_RANK = text(f"ts_rank(papers.search, {_PG_QUERY}) DESC")


def _fts_ids(engine: Engine, terms: list[str]) -> Any:
    match = " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)
    return text("SELECT paper_id FROM papers_fts WHERE papers_fts MATCH :m").bindparams(m=match)


def search(engine: Engine, q: str = "", category: str = "", month: str = "", sort: str = "new", page: int = 1,
           per_page: int = PER_PAGE) -> tuple[list[dict[str, Any]], int]:
    """One page of papers matching the query and filters, and the number of matches."""
    conds = []
    terms = q.split()[:10]
    if terms:
        long_terms = [t for t in terms if len(t) >= 3]
        if engine.dialect.name == "postgresql":
            conds.append(_PG_MATCH.bindparams(q=" ".join(terms)))
        elif is_sqlite(engine) and long_terms:
            conds.append(papers.c.id.in_(_fts_ids(engine, long_terms)))
            conds += [_like(t) for t in terms if len(t) < 3]
        else:
            conds += [_like(t) for t in terms]
    if category:
        conds.append(papers.c.categories.like('%"' + category.replace("%", "").replace('"', "") + '"%'))
    if month:  # YYYY-MM of the arXiv publication date
        conds.append(papers.c.published.like(month.replace("%", "") + "%"))
    where = and_(*conds) if conds else None
    query, count = select(papers), select(func.count()).select_from(papers)
    if where is not None:
        query, count = query.where(where), count.where(where)
    order = SORTS.get(sort, SORTS["new"])
    if sort == "relevance":
        order = (_PG_RANK.bindparams(q=" ".join(terms)) if terms and engine.dialect.name == "postgresql"
                 else SORTS["date"])
    query = query.order_by(order, papers.c.id).limit(per_page).offset(
        (max(page, 1) - 1) * per_page)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        total = conn.execute(count).scalar_one()
    return [paper_dict(r) for r in rows], total


def get_paper(engine: Engine, paper_id: str) -> dict[str, Any] | None:
    """One paper, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(papers).where(papers.c.id == paper_id)).first()
    return paper_dict(row) if row else None


def versions(engine: Engine, arxiv_id: str) -> list[str]:
    """Every translated version of a paper (ids, oldest first)."""
    with engine.connect() as conn:
        rows = conn.execute(select(papers.c.id).where(papers.c.arxiv_id == arxiv_id).order_by(papers.c.version))
        return [r.id for r in rows]


def version_rows(engine: Engine, arxiv_id: str) -> list[dict[str, Any]]:
    """Every translated version of a paper, oldest first, whole (the side-by-side view of the paper page)."""
    with engine.connect() as conn:
        rows = conn.execute(select(papers).where(papers.c.arxiv_id == arxiv_id)
                            .order_by(papers.c.version, papers.c.id)).all()
    return [paper_dict(r) for r in rows]


def version_item(p: dict[str, Any]) -> dict[str, Any]:
    """One version of a paper in the JSON API: enough to compare the versions' translations."""
    return {"id": p["id"], "version": p["version"], "title": p["title"], "title_ko": p["title_ko"],
            "abstract_ko": p["abstract_ko"], "published": p["published"], "updated": p["updated"],
            "translated_at": p["translated_at"], "engine": p["summary"].get("engine", {}),
            "outputs": p["summary"].get("outputs", [])}


def count_view(engine: Engine, paper_id: str) -> None:
    """Count one view of a paper (the popularity sort)."""
    with engine.begin() as conn:
        conn.execute(papers.update().where(papers.c.id == paper_id).values(views=papers.c.views + 1))


def categories(engine: Engine) -> list[str]:
    """Primary categories present in the library."""
    with engine.connect() as conn:
        rows = conn.execute(select(papers.c.primary_category).distinct().order_by(papers.c.primary_category))
        return [r[0] for r in rows if r[0]]


def api_item(p: dict[str, Any]) -> dict[str, Any]:
    """The list view of a paper in the JSON API."""
    return {"id": p["id"], "arxiv_id": p["arxiv_id"], "version": p["version"], "title": p["title"],
            "title_ko": p["title_ko"], "authors": p["authors"], "categories": p["categories"],
            "translated_at": p["translated_at"]}
