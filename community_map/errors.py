"""Errors raised by community_map, each with a message that says how to fix the input.

Every exception derives from :class:`CommunityMapError`, so the CLI and the app can
catch them in one place and show a one-line message instead of a traceback.
"""

from __future__ import annotations

__all__ = [
    "AccountLockedError",
    "AuthenticationError",
    "BackupError",
    "CommunityMapError",
    "ConcurrentEditError",
    "ConfigurationError",
    "DatabaseBusyError",
    "DatabaseUnavailableError",
    "ImportFileError",
    "NotFoundError",
    "PermissionDeniedError",
    "SchemaVersionError",
    "ValidationError",
]


class CommunityMapError(Exception):
    """Base class of every error that community_map reports to a user."""


class ConfigurationError(CommunityMapError, ValueError):
    """A setting or a settings file is malformed."""


class DatabaseUnavailableError(CommunityMapError):
    """The database URL is malformed or the server cannot be reached."""


class SchemaVersionError(CommunityMapError):
    """The database schema is not the one this version of the code expects."""


class AuthenticationError(CommunityMapError):
    """Wrong user name or password, or an inactive account."""


class AccountLockedError(AuthenticationError):
    """Too many failed log-ins: log-in is blocked for a while, even with the right password."""


class PermissionDeniedError(CommunityMapError):
    """The acting user's role does not allow the operation."""


class ValidationError(CommunityMapError, ValueError):
    """Input data breaks a rule; the message names what to change."""


class ConcurrentEditError(ValidationError):
    """Someone else saved the same record first; the user reloads and makes the change again.

    Raised instead of SQLAlchemy's ``StaleDataError`` (optimistic locking) and of unique
    constraint violations when two users save the same thing at the same time; nothing
    of the refused change is saved.
    """


class DatabaseBusyError(CommunityMapError):
    """The database stayed locked by other writers too long (or a deadlock was broken)."""


class BackupError(CommunityMapError):
    """A backup cannot be written, or a file cannot be restored (not a backup, wrong schema)."""


class NotFoundError(CommunityMapError, LookupError):
    """A record asked for by code or id does not exist."""


class ImportFileError(ValidationError):
    """A file cannot be imported; the message names the file and, when known, row and column.

    Parameters
    ----------
    message
        What is wrong and how to fix it (already translated).
    path
        The file's name as the user knows it.
    row
        1-based row number in the file as a spreadsheet shows it (header = row 1), or
        the 1-based feature number for GeoJSON-like files.
    column
        The column (or property) name.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = path
        self.row = row
        self.column = column
        self.reason = message
        where = path
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")
