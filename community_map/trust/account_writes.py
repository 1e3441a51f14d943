"""Audited writes of user accounts: create, activate, change role, link, unlock."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.models import Professional, Role, User, utcnow
from community_map.settings import get_settings
from community_map.trust.audit import record
from community_map.trust.login_guard import clear_failures, secret_key, throttle_key
from community_map.trust.passwords import hash_password
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "USERNAME_PATTERN",
    "add_user",
    "link_user_professional",
    "set_user_active",
    "set_user_role",
    "set_user_sso_email",
    "unlock_user",
]

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


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ValidationError(_("There is no user called {name!r}.").format(name=username))
    return user


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError(
            _("Unknown role {role!r}; choose one of: {roles}.").format(
                role=role, roles=", ".join(r.value for r in Role)
            )
        ) from None


def set_user_active(session: Session, *, actor: Actor, username: str, active: bool) -> User:
    """Activate or deactivate an account.

    An inactive account cannot log in, and a deactivated user who is logged in is
    logged out at their next click (the web app re-reads the account on every run);
    their login tokens stop working too.
    """
    require(actor, Permission.MANAGE_USERS)
    user = _user(session, username)
    if actor.user_id == user.id and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    before = {"is_active": user.is_active}
    user.is_active = active
    if not active:
        user.session_nonce = secrets.token_hex(16)
    record(session, actor, "update", "users", user.id, before=before, after={"is_active": active})
    return user


def set_user_role(session: Session, *, actor: Actor, username: str, role: Role | str) -> User:
    """Change an account's role; it applies at the user's next click, audited.

    Examples
    --------
    >>> set_user_role(session, actor=admin, username="laia", role="coordinator")  # doctest: +SKIP
    """
    require(actor, Permission.MANAGE_USERS)
    new_role = _role(role)
    user = _user(session, username)
    if actor.user_id == user.id and new_role is not Role(user.role):
        raise ValidationError(_("You cannot change your own role; ask another administrator."))
    before = {"role": user.role}
    user.role = new_role.value
    record(session, actor, "update", "users", user.id, before=before, after={"role": user.role})
    return user


def link_user_professional(
    session: Session, *, actor: Actor, username: str, professional_id: int | None
) -> User:
    """Link an account to the professional it is (None unlinks); the service follows, audited.

    Educators change the sessions they facilitate, coordinators those of their service.

    Examples
    --------
    >>> link_user_professional(  # doctest: +SKIP
    ...     session, actor=admin, username="laia", professional_id=7
    ... )
    """
    require(actor, Permission.MANAGE_USERS)
    user = _user(session, username)
    service_id = user.service_id
    if professional_id is not None:
        professional = session.get(Professional, professional_id)
        if professional is None:
            raise ValidationError(
                _("There is no professional with id {id}.").format(id=professional_id)
            )
        service_id = professional.service_id
    before = {"professional_id": user.professional_id, "service_id": user.service_id}
    user.professional_id, user.service_id = professional_id, service_id
    after = {"professional_id": professional_id, "service_id": service_id}
    record(session, actor, "update", "users", user.id, before=before, after=after)
    return user


def set_user_sso_email(session: Session, *, actor: Actor, username: str, email: str | None) -> User:
    """Set the single sign-on e-mail that logs in as this account (empty or None unlinks).

    Examples
    --------
    >>> set_user_sso_email(  # doctest: +SKIP
    ...     session, actor=admin, username="laia", email="laia@example.org"
    ... )
    """
    require(actor, Permission.MANAGE_USERS)
    user = _user(session, username)
    address = (email or "").strip().lower() or None
    if address is not None:
        if "@" not in address or len(address) > 254 or any(c.isspace() for c in address):
            raise ValidationError(
                _("{email!r} is not an e-mail address; write it as name@example.org.").format(
                    email=address
                )
            )
        taken = session.scalar(
            select(User.username).where(User.sso_email == address, User.id != user.id)
        )
        if taken is not None:
            raise ValidationError(
                _("The address {email} already logs in as {name}.").format(
                    email=address, name=taken
                )
            )
    before = {"sso_email": user.sso_email}
    user.sso_email = address
    record(session, actor, "update", "users", user.id, before=before, after={"sso_email": address})
    return user


def unlock_user(session: Session, *, actor: Actor, username: str) -> User:
    """Lift a log-in block after repeated failures (and forget the failures), audited.

    Examples
    --------
    >>> unlock_user(session, actor=Actor.command_line(), username="laia")  # doctest: +SKIP
    """
    require(actor, Permission.MANAGE_USERS)
    user = _user(session, username)
    secret = secret_key(session)
    assert secret is not None
    until = clear_failures(session, throttle_key(secret, "user", user.username))
    before = {"locked_until": None if until is None else until.isoformat(timespec="seconds")}
    record(session, actor, "unlock", "users", user.id, before=before, after={"locked_until": None})
    return user
