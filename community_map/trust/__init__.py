"""Trust: permissions, accounts, log-in, audit, disclosure, participants' rights and backups.

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
from community_map.trust.audit import (
    EXPORT_ACTION,
    bulk_create,
    data_version,
    record,
    record_export,
)
from community_map.trust.backups import (
    BackupInfo,
    backup_database,
    read_backup,
    restore_database,
)
from community_map.trust.consent import (
    CONSENT_PURPOSE_LABELS,
    ConsentPurpose,
    has_consent,
    require_consent,
)
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
    actor_from_user,
    authenticate,
    issue_token,
    log_out,
    reload_actor,
)
from community_map.trust.passwords import (
    hash_password,
    needs_rehash,
    verify_password,
)
from community_map.trust.permissions import (
    PERMISSION_HELP,
    ROLE_PERMISSIONS,
    Actor,
    Permission,
    permission_matrix,
    require,
)
from community_map.trust.rights_reads import (
    RECORD_SHEETS,
    find_participant,
    participant_record,
    participant_record_to_excel,
    participant_summary,
)
from community_map.trust.rights_writes import (
    ANONYMOUS_PREFIX,
    ERASED_MARK,
    ErasureReport,
    erase_participant,
)

__all__ = [
    "ANONYMOUS_PREFIX",
    "CONSENT_PURPOSE_LABELS",
    "ERASED_MARK",
    "EXPORT_ACTION",
    "PERMISSION_HELP",
    "RECORD_SHEETS",
    "ROLE_PERMISSIONS",
    "SSO_ACTOR",
    "UNKNOWN_USER",
    "USERNAME_PATTERN",
    "Actor",
    "BackupInfo",
    "ConsentPurpose",
    "ErasureReport",
    "Permission",
    "account_count",
    "actor_for_sso",
    "actor_from_token",
    "actor_from_user",
    "add_user",
    "audit_log_frame",
    "audited_entities",
    "authenticate",
    "backup_database",
    "bulk_create",
    "count_bounds",
    "data_version",
    "erase_participant",
    "feasible_values",
    "find_participant",
    "has_consent",
    "hash_password",
    "issue_token",
    "link_user_professional",
    "log_out",
    "needs_rehash",
    "participant_record",
    "participant_record_to_excel",
    "participant_summary",
    "people_count",
    "permission_matrix",
    "professional_choices",
    "protected_total",
    "read_backup",
    "record",
    "record_export",
    "reload_actor",
    "require",
    "require_consent",
    "restore_database",
    "rounded",
    "set_user_active",
    "set_user_role",
    "set_user_sso_email",
    "suppressed",
    "unlock_user",
    "users_frame",
    "verify_password",
]
