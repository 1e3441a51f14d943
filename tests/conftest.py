"""Shared fixtures: fresh databases (SQLite always, PostgreSQL when a URL is given)."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, text

from community_map import settings as settings_module
from community_map import storage
from community_map.models import Role
from community_map.trust.permissions import Actor

POSTGRES_ENV = "COMMUNITY_MAP_TEST_POSTGRES_URL"
IN_CI = os.environ.get("CI", "").lower() == "true"
ROOT = Path(__file__).resolve().parent.parent
# The real public data files live beside the checkout (../shared/data/real); CI points
# at them with COMMUNITY_MAP_REAL_DATA when the clone is elsewhere.
REAL_DATA = Path(
    os.environ.get("COMMUNITY_MAP_REAL_DATA") or ROOT.parent / "shared" / "data" / "real"
)


# CI runs the same property-test examples every time, so a red build is reproducible.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if IN_CI:
    hypothesis_settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run the tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests are opt-in on a developer's machine (``--slow``); CI always runs them."""
    if IN_CI or config.getoption("--slow") or "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow (CI runs it)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches() -> Iterator[None]:
    """Each test starts with empty Streamlit caches: they are keyed by the data version, which
    two test databases can share while holding different rows."""
    yield
    streamlit = sys.modules.get("streamlit")
    if streamlit is not None:
        streamlit.cache_data.clear()
        streamlit.cache_resource.clear()


def skip_or_fail(reason: str) -> None:
    """Skip on a user's machine; in CI (CI=true) a missing service is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run in CI)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Each test reads settings afresh, from its own working directory."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("COMMUNITY_MAP_") and key != POSTGRES_ENV:
            monkeypatch.delenv(key)
    settings_module.get_settings.cache_clear()
    yield
    settings_module.get_settings.cache_clear()


@pytest.fixture
def admin() -> Actor:
    return Actor(username="test-admin", role=Role.ADMIN)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    """A migrated, empty SQLite database."""
    eng = storage.create_db_engine(sqlite_url)
    storage.migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL schema-less database (created and dropped here)."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        skip_or_fail(f"PostgreSQL tests need {POSTGRES_ENV}")
    assert base is not None
    name = f"cm_test_{uuid.uuid4().hex[:10]}"
    admin_engine = create_engine(storage.create_db_engine(base).url, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        skip_or_fail(f"cannot create a PostgreSQL test database at {base}: {exc}")
    url = storage.create_db_engine(base).url.set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin_engine.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin_engine.dispose()


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    eng = storage.create_db_engine(postgres_url)
    storage.migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a SQLite database with the default demo data (built once per test run)."""
    from community_map.demo import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    url = f"sqlite:///{path}"
    eng = storage.create_db_engine(url)
    storage.migrate(eng)
    generate_demo(eng, actor=Actor(username="fixture", role=Role.ADMIN))
    eng.dispose()
    return url


@pytest.fixture
def demo_engine(demo_db: str) -> Iterator[Engine]:
    eng = storage.create_db_engine(demo_db)
    yield eng
    eng.dispose()
