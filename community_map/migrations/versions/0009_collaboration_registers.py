"""Collaboration registers: coordination spaces (members, meetings, attendance), referrals
in their own table, and a version and intensity scale on collaborations.

Existing collaborations of kind ``referral`` are moved into ``referrals``: from service,
to service and date are kept, the note too; their outcome was never recorded, so they
become ``pending`` with no outcome date (a user can then record what happened). Their
intensity and professionals are not kept (a referral has none). Collaborations get the
scale id ``himmelman-4`` (the levels 1-4 they held already follow Himmelman's order) and
the kinds without ``referral``, plus ``joint_project`` and ``other``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW_KINDS = (
    "kind IN ('co_led_activity', 'joint_case', 'joint_project', 'information_exchange', "
    "'coordination_meeting', 'other')"
)
_OLD_KINDS = (
    "kind IN ('referral', 'coordination_meeting', 'joint_case', 'information_exchange', "
    "'co_led_activity')"
)


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_service_id", sa.Integer(), nullable=False),
        sa.Column("to_service_id", sa.Integer(), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('pending', 'accepted', 'declined')",
            name=op.f("ck_referrals_outcome_allowed"),
        ),
        sa.CheckConstraint(
            "(outcome = 'pending') OR (outcome_on IS NOT NULL AND outcome_on >= referred_on)",
            name=op.f("ck_referrals_outcome_dated"),
        ),
        sa.ForeignKeyConstraint(
            ["from_service_id"], ["services.id"], name=op.f("fk_referrals_from_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["to_service_id"], ["services.id"], name=op.f("fk_referrals_to_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_referrals_participant_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        for column in ("from_service_id", "to_service_id", "referred_on", "participant_id"):
            batch_op.create_index(batch_op.f(f"ix_referrals_{column}"), [column], unique=False)

    op.create_table(
        "coordination_spaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("lead_service_id", sa.Integer(), nullable=True),
        sa.Column("territory_unit_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('motor_group', 'district_table', 'case_team', 'network_table', 'other')",
            name=op.f("ck_coordination_spaces_kind_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_service_id"],
            ["services.id"],
            name=op.f("fk_coordination_spaces_lead_service_id_services"),
        ),
        sa.ForeignKeyConstraint(
            ["territory_unit_id"],
            ["territory_units.id"],
            name=op.f("fk_coordination_spaces_territory_unit_id_territory_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordination_spaces")),
        sa.UniqueConstraint("code", name=op.f("uq_coordination_spaces_code")),
    )
    op.create_table(
        "coordination_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("member_kind", sa.String(length=20), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("professional_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "member_kind IN ('service', 'professional', 'entity', 'resident')",
            name=op.f("ck_coordination_members_member_kind_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["coordination_spaces.id"],
            name=op.f("fk_coordination_members_space_id_coordination_spaces"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_coordination_members_service_id_services"),
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["professionals.id"],
            name=op.f("fk_coordination_members_professional_id_professionals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordination_members")),
    )
    with op.batch_alter_table("coordination_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coordination_members_space_id"), ["space_id"], unique=False
        )
    op.create_table(
        "coordination_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["coordination_spaces.id"],
            name=op.f("fk_coordination_meetings_space_id_coordination_spaces"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordination_meetings")),
    )
    with op.batch_alter_table("coordination_meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coordination_meetings_space_id"), ["space_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_coordination_meetings_held_on"), ["held_on"], unique=False
        )
    op.create_table(
        "meeting_attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["coordination_meetings.id"],
            name=op.f("fk_meeting_attendance_meeting_id_coordination_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["coordination_members.id"],
            name=op.f("fk_meeting_attendance_member_id_coordination_members"),
        ),
        sa.PrimaryKeyConstraint("meeting_id", "member_id", name=op.f("pk_meeting_attendance")),
    )
    with op.batch_alter_table("meeting_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_attendance_member_id"), ["member_id"], unique=False
        )

    # referrals recorded as collaborations move to their own table (outcome unknown: pending)
    op.execute(
        "INSERT INTO referrals (from_service_id, to_service_id, referred_on, participant_id, "
        "outcome, outcome_on, note, version) SELECT from_service_id, to_service_id, "
        "occurred_on, NULL, 'pending', NULL, note, 1 FROM collaborations "
        "WHERE kind = 'referral' ORDER BY id"
    )
    op.execute("DELETE FROM collaborations WHERE kind = 'referral'")
    with op.batch_alter_table("collaborations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scale", sa.String(length=40), nullable=False, server_default="himmelman-4")
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.drop_constraint(op.f("ck_collaborations_kind_allowed"), type_="check")
        batch_op.create_check_constraint("kind_allowed", _NEW_KINDS)


def downgrade() -> None:
    op.execute("UPDATE collaborations SET kind = 'information_exchange' WHERE kind = 'other'")
    op.execute("UPDATE collaborations SET kind = 'joint_case' WHERE kind = 'joint_project'")
    with op.batch_alter_table("collaborations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_collaborations_kind_allowed"), type_="check")
        batch_op.create_check_constraint("kind_allowed", _OLD_KINDS)
        batch_op.drop_column("version")
        batch_op.drop_column("scale")
    op.execute(
        "INSERT INTO collaborations (from_service_id, to_service_id, from_professional_id, "
        "to_professional_id, occurred_on, kind, intensity, directed, note) SELECT "
        "from_service_id, to_service_id, NULL, NULL, referred_on, 'referral', 2, TRUE, note "
        "FROM referrals ORDER BY id"
    )
    op.drop_table("meeting_attendance")
    op.drop_table("coordination_meetings")
    op.drop_table("coordination_members")
    op.drop_table("coordination_spaces")
    op.drop_table("referrals")
