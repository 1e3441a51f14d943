"""Participant register: enrolments, consent per purpose, reference professionals, version.

The old single-programme columns of ``participants`` move into the new structure, then go:

- ``programme`` (free text), ``enrolled_on`` and ``exited_on`` become one row of
  ``enrolments``. The programme text is matched to a programme by code or name (case
  ignored); when none matches, a programme is created with that name (code made from it,
  period from the earliest enrolment to the latest exit). Dates without a programme text
  go to a programme called "Enrolment recorded before the registers" (code ``MIGRATED``).
  An enrolment without a start date starts on the programme's first day.
- ``reference_professional_id`` becomes one row of ``participant_professionals``.
- ``consent`` covered every purpose the application recorded data for, so it becomes
  consent to data processing and to the network survey; consent to images is never
  assumed (it was not asked). ``consent_on`` becomes ``consent_date``.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EXIT = "'', 'completed', 'moved_away', 'dropped_out', 'referred_elsewhere', 'other'"
_GROUP = "'', 'intervention', 'comparison'"


def upgrade() -> None:
    op.create_table(
        "participant_professionals",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_participant_professionals_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_participant_professionals_professional_id_professionals"),
        ),
        sa.PrimaryKeyConstraint(
            "participant_id", "professional_id", name=op.f("pk_participant_professionals")
        ),
    )
    with op.batch_alter_table("participant_professionals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participant_professionals_professional_id"),
            ["professional_id"],
            unique=False,
        )
    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("exit_reason", sa.String(length=20), nullable=False),
        sa.Column("evaluation_group", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "(programme_id IS NULL) <> (action_id IS NULL)",
            name=op.f("ck_enrolments_programme_or_action"),
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on <= ends_on", name=op.f("ck_enrolments_period_order")
        ),
        sa.CheckConstraint(
            f"exit_reason IN ({_EXIT})", name=op.f("ck_enrolments_exit_reason_allowed")
        ),
        sa.CheckConstraint(
            f"evaluation_group IN ({_GROUP})", name=op.f("ck_enrolments_evaluation_group_allowed")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["community_actions.id"],
            name=op.f("fk_enrolments_action_id_community_actions"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_enrolments_participant_id_participants"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_enrolments_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
    )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolments_action_id"), ["action_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_enrolments_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_enrolments_programme_id"), ["programme_id"], unique=False
        )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("consent_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("consent_processing", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("consent_survey", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("consent_images", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
    _move_data()
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.alter_column("consent_processing", server_default=None)
        batch_op.alter_column("consent_survey", server_default=None)
        batch_op.alter_column("consent_images", server_default=None)
        batch_op.alter_column("version", server_default=None)
        batch_op.drop_constraint(
            "fk_participants_reference_professional_id_professionals", type_="foreignkey"
        )
        batch_op.drop_column("reference_professional_id")
        batch_op.drop_column("programme")
        batch_op.drop_column("enrolled_on")
        batch_op.drop_column("exited_on")
        batch_op.drop_column("consent")
        batch_op.drop_column("consent_on")


_participants = sa.table(
    "participants",
    sa.column("id", sa.Integer()),
    sa.column("reference_professional_id", sa.Integer()),
    sa.column("programme", sa.String()),
    sa.column("enrolled_on", sa.Date()),
    sa.column("exited_on", sa.Date()),
    sa.column("consent", sa.Boolean()),
    sa.column("consent_on", sa.Date()),
    sa.column("consent_date", sa.Date()),
    sa.column("consent_processing", sa.Boolean()),
    sa.column("consent_survey", sa.Boolean()),
)
_programmes = sa.table(
    "programmes",
    sa.column("id", sa.Integer()),
    sa.column("code", sa.String()),
    sa.column("name", sa.String()),
    sa.column("starts_on", sa.Date()),
    sa.column("ends_on", sa.Date()),
    sa.column("lead_service_id", sa.Integer()),
    sa.column("notes", sa.Text()),
    sa.column("version", sa.Integer()),
)
_enrolments = sa.table(
    "enrolments",
    sa.column("participant_id", sa.Integer()),
    sa.column("programme_id", sa.Integer()),
    sa.column("action_id", sa.Integer()),
    sa.column("starts_on", sa.Date()),
    sa.column("ends_on", sa.Date()),
    sa.column("exit_reason", sa.String()),
    sa.column("evaluation_group", sa.String()),
)
_links = sa.table(
    "participant_professionals",
    sa.column("participant_id", sa.Integer()),
    sa.column("professional_id", sa.Integer()),
)

_MIGRATED = "Enrolment recorded before the registers"


def _code_for(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")[:30] or "MIGRATED"
    code, n = base, 1
    while code.casefold() in taken:
        n += 1
        code = f"{base}-{n}"
    taken.add(code.casefold())
    return code


def _move_data() -> None:
    bind = op.get_bind()
    people = bind.execute(sa.select(_participants)).mappings().all()
    if not people:
        return
    bind.execute(
        _participants.update().values(
            consent_date=_participants.c.consent_on,
            consent_processing=sa.func.coalesce(_participants.c.consent, sa.false()),
            consent_survey=sa.func.coalesce(_participants.c.consent, sa.false()),
        )
    )
    links = [
        {"participant_id": p["id"], "professional_id": p["reference_professional_id"]}
        for p in people
        if p["reference_professional_id"] is not None
    ]
    if links:
        bind.execute(_links.insert(), links)
    enrolled: dict[str, list[Any]] = {}
    for p in people:
        text = (p["programme"] or "").strip()
        if text or p["enrolled_on"] is not None or p["exited_on"] is not None:
            enrolled.setdefault(text or _MIGRATED, []).append(p)
    if not enrolled:
        return
    known = bind.execute(sa.select(_programmes.c.id, _programmes.c.code, _programmes.c.name)).all()
    by_name = {}
    for pid, code, name in known:
        by_name[str(code).casefold()] = pid
        by_name.setdefault(str(name).casefold(), pid)
    taken = {str(code).casefold() for _pid, code, _name in known}
    rows = []
    for text, group in enrolled.items():
        programme_id = by_name.get(text.casefold())
        days = [d for p in group for d in (p["enrolled_on"], p["exited_on"]) if d is not None]
        if programme_id is None:
            first = min(days) if days else dt.date.today()
            last = max(days) if days else first
            bind.execute(
                _programmes.insert().values(
                    code="MIGRATED" if text == _MIGRATED else _code_for(text, taken),
                    name=text,
                    starts_on=first,
                    ends_on=last,
                    lead_service_id=None,
                    notes="",
                    version=1,
                )
            )
            programme_id = bind.execute(
                sa.select(_programmes.c.id).where(_programmes.c.name == text)
            ).scalar_one()
        start_of = bind.execute(
            sa.select(_programmes.c.starts_on).where(_programmes.c.id == programme_id)
        ).scalar_one()
        for p in group:
            starts = p["enrolled_on"] or start_of
            ends = p["exited_on"]
            if ends is not None and ends < starts:
                starts = ends
            rows.append(
                {
                    "participant_id": p["id"],
                    "programme_id": programme_id,
                    "action_id": None,
                    "starts_on": starts,
                    "ends_on": ends,
                    "exit_reason": "",
                    "evaluation_group": "",
                }
            )
    bind.execute(_enrolments.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference_professional_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("programme", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("enrolled_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("exited_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("consent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("consent_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            "fk_participants_reference_professional_id_professionals",
            "professionals",
            ["reference_professional_id"],
            ["id"],
        )
    bind = op.get_bind()
    bind.execute(
        _participants.update().values(
            consent=_participants.c.consent_processing, consent_on=_participants.c.consent_date
        )
    )
    first_link = (
        sa.select(sa.func.min(_links.c.professional_id))
        .where(_links.c.participant_id == _participants.c.id)
        .scalar_subquery()
    )
    bind.execute(_participants.update().values(reference_professional_id=first_link))
    for row in bind.execute(
        sa.select(
            _enrolments.c.participant_id,
            _programmes.c.name,
            _enrolments.c.starts_on,
            _enrolments.c.ends_on,
        )
        .join(_programmes, _programmes.c.id == _enrolments.c.programme_id)
        .order_by(_enrolments.c.starts_on.desc())
    ).all():
        bind.execute(
            _participants.update()
            .where(_participants.c.id == row.participant_id)
            .values(programme=row.name[:100], enrolled_on=row.starts_on, exited_on=row.ends_on)
        )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.alter_column("programme", server_default=None)
        batch_op.alter_column("consent", server_default=None)
        batch_op.drop_column("version")
        batch_op.drop_column("consent_images")
        batch_op.drop_column("consent_survey")
        batch_op.drop_column("consent_processing")
        batch_op.drop_column("consent_date")
        batch_op.drop_column("birth_year")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolments_programme_id"))
        batch_op.drop_index(batch_op.f("ix_enrolments_participant_id"))
        batch_op.drop_index(batch_op.f("ix_enrolments_action_id"))
    op.drop_table("enrolments")
    with op.batch_alter_table("participant_professionals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_professionals_professional_id"))
    op.drop_table("participant_professionals")
