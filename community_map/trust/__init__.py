"""Trust: roles and permissions, accounts, the audit log and disclosure rules."""
