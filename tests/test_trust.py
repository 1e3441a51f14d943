from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import Engine, select

from community_map import trust as services
from community_map.errors import AuthenticationError, PermissionDeniedError, ValidationError
from community_map.models import AuditLog, Professional, Role, Service, TerritoryUnit, User
from community_map.storage import session_scope
from community_map.trust import Actor, hash_password, verify_password


def _audit(engine: Engine) -> list[AuditLog]:
    with session_scope(engine) as session:
        return list(session.scalars(select(AuditLog).order_by(AuditLog.id)))


def test_password_hashes_are_salted_and_verify() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second
    assert first.startswith("$argon2id$")
    assert verify_password(first, "correct horse")
    assert not verify_password(first, "wrong horse")
    assert not verify_password("not a hash", "correct horse")


def test_add_user_writes_the_account_and_an_audit_entry(engine: Engine, admin: Actor) -> None:
    with session_scope(engine) as session:
        services.add_user(
            session,
            actor=admin,
            username="Laia.P",
            password="a-long-secret",
            role="educator",
            display_name="Laia",
        )
    with session_scope(engine) as session:
        user = session.scalar(select(User))
        assert user is not None
        assert (user.username, user.role, user.display_name) == ("laia.p", "educator", "Laia")
        assert "a-long-secret" not in user.password_hash
    (entry,) = _audit(engine)
    assert (entry.actor, entry.action, entry.entity) == ("test-admin", "create", "users")
    assert entry.after == {
        "username": "laia.p",
        "role": "educator",
        "display_name": "Laia",
        "service_id": None,
        "professional_id": None,
    }
    assert "password" not in str(entry.after)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"username": "a b", "password": "a-long-secret", "role": "admin"}, "not valid"),
        ({"username": "ok", "password": "short", "role": "admin"}, "at least 10"),
        ({"username": "ok", "password": "a-long-secret", "role": "boss"}, "Unknown role"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_written(
    engine: Engine, admin: Actor, kwargs: dict[str, str], fragment: str
) -> None:
    with pytest.raises(ValidationError, match=fragment), session_scope(engine) as session:
        services.add_user(session, actor=admin, **kwargs)
    assert _audit(engine) == []


def test_duplicate_user_is_refused(engine: Engine, admin: Actor) -> None:
    with session_scope(engine) as session:
        services.add_user(
            session, actor=admin, username="marc", password="a-long-secret", role="admin"
        )
    with pytest.raises(ValidationError, match="already exists"), session_scope(engine) as s:
        services.add_user(s, actor=admin, username="MARC", password="a-long-secret", role="admin")


def test_only_admins_manage_users(engine: Engine) -> None:
    educator = Actor(username="edu", role=Role.EDUCATOR)
    with pytest.raises(PermissionDeniedError), session_scope(engine) as session:
        services.add_user(
            session, actor=educator, username="x1", password="a-long-secret", role="admin"
        )


def test_authenticate_and_audit_login(engine: Engine, admin: Actor) -> None:
    with session_scope(engine) as session:
        services.add_user(
            session, actor=admin, username="nuria", password="a-long-secret", role="evaluator"
        )
    with session_scope(engine) as session:
        actor = services.authenticate(session, "Nuria", "a-long-secret")
    assert actor.role is Role.EVALUATOR and actor.user_id is not None
    for name, password in (("nuria", "wrong-password"), ("nobody", "a-long-secret")):
        with (
            pytest.raises(AuthenticationError, match="Wrong user name or password"),
            session_scope(engine) as session,
        ):
            services.authenticate(session, name, password)
    actions = [e.action for e in _audit(engine)]
    # failed attempts are committed before the error, whatever the caller does
    assert actions == ["create", "login", "login_failed", "login_failed"]


def test_failed_login_is_audited_without_the_typed_name(engine: Engine, admin: Actor) -> None:
    with session_scope(engine) as session, contextlib.suppress(AuthenticationError):
        services.authenticate(session, "ghost", "whatever-pass")
    (entry,) = _audit(engine)
    assert (entry.action, entry.actor) == ("login_failed", services.UNKNOWN_USER)


def test_deactivated_user_cannot_log_in(engine: Engine, admin: Actor) -> None:
    with session_scope(engine) as session:
        services.add_user(
            session, actor=admin, username="pau", password="a-long-secret", role="educator"
        )
        services.set_user_active(session, actor=admin, username="pau", active=False)
    with pytest.raises(AuthenticationError), session_scope(engine) as session:
        services.authenticate(session, "pau", "a-long-secret")
    update = next(e for e in _audit(engine) if e.action == "update")
    assert update.before == {"is_active": True} and update.after == {"is_active": False}


def test_bulk_create_is_one_audit_entry(engine: Engine, admin: Actor) -> None:
    rows = [
        dict(
            kind="district",
            code=f"{i:02d}",
            name=f"D{i}",
            srid=25831,
            source="t",
            is_approximate=False,
        )
        for i in range(1, 4)
    ]
    with session_scope(engine) as session:
        assert services.bulk_create(session, actor=admin, model=TerritoryUnit, rows=rows) == 3
        assert services.data_version(session) == 1
    (entry,) = _audit(engine)
    assert entry.action == "bulk_create" and entry.after["rows"] == 3


def test_an_account_linked_to_a_professional_logs_in_as_them(engine: Engine, admin: Actor) -> None:
    with session_scope(engine) as session:
        service = Service(code="CSS1", name="CSS Sant Martí", field_of_work="social_care")
        session.add(service)
        session.flush()
        professional = Professional(code="P1", role="educator", service_id=service.id)
        session.add(professional)
        session.flush()
        ids = (service.id, professional.id)
        services.add_user(
            session,
            actor=admin,
            username="laia",
            password="a-long-secret",
            role="educator",
            professional_id=professional.id,
        )
        with pytest.raises(ValidationError, match="no professional with id 999"):
            services.add_user(
                session,
                actor=admin,
                username="pere",
                password="a-long-secret",
                role="educator",
                professional_id=999,
            )
    with session_scope(engine) as session:
        actor = services.authenticate(session, "laia", "a-long-secret")
    # The professional's service is the account's service when none is given.
    assert (actor.service_id, actor.professional_id) == ids
