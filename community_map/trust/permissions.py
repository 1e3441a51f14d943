"""Roles and permissions.

An :class:`Actor` is whoever performs an operation: a logged-in user, or the command
line acting as an administrator. Service functions check the actor's permissions
with :func:`require` before they write anything.
"""

from __future__ import annotations

import enum
import getpass
from dataclasses import dataclass

from community_map.errors import PermissionDeniedError
from community_map.i18n import gettext as _
from community_map.models import ROLE_LABELS, Role

__all__ = [
    "PERMISSION_HELP",
    "ROLE_PERMISSIONS",
    "Actor",
    "Permission",
    "permission_matrix",
    "require",
]


class Permission(enum.StrEnum):
    """What a role may do; :data:`ROLE_PERMISSIONS` is the matrix (README, tests)."""

    READ_AGGREGATES = "read_aggregates"
    SEE_SMALL_COUNTS = "see_small_counts"
    VIEW_PARTICIPANTS = "view_participants"
    VIEW_ALIASES = "view_aliases"
    VIEW_NETWORKS = "view_networks"
    EXPORT_PERSONAL_DATA = "export_personal_data"
    EDIT_ASSETS = "edit_assets"
    EDIT_TERRITORY = "edit_territory"
    EDIT_SERVICES = "edit_services"
    IMPORT_DATA = "import_data"
    PLAN_ACTIVITIES = "plan_activities"
    TAKE_ATTENDANCE = "take_attendance"
    REOPEN_SESSIONS = "reopen_sessions"
    RECORD_ASSESSMENTS = "record_assessments"
    RECORD_COLLABORATIONS = "record_collaborations"
    EDIT_PARTICIPANTS = "edit_participants"
    # subject-access exports and erasure of one participant's record
    MANAGE_PARTICIPANT_RIGHTS = "manage_participant_rights"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"


#: What each permission allows, in the words of the README's permission matrix.
PERMISSION_HELP: dict[Permission, str] = {
    Permission.READ_AGGREGATES: "Read maps and aggregate figures (counts of people rounded and "
    "small counts suppressed unless the role may see small counts)",
    Permission.SEE_SMALL_COUNTS: "See exact counts of people, including counts under the threshold",
    Permission.VIEW_PARTICIPANTS: "Read personal data: participant codes, registers, "
    "itineraries, attendance rows",
    Permission.VIEW_ALIASES: "See the aliases staff give participants",
    Permission.VIEW_NETWORKS: "Read participant and service networks",
    Permission.EXPORT_PERSONAL_DATA: "Download files that hold participant codes (programme "
    "attendance, network exports, itineraries)",
    Permission.EDIT_ASSETS: "Create, edit, verify and deactivate assets",
    Permission.EDIT_TERRITORY: "Import and replace boundaries",
    Permission.EDIT_SERVICES: "Create and edit services, entities and professionals; create "
    "services from imported centres",
    Permission.IMPORT_DATA: "Import files in bulk (assets, programme workbooks)",
    Permission.PLAN_ACTIVITIES: "Plan, change and cancel sessions and community actions "
    "(educators: the sessions they facilitate; coordinators: those of their service)",
    Permission.TAKE_ATTENDANCE: "Take attendance and finalise registers (same scope as planning)",
    Permission.REOPEN_SESSIONS: "Reopen a finalised register, with a reason",
    Permission.RECORD_ASSESSMENTS: "Record assessments and tie surveys (with the participant's "
    "consent)",
    Permission.RECORD_COLLABORATIONS: "Record coordination spaces and meetings, collaborations "
    "between services and referrals",
    Permission.EDIT_PARTICIPANTS: "Create and edit participants, their enrolments, consent and "
    "reference professionals",
    Permission.MANAGE_PARTICIPANT_RIGHTS: "Export everything held about one participant "
    "(subject access) and erase it",
    Permission.MANAGE_USERS: "Create accounts, change roles, deactivate and unlock accounts; "
    "back up and restore the whole database",
    Permission.VIEW_AUDIT: "Read the audit log",
}


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.COORDINATOR: frozenset(
        {
            P.READ_AGGREGATES,
            P.SEE_SMALL_COUNTS,
            P.VIEW_PARTICIPANTS,
            P.VIEW_ALIASES,
            P.VIEW_NETWORKS,
            P.EXPORT_PERSONAL_DATA,
            P.EDIT_ASSETS,
            P.EDIT_TERRITORY,
            P.EDIT_SERVICES,
            P.IMPORT_DATA,
            P.PLAN_ACTIVITIES,
            P.TAKE_ATTENDANCE,
            P.REOPEN_SESSIONS,
            P.RECORD_ASSESSMENTS,
            P.RECORD_COLLABORATIONS,
            P.EDIT_PARTICIPANTS,
            P.MANAGE_PARTICIPANT_RIGHTS,
        }
    ),
    Role.EDUCATOR: frozenset(
        {
            P.READ_AGGREGATES,
            P.SEE_SMALL_COUNTS,
            P.VIEW_PARTICIPANTS,
            P.VIEW_ALIASES,
            P.EXPORT_PERSONAL_DATA,
            P.PLAN_ACTIVITIES,
            P.TAKE_ATTENDANCE,
            P.RECORD_ASSESSMENTS,
            P.RECORD_COLLABORATIONS,
            P.EDIT_PARTICIPANTS,
        }
    ),
    # Motor groups include residents and entities: places, not people.
    Role.MOTOR_GROUP: frozenset({P.READ_AGGREGATES, P.EDIT_ASSETS}),
    # District staff see maps and aggregates only: no personal data, small counts hidden.
    Role.DISTRICT_VIEWER: frozenset({P.READ_AGGREGATES}),
    # Evaluators work with pseudonymous codes, never aliases.
    Role.EVALUATOR: frozenset(
        {
            P.READ_AGGREGATES,
            P.SEE_SMALL_COUNTS,
            P.VIEW_PARTICIPANTS,
            P.VIEW_NETWORKS,
            P.EXPORT_PERSONAL_DATA,
        }
    ),
}


def permission_matrix() -> list[dict[str, str]]:
    """Return the role x permission matrix as rows (one per permission) for the README.

    Examples
    --------
    >>> rows = permission_matrix()
    >>> rows[0]["permission"], rows[0]["admin"], rows[0]["district_viewer"]
    ('read_aggregates', 'yes', 'yes')
    >>> [r["district_viewer"] for r in rows if r["permission"] == "view_participants"]
    ['—']
    """
    return [
        {
            "permission": p.value,
            "what": PERMISSION_HELP[p],
            **{role.value: ("yes" if p in ROLE_PERMISSIONS[role] else "—") for role in Role},
        }
        for p in Permission
    ]


@dataclass(frozen=True)
class Actor:
    """Who performs an operation; recorded in the audit log."""

    username: str
    role: Role
    user_id: int | None = None
    display_name: str = ""
    service_id: int | None = None
    professional_id: int | None = None

    @classmethod
    def command_line(cls) -> Actor:
        """The administrator acting through the ``community-map`` command."""
        try:
            who = getpass.getuser()
        except (KeyError, OSError):
            who = "unknown"
        return cls(username=f"cli:{who}", role=Role.ADMIN)

    def can(self, permission: Permission) -> bool:
        """Return whether this actor's role grants ``permission``."""
        return permission in ROLE_PERMISSIONS[self.role]

    @property
    def role_label(self) -> str:
        """The translated name of the actor's role."""
        return _(ROLE_LABELS[self.role])


def require(actor: Actor, permission: Permission) -> None:
    """Raise :class:`PermissionDeniedError` unless ``actor`` holds ``permission``."""
    if not actor.can(permission):
        raise PermissionDeniedError(
            _(
                "Your role ({role}) does not allow this ({permission}). Ask an administrator."
            ).format(role=actor.role_label, permission=permission.value)
        )
