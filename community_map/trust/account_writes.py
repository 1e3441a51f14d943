"""Audited writes of user accounts: create, log in, activate and deactivate."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map.errors import AuthenticationError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import Professional, Role, User, utcnow
from community_map.settings import get_settings
from community_map.trust.audit import record
from community_map.trust.passwords import hash_password, needs_rehash, verify_password
from community_map.trust.permissions import Actor, Permission, require

__all__ = ["USERNAME_PATTERN", "add_user", "authenticate", "set_user_active"]

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def add_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    password: str,
    role: Role | str,
    display_name: str = "",
    service_id: int | None = None,
    professional_id: int | None = None,
) -> User:
    """Create a local account with a salted password hash.

    Parameters
    ----------
    session
        Open database session.
    actor
        Who creates the account; needs the ``manage_users`` permission.
    username
        Lower-case letters, digits, dots, dashes and underscores, 2 to 64 characters.
    password
        At least ``min_password_length`` characters (setting).
    role
        One of :class:`~community_map.models.Role`.
    display_name
        The name shown in the interface (staff, not participants).
    service_id, professional_id
        The service the account works for, and the professional it is: educators change
        the sessions they facilitate, coordinators those of their service. A professional
        implies their service when ``service_id`` is not given.

    Returns
    -------
    User
    """
    require(actor, Permission.MANAGE_USERS)
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ValidationError(
            _(
                "User name {name!r} is not valid: use 2 to 64 lower-case letters, digits, dots, "
                "dashes or underscores, starting with a letter or digit."
            ).format(name=username)
        )
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError(
            _("Unknown role {role!r}; choose one of: {roles}.").format(
                role=role, roles=", ".join(r.value for r in Role)
            )
        ) from None
    minimum = get_settings().min_password_length
    if len(password) < minimum:
        raise ValidationError(
            _("The password must have at least {n} characters.").format(n=minimum)
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValidationError(
            _("A user called {name!r} already exists; choose another user name.").format(
                name=username
            )
        )
    if professional_id is not None:
        professional = session.get(Professional, professional_id)
        if professional is None:
            raise ValidationError(
                _("There is no professional with id {id}.").format(id=professional_id)
            )
        if service_id is None:
            service_id = professional.service_id
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        role=role.value,
        service_id=service_id,
        professional_id=professional_id,
        is_active=True,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    record(
        session,
        actor,
        "create",
        "users",
        user.id,
        after={
            "username": username,
            "role": role.value,
            "display_name": user.display_name,
            "service_id": service_id,
            "professional_id": professional_id,
        },
    )
    return user


def authenticate(session: Session, username: str, password: str) -> Actor:
    """Check a user name and password; return the logged-in actor.

    Both outcomes are recorded in the audit log. The message for a wrong user name is
    the same as for a wrong password, so that accounts cannot be discovered.
    """
    name = username.strip().lower()
    user = session.scalar(select(User).where(User.username == name))
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        record(
            session,
            Actor(username=name or "?", role=Role.DISTRICT_VIEWER),
            "login_failed",
            "users",
            None if user is None else user.id,
        )
        raise AuthenticationError(_("Wrong user name or password."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    actor = Actor(
        username=user.username,
        role=Role(user.role),
        user_id=user.id,
        display_name=user.display_name,
        service_id=user.service_id,
        professional_id=user.professional_id,
    )
    record(session, actor, "login", "users", user.id)
    return actor


def set_user_active(session: Session, *, actor: Actor, username: str, active: bool) -> User:
    """Activate or deactivate an account (an inactive account cannot log in)."""
    require(actor, Permission.MANAGE_USERS)
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ValidationError(_("There is no user called {name!r}.").format(name=username))
    if actor.user_id == user.id and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    before = {"is_active": user.is_active}
    user.is_active = active
    record(session, actor, "update", "users", user.id, before=before, after={"is_active": active})
    return user
