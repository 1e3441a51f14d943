"""Read-only views of user accounts and the audit log."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community_map.models import AuditLog, Professional, Service, User, utcnow
from community_map.trust.login_guard import locked_until, secret_key, throttle_key
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "account_count",
    "audit_log_frame",
    "audited_entities",
    "professional_choices",
    "users_frame",
]


def users_frame(session: Session, *, actor: Actor) -> pd.DataFrame:
    """Return the accounts (never their password hashes), one row per user name.

    Columns: username, display_name, role, is_active, professional_id, professional (code
    and name),
    sso_email, locked_until (None unless log-in is blocked now), created_at,
    last_login_at.
    """
    require(actor, Permission.MANAGE_USERS)
    rows = (
        session.execute(
            select(
                User.username,
                User.display_name,
                User.role,
                User.is_active,
                User.professional_id,
                Professional.code.label("professional_code"),
                Professional.display_name.label("professional_name"),
                User.sso_email,
                User.created_at,
                User.last_login_at,
            )
            .outerjoin(Professional, Professional.id == User.professional_id)
            .order_by(User.username)
        )
        .mappings()
        .all()
    )
    secret = secret_key(session, create=False)
    now = utcnow()
    records = []
    for row in rows:
        until = None
        if secret is not None:
            until = locked_until(session, [throttle_key(secret, "user", row["username"])], now=now)
        parts = (row["professional_code"], row["professional_name"])
        record = {
            k: v for k, v in row.items() if k not in {"professional_code", "professional_name"}
        }
        record.update(professional=" ".join(p for p in parts if p), locked_until=until)
        records.append(record)
    columns = [
        "username",
        "display_name",
        "role",
        "is_active",
        "professional_id",
        "professional",
        "sso_email",
        "locked_until",
        "created_at",
        "last_login_at",
    ]
    return pd.DataFrame(records, columns=columns)


def professional_choices(session: Session, *, actor: Actor) -> dict[int, str]:
    """Return the professionals an account can be linked to: id -> "code · name · service".

    Examples
    --------
    >>> professional_choices(session, actor=admin)  # doctest: +SKIP
    {7: 'P1 · Laia P. · CSS Sant Martí'}
    """
    require(actor, Permission.MANAGE_USERS)
    rows = session.execute(
        select(Professional.id, Professional.code, Professional.display_name, Service.name)
        .outerjoin(Service, Service.id == Professional.service_id)
        .order_by(Professional.code)
    ).all()
    return {
        pid: " · ".join(part for part in (code, name, service) if part)
        for pid, code, name, service in rows
    }


def audit_log_frame(
    session: Session, *, actor: Actor, limit: int = 500, entity: str | None = None
) -> pd.DataFrame:
    """Return the newest audit entries first, optionally for one entity (table) only."""
    require(actor, Permission.VIEW_AUDIT)
    query = select(
        AuditLog.id,
        AuditLog.at,
        AuditLog.actor,
        AuditLog.action,
        AuditLog.entity,
        AuditLog.entity_id,
        AuditLog.before,
        AuditLog.after,
    )
    if entity:
        query = query.where(AuditLog.entity == entity)
    rows = session.execute(query.order_by(AuditLog.id.desc()).limit(limit)).mappings().all()
    columns = ["id", "at", "actor", "action", "entity", "entity_id", "before", "after"]
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("before", "after"):
        frame[col] = frame[col].map(lambda v: "" if v is None else str(v))
    return frame


def audited_entities(session: Session, *, actor: Actor) -> list[str]:
    """Return the entity names that appear in the audit log, sorted."""
    require(actor, Permission.VIEW_AUDIT)
    return sorted(session.scalars(select(AuditLog.entity).distinct()).all())


def account_count(session: Session) -> int:
    """Return how many accounts exist (the login page says how to create the first one).

    A count is not personal data, so it needs no acting user: the login page asks it
    before anyone has logged in.
    """
    return int(session.scalar(select(func.count()).select_from(User)) or 0)
