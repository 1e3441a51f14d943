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

__all__ = ["ROLE_PERMISSIONS", "Actor", "Permission", "require"]


class Permission(enum.StrEnum):
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    IMPORT_DATA = "import_data"
    EDIT_TERRITORY = "edit_territory"
    EDIT_ASSETS = "edit_assets"
    PLAN_ACTIVITIES = "plan_activities"
    TAKE_ATTENDANCE = "take_attendance"
    REOPEN_SESSIONS = "reopen_sessions"
    VIEW_PARTICIPANTS = "view_participants"
    VIEW_ALIASES = "view_aliases"
    VIEW_NETWORKS = "view_networks"
    EXPORT_DATA = "export_data"
    SEE_SMALL_COUNTS = "see_small_counts"
    # subject-access exports and erasure of one participant's record
    MANAGE_PARTICIPANT_RIGHTS = "manage_participant_rights"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.COORDINATOR: frozenset(
        {
            P.IMPORT_DATA,
            P.EDIT_TERRITORY,
            P.EDIT_ASSETS,
            P.PLAN_ACTIVITIES,
            P.TAKE_ATTENDANCE,
            P.REOPEN_SESSIONS,
            P.VIEW_PARTICIPANTS,
            P.VIEW_ALIASES,
            P.VIEW_NETWORKS,
            P.EXPORT_DATA,
            P.SEE_SMALL_COUNTS,
            P.MANAGE_PARTICIPANT_RIGHTS,
        }
    ),
    Role.EDUCATOR: frozenset(
        {
            P.PLAN_ACTIVITIES,
            P.TAKE_ATTENDANCE,
            P.VIEW_PARTICIPANTS,
            P.VIEW_ALIASES,
            P.EXPORT_DATA,
            P.SEE_SMALL_COUNTS,
        }
    ),
    Role.MOTOR_GROUP: frozenset({P.EDIT_ASSETS, P.EXPORT_DATA, P.SEE_SMALL_COUNTS}),
    # District staff see maps and aggregates only: no personal data, small counts hidden.
    Role.DISTRICT_VIEWER: frozenset(),
    # Evaluators work with pseudonymous codes, never aliases.
    Role.EVALUATOR: frozenset(
        {P.VIEW_PARTICIPANTS, P.VIEW_NETWORKS, P.EXPORT_DATA, P.SEE_SMALL_COUNTS}
    ),
}


@dataclass(frozen=True)
class Actor:
    """Who performs an operation; recorded in the audit log."""

    username: str
    role: Role
    user_id: int | None = None
    display_name: str = ""

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
