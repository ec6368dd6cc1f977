"""API tokens and limits.

A token is ``at_`` + 32 random URL-safe bytes, printed once by ``tokens create``;
the database keeps only its sha256.  Each token may carry a submission limit per
hour and a daily cost budget in USD (checked against an estimate before the
engine is called, in :mod:`.runner`).  The request form is protected by a
double-submit CSRF token (a random cookie echoed in a hidden field).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from arxiv_translator.errors import ConfigError, InputError
from arxiv_translator.web.db import jobs, tokens

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


def digest(token: str) -> str:
    """sha256 hex of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(db: Engine, name: str, per_hour: int | None = None, daily_usd: float | None = None) -> str:
    """A new token for ``name`` (returned once, stored hashed)."""
    if not NAME.match(name):
        raise InputError(f"{name!r}: a token name is 1-64 letters, digits, '_', '.', '@' or '-'")
    token = "at_" + secrets.token_urlsafe(32)
    try:
        with db.begin() as conn:
            conn.execute(tokens.insert().values(name=name, hash=digest(token), created=time.time(),
                                                per_hour=per_hour, daily_usd=daily_usd))
    except IntegrityError:
        raise ConfigError(f"{name}: a token with this name exists (revoke it first)") from None
    return token


def list_tokens(db: Engine) -> list[dict[str, Any]]:
    """Every token's name, dates and limits (never the token)."""
    with db.connect() as conn:
        rows = conn.execute(select(tokens.c.name, tokens.c.created, tokens.c.revoked, tokens.c.per_hour,
                                   tokens.c.daily_usd).order_by(tokens.c.name)).all()
    return [dict(r._mapping) for r in rows]


def revoke_token(db: Engine, name: str) -> None:
    """Revoke ``name``'s token; ConfigError when there is no such token."""
    with db.begin() as conn:
        res = conn.execute(tokens.update().where(and_(tokens.c.name == name, tokens.c.revoked.is_(None)))
                           .values(revoked=time.time()))
    if res.rowcount != 1:
        raise ConfigError(f"{name}: no such active token")


def verify(db: Engine, token: str | None) -> dict[str, Any] | None:
    """The active token row for ``token``, else None (constant-time comparison of the digests)."""
    if not token or len(token) > 200:
        return None
    want = digest(token)
    with db.connect() as conn:
        row = conn.execute(select(tokens).where(and_(tokens.c.hash == want, tokens.c.revoked.is_(None)))).first()
    if row is None or not hmac.compare_digest(row.hash, want):
        return None
    return dict(row._mapping)


def bearer(header: str | None) -> str | None:
    """The token in an ``Authorization: Bearer ...`` header."""
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


def over_hourly_limit(db: Engine, token: dict[str, Any]) -> str | None:
    """A message when the token used up its submissions for the last hour, else None."""
    if token.get("per_hour") is None:
        return None
    with db.connect() as conn:
        used = conn.execute(select(func.count()).select_from(jobs).where(
            and_(jobs.c.token == token["name"], jobs.c.created >= time.time() - 3600))).scalar_one()
    if used >= token["per_hour"]:
        return f"token '{token['name']}' reached its limit of {token['per_hour']} requests per hour"
    return None


def new_csrf() -> str:
    """A fresh CSRF value for the cookie and the form."""
    return secrets.token_urlsafe(24)


def csrf_ok(cookie: str | None, field: str | None) -> bool:
    """True when the form echoes the cookie's CSRF value."""
    return bool(cookie and field and hmac.compare_digest(cookie.encode(), field.encode()))


def local_host(host: str) -> bool:
    """True for loopback addresses, where auth is off by default."""
    return host in ("127.0.0.1", "localhost", "::1")
