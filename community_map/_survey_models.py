"""Models of the tie surveys: answers at measurement points and the ties they name
(re-exported by models).

Kept apart from :mod:`community_map.models` only for size; import them from there.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from community_map.models import Base, _enum_check
from community_map.vocabulary import SurveyQuestion

__all__ = ["ReportedTie", "SurveyResponse"]


class ReportedTie(Base):
    __tablename__ = "reported_ties"
    __table_args__ = (CheckConstraint("from_participant_id <> to_participant_id", name="no_loop"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    to_participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    observed_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40), default="acquaintance")
    source: Mapped[str] = mapped_column(String(40), default="survey")
    wave: Mapped[str] = mapped_column(String(20), default="")
    # The survey answer that named this person (ties recorded before responses existed: none).
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_responses.id"), nullable=True, index=True
    )


class SurveyResponse(Base):
    """One respondent's answer to one question of a tie survey at a measurement point.

    The people named are its :class:`ReportedTie` rows; an answer naming nobody has none
    (the respondent is isolated), while a participant with no answer is "no answer".
    """

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("measurement_point_id", "respondent_id", "question"),
        _enum_check("question", SurveyQuestion),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measurement_point_id: Mapped[int] = mapped_column(
        ForeignKey("measurement_points.id"), index=True
    )
    respondent_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    question: Mapped[str] = mapped_column(String(40), default=SurveyQuestion.HELP.value)
    answered_on: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
