"""Models of the collaboration, coordination spaces and referral registers (re-exported by models).

Kept apart from :mod:`community_map.models` only for size; import them from there.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from community_map.models import Base, _enum_check
from community_map.vocabulary import (
    INTENSITY_SCALE,
    CollaborationKind,
    CoordinationKind,
    MemberKind,
    ReferralOutcome,
)

__all__ = [
    "Collaboration",
    "CoordinationMeeting",
    "CoordinationMember",
    "CoordinationSpace",
    "MeetingAttendance",
    "Referral",
]


class Collaboration(Base):
    __tablename__ = "collaborations"
    __table_args__ = (
        CheckConstraint("intensity BETWEEN 1 AND 4", name="intensity_range"),
        _enum_check("kind", CollaborationKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    to_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    from_professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professionals.id"), nullable=True
    )
    to_professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professionals.id"), nullable=True
    )
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))
    intensity: Mapped[int] = mapped_column(Integer)
    directed: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    # the intensity scale the rating was given on (INTENSITY_SCALE: Himmelman's four levels)
    scale: Mapped[str] = mapped_column(String(40), default=INTENSITY_SCALE)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Referral(Base):
    """A referral from one service to another, optionally of one participant (by code)."""

    __tablename__ = "referrals"
    __table_args__ = (
        _enum_check("outcome", ReferralOutcome),
        CheckConstraint(
            "(outcome = 'pending') OR (outcome_on IS NOT NULL AND outcome_on >= referred_on)",
            name="outcome_dated",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    to_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    referred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id"), nullable=True, index=True
    )
    outcome: Mapped[str] = mapped_column(String(20), default=ReferralOutcome.PENDING.value)
    outcome_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CoordinationSpace(Base):
    """A standing coordination space: a motor group, a district table, an ETAC-like team..."""

    __tablename__ = "coordination_spaces"
    __table_args__ = (_enum_check("kind", CoordinationKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    lead_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    territory_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory_units.id"), nullable=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CoordinationMember(Base):
    """A member of a coordination space: a service, a professional, an entity or a resident.

    Entities and residents are a ``name``; a resident's name is the one the group agreed to
    show (or a participant code), never a participant's full name.
    """

    __tablename__ = "coordination_members"
    __table_args__ = (_enum_check("member_kind", MemberKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("coordination_spaces.id"), index=True)
    member_kind: Mapped[str] = mapped_column(String(20))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professionals.id"), nullable=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")


class CoordinationMeeting(Base):
    """A meeting of a coordination space; who attended is in :class:`MeetingAttendance`."""

    __tablename__ = "coordination_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("coordination_spaces.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class MeetingAttendance(Base):
    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("coordination_meetings.id"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("coordination_members.id"), primary_key=True, index=True
    )
