"""The data model's vocabularies: roles, kinds, statuses and their translatable labels.

Stored values are the enum values (English, stable); labels are gettext message ids.
:mod:`community_map.models` re-exports everything here.
"""

from __future__ import annotations

import enum

from community_map.i18n import N_

__all__ = [
    "AGE_BANDS",
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
    "REFERRAL_OUTCOME_LABELS",
    "ROLE_LABELS",
    "SURVEY_QUESTION_LABELS",
    "Accessibility",
    "AssessmentPhase",
    "AttendanceStatus",
    "CollaborationKind",
    "CoordinationKind",
    "EvaluationGroup",
    "ExitReason",
    "FieldOfWork",
    "Gender",
    "Intensity",
    "LegalNature",
    "MemberKind",
    "Phase",
    "ReferralOutcome",
    "Role",
    "SessionStatus",
    "SessionType",
    "SurveyQuestion",
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
    """Collaboration intensity: Himmelman's four strategies, each including the one before.

    The default documented scale (id :data:`INTENSITY_SCALE`); see :data:`INTENSITY_LABELS`
    and :data:`INTENSITY_DESCRIPTIONS`. The old names are kept as aliases of the same levels.
    """

    NETWORKING = 1
    COORDINATING = 2
    COOPERATING = 3
    COLLABORATING = 4
    # earlier names of the same stored levels
    AWARENESS = 1
    COOPERATION = 2
    COORDINATION = 3
    INTEGRATION = 4


#: The id stored with every intensity rating (Himmelman's continuum, four levels).
INTENSITY_SCALE = "himmelman-4"

INTENSITY_LABELS: dict[int, str] = {
    1: N_("1 Networking"),
    2: N_("2 Coordinating"),
    3: N_("3 Cooperating"),
    4: N_("4 Collaborating"),
}
"""Short labels of the four intensity levels (Himmelman), with their number."""

INTENSITY_DESCRIPTIONS: dict[int, str] = {
    1: N_("Exchanging information for mutual benefit."),
    2: N_("Exchanging information and altering activities for a common purpose."),
    3: N_(
        "Exchanging information, altering activities and sharing resources (staff, money, "
        "space, knowledge) for a common purpose."
    ),
    4: N_(
        "All of the above and enhancing each other's capacity: risks, responsibilities and "
        "rewards are shared."
    ),
}
"""One line per intensity level saying what it means (Himmelman 2002)."""


class CollaborationKind(enum.StrEnum):
    """Kinds of recorded collaboration between services (referrals have their own register)."""

    CO_LED_ACTIVITY = "co_led_activity"
    JOINT_CASE = "joint_case"
    JOINT_PROJECT = "joint_project"
    INFORMATION_EXCHANGE = "information_exchange"
    COORDINATION_MEETING = "coordination_meeting"
    OTHER = "other"


COLLABORATION_KIND_LABELS: dict[str, str] = {
    CollaborationKind.CO_LED_ACTIVITY: N_("Co-led session or activity"),
    CollaborationKind.JOINT_CASE: N_("Case coordination"),
    CollaborationKind.JOINT_PROJECT: N_("Joint project"),
    CollaborationKind.INFORMATION_EXCHANGE: N_("Information exchange"),
    CollaborationKind.COORDINATION_MEETING: N_("Coordination meeting"),
    CollaborationKind.OTHER: N_("Other collaboration"),
}


class ReferralOutcome(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


REFERRAL_OUTCOME_LABELS: dict[str, str] = {
    ReferralOutcome.PENDING: N_("Pending"),
    ReferralOutcome.ACCEPTED: N_("Accepted"),
    ReferralOutcome.DECLINED: N_("Declined"),
}


class CoordinationKind(enum.StrEnum):
    """Standing coordination spaces between services, entities and residents."""

    MOTOR_GROUP = "motor_group"
    DISTRICT_TABLE = "district_table"
    CASE_TEAM = "case_team"
    NETWORK_TABLE = "network_table"
    OTHER = "other"


COORDINATION_KIND_LABELS: dict[str, str] = {
    CoordinationKind.MOTOR_GROUP: N_("Motor group"),
    CoordinationKind.DISTRICT_TABLE: N_("District table"),
    CoordinationKind.CASE_TEAM: N_("Case coordination team (ETAC-like)"),
    CoordinationKind.NETWORK_TABLE: N_("Network table"),
    CoordinationKind.OTHER: N_("Other space"),
}


class MemberKind(enum.StrEnum):
    """Who sits in a coordination space."""

    SERVICE = "service"
    PROFESSIONAL = "professional"
    ENTITY = "entity"
    RESIDENT = "resident"


MEMBER_KIND_LABELS: dict[str, str] = {
    MemberKind.SERVICE: N_("Service"),
    MemberKind.PROFESSIONAL: N_("Professional"),
    MemberKind.ENTITY: N_("Entity"),
    MemberKind.RESIDENT: N_("Resident"),
}


class AssessmentPhase(enum.StrEnum):
    RECEPTION = "reception"
    FOLLOW_UP = "follow_up"
    CLOSURE = "closure"


class Gender(enum.StrEnum):
    """A participant's gender as recorded (empty when not recorded)."""

    WOMAN = "woman"
    MAN = "man"
    NON_BINARY = "non_binary"
    OTHER = "other"


GENDER_LABELS: dict[Gender, str] = {
    Gender.WOMAN: N_("Woman"),
    Gender.MAN: N_("Man"),
    Gender.NON_BINARY: N_("Non-binary"),
    Gender.OTHER: N_("Other gender"),
}

#: Age bands of participants (ages in whole years; the last band is open).
AGE_BANDS: tuple[str, ...] = ("0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")


class ExitReason(enum.StrEnum):
    """Why a participant left a programme or a community action."""

    COMPLETED = "completed"
    MOVED_AWAY = "moved_away"
    DROPPED_OUT = "dropped_out"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    OTHER = "other"


EXIT_REASON_LABELS: dict[ExitReason, str] = {
    ExitReason.COMPLETED: N_("Completed"),
    ExitReason.MOVED_AWAY: N_("Moved away"),
    ExitReason.DROPPED_OUT: N_("Dropped out"),
    ExitReason.REFERRED_ELSEWHERE: N_("Referred elsewhere"),
    ExitReason.OTHER: N_("Other reason"),
}


class EvaluationGroup(enum.StrEnum):
    """The evaluation group of an enrolment where a programme has one (empty otherwise)."""

    INTERVENTION = "intervention"
    COMPARISON = "comparison"


EVALUATION_GROUP_LABELS: dict[EvaluationGroup, str] = {
    EvaluationGroup.INTERVENTION: N_("Intervention group"),
    EvaluationGroup.COMPARISON: N_("Comparison group"),
}


class SurveyQuestion(enum.StrEnum):
    """The name generator a tie survey asks ("whom could you ask for help?")."""

    HELP = "help"
    MET_IN_ACTIVITIES = "met_in_activities"
    TRUST = "trust"


#: The question of each tie survey, as asked (the first is the default).
SURVEY_QUESTION_LABELS: dict[SurveyQuestion, str] = {
    SurveyQuestion.HELP: N_("People you could ask for help"),
    SurveyQuestion.MET_IN_ACTIVITIES: N_("People you met through the activities"),
    SurveyQuestion.TRUST: N_("People you trust"),
}
