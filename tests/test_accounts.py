"""Accounts and sessions: throttling, lock-out, safe audit of failures, re-checks, tokens, SSO."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from community_map import settings as settings_module
from community_map import storage
from community_map import trust as services
from community_map.errors import (
    AccountLockedError,
    AuthenticationError,
    PermissionDeniedError,
    ValidationError,
)
from community_map.models import AuditLog, LoginThrottle, Professional, Role, Service, User
from community_map.storage import session_scope
from community_map.trust import Actor

PASSWORD = "a-long-secret"
T0 = dt.datetime(2026, 12, 3, 10, 0, 0)


def _settings(monkeypatch: pytest.MonkeyPatch, **values: object) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"COMMUNITY_MAP_{name.upper()}", str(value))
    settings_module.get_settings.cache_clear()


@pytest.fixture
def accounts(engine: Engine, admin: Actor) -> Engine:
    with session_scope(engine) as session:
        for name, role in (("laia", "educator"), ("root", "admin")):
            services.add_user(session, actor=admin, username=name, password=PASSWORD, role=role)
    return engine


def _login(engine: Engine, name: str, password: str, **kwargs: object) -> Actor:
    """One log-in attempt in its own session, as the login page does (errors roll back)."""
    with session_scope(engine) as session:
        return services.authenticate(session, name, password, **kwargs)  # type: ignore[arg-type]


def _fail(engine: Engine, name: str, password: str, now: dt.datetime, **kwargs: object) -> str:
    with pytest.raises(AuthenticationError) as caught:
        _login(engine, name, password, now=now, **kwargs)
    return str(caught.value)


def _audit(engine: Engine) -> list[AuditLog]:
    with session_scope(engine) as session:
        return list(session.scalars(select(AuditLog).order_by(AuditLog.id)))


def _admin_of(engine: Engine) -> Actor:
    with session_scope(engine) as session:
        return services.authenticate(session, "root", PASSWORD)


# --- 1. throttling and lock-out ---------------------------------------------------------


def test_five_failures_lock_the_account_even_for_the_right_password(accounts: Engine) -> None:
    moments = [T0 + dt.timedelta(seconds=i) for i in range(5)]
    messages = [_fail(accounts, "laia", f"wrong-{i}", at) for i, at in enumerate(moments)]
    assert messages[:4] == ["Wrong user name or password."] * 4
    assert "Try again in 15 minutes" in messages[4]
    with pytest.raises(AccountLockedError, match="Try again in 11 minutes"):
        _login(accounts, "laia", PASSWORD, now=T0 + dt.timedelta(minutes=4, seconds=30))
    # Once the lock has ended, the right password logs in and the count starts again.
    actor = _login(accounts, "laia", PASSWORD, now=T0 + dt.timedelta(minutes=16))
    assert actor.username == "laia"
    with session_scope(accounts) as session:
        assert session.scalar(select(func.count()).select_from(LoginThrottle)) == 0


def test_failures_count_across_processes(accounts: Engine, sqlite_url: str) -> None:
    # Each attempt through a new engine, as separate app processes would make them.
    for i in range(5):
        other = storage.create_db_engine(sqlite_url)
        _fail(other, "laia", "wrong", T0 + dt.timedelta(seconds=i))
        other.dispose()
    with pytest.raises(AccountLockedError):
        _login(accounts, "laia", PASSWORD, now=T0 + dt.timedelta(minutes=1))


def test_old_failures_are_forgotten(accounts: Engine) -> None:
    for i in range(4):
        _fail(accounts, "laia", "wrong", T0 + dt.timedelta(seconds=i))
    later = T0 + dt.timedelta(minutes=20)
    assert _fail(accounts, "laia", "wrong", later) == "Wrong user name or password."
    assert _login(accounts, "laia", PASSWORD, now=later).username == "laia"


def test_limits_come_from_the_settings(accounts: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    _settings(monkeypatch, login_max_failures=2, login_lockout_minutes=3)
    assert _fail(accounts, "laia", "wrong", T0) == "Wrong user name or password."
    assert "Try again in 3 minutes" in _fail(accounts, "laia", "wrong", T0)
    assert _login(accounts, "laia", PASSWORD, now=T0 + dt.timedelta(minutes=3, seconds=1))


def test_unknown_names_lock_the_same_way(accounts: Engine) -> None:
    """Lock messages do not reveal whether an account exists."""
    for name in ("laia", "nobody"):
        messages = [_fail(accounts, name, "wrong", T0) for _ in range(6)]
        assert messages[:4] == ["Wrong user name or password."] * 4
        assert all("Try again in 15 minutes" in m for m in messages[4:])


def test_lock_is_per_user_name(accounts: Engine) -> None:
    for _ in range(5):
        _fail(accounts, "laia", "wrong", T0)
    assert _login(accounts, "root", PASSWORD, now=T0).username == "root"


def test_per_client_throttling_when_configured(
    accounts: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings(monkeypatch, login_max_failures_per_client=3)
    for name in ("a1", "a2", "a3"):
        _fail(accounts, name, "wrong", T0, client="203.0.113.7")
    with pytest.raises(AccountLockedError):
        _login(accounts, "laia", PASSWORD, now=T0, client="203.0.113.7")
    assert _login(accounts, "laia", PASSWORD, now=T0, client="198.51.100.1")


def test_an_administrator_unlocks_and_it_is_audited(accounts: Engine) -> None:
    admin = _admin_of(accounts)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for _ in range(5):
        _fail(accounts, "laia", "wrong", now)
    with session_scope(accounts) as session:
        frame = services.users_frame(session, actor=admin)
        locked = frame.set_index("username")["locked_until"]
        assert locked["laia"] == now.replace(microsecond=now.microsecond) + dt.timedelta(minutes=15)
        assert locked.isna()["root"]
    with pytest.raises(PermissionDeniedError), session_scope(accounts) as session:
        educator = Actor(username="e", role=Role.EDUCATOR)
        services.unlock_user(session, actor=educator, username="laia")
    with session_scope(accounts) as session:
        services.unlock_user(session, actor=admin, username="laia")
    assert _login(accounts, "laia", PASSWORD).username == "laia"
    entry = next(e for e in _audit(accounts) if e.action == "unlock")
    assert entry.actor == "root" and entry.before is not None
    assert entry.before["locked_until"] is not None and entry.after == {"locked_until": None}


def test_the_command_line_unlocks_a_locked_administrator(accounts: Engine, sqlite_url: str) -> None:
    import io

    from community_map.cli import main

    for _ in range(5):
        _fail(accounts, "root", "wrong", dt.datetime.now(dt.UTC).replace(tzinfo=None))
    with pytest.raises(AccountLockedError):
        _login(accounts, "root", PASSWORD)
    out = io.StringIO()
    assert main(["--database-url", sqlite_url, "user", "unlock", "root"], out=out) == 0
    assert "root" in out.getvalue()
    assert _login(accounts, "root", PASSWORD).username == "root"
    assert any(e.action == "unlock" and e.actor.startswith("cli:") for e in _audit(accounts))


# --- 2. failed log-ins audited without what was typed ----------------------------------


def test_failed_logins_are_recorded_even_when_the_session_rolls_back(accounts: Engine) -> None:
    _fail(accounts, "laia", "wrong", T0)
    _fail(accounts, "ghost", "whatever", T0)
    failed = [(e.actor, e.after) for e in _audit(accounts) if e.action == "login_failed"]
    assert failed == [
        ("laia", {"reason": "wrong_password"}),
        (services.UNKNOWN_USER, {"reason": "unknown_user"}),
    ]


def test_a_password_typed_as_user_name_is_stored_nowhere(accounts: Engine) -> None:
    secret = "Tr0ub4dor&3-horse"
    for _ in range(6):  # enough to lock the typed "name" too
        with contextlib.suppress(AuthenticationError):
            _login(accounts, secret, "")
    with session_scope(accounts) as session:
        audit_rows = session.execute(select(AuditLog)).scalars().all()
        throttle_rows = session.execute(select(LoginThrottle)).scalars().all()
        dumped = [
            repr([getattr(row, c.key) for c in AuditLog.__table__.columns]) for row in audit_rows
        ] + [
            repr([getattr(row, c.key) for c in LoginThrottle.__table__.columns])
            for row in throttle_rows
        ]
    assert len(audit_rows) >= 8  # 2 accounts created, 6 failures, a lock
    for text in dumped:
        assert secret.lower() not in text.lower()
        assert "troub4dor" not in text.lower() and "horse" not in text.lower()
    assert {row.actor for row in audit_rows if row.action.startswith("login")} == {
        services.UNKNOWN_USER
    }


def test_inactive_account_is_refused_with_the_same_message(accounts: Engine) -> None:
    admin = _admin_of(accounts)
    with session_scope(accounts) as session:
        services.set_user_active(session, actor=admin, username="laia", active=False)
    assert _fail(accounts, "laia", PASSWORD, T0) == "Wrong user name or password."
    assert _audit(accounts)[-1].after == {"reason": "inactive"}


# --- 3. the acting user re-read on every run --------------------------------------------


def test_reload_reflects_deactivation_and_role_changes_and_writes_nothing(
    accounts: Engine,
) -> None:
    admin = _admin_of(accounts)
    laia = _login(accounts, "laia", PASSWORD)
    with session_scope(accounts) as session:
        version = services.data_version(session)
        assert services.reload_actor(session, laia) == laia
        assert services.data_version(session) == version
        assert not session.new and not session.dirty
    with session_scope(accounts) as session:
        services.set_user_role(session, actor=admin, username="laia", role="coordinator")
    with session_scope(accounts) as session:
        reloaded = services.reload_actor(session, laia)
        assert reloaded is not None and reloaded.role is Role.COORDINATOR
    with session_scope(accounts) as session:
        services.set_user_active(session, actor=admin, username="laia", active=False)
    with session_scope(accounts) as session:
        assert services.reload_actor(session, laia) is None
        # an actor that is no account, or names another account, may not act either
        assert services.reload_actor(session, Actor(username="x", role=Role.ADMIN)) is None
        impostor = Actor(username="someone", role=Role.ADMIN, user_id=admin.user_id)
        assert services.reload_actor(session, impostor) is None


def test_role_changes_are_audited_and_not_for_oneself(accounts: Engine) -> None:
    admin = _admin_of(accounts)
    with session_scope(accounts) as session:
        services.set_user_role(session, actor=admin, username="laia", role="evaluator")
        with pytest.raises(ValidationError, match="own role"):
            services.set_user_role(session, actor=admin, username="root", role="educator")
        with pytest.raises(ValidationError, match="Unknown role"):
            services.set_user_role(session, actor=admin, username="laia", role="boss")
    entry = [e for e in _audit(accounts) if e.action == "update"][-1]
    assert (entry.before, entry.after) == ({"role": "educator"}, {"role": "evaluator"})


def test_linking_an_account_to_a_professional(accounts: Engine) -> None:
    admin = _admin_of(accounts)
    with session_scope(accounts) as session:
        service = Service(code="CSS1", name="CSS Sant Martí", field_of_work="social_care")
        session.add(service)
        session.flush()
        professional = Professional(
            code="P1", display_name="Laia P.", role="educator", service_id=service.id
        )
        session.add(professional)
        session.flush()
        ids = (professional.id, service.id)
        choices = services.professional_choices(session, actor=admin)
        assert choices == {professional.id: "P1 · Laia P. · CSS Sant Martí"}
        services.link_user_professional(
            session, actor=admin, username="laia", professional_id=professional.id
        )
        with pytest.raises(ValidationError, match="no professional with id 999"):
            services.link_user_professional(
                session, actor=admin, username="laia", professional_id=999
            )
    actor = _login(accounts, "laia", PASSWORD)
    assert (actor.professional_id, actor.service_id) == ids
    entry = [e for e in _audit(accounts) if e.action == "update"][-1]
    assert entry.after == {"professional_id": ids[0], "service_id": ids[1]}
    with session_scope(accounts) as session:
        frame = services.users_frame(session, actor=admin).set_index("username")
        assert frame.loc["laia", "professional"] == "P1 Laia P."


# --- 5. tokens that survive a reload ----------------------------------------------------


def test_a_token_logs_back_in_until_idle_timeout_or_logout(accounts: Engine) -> None:
    laia = _login(accounts, "laia", PASSWORD)
    with session_scope(accounts) as session:
        token = services.issue_token(session, laia, now=T0)
        assert services.actor_from_token(session, token, now=T0 + dt.timedelta(minutes=29)) == laia
        assert services.actor_from_token(session, token, now=T0 + dt.timedelta(minutes=31)) is None
        uid, issued, signature = token.split(".")
        for forged in (
            f"{uid}.{int(issued) + 600}.{signature}",  # a later issue time
            f"{int(uid) + 1}.{issued}.{signature}",  # another account
            f"{uid}.{issued}.{signature[:-2]}AA",
            "garbage",
            "",
        ):
            assert services.actor_from_token(session, forged, now=T0) is None
    with session_scope(accounts) as session:
        services.log_out(session, actor=laia)
    with session_scope(accounts) as session:
        assert services.actor_from_token(session, token, now=T0) is None
    assert _audit(accounts)[-1].action == "logout"


def test_deactivation_invalidates_tokens(accounts: Engine) -> None:
    admin = _admin_of(accounts)
    laia = _login(accounts, "laia", PASSWORD)
    with session_scope(accounts) as session:
        token = services.issue_token(session, laia, now=T0)
        services.set_user_active(session, actor=admin, username="laia", active=False)
    with session_scope(accounts) as session:
        services.set_user_active(session, actor=admin, username="laia", active=True)
    with session_scope(accounts) as session:
        assert services.actor_from_token(session, token, now=T0) is None


def test_tokens_signed_with_another_key_are_refused(
    accounts: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    laia = _login(accounts, "laia", PASSWORD)
    with session_scope(accounts) as session:
        token = services.issue_token(session, laia, now=T0)
    _settings(monkeypatch, secret_key="x" * 40)
    with session_scope(accounts) as session:
        assert services.actor_from_token(session, token, now=T0) is None
        assert (
            services.actor_from_token(session, services.issue_token(session, laia, now=T0), now=T0)
            == laia
        )


# --- 6. single sign-on ------------------------------------------------------------------


@pytest.fixture
def sso(accounts: Engine) -> Iterator[Engine]:
    admin = _admin_of(accounts)
    with session_scope(accounts) as session:
        services.set_user_sso_email(session, actor=admin, username="laia", email="Laia@Example.org")
        with pytest.raises(ValidationError, match="already logs in as laia"):
            services.set_user_sso_email(
                session, actor=admin, username="root", email="laia@example.org"
            )
        with pytest.raises(ValidationError, match="not an e-mail address"):
            services.set_user_sso_email(session, actor=admin, username="root", email="root")
    yield accounts


def test_sso_identity_maps_to_the_account_and_its_database_role(sso: Engine) -> None:
    with session_scope(sso) as session:
        actor = services.actor_for_sso(session, email="LAIA@example.org", email_verified=True)
    assert (actor.username, actor.role) == ("laia", Role.EDUCATOR)
    assert _audit(sso)[-1].after == {"method": "sso"}


@pytest.mark.parametrize(
    ("email", "verified"), [("someone@example.org", True), ("laia@example.org", False), ("", None)]
)
def test_unknown_sso_identities_are_refused_and_audited(
    sso: Engine, email: str, verified: bool | None
) -> None:
    with (
        pytest.raises(AuthenticationError, match="Ask an administrator to create your account"),
        session_scope(sso) as session,
    ):
        services.actor_for_sso(session, email=email, email_verified=verified)
    entry = _audit(sso)[-1]
    assert (entry.action, entry.actor) == ("login_failed", services.SSO_ACTOR)
    assert entry.after == {"method": "sso", "email": email, "reason": "no_account"}


def test_users_frame_shows_links_and_never_hashes(sso: Engine) -> None:
    admin = _admin_of(sso)
    with session_scope(sso) as session:
        frame = services.users_frame(session, actor=admin)
        hashes = set(session.scalars(select(User.password_hash)))
    assert frame.set_index("username").loc["laia", "sso_email"] == "laia@example.org"
    assert not any(h in frame.to_string() for h in hashes)


@pytest.mark.postgres
def test_concurrent_failures_all_count_on_postgres(
    pg_engine: Engine, admin: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    _settings(monkeypatch, login_max_failures=8)
    with session_scope(pg_engine) as session:
        services.add_user(session, actor=admin, username="laia", password=PASSWORD, role="educator")

    def attempt(i: int) -> str:
        return _fail(pg_engine, "laia", f"wrong-{i}", T0)

    with ThreadPoolExecutor(max_workers=6) as pool:
        messages = list(pool.map(attempt, range(7)))
    assert messages == ["Wrong user name or password."] * 7  # 7 of 8 counted, none lost
    assert "Try again in 15 minutes" in _fail(pg_engine, "laia", "wrong", T0)
    with pytest.raises(AccountLockedError):
        _login(pg_engine, "laia", PASSWORD, now=T0)


def test_logging_in_and_out_leaves_the_data_version_and_every_cache_alone(
    accounts: Engine,
) -> None:
    with session_scope(accounts) as session:
        version = services.data_version(session)
    laia = _login(accounts, "laia", PASSWORD)
    _fail(accounts, "laia", "wrong", dt.datetime(2026, 1, 1, 10, 0))
    with session_scope(accounts) as session:
        services.log_out(session, actor=laia)
        assert services.data_version(session) == version
        logins = session.scalars(
            select(AuditLog.action).where(AuditLog.action.in_(["login", "login_failed"]))
        ).all()
    assert sorted(logins)[:1] == ["login"] and "login_failed" in logins  # still audited
    with session_scope(accounts) as session:
        root = _admin_of(accounts)
    with session_scope(accounts) as session:
        services.set_user_role(session, actor=root, username="laia", role="evaluator")
        assert services.data_version(session) > version
