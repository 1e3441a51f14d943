"""AppTests of accounts and sessions: lock-out, re-checks on every run, idle timeout, Users page."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from community_map import storage
from community_map import trust as services
from community_map.models import AuditLog, Professional, Role, User
from tests.demo_actors import demo_actor

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "community_map" / "ui" / "streamlit_app.py")
ADMIN = demo_actor(Role.ADMIN)


@pytest.fixture
def db(demo_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A private copy of the demo database (these tests write to it)."""
    copy = tmp_path / "copy.db"
    shutil.copy(demo_db.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", url)
    monkeypatch.setenv("COMMUNITY_MAP_DEMO", "true")
    monkeypatch.chdir(ROOT)
    engine = storage.create_db_engine(url)
    yield engine
    engine.dispose()


def _app(language: str = "en", role: Role | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["language"] = language
    if role is not None:
        at.session_state["actor"] = demo_actor(role)
    return at


def _login(at: AppTest, username: str, password: str) -> None:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.form_id == "login").click().run()


def _logged_in(at: AppTest) -> bool:
    return "actor" in at.session_state


def test_repeated_failures_lock_the_account_in_the_app(db: Engine) -> None:
    at = _app().run()
    for _ in range(5):
        _login(at, "coordinator", "not-the-password")
    assert not at.exception
    assert "Try again in 15 minutes" in at.error[0].value
    _login(at, "coordinator", "demo-coordinator")
    assert not _logged_in(at)
    assert "Try again in" in at.error[0].value
    catalan = _app("ca").run()
    _login(catalan, "coordinator", "demo-coordinator")
    assert not _logged_in(catalan) and "Try again" not in catalan.error[0].value
    # the administrator sees the block on the Users page and lifts it
    admin = _app(role=Role.ADMIN).run()
    admin.switch_page("pages/users.py").run()
    admin.selectbox(key="edit_username").select("coordinator").run()
    assert any("blocked" in w.value for w in admin.warning)
    admin.button(key="unlock_user").click().run()
    assert not admin.exception and not admin.error
    _login(at, "coordinator", "demo-coordinator")
    assert _logged_in(at) and at.title[0].value == "Home"


def test_a_deactivated_user_is_logged_out_at_the_next_click(db: Engine) -> None:
    at = _app(role=Role.EDUCATOR).run()
    at.switch_page("pages/planner.py").run()
    assert at.title[0].value == "Plan sessions"
    with storage.session_scope(db) as session:
        services.set_user_active(session, actor=ADMIN, username="educator", active=False)
    at.run()
    assert not at.exception
    assert not _logged_in(at)
    assert "no longer active" in at.warning[0].value
    assert at.title[0].value == "community_map"  # the login form, not the planner


def test_a_role_change_applies_at_the_next_click(db: Engine) -> None:
    at = _app(role=Role.EDUCATOR).run()
    at.switch_page("pages/planner.py").run()
    with storage.session_scope(db) as session:
        services.set_user_role(session, actor=ADMIN, username="educator", role="district_viewer")
    at.run()
    assert not at.exception
    assert at.session_state["actor"].role is Role.DISTRICT_VIEWER
    assert at.title[0].value != "Plan sessions"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/planner.py")


def test_the_per_run_check_writes_nothing(db: Engine) -> None:
    at = _app(role=Role.COORDINATOR).run()
    with storage.session_scope(db) as session:
        before = session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1))
    for _ in range(3):
        at.run()
    with storage.session_scope(db) as session:
        after = session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1))
    assert after == before


def test_idle_timeout_logs_out_and_logging_in_returns_to_the_page(db: Engine) -> None:
    at = _app(role=Role.COORDINATOR).run()
    at.switch_page("pages/planner.py").run()
    at.session_state["last_seen"] = time.time() - 31 * 60
    at.run()
    assert not at.exception
    assert not _logged_in(at)
    assert at.warning[0].value == (
        "You were logged out after 30 minutes without activity. Please log in again."
    )
    _login(at, "coordinator", "demo-coordinator")
    assert not at.exception
    assert at.title[0].value == "Plan sessions"  # the page that was open, not Home


def test_idle_timeout_is_a_setting(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMUNITY_MAP_IDLE_TIMEOUT_MINUTES", "120")
    at = _app(role=Role.COORDINATOR).run()
    at.session_state["last_seen"] = time.time() - 31 * 60
    at.run()
    assert _logged_in(at)


def test_log_out_ends_the_login_tokens(db: Engine) -> None:
    at = _app().run()
    _login(at, "evaluator", "demo-evaluator")
    with storage.session_scope(db) as session:
        token = services.issue_token(session, at.session_state["actor"])
        assert services.actor_from_token(session, token) is not None
    at.button(key="logout").click().run()
    assert not _logged_in(at)
    with storage.session_scope(db) as session:
        assert services.actor_from_token(session, token) is None


def test_users_page_defaults_to_the_least_privileged_role_and_links_a_professional(
    db: Engine,
) -> None:
    with storage.session_scope(db) as session:
        professional = session.scalars(select(Professional).order_by(Professional.code)).first()
        assert professional is not None
        pid, service_id = professional.id, professional.service_id
    at = _app(role=Role.ADMIN).run()
    at.switch_page("pages/users.py").run()
    assert at.selectbox(key="new_role").value is Role.DISTRICT_VIEWER
    labels = at.selectbox(key="new_professional").options
    assert professional.code in labels[1] and len(labels) > 1
    at.text_input(key="new_username").input("new.person")
    at.text_input(key="new_password").input("a-long-secret")
    at.text_input(key="new_password2").input("a-long-secret")
    at.selectbox(key="new_professional").set_value(pid)
    at.button(key="FormSubmitter:new_user-Create account").click().run()
    assert not at.exception and not at.error
    at.selectbox(key="edit_username").select("new.person").run()
    at.selectbox(key="edit_role_value").set_value(Role.EDUCATOR)
    at.button(key="FormSubmitter:edit_role-Change role").click().run()
    assert not at.exception and not at.error
    with storage.session_scope(db) as session:
        user = session.scalar(select(User).where(User.username == "new.person"))
        assert user is not None
        assert (user.role, user.professional_id, user.service_id) == ("educator", pid, service_id)


SSO_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "community-map",
        "client_secret": "not-a-secret",
        "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
    }
}


def _sso_app(email: str) -> AppTest:
    at = _app()
    at.secrets = SSO_SECRETS
    at.user = {"is_logged_in": True, "email": email, "email_verified": True}
    return at


def test_single_sign_on_logs_in_as_the_linked_account_with_its_database_role(db: Engine) -> None:
    with storage.session_scope(db) as session:
        services.set_user_sso_email(
            session, actor=ADMIN, username="coordinator", email="c.serra@example.org"
        )
    at = _sso_app("C.Serra@example.org").run()
    assert not at.exception
    assert at.session_state["actor"].username == "coordinator"
    assert at.session_state["actor"].role is Role.COORDINATOR
    assert at.title[0].value == "Home"


def test_an_unknown_single_sign_on_identity_is_told_to_ask_an_administrator(db: Engine) -> None:
    at = _sso_app("stranger@example.org").run()
    assert not at.exception
    assert not _logged_in(at)
    assert "Ask an administrator to create your account" in at.warning[0].value
    assert at.button(key="sso_logout").label == "Log out of single sign-on"
    at.run()  # refused once per browser session: not audited again on every click
    with storage.session_scope(db) as session:
        refused = session.scalars(
            select(AuditLog).where(AuditLog.actor == services.SSO_ACTOR)
        ).all()
    assert [(e.action, e.after["email"]) for e in refused] == [
        ("login_failed", "stranger@example.org")
    ]


def test_without_sso_configured_there_is_no_sso_button(db: Engine) -> None:
    at = _app().run()
    assert not any(b.key in {"sso_login", "sso_logout"} for b in at.button)
