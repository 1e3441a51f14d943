"""Trust: roles and permissions, accounts, the audit log and disclosure rules.

The public face of the trust domain; modules inside the folder are its plumbing.
"""

from __future__ import annotations

from community_map.trust.account_reads import (
    account_count,
    audit_log_frame,
    audited_entities,
    professional_choices,
    users_frame,
)
from community_map.trust.account_writes import (
    USERNAME_PATTERN,
    add_user,
    link_user_professional,
    set_user_active,
    set_user_role,
    set_user_sso_email,
    unlock_user,
)
from community_map.trust.audit import bulk_create, data_version, record
from community_map.trust.disclosure import (
    count_bounds,
    feasible_values,
    people_count,
    protected_total,
    rounded,
    suppressed,
)
from community_map.trust.login import (
    SSO_ACTOR,
    UNKNOWN_USER,
    actor_for_sso,
    actor_from_token,
    authenticate,
    issue_token,
    log_out,
    reload_actor,
)
from community_map.trust.passwords import hash_password, needs_rehash, verify_password
from community_map.trust.permissions import (
    PERMISSION_HELP,
    ROLE_PERMISSIONS,
    Actor,
    Permission,
    permission_matrix,
    require,
)

__all__ = [
    "PERMISSION_HELP",
    "ROLE_PERMISSIONS",
    "SSO_ACTOR",
    "UNKNOWN_USER",
    "USERNAME_PATTERN",
    "Actor",
    "Permission",
    "account_count",
    "actor_for_sso",
    "actor_from_token",
    "add_user",
    "audit_log_frame",
    "audited_entities",
    "authenticate",
    "bulk_create",
    "count_bounds",
    "data_version",
    "feasible_values",
    "hash_password",
    "issue_token",
    "link_user_professional",
    "log_out",
    "needs_rehash",
    "people_count",
    "permission_matrix",
    "professional_choices",
    "protected_total",
    "record",
    "reload_actor",
    "require",
    "rounded",
    "set_user_active",
    "set_user_role",
    "set_user_sso_email",
    "suppressed",
    "unlock_user",
    "users_frame",
    "verify_password",
]
