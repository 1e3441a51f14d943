"""SQLAlchemy models of the whole data model (see DESIGN.md).

Geometry is stored portably as WKT text with an explicit SRID, so that SQLite needs no
spatial extension; spatial work happens in geopandas in a metric CRS (EPSG:25831).
Participants are pseudonymous codes: no names are stored by default, and the optional
``alias`` is shown only to roles that work with the person.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from community_map.vocabulary import (
    AGE_BANDS,
    COLLABORATION_KIND_LABELS,
    COMMUNITY_SESSION_TYPES,
    COORDINATION_KIND_LABELS,
    EVALUATION_GROUP_LABELS,
    EXIT_REASON_LABELS,
    FIELD_OF_WORK_LABELS,
    GENDER_LABELS,
    INTENSITY_DESCRIPTIONS,
    INTENSITY_LABELS,
    INTENSITY_SCALE,
    LEGAL_NATURE_LABELS,
    MEMBER_KIND_LABELS,
    REFERRAL_OUTCOME_LABELS,
    ROLE_LABELS,
    SURVEY_QUESTION_LABELS,
    Accessibility,
    AssessmentPhase,
    AttendanceStatus,
    CollaborationKind,
    CoordinationKind,
    EvaluationGroup,
    ExitReason,
    FieldOfWork,
    Gender,
    Intensity,
    LegalNature,
    MemberKind,
    Phase,
    ReferralOutcome,
    Role,
    SessionStatus,
    SessionType,
    SurveyQuestion,
    Typology,
    UnitKind,
)

__all__ = [
    "AGE_BANDS",
    "ASSET_CONTACT_FIELDS",
    "COLLABORATION_KIND_LABELS",
    "COMMUNITY_SESSION_TYPES",
    "COORDINATION_KIND_LABELS",
    "EVALUATION_GROUP_LABELS",
    "EXIT_REASON_LABELS",
    "FIELD_OF_WORK_LABELS",
    "GENDER_LABELS",
    "INTENSITY_DESCRIPTIONS",
    "INTENSITY_LABELS",
    "INTENSITY_SCALE",
    "LEGAL_NATURE_LABELS",
    "MEMBER_KIND_LABELS",
    "METRIC_SRID",
    "NAMING_CONVENTION",
    "REFERRAL_OUTCOME_LABELS",
    "ROLE_LABELS",
    "SURVEY_QUESTION_LABELS",
    "Accessibility",
    "ActionNeighbourhood",
    "ActionPhase",
    "AppState",
    "Assessment",
    "AssessmentPhase",
    "AssessmentScore",
    "Asset",
    "AssetCategory",
    "Attendance",
    "AttendanceStatus",
    "AuditLog",
    "Base",
    "Collaboration",
    "CollaborationKind",
    "CommunityAction",
    "CoordinationKind",
    "CoordinationMeeting",
    "CoordinationMember",
    "CoordinationSpace",
    "Enrolment",
    "EvaluationGroup",
    "ExitReason",
    "FieldOfWork",
    "Gender",
    "InstrumentDefinition",
    "Intensity",
    "Invitation",
    "LegalNature",
    "LoginThrottle",
    "MeasurementPoint",
    "MeetingAttendance",
    "MemberKind",
    "MotorGroupMember",
    "Participant",
    "ParticipantProfessional",
    "Phase",
    "Professional",
    "Programme",
    "Referral",
    "ReferralOutcome",
    "ReportedTie",
    "Role",
    "Service",
    "Session",
    "SessionFacilitator",
    "SessionPartner",
    "SessionSeries",
    "SessionStatus",
    "SessionType",
    "SurveyQuestion",
    "SurveyResponse",
    "TerritoryUnit",
    "Typology",
    "UnitKind",
    "User",
    "utcnow",
]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

METRIC_SRID = 25831


def utcnow() -> dt.datetime:
    """Return the current time in UTC, without tzinfo (stored as naive UTC)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base with the constraint naming convention Alembic relies on."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _enum_check(column: str, values: type[enum.Enum], *, empty: bool = False) -> CheckConstraint:
    allowed = ", ".join(["''"] * empty + [f"'{v.value}'" for v in values])
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (_enum_check("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professionals.id"), nullable=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Changed at log-out and deactivation: signed login tokens bound to the old one stop working.
    session_nonce: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The e-mail a single sign-on provider vouches for, mapped to this account and its role.
    sso_email: Mapped[str | None] = mapped_column(String(254), unique=True, nullable=True)


class LoginThrottle(Base):
    """Recent failed log-ins per keyed hash of a user name or client (never the typed text)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class AppState(Base):
    """Values the application generates for itself once, such as its signing key."""

    __tablename__ = "app_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class TerritoryUnit(Base):
    __tablename__ = "territory_units"
    __table_args__ = (
        UniqueConstraint("kind", "code"),
        _enum_check("kind", UnitKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory_units.id"), nullable=True, index=True
    )
    population: Mapped[int | None] = mapped_column(Integer, nullable=True)
    geometry_wkt: Mapped[str | None] = mapped_column(Text, nullable=True)
    srid: Mapped[int] = mapped_column(Integer, default=METRIC_SRID)
    source: Mapped[str] = mapped_column(String(200), default="")
    is_approximate: Mapped[bool] = mapped_column(Boolean, default=False)

    parent: Mapped[TerritoryUnit | None] = relationship(remote_side=[id])


class AssetCategory(Base):
    """The product's asset taxonomy (editable); names in the three languages."""

    __tablename__ = "asset_categories"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_ca: Mapped[str] = mapped_column(String(100))
    name_es: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    colour: Mapped[str] = mapped_column(String(7), default="#555555")


class Asset(Base):
    __tablename__ = "assets"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        _enum_check("accessibility", Accessibility),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    category_code: Mapped[str] = mapped_column(ForeignKey("asset_categories.code"), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    srid: Mapped[int] = mapped_column(Integer, default=METRIC_SRID)
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    accessibility: Mapped[str] = mapped_column(String(20), default=Accessibility.UNKNOWN.value)
    opening_hours: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory_units.id"), nullable=True, index=True
    )
    source: Mapped[str] = mapped_column(String(100), default="manual")
    source_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    last_verified: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


ASSET_CONTACT_FIELDS: tuple[str, ...] = (
    "address",
    "phone",
    "email",
    "website",
    "accessibility",
    "opening_hours",
)
"""The fields of an :class:`Asset` that say how to reach and use it, in table order."""


class Participant(Base):
    """A pseudonymous code, attributes, consent per purpose (read by ``trust.consent``)."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    alias: Mapped[str | None] = mapped_column(String(100), nullable=True)
    birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    age_band: Mapped[str] = mapped_column(String(20), default="")
    gender: Mapped[str] = mapped_column(String(20), default="")
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("territory_units.id"), nullable=True, index=True
    )
    consent_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    consent_processing: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_survey: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_images: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ParticipantProfessional(Base):
    """A reference professional of a participant (one or more: e.g. a tandem)."""

    __tablename__ = "participant_professionals"

    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professionals.id"), primary_key=True, index=True
    )


class Enrolment(Base):
    """A participant's enrolment in a programme or in a community action (exactly one)."""

    __tablename__ = "enrolments"
    __table_args__ = (
        CheckConstraint(
            "(programme_id IS NULL) <> (action_id IS NULL)", name="programme_or_action"
        ),
        CheckConstraint("ends_on IS NULL OR starts_on <= ends_on", name="period_order"),
        _enum_check("exit_reason", ExitReason, empty=True),
        _enum_check("evaluation_group", EvaluationGroup, empty=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("community_actions.id"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    exit_reason: Mapped[str] = mapped_column(String(20), default="")
    evaluation_group: Mapped[str] = mapped_column(String(20), default="")


class CommunityAction(Base):
    __tablename__ = "community_actions"
    __table_args__ = (_enum_check("typology", Typology), _enum_check("phase", Phase))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    typology: Mapped[str] = mapped_column(String(40))
    objectives: Mapped[str] = mapped_column(Text, default="")
    lead_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    phase: Mapped[str] = mapped_column(String(20), default=Phase.FIRST_CONTACT.value)
    version: Mapped[int] = mapped_column(Integer, default=1)

    phases: Mapped[list[ActionPhase]] = relationship(
        back_populates="action", order_by="ActionPhase.started_on"
    )

    __mapper_args__ = {"version_id_col": version}


class Programme(Base):
    """A programme (Amunt! 2022-23, a district plan): a period, a lead service, its waves."""

    __tablename__ = "programmes"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    lead_service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class MeasurementPoint(Base):
    """A named measurement point (wave) of a programme, e.g. "T0 baseline survey"."""

    __tablename__ = "measurement_points"
    __table_args__ = (
        UniqueConstraint("programme_id", "name"),
        CheckConstraint("starts_on <= ends_on", name="period_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)


class ActionPhase(Base):
    __tablename__ = "action_phases"
    __table_args__ = (_enum_check("phase", Phase),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("community_actions.id"), index=True)
    phase: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    action: Mapped[CommunityAction] = relationship(back_populates="phases")


class MotorGroupMember(Base):
    """A member of an action's motor group: a professional, a service, an entity or a resident."""

    __tablename__ = "motor_group_members"
    __table_args__ = (
        CheckConstraint(
            "member_kind IN ('professional', 'service', 'entity', 'resident')",
            name="member_kind_allowed",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("community_actions.id"), index=True)
    member_kind: Mapped[str] = mapped_column(String(20))
    professional_id: Mapped[int | None] = mapped_column(
        ForeignKey("professionals.id"), nullable=True
    )
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), nullable=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(200), default="")


class ActionNeighbourhood(Base):
    __tablename__ = "action_neighbourhoods"

    action_id: Mapped[int] = mapped_column(ForeignKey("community_actions.id"), primary_key=True)
    territory_unit_id: Mapped[int] = mapped_column(
        ForeignKey("territory_units.id"), primary_key=True
    )


class SessionSeries(Base):
    __tablename__ = "session_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("community_actions.id"), index=True)
    interval_weeks: Mapped[int] = mapped_column(Integer, default=1)
    until: Mapped[dt.date] = mapped_column(Date)


class Session(Base):
    __tablename__ = "sessions"
    __table_args__ = (
        _enum_check("type", SessionType),
        _enum_check("status", SessionStatus),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_sessions_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_actions.id"), nullable=True, index=True
    )
    series_id: Mapped[int | None] = mapped_column(ForeignKey("session_series.id"), nullable=True)
    type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime)
    venue_asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"), nullable=True)
    capacity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=SessionStatus.PLANNED.value)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    conflict_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    finalised: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class SessionFacilitator(Base):
    __tablename__ = "session_facilitators"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    professional_id: Mapped[int] = mapped_column(
        ForeignKey("professionals.id"), primary_key=True, index=True
    )


class SessionPartner(Base):
    __tablename__ = "session_partners"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)


class Invitation(Base):
    __tablename__ = "invitations"

    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id"), primary_key=True, index=True
    )


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "participant_id"),
        _enum_check("status", AttendanceStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)


# the services, tie surveys, collaboration, coordination and referral registers live in their own
# modules (size limit)
from community_map._assessment_models import (  # noqa: E402
    Assessment,
    AssessmentScore,
    InstrumentDefinition,
)
from community_map._collaboration_models import (  # noqa: E402
    Collaboration,
    CoordinationMeeting,
    CoordinationMember,
    CoordinationSpace,
    MeetingAttendance,
    Referral,
)
from community_map._service_models import Professional, Service  # noqa: E402
from community_map._survey_models import ReportedTie, SurveyResponse  # noqa: E402
