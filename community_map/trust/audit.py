"""The audit log: every write is recorded with who, when, what, before and after.

Functions take an open SQLAlchemy session and an :class:`~community_map.trust.Actor`; the
caller commits (see :func:`community_map.storage.session_scope`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from community_map.models import AuditLog, Base, utcnow
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "EXPORT_ACTION",
    "bulk_create",
    "changes",
    "data_version",
    "record",
    "record_export",
    "record_many",
]

EXPORT_ACTION = "export"
"""The audit action of a download or file export of personal data (not a write)."""

NOT_DATA_ACTIONS = (EXPORT_ACTION, "login", "login_failed", "login_locked", "logout")
"""Audit actions that change no data (:func:`data_version` ignores them)."""


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object = None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditLog:
    """Append an entry to the audit log (who, when, what, before and after)."""
    entry = _entry(actor, action, entity, entity_id, before, after, at=utcnow())
    session.add(entry)
    session.flush()
    return entry


def _entry(
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    at: dt.datetime,
) -> AuditLog:
    return AuditLog(
        at=at,
        user_id=actor.user_id,
        actor=actor.username,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
    )


def record_many(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entries: Iterable[tuple[object, Mapping[str, Any] | None, Mapping[str, Any] | None]],
) -> int:
    """Append one audit entry per row, ``(entity_id, before, after)``; return how many.

    Used by imports and bulk changes: each changed row keeps its own before and after,
    written in one flush.
    """
    at = utcnow()
    rows = [
        _entry(actor, action, entity, entity_id, before, after, at=at)
        for entity_id, before, after in entries
    ]
    session.add_all(rows)
    session.flush()
    return len(rows)


def changes(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the fields whose value differs between ``before`` and ``after``, both sides.

    Audit entries keep only what a write changed, so a reader sees the real before and
    after of every changed field (and nothing else).

    Examples
    --------
    >>> changes({"title": "A", "capacity": 10}, {"title": "A", "capacity": 12})
    ({'capacity': 10}, {'capacity': 12})
    >>> changes({"ids": [1, 2]}, {"ids": [1, 2], "notes": "new"})
    ({'notes': None}, {'notes': 'new'})
    """
    keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _plain(value: object) -> Any:
    """``value`` as JSON: dates as ISO text, collections as lists, other objects as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return str(value)


def record_export(
    session: Session, actor: Actor, kind: str, rows: int, **filters: object
) -> AuditLog:
    """Record that ``actor`` exported personal data: which export, how many rows, which filters.

    Every download and command-line export that holds participant codes calls this, so the
    audit log says who took personal data out of the application. ``kind`` names the
    export (``programme_workbook``, ``network``, ``participant_record``...); ``filters``
    are what selected the rows (dates as ISO text, lists kept as lists).

    Examples
    --------
    >>> record_export(session, actor, "network", 12, layer="reported")  # doctest: +SKIP
    """
    return record(
        session,
        actor,
        EXPORT_ACTION,
        kind,
        None,
        after={"rows": int(rows), "filters": _plain(dict(filters))},
    )


def data_version(session: Session) -> int:
    """Return a number that grows with every write, for caching results per data version.

    Exports, log-ins and log-outs are not writes of data: they leave the version (and every
    user's caches) alone, so a colleague logging in does not make the Map slow again.
    """
    return int(
        session.scalar(
            select(func.coalesce(func.max(AuditLog.id), 0)).where(
                AuditLog.action.not_in(NOT_DATA_ACTIONS)
            )
        )
        or 0
    )


def bulk_create(
    session: Session,
    *,
    actor: Actor,
    model: type[Base],
    rows: Iterable[Mapping[str, Any]],
    note: str = "",
) -> int:
    """Insert many rows of one table in one statement, audited as a single entry.

    Used by importers and the demo generator, where one audit entry per row would drown
    the log. The entry records the table, the row count and ``note``.
    """
    require(actor, Permission.IMPORT_DATA)
    batch = [dict(r) for r in rows]
    if batch:
        session.execute(insert(model), batch)
    record(
        session,
        actor,
        "bulk_create",
        model.__tablename__,
        None,
        after={"rows": len(batch), "note": note},
    )
    return len(batch)
