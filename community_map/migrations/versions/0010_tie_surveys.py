"""Tie surveys: one response per respondent, question and measurement point; ties belong to it.

Existing reported ties are kept: each respondent's ties of a day that falls inside a
measurement point become one response at that point (the point whose name is the tie's
wave first, then the earliest); ties whose day matches no point keep no response.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measurement_point_id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=40), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "question IN ('help', 'met_in_activities', 'trust')",
            name=op.f("ck_survey_responses_question_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["measurement_point_id"],
            ["measurement_points.id"],
            name=op.f("fk_survey_responses_measurement_point_id_measurement_points"),
        ),
        sa.ForeignKeyConstraint(
            ["respondent_id"],
            ["participants.id"],
            name=op.f("fk_survey_responses_respondent_id_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
        sa.UniqueConstraint(
            "measurement_point_id",
            "respondent_id",
            "question",
            name=op.f("uq_survey_responses_measurement_point_id_respondent_id_question"),
        ),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_responses_measurement_point_id"),
            ["measurement_point_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_survey_responses_respondent_id"), ["respondent_id"], unique=False
        )
    with op.batch_alter_table("reported_ties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("response_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_reported_ties_response_id"), ["response_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_reported_ties_response_id_survey_responses"),
            "survey_responses",
            ["response_id"],
            ["id"],
        )
    _responses_for_existing_ties()


def _responses_for_existing_ties() -> None:
    bind = op.get_bind()
    points = bind.execute(
        sa.text(
            "SELECT id, name, starts_on, ends_on FROM measurement_points ORDER BY starts_on, id"
        )
    ).all()
    if not points:
        return
    ties = bind.execute(
        sa.text(
            "SELECT id, from_participant_id, observed_on, wave FROM reported_ties "
            "ORDER BY observed_on, id"
        )
    ).all()
    responses: dict[tuple[int, int], int] = {}
    for tie_id, respondent, observed, wave in ties:
        day = _as_date(observed)
        matching = [p for p in points if _as_date(p[2]) <= day <= _as_date(p[3])]
        if not matching:
            continue
        named = [p for p in matching if str(p[1]) == str(wave or "")]
        point_id = int((named or matching)[0][0])
        key = (point_id, int(respondent))
        if key not in responses:
            bind.execute(
                sa.text(
                    "INSERT INTO survey_responses "
                    "(measurement_point_id, respondent_id, question, answered_on, version) "
                    "VALUES (:point, :respondent, 'help', :day, 1)"
                ),
                {"point": point_id, "respondent": int(respondent), "day": day},
            )
            responses[key] = int(
                bind.execute(
                    sa.text(
                        "SELECT id FROM survey_responses WHERE measurement_point_id = :point "
                        "AND respondent_id = :respondent AND question = 'help'"
                    ),
                    {"point": point_id, "respondent": int(respondent)},
                ).scalar_one()
            )
        bind.execute(
            sa.text("UPDATE reported_ties SET response_id = :response WHERE id = :tie"),
            {"response": responses[key], "tie": int(tie_id)},
        )


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    assert isinstance(value, dt.date)
    return value


def downgrade() -> None:
    with op.batch_alter_table("reported_ties", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_reported_ties_response_id_survey_responses"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_reported_ties_response_id"))
        batch_op.drop_column("response_id")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_respondent_id"))
        batch_op.drop_index(batch_op.f("ix_survey_responses_measurement_point_id"))
    op.drop_table("survey_responses")
