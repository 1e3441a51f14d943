"""Models of assessments (SSM-Cat) and the instruments loaded from files (re-exported by
models).

Kept apart from :mod:`community_map.models` only for size; import them from there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community_map.models import Base, _enum_check, utcnow
from community_map.vocabulary import AssessmentPhase

__all__ = ["Assessment", "AssessmentScore", "InstrumentDefinition"]


class Assessment(Base):
    """An assessment of a participant with an instrument (SSM-Cat) at a phase of their path.

    ``information_on`` is the date of the oldest information the rating used (the
    information-age rule of the instrument); ``instrument_version`` the edition of the
    instrument definition it was recorded with.
    """

    __tablename__ = "assessments"
    __table_args__ = (_enum_check("phase", AssessmentPhase),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    instrument: Mapped[str] = mapped_column(String(40))
    instrument_version: Mapped[str] = mapped_column(String(20), default="")
    phase: Mapped[str] = mapped_column(String(20))
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("professionals.id"), nullable=True)
    information_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    scores: Mapped[list[AssessmentScore]] = relationship(back_populates="assessment")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class AssessmentScore(Base):
    """The level of one domain; ``level`` NULL means the domain was not assessed."""

    __tablename__ = "assessment_scores"
    __table_args__ = (
        CheckConstraint("level IS NULL OR (level BETWEEN 1 AND 10)", name="level_range"),
    )

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), primary_key=True)
    domain: Mapped[str] = mapped_column(String(60), primary_key=True)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)

    assessment: Mapped[Assessment] = relationship(back_populates="scores")


class InstrumentDefinition(Base):
    """An assessment instrument loaded from a file (domains, levels, labels in ca/es/en).

    Kept in the database so every user of a shared deployment sees the same instruments;
    the built-in SSM-Cat needs no row.
    """

    __tablename__ = "instruments"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    edition: Mapped[str] = mapped_column(String(20), default="")
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
