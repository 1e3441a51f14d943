"""The data model's vocabularies: roles, kinds, statuses and their translatable labels.

Stored values are the enum values (English, stable); labels are gettext message ids.
:mod:`community_map.models` re-exports everything here.
"""

from __future__ import annotations

import enum

from community_map.i18n import N_

__all__ = [
    "COMMUNITY_SESSION_TYPES",
    "FIELD_OF_WORK_LABELS",
    "LEGAL_NATURE_LABELS",
    "ROLE_LABELS",
    "Accessibility",
    "AssessmentPhase",
    "AttendanceStatus",
    "CollaborationKind",
    "FieldOfWork",
    "Intensity",
    "LegalNature",
    "Phase",
    "Role",
    "SessionStatus",
    "SessionType",
    "Typology",
    "UnitKind",
]


class Role(enum.StrEnum):
    """User roles; each grants the permissions listed in :mod:`community_map.trust.permissions`."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    EDUCATOR = "educator"
    MOTOR_GROUP = "motor_group"
    DISTRICT_VIEWER = "district_viewer"
    EVALUATOR = "evaluator"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("Administrator"),
    Role.COORDINATOR: N_("Coordinator"),
    Role.EDUCATOR: N_("Community educator"),
    Role.MOTOR_GROUP: N_("Motor group member"),
    Role.DISTRICT_VIEWER: N_("District viewer"),
    Role.EVALUATOR: N_("Evaluator"),
}


class UnitKind(enum.StrEnum):
    DISTRICT = "district"
    NEIGHBOURHOOD = "neighbourhood"
    CATCHMENT = "catchment"


class FieldOfWork(enum.StrEnum):
    """What a service or entity works on (independent of its legal nature)."""

    SOCIAL_CARE = "social_care"
    EMPLOYMENT = "employment"
    EDUCATION = "education"
    HEALTH = "health"
    HOUSING = "housing"
    COMMUNITY_ACTION = "community_action"
    CULTURE = "culture"
    YOUTH = "youth"
    ELDERLY = "elderly"
    OTHER = "other"


FIELD_OF_WORK_LABELS: dict[FieldOfWork, str] = {
    FieldOfWork.SOCIAL_CARE: N_("Social care"),
    FieldOfWork.EMPLOYMENT: N_("Employment"),
    FieldOfWork.EDUCATION: N_("Education"),
    FieldOfWork.HEALTH: N_("Health"),
    FieldOfWork.HOUSING: N_("Housing"),
    FieldOfWork.COMMUNITY_ACTION: N_("Community action"),
    FieldOfWork.CULTURE: N_("Culture"),
    FieldOfWork.YOUTH: N_("Youth"),
    FieldOfWork.ELDERLY: N_("Elderly people"),
    FieldOfWork.OTHER: N_("Other field"),
}


class LegalNature(enum.StrEnum):
    """Who a service or entity belongs to (independent of its field of work)."""

    PUBLIC = "public"
    THIRD_SECTOR = "third_sector"
    PRIVATE = "private"
    RESIDENTS_GROUP = "residents_group"


LEGAL_NATURE_LABELS: dict[LegalNature, str] = {
    LegalNature.PUBLIC: N_("Public"),
    LegalNature.THIRD_SECTOR: N_("Third sector"),
    LegalNature.PRIVATE: N_("Private"),
    LegalNature.RESIDENTS_GROUP: N_("Residents' group"),
}


class Accessibility(enum.StrEnum):
    ACCESSIBLE = "accessible"
    PARTIAL = "partial"
    NOT_ACCESSIBLE = "not_accessible"
    UNKNOWN = "unknown"


class Phase(enum.StrEnum):
    """Phases of a community action (Comunitàriament)."""

    FIRST_CONTACT = "first_contact"
    DESIGN = "design"
    EXECUTION = "execution"
    EVALUATION = "evaluation"
    CLOSED = "closed"


class Typology(enum.StrEnum):
    """Typologies of community actions, from Comunitàriament and the Amunt! catalogue."""

    COLLECTIVE_CONSTRUCTION = "collective_construction"
    CONVERSATION_SPACE = "conversation_space"
    WELCOMING_CENTRE = "welcoming_centre"
    OPEN_SERVICE = "open_service"
    LISTEN_RESPOND = "listen_respond"
    AMUNT_SOCIAL = "amunt_social"
    AMUNT_COMMUNITY = "amunt_community"
    AMUNT_EMPLOYMENT = "amunt_employment"
    AMUNT_TRAINING = "amunt_training"


class SessionType(enum.StrEnum):
    GROUP_DYNAMIC = "group_dynamic"
    WORKSHOP = "workshop"
    CULTURAL_OUTING = "cultural_outing"
    LEADERSHIP = "leadership"
    INFORMATIVE_GROUP = "informative_group"
    COLLECTIVE_ADVICE = "collective_advice"
    COORDINATION_MEETING = "coordination_meeting"
    OTHER = "other"


COMMUNITY_SESSION_TYPES = (
    SessionType.GROUP_DYNAMIC,
    SessionType.WORKSHOP,
    SessionType.CULTURAL_OUTING,
    SessionType.LEADERSHIP,
)


class SessionStatus(enum.StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class AttendanceStatus(enum.StrEnum):
    ATTENDED = "attended"
    ABSENT = "absent"
    EXCUSED = "excused"


class Intensity(enum.IntEnum):
    """Collaboration intensity scale, from weakest to strongest."""

    AWARENESS = 1
    COOPERATION = 2
    COORDINATION = 3
    INTEGRATION = 4


class CollaborationKind(enum.StrEnum):
    REFERRAL = "referral"
    COORDINATION_MEETING = "coordination_meeting"
    JOINT_CASE = "joint_case"
    INFORMATION_EXCHANGE = "information_exchange"
    CO_LED_ACTIVITY = "co_led_activity"


class AssessmentPhase(enum.StrEnum):
    RECEPTION = "reception"
    FOLLOW_UP = "follow_up"
    CLOSURE = "closure"
