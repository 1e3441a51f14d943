"""Trust: roles and permissions, accounts, the audit log and disclosure rules.

The public face of the trust domain; modules inside the folder are its plumbing.
"""

from __future__ import annotations

from community_map.trust.account_reads import (
    account_count,
    audit_log_frame,
    audited_entities,
    users_frame,
)
from community_map.trust.account_writes import (
    USERNAME_PATTERN,
    add_user,
    authenticate,
    set_user_active,
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
    "USERNAME_PATTERN",
    "Actor",
    "Permission",
    "account_count",
    "add_user",
    "audit_log_frame",
    "audited_entities",
    "authenticate",
    "bulk_create",
    "count_bounds",
    "data_version",
    "feasible_values",
    "hash_password",
    "needs_rehash",
    "people_count",
    "permission_matrix",
    "protected_total",
    "record",
    "require",
    "rounded",
    "set_user_active",
    "suppressed",
    "users_frame",
    "verify_password",
]
