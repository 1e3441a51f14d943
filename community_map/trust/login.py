"""Logging in and staying logged in: passwords with throttling, tokens, single sign-on.

A failed log-in is recorded (audit entry and throttle count) and *committed* before the
error is raised, so that failures count whatever the caller does with its session.
The audit log names the account only when the typed user name is an existing account;
otherwise it records :data:`UNKNOWN_USER`, never the typed text (it may be a password).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import math
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community_map.errors import AccountLockedError, AuthenticationError
from community_map.i18n import gettext as _
from community_map.i18n import ngettext
from community_map.models import Role, User, utcnow
from community_map.settings import get_settings
from community_map.trust.audit import record
from community_map.trust.login_guard import (
    clear_failures,
    locked_until,
    register_failure,
    secret_key,
    throttle_key,
)
from community_map.trust.passwords import hash_password, needs_rehash, verify_password
from community_map.trust.permissions import Actor

__all__ = [
    "SSO_ACTOR",
    "UNKNOWN_USER",
    "actor_for_sso",
    "actor_from_token",
    "actor_from_user",
    "authenticate",
    "issue_token",
    "log_out",
    "reload_actor",
]

UNKNOWN_USER = "(unknown user)"
"""The audit log's actor for a failed log-in whose user name is not an account."""

SSO_ACTOR = "(single sign-on)"
"""The audit log's actor for a single sign-on identity that has no account."""


@functools.cache
def _dummy_hash() -> str:
    # Verifying against a real hash for unknown names takes as long as for accounts,
    # so response times do not reveal which user names exist.
    return hash_password(secrets.token_hex(16))


def actor_from_user(user: User) -> Actor:
    """The acting user of a stored account, with its links to a service and a professional."""
    return Actor(
        username=user.username,
        role=Role(user.role),
        user_id=user.id,
        display_name=user.display_name,
        service_id=user.service_id,
        professional_id=user.professional_id,
    )


def _lock_error(until: dt.datetime, now: dt.datetime) -> AccountLockedError:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return AccountLockedError(
        ngettext(
            "Too many failed log-ins: log-in is blocked for this account. "
            "Try again in {n} minute, or ask an administrator to unlock it.",
            "Too many failed log-ins: log-in is blocked for this account. "
            "Try again in {n} minutes, or ask an administrator to unlock it.",
            minutes,
        ).format(n=minutes)
    )


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    client: str | None = None,
    now: dt.datetime | None = None,
) -> Actor:
    """Check a user name and password; return the logged-in actor.

    Every outcome is audited. After ``login_max_failures`` failures in a row for one
    user name (or ``login_max_failures_per_client`` from one ``client`` address, when
    that setting is not 0), log-in is blocked for ``login_lockout_minutes``, even with
    the right password; the error then says when to try again. The message for a wrong
    user name is the same as for a wrong password, and unknown user names are throttled
    too, so that accounts cannot be discovered.

    Raises
    ------
    AccountLockedError
        Log-in is blocked for this user name or client.
    AuthenticationError
        Wrong user name or password, or an inactive account (committed before raising).

    Examples
    --------
    >>> with session_scope(engine) as session:  # doctest: +SKIP
    ...     actor = authenticate(session, "laia", "a-long-secret", client="203.0.113.7")
    """
    conf = get_settings()
    now = now or utcnow()
    name = username.strip().lower()
    secret = secret_key(session)
    assert secret is not None
    user_key = throttle_key(secret, "user", name)
    limits = [(user_key, int(conf.login_max_failures))]
    if client and int(conf.login_max_failures_per_client) > 0:
        limits.append((throttle_key(secret, "client", client), conf.login_max_failures_per_client))
    user = session.scalar(select(User).where(User.username == name))
    who = Actor(username=UNKNOWN_USER if user is None else user.username, role=Role.DISTRICT_VIEWER)
    entity_id = None if user is None else user.id

    until = locked_until(session, [key for key, _limit in limits], now=now)
    if until is not None:
        record(session, who, "login_failed", "users", entity_id, after={"reason": "locked"})
        session.commit()
        raise _lock_error(until, now)

    matches = verify_password(_dummy_hash() if user is None else user.password_hash, password)
    if user is None or not user.is_active or not matches:
        reason = "unknown_user" if user is None else "inactive" if matches else "wrong_password"
        record(session, who, "login_failed", "users", entity_id, after={"reason": reason})
        until = register_failure(session, limits, now=now)
        if until is not None:
            after = {"until": until.isoformat(timespec="seconds")}
            record(session, who, "login_locked", "users", entity_id, after=after)
        session.commit()
        if until is not None:
            raise _lock_error(until, now)
        raise AuthenticationError(_("Wrong user name or password."))
    clear_failures(session, user_key)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    actor = actor_from_user(user)
    record(session, actor, "login", "users", user.id)
    return actor


def reload_actor(session: Session, actor: Actor) -> Actor | None:
    """Return ``actor`` as the database has it now, or None if they may no longer act.

    The web app calls this on every run, so that deactivation takes effect at once and
    a changed role, service or professional applies to the next click. It reads one row
    by primary key and writes nothing. None when the account is gone, inactive, or
    carries another user name than ``actor``.

    Examples
    --------
    >>> from community_map.models import Role
    >>> reload_actor(None, Actor(username="cli", role=Role.ADMIN)) is None  # not an account
    True
    """
    if actor.user_id is None:
        return None
    user = session.get(User, actor.user_id)
    if user is None or not user.is_active or user.username != actor.username:
        return None
    return actor_from_user(user)


def _signature(secret: bytes, user_id: int, issued: int, nonce: str) -> str:
    digest = hmac.new(secret, f"{user_id}.{issued}.{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue_token(session: Session, actor: Actor, *, now: dt.datetime | None = None) -> str:
    """Return a signed token that logs ``actor`` back in after a page reload.

    The token holds the user id and the time it was issued, signed (HMAC-SHA256) with
    the signing key and the account's session nonce: it expires after
    ``idle_timeout_minutes``, and logging out or deactivating the account (which change
    the nonce) invalidates it. It holds nothing secret. Writes nothing once the signing
    key exists (it is created at the first log-in).

    Examples
    --------
    >>> token = issue_token(session, actor)  # doctest: +SKIP
    >>> actor_from_token(session, token) == actor  # doctest: +SKIP
    True
    """
    if actor.user_id is None:
        raise AuthenticationError(_("Only an account can stay logged in."))
    user = session.get(User, actor.user_id)
    secret = secret_key(session)
    if user is None or secret is None:
        raise AuthenticationError(_("Only an account can stay logged in."))
    issued = int((now or utcnow()).replace(tzinfo=dt.UTC).timestamp())
    return f"{user.id}.{issued}.{_signature(secret, user.id, issued, user.session_nonce)}"


def actor_from_token(
    session: Session, token: str, *, now: dt.datetime | None = None
) -> Actor | None:
    """Return the actor a token from :func:`issue_token` logs in, or None if it is not valid.

    Not valid: malformed, badly signed, older than ``idle_timeout_minutes``, issued before
    the account's last log-out, or for an inactive account. Writes nothing.

    Examples
    --------
    >>> actor_from_token(None, "not-a-token") is None  # malformed: no database needed
    True
    """
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    user_id, issued = int(parts[0]), int(parts[1])
    moment = int((now or utcnow()).replace(tzinfo=dt.UTC).timestamp())
    max_age = int(get_settings().idle_timeout_minutes) * 60
    if not (moment - max_age <= issued <= moment + 60):
        return None
    secret = secret_key(session, create=False)
    user = session.get(User, user_id)
    if secret is None or user is None or not user.is_active:
        return None
    expected = _signature(secret, user.id, issued, user.session_nonce)
    if not hmac.compare_digest(expected, parts[2]):
        return None
    return actor_from_user(user)


def log_out(session: Session, *, actor: Actor) -> None:
    """End every login token of ``actor``'s account (a new session nonce), audited."""
    user = None if actor.user_id is None else session.get(User, actor.user_id)
    if user is None:
        return
    user.session_nonce = secrets.token_hex(16)
    record(session, actor, "logout", "users", user.id)


def actor_for_sso(
    session: Session, *, email: str | None, email_verified: bool | None = None
) -> Actor:
    """Return the account a single sign-on identity maps to; its role comes from the database.

    The identity provider vouches for an e-mail address; an administrator links it to an
    account on the Users page (``sso_email``). An unknown or unverified address, or an
    inactive account, is refused with a message to ask an administrator, and the attempt
    is audited (committed before raising).

    Raises
    ------
    AuthenticationError
        No active account is linked to the address.

    Examples
    --------
    >>> actor_for_sso(session, email="laia@example.org", email_verified=True)  # doctest: +SKIP
    Actor(username='laia', role=<Role.EDUCATOR: 'educator'>, ...)
    """
    address = (email or "").strip().lower()
    user = None
    if address and email_verified is not False:
        user = session.scalar(select(User).where(func.lower(User.sso_email) == address))
    if user is None or not user.is_active:
        name, entity_id = (SSO_ACTOR, None) if user is None else (user.username, user.id)
        who = Actor(username=name, role=Role.DISTRICT_VIEWER)
        reason = "no_account" if user is None else "inactive"
        after = {"method": "sso", "email": address, "reason": reason}
        record(session, who, "login_failed", "users", entity_id, after=after)
        session.commit()
        raise AuthenticationError(
            _(
                "There is no active account for {email}. Ask an administrator to create "
                "your account and link it to this address."
            ).format(email=address or "?")
        )
    user.last_login_at = utcnow()
    actor = actor_from_user(user)
    record(session, actor, "login", "users", user.id, after={"method": "sso"})
    return actor
