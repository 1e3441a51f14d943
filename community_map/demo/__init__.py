"""Deterministic demo data grounded in the source documents (Amunt!, Comunitàriament).

Barcelona's 10 districts and 73 neighbourhoods with their real names and codes, and
approximate boundaries constructed here (Voronoi cells of neighbourhood centres clipped
to a coarse city outline); social services centres, assets, the Amunt! services and
professionals, pseudonymous participants, a year (September 2022 - September 2023) of
community actions with sessions and attendance, collaborations between services,
reported ties and SSM-Cat assessments. Everything comes from a seeded random generator,
so the same seed and scale always give the same database.

The ``city`` scale builds about 20,000 participants, 5,000 sessions, 100,000
attendance rows and 10,000 assets, for benchmarks.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from community_map import trust as services
from community_map.demo import _names
from community_map.demo._builder import Builder
from community_map.demo._builder_base import (
    CSS_TOTAL,
    PERIOD_END,
    PERIOD_START,
    SCALES,
    DemoScale,
    Progress,
    bcn_catchments,
    social_services_centres,
)
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    Asset,
    Base,
    Participant,
    Role,
    Service,
    SessionFacilitator,
    TerritoryUnit,
    User,
)
from community_map.storage import session_scope
from community_map.trust.permissions import Actor

__all__ = [
    "CSS_TOTAL",
    "DEMO_ACCOUNTS",
    "DEMO_MARKER",
    "PERIOD_END",
    "PERIOD_START",
    "SCALES",
    "DemoScale",
    "Progress",
    "bcn_catchments",
    "generate_demo",
    "is_demo_database",
    "social_services_centres",
]

DEMO_MARKER = "demo_data"

DEMO_ACCOUNTS: tuple[tuple[str, str, Role], ...] = (
    ("admin", "demo-admin", Role.ADMIN),
    ("coordinator", "demo-coordinator", Role.COORDINATOR),
    ("educator", "demo-educator", Role.EDUCATOR),
    ("motorgroup", "demo-motorgroup", Role.MOTOR_GROUP),
    ("district", "demo-district", Role.DISTRICT_VIEWER),
    ("evaluator", "demo-evaluator", Role.EVALUATOR),
)


def _noop(_fraction: float, _message: str) -> None:
    return None


def is_demo_database(engine: Engine) -> bool:
    """Return whether the database holds demo data made by :func:`generate_demo`."""
    from community_map.models import AuditLog

    with session_scope(engine) as session:
        return (
            session.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.entity == DEMO_MARKER)
            )
            or 0
        ) > 0


def _ensure_empty(session: Session) -> None:
    for model in (User, TerritoryUnit, Asset, Participant, Service):
        count = session.scalar(select(func.count()).select_from(model)) or 0
        if count:
            raise ValidationError(
                _(
                    "The database already holds data ({n} rows in {table}). Demo data goes into "
                    "an empty database: give another database URL, for example "
                    "sqlite:///community_map_demo.db."
                ).format(n=count, table=model.__tablename__)
            )


def generate_demo(
    engine: Engine,
    *,
    actor: Actor,
    scale: str = "default",
    seed: int = 2022,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Fill an empty, migrated database with demo data.

    Parameters
    ----------
    engine
        Engine of a migrated, empty database.
    actor
        Who loads the data (recorded in the audit log); needs ``import_data`` and
        ``manage_users``.
    scale
        ``"default"`` (about 300 participants, 760 assets) or ``"city"`` (about 20,000
        participants, 5,000 sessions, 100,000 attendance rows, 10,000 assets).
    seed
        Seed of the random generator; the same seed gives the same data.
    progress
        Called with a fraction in [0, 1] and a message while the work goes on.
    today
        Date the assets' "last verified" dates count back from (default: today), so
        that about one asset in three is stale whenever the demo is built.

    Returns
    -------
    dict
        Rows written per table.
    """
    if scale not in SCALES:
        raise ValidationError(
            _("Unknown demo scale {scale!r}; choose one of: {known}.").format(
                scale=scale, known=", ".join(SCALES)
            )
        )
    report = progress or _noop
    report(0.0, _("Territory"))
    builder = Builder(SCALES[scale], seed, today or dt.date.today())
    builder.territory()
    report(0.1, _("Assets"))
    builder.assets()
    report(0.2, _("Services and professionals"))
    builder.organisations()
    builder.programmes()
    report(0.3, _("Participants"))
    builder.participants()
    builder.actions(report)
    report(0.75, _("Collaborations, ties and assessments"))
    builder.collaborations()
    builder.coordination()
    builder.reported_ties()
    builder.assessments()
    counts: dict[str, int] = {}
    order = [m for m in Base.metadata.sorted_tables]
    with session_scope(engine) as session:
        _ensure_empty(session)
        for i, table in enumerate(order):
            model = next((m for m in builder.rows if m.__table__ is table), None)
            if model is None:
                continue
            report(0.8 + 0.15 * i / len(order), _("Writing {table}").format(table=table.name))
            rows = builder.rows[model]
            for start in range(0, len(rows), 20_000):
                services.bulk_create(
                    session,
                    actor=actor,
                    model=model,
                    rows=rows[start : start + 20_000],
                    note="demo",
                )
            counts[table.name] = len(rows)
        _sync_sequences(session)
        # the demo educator is the SAC educator who facilitates most sessions
        busiest = session.scalar(
            select(SessionFacilitator.professional_id)
            .group_by(SessionFacilitator.professional_id)
            .order_by(func.count().desc(), SessionFacilitator.professional_id)
            .limit(1)
        )
        for username, password, role in DEMO_ACCOUNTS:
            services.add_user(
                session,
                actor=actor,
                username=username,
                password=password,
                role=role,
                display_name=_names.DEMO_DISPLAY_NAMES[username],
                service_id=None,
                professional_id=busiest if role is Role.EDUCATOR else None,
            )
        counts["users"] = len(DEMO_ACCOUNTS)
        services.record(
            session, actor, "create", DEMO_MARKER, scale, after={"seed": seed, "scale": scale}
        )
    report(1.0, _("Done"))
    return counts


def _sync_sequences(session: Session) -> None:
    """After inserts with explicit ids, move PostgreSQL's id sequences past them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
