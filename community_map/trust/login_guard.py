"""The signing key, and throttling of failed log-ins per user name and per client.

Failures are counted in the database (table ``login_throttle``), so every app process
sees them. Rows are keyed by a keyed hash (HMAC-SHA256 with the signing key) of the
typed user name or the client's address, never by the typed text: a password typed
into the user-name field is not stored, and rows are forgotten once
``login_lockout_minutes`` have passed since their last failure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from community_map.models import AppState, LoginThrottle, utcnow
from community_map.settings import get_settings

__all__ = [
    "clear_failures",
    "locked_until",
    "register_failure",
    "secret_key",
    "throttle_key",
]

_SECRET_NAME = "secret_key"
_cache: dict[str, bytes] = {}


def secret_key(session: Session, *, create: bool = True) -> bytes | None:
    """Return the key that signs tokens: the ``secret_key`` setting, else the stored one.

    Without the setting, a random key is generated on first use and kept in the
    ``app_state`` table, so that every process sharing the database uses the same key.
    With ``create=False`` a missing key gives None instead (nothing is written).
    """
    configured = str(get_settings().secret_key)
    if configured:
        return configured.encode()
    bind = session.get_bind()
    url = bind.url.render_as_string(hide_password=True)  # type: ignore[union-attr]
    if url in _cache:
        return _cache[url]
    query = select(AppState.value).where(AppState.name == _SECRET_NAME)
    value = session.scalar(query)
    if value is None:
        if not create:
            return None
        value = secrets.token_urlsafe(48)
        try:
            with session.begin_nested():
                session.add(AppState(name=_SECRET_NAME, value=value))
        except IntegrityError:  # another process stored one first
            value = session.scalar(query)
            assert value is not None
        return value.encode()  # cached once read back from a committed row
    _cache[url] = value.encode()
    return _cache[url]


def throttle_key(secret: bytes, kind: str, value: str) -> str:
    """Return the keyed hash under which failures of one user name or client are counted.

    Examples
    --------
    >>> key = throttle_key(b"k", "user", "laia")
    >>> len(key), key == throttle_key(b"k", "user", "laia"), key == throttle_key(b"x", "user", "la")
    (64, True, False)
    """
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=int(get_settings().login_lockout_minutes))


def locked_until(session: Session, keys: Sequence[str], *, now: dt.datetime) -> dt.datetime | None:
    """Return until when log-in is blocked for any of ``keys``, or None if it is not."""
    if not keys:
        return None
    until = session.scalar(
        select(LoginThrottle.locked_until)
        .where(LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now)
        .order_by(LoginThrottle.locked_until.desc())
        .limit(1)
    )
    return until


def register_failure(
    session: Session, limits: Sequence[tuple[str, int]], *, now: dt.datetime
) -> dt.datetime | None:
    """Count one failure under each key; return the lock's end if one key reached its limit.

    ``limits`` pairs a key with its maximum number of failures. Rows whose last failure
    is older than the lock-out window, and whose lock has ended, are deleted first.
    """
    window = _window()
    session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < now - window,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= now),
        )
    )
    locked: dt.datetime | None = None
    for key, limit in limits:
        # An atomic increment: concurrent failures from several processes all count.
        bump = (
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(session.execute(bump)) == 0:
            try:
                with session.begin_nested():
                    session.add(LoginThrottle(key=key, failures=1, last_failure_at=now))
            except IntegrityError:  # another process counted the first failure meanwhile
                session.execute(bump)
        failures = session.scalar(select(LoginThrottle.failures).where(LoginThrottle.key == key))
        if limit > 0 and (failures or 0) >= limit:
            until = now + window
            session.execute(
                update(LoginThrottle)
                .where(LoginThrottle.key == key)
                .values(failures=0, locked_until=until)
                .execution_options(synchronize_session=False)
            )
            locked = until if locked is None else max(locked, until)
    return locked


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def clear_failures(session: Session, key: str) -> dt.datetime | None:
    """Forget the failures and any lock under ``key``; return the lock's end it had, if any."""
    row = session.get(LoginThrottle, key)
    if row is None:
        return None
    until = row.locked_until if row.locked_until and row.locked_until > utcnow() else None
    session.delete(row)
    session.flush()
    return until
